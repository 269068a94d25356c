/// Decoding a whole byte string in a named encoding, for callers outside CSV (mail headers,
/// ZIP entry names) that hold a few bytes rather than a file: the same decoders as the CSV
/// reader (the GB18030 table, iconv for the rest), without a stream around them.
public enum TextDecoding {
  /// Whether `bytes` are valid UTF-8 (a truncated sequence at the end is invalid).
  public static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var v = UTF8Validator()
    return v.validate(bytes).errorAt == nil && !v.isInsideSequence
  }

  /// Whether `bytes` are valid UTF-8.
  public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { isValidUTF8($0) }
  }

  /// The text of `bytes` in `encoding`, or nil when a sequence cannot be decoded (or iconv no
  /// longer knows the encoding). A byte-order mark is not removed.
  public static func decode(_ bytes: [UInt8], as encoding: CSVEncoding) -> String? {
    let r = decode(bytes, as: encoding, replacingInvalid: false)
    return r.invalidSequences == 0 ? r.text : nil
  }

  /// The text of `bytes` in `encoding`; each undecodable byte becomes U+FFFD and is counted.
  ///
  /// With `replacingInvalid` false decoding stops at the first undecodable byte (the text so far
  /// is returned, `invalidSequences` is 1).
  public static func decode(_ bytes: [UInt8], as encoding: CSVEncoding,
                            replacingInvalid: Bool) -> (text: String, invalidSequences: Int) {
    if bytes.isEmpty { return ("", 0) }
    switch encoding.decoding {
    case .utf8:
      if isValidUTF8(bytes) { return (String(decoding: bytes, as: UTF8.self), 0) }
      if !replacingInvalid { return ("", 1) }
      var bad = 0
      var utf8 = UTF8.ForwardParser()
      var it = bytes.makeIterator()
      loop: while true {
        switch utf8.parseScalar(from: &it) {
        case .valid: continue
        case .error: bad += 1
        case .emptyInput: break loop
        }
      }
      return (String(decoding: bytes, as: UTF8.self), bad)
    case .gb18030:
      let d = GB18030Decoder()
      return run(bytes, replacingInvalid: replacingInvalid) { i, o in d.decode(i, into: o, isFinal: true) }
    case .iconv(let name):
      guard let d = IconvDecoder(encoding: name) else { return ("", 1) }
      return run(bytes, replacingInvalid: replacingInvalid) { i, o in d.decode(i, into: o, isFinal: true) }
    }
  }

  /// Runs a chunk decoder over all of `bytes`, replacing each undecodable byte with U+FFFD.
  private static func run(_ bytes: [UInt8], replacingInvalid: Bool,
                          _ step: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) -> DecodeStep)
    -> (text: String, invalidSequences: Int)
  {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    var room = [UInt8](repeating: 0, count: max(64, bytes.count * 4 + 16))
    var bad = 0
    bytes.withUnsafeBytes { input in
      var at = 0
      while at < input.count {
        let s = room.withUnsafeMutableBytes { step(UnsafeRawBufferPointer(rebasing: input[at...]), $0) }
        out.append(contentsOf: room[0..<s.produced])
        at += s.consumed
        if s.errorAt != nil {
          bad += 1
          if !replacingInvalid { return }
          out.append(contentsOf: [0xEF, 0xBF, 0xBD])
          at += 1
        } else if s.consumed == 0 && s.produced == 0 {
          break  // no progress: give up rather than loop
        }
      }
    }
    return (String(decoding: out, as: UTF8.self), bad)
  }
}

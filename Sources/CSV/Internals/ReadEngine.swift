import ByteIO
import Tabular

/// The buffers and decoding state behind a `CSVRowReader`: one raw read buffer, one UTF-8 output
/// buffer (only when transcoding), and the window of decoded bytes the tokenizer reads from.
final class ReadEngine {
  enum Source {
    case file(FileSource)
    case memory([UInt8])
  }

  private enum Decoder {
    case utf8(UTF8Validator)
    case gb(GB18030Decoder)
    case iconv(IconvDecoder)
  }

  private let source: Source
  private var memoryPos = 0
  let name: String
  let rawBytes: UnsafeMutableRawBufferPointer
  private var decoded: UnsafeMutableRawBufferPointer?
  /// Unconsumed raw bytes are `rawBytes[rawStart..<rawEnd]`; `rawBase` is the file offset of `rawBytes[0]`.
  private var rawStart = 0
  private(set) var rawEnd = 0
  private var rawBase = 0
  private(set) var sourceExhausted = false
  private var decoder: Decoder = .utf8(UTF8Validator())

  /// The decoded bytes the tokenizer reads: `window[windowPos..<windowEnd]`.
  private(set) var window: UnsafeRawBufferPointer
  var windowPos = 0
  private(set) var windowEnd = 0
  /// Set when the raw input is used up and decoded.
  private(set) var finished = false
  /// A decoding error to throw once the bytes before it have been tokenized.
  var pendingError: CSVReadError?
  var failed = false

  init(source: Source, name: String, bufferSize: Int) {
    self.source = source
    self.name = name
    rawBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
    window = UnsafeRawBufferPointer(rawBytes)
  }

  deinit {
    rawBytes.deallocate()
    decoded?.deallocate()
  }

  /// Reads until the raw buffer is full or the source is exhausted.
  func fillRaw() throws(CSVReadError) {
    while rawEnd < rawBytes.count && !sourceExhausted {
      let room = rawBytes.count - rawEnd
      let n: Int
      switch source {
      case .file(let f):
        let offset = rawBase + rawEnd
        do {
          n = try f.read(at: UInt64(offset), into: UnsafeMutableRawBufferPointer(rebasing: rawBytes[rawEnd..<rawEnd + room]))
        } catch {
          throw CSVReadError(code: .ioError, location: SourceLocation(file: name, byteOffset: offset),
                             detail: "reading failed (\(error.reason)); check that the file is readable")
        }
      case .memory(let bytes):
        n = min(room, bytes.count - memoryPos)
        if n > 0 {
          bytes.withUnsafeBytes { src in
            UnsafeMutableRawBufferPointer(rebasing: rawBytes[rawEnd..<rawEnd + n])
              .copyMemory(from: UnsafeRawBufferPointer(rebasing: src[memoryPos..<memoryPos + n]))
          }
          memoryPos += n
        }
      }
      if n == 0 { sourceExhausted = true } else { rawEnd += n }
    }
  }

  /// Chooses the decoder and skips the BOM.
  func start(encoding: CSVEncoding) throws(CSVReadError) {
    rawStart = min(encoding.bomLength, rawEnd)
    switch encoding.decoding {
    case .utf8:
      decoder = .utf8(UTF8Validator())
    case .gb18030:
      decoder = .gb(GB18030Decoder())
      decoded = .allocate(byteCount: rawBytes.count * 2 + 16, alignment: 16)
    case .iconv(let cname):
      guard let d = IconvDecoder(encoding: cname) else {
        throw CSVReadError(code: .unknownEncoding, location: SourceLocation(file: name),
                           detail: "the encoding '\(encoding.name)' is not known to iconv; name another encoding")
      }
      decoder = .iconv(d)
      decoded = .allocate(byteCount: rawBytes.count * 4 + 16, alignment: 16)
    }
  }

  /// The decoded bytes at the start of the current window, up to `maxBytes` (for sniffing).
  func sample(maxBytes: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: window[windowPos..<min(windowEnd, windowPos + maxBytes)])
  }

  /// Reads more raw bytes if needed and decodes them into a new window.
  func decodeNext() throws(CSVReadError) {
    // Keep the unconsumed tail (an incomplete sequence) at the front, then fill the rest.
    if rawStart > 0 {
      let tail = rawEnd - rawStart
      if tail > 0, let b = rawBytes.baseAddress { b.copyMemory(from: b + rawStart, byteCount: tail) }
      rawBase += rawStart
      rawEnd = tail
      rawStart = 0
    }
    try fillRaw()
    let input = UnsafeRawBufferPointer(rebasing: rawBytes[rawStart..<rawEnd])
    let isFinal = sourceExhausted
    windowPos = 0
    switch decoder {
    case .utf8(var v):
      let step = v.validate(input)
      decoder = .utf8(v)
      window = input
      windowEnd = step.produced
      rawStart += step.consumed
      if let e = step.errorAt {
        fail(at: rawBase + rawStart - step.consumed + e, what: "UTF-8")
      } else if isFinal && v.isInsideSequence {
        fail(at: rawBase + rawStart + v.openSequenceOffset, what: "UTF-8")
      }
      if rawStart == rawEnd && isFinal || pendingError != nil { finished = true }
    case .gb(let d):
      decodeInto(isFinal: isFinal, what: "GB18030") { o in d.decode(input, into: o, isFinal: isFinal) }
    case .iconv(let d):
      decodeInto(isFinal: isFinal, what: "the file's encoding") { o in d.decode(input, into: o, isFinal: isFinal) }
    }
  }

  private func decodeInto(isFinal: Bool, what: String, _ body: (UnsafeMutableRawBufferPointer) -> DecodeStep) {
    guard let out = decoded else { finished = true; return }
    let step = body(out)
    window = UnsafeRawBufferPointer(out)
    windowEnd = step.produced
    let errorOffset = rawBase + rawStart + (step.errorAt ?? 0)
    rawStart += step.consumed
    if step.errorAt != nil {
      fail(at: errorOffset, what: what)
      finished = true
    } else if rawStart == rawEnd && isFinal {
      finished = true
    } else if step.consumed == 0 && step.produced == 0 {
      // No progress although the buffer is full or the input ended: a truncated or unconvertible sequence.
      fail(at: rawBase + rawStart, what: what)
      finished = true
    }
  }

  private func fail(at offset: Int, what: String) {
    pendingError = CSVReadError(
      code: .encodingError, location: SourceLocation(file: name, byteOffset: offset),
      detail: "the bytes at offset \(offset) are not valid \(what); save the file as UTF-8 (or pass --encoding with the file's real encoding)")
  }
}

import Tabular

/// A record body and the CONTINUE records after it, read as one sequence of bytes.
///
/// BIFF8 splits long data (the SST, a long STRING) across CONTINUE records ([MS-XLS] §2.4.58).
/// Inside a string's characters, every CONTINUE starts with a new flags byte, which may switch
/// between compressed (8-bit) and UTF-16 characters; elsewhere the bytes simply go on.
struct ContinuedRecord {
  private(set) var segment: [UInt8]
  var pos: Int

  /// Starts at `start` in the current record's body.
  init(_ reader: RecordReader, start: Int) {
    segment = reader.body { Array($0) }
    pos = start
  }

  /// Moves into the next record when it is a CONTINUE; false otherwise (the end of the data).
  mutating func more(_ reader: inout RecordReader) throws(XLSReadError) -> Bool {
    guard try reader.peekNextID() == RecordID.continueRecord else { return false }
    _ = try reader.next()
    segment = reader.body { Array($0) }
    pos = 0
    return true
  }

  var atEnd: Bool { pos >= segment.count }

  mutating func byte(_ reader: inout RecordReader) throws(XLSReadError) -> UInt8? {
    while pos >= segment.count { guard try more(&reader) else { return nil } }
    let b = segment[pos]
    pos += 1
    return b
  }

  mutating func u16(_ reader: inout RecordReader) throws(XLSReadError) -> Int? {
    guard let a = try byte(&reader), let b = try byte(&reader) else { return nil }
    return Int(a) | Int(b) << 8
  }

  mutating func u32(_ reader: inout RecordReader) throws(XLSReadError) -> Int? {
    guard let a = try u16(&reader), let b = try u16(&reader) else { return nil }
    return a | b << 16
  }

  /// Skips `n` bytes (rich-text runs, phonetic blocks), across records.
  mutating func skip(_ n: Int, _ reader: inout RecordReader) throws(XLSReadError) -> Bool {
    var left = n
    while left > 0 {
      if pos >= segment.count { guard try more(&reader) else { return false } }
      let take = min(left, segment.count - pos)
      pos += take
      left -= take
    }
    return true
  }

  /// Reads a BIFF8 XLUnicodeRichExtendedString ([MS-XLS] §2.5.293) and appends it as UTF-8;
  /// false when the data ends inside it.
  mutating func unicodeString(_ reader: inout RecordReader, into out: inout [UInt8]) throws(XLSReadError) -> Bool {
    guard let count = try u16(&reader), let flags = try byte(&reader) else { return false }
    var runs = 0
    var ext = 0
    if flags & 0x08 != 0 { guard let r = try u16(&reader) else { return false }; runs = r }
    if flags & 0x04 != 0 { guard let e = try u32(&reader) else { return false }; ext = e }
    var wide = flags & 0x01 != 0
    var left = count
    while left > 0 {
      var avail = (segment.count - pos) / (wide ? 2 : 1)
      if avail == 0 {
        // The characters go on in a CONTINUE record, which starts with its own flags byte.
        guard try more(&reader), pos < segment.count else { return false }
        wide = segment[pos] & 0x01 != 0
        pos += 1
        avail = (segment.count - pos) / (wide ? 2 : 1)
        if avail == 0 { continue }
      }
      let take = min(left, avail)
      let at = pos
      segment.withUnsafeBytes { b in BIFFText.appendChars(b, at: at, count: take, wide: wide, to: &out) }
      pos += take * (wide ? 2 : 1)
      left -= take
    }
    return try skip(runs * 4 + ext, &reader)
  }
}

/// The shared-string table (SST): every string's UTF-8 bytes in one buffer, and where each starts.
///
/// - Complexity: memory is the strings' UTF-8 size plus 4 bytes per string.
struct SharedStringTable {
  private(set) var bytes: [UInt8] = []
  private(set) var offsets: [UInt32] = [0]

  var count: Int { offsets.count - 1 }

  /// Reads the SST record at `reader` and its CONTINUE records. The declared unique count is only a
  /// hint (some writers get it wrong): the strings are read until the data ends.
  static func read(_ reader: inout RecordReader, streamSize: Int) throws(XLSReadError) -> SharedStringTable {
    var t = SharedStringTable()
    guard reader.length >= 8 else { throw reader.damaged("the record is shorter than its 8-byte header") }
    let declared = Int(reader.body { $0.u32(4) })
    t.offsets.reserveCapacity(min(declared, streamSize / 3) + 1)
    var data = ContinuedRecord(reader, start: 8)
    let start = reader.offset
    while true {
      if data.atEnd { guard try data.more(&reader) else { break } ; if data.atEnd { continue } }
      guard try data.unicodeString(&reader, into: &t.bytes) else {
        throw XLSReadError(code: .record, location: SourceLocation(file: reader.file, entry: reader.stream.name, byteOffset: start),
                           detail: "SST record at byte \(start): string \(t.count + 1) runs past the end of the table")
      }
      guard t.bytes.count < Int(UInt32.max) else {
        throw reader.damaged("the shared strings exceed 4 GiB")
      }
      t.offsets.append(UInt32(t.bytes.count))
    }
    return t
  }

  /// Appends string `i` to `out`; false when `i` is past the table.
  @inline(__always)
  func append(_ i: Int, to out: inout [UInt8]) -> Bool {
    guard i >= 0, i < count else { return false }
    let a = Int(offsets[i]), b = Int(offsets[i + 1])
    bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[a..<b])) }
    return true
  }
}

import Merge

/// The key hashes of one submission's rows as stored in `submission_keys.entries`: 12 bytes per entry,
/// the hash (Int64) and the 1-based row number (UInt32), both little-endian.
enum KeyEntries {
  static func append(hash: Int64, row: Int, to out: inout [UInt8]) {
    let h = UInt64(bitPattern: hash)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: h >> (8 * i))) }
    let r = UInt32(truncatingIfNeeded: row)
    for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: r >> (8 * i))) }
  }

  /// Calls `body` with each entry of `b`.
  /// - Throws: ``RowCodecError`` when `b` is not a whole number of entries.
  static func forEach(in b: UnsafeRawBufferPointer, _ body: (Int64, Int) -> Void) throws {
    guard b.count % 12 == 0 else { throw RowCodecError(offset: b.count - b.count % 12) }
    var i = 0
    while i < b.count {
      var h: UInt64 = 0
      for k in 0..<8 { h |= UInt64(b[i + k]) << (8 * k) }
      var r: UInt32 = 0
      for k in 0..<4 { r |= UInt32(b[i + 8 + k]) << (8 * k) }
      body(Int64(bitPattern: h), Int(r))
      i += 12
    }
  }
}

/// Rows packed for `row_block.entries`: per row, its number (LEB128), `1` when it is error-free else `0`,
/// the length of its encoded values (LEB128) and those bytes (``RowCodec``). A block holds rows of one
/// submission in sheet order and is written once it passes ``limit`` bytes.
struct RowBlock {
  static let limit = 64 << 10

  private(set) var submission: Int64 = 0
  private(set) var firstRow = 0
  private(set) var entries: [UInt8] = []

  /// The block to write before a row of `submission` is appended (it is full or holds another
  /// submission), emptied; nil when the row fits.
  mutating func full(for submission: Int64) -> (Int64, Int, [UInt8])? {
    guard !entries.isEmpty, entries.count >= Self.limit || submission != self.submission else { return nil }
    return take()
  }

  /// The rows held, emptied; nil when there are none.
  mutating func take() -> (Int64, Int, [UInt8])? {
    guard !entries.isEmpty else { return nil }
    defer { entries.removeAll(keepingCapacity: true) }
    return (submission, firstRow, entries)
  }

  mutating func append(submission: Int64, row: Int, valid: Bool, encoded: UnsafeRawBufferPointer) {
    if entries.isEmpty { self.submission = submission; firstRow = row }
    Self.leb128(row, into: &entries)
    entries.append(valid ? 1 : 0)
    Self.leb128(encoded.count, into: &entries)
    entries.append(contentsOf: encoded)
  }

  private static func leb128(_ v: Int, into out: inout [UInt8]) {
    var n = UInt64(truncatingIfNeeded: v)
    while n >= 0x80 { out.append(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
    out.append(UInt8(n))
  }

  /// Calls `body` with each row of a block: its number, whether it is error-free, its encoded values.
  /// - Throws: ``RowCodecError`` for a damaged block, or what `body` throws.
  static func forEach(in b: UnsafeRawBufferPointer, _ body: (Int, Bool, UnsafeRawBufferPointer) throws -> Void) throws {
    var i = 0
    func number() throws -> Int {
      var n: UInt64 = 0, shift: UInt64 = 0
      while true {
        guard i < b.count, shift < 63 else { throw RowCodecError(offset: i) }
        let c = b[i]; i += 1
        n |= UInt64(c & 0x7F) << shift
        if c < 0x80 { return Int(truncatingIfNeeded: n) }
        shift += 7
      }
    }
    while i < b.count {
      let row = try number()
      guard i < b.count else { throw RowCodecError(offset: i) }
      let valid = b[i] != 0
      i += 1
      let n = try number()
      guard n >= 0, n <= b.count - i else { throw RowCodecError(offset: i) }
      try body(row, valid, UnsafeRawBufferPointer(rebasing: b[i..<(i + n)]))
      i += n
    }
  }
}

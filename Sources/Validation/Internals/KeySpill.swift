import ByteIO
import CPrefetch

/// A split-block Bloom filter of 64-bit key hashes: "certainly new" or "maybe seen".
///
/// Each hash touches one 64-byte block (eight 64-bit words), setting one bit in each word: the
/// top six bits of the hash times one of eight odd salts (the layout of Parquet's split-block
/// filter, with 64-bit words and products; Parquet's 32-bit products of the low half gave 1.5 %
/// false positives here where 1.05 % is the layout's theory). The block is chosen from the
/// hash's high bits. So a lookup costs
/// one cache line, and there are no false negatives: a key seen before always answers "maybe".
///
/// Sized at `bitsPerKey` bits per key of its capacity: full, about 1 % of new keys answer "maybe"
/// (`KeySpillTests`), fewer while it fills (0.46 % over the 1M-row benchmark ledger's keys).
struct KeyFilter {
  /// Filter bits per key at full capacity.
  static let bitsPerKey = 10

  private var words: [UInt64]
  private let blockCount: Int

  /// A filter for `capacity` keys (at least one block).
  init(capacity: Int) {
    blockCount = max(1, (capacity * KeyFilter.bitsPerKey + 511) / 512)
    words = Array(repeating: 0, count: blockCount * 8)
  }

  /// Starts loading the block `hash` will touch, so that ``insert(_:)`` a little later does not wait for
  /// memory: a million keys' filter is larger than the caches, and that wait was two thirds of the check.
  @inline(__always)
  func prefetch(_ hash: UInt64) {
    let block = Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(blockCount)).high)
    words.withUnsafeBufferPointer { w in sheetgate_prefetch_for_write(w.baseAddress! + block &* 8) }
  }

  /// Adds `hash`; true when it may have been added before (all its bits were already set).
  @inline(__always)
  mutating func insert(_ hash: UInt64) -> Bool {
    let block = Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(blockCount)).high)
    return words.withUnsafeMutableBufferPointer { w in
      let b = w.baseAddress! + block &* 8
      var missing: UInt64 = 0
      @inline(__always) func set(_ i: Int, _ salt: UInt64) {
        let bit = UInt64(1) &<< ((hash &* salt) &>> 58)
        missing |= ~b[i] & bit
        b[i] |= bit
      }
      set(0, 0x47B6_137B_47B6_137B); set(1, 0x4497_4D91_4497_4D91); set(2, 0x8824_AD5B_8824_AD5B)
      set(3, 0xA2B7_289D_A2B7_289D); set(4, 0x7054_95C7_7054_95C7); set(5, 0x2DF1_424B_2DF1_424B)
      set(6, 0x9EFC_4947_9EFC_4947); set(7, 0x5C6B_FB31_5C6B_FB31)
      return missing == 0
    }
  }
}

/// A later row whose key the filter may have seen: decided when the table ends.
struct KeyCandidate {
  /// As stored (`SpilledKeys.stored`).
  var hash: UInt64
  /// Zero-based sheet row.
  var row: Int
  /// The key's values as the finding shows them (joined with `、`).
  var value: String
  /// True once the validator counted the row as valid (no other error): finding it a duplicate
  /// at the end takes it back.
  var rowCountedValid = false
}

/// The unique-key set of one key once it is too large to keep in memory: every distinct key's
/// hash and first row go to a `TemporaryFile`; memory keeps only a `KeyFilter` and the candidates.
///
/// A key the filter has certainly not seen is new: its (hash, row) record is appended. A key it
/// may have seen — a repeat, or a false positive — becomes a `KeyCandidate`. At the end one pass
/// over the file finds, for each candidate's hash, the row it was first seen in (`resolve`).
/// The result is the same as the in-memory `KeyHashTable`'s, found later.
///
/// Memory: the filter (1.25–2.5 bytes per distinct key), a 64 KiB write buffer, and one
/// candidate per repeated key or false positive; the file holds 12 bytes per distinct key.
final class SpilledKeys {
  /// One record: the 64-bit hash and the 32-bit zero-based row, little-endian.
  static let recordSize = 12
  /// Records buffered before a write.
  static let bufferRecords = 5_461

  let file: TemporaryFile
  private let buffer: UnsafeMutableRawPointer
  private var buffered = 0
  /// Records in the file (written).
  private var written = 0
  /// Keys the filter has taken as new (records written or buffered).
  private var filterCount = 0
  private var capacity: Int
  private var filter: KeyFilter
  /// Repeats and false positives, in row order.
  var candidates: [KeyCandidate] = []

  /// Moves the keys of `table` to a new temporary file in `directory`; nil when the file cannot be
  /// made or written (the caller keeps the table in memory).
  init?(from table: KeyHashTable, directory: String, byteLimit: UInt64) {
    guard let file = TemporaryFile.create(prefix: "sheetgate-keys", in: directory) else { return nil }
    file.sizeLimit = byteLimit
    self.file = file
    // Room for one record more than a write's worth: after a failed write the record that filled
    // the buffer is still in it, and no record is added after a failure.
    buffer = UnsafeMutableRawPointer.allocate(byteCount: (SpilledKeys.bufferRecords + 1) * SpilledKeys.recordSize,
                                              alignment: 8)
    capacity = max(1024, table.count * 2)
    filter = KeyFilter(capacity: capacity)
    var failed = false
    table.forEach { hash, row in
      guard !failed else { return }
      _ = filter.insert(hash)
      filterCount += 1
      failed = append(hash, row: row) != 0
    }
    if failed { return nil }
  }

  deinit { buffer.deallocate() }

  /// What `insert` found.
  enum Insertion { case new, maybeSeen, writeFailed(Int32) }

  /// Adds the key `hash` first seen at `row`, or says it may have been seen. On `writeFailed`
  /// the record is kept (buffered) and the set must not be added to again: the caller moves it
  /// back into memory.
  @inline(__always)
  func insert(_ hash: UInt64, row: Int) -> Insertion {
    let hash = SpilledKeys.stored(hash)
    if filter.insert(hash) { return .maybeSeen }
    filterCount += 1
    // The record first, so that a failure below never loses it.
    var e = append(hash, row: row)
    if e == 0 && filterCount > capacity { e = grow() }
    return e == 0 ? .new : .writeFailed(e)
  }

  /// Starts loading the filter block of `hash` (see ``KeyFilter/prefetch(_:)``).
  @inline(__always)
  func prefetch(_ hash: UInt64) { filter.prefetch(SpilledKeys.stored(hash)) }

  /// The hash as stored: `KeyHashTable` keeps a zero hash as 1 (zero marks its empty slots).
  @inline(__always)
  static func stored(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

  @inline(__always)
  private func append(_ hash: UInt64, row: Int) -> Int32 {
    let p = buffer + buffered * SpilledKeys.recordSize
    p.storeBytes(of: hash.littleEndian, as: UInt64.self)
    (p + 8).storeBytes(of: UInt32(truncatingIfNeeded: row).littleEndian, as: UInt32.self)
    buffered += 1
    return buffered >= SpilledKeys.bufferRecords ? flush() : 0
  }

  /// Writes the buffered records; on failure they stay buffered.
  private func flush() -> Int32 {
    guard buffered > 0 else { return 0 }
    let e = file.append(UnsafeRawBufferPointer(start: buffer, count: buffered * SpilledKeys.recordSize))
    if e == 0 { written += buffered; buffered = 0 }
    return e
  }

  /// A filter twice as large, filled again from the file, the buffer and the candidates.
  private func grow() -> Int32 {
    capacity *= 2
    filter = KeyFilter(capacity: 0)  // the old filter goes before the new one is made
    filter = KeyFilter(capacity: capacity)
    let e = forEachRecord { hash, _ in _ = filter.insert(hash) }
    for c in candidates { _ = filter.insert(c.hash) }
    return e
  }

  /// Calls `body` with every record (hash, row), written ones first, in the order added: 0, or
  /// the `errno` of a failed read.
  func forEachRecord(_ body: (UInt64, Int) -> Void) -> Int32 {
    let chunkRecords = 21_845
    let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkRecords * SpilledKeys.recordSize, alignment: 8)
    defer { chunk.deallocate() }
    var done = 0
    while done < written {
      let n = min(chunkRecords, written - done)
      let e = file.read(into: chunk, byteCount: n * SpilledKeys.recordSize,
                        at: UInt64(done) * UInt64(SpilledKeys.recordSize))
      if e != 0 { return e }
      SpilledKeys.decode(chunk, count: n, body)
      done += n
    }
    SpilledKeys.decode(buffer, count: buffered, body)
    return 0
  }

  @inline(__always)
  private static func decode(_ p: UnsafeMutableRawPointer, count: Int, _ body: (UInt64, Int) -> Void) {
    for i in 0..<count {
      let r = p + i * recordSize
      body(UInt64(littleEndian: r.loadUnaligned(as: UInt64.self)),
           Int(UInt32(littleEndian: r.loadUnaligned(fromByteOffset: 8, as: UInt32.self))))
    }
  }

  /// For each candidate, in order, the row its key was first seen in when that is an earlier row
  /// (a repeat), else nil (the filter's false positive, or the key's first sighting). Fails with
  /// the `errno` of a failed read.
  func resolve() -> Result<[Int?], TemporaryFileFailure> {
    guard !candidates.isEmpty else { return .success([]) }
    var first: [UInt64: Int] = [:]
    first.reserveCapacity(candidates.count)
    for c in candidates { first[c.hash] = Int.max }
    // Every record is looked at, and few are candidates: a bit per hash (about 64 bits a candidate, so 1 in 64
    // of the others passes) turns most away before the dictionary is asked. On the 1M-row ledger that was two
    // million dictionary lookups, on the validating thread after the last row.
    let words = Swift.max(64, 1 << (Int.bitWidth - (candidates.count | 1).leadingZeroBitCount))
    var seen = [UInt64](repeating: 0, count: words)
    let mask = UInt64(words - 1)
    @inline(__always) func slot(_ h: UInt64) -> (Int, UInt64) { (Int(truncatingIfNeeded: (h >> 6) & mask), 1 << (h >> 58)) }
    for c in candidates { let (w, b) = slot(c.hash); seen[w] |= b }
    let e = seen.withUnsafeBufferPointer { bits in
      forEachRecord { hash, row in
        let (w, b) = slot(hash)
        if bits[w] & b != 0, first[hash] != nil { first[hash] = row }
      }
    }
    if e != 0 { return .failure(TemporaryFileFailure(code: e)) }
    var out: [Int?] = []
    out.reserveCapacity(candidates.count)
    for c in candidates {
      let f = first[c.hash]!
      if f < c.row {
        out.append(f)
      } else {
        first[c.hash] = c.row
        out.append(nil)
      }
    }
    return .success(out)
  }
}

/// A temporary file's read or write failed with `code` (`errno`).
struct TemporaryFileFailure: Error {
  var code: Int32
}

import CPrefetch
import Schema

/// A 64-bit hash of a normalised key value, computed from bytes (no `String`).
///
/// The hash is a multiply–xorshift over 8-byte words with a final avalanche (the wyhash/
/// Murmur finaliser), seeded per process from nothing random, so a run is reproducible.
/// Two different keys collide with probability about n² / 2⁶⁵ for n rows (≈ 3·10⁻⁸ at one
/// million rows); a collision would report a false duplicate, which the message's
/// "same as row N" lets a clerk see at once.
struct KeyHash {
  private(set) var value: UInt64 = 0x9E37_79B9_7F4A_7C15

  @inline(__always)
  private static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
    var x = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
    x ^= x >> 31
    return x &* 0x94D0_49BB_1331_11EB
  }

  /// Adds the bytes of one key part, followed by its length (so `ab|c` ≠ `a|bc`).
  @inline(__always)
  mutating func add(bytes b: UnsafeBufferPointer<UInt8>) {
    var h = value
    var i = 0
    let n = b.count
    while i + 8 <= n {
      var w: UInt64 = 0
      for k in 0..<8 { w |= UInt64(b[i + k]) << (8 * UInt64(k)) }
      h = Self.mix(h, w)
      i += 8
    }
    var w: UInt64 = 0
    var k: UInt64 = 0
    while i < n { w |= UInt64(b[i]) << (8 * k); k += 1; i += 1 }
    h = Self.mix(h, w)
    value = Self.mix(h, UInt64(n) | 0x8000_0000_0000_0000)
  }

  /// Adds one machine word (a tag, a number's significand, a day count).
  @inline(__always)
  mutating func add(word: UInt64) { value = Self.mix(value, word) }

  /// Adds a typed, non-string value in its canonical form (decimals normalised, dates as days).
  mutating func add(_ v: TypedValue) {
    switch v {
    case .null: add(word: 0)
    case .string(let s):
      var s = s
      s.withUTF8 { add(bytes: $0) }
    case .integer, .decimal, .year:
      if let d = v.decimal?.normalized {
        add(word: 1)
        add(word: UInt64(bitPattern: d.significand))
        add(word: UInt64(UInt8(bitPattern: d.scale)))
      }
    case .boolean(let b): add(word: b ? 3 : 2)
    case .date(let d): add(word: 4); add(word: UInt64(bitPattern: Int64(d.daysSinceEpoch)))
    case .yearMonth(let m): add(word: 5); add(word: UInt64(m.year * 12 + m.month))
    case .dateTime(let t):
      add(word: 6); add(word: UInt64(bitPattern: Int64(t.date.daysSinceEpoch))); add(word: UInt64(t.millisecondOfDay))
    case .time(let ms): add(word: 7); add(word: UInt64(ms))
    }
  }
}

/// A set of 64-bit key hashes, each with the first row it was seen in, split into 64 shards.
///
/// The top six bits of a hash choose its shard (`KeyHashShard`, open addressing); each shard
/// grows on its own, so growing never holds two copies of the whole set at once — only of one
/// shard, 1/64 of it. That keeps the peak memory of a million-key table at about its final size.
///
/// Memory: 12 bytes per slot at a load of at most 0.75 — 16–24 bytes per distinct key (about
/// 18 MB for a million keys), plus one shard's growth at a time. No per-insert allocation.
struct KeyHashTable {
  private var shards: [KeyHashShard]
  /// Distinct hashes held.
  private(set) var count = 0

  init() { shards = (0..<64).map { _ in KeyHashShard() } }

  /// Inserts `hash` for `row`; returns the earlier row when the hash was already there.
  @inline(__always)
  mutating func insert(_ hash: UInt64, row: Int) -> Int? {
    let earlier = shards[Int(truncatingIfNeeded: hash >> 58)].insert(hash, row: row)
    if earlier == nil { count += 1 }
    return earlier
  }

  /// Starts loading the slot `hash` would be looked up in (``insert(_:row:)`` a little later then finds it cached).
  @inline(__always)
  func prefetch(_ hash: UInt64) {
    shards[Int(truncatingIfNeeded: hash >> 58)].prefetch(hash)
  }

  /// Calls `body` with every hash and its row (in no particular order).
  func forEach(_ body: (UInt64, Int) -> Void) {
    for s in shards { s.forEach(body) }
  }
}

/// One shard of a `KeyHashTable`: an open-addressing (linear probing) set of hashes with rows.
///
/// The full hash is kept (so the shard can grow by re-placing its slots) in one array and the
/// first row in a parallel 32-bit array; a zero hash marks an empty slot (a key hashing to zero
/// is stored as one), so probing reads only the hash array and a new key costs one cache miss
/// to find its slot. The home slot is the hash's bits below the shard bits scaled to the shard
/// size (`(hash << 6) × size / 2⁶⁴`), so the size need not be a power of two and the shard
/// grows by 1.5×.
struct KeyHashShard {
  private var hashes: [UInt64]
  private var rows: [Int32]
  private var count = 0

  init(capacity: Int = 12) {
    var n = 16
    while n * 3 < capacity * 4 { n = n * 3 / 2 }
    hashes = Array(repeating: 0, count: n)
    rows = Array(repeating: 0, count: n)
  }

  /// Starts loading the home slot of `hash`.
  @inline(__always)
  func prefetch(_ hash: UInt64) {
    let key = hash == 0 ? 1 : hash
    hashes.withUnsafeBufferPointer { h in
      let i = Int(truncatingIfNeeded: (key << 6).multipliedFullWidth(by: UInt64(h.count)).high)
      sheetgate_prefetch_for_write(h.baseAddress! + i)
    }
  }

  /// Inserts `hash` for `row`; returns the earlier row when the hash was already there.
  @inline(__always)
  mutating func insert(_ hash: UInt64, row: Int) -> Int? {
    if (count + 1) * 4 > hashes.count * 3 { grow() }
    let key = hash == 0 ? 1 : hash
    let n = hashes.count
    var i = Int(truncatingIfNeeded: (key << 6).multipliedFullWidth(by: UInt64(n)).high)
    let earlier: Int32 = hashes.withUnsafeMutableBufferPointer { h in
      rows.withUnsafeMutableBufferPointer { r in
        while h[i] != 0 {
          if h[i] == key { return r[i] }
          i += 1
          if i == n { i = 0 }
        }
        h[i] = key
        r[i] = Int32(truncatingIfNeeded: row)
        return -1
      }
    }
    if earlier >= 0 { return Int(earlier) }
    count += 1
    return nil
  }

  /// Calls `body` with every hash and its row.
  func forEach(_ body: (UInt64, Int) -> Void) {
    for j in hashes.indices where hashes[j] != 0 { body(hashes[j], Int(rows[j])) }
  }

  private mutating func grow() {
    let oldH = hashes
    let oldR = rows
    let n = hashes.count * 3 / 2
    hashes = Array(repeating: 0, count: n)
    rows = Array(repeating: 0, count: n)
    count = 0
    for j in oldH.indices where oldH[j] != 0 { _ = insert(oldH[j], row: Int(oldR[j])) }
  }
}

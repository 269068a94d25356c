import XMLStream

/// The shared-strings table (`xl/sharedStrings.xml`, ECMA-376 Part 1 §18.4): de-duplicates cell
/// text and gives each distinct string its index.
///
/// Memory: each distinct string's UTF-8 bytes are stored once, in 4 MiB chunks of a byte arena
/// (chunks are never copied when the arena grows), plus 8 bytes of location per string and a
/// 6-byte slot per hash-table entry (a 4-byte index and a 2-byte hash tag; load ≤ 0.7). For the
/// 1M-row ledger (2.3 M distinct strings, ≈35 MB of text) that is ≈35 + 18 + 24 MB. Nothing else is kept: the XML is generated from the
/// arena when the workbook closes.
final class SharedStringTable {
  static let chunkSize = 4 << 20

  /// The table itself, in its own allocation: reached through a pointer, a lookup costs no dynamic
  /// exclusivity check (each touch of a class's stored `var` costs one, and a lookup made six).
  /// A table is used from one thread at a time (its workbook's).
  private let table: UnsafeMutablePointer<Table>

  /// Number of `t="s"` cells written (the `count` attribute).
  var references: Int { table.pointee.references }
  var uniqueCount: Int { table.pointee.locations.count }

  init() {
    table = .allocate(capacity: 1)
    table.initialize(to: Table())
  }

  deinit {
    table.pointee.release()
    table.deinitialize(count: 1)
    table.deallocate()
  }

  /// Frees the arena.
  func release() { table.pointee.release() }

  /// The index of `text`, adding it when new. Amortised O(length).
  @inline(__always)
  func index(of text: UnsafeBufferPointer<UInt8>) -> Int { table.pointee.index(of: text) }

  /// The bytes of string `idx` (valid until `release()`).
  func bytes(_ idx: Int) -> UnsafeBufferPointer<UInt8> { table.pointee.bytes(idx) }

  struct Table {
    /// Arena chunks; a string never spans chunks (longer strings get a chunk of their own).
    var chunks: [UnsafeMutableRawBufferPointer] = []
    var chunkUsed = 0
    /// Per string: chunk << 40 | offset << 20... packed as (chunk: 20 bits, offset: 23 bits, length: 21 bits).
    var locations: [UInt64] = []
    /// Open-addressing slots: string index + 1, 0 = empty. Capacity is a power of two.
    var slots: [UInt32]
    /// Per slot, 16 bits of the string's hash (never 0; 0 = empty): a probe reads only these until
    /// one matches, instead of following each slot to its string (two cache misses per probe).
    var tags: [UInt16]
    var mask: Int
    var references = 0

    init() {
      slots = [UInt32](repeating: 0, count: 1 << 12)
      tags = [UInt16](repeating: 0, count: 1 << 12)
      mask = slots.count - 1
    }

    mutating func release() {
      for c in chunks { c.deallocate() }
      chunks.removeAll()
      locations = []
      slots = []
      tags = []
    }

    mutating func index(of text: UnsafeBufferPointer<UInt8>) -> Int {
      references += 1
      let h = SharedStringTable.hash(text)
      let tag = SharedStringTable.tag(h)
      var i = Int(truncatingIfNeeded: h) & mask
      while true {
        let t = tags[i]
        if t == 0 { break }
        if t == tag {
          let idx = Int(slots[i]) - 1
          if equals(idx, text) { return idx }
        }
        i = (i + 1) & mask
      }
      let idx = locations.count
      locations.append(store(text))
      slots[i] = UInt32(idx + 1)
      tags[i] = tag
      if locations.count * 10 > slots.count * 7 { grow() }
      return idx
    }

    private mutating func store(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
      let n = text.count
      if chunks.isEmpty || chunkUsed + n > chunks[chunks.count - 1].count {
        chunks.append(.allocate(byteCount: max(SharedStringTable.chunkSize, n), alignment: 8))
        chunkUsed = 0
      }
      let chunk = chunks.count - 1
      if n > 0 {
        UnsafeMutableRawBufferPointer(rebasing: chunks[chunk][chunkUsed..<chunkUsed + n])
          .copyMemory(from: UnsafeRawBufferPointer(text))
      }
      let loc = UInt64(chunk) << 44 | UInt64(chunkUsed) << 21 | UInt64(n)
      chunkUsed += n
      return loc
    }

    func bytes(_ idx: Int) -> UnsafeBufferPointer<UInt8> {
      let loc = locations[idx]
      let chunk = Int(loc >> 44)
      let offset = Int((loc >> 21) & 0x7F_FFFF)
      let n = Int(loc & 0x1F_FFFF)
      let base = chunks[chunk].baseAddress!.assumingMemoryBound(to: UInt8.self)
      return UnsafeBufferPointer(start: base + offset, count: n)
    }

    private func equals(_ idx: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
      let loc = locations[idx]
      guard Int(loc & 0x1F_FFFF) == text.count else { return false }
      let b = bytes(idx)
      if text.count == 0 { return true }
      return memcmpEqual(b.baseAddress!, text.baseAddress!, text.count)
    }

    private mutating func grow() {
      let newCount = slots.count * 2
      var newSlots = [UInt32](repeating: 0, count: newCount)
      var newTags = [UInt16](repeating: 0, count: newCount)
      let newMask = newCount - 1
      for idx in 0..<locations.count {
        let h = SharedStringTable.hash(bytes(idx))
        var i = Int(truncatingIfNeeded: h) & newMask
        while newTags[i] != 0 { i = (i + 1) & newMask }
        newSlots[i] = UInt32(idx + 1)
        newTags[i] = SharedStringTable.tag(h)
      }
      slots = newSlots
      tags = newTags
      mask = newMask
    }
  }

  /// The top 16 bits of `h`, never 0.
  @inline(__always)
  static func tag(_ h: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: h >> 48) | 1 }

  /// A fast 64-bit hash of a short byte string (multiply-mix over 8-byte words).
  static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
    let n = b.count
    var i = 0
    guard let base = b.baseAddress else { return h }
    let raw = UnsafeRawPointer(base)
    while i + 8 <= n {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    if i < n {
      var w: UInt64 = 0
      var shift: UInt64 = 0
      while i < n { w |= UInt64(base[i]) << shift; shift += 8; i += 1 }
      h = (h ^ w) &* 0xC4CE_B9FE_1A85_EC53
    }
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    h ^= h >> 32
    return h
  }

  /// Writes `xl/sharedStrings.xml` through `emit`, which receives the buffer each time it
  /// passes `chunk` bytes (and once at the end) and must drain it.
  func write(into w: inout XMLWriter, chunk: Int, emit: (inout XMLWriter) throws -> Void) rethrows {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"")
    w.attribute("count", references)
    w.attribute("uniqueCount", uniqueCount)
    w.raw(">")
    for idx in 0..<uniqueCount {
      let b = bytes(idx)
      Self.writeItem(b, into: &w)
      if w.count >= chunk { try emit(&w) }
    }
    w.raw("</sst>")
    try emit(&w)
  }

  /// One `<si>`: `<t>` gets `xml:space="preserve"` when the text has leading or trailing
  /// white space or line breaks, which XML readers would otherwise be free to drop.
  static func writeItem(_ b: UnsafeBufferPointer<UInt8>, into w: inout XMLWriter) {
    w.raw("<si>")
    writeT(b, into: &w)
    w.raw("</si>")
  }

  static func writeT(_ b: UnsafeBufferPointer<UInt8>, into w: inout XMLWriter) {
    if needsPreserve(b) { w.raw("<t xml:space=\"preserve\">") } else { w.raw("<t>") }
    w.ooxmlText(bytes: b)
    w.raw("</t>")
  }

  @inline(__always)
  static func needsPreserve(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let f = b.first, let l = b.last else { return false }
    @inline(__always) func ws(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    return ws(f) || ws(l)
  }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
  var i = 0
  let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
  while i + 8 <= n {
    if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
      return false
    }
    i += 8
  }
  while i < n {
    if a[i] != b[i] { return false }
    i += 1
  }
  return true
}

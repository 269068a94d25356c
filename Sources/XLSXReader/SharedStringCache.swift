#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One reader's cache of a spilled shared-strings table (`SpilledStrings`): one per thread, not
/// thread-safe, kept by whoever owns a `SheetParseState` so it survives the state's resets.
///
/// Two levels, both filled only as they are needed:
/// - **Blocks.** 128 slots, two-way set-associative by block index (set = block % 64, the less
///   recently used way replaced, so a hot block survives the blocks streaming past), each a
///   reusable buffer filled by one `pread` of the block (256 strings, about 5 KiB in a ledger).
///   Tables are written in order of first appearance, so a sheet's new strings are met nearly in
///   table order (one read per 256 of them), and values repeated all over the sheet (agency
///   names, categories) sit in a few low, hot blocks.
/// - **Repeated strings.** Values that recur but are spread over the whole table miss the block
///   level: people's names (the 1M-row benchmark ledger has 329,000 distinct names among its
///   2.3 million strings, each met about three times, anywhere) missed it on 60 % of their
///   lookups. A string read from a block that was not cached is also kept on its own: a
///   direct-mapped index of 131,072 strings (by string index) into a 1 MiB ring of their bytes,
///   the oldest overwritten first. It is looked up only when the block level misses, so the
///   common path (a cached block) costs what it did.
///
/// Memory: at most 128 blocks (buffers of at least 8 KiB: about 1 MiB for ledger-like tables; a
/// block holding a huge string is as large as it) plus 2 MiB for the repeated strings (a 1 MiB
/// index and a 1 MiB ring).
///
/// ### Adaptive fallback
/// A table not written in order of first appearance (or a sheet that refers to it in an order
/// no small cache follows) would cost a `pread` on most lookups. Lookups and reads are counted
/// in windows of 65,536 lookups; once more than 1/8 of a window's lookups needed a read, the
/// whole table is loaded into memory (`SpilledStrings.loadAll`: once, shared by every reader of
/// the workbook, so the parallel reader's threads hold one copy) and served from there: as much
/// memory as an in-memory table, never a read per cell. The benchmark ledger peaks at about 8 %.
final class SharedStringCache {
  static let blockSlots = 128
  static let blockSets = blockSlots / 2
  static let stringSlots = 1 << 17
  static let ringSize = 1 << 20
  /// Longer strings are not kept on their own (they are read with their block).
  static let longestKept = 1024
  /// Lookups per window of the adaptive check (tests pass smaller windows to `init(table:window:)`).
  static let defaultWindow = 1 << 16

  let table: SpilledStrings
  private let window: Int

  /// 8 bytes, so the index holds 131,072 strings in 1 MiB.
  private struct StringEntry {
    /// The string's index; `UInt32.max`: empty (the level is off for tables of 2^32 - 1 strings or more).
    var index = UInt32.max
    /// Where the string's record (a `UInt16` length, then the bytes) starts, counted in bytes ever
    /// written to the ring, modulo 2^32. All entries are cleared every 2^31 bytes written, so an
    /// entry is never 2^32 bytes old and the difference from `ringHead` is exact.
    var position: UInt32 = 0
  }

  private struct State {
    var lookups = 0
    var reads = 0
    var image: SpilledImage?
    var loadFailed = false
    var entries: UnsafeMutablePointer<StringEntry>?
    var ring: UnsafeMutablePointer<UInt8>?
    /// Bytes ever written to the ring, and when all entries are cleared next.
    var ringHead = 0
    var clearAt = 1 << 31
  }

  // Raw storage: no exclusivity or copy-on-write check per lookup.
  private let state: UnsafeMutablePointer<State>
  /// Per block slot (set × 2 + way): the block it holds (-1: none), its buffer, the buffer's
  /// capacity, the block's size; per set, the way to replace next (the less recently used).
  private let slotBlock: UnsafeMutablePointer<Int>
  private let setVictim: UnsafeMutablePointer<Int>
  private let slotData: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
  private let slotCapacity: UnsafeMutablePointer<Int>
  private let slotSize: UnsafeMutablePointer<Int>

  /// A cache for `strings`, or nil when the table is in memory (nothing to cache).
  convenience init?(_ strings: SharedStrings) {
    guard let table = strings.spilled else { return nil }
    self.init(table: table, window: SharedStringCache.defaultWindow)
  }

  init(table: SpilledStrings, window: Int) {
    self.table = table
    self.window = max(8, window)
    let n = SharedStringCache.blockSlots
    state = .allocate(capacity: 1)
    state.initialize(to: State())
    slotBlock = .allocate(capacity: n)
    slotBlock.initialize(repeating: -1, count: n)
    slotData = .allocate(capacity: n)
    slotData.initialize(repeating: nil, count: n)
    slotCapacity = .allocate(capacity: n)
    slotCapacity.initialize(repeating: 0, count: n)
    slotSize = .allocate(capacity: n)
    slotSize.initialize(repeating: 0, count: n)
    setVictim = .allocate(capacity: SharedStringCache.blockSets)
    setVictim.initialize(repeating: 0, count: SharedStringCache.blockSets)
  }

  deinit {
    releaseCaches()
    slotBlock.deallocate()
    slotData.deallocate()
    slotCapacity.deallocate()
    slotSize.deallocate()
    setVictim.deallocate()
    state.deinitialize(count: 1)
    state.deallocate()
  }

  /// Whether lookups are served from the table loaded into memory (the adaptive fallback).
  var servesFromMemory: Bool { state.pointee.image != nil }

  /// Appends string `index` (0 ≤ index < count) to `out`: 0, or the `errno` of a failed read of
  /// the temporary file (`EIO` when its content does not fit its block table); nothing is
  /// appended then.
  @inline(__always)
  func append(_ index: Int, to out: inout [UInt8]) -> Int32 {
    if state.pointee.image != nil { return appendFromImage(index, to: &out) }
    let block = index >> SpilledStrings.blockShift
    let set = block & (SharedStringCache.blockSets - 1)
    state.pointee.lookups += 1
    if state.pointee.lookups == window {
      state.pointee.lookups = 0
      state.pointee.reads = 0
    }
    var slot = set << 1
    if slotBlock[slot] == block {
      setVictim[set] = 1
    } else {
      slot += 1
      guard slotBlock[slot] == block else { return appendUncached(index, block: block, set: set, to: &out) }
      setVictim[set] = 0
    }
    let k = index & (SpilledStrings.blockSize - 1)
    guard let data = slotData[slot],
          let (start, length) = SpilledStrings.locate(k, n: table.stringCount(inBlock: block), block: data,
                                                      byteCount: slotSize[slot])
    else { return EIO }
    out.append(contentsOf: UnsafeBufferPointer(start: data + start, count: length))
    return 0
  }

  /// The block is not cached: the string from the repeated-strings level, else from its block,
  /// read into its slot (or, past the adaptive limit, from the whole table loaded into memory).
  @inline(never)
  private func appendUncached(_ index: Int, block: Int, set: Int, to out: inout [UInt8]) -> Int32 {
    if let entries = state.pointee.entries, let ring = state.pointee.ring {
      let e = entries[index & (SharedStringCache.stringSlots - 1)]
      if UInt32(truncatingIfNeeded: index) == e.index
          && UInt32(truncatingIfNeeded: state.pointee.ringHead) &- e.position <= UInt32(SharedStringCache.ringSize) {
        let at = Int(e.position) & (SharedStringCache.ringSize - 1)
        let length = Int(UnsafeRawPointer(ring + at).loadUnaligned(as: UInt16.self))
        out.append(contentsOf: UnsafeBufferPointer(start: ring + at + 2, count: length))
        return 0
      }
    }
    state.pointee.reads += 1
    if state.pointee.reads > window >> 3 && !state.pointee.loadFailed {
      if let image = table.loadAll() {
        state.pointee.image = image
        releaseCaches()
        return appendFromImage(index, to: &out)
      }
      state.pointee.loadFailed = true
    }
    let way = setVictim[set]
    let slot = set << 1 + way
    let e = load(block, into: slot)
    if e != 0 { return e }
    setVictim[set] = 1 - way
    guard let data = slotData[slot],
          let (start, length) = SpilledStrings.locate(index & (SpilledStrings.blockSize - 1),
                                                      n: table.stringCount(inBlock: block), block: data,
                                                      byteCount: slotSize[slot])
    else { return EIO }
    let text = UnsafeBufferPointer(start: data + start, count: length)
    out.append(contentsOf: text)
    keep(index, text)
    return 0
  }

  /// Keeps string `index` in the repeated-strings level (allocated on first use).
  private func keep(_ index: Int, _ text: UnsafeBufferPointer<UInt8>) {
    guard text.count <= SharedStringCache.longestKept, table.count < Int(UInt32.max) else { return }
    if state.pointee.entries == nil {
      let entries = UnsafeMutablePointer<StringEntry>.allocate(capacity: SharedStringCache.stringSlots)
      entries.initialize(repeating: StringEntry(), count: SharedStringCache.stringSlots)
      state.pointee.entries = entries
      state.pointee.ring = .allocate(capacity: SharedStringCache.ringSize)
    }
    guard let entries = state.pointee.entries, let ring = state.pointee.ring else { return }
    let size = SharedStringCache.ringSize
    let need = 2 + text.count
    var position = state.pointee.ringHead
    let offset = position & (size - 1)
    if offset + need > size { position += size - offset }  // records never wrap around the ring's end
    if position + need >= state.pointee.clearAt {
      entries.update(repeating: StringEntry(), count: SharedStringCache.stringSlots)
      state.pointee.clearAt += 1 << 31
    }
    let at = position & (size - 1)
    UnsafeMutableRawPointer(ring + at).storeBytes(of: UInt16(text.count), as: UInt16.self)
    if let base = text.baseAddress { (ring + at + 2).update(from: base, count: text.count) }
    state.pointee.ringHead = position + need
    entries[index & (SharedStringCache.stringSlots - 1)] =
      StringEntry(index: UInt32(index), position: UInt32(truncatingIfNeeded: position))
  }

  private func appendFromImage(_ index: Int, to out: inout [UInt8]) -> Int32 {
    guard let image = state.pointee.image, let text = table.string(index, in: image) else { return EIO }
    out.append(contentsOf: text)
    return 0
  }

  /// Reads block `block` into `slot`'s buffer (grown when too small).
  private func load(_ block: Int, into slot: Int) -> Int32 {
    slotBlock[slot] = -1
    let size = table.byteCount(ofBlock: block)
    guard size >= table.stringCount(inBlock: block) << 2 else { return EIO }
    if slotCapacity[slot] < size || slotData[slot] == nil {
      slotData[slot]?.deallocate()
      let capacity = max(size, 8 << 10)
      slotData[slot] = .allocate(capacity: capacity)
      slotCapacity[slot] = capacity
    }
    let e = table.read(into: slotData[slot]!, byteCount: size, at: table.blockOffsets[block])
    if e != 0 { return e }
    slotBlock[slot] = block
    slotSize[slot] = size
    return 0
  }

  /// Frees both levels (once the whole table is in memory, and on `deinit`).
  private func releaseCaches() {
    for i in 0..<SharedStringCache.blockSlots {
      slotData[i]?.deallocate()
      slotData[i] = nil
      slotCapacity[i] = 0
      slotBlock[i] = -1
    }
    setVictim.update(repeating: 0, count: SharedStringCache.blockSets)
    if let entries = state.pointee.entries {
      entries.deinitialize(count: SharedStringCache.stringSlots)
      entries.deallocate()
    }
    state.pointee.ring?.deallocate()
    state.pointee.entries = nil
    state.pointee.ring = nil
    state.pointee.ringHead = 0
    state.pointee.clearAt = 1 << 31
  }
}

import ByteIO

/// Where a stream's bytes come from: a chain of regular sectors, or bytes already read (a mini stream).
enum StreamChain {
  case sectors(SectorChain)
  case memory([UInt8])
}

/// Walks one regular sector chain from its start, checking every step: the sector is inside the
/// file and the FAT, and has not been visited before (a loop is an error, never a hang).
struct SectorChain {
  unowned let file: CompoundFile
  let start: UInt32
  let part: String
  /// The sector holding the stream's next unread byte, and whether it was checked already.
  var sector: UInt32
  var checked = false
  var seen: Bitset

  init(file: CompoundFile, start: UInt32, part: String) {
    self.file = file
    self.start = start
    self.part = part
    sector = start
    seen = Bitset(count: file.sectorCount)
  }

  mutating func rewind() {
    sector = start
    checked = false
    seen.removeAll()
  }

  /// Checks sector `s` (reached at `streamOffset`) and marks it visited.
  mutating func check(_ s: UInt32, streamOffset: Int) throws(CFBError) {
    guard s < CompoundFile.maxRegular else {
      throw CFBError(.chainLength, part: part, "the sector chain ends after \(streamOffset) bytes, before the stream's declared size")
    }
    guard Int(s) < file.sectorCount else {
      throw CFBError(.badSector, part: part, "sector \(s) is past the end of the file (\(file.sectorCount) sectors)")
    }
    guard seen.insert(Int(s)) else {
      throw CFBError(.chainLoop, part: part, "the sector chain comes back to sector \(s)")
    }
  }
}

/// A stream of a Compound File read sequentially, with a bounded buffer.
///
/// Callers ask for `n` contiguous bytes at the current position (``ensure(_:)``), look at them
/// (``withBytes(_:_:)``) and move on (``skip(_:)``). Contiguous sectors are read with one `pread`.
///
/// - Complexity: memory is the buffer (256 KiB, or the largest `ensure` asked for) plus one bit per
///   sector of the file for the loop check.
public final class CFBStream {
  /// The stream's name in the directory.
  public let name: String
  /// Its declared size in bytes.
  public let size: Int
  private var chain: StreamChain
  /// The buffer: allocated here and freed in `deinit`, so the hot path reads it through a pointer
  /// (no array copy-on-write or exclusivity checks per record).
  private var buffer: UnsafeMutableRawBufferPointer
  private var head = 0
  private var tail = 0
  /// Stream offset of `buffer[tail]`.
  private var filled = 0
  private static let chunk = 256 << 10

  init(name: String, size: Int, chain: StreamChain) {
    self.name = name
    self.size = size
    self.chain = chain
    if case .memory(let bytes) = chain {
      buffer = Self.allocate(bytes.count)
      bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
      tail = bytes.count
      filled = bytes.count
      self.chain = .memory([])
    } else {
      buffer = Self.allocate(min(Self.chunk, max(size, 16)))
    }
  }

  deinit { buffer.deallocate() }

  private static func allocate(_ n: Int) -> UnsafeMutableRawBufferPointer {
    let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(n, 16), alignment: 16)
    b.initializeMemory(as: UInt8.self, repeating: 0)
    return b
  }

  /// Makes a stream over bytes in memory (tests, and the fuzzing entry point).
  public init(name: String, bytes: [UInt8]) {
    self.name = name
    size = bytes.count
    chain = .memory([])
    buffer = Self.allocate(bytes.count)
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    tail = bytes.count
    filled = bytes.count
  }

  /// The stream offset of the next byte.
  public var position: Int { filled - (tail - head) }
  /// Bytes left in the stream.
  public var remaining: Int { size - position }

  /// Makes at least `n` bytes available at the current position; false when the stream has fewer left.
  public func ensure(_ n: Int) throws(CFBError) -> Bool {
    if tail - head >= n { return true }
    if n > remaining { return false }
    guard case .sectors(var c) = chain else { return false }
    defer { chain = .sectors(c) }
    // Keep the unread bytes, make room for n.
    let unread = tail - head
    if head > 0 {
      if unread > 0 { moveDown(buffer, from: head, count: unread) }
      head = 0
      tail = unread
    }
    if buffer.count < n {
      let bigger = Self.allocate(n)
      bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<tail]))
      buffer.deallocate()
      buffer = bigger
    }
    let ss = c.file.sectorSize
    while tail < buffer.count && filled < size {
      let room = buffer.count - tail
      let within = filled % ss
      if !c.checked { try c.check(c.sector, streamOffset: filled); c.checked = true }
      // A run of consecutive sectors, read with one pread.
      let first = c.sector
      var last = first
      var count = min(ss - within, size - filled)
      while count < room && filled + count < size {
        let next = try c.file.next(last, part: c.part)
        guard next == last &+ 1 else { break }
        try c.check(next, streamOffset: filled + count)
        last = next
        count += min(ss, size - filled - count)
      }
      count = min(count, room)
      let at = c.file.offset(ofSector: first) + UInt64(within)
      let got: Int
      do {
        got = try c.file.source.readFully(at: at, into: UnsafeMutableRawBufferPointer(rebasing: buffer[tail..<(tail + count)]))
      } catch {
        throw CFBError(.io, part: c.part, "cannot be read: \(ioReason(error))")
      }
      guard got == count else {
        throw CFBError(.truncated, part: c.part, "the file ends inside the stream (at byte \(filled + got) of \(size))")
      }
      tail += count
      filled += count
      // The sector holding the next unread byte.
      let end = first &+ UInt32((within + count - 1) / ss)
      if filled % ss != 0 {
        c.sector = end
        c.checked = true
      } else if end != last {
        c.sector = end &+ 1
        c.checked = true
      } else if filled < size {
        c.sector = try c.file.next(end, part: c.part)
        c.checked = false
      }
    }
    return tail - head >= n
  }

  /// Calls `body` with the next `n` bytes (after a successful ``ensure(_:)``).
  @inline(__always)
  public func withBytes<R>(_ n: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(bytes(n))
  }

  /// The next `n` bytes (after a successful ``ensure(_:)``), valid until the next `ensure`, `skip` or `seek`.
  @inline(__always)
  public func bytes(_ n: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: buffer[head..<(head + n)])
  }

  /// Moves past `n` bytes; bytes not in the buffer are skipped by walking the chain.
  public func skip(_ n: Int) throws(CFBError) {
    let inBuffer = tail - head
    if n <= inBuffer { head += n; return }
    try seek(to: position + n)
  }

  /// Moves to stream offset `target` (at most ``size``).
  public func seek(to target: Int) throws(CFBError) {
    guard target >= 0, target <= size else {
      throw CFBError(.chainLength, part: "stream \"\(name)\"", "offset \(target) is past the stream's end (\(size) bytes)")
    }
    // Inside the buffer: just move.
    let bufferStart = filled - tail
    if target >= bufferStart && target <= filled {
      head = target - bufferStart
      return
    }
    guard case .sectors(var c) = chain else { return }
    let ss = c.file.sectorSize
    c.rewind()
    let wanted = target / ss
    for k in 0..<wanted {
      try c.check(c.sector, streamOffset: k * ss)
      c.sector = try c.file.next(c.sector, part: c.part)
    }
    chain = .sectors(c)
    head = 0
    tail = 0
    filled = wanted * ss
    // Read up to the target inside its sector.
    let inside = target - filled
    if inside > 0 {
      guard try ensure(inside) else {
        throw CFBError(.truncated, part: c.part, "the stream ends before offset \(target)")
      }
      head += inside
    }
  }
}

@inline(__always)
private func moveDown(_ b: UnsafeMutableRawBufferPointer, from: Int, count: Int) {
  guard let base = b.baseAddress else { return }
  base.copyMemory(from: base + from, byteCount: count)
}

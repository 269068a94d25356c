/// How a test feeds bytes to a streaming reader.
public enum ChunkPlan: CustomStringConvertible, Sendable {
  /// Everything in one call (up to the reader's buffer size).
  case whole
  /// Fixed-size chunks, e.g. 1 or 7 bytes.
  case fixed(Int)
  /// Pseudo-random sizes in 1...max from a seeded generator (reproducible).
  case random(seed: UInt64, max: Int)

  /// The plans every streaming test should pass: 1 byte, 7 bytes, random, whole.
  public static let standard: [ChunkPlan] = [.fixed(1), .fixed(7), .random(seed: 42, max: 4096), .whole]

  public var description: String {
    switch self {
    case .whole: return "whole"
    case .fixed(let n): return "\(n)-byte"
    case .random(let s, let m): return "random(seed \(s), ≤\(m))"
    }
  }
}

/// A byte source over an array that hands out bytes according to a `ChunkPlan`.
///
/// `makeSource()` returns a closure of the shape `(UnsafeMutableRawBufferPointer) throws -> Int`
/// used by the XML, ZIP and CSV readers: it copies at most the planned chunk (and at most the
/// buffer size) and returns 0 at the end.
public final class ChunkedBytes {
  private let bytes: [UInt8]
  private let plan: ChunkPlan
  private var offset = 0
  private var state: UInt64

  public init(_ bytes: [UInt8], plan: ChunkPlan) {
    self.bytes = bytes
    self.plan = plan
    if case .random(let seed, _) = plan { state = seed | 1 } else { state = 1 }
  }

  /// Fills `buffer` with the next chunk; 0 at the end.
  public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    var n: Int
    switch plan {
    case .whole: n = buffer.count
    case .fixed(let k): n = k
    case .random(_, let m):
      state ^= state << 13; state ^= state >> 7; state ^= state << 17
      n = Int(state % UInt64(max(1, m))) + 1
    }
    n = min(n, buffer.count, bytes.count - offset)
    guard n > 0, let dst = buffer.baseAddress else { return 0 }
    bytes.withUnsafeBytes { src in
      if let s = src.baseAddress { dst.copyMemory(from: s + offset, byteCount: n) }
    }
    offset += n
    return n
  }

  /// A source closure over this object.
  public func makeSource() -> (UnsafeMutableRawBufferPointer) throws -> Int {
    { [self] buffer in self.read(into: buffer) }
  }
}

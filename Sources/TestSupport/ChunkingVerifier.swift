/// Runs a streaming consumer over the same input cut into chunks of many sizes and checks that every run
/// gives the same output (the swift-nio `ByteToMessageDecoderVerifier` idea).
///
/// Two forms:
/// - ``verify(_:chunkings:expected:_:)`` hands the consumer the input already cut into slices (for push
///   parsers: CSV tokenizer, XML parser fed with chunks);
/// - ``verifyPulling(chunkings:expected:_:)`` hands the consumer a ``Sizer`` that says how big the next chunk
///   should be (for pull readers that fill a caller's buffer, such as `ZIPEntryReader.read(into:)`).
///
/// A mismatch throws ``Mismatch`` naming the chunking, so a test written `try ChunkingVerifier.verify(…)` in a
/// throwing XCTest method fails with that message. The random chunking is seeded, so failures reproduce.
///
/// ```swift
/// let rows = try ChunkingVerifier.verify(csvBytes) { chunks in
///   var tokenizer = CSVTokenizer()
///   for chunk in chunks { tokenizer.feed(chunk) }
///   return tokenizer.finish()
/// }
/// ```
public enum ChunkingVerifier {
  /// One way of cutting the input.
  public enum Chunking: CustomStringConvertible, Sendable {
    /// The whole input in one chunk.
    case whole
    /// Chunks of exactly `n` bytes (the last may be shorter).
    case fixed(Int)
    /// Chunks of random sizes in `1...maxSize`, from a seeded generator.
    case random(seed: UInt64, maxSize: Int)

    public var description: String {
      switch self {
      case .whole: return "whole input"
      case .fixed(let n): return "\(n)-byte chunks"
      case .random(let seed, let maxSize): return "random chunks of 1...\(maxSize) bytes (seed \(seed))"
      }
    }
  }

  /// 1-byte, 7-byte, random (two seeds) and whole chunks.
  public static let standardChunkings: [Chunking] = [
    .fixed(1), .fixed(7), .random(seed: 0x5EED, maxSize: 300), .random(seed: 42, maxSize: 70_000), .whole,
  ]

  /// Says how big each next chunk should be under one ``Chunking``.
  public struct Sizer {
    /// The chunking being applied.
    public let chunking: Chunking
    private var state: UInt64

    /// Makes a sizer for `chunking`.
    public init(_ chunking: Chunking) {
      self.chunking = chunking
      if case .random(let seed, _) = chunking { state = seed } else { state = 0 }
    }

    /// The size of the next chunk; `remaining` (when known) bounds it, and `.whole` returns `remaining`
    /// (or `wholeSize` when nothing is known).
    public mutating func next(remaining: Int? = nil, wholeSize: Int = 1 << 20) -> Int {
      let size: Int
      switch chunking {
      case .whole: size = remaining ?? wholeSize
      case .fixed(let n): size = max(1, n)
      case .random(_, let maxSize):
        // SplitMix64: small, fast and the same on every platform.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        size = 1 + Int(z % UInt64(max(1, maxSize)))
      }
      guard let remaining else { return size }
      return max(1, min(size, remaining))
    }
  }

  /// The outputs of two chunkings differ.
  public struct Mismatch: Error, CustomStringConvertible {
    /// The chunking whose output differs.
    public var chunking: Chunking
    /// What it produced and what was expected, shortened.
    public var got: String
    public var expected: String
    /// Against what: the first chunking's output, or the caller's expected value.
    public var reference: String

    public var description: String {
      "Output with \(chunking) differs from \(reference): got \(got), expected \(expected)"
    }
  }

  /// Cuts `input` by each chunking, runs `consume` on the slices, and checks all outputs are equal (and equal
  /// to `expected` when given). Returns the common output.
  /// - Throws: ``Mismatch``, or whatever `consume` throws.
  @discardableResult
  public static func verify<Output: Equatable>(
    _ input: [UInt8], chunkings: [Chunking] = standardChunkings, expected: Output? = nil,
    _ consume: (_ chunks: [ArraySlice<UInt8>]) throws -> Output
  ) throws -> Output {
    try verifyPulling(chunkings: chunkings, expected: expected) { sizer in
      var chunks: [ArraySlice<UInt8>] = []
      var at = 0
      while at < input.count {
        let n = sizer.next(remaining: input.count - at)
        chunks.append(input[at..<at + n])
        at += n
      }
      return try consume(chunks)
    }
  }

  /// Runs `consume` once per chunking with a fresh ``Sizer`` and checks all outputs are equal (and equal to
  /// `expected` when given). Returns the common output.
  /// - Throws: ``Mismatch``, or whatever `consume` throws.
  @discardableResult
  public static func verifyPulling<Output: Equatable>(
    chunkings: [Chunking] = standardChunkings, expected: Output? = nil,
    _ consume: (_ sizer: inout Sizer) throws -> Output
  ) throws -> Output {
    var reference: (Chunking, Output)?
    for chunking in chunkings {
      var sizer = Sizer(chunking)
      let output = try consume(&sizer)
      if let expected, output != expected {
        throw Mismatch(chunking: chunking, got: shorten(output), expected: shorten(expected),
                       reference: "the expected value")
      }
      if let (first, value) = reference, value != output {
        throw Mismatch(chunking: chunking, got: shorten(output), expected: shorten(value),
                       reference: "the output with \(first)")
      }
      if reference == nil { reference = (chunking, output) }
    }
    guard let (_, output) = reference else {
      throw Mismatch(chunking: .whole, got: "nothing", expected: "at least one chunking", reference: "the list")
    }
    return output
  }

  static func shorten<T>(_ value: T) -> String {
    if let bytes = value as? [UInt8] {
      return "\(bytes.count) bytes starting \(bytes.prefix(16).map { String($0, radix: 16) })"
    }
    let text = String(describing: value)
    return text.count > 200 ? String(text.prefix(200)) + "…" : text
  }
}

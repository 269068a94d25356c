import Tabular

/// Chunk plans for testing streaming code: the same bytes cut in 1-byte, 7-byte, random and
/// whole pieces (after swift-nio's `ByteToMessageDecoderVerifier`).
public enum ChunkPlans {
  /// Named ways to cut `count` bytes into consecutive ranges. `seed` makes the random plan repeatable.
  public static func plans(count: Int, seed: UInt64 = 0x5EED) -> [(name: String, ranges: [Range<Int>])] {
    var generator = SplitMix64(seed: seed)
    var random: [Range<Int>] = []
    var i = 0
    while i < count {
      let n = Int(generator.next() % 97) + 1
      random.append(i..<min(count, i + n))
      i += n
    }
    return [("1-byte", fixed(count, 1)), ("7-byte", fixed(count, 7)), ("random", random),
            ("whole", count == 0 ? [] : [0..<count])]
  }

  /// Consecutive ranges of `size` bytes covering `0..<count`.
  public static func fixed(_ count: Int, _ size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
  }
}

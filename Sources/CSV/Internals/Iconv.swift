// The only file in CSV that calls glibc iconv (ARCHITECTURE.md: C is touched in one place per library).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A converter between two encodings, wrapping one `iconv_t`.
///
/// Owned by exactly one reader or writer; not thread-safe. The descriptor is closed on deinit.
final class Iconv {
  /// The result of one `convert` call.
  struct Step {
    /// Input bytes consumed.
    var consumed: Int
    /// Output bytes produced.
    var produced: Int
    /// Why conversion stopped before the input ran out (`nil` when all input was consumed).
    var stop: Stop?
  }

  enum Stop {
    /// The output buffer is full; call again with more room.
    case outputFull
    /// The input ends inside a multibyte sequence; feed it again with more bytes after it.
    case incomplete
    /// The bytes at `consumed` cannot be converted.
    case invalid
  }

  private let cd: iconv_t

  /// Opens a converter, or returns nil when iconv does not know one of the names.
  init?(from: String, to: String) {
    let handle = iconv_open(to, from)
    if Int(bitPattern: handle) == -1 { return nil }
    cd = handle!
  }

  deinit { iconv_close(cd) }

  /// Whether iconv knows `name` as a source encoding convertible to UTF-8.
  static func isKnown(_ name: String) -> Bool { Iconv(from: name, to: "UTF-8") != nil }

  /// Resets the shift state (for stateful encodings).
  func reset() { _ = iconv(cd, nil, nil, nil, nil) }

  /// Converts as much of `input` as fits into `output`. The corresponding C function is `iconv`.
  func convert(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Step {
    guard let inBase = input.baseAddress, input.count > 0 else { return Step(consumed: 0, produced: 0, stop: nil) }
    guard let outBase = output.baseAddress, output.count > 0 else {
      return Step(consumed: 0, produced: 0, stop: .outputFull)
    }
    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: inBase.assumingMemoryBound(to: CChar.self))
    var inLeft = input.count
    var outPtr: UnsafeMutablePointer<CChar>? = outBase.assumingMemoryBound(to: CChar.self)
    var outLeft = output.count
    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
    let step = Step(consumed: input.count - inLeft, produced: output.count - outLeft, stop: nil)
    if r != -1 { return step }
    var s = step
    switch errno {
    case E2BIG: s.stop = .outputFull
    case EINVAL: s.stop = .incomplete
    default: s.stop = .invalid
    }
    return s
  }
}

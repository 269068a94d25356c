// Small byte helpers shared by the parser and the writer. Everything here works on `[UInt8]` or
// slices of it; nothing goes through Foundation.

enum ASCII {
  static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, space: UInt8 = 0x20, tab: UInt8 = 0x09
  static let colon: UInt8 = 0x3A, semicolon: UInt8 = 0x3B, equals: UInt8 = 0x3D, quote: UInt8 = 0x22
  static let backslash: UInt8 = 0x5C, question: UInt8 = 0x3F, dash: UInt8 = 0x2D, percent: UInt8 = 0x25
  static let lt: UInt8 = 0x3C, gt: UInt8 = 0x3E, comma: UInt8 = 0x2C, openParen: UInt8 = 0x28
  static let closeParen: UInt8 = 0x29, apostrophe: UInt8 = 0x27, star: UInt8 = 0x2A, slash: UInt8 = 0x2F
  static let underscore: UInt8 = 0x5F, at: UInt8 = 0x40

  @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab || b == cr || b == lf }
  @inline(__always) static func isWSP(_ b: UInt8) -> Bool { b == space || b == tab }
  @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

  /// The value of a hexadecimal digit, or nil.
  @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: return b - 0x30
    case 0x41...0x46: return b - 0x41 + 10
    case 0x61...0x66: return b - 0x61 + 10
    default: return nil
    }
  }

  static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}

extension Array where Element == UInt8 {
  /// The bytes with ASCII letters lowered.
  func asciiLowercased() -> [UInt8] { map(ASCII.lower) }
}

extension Collection where Element == UInt8 {
  /// Whether the bytes equal `other` ignoring ASCII case.
  func equalsIgnoringCase(_ other: some Collection<UInt8>) -> Bool {
    guard count == other.count else { return false }
    return zip(self, other).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
  }
}

extension ArraySlice where Element == UInt8 {
  /// The slice without leading and trailing white space (space, tab, CR, LF).
  func trimmed() -> ArraySlice<UInt8> {
    var lo = startIndex, hi = endIndex
    while lo < hi, ASCII.isWhitespace(self[lo]) { lo += 1 }
    while hi > lo, ASCII.isWhitespace(self[hi - 1]) { hi -= 1 }
    return self[lo..<hi]
  }
}

/// The text of ASCII (or any UTF-8) bytes; invalid sequences become U+FFFD.
@inline(__always) func utf8String(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

/// A position just past the end of the line starting at `i` (after its LF), or `end`.
@inline(__always) func lineEnd(_ b: [UInt8], from i: Int, end: Int) -> Int {
  var j = i
  while j < end {
    if b[j] == ASCII.lf { return j + 1 }
    j += 1
  }
  return end
}

/// The end of the line's content: before its CRLF or LF.
@inline(__always) func contentEnd(_ b: [UInt8], lineStart: Int, lineEnd: Int) -> Int {
  var e = lineEnd
  if e > lineStart, b[e - 1] == ASCII.lf { e -= 1 }
  if e > lineStart, b[e - 1] == ASCII.cr { e -= 1 }
  return e
}

/// Whether `b[at...]` starts with `prefix`.
@inline(__always) func hasPrefix(_ b: [UInt8], at: Int, end: Int, _ prefix: [UInt8]) -> Bool {
  guard at + prefix.count <= end else { return false }
  for k in 0..<prefix.count where b[at + k] != prefix[k] { return false }
  return true
}

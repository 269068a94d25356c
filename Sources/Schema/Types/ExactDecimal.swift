/// An exact decimal number: an integer significand and a decimal scale (`value = significand × 10^-scale`).
///
/// Money and training hours are summed by clerks who check the totals by hand, so sheetgate
/// never uses binary floating point for them: `0.1 + 0.2 == 0.3` and `32.50 == 32.5` hold.
/// The significand is an `Int64` (18 significant digits); intermediate results use `Int128`.
/// Operations that would overflow return nil instead of trapping.
///
/// ```swift
/// let a = ExactDecimal("32.50")!, b = ExactDecimal("27.5")!
/// a.adding(b)?.description  // "60.00"
/// ```
///
/// - Complexity: O(1) for arithmetic and comparison; parsing is O(n) in the text length.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The integer significand.
  public private(set) var significand: Int64
  /// The number of digits after the decimal point (0…30).
  public private(set) var scale: Int8

  /// The largest scale kept; longer fractions are rejected by the parser and rounded by division.
  public static let maxScale: Int8 = 18

  /// Makes a decimal from a significand and scale.
  public init(significand: Int64, scale: Int8 = 0) {
    self.significand = significand
    self.scale = max(0, min(scale, Self.maxScale))
  }

  /// Makes a decimal from an integer.
  public init(_ value: Int64) {
    self.init(significand: value, scale: 0)
  }

  /// Zero.
  public static let zero = ExactDecimal(significand: 0)

  /// Parses decimal text: optional sign, digits, optional fraction, optional exponent (`1.5E+3`).
  /// Thousands separators (`,`) between digits are accepted. Returns nil for anything else or on overflow.
  public init?(_ text: String) {
    var s = text
    guard let v = s.withUTF8({ ExactDecimal.parse($0) }) else { return nil }
    self = v
  }

  /// Parses decimal text from UTF-8 bytes (see `init?(_:)`).
  public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
    let n = b.count
    // Short plain decimals (`32.5`, `-7`, at most 18 bytes: at most 17 digits, so no overflow and no
    // rounding) in 64-bit arithmetic; anything else (separators, exponents) below.
    if n > 0 && n <= 18 {
      var j = 0
      let negative = b[0] == UInt8(ascii: "-")
      if negative || b[0] == UInt8(ascii: "+") { j = 1 }
      var sig: Int64 = 0
      var digits = 0
      var point = -1
      while j < n {
        let d = b[j] &- 0x30
        if d <= 9 {
          sig = sig &* 10 &+ Int64(d)
          digits += 1
        } else if b[j] == UInt8(ascii: "."), point < 0 {
          point = j
        } else {
          break
        }
        j += 1
      }
      if j == n {
        guard digits > 0 else { return nil }
        return ExactDecimal(significand: negative ? -sig : sig, scale: Int8(point < 0 ? 0 : n - 1 - point))
      }
    }
    var i = 0
    var negative = false
    if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
      negative = b[i] == UInt8(ascii: "-")
      i += 1
    }
    var sig: Int128 = 0
    var digits = 0
    var fraction = 0
    var sawPoint = false
    var significantDigits = 0
    while i < n {
      let c = b[i]
      if c >= 0x30 && c <= 0x39 {
        if significantDigits > 0 || c != 0x30 { significantDigits += 1 }
        if significantDigits > 36 { return nil }
        sig = sig * 10 + Int128(c - 0x30)
        digits += 1
        if sawPoint { fraction += 1 }
      } else if c == UInt8(ascii: ".") && !sawPoint {
        sawPoint = true
      } else if c == UInt8(ascii: ",") && !sawPoint && digits > 0 && i + 1 < n && b[i + 1] >= 0x30 && b[i + 1] <= 0x39 {
        // thousands separator
      } else {
        break
      }
      i += 1
    }
    guard digits > 0 else { return nil }
    var exponent = 0
    if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
      i += 1
      var expNegative = false
      if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
        expNegative = b[i] == UInt8(ascii: "-")
        i += 1
      }
      var expDigits = 0
      while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
        exponent = exponent * 10 + Int(b[i] - 0x30)
        expDigits += 1
        if expDigits > 3 { return nil }
        i += 1
      }
      guard expDigits > 0 else { return nil }
      if expNegative { exponent = -exponent }
    }
    guard i == n else { return nil }
    var scale = fraction - exponent
    while scale < 0 {
      sig *= 10
      scale += 1
      if sig > Int128(Int64.max) { return nil }
    }
    // Drop trailing zeros beyond the maximum scale.
    while scale > Int(maxScale), sig % 10 == 0 {
      sig /= 10
      scale -= 1
    }
    guard scale <= Int(maxScale), sig <= Int128(Int64.max) else { return nil }
    return ExactDecimal(significand: Int64(negative ? -sig : sig), scale: Int8(scale))
  }

  /// The exact value of a finite `Double` as Excel shows it: at most 15 significant digits.
  ///
  /// Number cells normally carry their original text, which is preferred; this is for cells
  /// that only have the binary value.
  public init?(excelNumber d: Double) {
    guard d.isFinite, abs(d) < 9.2e18 else { return nil }
    // 15 significant digits, like Excel's display.
    let text = Self.format15(d)
    guard let v = ExactDecimal(text) else { return nil }
    self = v
  }

  private static func format15(_ d: Double) -> String {
    if d == 0 { return "0" }
    let magnitude = Int((abs(d)).log10Floor)
    let decimals = max(0, 14 - magnitude)
    if decimals == 0 { return String(Int64(d.rounded())) }
    let factor = pow10(decimals)
    let scaled = (d * factor).rounded()
    guard abs(scaled) < 9.2e18 else { return String(Int64(d.rounded())) }
    return ExactDecimal(significand: Int64(scaled), scale: Int8(min(decimals, Int(maxScale)))).normalized.description
  }

  private static func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= 10 }
    return r
  }

  /// The same value with trailing fractional zeros removed (`32.50` → `32.5`).
  public var normalized: ExactDecimal {
    var s = significand
    var k = scale
    while k > 0, s % 10 == 0 {
      s /= 10
      k -= 1
    }
    return ExactDecimal(significand: s, scale: k)
  }

  /// True when the value has no fractional part.
  public var isInteger: Bool { normalized.scale == 0 }

  /// The value as an Int64 when it is an integer.
  public var int64Value: Int64? {
    let n = normalized
    return n.scale == 0 ? n.significand : nil
  }

  /// An approximate Double (for display and ratios only, never for sums).
  public var doubleValue: Double {
    var d = Double(significand)
    for _ in 0..<Int(scale) { d /= 10 }
    return d
  }

  /// The sign: -1, 0 or 1.
  public var signum: Int { significand < 0 ? -1 : (significand > 0 ? 1 : 0) }

  private static func tens(_ n: Int) -> Int128 {
    if n >= 0 && n <= 18 { return Int128(int64PowerOfTen(n)) }
    var r: Int128 = 1
    for _ in 0..<n { r *= 10 }
    return r
  }

  /// 10ⁿ for 0 ≤ n ≤ 18 (a switch, not a lazily initialised table: no `swift_once` per call).
  @inline(__always)
  private static func int64PowerOfTen(_ n: Int) -> Int64 {
    switch n {
    case 0: return 1
    case 1: return 10
    case 2: return 100
    case 3: return 1_000
    case 4: return 10_000
    case 5: return 100_000
    case 6: return 1_000_000
    case 7: return 10_000_000
    case 8: return 100_000_000
    case 9: return 1_000_000_000
    case 10: return 10_000_000_000
    case 11: return 100_000_000_000
    case 12: return 1_000_000_000_000
    case 13: return 10_000_000_000_000
    case 14: return 100_000_000_000_000
    case 15: return 1_000_000_000_000_000
    case 16: return 10_000_000_000_000_000
    case 17: return 100_000_000_000_000_000
    default: return 1_000_000_000_000_000_000
    }
  }

  /// Both significands at the larger scale in Int64 — the common case of hours and money —
  /// or nil when scaling one of them would overflow (the caller then uses `aligned`).
  @inline(__always)
  private static func aligned64(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int64, Int64, Int)? {
    if a.scale == b.scale { return (a.significand, b.significand, Int(a.scale)) }
    if a.scale < b.scale {
      let (x, o) = a.significand.multipliedReportingOverflow(by: int64PowerOfTen(Int(b.scale) - Int(a.scale)))
      return o ? nil : (x, b.significand, Int(b.scale))
    }
    let (y, o) = b.significand.multipliedReportingOverflow(by: int64PowerOfTen(Int(a.scale) - Int(b.scale)))
    return o ? nil : (a.significand, y, Int(a.scale))
  }

  /// Both significands at the larger scale, as Int128 (no overflow: 18 + 18 digits fit).
  private static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int128, Int128, Int) {
    if a.scale == b.scale { return (Int128(a.significand), Int128(b.significand), Int(a.scale)) }
    let s = max(Int(a.scale), Int(b.scale))
    return (Int128(a.significand) * tens(s - Int(a.scale)), Int128(b.significand) * tens(s - Int(b.scale)), s)
  }

  /// Reduces an Int128 significand to Int64 by dropping trailing zeros; nil if it does not fit.
  private static func make(_ sig: Int128, scale: Int) -> ExactDecimal? {
    var s = sig
    var k = scale
    while (s > Int128(Int64.max) || s < Int128(Int64.min) || k > Int(maxScale)) && k > 0 && s % 10 == 0 {
      s /= 10
      k -= 1
    }
    if k > Int(maxScale) {
      // Round half to even at maxScale.
      let drop = k - Int(maxScale)
      let d = tens(drop)
      var q = s / d
      let r = s % d
      let half = d / 2
      if abs(r) > half || (abs(r) == half && q % 2 != 0) { q += s < 0 ? -1 : 1 }
      s = q
      k = Int(maxScale)
    }
    guard s <= Int128(Int64.max), s >= Int128(Int64.min) else { return nil }
    return ExactDecimal(significand: Int64(s), scale: Int8(k))
  }

  /// `self + other`, or nil on overflow.
  public func adding(_ other: ExactDecimal) -> ExactDecimal? {
    if let (x, y, k) = Self.aligned64(self, other) {
      let (r, o) = x.addingReportingOverflow(y)
      if !o { return ExactDecimal(significand: r, scale: Int8(k)) }
    }
    let (a, b, s) = Self.aligned(self, other)
    return Self.make(a + b, scale: s)
  }

  /// `self - other`, or nil on overflow.
  public func subtracting(_ other: ExactDecimal) -> ExactDecimal? {
    if let (x, y, k) = Self.aligned64(self, other) {
      let (r, o) = x.subtractingReportingOverflow(y)
      if !o { return ExactDecimal(significand: r, scale: Int8(k)) }
    }
    let (a, b, s) = Self.aligned(self, other)
    return Self.make(a - b, scale: s)
  }

  /// `self × other`, or nil on overflow.
  public func multiplying(by other: ExactDecimal) -> ExactDecimal? {
    let a = self.normalized, b = other.normalized
    let (p, o) = Int128(a.significand).multipliedReportingOverflow(by: Int128(b.significand))
    guard !o else { return nil }
    return Self.make(p, scale: Int(a.scale) + Int(b.scale))
  }

  /// `self ÷ other` rounded half-even to `maxScale` fraction digits, or to fewer when the quotient
  /// would not fit 18 significant digits; nil for division by zero or a quotient too large.
  public func dividing(by other: ExactDecimal) -> ExactDecimal? {
    guard other.significand != 0 else { return nil }
    let a = self.normalized, b = other.normalized
    // result = (a.sig / b.sig) × 10^(b.scale - a.scale); compute with `extra` digits of precision.
    var num = Int128(a.significand)
    var extra = 0
    while extra < Int(Self.maxScale) + 1, abs(num) < Int128(Int64.max) * 1_000_000_000 {
      num *= 10
      extra += 1
    }
    let q = num / Int128(b.significand)
    let r = num % Int128(b.significand)
    var sig = q
    // Round half-even on the remainder.
    let twice = abs(r) * 2
    let den = abs(Int128(b.significand))
    if twice > den || (twice == den && sig % 2 != 0) { sig += (num < 0) != (b.significand < 0) ? -1 : 1 }
    let scale = extra + Int(a.scale) - Int(b.scale)
    if scale < 0 {
      let (p, o) = sig.multipliedReportingOverflow(by: Self.tens(-scale))
      guard !o else { return nil }
      return Self.make(p, scale: 0)
    }
    // A quotient is inexact anyway: drop fraction digits (rounding) until it fits 18 digits,
    // so 94 ÷ 72 is 1.30555555555555556 rather than nothing.
    var s = sig
    var k = scale
    while (s > Int128(Int64.max) || s < Int128(Int64.min)) && k > 0 {
      let q = s / 10, r = s % 10
      s = abs(r) >= 5 ? q + (s < 0 ? -1 : 1) : q
      k -= 1
    }
    return Self.make(s, scale: k)
  }

  /// `self` rounded to `scale` fraction digits, half away from zero (四舍五入, as clerks round
  /// by hand); `self` unchanged when it has no more digits than that. Nil only if `scale` is negative.
  public func rounded(scale target: Int) -> ExactDecimal? {
    guard target >= 0 else { return nil }
    guard Int(scale) > target else { return self }
    let d = Self.int64PowerOfTen(Int(scale) - target)
    var q = significand / d
    let r = significand % d
    if r.magnitude * 2 >= d.magnitude { q += significand < 0 ? -1 : 1 }
    return ExactDecimal(significand: q, scale: Int8(target))
  }

  /// The number of fraction digits a quotient keeps in the rule language (`a / b`).
  public static let quotientScale = 10

  /// `self ÷ other` rounded half away from zero to `quotientScale` fraction digits, or nil for
  /// division by zero or overflow: the rule language's division. A quotient such as 94 ÷ 72
  /// has no finite decimal form; at 18 digits it would overflow as soon as it is combined with
  /// another value, so the language keeps ten (`round(x, n)` rounds further).
  public func quotient(dividingBy other: ExactDecimal) -> ExactDecimal? {
    dividing(by: other)?.rounded(scale: Self.quotientScale)
  }

  /// The absolute value, or nil for Int64.min.
  public var magnitude: ExactDecimal? {
    significand == Int64.min ? nil : ExactDecimal(significand: significand < 0 ? -significand : significand, scale: scale)
  }

  /// The negated value, or nil for Int64.min.
  public var negated: ExactDecimal? {
    significand == Int64.min ? nil : ExactDecimal(significand: -significand, scale: scale)
  }

  public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
    if let (x, y, _) = aligned64(a, b) { return x == y }
    let (x, y, _) = aligned(a, b)
    return x == y
  }

  public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
    if let (x, y, _) = aligned64(a, b) { return x < y }
    let (x, y, _) = aligned(a, b)
    return x < y
  }

  public func hash(into h: inout Hasher) {
    let n = normalized
    h.combine(n.significand)
    h.combine(n.scale)
  }

  /// The plain decimal text with its scale kept (`32.50` stays `32.50`; never exponent notation).
  public var description: String {
    let negative = significand < 0
    var mag = String(significand.magnitude)
    let k = Int(scale)
    if k > 0 {
      if mag.count <= k { mag = String(repeating: "0", count: k - mag.count + 1) + mag }
      let cut = mag.index(mag.endIndex, offsetBy: -k)
      mag = mag[..<cut] + "." + mag[cut...]
    }
    return negative ? "-" + mag : mag
  }
}

extension Double {
  /// floor(log10(|self|)) for finite non-zero values, computed without Foundation.
  fileprivate var log10Floor: Double {
    var x = Swift.abs(self)
    var e = 0.0
    while x >= 10 { x /= 10; e += 1 }
    while x < 1 { x *= 10; e -= 1 }
    return e
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 居民身份证号码 (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence,
/// and an ISO 7064 MOD 11-2 check character (0–9 or X).
public enum IDCard {
  /// The result of checking an ID card number.
  public enum Verdict: Sendable, Equatable {
    /// A valid 18-character number (with `x` upper-cased).
    case valid(String)
    /// A first-generation 15-digit number with a real birth date. Such numbers stopped being
    /// valid in 2013; the coercer reports them as errors and suggests `upgraded(from15:)`.
    case legacy15(String)
    /// Not valid; `reason` is a short English slug (`length`, `check-digit`, `birth-date`, `region`, `characters`).
    case invalid(reason: String)
  }

  static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  static let checkChars: [UInt8] = Array("10X98765432".utf8)
  static let provinces: Set<Int> = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                                    45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91]

  /// `provinces` as a table indexed by the two-digit code (no hashing per check).
  static let provinceTable: [Bool] = (0..<100).map { provinces.contains($0) }

  /// Why an ID number is invalid; the raw value is the reason `validate` gives.
  public enum Problem: String, Sendable {
    case length, characters, region
    case birthDate = "birth-date"
    case checkDigit = "check-digit"
  }

  /// Checks an 18-character number in canonical form (17 ASCII digits, then a digit or `X`)
  /// straight from its bytes: nil when valid, else the problem (its raw value is the reason
  /// `validate` would give).
  ///
  /// Same verdict as `validate` for such input, without making a `String` or an array.
  public static func problem(canonical18 b: UnsafeBufferPointer<UInt8>, today: LocalDate) -> Problem? {
    guard b.count == 18 else { return .length }
    var sum = 0
    for i in 0..<17 {
      let d = Int(b[i]) &- 0x30
      guard d >= 0 && d <= 9 else { return .characters }
      sum += d * weights[i]
    }
    let last = b[17] == UInt8(ascii: "x") ? UInt8(ascii: "X") : b[17]
    guard (last >= 0x30 && last <= 0x39) || last == UInt8(ascii: "X") else { return .characters }
    @inline(__always) func num(_ i: Int, _ n: Int) -> Int {
      var v = 0
      for k in i..<(i + n) { v = v * 10 + Int(b[k] - 0x30) }
      return v
    }
    guard provinceTable[num(0, 2)] else { return .region }
    let y = num(6, 4)
    guard y >= 1900, let date = LocalDate(year: y, month: num(10, 2), day: num(12, 2)), date <= today else {
      return .birthDate
    }
    guard checkChars[sum % 11] == last else { return .checkDigit }
    return nil
  }

  /// The check character for the first 17 digits (ASCII), or nil if they are not 17 digits.
  public static func checkCharacter(for first17: String) -> Character? {
    let b = Array(first17.utf8)
    guard b.count == 17, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Character(Unicode.Scalar(checkChars[checkIndex(b)]))
  }

  static func checkIndex(_ b: [UInt8]) -> Int {
    var sum = 0
    for i in 0..<17 { sum += Int(b[i] - 0x30) * weights[i] }
    return sum % 11
  }

  /// Checks ASCII bytes (already trimmed and folded). `today` bounds the birth date.
  public static func validate(_ b: [UInt8], today: LocalDate) -> Verdict {
    func digits(_ r: Range<Int>) -> Int? {
      var v = 0
      for i in r {
        guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
        v = v * 10 + Int(b[i] - 0x30)
      }
      return v
    }
    func birthOK(_ y: Int, _ m: Int, _ d: Int) -> Bool {
      guard y >= 1900, let date = LocalDate(year: y, month: m, day: d) else { return false }
      return date <= today
    }
    if b.count == 15 {
      guard digits(0..<15) != nil else { return .invalid(reason: "characters") }
      guard let p = digits(0..<2), provinces.contains(p) else { return .invalid(reason: "region") }
      guard let yy = digits(6..<8), let m = digits(8..<10), let d = digits(10..<12), birthOK(1900 + yy, m, d) else {
        return .invalid(reason: "birth-date")
      }
      return .legacy15(String(decoding: b, as: UTF8.self))
    }
    guard b.count == 18 else { return .invalid(reason: "length") }
    guard digits(0..<17) != nil else { return .invalid(reason: "characters") }
    var last = b[17]
    if last == UInt8(ascii: "x") { last = UInt8(ascii: "X") }
    guard (last >= 0x30 && last <= 0x39) || last == UInt8(ascii: "X") else { return .invalid(reason: "characters") }
    guard let p = digits(0..<2), provinces.contains(p) else { return .invalid(reason: "region") }
    guard let y = digits(6..<10), let m = digits(10..<12), let d = digits(12..<14), birthOK(y, m, d) else {
      return .invalid(reason: "birth-date")
    }
    guard checkChars[checkIndex(b)] == last else { return .invalid(reason: "check-digit") }
    var out = b
    out[17] = last
    return .valid(String(decoding: out, as: UTF8.self))
  }

  /// The 18-digit form of a 15-digit number (GB 11643): `19` inserted before the two-digit
  /// birth year, then the check character computed. Nil unless `legacy` is 15 ASCII digits.
  ///
  /// ```swift
  /// IDCard.upgraded(from15: "150627900101123")  // "15062719900101123" + check character
  /// ```
  public static func upgraded(from15 legacy: String) -> String? {
    let b = Array(legacy.utf8)
    guard b.count == 15, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    let first17 = String(decoding: b[0..<6], as: UTF8.self) + "19" + String(decoding: b[6...], as: UTF8.self)
    return checkCharacter(for: first17).map { first17 + String($0) }
  }

  /// Checks a String (convenience).
  public static func validate(_ s: String, today: LocalDate = .today) -> Verdict {
    validate(Array(TextNormalization.folded(s).utf8), today: today)
  }
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters from `0-9 A-H J-N P-R T U W-Y`
/// (no I, O, Z, S, V), the last a check character computed modulo 31.
public enum CreditCode {
  /// The 31 code characters in value order.
  static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
  static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

  static func value(_ c: UInt8) -> Int? {
    var u = c
    if u >= 0x61 && u <= 0x7A { u -= 0x20 }
    return alphabet.firstIndex(of: u)
  }

  /// The check character for the first 17 characters, or nil if one is outside the alphabet.
  public static func checkCharacter(for first17: String) -> Character? {
    let b = Array(first17.utf8)
    guard b.count == 17, let c = check(b) else { return nil }
    return Character(Unicode.Scalar(c))
  }

  static func check(_ b: [UInt8]) -> UInt8? {
    var sum = 0
    for i in 0..<17 {
      guard let v = value(b[i]) else { return nil }
      sum += v * weights[i]
    }
    let c = 31 - sum % 31
    return alphabet[c == 31 ? 0 : c]
  }

  /// Checks ASCII bytes; returns nil when valid, else a short reason slug
  /// (`length`, `characters`, `region`, `check-character`).
  public static func problem(_ b: [UInt8]) -> String? {
    guard b.count == 18 else { return "length" }
    for c in b where value(c) == nil { return "characters" }
    for i in 2..<8 where !(b[i] >= 0x30 && b[i] <= 0x39) { return "region" }
    var last = b[17]
    if last >= 0x61 && last <= 0x7A { last -= 0x20 }
    return check(b) == last ? nil : "check-character"
  }

  /// True when `s` is a valid code.
  public static func isValid(_ s: String) -> Bool { problem(Array(TextNormalization.folded(s).utf8)) == nil }
}

extension LocalDate {
  /// Today's date in the local time zone of the machine (UTC+8 on the bureau's servers).
  public static var today: LocalDate {
    var t = timespec()
    clock_gettime(CLOCK_REALTIME, &t)
    var seconds = time_t(t.tv_sec)
    var parts = tm()
    localtime_r(&seconds, &parts)
    return LocalDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
      ?? LocalDate(year: 2000, month: 1, day: 1)!
  }
}

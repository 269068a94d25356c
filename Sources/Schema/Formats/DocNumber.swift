/// A document number (文号) such as `乌政办发〔2022〕115号`: issuer code (机关代字), year in
/// hexagonal brackets 〔〕, serial number, and 号.
///
/// Filers type the brackets as `[]`, `（）`, `()`, `【】`, `［］`, `{}`, `〖〗` or `﹝﹞`; `parse`
/// accepts them all and gives the normalised form with 〔〕.
public struct DocNumber: Sendable, Hashable {
  /// The issuer code, e.g. `乌政办发`.
  public var issuer: String
  /// The year inside the brackets.
  public var year: Int
  /// The serial number as written (digits, leading zeros kept).
  public var number: String
  /// True when the brackets were not 〔〕 and were normalised.
  public var bracketsNormalized: Bool

  /// The canonical text: `乌政办发〔2022〕115号`.
  public var normalized: String { issuer + "〔" + String(year) + "〕" + number + "号" }

  static let opens: Set<Character> = ["〔", "[", "(", "（", "【", "［", "{", "｛", "〖", "﹝", "〈"]
  static let closes: Set<Character> = ["〕", "]", ")", "）", "】", "］", "}", "｝", "〗", "﹞", "〉"]

  /// Parses a document number (full-width digits are folded first); nil when it is not one.
  public static func parse(_ text: String) -> DocNumber? {
    let s = Array(TextNormalization.folded(text))
    guard let open = s.firstIndex(where: { opens.contains($0) }), open > 0 else { return nil }
    var i = open + 1
    var yearText = ""
    while i < s.count, s[i] == " " { i += 1 }
    while i < s.count, let d = s[i].asciiDigit {
      yearText.append(Character(String(d)))
      i += 1
    }
    while i < s.count, s[i] == " " { i += 1 }
    guard yearText.count == 4, let year = Int(yearText), year >= 1949, year <= 2100,
          i < s.count, closes.contains(s[i]) else { return nil }
    i += 1
    if i < s.count, s[i] == "第" { i += 1 }
    var number = ""
    while i < s.count, s[i].asciiDigit != nil {
      number.append(s[i])
      i += 1
    }
    guard !number.isEmpty, i == s.count - 1, s[i] == "号" else { return nil }
    let issuer = String(s[0..<open]).trimmingSpaces
    guard !issuer.isEmpty, !issuer.contains(where: { opens.contains($0) || closes.contains($0) }) else { return nil }
    let changed = s[open] != "〔" || s[open + 5] != "〕"
    return DocNumber(issuer: issuer, year: year, number: number, bracketsNormalized: changed)
  }
}

/// Names of people: 2–20 CJK characters with an optional middle dot between parts
/// (`乌力吉·巴特尔`), or a Latin name (`John Smith`).
public enum PersonName {
  /// Characters filers type for the middle dot.
  static let dots: Set<Character> = ["·", "•", "・", ".", "．", "‧", "･", "∙", "⋅", "●"]

  /// The canonical name, or nil when the text is not a plausible name.
  /// Middle-dot variants become `·`; spaces inside a CJK name are removed.
  public static func normalize(_ text: String) -> String? {
    let s = TextNormalization.folded(text)
    var cjk = 0
    var latin = 0
    var out = ""
    for ch in s {
      if dots.contains(ch) {
        out.append("·")
      } else if ch == " " {
        out.append(" ")
      } else if let u = ch.unicodeScalars.first, ch.unicodeScalars.count == 1, u.properties.isIdeographic {
        cjk += 1
        out.append(ch)
      } else if ch.isASCII, ch.isLetter || ch == "-" || ch == "'" {
        latin += 1
        out.append(ch)
      } else {
        return nil
      }
    }
    if cjk > 0 {
      guard latin == 0 else { return nil }
      out.removeAll { $0 == " " }
      guard !out.hasPrefix("·"), !out.hasSuffix("·"), !out.contains("··") else { return nil }
      let length = out.count
      guard cjk >= 2 || length >= 3, length >= 2, length <= 20 else { return nil }
      return out
    }
    guard latin >= 2, out.count <= 60 else { return nil }
    // Latin names keep their dots as periods ("J. Smith").
    return String(s.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "))
  }
}

/// Enforcement certificate numbers (执法证号): ASCII letters and digits (and `-`), 4–30 characters, kept as text.
public enum CertNumber {
  /// The certificate number with letters upper-cased, or nil.
  public static func normalize(_ b: [UInt8]) -> String? {
    guard (4...30).contains(b.count) else { return nil }
    var out = b
    var digits = 0
    for (i, c) in b.enumerated() {
      if c >= 0x30 && c <= 0x39 { digits += 1; continue }
      if c >= 0x61 && c <= 0x7A { out[i] = c - 0x20; continue }
      if (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: "-") { continue }
      return nil
    }
    guard digits > 0 else { return nil }
    return String(decoding: out, as: UTF8.self)
  }
}

extension Character {
  /// The value of an ASCII digit.
  var asciiDigit: Int? {
    guard let a = asciiValue, a >= 0x30, a <= 0x39 else { return nil }
    return Int(a - 0x30)
  }
}

extension String {
  /// The string without leading/trailing whitespace (including U+3000 and NBSP).
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{FEFF}" || $0 == "\u{200B}" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return ""
    }
    return String(self[first...last])
  }
}

/// Classification of number formats: which number formats show a date, a time of day or a
/// duration. Shared by the `.xlsx` reader (cell styles) and the `.xls` reader (XF and FORMAT
/// records), so both formats recognise dates the same way.
///
/// The built-in ids are ECMA-376 Part 1 §18.8.30 (the same ids as BIFF's built-in formats), the
/// codes §18.8.31 (the same syntax as BIFF's FORMAT records).
public enum NumberFormat {
  /// Whether format `id` (with its custom `code`, if any) shows a date, and which kind.
  ///
  /// A custom code wins over the built-in meaning of its id. Built-in dates: 14–22 and 45–47,
  /// plus the CJK locale date formats 27–36 and 50–58. 46 (`[h]:mm:ss`) is a duration;
  /// 18–21 and 45, 47 are times of day.
  public static func dateKind(id: Int, code: String?) -> DateKind? {
    if let code { return dateKind(code: code) }
    switch id {
    case 14...17, 22: return .dateTime
    case 18...21, 45, 47: return .timeOfDay
    case 46: return .duration
    case 27...36, 50...58: return .dateTime
    default: return nil
    }
  }

  /// Analyses a format code: skips quoted literals (`"年"`), escaped characters (`\-`, `_x`,
  /// `*x`) and bracketed sections (`[Red]`, `[$-804]`, `[DBNum1]`); `[h]`, `[mm]`, `[ss]` mean a
  /// duration; otherwise any of `y m d h s` (outside those) makes it a date. A code whose date
  /// tokens are only `h`, `m`, `s` is a time of day. Only the first section (before `;`) counts.
  public static func dateKind(code: String) -> DateKind? {
    var inQuote = false
    var escaped = false
    var inBracket = false
    var bracketAllHMS = true
    var bracketLength = 0
    var hasYD = false
    var hasHS = false
    var hasM = false
    for c in code.utf8 {
      if escaped { escaped = false; continue }
      if inQuote {
        if c == UInt8(ascii: "\"") { inQuote = false }
        continue
      }
      if inBracket {
        if c == UInt8(ascii: "]") {
          inBracket = false
          if bracketLength > 0 && bracketAllHMS { return .duration }
        } else {
          bracketLength += 1
          let l = c | 0x20
          if l != UInt8(ascii: "h") && l != UInt8(ascii: "m") && l != UInt8(ascii: "s") { bracketAllHMS = false }
        }
        continue
      }
      if c == UInt8(ascii: "\\") || c == UInt8(ascii: "_") || c == UInt8(ascii: "*") {
        escaped = true  // the next character is a literal (or a fill/space width)
        continue
      }
      switch c {
      case UInt8(ascii: "\""): inQuote = true
      case UInt8(ascii: "["): inBracket = true; bracketAllHMS = true; bracketLength = 0
      case UInt8(ascii: ";"): return classify(yd: hasYD, hs: hasHS, m: hasM)
      case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "d"), UInt8(ascii: "D"): hasYD = true
      case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "s"), UInt8(ascii: "S"): hasHS = true
      case UInt8(ascii: "m"), UInt8(ascii: "M"): hasM = true
      default: break
      }
    }
    return classify(yd: hasYD, hs: hasHS, m: hasM)
  }

  /// y or d → a date; only h/s (and m as minutes) → a time of day; m alone → a month, so a date.
  private static func classify(yd: Bool, hs: Bool, m: Bool) -> DateKind? {
    if yd { return .dateTime }
    if hs { return .timeOfDay }
    if m { return .dateTime }
    return nil
  }
}

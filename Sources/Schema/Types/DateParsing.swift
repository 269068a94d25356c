/// Parses the date forms clerks type, on folded ASCII/UTF-8 bytes (no String).
///
/// Dates: `2023-07-13`, `2023-7-13`, `2023/7/13`, `2023.7.13`, `2023年7月13日` (or `号`),
/// `20230713`. Year-months: `2023-07`, `2023/7`, `2023.7`, `2023年7月`, `202307`.
/// Years: `2023`, `2023年`. Date-times: a date, then a space or `T`, then `H:MM[:SS]`.
enum DateParsing {
  enum Piece: Equatable {
    case number(Int, digits: Int)
    case sep(UInt8)  // '-', '/', '.', 'Y' (年), 'M' (月), 'D' (日/号), ' ', 'T', ':'
  }

  /// Splits bytes into numbers and separators; nil on any other character.
  static func pieces(_ b: [UInt8]) -> [Piece]? {
    var out: [Piece] = []
    var i = 0
    while i < b.count {
      let c = b[i]
      if c >= 0x30 && c <= 0x39 {
        var v = 0
        var n = 0
        while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
          if n < 12 { v = v * 10 + Int(b[i] - 0x30) }
          n += 1
          i += 1
        }
        if n > 12 { return nil }
        out.append(.number(v, digits: n))
        continue
      }
      switch c {
      case UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "T"):
        out.append(.sep(c))
        i += 1
      case 0x20:
        if case .sep(0x20)? = out.last {} else { out.append(.sep(0x20)) }
        i += 1
      case 0xE5 where i + 2 < b.count && b[i + 1] == 0xB9 && b[i + 2] == 0xB4:
        out.append(.sep(UInt8(ascii: "Y"))); i += 3
      case 0xE6 where i + 2 < b.count && b[i + 1] == 0x9C && b[i + 2] == 0x88:
        out.append(.sep(UInt8(ascii: "M"))); i += 3
      case 0xE6 where i + 2 < b.count && b[i + 1] == 0x97 && b[i + 2] == 0xA5:
        out.append(.sep(UInt8(ascii: "D"))); i += 3
      case 0xE5 where i + 2 < b.count && b[i + 1] == 0x8F && b[i + 2] == 0xB7:
        out.append(.sep(UInt8(ascii: "D"))); i += 3
      default:
        return nil
      }
    }
    return out
  }

  /// Reads a date from the start of `p`; returns it and how many pieces it used.
  static func datePrefix(_ p: [Piece]) -> (LocalDate, Int)? {
    if case .number(let v, 8)? = p.first {
      guard let d = LocalDate(year: v / 10000, month: v / 100 % 100, day: v % 100) else { return nil }
      return (d, 1)
    }
    guard p.count >= 5, case .number(let y, 4) = p[0], case .sep(let s1) = p[1], case .number(let m, let md) = p[2],
          case .sep(let s2) = p[3], case .number(let d, let dd) = p[4], md <= 2, dd <= 2 else { return nil }
    var used = 5
    if s1 == UInt8(ascii: "Y") {
      guard s2 == UInt8(ascii: "M") else { return nil }
      if p.count > 5, case .sep(UInt8(ascii: "D")) = p[5] { used = 6 }
    } else {
      guard s1 == s2, s1 == UInt8(ascii: "-") || s1 == UInt8(ascii: "/") || s1 == UInt8(ascii: ".") else { return nil }
    }
    guard let date = LocalDate(year: y, month: m, day: d) else { return nil }
    return (date, used)
  }

  /// A whole date.
  static func date(_ b: [UInt8]) -> LocalDate? {
    guard let p = pieces(b), let (d, used) = datePrefix(p), used == p.count else { return nil }
    return d
  }

  /// A year and month (a full date is not accepted here).
  static func yearMonth(_ b: [UInt8]) -> YearMonth? {
    guard let p = pieces(b) else { return nil }
    if p.count == 1, case .number(let v, 6) = p[0] { return YearMonth(year: v / 100, month: v % 100) }
    guard p.count == 3 || p.count == 4, case .number(let y, 4) = p[0], case .sep(let s) = p[1],
          case .number(let m, let md) = p[2], md <= 2 else { return nil }
    if s == UInt8(ascii: "Y") {
      if p.count == 4 { guard case .sep(UInt8(ascii: "M")) = p[3] else { return nil } }
    } else {
      guard p.count == 3, s == UInt8(ascii: "-") || s == UInt8(ascii: "/") || s == UInt8(ascii: ".") else { return nil }
    }
    return YearMonth(year: y, month: m)
  }

  /// A four-digit year, optionally followed by 年.
  static func year(_ b: [UInt8]) -> Int? {
    guard let p = pieces(b), case .number(let y, 4)? = p.first, y >= 1 else { return nil }
    if p.count == 1 { return y }
    if p.count == 2, case .sep(UInt8(ascii: "Y")) = p[1] { return y }
    return nil
  }

  /// `H:MM[:SS]` pieces starting at `k`; milliseconds since midnight.
  static func time(_ p: [Piece], from k: Int) -> Int? {
    guard k + 2 < p.count, case .number(let h, let hd) = p[k], hd <= 2, case .sep(UInt8(ascii: ":")) = p[k + 1],
          case .number(let m, 2) = p[k + 2], h < 24, m < 60 else { return nil }
    var sec = 0
    var end = k + 3
    if end < p.count {
      guard end + 1 < p.count, case .sep(UInt8(ascii: ":")) = p[end], case .number(let s, 2) = p[end + 1], s < 60 else {
        return nil
      }
      sec = s
      end += 2
    }
    guard end == p.count else { return nil }
    return ((h * 60 + m) * 60 + sec) * 1000
  }

  /// A time of day.
  static func timeOfDay(_ b: [UInt8]) -> Int? {
    guard let p = pieces(b) else { return nil }
    return time(p, from: 0)
  }

  /// A date with an optional time.
  static func dateTime(_ b: [UInt8]) -> LocalDateTime? {
    guard let p = pieces(b), let (d, used) = datePrefix(p) else { return nil }
    if used == p.count { return LocalDateTime(date: d) }
    guard case .sep(let s) = p[used], s == 0x20 || s == UInt8(ascii: "T"),
          let ms = time(p, from: used + 1) else { return nil }
    var t = LocalDateTime(date: d)
    t.millisecondOfDay = ms
    return t
  }
}

extension LocalDate {
  /// Parses a date in any of the forms clerks type (`2023年10月8日`, `2023.10.8`, `20231008`,
  /// full-width digits…), or nil.
  public init?(text: String) {
    guard let d = DateParsing.date(Array(TextNormalization.folded(text).utf8)) else { return nil }
    self = d
  }
}

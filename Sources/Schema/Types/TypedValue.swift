import Tabular

/// A calendar date without time zone.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int

  /// Makes a date; returns nil unless it is a real calendar date in years 1…9999.
  public init?(year: Int, month: Int, day: Int) {
    guard year >= 1, year <= 9999, DateSystem.isValid(year: year, month: month, day: day) else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// Days since 1970-01-01.
  public var daysSinceEpoch: Int { DateSystem.days(fromCivil: year, month, day) }

  /// `YYYY-MM-DD`.
  public var description: String { DateTimeComponents(year: year, month: month, day: day).isoDate }

  public static func < (a: LocalDate, b: LocalDate) -> Bool {
    (a.year, a.month, a.day) < (b.year, b.month, b.day)
  }
}

/// A year and month (`2023年7月`).
public struct YearMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var year: Int
  public var month: Int

  /// Makes a year-month; nil unless month is 1…12 and year 1…9999.
  public init?(year: Int, month: Int) {
    guard year >= 1, year <= 9999, month >= 1, month <= 12 else { return nil }
    self.year = year
    self.month = month
  }

  /// `YYYY-MM`.
  public var description: String { String(year) + "-" + (month < 10 ? "0" : "") + String(month) }

  public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

/// A date and time of day without time zone (seconds precision plus milliseconds).
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var date: LocalDate
  /// Milliseconds since midnight.
  public var millisecondOfDay: Int

  public init(date: LocalDate, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
    self.date = date
    self.millisecondOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millisecond
  }

  /// `YYYY-MM-DDTHH:MM:SS`.
  public var description: String {
    let ms = millisecondOfDay
    return DateTimeComponents(year: date.year, month: date.month, day: date.day, hour: ms / 3_600_000,
                              minute: ms / 60_000 % 60, second: ms / 1000 % 60, millisecond: ms % 1000).isoDateTime
  }

  public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
    a.date != b.date ? a.date < b.date : a.millisecondOfDay < b.millisecondOfDay
  }
}

/// A cell's value after coercion to its field's type.
///
/// Strings are the normalised text; `number` fields hold exact decimals; `integer` and `year`
/// fields hold Int64. `null` is a missing value (blank cell or one of `missingValues`).
public enum TypedValue: Sendable, Hashable, CustomStringConvertible {
  case null
  case string(String)
  case integer(Int64)
  case decimal(ExactDecimal)
  case boolean(Bool)
  case date(LocalDate)
  case yearMonth(YearMonth)
  case year(Int)
  case dateTime(LocalDateTime)
  /// A time of day in milliseconds since midnight.
  case time(Int)

  /// True for `.null`.
  public var isNull: Bool { if case .null = self { return true } else { return false } }

  /// The value as an exact decimal when it is numeric (integer, decimal, year).
  public var decimal: ExactDecimal? {
    switch self {
    case .decimal(let d): return d
    case .integer(let i): return ExactDecimal(i)
    case .year(let y): return ExactDecimal(Int64(y))
    default: return nil
    }
  }

  /// The string payload, if any.
  public var string: String? { if case .string(let s) = self { return s } else { return nil } }

  /// The canonical text: ISO dates, plain decimals, `true`/`false`, empty for null.
  public var description: String {
    switch self {
    case .null: return ""
    case .string(let s): return s
    case .integer(let i): return String(i)
    case .decimal(let d): return d.description
    case .boolean(let b): return b ? "true" : "false"
    case .date(let d): return d.description
    case .yearMonth(let m): return m.description
    case .year(let y): return String(y)
    case .dateTime(let t): return t.description
    case .time(let ms):
      let c = DateTimeComponents(year: 2000, month: 1, day: 1, hour: ms / 3_600_000, minute: ms / 60_000 % 60,
                                 second: ms / 1000 % 60)
      return c.isoTime
    }
  }
}

/// The workbook's date system (`workbookPr/@date1904`, ECMA-376 Part 1 §18.2.28).
///
/// Serial numbers count days: in the 1900 system day 1 is 1900-01-01 and day 60 is the
/// fictional 1900-02-29 that Lotus 1-2-3 introduced and Excel keeps; in the 1904 system
/// day 0 is 1904-01-01. Conversions are pure arithmetic: no calendar, time zone or locale.
public enum DateSystem: Sendable, Hashable {
  case excel1900
  case excel1904

  /// Days from 1970-01-01 to the serial's epoch day (serial 0).
  @usableFromInline var epochOffset: Int {
    switch self {
    case .excel1900: return -25569  // 1899-12-30
    case .excel1904: return -24107  // 1904-01-01
    }
  }

  /// Calendar date and time of a serial. Returns nil for negative serials or years past 9999.
  public func components(serial: Double) -> DateTimeComponents? {
    guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
    var days = Int(serial.rounded(.down))
    // Milliseconds of the day, rounded to the nearest millisecond as Excel displays.
    var ms = Int(((serial - Double(days)) * 86_400_000).rounded())
    if ms >= 86_400_000 { days += 1; ms -= 86_400_000 }
    var y: Int, m: Int, d: Int
    if self == .excel1900 && days < 61 {
      // 1900-01-01 is day 1; day 60 is the fictional 1900-02-29; day 0 is shown as 1900-01-00.
      if days == 60 { (y, m, d) = (1900, 2, 29) }
      else if days == 0 { (y, m, d) = (1899, 12, 31) }
      else { (y, m, d) = Self.civil(fromDays: days - 25568) }  // day 1 → 1900-01-01
    } else {
      (y, m, d) = Self.civil(fromDays: days + epochOffset)
    }
    if y > 9999 { return nil }
    return DateTimeComponents(year: y, month: m, day: d, hour: ms / 3_600_000, minute: ms / 60_000 % 60,
                              second: ms / 1000 % 60, millisecond: ms % 1000)
  }

  /// The serial for a calendar date and time, or nil if it is before the epoch.
  public func serial(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                     fraction: Double = 0) -> Double? {
    let days = Self.days(fromCivil: year, month, day)
    var serial: Int
    switch self {
    case .excel1900:
      serial = days + 25569
      if serial < 61 {
        if year == 1900 && month == 2 && day == 29 { serial = 60 } else { serial -= 1 }
        if serial < 1 { return nil }
      }
    case .excel1904:
      serial = days + 24107
      if serial < 0 { return nil }
    }
    return Double(serial) + (Double(hour * 3600 + minute * 60 + second) + fraction) / 86_400
  }

  /// Howard Hinnant's days-from-civil: proleptic Gregorian date → days since 1970-01-01.
  @inlinable
  public static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// Days since 1970-01-01 → (year, month, day).
  @inlinable
  public static func civil(fromDays z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  /// True when year/month/day is a real calendar date.
  public static func isValid(year: Int, month: Int, day: Int) -> Bool {
    guard month >= 1, month <= 12, day >= 1 else { return false }
    let dim = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    return day <= (month == 2 && leap ? 29 : dim)
  }
}

/// A calendar date and time of day, without time zone.
public struct DateTimeComponents: Hashable, Sendable {
  public var year, month, day, hour, minute, second, millisecond: Int

  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
    self.year = year; self.month = month; self.day = day
    self.hour = hour; self.minute = minute; self.second = second; self.millisecond = millisecond
  }

  /// `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
  public var isoDateTime: String {
    var s = isoDate + "T" + isoTime
    if millisecond != 0 { s += "." + pad(millisecond * 1000, 6) }
    return s
  }

  /// `YYYY-MM-DD`.
  public var isoDate: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }

  /// `HH:MM:SS`.
  public var isoTime: String { pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) }

  private func pad(_ v: Int, _ w: Int) -> String {
    let s = String(v)
    return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tabular

/// A moment with the sender's UTC offset, as in a `Date:` header (RFC 5322 §3.3).
public struct MailDate: Sendable, Hashable, CustomStringConvertible {
  /// Seconds since 1970-01-01 00:00:00 UTC.
  public var secondsSince1970: Int64
  /// The offset of the local time written in the header, in minutes east of UTC (+0800 → 480).
  public var utcOffsetMinutes: Int

  public init(secondsSince1970: Int64, utcOffsetMinutes: Int = 0) {
    self.secondsSince1970 = secondsSince1970
    self.utcOffsetMinutes = utcOffsetMinutes
  }

  /// The current time, to be written with the given offset (China Standard Time: 480).
  public static func now(utcOffsetMinutes: Int = 480) -> MailDate {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return MailDate(secondsSince1970: Int64(ts.tv_sec), utcOffsetMinutes: utcOffsetMinutes)
  }

  private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// `Thu, 03 Dec 2026 16:39:02 +0800`.
  public var rfc5322: String {
    let local = secondsSince1970 + Int64(utcOffsetMinutes) * 60
    let dayNumber = local >= 0 ? local / 86400 : (local - 86399) / 86400
    let secs = Int(local - dayNumber * 86400)
    let (y, m, d) = MailDate.civil(fromDays: dayNumber)
    let wd = MailDate.days[Int(((dayNumber % 7) + 7) % 7)]
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let off = abs(utcOffsetMinutes)
    let sign = utcOffsetMinutes < 0 ? "-" : "+"
    return "\(wd), \(two(d)) \(MailDate.months[m - 1]) \(y) \(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60)) "
      + "\(sign)\(two(off / 60))\(two(off % 60))"
  }

  public var description: String { rfc5322 }

  /// Parses an RFC 5322 date, tolerating a missing weekday and seconds, two-digit years, obsolete
  /// zone names (`GMT`, `UT`, `EST` …) and a trailing comment (`+0800 (CST)`). Nil when it makes
  /// no sense.
  public static func parse(_ text: String) -> MailDate? {
    var tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
    if let f = tokens.first, f.count >= 3, f.first!.isLetter, Int(f) == nil,
       days.contains(where: { f.lowercased().hasPrefix($0.lowercased()) }) { tokens.removeFirst() }
    guard tokens.count >= 4, let day = Int(tokens[0]), (1...31).contains(day),
          let mi = months.firstIndex(where: { tokens[1].lowercased().hasPrefix($0.lowercased()) }),
          var year = Int(tokens[2]) else { return nil }
    if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
    guard (1...9999).contains(year) else { return nil }
    let hms = tokens[3].split(separator: ":").compactMap { Int($0) }
    guard hms.count >= 2, (0...23).contains(hms[0]), (0...59).contains(hms[1]) else { return nil }
    let sec = hms.count > 2 ? max(0, min(hms[2], 60)) : 0
    var offset = 0
    if tokens.count > 4 {
      let z = tokens[4]
      if let sign = z.first, sign == "+" || sign == "-", z.count == 5, let v = Int(z.dropFirst()) {
        offset = (v / 100 * 60 + v % 100) * (sign == "-" ? -1 : 1)
      } else {
        let zones = ["UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
                     "MST": -420, "MDT": -360, "PST": -480, "PDT": -420]
        offset = zones[z.uppercased()] ?? 0
      }
    }
    let days = daysFromCivil(year, mi + 1, day)
    let local = days * 86400 + Int64(hms[0] * 3600 + hms[1] * 60 + sec)
    return MailDate(secondsSince1970: local - Int64(offset) * 60, utcOffsetMinutes: offset)
  }

  // The calendar arithmetic is Tabular's (Howard Hinnant's algorithms, proleptic Gregorian).
  static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 { Int64(DateSystem.days(fromCivil: y0, m, d)) }

  static func civil(fromDays z0: Int64) -> (Int, Int, Int) { DateSystem.civil(fromDays: Int(z0)) }
}

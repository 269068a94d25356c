import Glibc

/// Instants written as ISO 8601 in UTC (`2023-08-15T01:30:00Z`), as the store and the run log record them.
///
/// Made by arithmetic on the seconds (``DateSystem/civil(fromDays:)``): Foundation's `ISO8601DateFormatter`
/// builds an ICU formatter each time one is made, which was 2–3% of a `sheetgate run` that stamps every
/// message several times.
public enum Timestamp {
  /// `seconds` since 1970-01-01 00:00 UTC as `YYYY-MM-DDTHH:MM:SSZ`, or with `milliseconds` (0–999)
  /// as `YYYY-MM-DDTHH:MM:SS.mmmZ`. Years outside 0–9999 are written with as many digits as they need.
  public static func iso8601(seconds: Int64, milliseconds: Int? = nil) -> String {
    let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    let inDay = Int(seconds - Int64(days) * 86_400)
    let (y, m, d) = DateSystem.civil(fromDays: days)
    var out: [UInt8] = []
    out.reserveCapacity(24)
    func put(_ v: Int, _ width: Int) {  // the digits, least significant first, zero-padded, then turned around
      let start = out.count
      var x = v
      repeat {
        out.append(UInt8(ascii: "0") + UInt8(x % 10))
        x /= 10
      } while x > 0
      while out.count - start < width { out.append(UInt8(ascii: "0")) }
      out[start...].reverse()
    }
    if y < 0 { out.append(UInt8(ascii: "-")) }
    put(abs(y), 4)
    out.append(UInt8(ascii: "-")); put(m, 2)
    out.append(UInt8(ascii: "-")); put(d, 2)
    out.append(UInt8(ascii: "T")); put(inDay / 3600, 2)
    out.append(UInt8(ascii: ":")); put(inDay / 60 % 60, 2)
    out.append(UInt8(ascii: ":")); put(inDay % 60, 2)
    if let ms = milliseconds {
      out.append(UInt8(ascii: ".")); put(min(max(ms, 0), 999), 3)
    }
    out.append(UInt8(ascii: "Z"))
    return String(decoding: out, as: UTF8.self)
  }

  /// Now (the system clock) as ``iso8601(seconds:milliseconds:)``, with milliseconds when asked.
  public static func now(milliseconds: Bool = false) -> String {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return iso8601(seconds: Int64(ts.tv_sec), milliseconds: milliseconds ? Int(ts.tv_nsec / 1_000_000) : nil)
  }
}

/// Rendering of date cells as ISO 8601 text, the form the conformance corpus and `cat --json` use.
extension DateSystem {
  /// The ISO text of a date cell's serial:
  /// - `.duration` (an `[h]:mm` format): `P<days>DT<seconds>S`, e.g. `P10DT54610.0S`;
  /// - a serial below 1 (no calendar day): `HH:MM:SS[.ffffff]`;
  /// - otherwise `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
  ///
  /// Times are rounded to the millisecond, as Excel displays them. Returns nil when the serial
  /// has no calendar date in this system (negative, or past 9999-12-31).
  public func isoString(serial: Double, kind: DateKind) -> String? {
    guard serial.isFinite else { return nil }
    if kind == .duration {
      let totalMs = (serial * 86_400_000).rounded()
      let days = (totalMs / 86_400_000).rounded(.towardZero)
      let seconds = (totalMs - days * 86_400_000) / 1000
      return "P\(Int(days))DT\(seconds)S"
    }
    guard let c = components(serial: serial) else { return nil }
    if serial < 1 {
      var s = c.isoTime
      if c.millisecond != 0 { s += "." + Self.pad6(c.millisecond * 1000) }
      return s
    }
    return c.isoDateTime
  }

  private static func pad6(_ v: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, 6 - s.count)) + s
  }
}

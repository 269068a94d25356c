import Tabular

/// Byte-level parsers for cell values: numbers without Foundation, ISO 8601 dates for `t="d"`.
enum CellValues {
  @usableFromInline static let powersOf10: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
  ]

  /// Parses an XML Schema `xsd:double` as written in `<v>` (`-12.50`, `1E-3`, `15062719000123`).
  ///
  /// Fast path (Clinger): up to 19 significant digits with a mantissa below 2^53 and a decimal
  /// exponent within ±22 is exact in one multiplication or division. Anything else falls back
  /// to the standard library's correctly rounded conversion (which allocates a String).
  /// Returns nil for text that is not a number.
  @inlinable
  static func parseDouble(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
    let n = b.count
    var i = 0
    guard n > 0 else { return nil }
    var negative = false
    if b[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if b[0] == UInt8(ascii: "+") { i = 1 }
    var mantissa: UInt64 = 0
    var digits = 0
    var exp10 = 0
    var sawDigit = false
    while i < n {
      let d = b[i] &- 0x30
      if d >= 10 { break }
      sawDigit = true
      if digits < 19 {
        if mantissa != 0 || d != 0 { digits += 1 }
        mantissa = mantissa &* 10 &+ UInt64(d)
      } else {
        exp10 += 1
        digits += 1
      }
      i += 1
    }
    if i < n && b[i] == UInt8(ascii: ".") {
      i += 1
      while i < n {
        let d = b[i] &- 0x30
        if d >= 10 { break }
        sawDigit = true
        if digits < 19 {
          if mantissa != 0 || d != 0 { digits += 1 }
          mantissa = mantissa &* 10 &+ UInt64(d)
          exp10 -= 1
        } else {
          digits += 1
        }
        i += 1
      }
    }
    guard sawDigit else { return slow(b) }
    if i < n && (b[i] | 0x20) == UInt8(ascii: "e") {
      i += 1
      var eneg = false
      if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { eneg = b[i] == UInt8(ascii: "-"); i += 1 }
      var e = 0
      var edigits = 0
      while i < n {
        let d = b[i] &- 0x30
        if d >= 10 { break }
        if e < 100_000 { e = e * 10 + Int(d) }
        edigits += 1
        i += 1
      }
      guard edigits > 0 else { return nil }
      exp10 += eneg ? -e : e
    }
    guard i == n else { return slow(b) }
    if digits > 19 || mantissa > (1 << 53) || exp10 < -22 || exp10 > 22 { return slow(b) }
    var v = Double(mantissa)
    if exp10 < 0 { v /= powersOf10[-exp10] } else if exp10 > 0 { v *= powersOf10[exp10] }
    return negative ? -v : v
  }

  /// The correctly rounded conversion for the rare inputs outside the fast path
  /// (also trims XML whitespace, which Excel never writes but other producers might).
  @usableFromInline static func slow(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
    var s = String(decoding: b, as: UTF8.self)
    s = String(s.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }))
    while let last = s.last, last == " " || last == "\n" || last == "\t" || last == "\r" { s.removeLast() }
    guard let v = Double(s), v.isFinite else { return nil }
    // Reject Swift-only spellings (hex floats, "nan", "inf").
    if s.utf8.contains(where: { $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") || ($0 | 0x20) == UInt8(ascii: "n") }) {
      return nil
    }
    return v
  }

  /// Parses `t="d"` text (ISO 8601: `2021-01-01`, `2021-01-01T10:10:10.5`, `…Z`, `…+08:00`, or a
  /// time `10:10:10`) into a serial in `system` and the kind (a bare time is a time of day).
  /// The time-zone suffix is ignored, as Excel does: the serial is the written wall-clock time.
  static func parseISODate(_ b: UnsafeBufferPointer<UInt8>, system: DateSystem) -> (Double, DateKind)? {
    var i = 0
    let n = b.count
    func number(_ count: Int) -> Int? {
      guard i + count <= n else { return nil }
      var v = 0
      for k in 0..<count {
        let d = b[i + k] &- 0x30
        guard d < 10 else { return nil }
        v = v * 10 + Int(d)
      }
      i += count
      return v
    }
    func expect(_ c: UInt8) -> Bool {
      guard i < n, b[i] == c else { return false }
      i += 1
      return true
    }
    var days = 0.0
    var hasDate = false
    if n >= 10, b[4] == UInt8(ascii: "-") {
      guard let y = number(4), expect(UInt8(ascii: "-")), let m = number(2), expect(UInt8(ascii: "-")),
            let d = number(2), DateSystem.isValid(year: y, month: m, day: d) || (y == 1900 && m == 2 && d == 29),
            let s = system.serial(year: y, month: m, day: d) else { return nil }
      days = s
      hasDate = true
      if i == n { return (days, .dateTime) }
      guard expect(UInt8(ascii: "T")) || expect(UInt8(ascii: " ")) else { return nil }
    }
    guard let hh = number(2), expect(UInt8(ascii: ":")), let mm = number(2), hh < 24, mm < 60 else { return nil }
    var seconds = Double(hh * 3600 + mm * 60)
    if expect(UInt8(ascii: ":")) {
      guard let ss = number(2), ss < 61 else { return nil }
      seconds += Double(ss)
      if expect(UInt8(ascii: ".")) {
        var scale = 0.1
        while i < n, b[i] &- 0x30 < 10 {
          seconds += Double(b[i] &- 0x30) * scale
          scale /= 10
          i += 1
        }
      }
    }
    // Optional zone: Z or ±hh:mm (ignored).
    if i < n, b[i] == UInt8(ascii: "Z") { i += 1 }
    else if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i = n }
    guard i == n else { return nil }
    return (days + seconds / 86_400, hasDate ? .dateTime : .timeOfDay)
  }
}

/// BIFF text to UTF-8: BIFF8 strings are UTF-16LE or "compressed" (the high bytes of UTF-16 code
/// units below U+0100 left out, so Latin-1); BIFF5 strings are bytes in the workbook's code page.
enum BIFFText {
  /// Appends UTF-16 code units as UTF-8; an unpaired surrogate becomes U+FFFD.
  static func appendUTF16(_ units: UnsafeBufferPointer<UInt16>, to out: inout [UInt8]) {
    var i = 0
    let n = units.count
    while i < n {
      let u = UInt32(units[i])
      i += 1
      if u < 0x80 {
        out.append(UInt8(u))
      } else if u < 0x800 {
        out.append(UInt8(0xC0 | (u >> 6)))
        out.append(UInt8(0x80 | (u & 0x3F)))
      } else if u >= 0xD800 && u < 0xDC00, i < n, units[i] >= 0xDC00, units[i] < 0xE000 {
        let scalar = 0x10000 + ((u - 0xD800) << 10) + (UInt32(units[i]) - 0xDC00)
        i += 1
        out.append(UInt8(0xF0 | (scalar >> 18)))
        out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
      } else {
        let v = (u >= 0xD800 && u < 0xE000) ? 0xFFFD : u
        out.append(UInt8(0xE0 | (v >> 12)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (v & 0x3F)))
      }
    }
  }

  /// Appends `count` characters stored at `b[at...]`, compressed (1 byte each) or UTF-16LE (2 bytes each).
  @inline(__always)
  static func appendChars(_ b: UnsafeRawBufferPointer, at: Int, count: Int, wide: Bool, to out: inout [UInt8]) {
    if !wide {
      for k in 0..<count {
        let c = b[at + k]
        if c < 0x80 { out.append(c) } else { out.append(0xC0 | (c >> 6)); out.append(0x80 | (c & 0x3F)) }
      }
      return
    }
    var ascii = true
    for k in 0..<count where b[at + 2 * k + 1] != 0 || b[at + 2 * k] >= 0x80 { ascii = false; break }
    if ascii {
      for k in 0..<count { out.append(b[at + 2 * k]) }
      return
    }
    var units = [UInt16](repeating: 0, count: count)
    for k in 0..<count { units[k] = UInt16(b[at + 2 * k]) | UInt16(b[at + 2 * k + 1]) << 8 }
    units.withUnsafeBufferPointer { appendUTF16($0, to: &out) }
  }
}

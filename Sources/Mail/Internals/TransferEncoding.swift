// Content-Transfer-Encoding (RFC 2045 §6): base64 and quoted-printable, both ways.

enum Base64 {
  static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  /// Byte → sextet, 0xFF when the byte is not in the alphabet.
  static let table: [UInt8] = {
    var t = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
    return t
  }()

  /// Decodes base64, tolerating line breaks and white space anywhere, missing padding, and several
  /// padded blocks one after another (some encoders concatenate them). Returns nil for a byte outside
  /// the alphabet, padding in the wrong place, or a lone sextet at the end.
  static func decode(_ input: ArraySlice<UInt8>) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(input.count / 4 * 3 + 3)
    var acc: UInt32 = 0
    var n = 0
    var afterPadding = false
    let t = table
    for b in input {
      let v = t[Int(b)]
      if v != 0xFF {
        acc = acc << 6 | UInt32(v)
        n += 1
        afterPadding = false
        if n == 4 {
          out.append(UInt8(truncatingIfNeeded: acc >> 16))
          out.append(UInt8(truncatingIfNeeded: acc >> 8))
          out.append(UInt8(truncatingIfNeeded: acc))
          acc = 0; n = 0
        }
        continue
      }
      if ASCII.isWhitespace(b) { continue }
      guard b == ASCII.equals else { return nil }
      switch n {
      case 2: out.append(UInt8(truncatingIfNeeded: acc >> 4)); acc = 0; n = 0; afterPadding = true
      case 3:
        out.append(UInt8(truncatingIfNeeded: acc >> 10)); out.append(UInt8(truncatingIfNeeded: acc >> 2))
        acc = 0; n = 0; afterPadding = true
      case 0 where afterPadding: continue
      default: return nil
      }
    }
    switch n {
    case 0: break
    case 2: out.append(UInt8(truncatingIfNeeded: acc >> 4))
    case 3: out.append(UInt8(truncatingIfNeeded: acc >> 10)); out.append(UInt8(truncatingIfNeeded: acc >> 2))
    default: return nil
    }
    return out
  }

  /// Base64 without line breaks.
  static func encode(_ input: some Collection<UInt8>) -> [UInt8] {
    input.withContiguousStorageIfAvailable { encode($0, lineLength: nil) } ?? Array(input).withUnsafeBufferPointer { encode($0, lineLength: nil) }
  }

  /// Base64 in lines of 76 characters, each ended by CRLF (RFC 2045 §6.8).
  ///
  /// Written straight into the output's storage, three bytes to four at a time: every reply carries
  /// its annotated workbook this way, and the element-by-element version showed in run profiles.
  static func encodeLines(_ input: [UInt8]) -> [UInt8] {
    input.withUnsafeBufferPointer { encode($0, lineLength: 76) }
  }

  /// Base64 written straight into the output's storage, three bytes to four at a time, with CRLF after every
  /// `lineLength` characters and after the last (partial) line when there is one; no breaks when nil.
  private static func encode(_ src: UnsafeBufferPointer<UInt8>, lineLength: Int?) -> [UInt8] {
    let chars = (src.count + 2) / 3 * 4
    let width = lineLength ?? Int.max
    let total = chars + (lineLength.map { (chars + $0 - 1) / $0 * 2 } ?? 0)
    if total == 0 { return [] }
    return alphabet.withUnsafeBufferPointer { al in
      [UInt8](unsafeUninitializedCapacity: total) { out, written in
        var o = 0, i = 0, column = 0
        @inline(__always) func put(_ b: UInt8) {
          out[o] = b
          o += 1
          column += 1
          if column == width {
            out[o] = ASCII.cr; out[o + 1] = ASCII.lf
            o += 2
            column = 0
          }
        }
        while i + 3 <= src.count {
          let v = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
          put(al[Int(v >> 18 & 63)]); put(al[Int(v >> 12 & 63)]); put(al[Int(v >> 6 & 63)]); put(al[Int(v & 63)])
          i += 3
        }
        let rest = src.count - i
        if rest > 0 {
          let b1: UInt32 = rest == 2 ? UInt32(src[i + 1]) : 0
          let v = UInt32(src[i]) << 16 | b1 << 8
          put(al[Int(v >> 18 & 63)]); put(al[Int(v >> 12 & 63)])
          put(rest == 2 ? al[Int(v >> 6 & 63)] : ASCII.equals); put(ASCII.equals)
        }
        if lineLength != nil && column > 0 { out[o] = ASCII.cr; out[o + 1] = ASCII.lf; o += 2 }
        written = o
      }
    }
  }
}

enum QuotedPrintable {
  /// Decodes quoted-printable body text (RFC 2045 §6.7): `=XX` escapes (either case), soft line
  /// breaks (`=` at a line's end), trailing white space on a line dropped. A `=` not followed by two
  /// hex digits is kept as it is, as most readers do. Line breaks stay as the source has them.
  static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(input.count)
    var i = input.startIndex
    let end = input.endIndex
    while i < end {
      // One line: [i, e) content, then its break.
      var e = i
      while e < end, input[e] != ASCII.lf { e += 1 }
      var c = e
      if c > i, input[c - 1] == ASCII.cr { c -= 1 }
      let breakBytes = input[c..<e] + (e < end ? [ASCII.lf] : [])
      while c > i, ASCII.isWSP(input[c - 1]) { c -= 1 }
      var soft = false
      var k = i
      while k < c {
        let b = input[k]
        if b == ASCII.equals {
          if k + 1 == c { soft = true; k += 1; continue }
          if k + 2 < c, let h = ASCII.hexValue(input[k + 1]), let l = ASCII.hexValue(input[k + 2]) {
            out.append(h << 4 | l); k += 3; continue
          }
        }
        out.append(b); k += 1
      }
      if !soft { out.append(contentsOf: breakBytes) }
      i = e < end ? e + 1 : end
    }
    return out
  }

  /// Encodes UTF-8 text as quoted-printable with CRLF line breaks and lines of at most 76
  /// characters. Bytes ≥ 0x80, `=` and control characters are escaped, as is white space before a
  /// line break.
  static func encode(_ text: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var lineLength = 0
    func put(_ piece: [UInt8]) {
      if lineLength + piece.count > 75 {
        out.append(contentsOf: [ASCII.equals, ASCII.cr, ASCII.lf]); lineLength = 0
      }
      out.append(contentsOf: piece); lineLength += piece.count
    }
    func escaped(_ b: UInt8) -> [UInt8] { [ASCII.equals, ASCII.hexDigits[Int(b >> 4)], ASCII.hexDigits[Int(b & 15)]] }
    var i = 0
    while i < text.count {
      let b = text[i]
      if b == ASCII.lf || (b == ASCII.cr && i + 1 < text.count && text[i + 1] == ASCII.lf) {
        out.append(ASCII.cr); out.append(ASCII.lf); lineLength = 0
        i += b == ASCII.cr ? 2 : 1
        continue
      }
      let atLineEnd = i + 1 == text.count || text[i + 1] == ASCII.lf || text[i + 1] == ASCII.cr
      if ASCII.isWSP(b) && !atLineEnd { put([b]) } else if b >= 0x21 && b <= 0x7E && b != ASCII.equals { put([b]) } else {
        // Keep a UTF-8 sequence's escapes on one line, so no character is split by a soft break.
        var seq = [b]
        if b >= 0xC0 {
          var j = i + 1
          while j < text.count, text[j] & 0xC0 == 0x80, seq.count < 4 { seq.append(text[j]); j += 1 }
        }
        put(seq.flatMap(escaped))
        i += seq.count
        continue
      }
      i += 1
    }
    return out
  }
}

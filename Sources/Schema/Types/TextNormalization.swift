/// Byte-level text normalisation used before coercion (no `String` until one is needed).
enum TextNormalization {
  /// The byte range of `b` without leading/trailing ASCII whitespace, U+3000, NBSP, BOM and ZWSP.
  static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    var lo = 0
    var hi = b.count
    while lo < hi {
      let n = spaceLength(b, at: lo)
      if n == 0 { break }
      lo += n
    }
    while hi > lo {
      let n = spaceLengthEnding(b, at: hi, from: lo)
      if n == 0 { break }
      hi -= n
    }
    return lo..<hi
  }

  /// Length of a space character starting at `i`, or 0.
  @inline(__always)
  static func spaceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
    let c = b[i]
    if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { return 1 }
    if c == 0xC2, i + 1 < b.count, b[i + 1] == 0xA0 { return 2 }
    if c == 0xE3, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0x80 { return 3 }
    if c == 0xEF, i + 2 < b.count, b[i + 1] == 0xBB, b[i + 2] == 0xBF { return 3 }
    if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0x8B { return 3 }
    return 0
  }

  /// Length of a space character ending just before `end`, or 0.
  @inline(__always)
  static func spaceLengthEnding(_ b: UnsafeBufferPointer<UInt8>, at end: Int, from lo: Int) -> Int {
    let c = b[end - 1]
    if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { return 1 }
    if end - 2 >= lo, b[end - 2] == 0xC2, c == 0xA0 { return 2 }
    if end - 3 >= lo {
      let (x, y) = (b[end - 3], b[end - 2])
      if x == 0xE3, y == 0x80, c == 0x80 { return 3 }
      if x == 0xEF, y == 0xBB, c == 0xBF { return 3 }
      if x == 0xE2, y == 0x80, c == 0x8B { return 3 }
    }
    return 0
  }

  /// Appends `b[r]` to `out`, folding full-width ASCII forms to ASCII and U+3000 to a space.
  ///
  /// This is the part of NFKC that matters for spreadsheet input (digits, Latin letters,
  /// punctuation typed with a Chinese IME); other compatibility characters are kept.
  static func appendFolded(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, to out: inout [UInt8]) {
    var i = r.lowerBound
    while i < r.upperBound {
      let c = b[i]
      if c == 0xEF, i + 2 < r.upperBound {
        let c1 = b[i + 1], c2 = b[i + 2]
        if c1 == 0xBC, c2 >= 0x81, c2 <= 0xBF {  // U+FF01…U+FF3F → 0x21…0x5F
          out.append(c2 - 0x81 + 0x21)
          i += 3
          continue
        }
        if c1 == 0xBD, c2 >= 0x80, c2 <= 0x9E {  // U+FF40…U+FF5E → 0x60…0x7E
          out.append(c2 - 0x80 + 0x60)
          i += 3
          continue
        }
      }
      if c == 0xE3, i + 2 < r.upperBound, b[i + 1] == 0x80, b[i + 2] == 0x80 {
        out.append(0x20)
        i += 3
        continue
      }
      out.append(c)
      i += 1
    }
  }

  /// Folds full-width forms in a String (convenience for non-hot paths).
  static func folded(_ s: String) -> String {
    var copy = s
    return copy.withUTF8 { u -> String in
      var out: [UInt8] = []
      out.reserveCapacity(u.count)
      let r = trimmedRange(u)
      appendFolded(u, r, to: &out)
      return String(decoding: out, as: UTF8.self)
    }
  }
}

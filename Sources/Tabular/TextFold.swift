/// The compatibility fold sheetgate applies to text typed in Chinese spreadsheets: the part of
/// Unicode NFKC that occurs there, on UTF-8 bytes, without Foundation (whose NFKC pulls in ICU).
///
/// One fold for the whole project: header labels (`Recognition.HeaderLabel`), `normalize: nfkc`
/// of data cells and the text checks of formats (`Schema`) all use it, so a header and a value
/// typed the same way fold the same way.
///
/// Mappings (everything else is copied unchanged):
/// - full-width ASCII U+FF01–FF5E (`ＡＢＣ１２３（）：／`, typed with a Chinese IME) → `ABC123():/`;
/// - the ideographic space U+3000 → a space;
/// - full-width signs U+FFE0–FFE6 → `¢ £ ¬ ¯ ¦ ¥ ₩`;
/// - circled and parenthesised numbers: `①`…`⑳` → `1`…`20`, `⑴`…`⒇` → `(1)`…`(20)`,
///   `⒈`…`⒛` → `1.`…`20.`;
/// - `㎡` → `m2`.
public enum TextFold {
  /// Appends `b[r]` folded to `out`.
  ///
  /// - Complexity: O(`r.count`); ASCII bytes are copied with one comparison each.
  public static func appendFolded(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, to out: inout [UInt8]) {
    var i = r.lowerBound
    let end = r.upperBound
    while i < end {
      let c = b[i]
      if c < 0xE2 || c > 0xEF || i + 2 >= end {
        out.append(c)
        i += 1
        continue
      }
      let c1 = b[i + 1], c2 = b[i + 2]
      switch c {
      case 0xEF:
        if c1 == 0xBC, c2 >= 0x81, c2 <= 0xBF {  // U+FF01…U+FF3F → 0x21…0x5F
          out.append(c2 - 0x81 + 0x21); i += 3; continue
        }
        if c1 == 0xBD, c2 >= 0x80, c2 <= 0x9E {  // U+FF40…U+FF5E → 0x60…0x7E
          out.append(c2 - 0x80 + 0x60); i += 3; continue
        }
        if c1 == 0xBF, c2 >= 0xA0, c2 <= 0xA6 {  // U+FFE0…U+FFE6
          out.append(contentsOf: fullWidthSigns[Int(c2 - 0xA0)]); i += 3; continue
        }
      case 0xE3:
        if c1 == 0x80, c2 == 0x80 { out.append(0x20); i += 3; continue }  // U+3000
        if c1 == 0x8E, c2 == 0xA1 { out.append(UInt8(ascii: "m")); out.append(UInt8(ascii: "2")); i += 3; continue }  // ㎡
      case 0xE2:
        // U+2460…U+249B are E2 91 A0…BF and E2 92 80…9B: the offset from U+2460.
        let scalar: Int
        if c1 == 0x91, c2 >= 0xA0, c2 <= 0xBF { scalar = Int(c2 - 0xA0) } else if c1 == 0x92, c2 >= 0x80, c2 <= 0x9B {
          scalar = 32 + Int(c2 - 0x80)
        } else {
          out.append(c); i += 1; continue
        }
        switch scalar {
        case 0..<20:  // ①…⑳
          appendDecimal(scalar + 1, to: &out)
        case 20..<40:  // ⑴…⒇
          out.append(UInt8(ascii: "(")); appendDecimal(scalar - 19, to: &out); out.append(UInt8(ascii: ")"))
        default:  // ⒈…⒛
          appendDecimal(scalar - 39, to: &out); out.append(UInt8(ascii: "."))
        }
        i += 3
        continue
      default:
        break
      }
      out.append(c)
      i += 1
    }
  }

  /// `s` folded (a convenience for paths that are not per cell).
  public static func folded(_ s: String) -> String {
    var copy = s
    return copy.withUTF8 { u -> String in
      var out: [UInt8] = []
      out.reserveCapacity(u.count)
      appendFolded(u, 0..<u.count, to: &out)
      return String(decoding: out, as: UTF8.self)
    }
  }

  /// U+FFE0…U+FFE6 as UTF-8: ¢ £ ¬ ¯ ¦ ¥ ₩.
  private static let fullWidthSigns: [[UInt8]] = [
    [0xC2, 0xA2], [0xC2, 0xA3], [0xC2, 0xAC], [0xC2, 0xAF], [0xC2, 0xA6], [0xC2, 0xA5], [0xE2, 0x82, 0xA9],
  ]

  private static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
    if n >= 10 { out.append(UInt8(ascii: "0") + UInt8(n / 10)) }
    out.append(UInt8(ascii: "0") + UInt8(n % 10))
  }
}

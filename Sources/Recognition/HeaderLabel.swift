import Tabular

/// A header cell's text reduced to a comparable key, with its unit kept as a hint.
///
/// Normalisation, in order (header cells only; never per data cell):
/// 1. Compatibility fold (`Tabular.TextFold`, shared with the data cells' `normalize: nfkc`):
///    full-width ASCII `ＡＢＣ１２３（）：／` → `ABC123():/`, full-width signs, circled and
///    parenthesised numbers `①`→`1`, `⑴`→`(1)`, `㎡`→`m2`.
/// 2. Every whitespace scalar is removed: ASCII spaces, tabs and line breaks inside the cell
///    (`公共法律\n知识学时`), U+3000, NBSP, U+2000–U+200B, U+FEFF.
/// 3. Brackets are unified to `(` `)`: `[]` `【】` `〔〕` `〖〗` `{}` `［］`.
/// 4. Latin letters are lowercased.
/// 5. Required-field markers `*` `※` at either end are dropped.
/// 6. One trailing unit group is split off into `unit`: `(元)`, `(万元)`, `(h)`, `(学时)`,
///    `(小时)`, `(个)`, `(%)`…, and `(单位:元)` → `元`. Other trailing groups stay in the key
///    (`培训(轮训)` keeps its words).
///
/// ```swift
/// let l = HeaderLabel("罚款下限（元）")   // key "罚款下限", unit "元"
/// ```
public struct HeaderLabel: Hashable, Sendable {
  /// The normalised text without the unit, e.g. `罚款下限`.
  public var key: String
  /// The unit split off the end, e.g. `元`, or nil.
  public var unit: String?

  /// Normalises `raw`.
  public init(_ raw: String) {
    var folded = HeaderLabel.fold(raw)
    var unit: String?
    if let (base, u) = HeaderLabel.splitUnit(folded) {
      folded = base
      unit = u
    }
    key = folded
    self.unit = unit
  }

  /// True when the label is empty after normalisation.
  public var isEmpty: Bool { key.isEmpty && unit == nil }

  /// Steps 1–5 of normalisation (everything except splitting off the unit).
  public static func fold(_ raw: String) -> String {
    var out = String.UnicodeScalarView()
    for s in TextFold.folded(raw).unicodeScalars {
      switch s.value {
      case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029,
        0x202F, 0x205F, 0x3000, 0xFEFF:
        continue
      default:
        appendUnified(s, to: &out)
      }
    }
    var text = String(out)
    while let f = text.unicodeScalars.first, f == "*" || f == "\u{203B}" { text.unicodeScalars.removeFirst() }
    while let l = text.unicodeScalars.last, l == "*" || l == "\u{203B}" { text.unicodeScalars.removeLast() }
    return text
  }

  private static func appendUnified(_ s: Unicode.Scalar, to out: inout String.UnicodeScalarView) {
    switch s.value {
    case 0x41...0x5A: out.append(Unicode.Scalar(s.value + 0x20)!)
    case 0x5B, 0x7B, 0x3010, 0x3014, 0x3016: out.append("(")  // [ { 【 〔 〖
    case 0x5D, 0x7D, 0x3011, 0x3015, 0x3017: out.append(")")  // ] } 】 〕 〗
    default: out.append(s)
    }
  }

  /// Units recognised in a trailing bracket group.
  static let units: Set<String> = [
    "元", "万元", "千元", "亿元", "角", "分", "h", "小时", "学时", "课时", "分钟", "天", "日", "月", "年", "岁",
    "个", "人", "人次", "次", "件", "项", "份", "家", "户", "%", "‰", "m2", "平方米", "亩", "公顷", "米", "公里",
    "km", "吨", "t", "kg", "千克", "公斤",
  ]

  /// Splits `基础(单位)` into (`基础`, `单位`) when the group is a known unit.
  static func splitUnit(_ folded: String) -> (String, String)? {
    guard folded.unicodeScalars.last == ")", let open = folded.lastIndex(of: "(") else { return nil }
    let inner = folded[folded.index(after: open)..<folded.index(before: folded.endIndex)]
    var unit = String(inner)
    if unit.hasPrefix("单位:") { unit.removeFirst(3) } else if unit.hasPrefix("单位") { unit.removeFirst(2) }
    guard units.contains(unit), open != folded.startIndex else { return nil }
    return (String(folded[..<open]), unit)
  }
}

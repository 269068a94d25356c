import Tabular
import XMLStream

/// The part of `xl/styles.xml` a reader needs (ECMA-376 Part 1 §18.8): for each cell format
/// (`cellXfs/xf`, indexed by `c/@s`), whether its number format shows a date, and which kind.
///
/// ### Memory
/// One byte per cell format plus the custom format codes while parsing.
public struct Styles: Sendable {
  /// Per `cellXfs` index: 0 = not a date, else `DateKind.rawValue + 1`.
  @usableFromInline var dateKinds: [UInt8] = []
  /// Per `cellXfs` index: the number format id.
  public private(set) var numberFormatIDs: [Int] = []
  /// Custom number formats: id → format code.
  public private(set) var customFormats: [Int: String] = [:]

  public init() {}

  /// The date kind for cell style index `s`, or nil when the style does not show a date
  /// (or the index is out of range, which Excel treats as the General format).
  @inlinable
  public func dateKind(style: Int) -> DateKind? {
    guard style >= 0, style < dateKinds.count else { return nil }
    let k = dateKinds[style]
    return k == 0 ? nil : DateKind(rawValue: k - 1)
  }

  static func read(_ reader: XMLEventReader) throws -> Styles {
    var s = Styles()
    var inCellXfs = false
    var xfIDs: [Int] = []
    while true {
      let e = try reader.nextEvent()
      if e == .endDocument { break }
      if e == .endElement, reader.name.isLocal("cellXfs") { inCellXfs = false; continue }
      guard e == .startElement else { continue }
      if reader.name.isLocal("numFmt") {
        if let idb = reader.attribute("numFmtId"), let id = parseDecimal(idb),
           let code = reader.attributeString("formatCode") {
          s.customFormats[id] = code
        }
      } else if reader.name.isLocal("cellXfs") {
        inCellXfs = true
      } else if inCellXfs, reader.name.isLocal("xf") {
        xfIDs.append(reader.attribute("numFmtId").flatMap(parseDecimal) ?? 0)
        try reader.skipElement()
      }
    }
    s.numberFormatIDs = xfIDs
    s.dateKinds = xfIDs.map { id in
      guard let k = NumberFormat.dateKind(id: id, code: s.customFormats[id]) else { return 0 }
      return k.rawValue + 1
    }
    return s
  }
}

import Tabular
import XMLStream

/// What kind of sheet a `<sheet>` entry points at.
public enum SheetKind: String, Sendable {
  /// A grid of cells (`worksheet`), readable with `SheetReader`.
  case worksheet
  /// A chart on its own tab (`chartsheet`); it has no cells.
  case chartsheet
  /// An Excel 5 dialog sheet, macro sheet or an unknown target.
  case other
}

/// One sheet of the workbook, in workbook order.
public struct SheetInfo: Sendable, CustomStringConvertible {
  /// The tab name.
  public var name: String
  /// Visible, hidden or very hidden.
  public var visibility: SheetVisibility
  /// Worksheet, chartsheet or other.
  public var kind: SheetKind
  /// `sheet/@r:id`: the workbook relationship pointing at the sheet part.
  public var relationshipID: String
  /// The ZIP entry of the sheet part, e.g. `xl/worksheets/sheet1.xml` (nil when the
  /// relationship is missing).
  public var part: String?
  /// Zero-based position among all `<sheet>` entries of the workbook.
  public var position: Int

  public var description: String { "\(name) (\(kind.rawValue), \(visibility.rawValue))" }
}

/// The parts of `xl/workbook.xml` the reader needs (ECMA-376 Part 1 §18.2.27).
struct WorkbookPart {
  /// `<sheet>` entries in order: name, state, r:id.
  var sheets: [(name: String, visibility: SheetVisibility, rid: String)] = []
  /// `workbookPr/@date1904`.
  var date1904 = false

  static func parse(_ reader: XMLEventReader) throws -> WorkbookPart {
    var wb = WorkbookPart()
    while true {
      let e = try reader.nextEvent()
      if e == .endDocument { break }
      guard e == .startElement else { continue }
      if reader.name.isLocal("sheet") {
        let name = reader.attributeString("name") ?? "Sheet\(wb.sheets.count + 1)"
        let vis: SheetVisibility
        switch reader.attributeString("state") {
        case "hidden": vis = .hidden
        case "veryHidden": vis = .veryHidden
        default: vis = .visible
        }
        wb.sheets.append((name, vis, reader.attributeString("id") ?? ""))
      } else if reader.name.isLocal("workbookPr") {
        // Some producers write a second workbookPr (in mc:AlternateContent) without the attribute.
        if let v = reader.attributeString("date1904") { wb.date1904 = v == "1" || v == "true" }
      }
    }
    return wb
  }
}

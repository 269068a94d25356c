import Tabular
import XMLStream

/// The fixed parts of `xl/worksheets/sheetN.xml` around `<sheetData>` (ECMA-376 Part 1 §18.3.1.99),
/// in the order CT_Worksheet requires: sheetPr, sheetViews, sheetFormatPr, cols | sheetData |
/// sheetProtection, autoFilter, mergeCells, dataValidations, hyperlinks, printOptions, pageMargins,
/// pageSetup, headerFooter, legacyDrawing.
enum WorksheetXML {
  static func writeHead(of s: WorksheetWriter, into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"")
    w.raw(" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">")
    let fit = s.options.pageSetup?.fitToWidth ?? false
    if s.options.tabColor != nil || fit {
      w.raw("<sheetPr>")
      if let tab = s.options.tabColor { w.raw("<tabColor"); w.attribute("rgb", StyleRegistry.argb(tab)); w.raw("/>") }
      if fit { w.raw("<pageSetUpPr fitToPage=\"1\"/>") }
      w.raw("</sheetPr>")
    }
    w.raw("<sheetViews><sheetView")
    if s.tabSelected { w.raw(" tabSelected=\"1\"") }
    w.raw(" workbookViewId=\"0\"")
    let fr = s.freezeRows, fc = s.freezeColumns
    if fr > 0 || fc > 0 {
      w.raw(">")
      let topLeft = CellAddress(row: fr, column: fc).a1
      let pane: StaticString = fr > 0 && fc > 0 ? "bottomRight" : (fr > 0 ? "bottomLeft" : "topRight")
      w.raw("<pane")
      if fc > 0 { w.attribute("xSplit", fc) }
      if fr > 0 { w.attribute("ySplit", fr) }
      w.attribute("topLeftCell", topLeft)
      w.raw(" activePane=\""); w.raw(pane); w.raw("\" state=\"frozen\"/>")
      if fr > 0 && fc > 0 {
        w.raw("<selection pane=\"topRight\""); w.attribute("activeCell", CellAddress(row: 0, column: fc).a1)
        w.attribute("sqref", CellAddress(row: 0, column: fc).a1); w.raw("/>")
        w.raw("<selection pane=\"bottomLeft\""); w.attribute("activeCell", CellAddress(row: fr, column: 0).a1)
        w.attribute("sqref", CellAddress(row: fr, column: 0).a1); w.raw("/>")
      }
      w.raw("<selection pane=\""); w.raw(pane); w.raw("\"")
      w.attribute("activeCell", topLeft); w.attribute("sqref", topLeft); w.raw("/>")
      w.raw("</sheetView></sheetViews>")
    } else {
      w.raw("/></sheetViews>")
    }
    w.raw("<sheetFormatPr defaultRowHeight=\"15\"/>")
    let cols = s.finalWidths()
    if !cols.isEmpty {
      w.raw("<cols>")
      for c in cols {
        w.raw("<col"); w.attribute("min", c.column + 1); w.attribute("max", c.column + 1)
        w.attribute("width", c.width ?? 8.43)
        if c.style != 0 { w.attribute("style", c.style) }
        if c.width != nil { w.raw(" customWidth=\"1\"") }
        w.raw("/>")
      }
      w.raw("</cols>")
    }
    w.raw("<sheetData>")
  }

  static func writeTail(of s: WorksheetWriter, legacyDrawingRelID: String?, into w: inout XMLWriter) {
    if let p = s.protection { writeProtection(p, into: &w) }
    if let range = s.autofilterRange {
      w.raw("<autoFilter"); w.attribute("ref", range.a1); w.raw("/>")
    }
    if !s.merges.isEmpty {
      w.raw("<mergeCells"); w.attribute("count", s.merges.count); w.raw(">")
      for m in s.merges { w.raw("<mergeCell"); w.attribute("ref", m.a1); w.raw("/>") }
      w.raw("</mergeCells>")
    }
    if !s.validations.isEmpty {
      w.raw("<dataValidations"); w.attribute("count", s.validations.count); w.raw(">")
      for v in s.validations { writeValidation(v, dateSystem: s.dateSystem, into: &w) }
      w.raw("</dataValidations>")
    }
    if !s.hyperlinks.isEmpty {
      w.raw("<hyperlinks>")
      for h in s.hyperlinks {
        w.raw("<hyperlink"); w.attribute("ref", h.ref.a1); w.attribute("location", h.location)
        if let d = h.display { w.attribute("display", d) }
        if let t = h.tooltip { w.attribute("tooltip", t) }
        w.raw("/>")
      }
      w.raw("</hyperlinks>")
    }
    if let p = s.options.pageSetup {
      if p.gridLines || p.centerHorizontally {
        w.raw("<printOptions")
        if p.centerHorizontally { w.raw(" horizontalCentered=\"1\"") }
        if p.gridLines { w.raw(" gridLines=\"1\"") }
        w.raw("/>")
      }
      w.raw("<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.7\" header=\"0.3\" footer=\"0.3\"/>")
      w.raw("<pageSetup"); w.attribute("paperSize", p.paperSize)
      if p.fitToWidth { w.raw(" fitToWidth=\"1\" fitToHeight=\"0\"") }
      w.raw(p.landscape ? " orientation=\"landscape\"/>" : " orientation=\"portrait\"/>")
      if let f = p.footer, !f.isEmpty {
        w.raw("<headerFooter><oddFooter>"); w.text(f); w.raw("</oddFooter></headerFooter>")
      }
    } else {
      w.raw("<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>")
    }
    if let rid = legacyDrawingRelID { w.raw("<legacyDrawing"); w.attribute("r:id", rid); w.raw("/>") }
    w.raw("</worksheet>")
  }

  static func writeProtection(_ p: SheetProtection, into w: inout XMLWriter) {
    w.raw("<sheetProtection")
    if let pw = p.password, !pw.isEmpty { w.attribute("password", SheetProtection.hash(pw)) }
    w.raw(" sheet=\"1\" objects=\"1\" scenarios=\"1\"")
    // These attributes say what is *protected*; "0" allows the action.
    if p.allowFormatCells { w.raw(" formatCells=\"0\"") }
    if p.allowFormatColumns { w.raw(" formatColumns=\"0\"") }
    if p.allowFormatRows { w.raw(" formatRows=\"0\"") }
    if p.allowInsertRows { w.raw(" insertRows=\"0\"") }
    if p.allowDeleteRows { w.raw(" deleteRows=\"0\"") }
    if !p.allowSelectLockedCells { w.raw(" selectLockedCells=\"1\"") }
    if p.allowSort { w.raw(" sort=\"0\"") }
    if p.allowAutoFilter { w.raw(" autoFilter=\"0\"") }
    if !p.allowSelectUnlockedCells { w.raw(" selectUnlockedCells=\"1\"") }
    w.raw("/>")
  }

  static func writeValidation(_ v: DataValidation, dateSystem: DateSystem, into w: inout XMLWriter) {
    var type: StaticString = "list"
    var f1: String?
    var f2: String?
    func bounds(_ lo: String?, _ hi: String?) { f1 = lo ?? hi; f2 = lo != nil ? hi : nil }
    switch v.rule {
    case .list(let items): f1 = "\"" + items.joined(separator: ",") + "\""
    case .listRange(let r): f1 = r.hasPrefix("=") ? String(r.dropFirst()) : r
    case .wholeNumber(let lo, let hi): type = "whole"; bounds(lo.map(String.init), hi.map(String.init))
    case .decimal(let lo, let hi): type = "decimal"; bounds(lo, hi)
    case .date(let lo, let hi):
      type = "date"
      func serial(_ d: DateTimeComponents?) -> String? {
        guard let d, let s = dateSystem.serial(year: d.year, month: d.month, day: d.day) else { return nil }
        return String(Int(s))
      }
      bounds(serial(lo), serial(hi))
    case .textLength(let lo, let hi): type = "textLength"; bounds(lo.map(String.init), hi.map(String.init))
    }
    w.raw("<dataValidation type=\""); w.raw(type); w.raw("\"")
    if v.errorStyle != .stop { w.attribute("errorStyle", v.errorStyle.rawValue) }
    var lo = false, hi = false
    switch v.rule {
    case .list, .listRange: lo = true; hi = true
    case .wholeNumber(let a, let b): lo = a != nil; hi = b != nil
    case .decimal(let a, let b): lo = a != nil; hi = b != nil
    case .date(let a, let b): lo = a != nil; hi = b != nil
    case .textLength(let a, let b): lo = a != nil; hi = b != nil
    }
    if lo && !hi { w.raw(" operator=\"greaterThanOrEqual\"") }
    if hi && !lo { w.raw(" operator=\"lessThanOrEqual\"") }
    if v.allowBlank { w.raw(" allowBlank=\"1\"") }
    // showDropDown="1" *hides* the arrow (ECMA-376's name is inverted).
    if !v.showDropdown { w.raw(" showDropDown=\"1\"") }
    if v.prompt != nil || v.promptTitle != nil { w.raw(" showInputMessage=\"1\"") }
    w.raw(" showErrorMessage=\"1\"")
    if let t = v.errorTitle { w.attribute("errorTitle", t) }
    if let t = v.error { w.attribute("error", t) }
    if let t = v.promptTitle { w.attribute("promptTitle", t) }
    if let t = v.prompt { w.attribute("prompt", t) }
    w.attribute("sqref", v.ranges.map(\.a1).joined(separator: " "))
    w.raw(">")
    if let f1 { w.raw("<formula1>"); w.text(f1); w.raw("</formula1>") }
    if let f2 { w.raw("<formula2>"); w.text(f2); w.raw("</formula2>") }
    w.raw("</dataValidation>")
  }
}

extension WorksheetWriter {
  /// The autofilter range, extended to the last written row when asked.
  var autofilterRange: CellRange? {
    guard let (range, extend) = autofilter else { return nil }
    if extend {
      return CellRange(first: range.first, last: CellAddress(row: max(range.first.row, lastRow), column: range.last.column))
    }
    return range
  }
}

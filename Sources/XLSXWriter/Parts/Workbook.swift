import XMLStream

/// `xl/workbook.xml` (ECMA-376 Part 1 §18.2): the sheet list, their states and the defined names.
enum WorkbookPart {
  struct SheetEntry {
    var name: String
    var hidden: Bool
    /// The autofilter range as an absolute reference, e.g. `'台账'!$A$1:$L$100`.
    var filterDatabase: String?
    /// Rows repeated at the top of every printed page, e.g. `'台账'!$1:$3`.
    var printTitles: String? = nil
  }

  static func write(sheets: [SheetEntry], date1904: Bool, into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"")
    w.raw(" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">")
    w.raw(date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>")
    let active = sheets.firstIndex { !$0.hidden } ?? 0
    w.raw("<bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"")
    if active > 0 { w.attribute("firstSheet", active); w.attribute("activeTab", active) }
    w.raw("/></bookViews><sheets>")
    for (i, s) in sheets.enumerated() {
      w.raw("<sheet"); w.attribute("name", s.name); w.attribute("sheetId", i + 1)
      if s.hidden { w.raw(" state=\"hidden\"") }
      w.raw(" r:id=\"rId"); w.integer(i + 1); w.raw("\"/>")
    }
    w.raw("</sheets>")
    if sheets.contains(where: { $0.filterDatabase != nil || $0.printTitles != nil }) {
      w.raw("<definedNames>")
      for (i, s) in sheets.enumerated() {
        guard let ref = s.filterDatabase else { continue }
        w.raw("<definedName name=\"_xlnm._FilterDatabase\""); w.attribute("localSheetId", i)
        w.raw(" hidden=\"1\">"); w.text(ref); w.raw("</definedName>")
      }
      for (i, s) in sheets.enumerated() {
        guard let ref = s.printTitles else { continue }
        w.raw("<definedName name=\"_xlnm.Print_Titles\""); w.attribute("localSheetId", i)
        w.raw(">"); w.text(ref); w.raw("</definedName>")
      }
      w.raw("</definedNames>")
    }
    w.raw("<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>")
  }
}

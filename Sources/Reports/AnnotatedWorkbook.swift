import Diagnostics
import Foundation
import Tabular
import Validation
import XLSXWriter

/// Writes the annotated workbook sent back to an agency: a first sheet `问题清单` listing every
/// finding with a link to its cell, followed by a copy of the submission's sheets in which every
/// bad cell is filled (red for errors, yellow for warnings and policy findings) and carries a
/// comment saying what is wrong and what to do.
///
/// ```swift
/// let submission = SubmissionReport(file: "培训.xlsx", tables: result.tables)
/// try AnnotatedWorkbook(submission: submission, sheets: sheets, dateSystem: .excel1900)
///   .write(to: "out/培训_校验结果.xlsx")
/// ```
///
/// The copy keeps every value as the filer saw it, the merged ranges, hidden sheets and rows;
/// formulas are copied as their cached values (a reader streams values, not formulas) and the
/// original cell formatting other than date formats is not carried over.
///
/// ### Memory
/// The data sheets stream: one row is held at a time. The findings of this one submission
/// (bounded by the collector's limit) are held, indexed by (sheet, row), and so are the comments
/// and links of the sheet being written (at most one per finding). Shared strings grow with the
/// distinct texts of the submission, as in any workbook Excel writes.
///
/// ### Failure
/// The workbook is written to a temporary file and renamed into place by ``write(to:)``; on any
/// error the temporary file is removed and an earlier report at the path is left as it was.
public struct AnnotatedWorkbook: WorkbookReport {
  /// The name of the first sheet.
  public static let findingsSheetName = "问题清单"

  /// The submission's findings.
  public var submission: SubmissionReport
  /// The submission's sheets, in order.
  public var sheets: [SourceSheet]
  /// The date system of the submission (its date cells are copied as serials).
  public var dateSystem: DateSystem

  /// Describes the workbook; nothing is read or written until ``write(to:)``.
  public init(submission: SubmissionReport, sheets: [SourceSheet], dateSystem: DateSystem = .excel1900) {
    self.submission = submission
    self.sheets = sheets
    self.dateSystem = dateSystem
  }

  /// The output sheet name of each source sheet: the original name, made unique against
  /// `问题清单` and each other and valid for Excel (CSV names come from the file name).
  func outputNames() -> [String] {
    var used: Set<String> = [Self.findingsSheetName.lowercased()]
    var names: [String] = []
    for s in sheets {
      let base = SheetNames.sanitize(s.name)
      var name = base
      var n = 2
      while used.contains(name.lowercased()) {
        let suffix = "(\(n))"
        name = String(base.prefix(31 - suffix.count)) + suffix
        n += 1
      }
      used.insert(name.lowercased())
      names.append(name)
    }
    return names
  }

  /// Writes the workbook to `path` atomically (temporary file, then rename).
  /// - Throws: ``XLSXWriteError`` when the file cannot be written, or the error of a source sheet
  ///   that cannot be read; the destination is then untouched.
  public func write(to path: String) throws { try writeWorkbook(to: path) }

  /// The workbook as the bytes of an `.xlsx` file (a reply's attachment): nothing is written to disk.
  /// Memory grows with the compressed workbook.
  /// - Throws: the error of a source sheet that cannot be read, or ``XLSXWriteError``.
  public func bytes() throws -> [UInt8] { try workbookBytes() }

  var workbookOptions: WorkbookOptions {
    // Deflate level 1 (ISA-L), as the consolidated workbook: `sheetgate run` writes one of these per
    // submission, and at level 6 zlib was a quarter of a run's CPU; the file is a few percent larger.
    var options = WorkbookOptions(compressionLevel: 1)
    options.dateSystem = dateSystem
    options.properties.title = "\(submission.file) 校验结果"
    return options
  }

  func fill(_ wb: WorkbookWriter) throws {
    do {
      let names = outputNames()
      var sheetNameByFindings: [String?: String] = [:]
      for (s, n) in zip(sheets, names) where sheetNameByFindings[s.findingsSheet] == nil {
        sheetNameByFindings[s.findingsSheet] = n
      }
      let findings = submission.findings()
      let styles = Styles(wb)
      try writeFindingsSheet(wb, findings: findings, sheetNames: sheetNameByFindings, styles: styles)
      let index = FindingIndex(findings)
      for (sheet, name) in zip(sheets, names) {
        try writeDataSheet(wb, sheet: sheet, name: name, findings: findings, index: index, styles: styles)
      }
      try wb.close()
    } catch {
      wb.discard()
      throw error
    }
  }

  /// The styles of the report, registered once per workbook.
  struct Styles {
    let header: StyleID
    let note: StyleID
    let noteLabel: StyleID
    let text: StyleID
    let link: StyleID
    let error: StyleID
    let warning: StyleID
    let severity: [Severity: StyleID]

    init(_ wb: WorkbookWriter) {
      header = wb.addStyle(.header)
      note = wb.addStyle(CellStyle(bold: true, fontColor: "9C0006", fontSize: 12, vertical: .center, wrap: true))
      noteLabel = wb.addStyle(CellStyle(bold: true, fontSize: 12, horizontal: .center, vertical: .center))
      text = wb.addStyle(CellStyle(border: true, vertical: .top, wrap: true))
      link = wb.addStyle(CellStyle(fontColor: "0563C1", border: true, vertical: .top))
      error = wb.addStyle(.errorFill)
      warning = wb.addStyle(.warningFill)
      severity = [
        .error: wb.addStyle(CellStyle(bold: true, fontColor: "9C0006", fillColor: "FFC7CE", border: true,
                                      horizontal: .center, vertical: .top)),
        .warning: wb.addStyle(CellStyle(bold: true, fontColor: "9C5700", fillColor: "FFEB9C", border: true,
                                        horizontal: .center, vertical: .top)),
        .policy: wb.addStyle(CellStyle(bold: true, fontColor: "9C5700", fillColor: "FFEB9C", border: true,
                                       horizontal: .center, vertical: .top)),
        .info: wb.addStyle(CellStyle(fontColor: "595959", border: true, horizontal: .center, vertical: .top)),
      ]
    }
  }

  static let findingsColumns = ["序号", "工作表", "单元格", "字段", "原值", "问题", "修改建议", "严重程度"]

  /// `问题清单`: a 说明 row with the summary, the header, then one row per finding.
  private func writeFindingsSheet(_ wb: WorkbookWriter, findings: [ReportFinding], sheetNames: [String?: String],
                                  styles: Styles) throws {
    var opts = SheetOptions(freezeRows: 2, columnWidths: [0: 6, 1: 16, 2: 10, 3: 16, 4: 24, 5: 50, 6: 44, 7: 10],
                            autoWidth: false)
    opts.tabColor = submission.isValid ? "FFC000" : "C00000"
    // Printed: A4 landscape, one page wide, the header on every page, page numbers.
    opts.pageSetup = PageSetup(landscape: true, repeatRows: 1...1)
    try wb.beginSheet(name: Self.findingsSheetName, options: opts)
    let columns = Self.findingsColumns.count
    // The summary is merged across the columns: its height is computed (applications do not fit merged rows).
    let summary = "\(submission.file)：\(submission.summaryZH)"
    let mergedWidth = (opts.columnWidths.filter { $0.key >= 1 }.values.reduce(0, +))
    try wb.writeRow([.text("说明"), .text(summary)], styles: [styles.noteLabel, styles.note],
                    height: max(36, WorkbookWriter.wrappedHeight(summary, width: mergedWidth / 1.1, lineHeight: 18)))
    try wb.mergeCells(CellRange(first: CellAddress(row: 0, column: 1), last: CellAddress(row: 0, column: columns - 1)))
    try wb.writeRow(Self.findingsColumns.map { .text($0) }, styles: Array(repeating: styles.header, count: columns),
                    height: 22)
    // Findings come sheet by sheet: the output name of the last sheet, and its quoted form for links, are
    // reused rather than made again for every finding.
    var lastSheet: (key: String?, name: String?, quoted: String)? = nil
    for (i, f) in findings.enumerated() {
      let d = f.diagnostic
      let outName: String?
      let quoted: String
      if let l = lastSheet, l.key == f.sheet { (outName, quoted) = (l.name, l.quoted) } else {
        outName = sheetNames[f.sheet]
        quoted = WorkbookWriter.reference(sheet: outName ?? f.sheet ?? "", "")
        lastSheet = (f.sheet, outName, quoted)
      }
      let sheetName = outName ?? f.sheet ?? ""
      let r = i + 2
      let a1 = f.a1
      try wb.writeRow([.int(i + 1), .text(sheetName), .text(a1 ?? f.placeText), .text(d.field ?? ""), .text(d.value ?? ""),
                       .text(f.message.message), .text(f.message.hint), .text(f.severityText)],
                      styles: [styles.text, styles.text, a1 == nil ? styles.text : styles.link, styles.text,
                               styles.text, styles.text, styles.text, styles.severity[d.severity] ?? styles.text])
      if let a1, outName != nil {
        try wb.addHyperlink(at: CellAddress(row: r, column: 2), location: quoted + a1, tooltip: "转到 " + sheetName + "!" + a1)
      }
    }
    if !findings.isEmpty {
      try wb.autofilter(row: 1, columns: 0...(columns - 1))
    }
    try wb.endSheet()
  }

  /// A copy of one submission sheet, streamed row by row, with the bad cells filled and commented.
  private func writeDataSheet(_ wb: WorkbookWriter, sheet: SourceSheet, name: String, findings: [ReportFinding],
                              index: FindingIndex, styles: Styles) throws {
    var opts = SheetOptions(hidden: sheet.isHidden, freezeRows: sheet.headerRows)
    opts.maxAutoWidth = 40
    opts.pageSetup = PageSetup(landscape: true, repeatRows: sheet.headerRows > 0 ? 0...(sheet.headerRows - 1) : nil)
    try wb.beginSheet(name: name, options: opts)
    var source = try sheet.open()
    var row = Row()
    var cellStyles: [StyleID?] = []
    var lastWritten = -1
    let flaggedRows = index.rows(sheet: sheet.findingsSheet)
    while try source.nextRow(into: &row) {
      // Readers number rows in their source; a row that does not move forward cannot be written in place.
      guard row.index > lastWritten, row.index < CellAddress.maxRows else { continue }
      cellStyles.removeAll(keepingCapacity: true)
      if let flagged = flaggedRows[row.index], !flagged.isEmpty {
        try annotate(&row, styles: &cellStyles, flagged: flagged, findings: findings, wb: wb, theme: styles)
      }
      try wb.write(row: row, at: row.index, styles: cellStyles)
      lastWritten = row.index
    }
    for m in sheet.mergedRanges where m.first != m.last {
      // A range that overlaps an earlier one (possible only in a damaged file) is left unmerged.
      do { try wb.mergeCells(m) } catch let e as XLSXWriteError where e.code == .invalidArgument { continue }
    }
    try wb.endSheet()
  }

  /// Styles and comments the flagged cells of `row`; a flagged column with no cell gets an empty,
  /// styled one so that a missing value shows red too.
  private func annotate(_ row: inout Row, styles cellStyles: inout [StyleID?], flagged: [Int], findings: [ReportFinding],
                        wb: WorkbookWriter, theme: Styles) throws {
    var byColumn: [Int: [Int]] = [:]
    for i in flagged {
      if let c = findings[i].diagnostic.location.column { byColumn[c, default: []].append(i) }
    }
    for (column, list) in byColumn.sorted(by: { $0.key < $1.key }) {
      guard column >= 0, column < CellAddress.maxColumns else { continue }
      if row.cellIndex(column: column) == nil {
        let at = row.cells.firstIndex { Int($0.column) > column } ?? row.cells.count
        row.cells.insert(Cell(column: Int32(column), kind: .empty, textStart: Int32(row.bytes.count), textLength: 0),
                         at: at)
      }
      if cellStyles.count <= column { cellStyles.append(contentsOf: repeatElement(nil, count: column + 1 - cellStyles.count)) }
      let worst = list.map { findings[$0].diagnostic.severity }.max() ?? .warning
      cellStyles[column] = worst == .error ? theme.error : theme.warning
      // One string built in place; the findings are read where they are (copying a finding retains a dozen strings).
      var text = ""
      for i in list {
        if !text.isEmpty { text += "\n" }
        text += "【"
        text += findings[i].diagnostic.severity.chineseLabel
        text += "】"
        text += findings[i].message.message
        if !findings[i].message.hint.isEmpty {
          text += "\n修改建议："
          text += findings[i].message.hint
        }
      }
      try wb.addComment(at: CellAddress(row: row.index, column: column), text: text, author: "司法局校验")
    }
  }
}

/// Excel's rules for sheet names, applied to names that come from files.
enum SheetNames {
  /// Removes the characters Excel forbids (`[ ] : * ? / \`), leading and trailing `'`, and cuts
  /// to 31 characters; an empty result becomes `数据`.
  static func sanitize(_ name: String) -> String {
    let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
    var s = String(name.filter { !forbidden.contains($0) && !$0.isNewline })
    while s.hasPrefix("'") { s.removeFirst() }
    while s.hasSuffix("'") { s.removeLast() }
    s = String(s.prefix(31))
    while s.hasSuffix("'") { s.removeLast() }
    if s.isEmpty || s.lowercased() == "history" { return "数据" }
    return s
  }
}

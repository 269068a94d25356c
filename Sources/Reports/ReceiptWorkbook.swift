import Foundation
import Validation
import XLSXWriter

/// Writes the short receipt (`_校验通过.xlsx`) a submission with nothing to fix gets instead of
/// an annotated workbook: the file, each ledger found with its rows checked, the time, and
/// `校验通过`.
///
/// ```swift
/// try ReceiptWorkbook(submission: submission).write(to: "out/培训_校验通过.xlsx")
/// ```
///
/// Memory and cost: a few rows; the file is written atomically (temporary file, then rename).
public struct ReceiptWorkbook: WorkbookReport {
  /// The name of the receipt's only sheet.
  public static let sheetName = "校验回执"

  /// The submission the receipt is for.
  public var submission: SubmissionReport

  /// Describes the receipt; nothing is written until ``write(to:)``.
  public init(submission: SubmissionReport) { self.submission = submission }

  /// Writes the receipt to `path` atomically.
  /// - Throws: ``XLSXWriteError`` when the file cannot be written; the destination is then untouched.
  public func write(to path: String) throws { try writeWorkbook(to: path) }

  /// The receipt as the bytes of an `.xlsx` file (a reply's attachment): nothing is written to disk.
  /// - Throws: ``XLSXWriteError`` (only for a value the writer refuses).
  public func bytes() throws -> [UInt8] { try workbookBytes() }

  var workbookOptions: WorkbookOptions {
    var options = WorkbookOptions()
    options.properties.title = "\(submission.file) 校验回执"
    return options
  }

  func fill(_ wb: WorkbookWriter) throws {
    do {
      let title = wb.addStyle(CellStyle(bold: true, fontSize: 16, horizontal: .center, vertical: .center))
      let label = wb.addStyle(CellStyle(bold: true, fillColor: "F2F2F2", border: true, vertical: .center))
      let value = wb.addStyle(CellStyle(border: true, vertical: .center, wrap: true))
      let header = wb.addStyle(.header)
      let pass = wb.addStyle(CellStyle(bold: true, fontColor: "006100", fontSize: 14, fillColor: "C6EFCE", border: true,
                                       horizontal: .center, vertical: .center))
      var sheet = SheetOptions(columnWidths: [0: 16, 1: 36, 2: 30, 3: 12], autoWidth: false)
      sheet.pageSetup = PageSetup(landscape: false, repeatRows: nil)
      try wb.beginSheet(name: Self.sheetName, options: sheet)
      try wb.writeRow([.text("报送材料校验回执")], styles: [title], height: 30)
      try wb.mergeCells(.init(first: .init(row: 0, column: 0), last: .init(row: 0, column: 3)))
      try labelled(wb, 1, "文件", submission.file, label, value)
      try labelled(wb, 2, "台账", submission.ledgerNames.joined(separator: "、"), label, value)
      try labelled(wb, 3, "检查行数", "\(submission.stats.rows) 行", label, value)
      try labelled(wb, 4, "校验时间", submission.checkedAtText, label, value)
      let r = 5
      try wb.writeRow([.text("结论"), .text("校验通过")], styles: [label, pass], height: 26, at: r)
      try wb.mergeCells(.init(first: .init(row: r, column: 1), last: .init(row: r, column: 3)))
      try wb.writeRow([.text("工作表"), .text("台账"), .text("检查行数"), .text("结论")],
                      styles: [header, header, header, header], at: r + 2)
      for t in submission.tables {
        let ledger = t.schema.map { submission.ledgerTitles[$0] ?? $0 } ?? ""
        try wb.writeRow([.text(t.sheet ?? submission.file), .text(ledger), .int(t.stats.rows),
                         .text(t.isValid ? "通过" : "未通过")], styles: [value, value, value, value])
      }
      try wb.endSheet()
      try wb.close()
    } catch {
      wb.discard()
      throw error
    }
  }

  /// A `label | value` row at zero-based `row`, the value spanning the remaining columns.
  private func labelled(_ wb: WorkbookWriter, _ row: Int, _ name: String, _ text: String, _ label: StyleID,
                        _ value: StyleID) throws {
    // The value is merged over three columns (78 characters): a long file name wraps onto more lines.
    try wb.writeRow([.text(name), .text(text)], styles: [label, value],
                    height: max(20, WorkbookWriter.wrappedHeight(text, width: 78)), at: row)
    try wb.mergeCells(.init(first: .init(row: row, column: 1), last: .init(row: row, column: 3)))
  }
}

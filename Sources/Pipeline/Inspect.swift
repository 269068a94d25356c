import CSV
import Foundation
import Intake
import Recognition
import Schema
import Reports
import Tabular
import XLSReader
import XLSXReader

/// What `sheetgate inspect` tells about a file: its sheets, their visibility and dimensions
/// (as declared and as found), merged ranges, hidden rows, formulas without a cached value,
/// and the first rows as a preview. Reads every row once (streaming), keeps only the preview.
public struct InspectReport: Sendable {
  public struct Sheet: Sendable {
    public var name: String
    public var visibility: String
    public var declaredDimension: String?
    public var computedDimension: String?
    public var rowCount = 0
    public var cellCount = 0
    public var mergedCount = 0
    public var hiddenRows = 0
    public var formulasWithoutValue: [String] = []
    public var preview: [[String]] = []
    /// The ledger recognised in the sheet (built-in schemas), if any.
    public var ledger: RecognizedLedger?
  }

  /// What recognition found in a sheet: which ledger, where its header is, how columns map.
  public struct RecognizedLedger: Sendable {
    public var schema: String
    public var title: String
    public var score: Double
    /// 1-based sheet rows of the header.
    public var headerRows: ClosedRange<Int>
    /// (column letter, header text, field title or nil for an extra column).
    public var columns: [(column: String, label: String, field: String?)]
    public var missingFields: [String]
    public var metadata: [(key: String, value: String)]
  }

  public var file: String
  public var format: String
  /// CSV only: encoding, delimiter, BOM, line endings, ragged records.
  public var encoding: String?
  public var delimiter: String?
  public var bom: Bool?
  public var lineEndings: String?
  public var raggedRecords: [(index: Int, line: Int, width: Int)] = []
  public var headerWidth: Int?
  public var date1904: Bool?
  public var sheets: [Sheet] = []
  /// Chartsheets and other non-worksheets, listed by name.
  public var nonWorksheets: [String] = []

  public static func make(_ file: OpenedFile, path: String, previewRows: Int = 5) throws -> InspectReport {
    var report = InspectReport(file: path, format: file.format == .xlsx ? "xlsx" : file.format == .xls ? "xls" : "csv")
    switch file {
    case .workbook(let wb):
      report.date1904 = wb.dateSystem == .excel1904
      report.nonWorksheets = wb.nonWorksheets.map { "\($0.name) (\($0.kind.rawValue))" }
    case .xls(let wb):
      report.date1904 = wb.dateSystem == .excel1904
      report.nonWorksheets = wb.nonWorksheets.map { "\($0.name) (\($0.kind.rawValue))" }
    case .csv:
      break
    }
    var visitor = Visitor(report: report, ledgers: try? Ledgers(schema: nil), previewRows: previewRows)
    try file.walk(&visitor)
    return visitor.report
  }

  /// Reads each sheet once: counts, hidden rows, formulas without a value, the preview, and the
  /// first 30 rows for recognition.
  private struct Visitor: SheetVisitor {
    var report: InspectReport
    let ledgers: Ledgers?
    let previewRows: Int

    mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
      var s = Sheet(name: sheet.context.sheetName ?? lastPathComponent(report.file), visibility: "Visible")
      var reader: SheetReader?
      var legacy: XLSSheetReader?
      switch sheet.kind {
      case .worksheet(let info, let r):
        reader = r
        s.visibility = info.visibility.rawValue
        s.declaredDimension = r.declaredDimension?.a1
        s.mergedCount = sheet.mergedRanges.count
      case .legacyWorksheet(let info, let r):
        legacy = r
        s.visibility = info.visibility.rawValue
        s.declaredDimension = r.declaredDimension?.a1
        s.mergedCount = sheet.mergedRanges.count
      case .csv:
        break
      }
      var row = Row()
      var head: [Row] = []
      var width = 0
      while try sheet.rows.nextRow(into: &row) {
        if head.count < 30 { head.append(row) }
        s.rowCount += 1
        s.cellCount += row.cells.count
        width = max(width, row.cells.count)
        if row.isHidden { s.hiddenRows += 1 }
        for c in row.cells where c.kind == .formulaWithoutValue {
          s.formulasWithoutValue.append(CellAddress(row: row.index, column: Int(c.column)).a1)
        }
        if s.preview.count < previewRows {
          s.preview.append(reader != nil || legacy != nil ? CellText.texts(of: row, dateSystem: sheet.dateSystem) : (0..<row.cells.count).map { row.text($0) })
        }
      }
      if let reader {
        s.computedDimension = reader.computedDimension?.a1
      } else if let legacy {
        s.computedDimension = legacy.computedDimension?.a1
      } else if s.rowCount > 0 {
        s.computedDimension = CellRange(first: CellAddress(row: 0, column: 0),
                                        last: CellAddress(row: s.rowCount - 1, column: max(0, width - 1))).a1
      }
      if let ledgers {
        s.ledger = InspectReport.ledger(ledgers, rows: head, merged: sheet.mergedRanges, context: sheet.context)
      }
      if let csv = sheet.rows as? CSVRowReader {
        report.encoding = csv.encoding
        report.delimiter = String(Character(csv.delimiter))
        report.bom = csv.hasBOM
        report.lineEndings = csv.lineEndings.rawValue
        report.headerWidth = csv.headerWidth
        report.raggedRecords = csv.raggedRecords.map { ($0.index, $0.line, $0.width) }
      }
      report.sheets.append(s)
      return true
    }
  }

  private static func ledger(_ ledgers: Ledgers, rows: [Row], merged: [CellRange], context: SheetContext) -> RecognizedLedger? {
    let rec = ledgers.recognizer.recognize(rows: rows, mergedRanges: merged, context: context, ledgerName: nil)
    guard let t = rec.table else { return nil }
    let schema = ledgers.schemas[t.ledgerIndex]
    let columns = t.columns.map { c in
      (CellAddress.columnName(c.column), c.text, c.field.map { schema.fields[$0].displayName })
    }
    let missing = t.fieldColumns.enumerated().filter { $0.element == nil }.map { schema.fields[$0.offset].displayName }
    let meta = ValidateJob.display(rec.metadata).map { ($0.key, $0.value) }
    return RecognizedLedger(schema: schema.name, title: schema.title ?? schema.name, score: t.score.score,
                            headerRows: (t.headerRows.lowerBound + 1)...(t.headerRows.upperBound + 1),
                            columns: columns, missingFields: missing, metadata: meta)
  }

  /// The report as JSON (for scripts).
  public func json() -> [UInt8] {
    var out: [UInt8] = []
    var j = JSONWriter { out.append(contentsOf: $0) }
    j.beginObject()
    j.key("file"); j.string(file)
    j.key("format"); j.string(format)
    if let encoding { j.key("encoding"); j.string(encoding) }
    if let delimiter { j.key("delimiter"); j.string(delimiter) }
    if let bom { j.key("bom"); j.bool(bom) }
    if let lineEndings { j.key("line_endings"); j.string(lineEndings) }
    if let headerWidth { j.key("header_width"); j.integer(headerWidth) }
    if format == "csv" {
      j.key("ragged_records"); j.beginArray()
      for r in raggedRecords {
        j.beginObject(); j.key("record"); j.integer(r.index); j.key("line"); j.integer(r.line); j.key("width"); j.integer(r.width); j.endObject()
      }
      j.endArray()
    }
    if let date1904 { j.key("date1904"); j.bool(date1904) }
    j.key("sheets"); j.beginArray()
    for s in sheets {
      j.beginObject()
      j.key("name"); j.string(s.name)
      j.key("visible"); j.string(s.visibility)
      j.key("dimension_declared"); if let d = s.declaredDimension { j.string(d) } else { j.null() }
      j.key("dimension_computed"); if let d = s.computedDimension { j.string(d) } else { j.null() }
      j.key("rows"); j.integer(s.rowCount)
      j.key("cells"); j.integer(s.cellCount)
      j.key("merged"); j.integer(s.mergedCount)
      j.key("hidden_rows"); j.integer(s.hiddenRows)
      j.key("formulas_without_value"); j.beginArray(); for f in s.formulasWithoutValue { j.string(f) }; j.endArray()
      if let l = s.ledger {
        j.key("ledger"); j.beginObject()
        j.key("schema"); j.string(l.schema)
        j.key("title"); j.string(l.title)
        j.key("score"); j.number(l.score)
        j.key("header_rows"); j.beginArray(); j.integer(l.headerRows.lowerBound); j.integer(l.headerRows.upperBound); j.endArray()
        j.key("columns"); j.beginArray()
        for c in l.columns {
          j.beginObject(); j.key("column"); j.string(c.column); j.key("label"); j.string(c.label)
          j.key("field"); if let f = c.field { j.string(f) } else { j.null() }
          j.endObject()
        }
        j.endArray()
        j.key("missing_fields"); j.beginArray(); for m in l.missingFields { j.string(m) }; j.endArray()
        j.key("metadata"); j.beginObject(); for (k, v) in l.metadata { j.key(k); j.string(v) }; j.endObject()
        j.endObject()
      }
      j.key("preview"); j.beginArray()
      for r in s.preview { j.beginArray(); for t in r { j.string(t) }; j.endArray() }
      j.endArray()
      j.endObject()
    }
    j.endArray()
    if !nonWorksheets.isEmpty { j.key("non_worksheets"); j.beginArray(); for n in nonWorksheets { j.string(n) }; j.endArray() }
    j.endObject()
    j.raw("\n")
    j.flush()
    return out
  }

  /// The report as text for the terminal.
  public func text(chinese: Bool) -> String {
    var lines: [String] = []
    lines.append(chinese ? "文件：\(file)（\(format)）" : "File: \(file) (\(format))")
    if let encoding {
      let d = delimiter == "\t" ? "\\t" : (delimiter ?? ",")
      lines.append(chinese ? "编码：\(encoding)\(bom == true ? "（带 BOM）" : "")  分隔符：\(d)  换行：\(lineEndings ?? "")"
                           : "Encoding: \(encoding)\(bom == true ? " (BOM)" : "")  delimiter: \(d)  line endings: \(lineEndings ?? "")")
    }
    if date1904 == true { lines.append(chinese ? "日期系统：1904" : "Date system: 1904") }
    for s in sheets {
      lines.append("")
      let vis = s.visibility == "Visible" ? "" : (chinese ? (s.visibility == "Hidden" ? "（隐藏）" : "（深度隐藏）") : " (\(s.visibility))")
      lines.append((chinese ? "工作表「\(s.name)」" : "Sheet \"\(s.name)\"") + vis)
      let dim = chinese
        ? "  范围：声明 \(s.declaredDimension ?? "无")，实际 \(s.computedDimension ?? "空")；\(s.rowCount) 行，\(s.cellCount) 个单元格，\(s.mergedCount) 个合并区域"
        : "  Dimension: declared \(s.declaredDimension ?? "none"), found \(s.computedDimension ?? "empty"); \(s.rowCount) rows, \(s.cellCount) cells, \(s.mergedCount) merged ranges"
      lines.append(dim)
      if s.hiddenRows > 0 { lines.append(chinese ? "  隐藏行：\(s.hiddenRows)" : "  Hidden rows: \(s.hiddenRows)") }
      if !s.formulasWithoutValue.isEmpty {
        let list = s.formulasWithoutValue.prefix(10).joined(separator: ", ") + (s.formulasWithoutValue.count > 10 ? "…" : "")
        lines.append(chinese ? "  公式无缓存值（需在 Excel/WPS 中打开并保存）：\(list)" : "  Formulas without a cached value (open and save in Excel/WPS): \(list)")
      }
      if let l = s.ledger {
        let rows = l.headerRows.lowerBound == l.headerRows.upperBound ? "\(l.headerRows.lowerBound)" : "\(l.headerRows.lowerBound)–\(l.headerRows.upperBound)"
        lines.append(chinese ? "  识别为：\(l.title)（\(l.schema)，匹配度 \(String(format: "%.2f", l.score))），表头在第 \(rows) 行"
                             : "  Recognised as: \(l.title) (\(l.schema), score \(String(format: "%.2f", l.score))), header on row \(rows)")
        if !l.metadata.isEmpty {
          lines.append("  " + l.metadata.map { chinese ? "\($0.key)：\($0.value)" : "\($0.key): \($0.value)" }.joined(separator: chinese ? "；" : "; "))
        }
        let mapped = l.columns.map { c in "\(c.column) \(c.label)" + (c.field.map { $0 == c.label ? "" : " → \($0)" } ?? (chinese ? "（多余列）" : " (extra)")) }
        lines.append((chinese ? "  列：" : "  Columns: ") + mapped.joined(separator: chinese ? "，" : ", "))
        if !l.missingFields.isEmpty {
          lines.append((chinese ? "  缺少列：" : "  Missing columns: ") + l.missingFields.joined(separator: chinese ? "、" : ", "))
        }
      }
      for r in s.preview {
        lines.append("  | " + r.map { $0.count > 24 ? String($0.prefix(23)) + "…" : $0 }.joined(separator: " | "))
      }
    }
    if !raggedRecords.isEmpty {
      lines.append("")
      lines.append(chinese ? "列数不一致的行：" : "Ragged records:")
      for r in raggedRecords.prefix(10) {
        lines.append(chinese ? "  第 \(r.line) 行有 \(r.width) 列（表头 \(headerWidth ?? 0) 列）" : "  line \(r.line): \(r.width) fields (header has \(headerWidth ?? 0))")
      }
    }
    if !nonWorksheets.isEmpty { lines.append(chinese ? "非工作表（已跳过）：" + nonWorksheets.joined(separator: "、") : "Not worksheets (skipped): " + nonWorksheets.joined(separator: ", ")) }
    return lines.joined(separator: "\n") + "\n"
  }
}


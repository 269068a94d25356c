import CSV
import Tabular
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
    switch file {
    case .workbook(let wb):
      var report = InspectReport(file: path, format: "xlsx")
      report.date1904 = wb.dateSystem == .excel1904
      report.nonWorksheets = wb.nonWorksheets.map { "\($0.name) (\($0.kind.rawValue))" }
      for info in wb.sheets {
        var s = Sheet(name: info.name, visibility: info.visibility.rawValue)
        do {
          let reader = try wb.sheetReader(for: info)
          s.declaredDimension = reader.declaredDimension?.a1
          s.mergedCount = reader.mergedRanges.count
          var row = Row()
          while try reader.nextRow(into: &row) {
            s.rowCount += 1
            s.cellCount += row.cells.count
            if row.isHidden { s.hiddenRows += 1 }
            for (i, c) in row.cells.enumerated() where c.kind == .formulaWithoutValue {
              _ = i
              s.formulasWithoutValue.append(CellAddress(row: row.index, column: Int(c.column)).a1)
            }
            if s.preview.count < previewRows { s.preview.append(CellText.texts(of: row, dateSystem: wb.dateSystem)) }
          }
          s.computedDimension = reader.computedDimension?.a1
        } catch {
          throw InputProblem(error, file: path)
        }
        report.sheets.append(s)
      }
      return report
    case .csv(let p, let options):
      var report = InspectReport(file: path, format: "csv")
      var reader: CSVRowReader
      do { reader = try CSVRowReader(path: p, options: options) } catch { throw InputProblem(error, file: path) }
      report.encoding = reader.encoding
      report.delimiter = String(Character(reader.delimiter))
      report.bom = reader.hasBOM
      report.lineEndings = reader.lineEndings.rawValue
      var s = Sheet(name: lastPathComponent(p), visibility: "Visible")
      var row = Row()
      var width = 0
      do {
        while try reader.next(into: &row) {
          s.rowCount += 1
          s.cellCount += row.cells.count
          width = max(width, row.cells.count)
          if s.preview.count < previewRows { s.preview.append((0..<row.cells.count).map { row.text($0) }) }
        }
      } catch {
        throw InputProblem(error, file: path)
      }
      if s.rowCount > 0 {
        s.computedDimension = CellRange(first: CellAddress(row: 0, column: 0),
                                        last: CellAddress(row: s.rowCount - 1, column: max(0, width - 1))).a1
      }
      report.headerWidth = reader.headerWidth
      report.raggedRecords = reader.raggedRecords.map { ($0.index, $0.line, $0.width) }
      report.sheets = [s]
      return report
    }
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

/// The last path component, without Foundation.
func lastPathComponent(_ path: String) -> String {
  path.split(separator: "/").last.map(String.init) ?? path
}

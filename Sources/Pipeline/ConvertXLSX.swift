import CSV
import Intake
import Tabular
import XLSXReader
import XLSXWriter

extension Converter {
  /// Converts `input` (CSV or workbook) to an .xlsx at `output`.
  ///
  /// - CSV → xlsx: one sheet named after the file; every field is text unless `infer` is on, in
  ///   which case plain decimal numbers (at most 15 significant digits and no leading zero, so ID
  ///   and certificate numbers keep every digit as text) and ISO dates (`2023-07-13`) become typed.
  ///   The first row is the header: bold, frozen, with an autofilter.
  /// - xlsx or xls → xlsx: the values of every sheet are re-written (names, visibility, merged ranges,
  ///   dates, hidden rows), e.g. to repair a file that other programs cannot open.
  public static func toXLSX(input: String, output: String, options: Options, infer: Bool) throws -> Result {
    let opened = try OpenedFile.open(path: input, options: .init(csvEncoding: options.inputEncoding))
    var wopts = WorkbookOptions()
    wopts.properties = DocumentProperties(title: lastPathComponent(input), author: "sheetgate")
    wopts.dateSystem = opened.dateSystem
    let writer: WorkbookWriter
    do { writer = try WorkbookWriter(path: output, options: wopts) } catch { throw OutputProblem(error, file: output) }
    var committed = false
    defer { if !committed { writer.discard() } }
    var visitor = XLSXOutput(writer: writer, input: input, output: output, infer: infer)
    try opened.walk(&visitor, sheets: options.sheet)
    do { try writer.close() } catch { throw OutputProblem(error, file: output) }
    committed = true
    return visitor.result
  }

  /// Writes each sheet into the workbook as it is read.
  private struct XLSXOutput: SheetVisitor {
    let writer: WorkbookWriter
    let input: String
    let output: String
    let infer: Bool
    var result = Result()

    mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
      switch sheet.kind {
      case .csv: try text(&sheet)
      case .worksheet(let info, _): try worksheet(&sheet, name: info.name, hidden: info.visibility != .visible)
      case .legacyWorksheet(let info, _): try worksheet(&sheet, name: info.name, hidden: info.visibility != .visible)
      }
      return true
    }

    /// CSV → a sheet named after the file; the first row is the header (bold, frozen, autofilter).
    private mutating func text<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws {
      let header = writer.addStyle(.header)
      let dateStyle = writer.addStyle(CellStyle(numberFormat: "yyyy-mm-dd"))
      do { try writer.beginSheet(name: sheetName(fromFile: input), options: SheetOptions(freezeRows: 1)) }
      catch { throw OutputProblem(error, file: output) }
      var row = Row()
      var typed = Row()
      var n = 0
      var width = 0
      var styles: [StyleID?] = []
      while try sheet.rows.nextRow(into: &row) {
        width = max(width, row.cells.count)
        if n == 0 {
          try write(writer, row, styles: Array(repeating: header, count: row.cells.count), output: output)
        } else if infer {
          Inference.type(row, into: &typed, styles: &styles, dateStyle: dateStyle)
          try write(writer, typed, styles: styles, output: output)
        } else {
          try write(writer, row, styles: [], output: output)
        }
        n += 1
      }
      if width > 0 && n > 1 {
        do { try writer.autofilter(CellRange(first: CellAddress(row: 0, column: 0), last: CellAddress(row: n - 1, column: width - 1))) }
        catch { throw OutputProblem(error, file: output) }
      }
      do { try writer.endSheet() } catch { throw OutputProblem(error, file: output) }
      result.outputs.append((output, nil, n))
    }

    /// xlsx → xlsx: the sheet's values, name, visibility and merged ranges.
    private mutating func worksheet<Rows: RowSource>(_ sheet: inout SheetInput<Rows>, name: String, hidden: Bool) throws {
      do {
        try writer.beginSheet(name: name, options: SheetOptions(hidden: hidden))
        for m in sheet.mergedRanges { try writer.mergeCells(m) }
      } catch { throw OutputProblem(error, file: output) }
      var row = Row()
      var n = 0
      while try sheet.rows.nextRow(into: &row) {
        for c in row.cells where c.kind == .formulaWithoutValue {
          result.formulasWithoutValue.append("\(name)!\(CellAddress(row: row.index, column: Int(c.column)).a1)")
        }
        do { try writer.write(row: row, at: row.index) } catch { throw OutputProblem(error, file: output) }
        n += 1
      }
      do { try writer.endSheet() } catch { throw OutputProblem(error, file: output) }
      result.outputs.append((output, name, n))
    }
  }

  private static func write(_ w: WorkbookWriter, _ row: Row, styles: [StyleID?], output: String) throws {
    do { try w.write(row: row, styles: styles) } catch { throw OutputProblem(error, file: output) }
  }

  /// A sheet name from a file name that follows Excel's rules (≤ 31 characters, none of `[]:*?/\`).
  static func sheetName(fromFile path: String) -> String {
    var stem = lastPathComponent(path)
    if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
    var name = String(stem.map { "[]:*?/\\".contains($0) ? "_" : $0 })
    while name.hasPrefix("'") { name.removeFirst() }
    while name.hasSuffix("'") { name.removeLast() }
    if name.isEmpty { name = "Sheet1" }
    return String(name.prefix(31))
  }
}

/// Type inference for `convert --infer`: numbers and ISO dates only, never ID-like digit strings.
enum Inference {
  static func type(_ row: Row, into out: inout Row, styles: inout [StyleID?], dateStyle: StyleID) {
    out.removeAll()
    styles.removeAll(keepingCapacity: true)
    row.bytes.withUnsafeBufferPointer { all in
      for c in row.cells {
        let t = UnsafeBufferPointer(rebasing: all[Int(c.textStart)..<Int(c.textStart + c.textLength)])
        let col = Int(c.column)
        while styles.count <= col { styles.append(nil) }
        if let v = number(t) {
          out.append(column: col, kind: .number, number: v, text: UnsafeRawBufferPointer(t))
        } else if let serial = isoDate(t) {
          out.append(column: col, kind: .date, number: serial, text: UnsafeRawBufferPointer(t))
          styles[col] = dateStyle
        } else {
          out.append(column: col, kind: .string, text: UnsafeRawBufferPointer(t))
        }
      }
    }
  }

  /// A plain decimal with ≤ 15 significant digits and no leading zero (`0123` and 18-digit IDs stay text).
  static func number(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
    guard !t.isEmpty, t.count <= 24 else { return nil }
    var i = 0
    if t[0] == UInt8(ascii: "-") { i = 1 }
    guard i < t.count else { return nil }
    var digits = 0, intDigits = 0, sawDot = false
    let intStart = i
    while i < t.count {
      let b = t[i]
      if b >= 0x30 && b <= 0x39 { digits += 1; if !sawDot { intDigits += 1 } }
      else if b == UInt8(ascii: "."), !sawDot { sawDot = true }
      else { return nil }
      i += 1
    }
    guard digits > 0, digits <= 15, intDigits > 0, t[t.count - 1] != UInt8(ascii: ".") else { return nil }
    if intDigits > 1 && t[intStart] == UInt8(ascii: "0") { return nil }
    return Double(String(decoding: t, as: UTF8.self))
  }

  /// `YYYY-MM-DD` → Excel serial (1900 system).
  static func isoDate(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
    guard t.count == 10, t[4] == UInt8(ascii: "-"), t[7] == UInt8(ascii: "-") else { return nil }
    func num(_ r: Range<Int>) -> Int? {
      var v = 0
      for k in r { let b = t[k]; guard b >= 0x30 && b <= 0x39 else { return nil }; v = v * 10 + Int(b - 0x30) }
      return v
    }
    guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), DateSystem.isValid(year: y, month: m, day: d) else { return nil }
    return DateSystem.excel1900.serial(year: y, month: m, day: d)
  }
}

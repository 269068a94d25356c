import CSV
import Intake
import Tabular
import XLSXReader

/// `sheetgate convert`: xlsx → csv (per sheet) and csv → csv (re-encoded).
///
/// Output is always written to a temporary file and renamed into place, so an error leaves no
/// partial file and the previous one untouched.
public enum Converter {
  public struct Options: Sendable {
    public var sheet: String?
    public var encoding: String
    public var bom: Bool
    public var delimiter: Unicode.Scalar
    public var safe: Bool
    public var inputEncoding: String?
    public init(sheet: String? = nil, encoding: String = "utf-8", bom: Bool = false, delimiter: Unicode.Scalar = ",",
                safe: Bool = false, inputEncoding: String? = nil) {
      self.sheet = sheet; self.encoding = encoding; self.bom = bom; self.delimiter = delimiter
      self.safe = safe; self.inputEncoding = inputEncoding
    }
  }

  /// What was written: one output path per sheet, with row counts and cells left empty.
  public struct Result: Sendable {
    public var outputs: [(path: String, sheet: String?, rows: Int)] = []
    public var formulasWithoutValue: [String] = []
  }

  /// Converts `input` to CSV at `output`. A workbook with several worksheets and no `--sheet`
  /// gives one file per sheet: `OUT_<sheet name>.csv`.
  public static func toCSV(input: String, output: String, options: Options) throws -> Result {
    let opened = try OpenedFile.open(path: input, options: .init(csvEncoding: options.inputEncoding))
    let sheetCount = try opened.sheetCount(selector: options.sheet)
    var visitor = CSVOutput(output: output, sheetCount: sheetCount,
                            options: CSVWriter.Options(encoding: options.encoding, bom: options.bom, delimiter: options.delimiter,
                                                       lineEnding: .crlf, safe: options.safe))
    try opened.walk(&visitor, sheets: options.sheet)
    return visitor.result
  }

  /// Writes each sheet to its CSV file as it is read.
  private struct CSVOutput: SheetVisitor {
    let output: String
    let sheetCount: Int
    let options: CSVWriter.Options
    var result = Result()

    mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
      let name = sheet.context.sheetName
      let path = sheetCount == 1 || name == nil ? output : perSheetPath(output, sheet: name!)
      let writer: CSVWriter
      do { writer = try CSVWriter(path: path, options: options) } catch { throw OutputProblem(error, file: path) }
      var row = Row()
      var n = 0
      if case .csv = sheet.kind {
        // Text to text: the fields as read, re-encoded.
        while try sheet.rows.nextRow(into: &row) {
          try writeRow(writer, row, path)
          n += 1
        }
      } else {
        var out = Row()
        var text: [UInt8] = []
        var nextIndex = 0
        while try sheet.rows.nextRow(into: &row) {
          // Blank rows between data rows are kept, so row numbers in the CSV match the sheet.
          while nextIndex < row.index {
            out.removeAll()
            try writeRow(writer, out, path)
            nextIndex += 1
            n += 1
          }
          out.removeAll()
          var col = 0
          for i in 0..<row.cells.count {
            let c = row.cells[i]
            while col < Int(c.column) {
              out.append(column: col, kind: .string, text: UnsafeRawBufferPointer(start: nil, count: 0))
              col += 1
            }
            text.removeAll(keepingCapacity: true)
            CellText.append(row, i, dateSystem: sheet.dateSystem, to: &text)
            if c.kind == .formulaWithoutValue {
              result.formulasWithoutValue.append("\(name ?? "")!\(CellAddress(row: row.index, column: col).a1)")
            }
            text.withUnsafeBytes { out.append(column: col, kind: .string, text: $0) }
            col += 1
          }
          try writeRow(writer, out, path)
          nextIndex = row.index + 1
          n += 1
        }
      }
      do { try writer.finish() } catch { throw OutputProblem(error, file: path) }
      result.outputs.append((path, name, n))
      return true
    }
  }

  static func perSheetPath(_ output: String, sheet: String) -> String {
    let safeName = String(sheet.map { "/\\:*?\"<>|".contains($0) ? "_" : $0 })
    if let dot = output.lastIndex(of: "."), !output[dot...].contains("/") {
      return String(output[..<dot]) + "_" + safeName + String(output[dot...])
    }
    return output + "_" + safeName + ".csv"
  }

  private static func writeRow(_ writer: CSVWriter, _ row: Row, _ path: String) throws {
    do { try writer.write(row) } catch { throw OutputProblem(error, file: path) }
  }
}

/// An output that could not be written (exit status 4 is not right for this: it is the
/// environment, not sheetgate; the CLI reports it with status 3 like an unreadable input).
public struct OutputProblem: Error, CustomStringConvertible, Sendable {
  public var file: String
  public var message: String
  public init(_ error: Error, file: String) {
    self.file = file
    self.message = "\(error)"
  }
  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }
  public var description: String { "\(file): \(message)" }
}

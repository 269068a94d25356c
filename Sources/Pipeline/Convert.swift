import CSV
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
    let wopts = CSVWriter.Options(encoding: options.encoding, bom: options.bom, delimiter: options.delimiter,
                                  lineEnding: .crlf, safe: options.safe)
    var result = Result()
    switch opened {
    case .workbook(let wb):
      let sheets = try SheetSelection.sheets(of: wb, selector: options.sheet)
      for info in sheets {
        let path = sheets.count == 1 ? output : perSheetPath(output, sheet: info.name)
        let rows = try writeSheet(wb, info, to: path, options: wopts, formulas: &result.formulasWithoutValue)
        result.outputs.append((path, info.name, rows))
      }
    case .csv(let path, let ropts):
      var reader: CSVRowReader
      do { reader = try CSVRowReader(path: path, options: ropts) } catch { throw InputProblem(error, file: input) }
      let writer: CSVWriter
      do { writer = try CSVWriter(path: output, options: wopts) } catch { throw OutputProblem(error, file: output) }
      var row = Row()
      var n = 0
      do {
        while try reader.next(into: &row) {
          do { try writer.write(row) } catch { throw OutputProblem(error, file: output) }
          n += 1
        }
      } catch let e as OutputProblem { throw e } catch { throw InputProblem(error, file: input) }
      do { try writer.finish() } catch { throw OutputProblem(error, file: output) }
      result.outputs.append((output, nil, n))
    }
    return result
  }

  static func perSheetPath(_ output: String, sheet: String) -> String {
    let safeName = String(sheet.map { "/\\:*?\"<>|".contains($0) ? "_" : $0 })
    if let dot = output.lastIndex(of: "."), !output[dot...].contains("/") {
      return String(output[..<dot]) + "_" + safeName + String(output[dot...])
    }
    return output + "_" + safeName + ".csv"
  }

  private static func writeSheet(_ wb: Workbook, _ info: SheetInfo, to path: String, options: CSVWriter.Options,
                                 formulas: inout [String]) throws -> Int {
    let reader: SheetReader
    do { reader = try wb.sheetReader(for: info) } catch { throw InputProblem(error, file: wb.path) }
    let writer: CSVWriter
    do { writer = try CSVWriter(path: path, options: options) } catch { throw OutputProblem(error, file: path) }
    var row = Row()
    var out = Row()
    var text: [UInt8] = []
    var nextIndex = 0
    var n = 0
    do {
      while try reader.nextRow(into: &row) {
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
          CellText.append(row, i, dateSystem: wb.dateSystem, to: &text)
          if c.kind == .formulaWithoutValue { formulas.append("\(info.name)!\(CellAddress(row: row.index, column: col).a1)") }
          text.withUnsafeBytes { out.append(column: col, kind: .string, text: $0) }
          col += 1
        }
        try writeRow(writer, out, path)
        nextIndex = row.index + 1
        n += 1
      }
    } catch let e as OutputProblem { throw e } catch { throw InputProblem(error, file: wb.path) }
    do { try writer.finish() } catch { throw OutputProblem(error, file: path) }
    return n
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

import ArgumentParser
import Intake
import Pipeline

/// `sheetgate convert IN OUT`: xlsx → csv per sheet, csv → csv re-encoded.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert between formats: xlsx → csv (per sheet), csv → csv (re-encoded), csv → xlsx, xlsx → xlsx.",
    discussion: """
      The output format follows OUT's extension (.csv, .tsv, .txt or .xlsx). Output is written to a temporary file
      and renamed into place, so a failed conversion never leaves a partial file.
      Examples:
        sheetgate convert samples/乌审旗_规范性文件清理目录.xlsx out.csv            (one file per sheet: out_继续有效.csv …)
        sheetgate convert samples/乌审旗_规范性文件清理目录.xlsx out.csv --sheet 2
        sheetgate convert samples/乌审旗_行政裁量权基准_gbk.csv utf8.csv --bom        (GBK → UTF-8 with BOM, for Excel)
        sheetgate convert in.csv gbk.csv --encoding gb18030
        sheetgate convert samples/乌审旗_行政裁量权基准_gbk.csv 裁量基准.xlsx --infer   (numbers and ISO dates typed)
        sheetgate convert damaged.xlsx repaired.xlsx                                   (re-write every sheet's values)
      """)

  @Argument(help: "Input: .xlsx workbook or CSV file (the format is decided by its bytes).")
  var input: String

  @Argument(help: "Output file.")
  var output: String

  @Option(help: "Only this sheet (name or 1-based number).")
  var sheet: String?

  @Option(help: "Output text encoding (utf-8, gb18030, or any name iconv knows).")
  var encoding = "utf-8"

  @Flag(help: "Start UTF-8 output with a byte-order mark (Excel then opens Chinese text correctly).")
  var bom = false

  @Flag(help: "Neutralise cells that start with = + - @ (formula injection) by prefixing a quote.")
  var safe = false

  @Option(help: "Text encoding of a CSV input when detection is not enough.")
  var inputEncoding: String?

  @Flag(help: "csv → xlsx: store plain numbers (≤ 15 digits, no leading zero) and ISO dates as typed cells; otherwise everything stays text so ID numbers keep every digit.")
  var infer = false

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let lower = output.lowercased()
    let toXLSX = lower.hasSuffix(".xlsx")
    guard toXLSX || lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") else {
      throw StatusError.usage(global.chinese
        ? "sheetgate convert：暂不支持输出为「\(output)」的格式；请使用 .csv、.tsv、.txt 或 .xlsx 结尾的文件名。"
        : "sheetgate convert: cannot tell the output format of \"\(output)\"; name it .csv, .tsv, .txt or .xlsx.")
    }
    let options = Converter.Options(sheet: sheet, encoding: encoding, bom: bom,
                                    delimiter: lower.hasSuffix(".tsv") ? "\t" : ",", safe: safe,
                                    inputEncoding: inputEncoding)
    do {
      let result = toXLSX
        ? try Converter.toXLSX(input: input, output: output, options: options, infer: infer)
        : try Converter.toCSV(input: input, output: output, options: options)
      for o in result.outputs {
        let what = o.sheet.map { global.chinese ? "工作表「\($0)」" : "sheet \"\($0)\"" } ?? ""
        Output.error(global.chinese ? "已写入 \(o.path) \(what)（\(o.rows) 行）" : "wrote \(o.path) \(what) (\(o.rows) rows)")
      }
      if !result.formulasWithoutValue.isEmpty {
        Output.error(global.chinese
          ? "注意：\(result.formulasWithoutValue.count) 个公式没有缓存值（\(toXLSX ? "保留为公式" : "输出为空")）：\(result.formulasWithoutValue.prefix(10).joined(separator: ", "))"
          : "note: \(result.formulasWithoutValue.count) formulas have no cached value (\(toXLSX ? "kept as formulas" : "written empty")): \(result.formulasWithoutValue.prefix(10).joined(separator: ", "))")
      }
    } catch let p as OutputProblem {
      throw StatusError.unreadable(p.description)
    }
  }
}

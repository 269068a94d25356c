import ArgumentParser
import Intake
import Pipeline

/// `sheetgate cat FILE --json`: every value as read, in the conformance corpus's shape.
struct CatCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cat",
    abstract: "Print every cell as read, as JSON in the shape of the conformance corpus.",
    discussion: """
      A workbook prints {"date1904", "sheets": [{"name", "visible", "merged", "cells": {"A1": ["s", "text"], …}}]};
      a CSV prints {"encoding", "delimiter", "bom", "line_endings", "rows": [[…]]}.
      Types: s text, n number, b boolean, e error, d date [iso, serial], f formula without a cached value.
      Example: sheetgate cat samples/乌审旗_行政裁量权基准_gbk.csv --json
      """)

  @Argument(help: "An .xlsx workbook or a CSV file.")
  var file: String

  @Flag(help: "Print JSON (the only output format; kept for clarity in scripts).")
  var json = false

  @Option(help: "Only this sheet (name or 1-based number).")
  var sheet: String?

  @Option(help: "Text encoding of a CSV input when detection is not enough.")
  var encoding: String?

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let opened = try OpenedFile.open(path: file, options: .init(csvEncoding: encoding))
    let summary = try CatJSON.write(opened, sheet: sheet) { Output.stdout.write($0) }
    if !summary.formulasWithoutValue.isEmpty {
      let list = summary.formulasWithoutValue.prefix(10).joined(separator: ", ")
      Output.stdout.flush()
      Output.error(global.chinese
        ? "注意：\(summary.formulasWithoutValue.count) 个公式单元格没有缓存值（\(list)），已按 [\"f\", 公式] 输出；请在 Excel/WPS 中打开并保存后重新导出。"
        : "note: \(summary.formulasWithoutValue.count) formula cells have no cached value (\(list)); printed as [\"f\", formula]. Open and save the file in Excel/WPS to compute them.")
    }
  }
}

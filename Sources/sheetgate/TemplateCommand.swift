import ArgumentParser
import Foundation
import Intake
import Pipeline
import Schema

/// `sheetgate template NAME -o 模板.xlsx`: a workbook for filers, made from a schema.
struct TemplateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "template",
    abstract: "Write a fill-in template for a ledger: dropdowns, checks, help text, locked header, instructions.",
    discussion: """
      Example: sheetgate template training-hours --agency 乌审旗司法局 --period 2023 --roster 名单.xlsx -o 培训学时模板.xlsx
      A returned template is recognised by its marker (schema, agency, period) without guessing.
      """)

  @Argument(help: "A built-in schema name (see `sheetgate schema list`) or a .yaml/.json Table Schema file.")
  var schema: String

  @Option(help: "The agency the template is for (pre-filled in 填报单位 and in the marker).")
  var agency: String?

  @Option(help: "The period, e.g. 2023 (in the title and the marker).")
  var period: String?

  @Option(help: "The agency roster (.xlsx or .csv): the agency column gets a dropdown of its names.")
  var roster: String?

  @Option(help: "Rows in the data area (default 200).")
  var rows: Int = 200

  @Option(name: .shortAndLong, help: "The template to write (.xlsx).")
  var output: String

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let zh = global.chinese
    guard rows >= 1, rows <= TemplateJob.maxRows else {
      throw StatusError.usage(zh ? "--rows 应在 1 到 \(TemplateJob.maxRows) 之间（现为 \(rows)）"
                                 : "--rows must be between 1 and \(TemplateJob.maxRows) (got \(rows))")
    }
    guard output.lowercased().hasSuffix(".xlsx") else {
      throw StatusError.usage(zh ? "模板只能写成 .xlsx 文件：\(output)" : "the template is written as .xlsx: \(output)")
    }
    var sr = SchemaRosterOptions()
    sr.schema = schema
    sr.roster = roster
    let resolved = try sr.resolve(chinese: zh)
    guard let s = resolved.schema else { return }
    let agencyValue = agency.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
    if let a = agencyValue, let r = resolved.roster {
      switch r.lookup(a) {
      case .exact: break
      case .suggestion(let name, _):
        throw StatusError.usage(zh ? "「\(a)」不在单位名单中，是否是「\(name)」？" : "\"\(a)\" is not on the roster; did you mean \"\(name)\"?")
      case .abbreviation(let names, _):
        throw StatusError.usage(zh ? "「\(a)」不在单位名单中，是否是「\(names.joined(separator: "」或「"))」？"
                                   : "\"\(a)\" is not on the roster; did you mean \"\(names.joined(separator: "\" or \""))\"?")
      case .none:
        throw StatusError.usage(zh ? "「\(a)」不在单位名单 \(roster ?? "") 中" : "\"\(a)\" is not on the roster \(roster ?? "")")
      }
    }
    do {
      try TemplateJob.write(schema: s, options: .init(agency: agencyValue, period: period, roster: resolved.roster, rows: rows),
                            to: output)
    } catch {
      throw StatusError(code: ExitStatus.internalError, message: zh ? "无法写入模板 \(output)：\(error)" : "cannot write the template \(output): \(error)")
    }
    if !global.quiet {
      Output.error(zh ? "已生成模板 \(output)：「\(s.title ?? s.name)」，\(s.fields.count) 列，\(rows) 行填报区"
                      : "wrote \(output): \"\(s.title ?? s.name)\", \(s.fields.count) columns, \(rows) rows to fill")
    }
  }
}

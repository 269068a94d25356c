import ArgumentParser
import Diagnostics
import Foundation
import Intake
import Pipeline
import Schema
import Validation

/// `sheetgate validate FILE…`: finds the ledger in each submission and lists every problem.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check submissions against a schema and list every problem with its cell.",
    discussion: """
      Each file's sheets are recognised (title rows, 填报单位 line, two-row merged headers, footers) and the
      ledger is chosen automatically unless --schema names one. Findings are grouped by row with the cell
      (培训学时台账!D17), the field, the value, the problem and what to do.
      Reports for the agencies: --format xlsx --output DIR writes DIR/<原文件名>_校验结果.xlsx (a first sheet 问题清单
      linking to every bad cell, then the submission with bad cells filled and commented), or a _校验通过.xlsx receipt
      when there is nothing to fix; --format html --output DIR writes DIR/<原文件名>_校验结果.html per submission and
      DIR/index.html over all of them. Files are written atomically; what was written is listed on stderr.
      Exit status: 0 no errors (warnings and policy findings allowed), 1 errors found, 2 usage (e.g. --format xlsx
      without --output), 3 unreadable input.
      Examples:
        sheetgate validate samples/乌审旗_执法人员培训学时台账.xlsx --roster samples/本级行政执法部门名单.xlsx
        sheetgate validate samples/validate/ --format json > report.json
        sheetgate validate 台账.csv --schema training-hours --lang en
        sheetgate validate inbox/ --roster samples/本级行政执法部门名单.xlsx --format xlsx --output outbox/
      """)

  @Argument(help: "Submissions: .xlsx or .csv files, or folders of them.")
  var files: [String]

  @OptionGroup var schemaAndRoster: SchemaRosterOptions

  @Option(help: "Output format: text or json (on stdout), html or xlsx (files in --output).")
  var format: ReportFormat = .text

  @Option(name: [.customShort("o"), .customLong("output")], help: "Folder for html and xlsx reports (created when missing).")
  var output: String?

  @Option(name: .customLong("limit-errors"), help: "Keep at most this many findings per table (counting goes on).")
  var limitErrors = 1000

  @Option(help: "Text encoding of CSV inputs when detection is not enough.")
  var encoding: String?

  @Flag(name: .shortAndLong, help: "Text output: list the info findings (what was recognised, footers skipped, merges filled) too.")
  var verbose = false

  @OptionGroup var global: GlobalOptions

  enum ReportFormat: String, ExpressibleByArgument { case text, json, html, xlsx }

  func validate() throws {
    guard limitErrors > 0 else { throw ValidationError("--limit-errors must be at least 1") }
  }

  func run() throws {
    let chinese = global.chinese
    let writesFiles = format == .html || format == .xlsx
    if writesFiles && output == nil {
      throw StatusError.usage(chinese ? "--format \(format.rawValue) 需要用 --output 指定报告输出文件夹"
                                      : "--format \(format.rawValue) needs --output DIR, the folder for the reports")
    }
    let msgLang: MessageLanguage = chinese ? .zhCN : .en
    var options = ValidateJob.Options(limitErrors: limitErrors, csvEncoding: encoding)
    (options.schema, options.roster) = try schemaAndRoster.resolve(chinese: chinese)
    let job = try ValidateJob(options: options)
    let inputs = try InputFiles.expand(files, chinese: chinese)
    let progress = Progress(quiet: global.quiet, chinese: chinese)
    var rowsRead = 0
    var writer: ReportWriter?
    if writesFiles, let output {
      do { writer = try ReportWriter(folder: output, job: job) } catch {
        throw StatusError.usage(chinese ? "无法创建输出文件夹 \(output)：\(error.localizedDescription)"
                                        : "cannot create the output folder \(output): \(error.localizedDescription)")
      }
    }
    var reports: [TableReport] = []
    var unreadable: [InputProblem] = []
    for (i, path) in inputs.enumerated() {
      defer { progress.update(done: i + 1, total: inputs.count, rows: rowsRead) }
      do {
        let result = try job.run(path: path)
        reports += result.tables
        rowsRead += result.tables.reduce(0) { $0 + $1.stats.rows }
        if format == .text {
          progress.finish()
          Output.stdout.write(ValidationReport(tables: result.tables).text(lang: msgLang, listingInfo: verbose))
          Output.stdout.flush()
        }
        if writer != nil {
          let written = format == .xlsx ? try writer!.writeWorkbook(for: result, path: path)
                                        : try writer!.writePage(for: result)
          progress.finish()
          Output.error((chinese ? "已写入 " : "wrote ") + written)
        }
      } catch let p as InputProblem {
        unreadable.append(p)
        writer?.noteUnreadable(file: path, problem: p.text(chinese: true))
        progress.finish()
        Output.stdout.flush()
        Output.error(p.text(chinese: chinese))
      }
    }
    progress.finish()
    if format == .html, let writer {
      Output.error((chinese ? "已写入 " : "wrote ") + (try writer.writeIndex()))
    }
    let report = ValidationReport(tables: reports)
    if format == .json {
      Output.stdout.write(report.json(lang: msgLang, prettyPrinted: true))
      Output.stdout.write("\n")
    }
    if !unreadable.isEmpty { throw ExitCode(ExitStatus.unreadableInput) }
    if !report.isValid { throw ExitCode(ExitStatus.findings) }
  }
}

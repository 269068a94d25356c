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

  @Option(help: "A built-in schema name (see `sheetgate schema list`) or a .yaml/.json Table Schema file.")
  var schema: String?

  @Option(help: "The agency roster (本级行政执法部门名单) as .xlsx or .csv, for the agency checks.")
  var roster: String?

  @Option(help: "Output format: text or json (on stdout), html or xlsx (files in --output).")
  var format: ReportFormat = .text

  @Option(name: [.customShort("o"), .customLong("output")], help: "Folder for html and xlsx reports (created when missing).")
  var output: String?

  @Option(name: .customLong("limit-errors"), help: "Keep at most this many findings per table (counting goes on).")
  var limitErrors = 1000

  @Option(help: "Text encoding of CSV inputs when detection is not enough.")
  var encoding: String?

  @Option(help: "Message language: zh or en.")
  var lang: Language?

  enum ReportFormat: String, ExpressibleByArgument { case text, json, html, xlsx }

  func validate() throws {
    guard limitErrors > 0 else { throw ValidationError("--limit-errors must be at least 1") }
  }

  func run() throws {
    if let lang { Language.current = lang }
    let chinese = Language.current.isChinese
    let writesFiles = format == .html || format == .xlsx
    if writesFiles && output == nil {
      throw StatusError.usage(chinese ? "--format \(format.rawValue) 需要用 --output 指定报告输出文件夹"
                                      : "--format \(format.rawValue) needs --output DIR, the folder for the reports")
    }
    let msgLang: MessageLanguage = chinese ? .zhCN : .en
    var options = ValidateJob.Options(limitErrors: limitErrors, csvEncoding: encoding)
    let resolved = try SchemaAndRoster(schema: schema, roster: roster, chinese: chinese)
    options.schema = resolved.schema
    options.roster = resolved.roster
    let job = try ValidateJob(options: options)
    let inputs = try InputFiles.expand(files)
    var writer: ReportWriter?
    if writesFiles, let output {
      do { writer = try ReportWriter(folder: output, job: job) } catch {
        throw StatusError.usage(chinese ? "无法创建输出文件夹 \(output)：\(error.localizedDescription)"
                                        : "cannot create the output folder \(output): \(error.localizedDescription)")
      }
    }
    var reports: [TableReport] = []
    var unreadable: [InputProblem] = []
    for path in inputs {
      do {
        let result = try job.run(path: path)
        reports += result.tables
        if format == .text {
          Output.stdout.write(ValidationReport(tables: result.tables).text(lang: msgLang))
          Output.stdout.flush()
        }
        if writer != nil {
          let written = format == .xlsx ? try writer!.writeWorkbook(for: result, path: path)
                                        : try writer!.writePage(for: result)
          Output.error((chinese ? "已写入 " : "wrote ") + written)
        }
      } catch let p as InputProblem {
        unreadable.append(p)
        writer?.noteUnreadable(file: path, problem: p.text(chinese: true))
        Output.stdout.flush()
        Output.error(p.text(chinese: chinese))
      }
    }
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

/// Expands folders into the spreadsheet files inside them (sorted, hidden files and Office lock
/// files `~$x.xlsx` skipped); files are taken as given.
enum InputFiles {
  static func expand(_ args: [String]) throws -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for a in args {
      var isDir: ObjCBool = false
      if fm.fileExists(atPath: a, isDirectory: &isDir), isDir.boolValue {
        let names = (try? fm.contentsOfDirectory(atPath: a)) ?? []
        for n in names.sorted() where !n.hasPrefix(".") && !n.hasPrefix("~$") {
          let lower = n.lowercased()
          guard [".xlsx", ".xlsm", ".xltx", ".csv", ".tsv", ".txt", ".xls"].contains(where: { lower.hasSuffix($0) }) else { continue }
          var sub: ObjCBool = false
          if fm.fileExists(atPath: a + "/" + n, isDirectory: &sub), !sub.boolValue { out.append(a + "/" + n) }
        }
      } else {
        out.append(a)
      }
    }
    return out
  }
}

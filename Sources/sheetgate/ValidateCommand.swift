import ArgumentParser
import Diagnostics
import Foundation
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
      Exit status: 0 no errors (warnings and policy findings allowed), 1 errors found, 2 usage, 3 unreadable input.
      Examples:
        sheetgate validate samples/乌审旗_执法人员培训学时台账.xlsx --roster samples/本级行政执法部门名单.xlsx
        sheetgate validate samples/validate/ --format json > report.json
        sheetgate validate 台账.csv --schema training-hours --lang en
      """)

  @Argument(help: "Submissions: .xlsx or .csv files, or folders of them.")
  var files: [String]

  @Option(help: "A built-in schema name (see `sheetgate schema list`) or a .yaml/.json Table Schema file.")
  var schema: String?

  @Option(help: "The agency roster (本级行政执法部门名单) as .xlsx or .csv, for the agency checks.")
  var roster: String?

  @Option(help: "Output format: text or json.")
  var format: ReportFormat = .text

  @Option(name: .customLong("limit-errors"), help: "Keep at most this many findings per table (counting goes on).")
  var limitErrors = 1000

  @Option(help: "Text encoding of CSV inputs when detection is not enough.")
  var encoding: String?

  @Option(help: "Message language: zh or en.")
  var lang: Language?

  enum ReportFormat: String, ExpressibleByArgument { case text, json }

  func validate() throws {
    guard limitErrors > 0 else { throw ValidationError("--limit-errors must be at least 1") }
  }

  func run() throws {
    if let lang { Language.current = lang }
    let chinese = Language.current.isChinese
    let msgLang: MessageLanguage = chinese ? .zhCN : .en
    var options = ValidateJob.Options(limitErrors: limitErrors, csvEncoding: encoding)
    do {
      if let schema { options.schema = try SchemaCatalog.resolve(schema) }
      if let roster { options.roster = try RosterLoader.load(path: roster) }
    } catch let e as SchemaError {
      throw StatusError.usage("\(e)")
    } catch let u as UsageProblem {
      throw StatusError.usage(u.text(chinese: chinese))
    }
    let job = try ValidateJob(options: options)
    let inputs = try InputFiles.expand(files)
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
      } catch let p as InputProblem {
        unreadable.append(p)
        Output.stdout.flush()
        Output.error(p.text(chinese: chinese))
      }
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

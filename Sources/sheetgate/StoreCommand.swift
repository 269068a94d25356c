import ArgumentParser
import Foundation
import Merge
import Intake
import Pipeline
import Schema
import Store

/// `sheetgate store list|history|export --store PATH`: what the submission store holds.
struct StoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "store",
    abstract: "Show what the submission store holds, or rebuild the consolidated output from it.",
    discussion: """
      list: the current submissions (valid and with errors). history: every submission, superseded ones
      included, oldest first. export: the consolidated workbook (or CSV) from the store, as `merge` writes it.
      Examples:
        sheetgate store list --store sheetgate.sqlite
        sheetgate store history --store sheetgate.sqlite --agency 乌审旗农牧局
        sheetgate store export --store sheetgate.sqlite -o 汇总.xlsx --roster samples/本级行政执法部门名单.xlsx
      """,
    subcommands: [List.self, History.self, Export.self])

  struct StoreOptions: ParsableArguments {
    @Option(help: "The SQLite store written by `merge --store`.")
    var store: String

    @OptionGroup var global: GlobalOptions

    func open() throws -> SubmissionStore {
      guard FileManager.default.fileExists(atPath: store) else {
        throw StatusError.usage(global.chinese ? "存储文件不存在：\(store)" : "no store at \(store)")
      }
      return try SubmissionStore(path: store)
    }
  }

  static func line(_ s: SubmissionRecord) -> String {
    [String(s.id), s.receivedAt, s.status.rawValue, s.ledger ?? "-", s.agency ?? "-", s.period.isEmpty ? "-" : s.period,
     s.fileName + (s.sheet.map { "!\($0)" } ?? ""), "\(s.validRows)/\(s.rows)", String(s.errors), String(s.sha256.prefix(12)),
     s.supersededBy.map { "→\($0)" } ?? ""].joined(separator: "\t") + "\n"
  }

  static let header = "id\treceived\tstatus\tledger\tagency\tperiod\tfile\tvalid/rows\terrors\tsha256\tsuperseded_by\n"

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The current submissions (not superseded).")
    @OptionGroup var options: StoreOptions
    func run() throws {
      Output.stdout.write(StoreCommand.header)
      for s in try options.open().allSubmissions() where s.status != .superseded {
        Output.stdout.write(StoreCommand.line(s))
      }
    }
  }

  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every submission, superseded ones included, oldest first.")
    @OptionGroup var options: StoreOptions
    @Option(help: "Only this agency.") var agency: String?
    @Option(help: "Only this ledger (schema name).") var ledger: String?
    func run() throws {
      Output.stdout.write(StoreCommand.header)
      for s in try options.open().history(agency: agency, ledger: ledger) { Output.stdout.write(StoreCommand.line(s)) }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the consolidated workbook (or CSV) from the store.")
    @OptionGroup var options: StoreOptions
    @Option(name: .shortAndLong, help: "The consolidated workbook (or CSV with --format csv).") var output: String
    @OptionGroup var schemaAndRoster: SchemaRosterOptions
    @OptionGroup var consolidation: ConsolidationOptions
    @OptionGroup var form: FormOptions

    func run() throws {
      let chinese = options.global.chinese
      let c = consolidation
      var jobOptions = MergeJob.Options(period: c.period, duplicates: c.onDuplicate, includeInvalid: c.includeInvalid)
      (jobOptions.schema, jobOptions.roster) = try schemaAndRoster.resolve(chinese: chinese)
      let job = try MergeJob(options: jobOptions)
      let filled = try form.resolve(schemas: job.schemas, period: c.period, format: c.format, chinese: chinese)
      let store = try options.open()
      let (outcome, outputs) = try MergeJob.export(from: store, schemas: job.schemas, options: job.consolidationOptions,
                                                   output: output, format: c.format, form: filled)
      MergeReportText.print(MergeJob.RunResult(files: [], consolidation: outcome, outputs: outputs), chinese: chinese)
    }
  }
}

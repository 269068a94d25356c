import ArgumentParser
import Foundation
import Merge
import Intake
import Pipeline
import Schema

/// `sheetgate merge INPUT… -o OUT.xlsx`: consolidates valid submissions into one workbook (or CSV).
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Consolidate the valid submissions of each ledger into one workbook for the level above.",
    discussion: """
      Each file is recognised and validated (as `validate` does) and read once. Valid rows go into one sheet per
      ledger with 来源单位, 来源文件, 原始行号, agencies in roster order; then 汇总 (per agency: submissions, rows,
      errors and the ledger's totals), 未报送单位 and 问题文件 (every file left out, and why; duplicate keys).
      A submission with errors is left out unless --include-invalid keeps its error-free rows. A later submission
      from the same agency for the same ledger and period replaces the earlier one. With --store the submissions
      are kept in a SQLite file: files already stored (same SHA-256) are skipped and the output is rebuilt from
      the store. The output replaces OUT atomically.
      Exit status: 0 everything merged; 1 files or rows left out (see 问题文件); 2 usage; 3 the output or the
      store could not be written.
      Examples:
        sheetgate merge samples/validate/ -o 汇总.xlsx --roster samples/本级行政执法部门名单.xlsx
        sheetgate merge inbox/ -o 汇总.xlsx --store sheetgate.sqlite --period 2023 --on-duplicate keep-latest
        sheetgate merge inbox/ -o 培训学时.csv --format csv --schema training-hours
      """)

  @Argument(help: "Submissions: .xlsx or .csv files, or folders of them.")
  var inputs: [String]

  @Option(name: .shortAndLong, help: "The consolidated workbook (or CSV with --format csv).")
  var output: String

  @OptionGroup var schemaAndRoster: SchemaRosterOptions

  @OptionGroup var consolidation: ConsolidationOptions

  @Option(help: "A SQLite store of submissions (created when absent) for incremental merges.")
  var store: String?

  @Option(help: "Text encoding of CSV inputs when detection is not enough.")
  var encoding: String?

  @OptionGroup var form: FormOptions

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let chinese = global.chinese
    let c = consolidation
    var options = MergeJob.Options(period: c.period, duplicates: c.onDuplicate, includeInvalid: c.includeInvalid, csvEncoding: encoding)
    (options.schema, options.roster) = try schemaAndRoster.resolve(chinese: chinese)
    let job = try MergeJob(options: options)
    let filled = try form.resolve(schemas: job.schemas, period: c.period, format: c.format, chinese: chinese)
    let paths = try InputFiles.expand(inputs, chinese: chinese)
    let progress = Progress(quiet: global.quiet, chinese: chinese)
    let result: MergeJob.RunResult
    do {
      result = try job.run(paths: paths, output: output, format: c.format, storePath: store, form: filled) { progress.update(done: $0, total: $1, rows: $2) }
      progress.finish()
    } catch {
      progress.finish()
      throw StatusError(code: ExitStatus.unreadableInput,
                        message: (chinese ? "合并失败，原输出文件未改动：" : "merge failed; the previous output is unchanged: ") + "\(error)")
    }
    MergeReportText.print(result, chinese: chinese)
    let merged = result.consolidation
    if !merged.leftOut.isEmpty || merged.droppedDuplicates > 0 || merged.hasCrossFileFindings {
      throw ExitCode(ExitStatus.findings)
    }
  }
}


/// The terminal summary of a merge: one line per file, then the totals.
enum MergeReportText {
  static func print(_ r: MergeJob.RunResult, chinese: Bool) {
    for f in r.files {
      let name = (f.path as NSString).lastPathComponent
      if f.alreadyStored {
        Output.stdout.write(chinese ? "\(name)：已在存储中，跳过\n" : "\(name): already stored, skipped\n")
        continue
      }
      for s in f.submissions {
        let what = chinese ? s.status.labelZH : s.status.rawValue
        let rows = chinese ? "\(s.validRows)/\(s.rows) 行无误" : "\(s.validRows)/\(s.rows) rows without errors"
        let extra = s.reason.isEmpty ? "" : "  " + s.reason
        Output.stdout.write("\(name)\(s.sheet.map { "!\($0)" } ?? "")  \(s.agency ?? "-")  \(s.ledger ?? "-")  \(what)  \(rows)\(extra)\n")
      }
    }
    let c = r.consolidation
    if chinese {
      Output.stdout.write("合并 \(c.mergedSubmissions) 份报送，共 \(c.totalRows) 行；未合并 \(c.leftOut.count) 份；重复记录 \(c.duplicateRows) 条（未合并 \(c.droppedDuplicates) 条）。\n")
    } else {
      Output.stdout.write("merged \(c.mergedSubmissions) submissions, \(c.totalRows) rows; \(c.leftOut.count) left out; \(c.duplicateRows) duplicate rows (\(c.droppedDuplicates) dropped).\n")
    }
    // Findings only the submissions together show: each is an error.
    for f in c.crossFileFindings {
      let title = f.kind == .exclusiveListing ? (chinese ? "同一文件列入多个清单" : "listed in two lists")
        : (chinese ? "多个单位重复报送" : "submitted by two agencies")
      Output.stdout.write("\(f.file)\(f.sheet.map { "!\($0)" } ?? "")  " + (chinese ? "第\(f.row)行" : "row \(f.row)")
                          + "  \(f.agency ?? "-")  " + (chinese ? "错误" : "error") + "（\(f.kind.rawValue)）：\(title)：\(f.explanation)\n")
    }
    if c.crossFileFindingsNotListed > 0 {
      Output.stdout.write(chinese ? "另有 \(c.crossFileFindingsNotListed) 条多个单位重复报送的记录未逐条列出（共 \(c.acrossAgencyDuplicates) 条）。\n"
                                  : "\(c.crossFileFindingsNotListed) more rows submitted by two agencies are not listed (\(c.acrossAgencyDuplicates) in all).\n")
    }
    for (ledger, agencies) in c.notSubmitted.sorted(by: { $0.key < $1.key }) where !agencies.isEmpty {
      let title = c.ledgerTitles[ledger] ?? ledger
      Output.stdout.write((chinese ? "未报送（\(title)）：" : "not submitted (\(ledger)): ") + agencies.joined(separator: "、") + "\n")
    }
    Output.stdout.write((chinese ? "已写入：" : "written: ") + r.outputs.joined(separator: ", ") + "\n")
  }
}

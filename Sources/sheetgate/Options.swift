import ArgumentParser
import Diagnostics
import Foundation
import Intake
import Merge
import Pipeline
import Schema

/// The language of terminal messages: Chinese unless `LANG` asks for English or `--lang en` is given.
enum Language: String, ExpressibleByArgument, Sendable {
  case zh, en
  var isChinese: Bool { self == .zh }

  /// The language from the environment (`LANG` starting with `en` → English, else Chinese).
  static func fromEnvironment() -> Language {
    let lang = ProcessInfo.processInfo.environment["LANG"] ?? ""
    return lang.lowercased().hasPrefix("en") ? .en : .zh
  }

  /// The language a command line asks for (`--lang en`, `--lang=en`), else the environment's:
  /// for messages printed before or outside a command's own options (errors caught at the top).
  static func from(arguments: [String]) -> Language {
    for (i, a) in arguments.enumerated() {
      if a == "--lang", i + 1 < arguments.count, let l = Language(rawValue: arguments[i + 1]) { return l }
      if a.hasPrefix("--lang="), let l = Language(rawValue: String(a.dropFirst(7))) { return l }
    }
    return fromEnvironment()
  }
}

/// Options every command takes: the message language and whether to be quiet.
struct GlobalOptions: ParsableArguments {
  @Option(help: "Message language: zh or en (default: zh unless LANG starts with en).")
  var lang: Language?

  @Flag(name: .shortAndLong, help: "No progress line on stderr.")
  var quiet = false

  /// The language in force.
  var language: Language { lang ?? .fromEnvironment() }
  var chinese: Bool { language.isChinese }
}

/// `--schema` and `--roster`, as `validate`, `merge` and `store export` take them.
///
/// A schema name or file that does not load, or a roster that cannot be read, is a usage
/// error (exit 2) whose message names the file, the line and column or the cell, and what to do.
struct SchemaRosterOptions: ParsableArguments {
  @Option(help: "A built-in schema name (see `sheetgate schema list`) or a .yaml/.json Table Schema file.")
  var schema: String?

  @Option(help: "The agency roster (本级行政执法部门名单) as .xlsx or .csv: agency checks, order and who has not submitted.")
  var roster: String?

  /// Resolves the schema (a built-in name or a .yaml/.json file) and loads the roster (.xlsx or .csv).
  ///
  /// The roster is validated as it loads (`RosterLoader.loadChecked`); when it has errors, stderr
  /// says how many and lists the first few, and the roster is used all the same.
  func resolve(chinese: Bool) throws -> (schema: TableSchema?, roster: AgencyRoster?) {
    do {
      let resolved = try schema.map(SchemaCatalog.resolve)
      guard let roster else { return (resolved, nil) }
      let checked = try RosterLoader.loadChecked(path: roster)
      if checked.errorCount > 0 {
        FileHandle.standardError.write(Data(Self.rosterWarning(checked, path: roster, chinese: chinese).utf8))
      }
      return (resolved, checked.roster)
    } catch let e as SchemaError {
      throw StatusError.usage("\(e)")
    } catch let u as UsageProblem {
      throw StatusError.usage(u.text(chinese: chinese))
    }
  }
}

extension SchemaRosterOptions {
  /// How many roster rows to quote on stderr.
  static let rosterErrorsShown = 3

  /// The stderr lines for a roster with errors: the count, the first few, and that it is used anyway.
  static func rosterWarning(_ checked: RosterLoader.Checked, path: String, chinese: Bool) -> String {
    let lang: MessageLanguage = chinese ? .zhCN : .en
    var out = chinese
      ? "注意：部门名单 \(path) 有 \(checked.errorCount) 处错误，仍按此名单校验：\n"
      : "warning: the agency roster \(path) has \(checked.errorCount) error\(checked.errorCount == 1 ? "" : "s"); it is used all the same:\n"
    for d in checked.errors.prefix(rosterErrorsShown) {
      out += "  " + MessageCatalog.render(d, lang: lang).message + "\n"
    }
    if checked.errorCount > rosterErrorsShown {
      out += chinese ? "  ……（用 sheetgate validate \(path) 查看全部）\n" : "  … (sheetgate validate \(path) lists them all)\n"
    }
    return out
  }
}

/// What the consolidated output keeps, as `merge` and `store export` take it.
struct ConsolidationOptions: ParsableArguments {
  @Option(help: "The period (e.g. 2023) of the submissions read now, and the only one written.")
  var period: String?

  @Option(name: .customLong("on-duplicate"), help: "A key found in two submissions: report, keep-latest or keep-first.")
  var onDuplicate: DuplicatePolicy = .report

  @Flag(name: .customLong("include-invalid"), help: "Keep the error-free rows of submissions that have errors.")
  var includeInvalid = false

  @Option(help: "Output format: xlsx or csv (UTF-8 with BOM, formula injection neutralised).")
  var format: MergeOutputFormat = .xlsx
}

extension DuplicatePolicy: ExpressibleByArgument {}
extension MergeOutputFormat: ExpressibleByArgument {}

/// Expands folders into the spreadsheet files inside them (sorted); files are taken as given.
///
/// What a folder holds besides spreadsheets (a cover letter as `.pdf` or `.docx`, an Office lock
/// file `~$x.xlsx`) is named on stderr as skipped, never passed over in silence; hidden files are
/// skipped quietly. A path that does not exist, or a folder with no spreadsheet in it, is a usage
/// error (exit 2) naming it.
enum InputFiles {
  static let spreadsheetExtensions = [".xlsx", ".xlsm", ".xltx", ".csv", ".tsv", ".txt", ".xls"]

  static func expand(_ args: [String], chinese: Bool) throws -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for a in args {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: a, isDirectory: &isDir) else {
        throw StatusError.usage(chinese ? "找不到文件或文件夹：\(a)（请检查路径）" : "no such file or folder: \(a) (check the path)")
      }
      guard isDir.boolValue else { out.append(a); continue }
      let names = (try? fm.contentsOfDirectory(atPath: a)) ?? []
      var found = 0
      var skipped: [String] = []
      for n in names.sorted() where !n.hasPrefix(".") {
        var sub: ObjCBool = false
        guard fm.fileExists(atPath: a + "/" + n, isDirectory: &sub), !sub.boolValue else { continue }
        let lower = n.lowercased()
        if n.hasPrefix("~$") || !spreadsheetExtensions.contains(where: { lower.hasSuffix($0) }) {
          skipped.append(n)
          continue
        }
        out.append(a + "/" + n)
        found += 1
      }
      for n in skipped {
        Output.error(chinese ? "跳过（不是表格文件）：\(a)/\(n)" : "skipped (not a spreadsheet): \(a)/\(n)")
      }
      if found == 0 {
        throw StatusError.usage(chinese ? "文件夹 \(a) 中没有表格文件（.xlsx、.xls、.csv）"
                                        : "the folder \(a) holds no spreadsheet (.xlsx, .xls, .csv)")
      }
    }
    return out
  }
}

/// A progress line on stderr for work that takes more than about a second: files done of the
/// total, rows, time so far. Shown only when stderr is a terminal and `--quiet` is not given;
/// redrawn at most ten times a second and erased at the end, so it never mixes with the output.
final class Progress {
  private let enabled: Bool
  private let chinese: Bool
  private let start = Date()
  private var lastDraw: TimeInterval = 0
  private var drawn = false

  init(quiet: Bool, chinese: Bool) {
    enabled = !quiet && isatty(2) == 1
    self.chinese = chinese
  }

  /// Reports that `done` of `total` files are finished, `rows` rows read so far.
  func update(done: Int, total: Int, rows: Int) {
    guard enabled else { return }
    let t = Date().timeIntervalSince(start)
    guard t >= 1, t - lastDraw >= 0.1 || done == total else { return }
    lastDraw = t
    let elapsed = String(format: "%.1f", t)
    let line = chinese ? "已处理 \(done)/\(total) 个文件，\(rows) 行，用时 \(elapsed) 秒"
                       : "\(done)/\(total) files, \(rows) rows, \(elapsed) s"
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    drawn = true
  }

  /// Erases the line (before the command prints its summary).
  func finish() {
    guard drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    drawn = false
  }
}

/// `--template` and `--agency`, as `merge` and `store export` take them: the bureau's own form.
struct FormOptions: ParsableArguments {
  @Option(help: "The bureau's own form (.xlsx) to fill: a template row of {.field title} cells, and {period}, {agency}, {generated}.")
  var template: String?

  @Option(help: "The value of {agency} in the form (the bureau that sends it).")
  var agency: String?

  /// The checked form, or nil without `--template`; a bad form is a usage error before anything is read or written.
  func resolve(schemas: [TableSchema], period: String?, format: MergeOutputFormat, chinese: Bool) throws -> FormOutput? {
    guard let template else {
      if agency != nil {
        throw StatusError.usage(chinese ? "--agency 只与 --template 一起使用（填入汇总表模板的 {agency}）"
                                        : "--agency goes with --template (it fills the form's {agency})")
      }
      return nil
    }
    guard format == .xlsx else {
      throw StatusError.usage(chinese ? "--template 只能输出 .xlsx，不能与 --format csv 同用" : "--template writes .xlsx; it cannot be used with --format csv")
    }
    do {
      return try FormOutput.prepare(template: template, schemas: schemas,
                                    values: ["period": period, "agency": agency, "generated": FormOutput.today()])
    } catch let u as UsageProblem {
      throw StatusError.usage(u.text(chinese: chinese))
    }
  }
}

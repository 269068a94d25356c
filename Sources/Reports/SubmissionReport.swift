import Diagnostics
import Foundation
import Tabular
import Validation

/// Everything the agency-facing reports say about one submission: its tables' findings, the
/// titles of the ledgers they were checked against, and when the check ran.
///
/// ```swift
/// let submission = SubmissionReport(file: "乌审旗市场监督管理局_培训学时台账_2023.xlsx",
///                                   tables: result.tables,
///                                   ledgerTitles: ["training-hours": "执法人员培训学时台账"])
/// print(submission.summaryZH)   // 共发现 12 个问题：错误 6 个、警告 0 个、政策提示 6 个。…
/// ```
///
/// ### Memory
/// Holds the kept diagnostics of one file (bounded by the collector's limit) and nothing per row.
public struct SubmissionReport: Sendable {
  /// The submission's file name as received (no folder).
  public var file: String
  /// One report per recognised table (sheet), in sheet order.
  public var tables: [TableReport]
  /// Ledger titles by schema name (`training-hours` → `执法人员培训学时台账`); names without an
  /// entry are shown as they are.
  public var ledgerTitles: [String: String]
  /// When the submission was checked.
  public var checkedAt: Date

  /// Makes a submission report; `checkedAt` defaults to now.
  public init(file: String, tables: [TableReport], ledgerTitles: [String: String] = [:], checkedAt: Date = Date()) {
    self.file = file
    self.tables = tables
    self.ledgerTitles = ledgerTitles
    self.checkedAt = checkedAt
  }

  /// Totals over the tables, counting findings past the collector's limit too.
  public var stats: ValidationStats { ValidationReport(tables: tables).stats }

  /// True when no table has an `error` finding (the command's exit status 0).
  public var isValid: Bool { tables.allSatisfy(\.isValid) }

  /// True when there is nothing to fix: no error, warning or policy finding (information only).
  /// Such a submission gets a receipt instead of an annotated workbook.
  public var isClean: Bool {
    let s = stats
    return s.errors == 0 && s.warnings == 0 && s.policyFindings == 0
  }

  /// True when some table kept fewer findings than it counted.
  public var isPartial: Bool { tables.contains(where: \.isPartial) }

  /// The number of problems to fix: errors, warnings and policy findings (information excluded).
  public var problemCount: Int {
    let s = stats
    return s.errors + s.warnings + s.policyFindings
  }

  /// The ledger titles of the tables, distinct, in order (`执法人员培训学时台账`).
  public var ledgerNames: [String] {
    var seen = Set<String>()
    var out: [String] = []
    for t in tables {
      guard let s = t.schema else { continue }
      let title = ledgerTitles[s] ?? s
      if seen.insert(title).inserted { out.append(title) }
    }
    return out
  }

  /// The one-paragraph summary on top of every report, in Chinese:
  /// `共发现 12 个问题：错误 6 个、警告 0 个、政策提示 6 个。请按“修改建议”逐项修改后重新报送。`
  public var summaryZH: String {
    let s = stats
    if problemCount == 0 {
      return "未发现问题，校验通过（共检查 \(s.rows) 行数据）。"
    }
    var text = "共发现 \(problemCount) 个问题：错误 \(s.errors) 个、警告 \(s.warnings) 个、政策提示 \(s.policyFindings) 个。"
    if s.infos > 0 { text += "另有 \(s.infos) 条提示信息，无需修改。" }
    if isPartial {
      let kept = tables.reduce(0) { $0 + $1.diagnostics.count }
      text += "问题较多，以下仅列出前 \(kept) 条。"
    }
    if s.errors > 0 || s.warnings > 0 {
      text += "请按“修改建议”逐项修改后重新报送。"
    } else {
      text += "数据格式无误，请按政策要求落实后在下次报送时更新。"
    }
    return text
  }

  /// The kept findings of every table in report order: table by table, the problems to fix before
  /// the information-only findings, then by row (findings about the whole table first), then by
  /// column, keeping the found order otherwise. Messages
  /// are rendered here, once per finding, in Chinese.
  ///
  /// - Complexity: O(n log n) in the number of kept findings.
  public func findings() -> [ReportFinding] {
    var out: [ReportFinding] = []
    for (ti, t) in tables.enumerated() {
      // Sorted by (info last, row, column, order found) on small keys, not by moving the diagnostics.
      let ds = t.diagnostics
      var keys: [(info: Bool, row: Int, column: Int, i: Int)] = []
      keys.reserveCapacity(ds.count)
      for (i, d) in ds.enumerated() {
        keys.append((d.severity == .info, d.location.row ?? -1, d.location.column ?? -1, i))
      }
      keys.sort { a, b in
        if a.info != b.info { return b.info }
        if a.row != b.row { return a.row < b.row }
        if a.column != b.column { return a.column < b.column }
        return a.i < b.i
      }
      out.reserveCapacity(out.count + ds.count)
      for k in keys {
        let d = ds[k.i]
        out.append(ReportFinding(table: ti, sheet: d.location.sheet ?? t.sheet, diagnostic: d,
                                 message: MessageCatalog.render(d, lang: .zhCN)))
      }
    }
    return out
  }

  /// `2023-07-25 09:30` in China Standard Time, the time zone of every agency these reports go to.
  public var checkedAtText: String { Self.timeText(checkedAt) }

  static func timeText(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)
    f.dateFormat = "yyyy-MM-dd HH:mm"
    return f.string(from: date)
  }
}

/// One finding as the reports show it: the diagnostic, its table and its rendered message.
public struct ReportFinding: Sendable {
  /// Index of the finding's table in ``SubmissionReport/tables``.
  public var table: Int
  /// The submission's sheet the finding is on (nil for a CSV file).
  public var sheet: String?
  /// The diagnostic itself.
  public var diagnostic: Diagnostic
  /// Title, problem and what to do, in Chinese.
  public var message: RenderedMessage

  /// The A1 reference of the cell (`E5`), or nil when the finding is about a row, a column that
  /// is missing, or the whole table.
  public var a1: String? { diagnostic.location.a1 }

  /// Where the finding is, as a filer reads it: `E5`, `第7行` or `整表`.
  public var placeText: String {
    if let a1 { return a1 }
    if let r = diagnostic.location.row { return "第\(r + 1)行" }
    return "整表"
  }

  /// The severity in Chinese: 错误, 警告, 政策 or 提示.
  public var severityText: String { diagnostic.severity.chineseLabel }
}

extension Severity {
  /// The label the agency reports use: 错误, 警告, 政策, 提示.
  public var chineseLabel: String {
    switch self {
    case .error: return "错误"
    case .warning: return "警告"
    case .policy: return "政策"
    case .info: return "提示"
    }
  }
}

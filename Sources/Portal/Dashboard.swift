import Batch
import Foundation
import Merge
import Pipeline
import Schema
import Store
import XLSXWriter

/// The bureau's view: agencies × collections from the store (mail and portal alike), the consolidated
/// workbook rebuilt from it, the 未报送 list.
extension Portal {
  /// One agency's standing in one collection.
  public struct Cell: Sendable {
    public enum State: Sendable {
      case missing, failed, passed
      var label: String {
        switch self {
        case .missing: return "未报送"
        case .failed: return "有错误"
        case .passed: return "已通过"
        }
      }
    }
    public var state: State = .missing
    public var receivedAt = ""
    public var rows = 0
    public var errors = 0
  }

  public struct Matrix: Sendable {
    public struct Row: Sendable {
      public var agency: String
      public var inRoster: Bool
      public var cells: [Cell]
    }
    public var rows: [Row]
  }

  /// Roster agencies (in roster order), then any other agency with submissions, × the collections:
  /// 已通过 when a valid submission stands, 有错误 when only invalid ones do, else 未报送.
  public func matrix() -> Matrix {
    let cols = collections()
    let subs = (try? desk.store.allSubmissions()) ?? []
    var order = agencies
    var known = Set(order)
    for s in subs { if let a = s.agency, !known.contains(a), cols.contains(where: { $0.schema.name == s.ledger }) { order.append(a); known.insert(a) } }
    var cells: [String: [Cell]] = [:]
    for a in order { cells[a] = Array(repeating: Cell(), count: cols.count) }
    for s in subs {
      guard let a = s.agency, s.status == .valid || s.status == .invalid else { continue }
      for c in cols where c.schema.name == s.ledger && (c.period == nil || c.period == s.period) {
        var cell = cells[a]![c.index]
        let state: Cell.State = s.status == .valid ? .passed : .failed
        // A standing valid submission wins; otherwise the latest.
        if cell.state == .passed && state == .failed { continue }
        cell.state = state; cell.receivedAt = s.receivedAt; cell.rows = s.rows; cell.errors = s.errors
        cells[a]![c.index] = cell
      }
    }
    let roster = Set(agencies)
    return Matrix(rows: order.map { Matrix.Row(agency: $0, inRoster: roster.contains($0), cells: cells[$0]!) })
  }

  /// One agency's row of the matrix, by collection index (for its own page).
  func agencyStatus(_ agency: String) -> [Int: (status: SubmissionStatus, receivedAt: String)] {
    guard let row = matrix().rows.first(where: { $0.agency == agency }) else { return [:] }
    var out: [Int: (SubmissionStatus, String)] = [:]
    for (i, c) in row.cells.enumerated() {
      switch c.state {
      case .passed: out[i] = (.valid, c.receivedAt)
      case .failed: out[i] = (.invalid, c.receivedAt)
      case .missing: break
      }
    }
    return out
  }

  /// Rebuilds the consolidated workbook of collection `index` from the store into `output` (as `sheetgate run`
  /// does for its output folder: ``MergeJob/export(from:schemas:options:output:format:)``).
  func writeConsolidated(index: Int, to output: String) throws {
    let c = collections()[index]
    let opts = Consolidation.Options(roster: desk.roster, duplicates: .report, ledgers: [c.schema.name], period: c.period)
    _ = try MergeJob.export(from: desk.store, schemas: [c.schema], options: opts, output: output, format: .xlsx)
  }

  /// The agencies of the roster with nothing valid standing for collection `index`, and whether they tried.
  func missing(index: Int) -> [(agency: String, tried: Bool)] {
    matrix().rows.filter(\.inRoster).compactMap { r in
      let cell = r.cells[index]
      return cell.state == .passed ? nil : (r.agency, cell.state == .failed)
    }
  }

  /// The 未报送 list of collection `index` as a workbook.
  func writeMissing(index: Int, to output: String) throws {
    let c = collections()[index]
    let w = try WorkbookWriter(path: output)
    try w.beginSheet(name: "未报送单位", options: SheetOptions(freezeRows: 1, columnWidths: [0: 36, 1: 30, 2: 14, 3: 18]))
    try w.writeRow([.text("单位名称"), .text("台账"), .text("截止日期"), .text("情况")])
    for m in missing(index: index) {
      try w.writeRow([.text(m.agency), .text(c.title), .text(c.deadline ?? ""), .text(m.tried ? "报送有误，未通过" : "未报送")])
    }
    try w.endSheet()
    try w.close()
  }
}

/// Links for the clerk to send out: one row per agency.
public enum LinksWorkbook {
  public static func write(_ links: [(agency: String, link: String)], to path: String) throws {
    let w = try WorkbookWriter(path: path)
    try w.beginSheet(name: "报送链接", options: SheetOptions(freezeRows: 1, columnWidths: [0: 36, 1: 70]))
    try w.writeRow([.text("单位名称"), .text("专属报送链接（请勿转发）")])
    for l in links { try w.writeRow([.text(l.agency), .text(l.link)]) }
    try w.endSheet()
    try w.close()
  }
}

/// What an agency is offered to fill in: the schema's columns (listed on its page) and the template
/// `sheetgate template` makes (``TemplateJob``), filled in with the agency and the collection's period, so a
/// returned template is recognised by its marker.
public enum Template {
  /// The column titles, in schema order.
  public static func columns(_ schema: TableSchema) -> [String] {
    schema.fields.map { $0.title ?? $0.name }
  }

  /// Writes the template of `schema` for `agency` and `period` to `path`.
  public static func write(_ schema: TableSchema, agency: String?, period: String?, roster: AgencyRoster?, to path: String) throws {
    try TemplateJob.write(schema: schema, options: TemplateJob.Options(agency: agency, period: period, roster: roster), to: path)
  }
}

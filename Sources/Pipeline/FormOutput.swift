import Intake
import Merge
import Schema
import Tabular
import XLSXWriter

/// `merge --template` / `store export --template`: the consolidated rows written into the bureau's
/// own form (``FormTemplate``) instead of sheetgate's workbook.
///
/// Everything that can be wrong with the form is found by ``prepare(template:schemas:values:)``, before
/// the merge reads a file or writes a byte: no placeholder, a single placeholder sheetgate does not
/// know, `{period}` without `--period`, a `{.字段}` naming no field of the ledgers.
public struct FormOutput: Sendable {
  /// The form's path.
  public let template: String
  /// The values of the single placeholders: `period`, `agency`, `generated`.
  public let values: [String: String]
  /// The ledger whose rows fill the form.
  public let schemaName: String
  /// Per `{.字段}` of the template row, the column of the consolidated rows it takes (provenance first).
  let columns: [Int]

  /// Checks the form against the ledgers and the values given.
  /// - Parameters:
  ///   - values: `period` (from `--period`), `agency`, `generated`; a nil value is "not given".
  /// - Throws: ``UsageProblem`` naming the form, the cell and what to do.
  public static func prepare(template: String, schemas: [TableSchema], values: [String: String?]) throws -> FormOutput {
    let form: FormTemplate
    do { form = try FormTemplate(path: template) } catch let p as FormTemplate.Problem {
      throw usage(p, template: template, schemas: schemas)
    }
    var given: [String: String] = [:]
    for (k, v) in values { if let v { given[k] = v } }
    for n in form.singles where given[n] == nil {
      throw usage(.init(kind: .missingValue, name: "{\(n)}", cell: form.cellOfPlaceholder(n)), template: template, schemas: schemas)
    }
    // The ledger: the first whose fields (or the provenance columns) cover every `{.字段}`.
    let provenance = Consolidation.provenanceHeader
    var firstMissing: (String, Int)?
    for s in schemas {
      var cols: [Int] = []
      for (i, name) in form.listFields.enumerated() {
        if let p = provenance.firstIndex(where: { TableSchema.headerKey($0) == TableSchema.headerKey(name) }) {
          cols.append(p)
        } else if let f = s.fieldIndex(named: name) ?? s.fieldIndex(forHeader: name) {
          cols.append(provenance.count + f)
        } else {
          if firstMissing == nil { firstMissing = (name, i) }
          break
        }
      }
      if cols.count == form.listFields.count {
        return FormOutput(template: template, values: given, schemaName: s.name, columns: cols)
      }
    }
    let (name, i) = firstMissing ?? (form.listFields.first ?? "", 0)
    throw usage(.init(kind: .unknownField, name: name, cell: form.cellOfField(i)), template: template, schemas: schemas)
  }

  static func usage(_ p: FormTemplate.Problem, template: String, schemas: [TableSchema]) -> UsageProblem {
    let file = lastPathComponent(template)
    let at = p.cell.isEmpty ? "" : "（\(p.cell)）"
    let atEN = p.cell.isEmpty ? "" : " (\(p.cell))"
    switch p.kind {
    case .noPlaceholder:
      return UsageProblem(
        message: "the form \(file) has no placeholder: mark where the rows go with a template row whose cells are {.field title} (and {period}, {agency}, {generated} for single values).",
        messageZH: "汇总表模板 \(file) 中没有占位符：请在要填数据的一行写上 {.字段名}（如 {.姓名}），单个值用 {period}、{agency}、{generated}。")
    case .noTemplateRow:
      return UsageProblem(
        message: "the form \(file) has single placeholders (\(p.name)\(atEN)) but no template row: write {.field title} in the cells of the row where the list goes.",
        messageZH: "汇总表模板 \(file) 有单个值占位符（\(p.name)\(at)），但没有列表行：请在要填数据的一行写上 {.字段名}。")
    case .unknownPlaceholder:
      return UsageProblem(
        message: "the form \(file) uses \(p.name)\(atEN), which sheetgate does not fill; use {period}, {agency}, {generated} or {.field title}.",
        messageZH: "汇总表模板 \(file) 中的 \(p.name)\(at) 不是可用的占位符；可用：{period}、{agency}、{generated} 和 {.字段名}。")
    case .missingValue:
      let option = p.name == "{period}" ? "--period" : (p.name == "{agency}" ? "--agency" : "")
      return UsageProblem(
        message: "the form \(file) uses \(p.name) but no value was given; add \(option).",
        messageZH: "汇总表模板 \(file) 使用了 \(p.name)，但没有给出它的值：请加上 \(option)。")
    case .unknownField:
      let known = schemas.flatMap { $0.fields.map(\.displayName) }
      let list = (Consolidation.provenanceHeader + known).joined(separator: "、")
      return UsageProblem(
        message: "the form \(file) names the field {.\(p.name)}\(atEN), which no ledger has; fields: \(list).",
        messageZH: "汇总表模板 \(file) 中的 {.\(p.name)}\(at) 不是台账的字段；可用字段：\(list)。")
    case .unreadable:
      return UsageProblem(message: "the form \(file) cannot be read as an .xlsx workbook: \(p.name)",
                          messageZH: "无法读取汇总表模板 \(file)（应为 .xlsx 工作簿）：\(p.name)")
    }
  }

  /// Today as `2023年12月20日`, for `{generated}`.
  public static func today() -> String {
    let t = DateTimeParts.now()
    return "\(t.year)年\(t.month)月\(t.day)日"
  }
}

/// A ``MergeSink`` that writes one ledger's consolidated rows into the form and ignores the other sheets
/// (the summary, who has not submitted, the problem files: the terminal report lists those).
public final class FormMergeSink: MergeSink {
  private let form: FormOutput
  private let path: String
  private var fill: FormFill?
  private var active = false
  private var done = false
  private var cells: [CellInput] = []

  public init(form: FormOutput, path: String) {
    self.form = form
    self.path = path
  }

  public func beginSheet(name: String, kind: MergeSheetKind, header: [String]) throws {
    guard case .ledger(let schemaName) = kind, schemaName == form.schemaName, !done else { return }
    active = true
    fill = try FormTemplate(path: form.template).begin(output: path, values: form.values)
  }

  public func write(cells row: [MergeCell]) throws {
    guard active, let fill else { return }
    cells.removeAll(keepingCapacity: true)
    for c in form.columns {
      switch c < row.count ? row[c] : .empty {
      case .text(let s): cells.append(.text(s))
      case .number(let s): cells.append(.number(s))
      case .date(let d): cells.append(.date(year: d.year, month: d.month, day: d.day))
      case .empty: cells.append(.empty)
      }
    }
    try fill.writeRow(cells)
  }

  public func endSheet() throws {
    if active { active = false; done = true }
  }

  public func finish() throws {
    if fill == nil { fill = try FormTemplate(path: form.template).begin(output: path, values: form.values) }
    try fill?.finish()
  }

  public func discard() { fill?.discard() }
}

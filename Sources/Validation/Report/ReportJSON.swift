import Diagnostics
import Foundation
import Tabular

extension ValidationReport {
  /// The report as JSON shaped like Frictionless's report, with sheetgate's additions.
  ///
  /// ```json
  /// {"valid": false, "stats": {"tasks": 1, "rows": 3, "errors": 2, "warnings": 0, "policy": 1, ...},
  ///  "tasks": [{"valid": false, "place": "培训.xlsx", "sheet": "培训学时台账", "schema": "training-hours",
  ///             "partial": false, "stats": {...},
  ///             "errors": [{"type": "type-error", "title": "类型错误", "rowNumber": 17, "fieldNumber": 11,
  ///                         "fieldName": "trained_on", "fieldTitle": "培训日期", "cell": "2023年13月1日",
  ///                         "message": "…", "note": "…", "sheet": "培训学时台账", "a1": "K17",
  ///                         "severity": "error", "parameters": {...}}]}]}
  /// ```
  /// `rowNumber` is the 1-based sheet row, `fieldNumber` the 1-based schema field, `note` the hint.
  /// Keys are sorted, so the output is stable.
  public func json(lang: MessageLanguage = .zhCN, prettyPrinted: Bool = false) -> String {
    var tasks: [[String: Any]] = []
    for t in tables {
      var errors: [[String: Any]] = []
      for d in t.diagnostics { errors.append(Self.object(for: d, lang: lang)) }
      var task: [String: Any] = [
        "valid": t.isValid, "partial": t.isPartial, "stats": Self.statsObject(t.stats, tasks: nil),
        "errors": errors,
      ]
      if let f = t.file { task["place"] = f }
      if let s = t.sheet { task["sheet"] = s }
      if let s = t.schema { task["schema"] = s }
      if !t.metadata.isEmpty {
        task["metadata"] = Dictionary(t.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
      }
      if t.isPartial {
        task["warnings"] = [lang == .zhCN ? "问题超过上限，仅列出前 \(t.diagnostics.count) 条"
                                          : "reached the error limit: only the first \(t.diagnostics.count) are listed"]
      }
      tasks.append(task)
    }
    let top: [String: Any] = ["valid": isValid, "partial": isPartial,
                              "stats": Self.statsObject(stats, tasks: tables.count), "tasks": tasks]
    var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    if prettyPrinted { options.insert(.prettyPrinted) }
    guard let data = try? JSONSerialization.data(withJSONObject: top, options: options) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  static func statsObject(_ s: ValidationStats, tasks: Int?) -> [String: Any] {
    var o: [String: Any] = ["rows": s.rows, "validRows": s.validRows, "errors": s.errors, "warnings": s.warnings,
                            "policy": s.policyFindings, "infos": s.infos]
    if let tasks { o["tasks"] = tasks }
    return o
  }

  static func object(for d: Diagnostic, lang: MessageLanguage) -> [String: Any] {
    let m = MessageCatalog.render(d, lang: lang)
    var o: [String: Any] = ["type": d.code.slug, "title": m.title, "message": m.message, "note": m.hint,
                            "severity": d.severity.description]
    if let r = d.location.row { o["rowNumber"] = r + 1 }
    if let n = d.parameter("fieldNumber").flatMap({ Int($0) }) { o["fieldNumber"] = n }
    if let name = d.parameter("fieldName") { o["fieldName"] = name }
    if let f = d.field { o["fieldTitle"] = f }
    if let v = d.value { o["cell"] = v }
    if let s = d.location.sheet { o["sheet"] = s }
    if let a1 = d.location.a1 { o["a1"] = a1 }
    if let c = d.location.column { o["columnNumber"] = c + 1 }
    var parameters: [String: String] = [:]
    for p in d.parameters where p.key != "fieldName" && p.key != "fieldNumber" && !p.key.hasPrefix("message") {
      parameters[p.key] = p.value
    }
    if !parameters.isEmpty { o["parameters"] = parameters }
    return o
  }
}

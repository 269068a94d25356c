import Diagnostics
import Tabular
import Validation

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
    var tasks: [JSONValue] = []
    for t in tables {
      var task: [(String, JSONValue)] = [
        ("valid", .bool(t.isValid)), ("partial", .bool(t.isPartial)), ("stats", Self.statsObject(t.stats, tasks: nil)),
        ("errors", .array(t.diagnostics.map { Self.object(for: $0, lang: lang) })),
      ]
      if let f = t.file { task.append(("place", .string(f))) }
      if let s = t.sheet { task.append(("sheet", .string(s))) }
      if let s = t.schema { task.append(("schema", .string(s))) }
      if !t.metadata.isEmpty {
        var seen = Set<String>()
        task.append(("metadata", .object(t.metadata.filter { seen.insert($0.key).inserted }.map { ($0.key, .string($0.value)) })))
      }
      if t.isPartial {
        let limit = Diagnostic(code: .limitReached, severity: .info, location: SourceLocation(file: t.file, sheet: t.sheet),
                               parameters: [DiagnosticParameter("limit", String(t.diagnostics.count))])
        task.append(("warnings", .array([.string(MessageCatalog.render(limit, lang: lang).message)])))
      }
      tasks.append(.object(task))
    }
    let top = JSONValue.object([("valid", .bool(isValid)), ("partial", .bool(isPartial)),
                                ("stats", Self.statsObject(stats, tasks: tables.count)), ("tasks", .array(tasks))])
    var out: [UInt8] = []
    var w = JSONWriter(pretty: prettyPrinted) { out.append(contentsOf: $0) }
    top.write(to: &w, sortingKeys: true)
    w.flush()
    return String(decoding: out, as: UTF8.self)
  }

  static func statsObject(_ s: ValidationStats, tasks: Int?) -> JSONValue {
    var o: [(String, JSONValue)] = [("rows", .int(s.rows)), ("validRows", .int(s.validRows)), ("errors", .int(s.errors)),
                                    ("warnings", .int(s.warnings)), ("policy", .int(s.policyFindings)), ("infos", .int(s.infos))]
    if let tasks { o.append(("tasks", .int(tasks))) }
    return .object(o)
  }

  static let labelCodes: Set<DiagnosticCode> = [.missingLabel, .extraLabel, .blankLabel, .duplicateLabel, .incorrectLabel]

  static func object(for d: Diagnostic, lang: MessageLanguage) -> JSONValue {
    let m = MessageCatalog.render(d, lang: lang)
    var o: [(String, JSONValue)] = [("type", .string(d.code.slug)), ("title", .string(m.title)), ("message", .string(m.message)),
                                    ("note", .string(m.hint)), ("severity", .string(d.severity.description))]
    if let r = d.location.row {
      // Header findings are about the header row(s), as Frictionless's label errors: `rowNumbers`.
      if Self.labelCodes.contains(d.code) { o.append(("rowNumbers", .array([.int(r + 1)]))) } else { o.append(("rowNumber", .int(r + 1))) }
    }
    if let n = d.parameter("fieldNumber").flatMap({ Int($0) }) { o.append(("fieldNumber", .int(n))) }
    if let name = d.parameter("fieldName") { o.append(("fieldName", .string(name))) }
    if let f = d.field { o.append(("fieldTitle", .string(f))) }
    if let v = d.value { o.append(("cell", .string(v))) }
    if let s = d.location.sheet { o.append(("sheet", .string(s))) }
    if let a1 = d.location.a1 { o.append(("a1", .string(a1))) }
    if let c = d.location.column { o.append(("columnNumber", .int(c + 1))) }
    var parameters: [(String, JSONValue)] = []
    var seen = Set<String>()
    for p in d.parameters where p.key != "fieldName" && p.key != "fieldNumber" && !p.key.hasPrefix("message") {
      // The last value of a repeated key wins, as a dictionary's would.
      if !seen.insert(p.key).inserted { parameters.removeAll { $0.0 == p.key } }
      parameters.append((p.key, .string(p.value)))
    }
    if !parameters.isEmpty { o.append(("parameters", .object(parameters))) }
    return .object(o)
  }
}

/// A small JSON value for documents built in memory before they are written (a report of at most
/// a few thousand findings); large outputs stream through ``JSONWriter`` directly.
public indirect enum JSONValue: Sendable {
  case string(String)
  case int(Int)
  case bool(Bool)
  case null
  case array([JSONValue])
  /// Members in the order given (``write(to:sortingKeys:)`` can sort them).
  case object([(String, JSONValue)])

  /// Writes the value; with `sortingKeys` every object's members in key order (byte order of UTF-8).
  public func write(to w: inout JSONWriter, sortingKeys: Bool = false) {
    switch self {
    case .string(let s): w.string(s)
    case .int(let i): w.integer(i)
    case .bool(let b): w.bool(b)
    case .null: w.null()
    case .array(let a):
      w.beginArray()
      for v in a { v.write(to: &w, sortingKeys: sortingKeys) }
      w.endArray()
    case .object(let members):
      w.beginObject()
      for (k, v) in sortingKeys ? members.sorted(by: { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }) : members {
        w.key(k)
        v.write(to: &w, sortingKeys: sortingKeys)
      }
      w.endObject()
    }
  }
}

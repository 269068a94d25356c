import Diagnostics
import Foundation
import Yams

extension TableSchema {
  /// Loads a schema from YAML or JSON text.
  ///
  /// Unknown keys are ignored, so a plain Frictionless Table Schema loads unchanged.
  /// - Throws: `SchemaError` with the file, line and column of the problem.
  public init(yaml text: String, file: String? = nil) throws(SchemaError) {
    self = try SchemaLoader(file: file, text: text).load()
  }

  /// Loads a schema file (`.yaml`, `.yml` or `.json`).
  /// - Throws: `SchemaError` (`io` when the file cannot be read).
  public init(contentsOfFile path: String) throws(SchemaError) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SchemaError(.io, "cannot read the schema file", file: path)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw SchemaError(.syntax, "the schema file is not UTF-8", file: path)
    }
    try self.init(yaml: text, file: path)
  }
}

/// Walks a Yams `Node` tree (which keeps line/column marks) into a `TableSchema`.
struct SchemaLoader {
  let file: String?
  let text: String

  func error(_ code: SchemaError.Code, _ message: String, _ node: Node?) -> SchemaError {
    SchemaError(code, message, file: file, line: node?.mark?.line, column: node?.mark?.column)
  }

  func load() throws(SchemaError) -> TableSchema {
    let root: Node
    do {
      guard let n = try Yams.compose(yaml: text, .basic, .default, .utf8) else { throw SchemaError(.syntax, "the schema is empty", file: file) }
      root = n
    } catch let e as SchemaError {
      throw e
    } catch let e as YamlError {
      throw yamlError(e)
    } catch {
      throw SchemaError(.syntax, "\(error)", file: file)
    }
    guard let map = root.keyedMapping else { throw self.error(.badValue, "a schema must be a mapping with `fields`", root) }
    guard let fieldsNode = map["fields"] else { throw self.error(.missingKey, "the schema has no `fields`", root) }
    guard let fieldNodes = fieldsNode.sequence else { throw self.error(.badValue, "`fields` must be a list", fieldsNode) }

    let schemaMissing = try strings(map["missingValues"]) ?? [""]
    var fields: [Field] = []
    for node in fieldNodes {
      let f = try field(node, schemaMissing: schemaMissing)
      if fields.contains(where: { $0.name == f.name }) {
        throw error(.duplicateField, "field `\(f.name)` is declared twice", node)
      }
      fields.append(f)
    }
    var schema = TableSchema(
      name: try string(map["name"]) ?? file.map { ($0 as NSString).lastPathComponent } ?? "schema",
      title: try string(map["title"]), description: try string(map["description"]),
      keywords: try strings(map["keywords"]) ?? [], fields: fields, missingValues: schemaMissing,
      primaryKey: [], uniqueKeys: [], foreignKeys: [], rules: [], aggregates: [], file: file)
    if let pk = map["primaryKey"] { schema.primaryKey = try fieldList(pk, schema) }
    if let uk = map["uniqueKeys"] {
      guard let seq = uk.sequence else { throw error(.badValue, "`uniqueKeys` must be a list of field lists", uk) }
      for k in seq { schema.uniqueKeys.append(try fieldList(k, schema)) }
    }
    if let ex = map["exclusive"] {
      guard let seq = ex.sequence else { throw error(.badValue, "`exclusive` must be a list of {lists, keys}", ex) }
      for (i, node) in seq.enumerated() {
        guard let m = node.keyedMapping else { throw error(.badValue, "an `exclusive` entry is a mapping with `lists` and `keys`", node) }
        guard let lists = try strings(m["lists"]), lists.count >= 2 else {
          throw error(.badValue, "`exclusive` needs `lists`: the schema names of at least two lists", node)
        }
        guard let keysNode = m["keys"], let keySeq = keysNode.sequence, !keySeq.isEmpty else {
          throw error(.badValue, "`exclusive` needs `keys`: a list of field lists", node)
        }
        var keys: [[String]] = []
        for k in keySeq {
          let names = try fieldList(k, schema).map { schema.fields[$0].name }
          keys.append(names)
        }
        schema.exclusive.append(ExclusiveRule(name: try string(m["name"]) ?? "exclusive-\(i + 1)", lists: lists, keys: keys,
                                              message: try string(m["message"])))
      }
    }
    for (i, node) in fieldNodes.enumerated() {
      guard let m = node.keyedMapping, let a = m["acrossAgencies"] else { continue }
      guard try string(a) == "unique" else { throw error(.badValue, "`acrossAgencies` is `unique`", a) }
      schema.uniqueAcrossAgencies.append(i)
    }
    if let fk = map["foreignKeys"] {
      guard let seq = fk.sequence else { throw error(.badValue, "`foreignKeys` must be a list", fk) }
      for k in seq { schema.foreignKeys.append(try foreignKey(k, schema)) }
    }
    if let rules = map["rules"] {
      guard let seq = rules.sequence else { throw error(.badValue, "`rules` must be a list", rules) }
      for (i, r) in seq.enumerated() { schema.rules.append(try rowRule(r, i, schema)) }
    }
    if let aggs = map["aggregates"] {
      guard let seq = aggs.sequence else { throw error(.badValue, "`aggregates` must be a list", aggs) }
      for (i, r) in seq.enumerated() { schema.aggregates.append(try aggregateRule(r, i, schema)) }
    }
    schema.isPlainTableSchema = Self.usesTableSchemaOnly(root, fields: schema.fields)
    return schema
  }

  /// Keys of Frictionless Table Schema (v1), at the schema, field and constraints levels.
  static let tableSchemaKeys: Set<String> = ["$schema", "fields", "missingValues", "primaryKey", "foreignKeys", "name",
                                             "title", "description", "profile"]
  static let tableSchemaFieldKeys: Set<String> = ["name", "title", "description", "type", "format", "constraints",
                                                  "missingValues", "trueValues", "falseValues", "example", "rdfType",
                                                  "bareNumber", "groupChar", "decimalChar"]
  static let tableSchemaConstraintKeys: Set<String> = ["required", "unique", "minimum", "maximum", "minLength",
                                                       "maxLength", "pattern", "enum"]

  /// True when the schema uses Table Schema keys only (no sheetgate extension) and default formats:
  /// it is then applied as Frictionless applies it (header by position, Frictionless's report shapes).
  static func usesTableSchemaOnly(_ root: Node, fields: [Field]) -> Bool {
    func keys(_ n: Node?) -> [String] { n?.mapping.map { $0.keys.compactMap { $0.scalar?.string } } ?? [] }
    guard keys(root).allSatisfy(tableSchemaKeys.contains),
          fields.allSatisfy({ $0.format == .default }),
          let fieldNodes = root.mapping?["fields"]?.sequence else { return false }
    for node in fieldNodes {
      guard keys(node).allSatisfy(tableSchemaFieldKeys.contains),
            keys(node.mapping?["constraints"]).allSatisfy(tableSchemaConstraintKeys.contains) else { return false }
    }
    return true
  }

  private func yamlError(_ e: YamlError) -> SchemaError {
    switch e {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
         .composer(_, let problem, let mark, _):
      return SchemaError(.syntax, problem, file: file, line: mark.line, column: mark.column)
    default:
      return SchemaError(.syntax, "\(e)", file: file)
    }
  }

  // MARK: scalars

  func string(_ node: Node?) throws(SchemaError) -> String? {
    guard let node else { return nil }
    guard let s = node.scalar else { throw error(.badValue, "expected a text value", node) }
    return s.string
  }

  func strings(_ node: Node?) throws(SchemaError) -> [String]? {
    guard let node else { return nil }
    if let s = node.scalar { return [s.string] }
    guard let seq = node.sequence else { throw error(.badValue, "expected a list of texts", node) }
    var out: [String] = []
    for n in seq {
      guard let s = n.scalar else { throw error(.badValue, "expected a text value", n) }
      out.append(s.string)
    }
    return out
  }

  func bool(_ node: Node?) throws(SchemaError) -> Bool? {
    guard let node else { return nil }
    guard let s = node.scalar?.string.lowercased() else { throw error(.badValue, "expected true or false", node) }
    switch s {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: throw error(.badValue, "expected true or false, found `\(s)`", node)
    }
  }

  func int(_ node: Node?) throws(SchemaError) -> Int? {
    guard let node else { return nil }
    guard let s = node.scalar?.string, let v = Int(s), v >= 0 else {
      throw error(.badValue, "expected a non-negative whole number", node)
    }
    return v
  }

  // MARK: fields

  func field(_ node: Node, schemaMissing: [String]) throws(SchemaError) -> Field {
    guard let map = node.keyedMapping else { throw error(.badValue, "a field must be a mapping", node) }
    guard let name = try string(map["name"]), !name.isEmpty else {
      throw error(.missingKey, "a field needs a `name`", node)
    }
    var f = Field(name: name)
    f.line = node.mark?.line ?? 0
    f.title = try string(map["title"])
    f.description = try string(map["description"])
    if let t = map["type"] {
      let s = try string(t) ?? "string"
      guard let type = FieldType(rawValue: s) else {
        throw error(.unknownType, "unknown type `\(s)` for field `\(name)` (known: "
                    + FieldType.allCases.map(\.rawValue).joined(separator: ", ") + ")", t)
      }
      f.type = type
    }
    if let fm = map["format"] {
      let s = try string(fm) ?? "default"
      if s.hasPrefix("%") || s == "default" || s == "any" {
        f.format = .default  // Frictionless date patterns: every Chinese form is accepted anyway
      } else if let format = FieldFormat(rawValue: s), f.type == .string || f.type == .any {
        f.format = format
      } else {
        throw error(.unknownFormat, "unknown format `\(s)` for a \(f.type.rawValue) field `\(name)`", fm)
      }
    }
    f.missingValues = try strings(map["missingValues"]) ?? schemaMissing
    f.trueValues = try strings(map["trueValues"]) ?? []
    f.falseValues = try strings(map["falseValues"]) ?? []
    f.aliases = try strings(map["aliases"]) ?? []
    f.fillMerged = try bool(map["fillMerged"]) ?? false
    if let p = map["precision"] {
      switch try string(p) {
      case "day"?: f.monthPrecision = false
      case "month"? where f.type == .date: f.monthPrecision = true
      case "month"?: throw error(.badValue, "`precision: month` applies to date fields (`\(name)` is \(f.type.rawValue); use type yearmonth)", p)
      default: throw error(.badValue, "`precision` is `day` or `month`", p)
      }
    }
    if let n = map["normalize"] {
      for (i, s) in (try strings(n) ?? []).enumerated() {
        guard let step = NormalizeStep(rawValue: s) else {
          throw error(.badValue, "unknown normalize step `\(s)` (known: trim, nfkc, docNumberBrackets)",
                      n.sequence.map { $0[i] } ?? n)
        }
        f.normalize.append(step)
      }
    }
    if let syn = map["enumSynonyms"] {
      guard let m = syn.mapping else { throw error(.badValue, "`enumSynonyms` maps a value to its synonyms", syn) }
      for (k, v) in m {
        guard let canonical = k.scalar?.string else { throw error(.badValue, "expected a value", k) }
        for s in try strings(v) ?? [] { f.enumSynonyms[s] = canonical }
      }
    }
    if let c = map["constraints"] { f.constraints = try constraints(c, f) }
    return f
  }

  /// Coerces a constraint bound written in the schema to the field's type.
  func typed(_ node: Node, _ f: Field, _ what: String) throws(SchemaError) -> TypedValue {
    guard let s = node.scalar?.string else { throw error(.badValue, "`\(what)` must be a single value", node) }
    var plain = f
    plain.format = .default
    plain.enumSynonyms = [:]
    plain.missingValues = []
    var coercer = CellCoercer()
    let out = coercer.coerce(text: s, field: plain)
    if out.failure != nil || out.value.isNull {
      throw error(.badValue, "`\(what)` value `\(s)` is not a \(f.type.rawValue)", node)
    }
    return out.value
  }

  func constraints(_ node: Node, _ f: Field) throws(SchemaError) -> FieldConstraints {
    guard let map = node.keyedMapping else { throw error(.badValue, "`constraints` must be a mapping", node) }
    var c = FieldConstraints()
    c.required = try bool(map["required"]) ?? false
    c.unique = try bool(map["unique"]) ?? false
    if let n = map["minimum"] { c.minimum = try typed(n, f, "minimum") }
    if let n = map["maximum"] { c.maximum = try typed(n, f, "maximum") }
    c.minLength = try int(map["minLength"])
    c.maxLength = try int(map["maxLength"])
    if let p = map["pattern"] {
      let source = try string(p) ?? ""
      do {
        c.pattern = try CompiledPattern(source)
      } catch {
        let at = error.position.map { " at character \($0) of the pattern" } ?? ""
        throw self.error(.badPattern, "invalid regular expression `\(source)` for field `\(f.name)`\(at): \(error.message)", p)
      }
    }
    if let e = map["enum"] {
      guard let seq = e.sequence else { throw error(.badValue, "`enum` must be a list", e) }
      var values: [TypedValue] = []
      for v in seq { values.append(try typed(v, f, "enum")) }
      c.enumValues = values
    }
    return c
  }

  // MARK: keys

  func fieldList(_ node: Node, _ schema: TableSchema) throws(SchemaError) -> [Int] {
    var out: [Int] = []
    for name in try strings(node) ?? [] {
      guard let i = schema.fieldIndex(named: name) else {
        throw error(.unknownField, "unknown field `\(name)`", node)
      }
      out.append(i)
    }
    return out
  }

  func foreignKey(_ node: Node, _ schema: TableSchema) throws(SchemaError) -> ForeignKey {
    guard let map = node.keyedMapping, let fields = map["fields"] else {
      throw error(.badValue, "a foreign key needs `fields` and `reference`", node)
    }
    guard let ref = map["reference"]?.keyedMapping else {
      throw error(.badValue, "a foreign key needs a `reference` mapping", node)
    }
    return ForeignKey(fields: try fieldList(fields, schema), resource: try string(ref["resource"]) ?? "",
                      referenceFields: try strings(ref["fields"]) ?? [])
  }

  // MARK: rules

  /// Compiles an expression scalar, mapping expression offsets to file columns.
  func compile(_ node: Node, aggregate: Bool, _ schema: TableSchema)
    throws(SchemaError) -> (RuleExpression, [AggregateSlot], [Int])
  {
    guard let scalar = node.scalar else { throw error(.badValue, "an expression must be text", node) }
    var used: [Int] = []
    let resolve: (String) -> (Int, ExpressionType)? = { name in
      guard let i = schema.fieldIndex(named: name) else { return nil }
      used.append(i)
      return (i, ExpressionType(schema.fields[i].type))
    }
    do throws(ExpressionError) {
      let syntax = try ExpressionParser.parse(scalar.string)
      var checker = ExpressionChecker(aggregate: aggregate, resolve: resolve)
      let (e, t) = try checker.check(syntax)
      guard t == .boolean || t == .null else {
        throw ExpressionError("a rule must be a true/false expression, not \(t)", offset: 0)
      }
      var seen = Set<Int>()
      return (e, checker.slots, used.filter { seen.insert($0).inserted })
    } catch {
      let code: SchemaError.Code =
        error.message.hasPrefix("unknown field") ? .unknownField
        : (error.message.contains("needs") || error.message.contains("cannot compare") || error.message.contains("must be")
           || error.message.contains("list item") || error.message.contains("cannot order")) ? .expressionType
        : .badExpression
      let (line, column) = position(of: scalar, offset: error.offset)
      throw SchemaError(code, "\(error.message) in `\(scalar.string)`", file: file, line: line, column: column)
    }
  }

  /// The file line and column of scalar offset `offset` inside an expression scalar.
  func position(of scalar: Node.Scalar, offset: Int) -> (Int?, Int?) {
    guard let mark = scalar.mark else { return (nil, nil) }
    switch scalar.style {
    case .plain, .any:
      return (mark.line, mark.column + offset)
    case .singleQuoted, .doubleQuoted:
      return (mark.line, mark.column + 1 + offset)
    default:
      // Block scalars: the text starts on the next line; count lines inside the expression.
      let prefix = scalar.string.unicodeScalars.prefix(offset)
      let lines = prefix.filter { $0 == "\n" }.count
      let lastLine = prefix.split(separator: "\n", omittingEmptySubsequences: false).last?.count ?? offset
      return (mark.line + 1 + lines, lastLine + 1)
    }
  }

  func ruleCommon(_ node: Node, _ index: Int, prefix: String)
    throws(SchemaError) -> (map: KeyedMapping, name: String, exprNode: Node, severity: Severity, message: String, en: String?)
  {
    guard let map = node.keyedMapping else { throw error(.badValue, "a rule must be a mapping", node) }
    guard let exprNode = map["expression"] ?? map["rule"] ?? map["assert"] else {
      throw error(.missingKey, "a rule needs an `expression`", node)
    }
    var severity = Severity.error
    if let s = map["severity"] {
      let text = try string(s) ?? ""
      guard let sev = Severity(name: text) else {
        throw error(.badValue, "unknown severity `\(text)` (error, warning, policy, info)", s)
      }
      severity = sev
    }
    let name = try string(map["name"]) ?? "\(prefix)-\(index + 1)"
    let message = try string(map["message"]) ?? exprNode.scalar?.string ?? name
    return (map, name, exprNode, severity, message, try string(map["message_en"]))
  }

  func rowRule(_ node: Node, _ index: Int, _ schema: TableSchema) throws(SchemaError) -> RowRule {
    let c = try ruleCommon(node, index, prefix: "rule")
    let (e, _, used) = try compile(c.exprNode, aggregate: false, schema)
    return RowRule(name: c.name, source: c.exprNode.scalar?.string ?? "", expression: e, severity: c.severity,
                   message: c.message, messageEn: c.en, fields: used)
  }

  func aggregateRule(_ node: Node, _ index: Int, _ schema: TableSchema) throws(SchemaError) -> AggregateRule {
    let c = try ruleCommon(node, index, prefix: "aggregate")
    let groupBy = try c.map["groupBy"].map { n throws(SchemaError) in try fieldList(n, schema) } ?? []
    let (e, slots, _) = try compile(c.exprNode, aggregate: true, schema)
    return AggregateRule(name: c.name, source: c.exprNode.scalar?.string ?? "", groupBy: groupBy, expression: e,
                         slots: slots, severity: c.severity, message: c.message, messageEn: c.en)
  }
}

/// A YAML mapping's values by key text, gathered in one pass: a lookup in Yams' `Node.Mapping`
/// compares `Node`s one by one, which was a quarter of loading the built-in schemas at start-up.
/// The first of two equal keys wins, as in `Node.Mapping` (Yams reports duplicates anyway).
struct KeyedMapping {
  private let byKey: [String: Node]

  init(_ mapping: Node.Mapping) {
    var d: [String: Node] = [:]
    d.reserveCapacity(mapping.count)
    for (k, v) in mapping {
      if let key = k.scalar?.string, d[key] == nil { d[key] = v }
    }
    byKey = d
  }

  subscript(_ key: String) -> Node? { byKey[key] }
}

extension Node {
  /// The mapping, keyed by text; nil when the node is not a mapping.
  var keyedMapping: KeyedMapping? { mapping.map(KeyedMapping.init) }
}

import Recognition
import Schema

/// Finds schemas by name or path and turns them into what `Recognition` matches headers against.
public enum SchemaCatalog {
  /// A built-in name (`training-hours`) or a path to a YAML/JSON Table Schema file.
  /// - Throws: `SchemaError` with file, line and column for a bad schema file; `StatusProblem` for an unknown name.
  public static func resolve(_ nameOrPath: String) throws -> TableSchema {
    if BuiltinSchemas.names.contains(nameOrPath) { return try BuiltinSchemas.load(named: nameOrPath) }
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.hasSuffix(".json") {
      return try TableSchema(contentsOfFile: nameOrPath)
    }
    throw UsageProblem(message: "unknown schema \"\(nameOrPath)\"; built-in schemas: \(BuiltinSchemas.names.joined(separator: ", ")), or give a path to a .yaml/.json file.",
                       messageZH: "没有名为「\(nameOrPath)」的表结构。内置表结构：\(BuiltinSchemas.names.joined(separator: "、"))；也可以给出 .yaml/.json 文件路径。")
  }

  /// Every built-in ledger schema (the roster is a lookup list, not a ledger agencies submit).
  public static func builtinLedgers() throws -> [TableSchema] {
    try BuiltinSchemas.names.filter { $0 != "agency-roster" }.map { try BuiltinSchemas.load(named: $0) }
  }

  /// The labels Recognition matches a header against: titles, aliases, required and fillMerged flags.
  public static func labels(_ schema: TableSchema) -> LedgerLabels {
    LedgerLabels(name: schema.name, title: schema.title ?? schema.name, keywords: schema.keywords,
                 fields: schema.fields.map {
                   FieldLabels(name: $0.name, title: $0.title ?? $0.name, aliases: $0.aliases,
                               required: $0.constraints.required, fillMerged: $0.fillMerged)
                 })
  }
}

/// A usage or configuration problem (exit status 2): a bad option value, an unknown schema.
public struct UsageProblem: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var messageZH: String
  public init(message: String, messageZH: String) { self.message = message; self.messageZH = messageZH }
  public var description: String { message }
  public func text(chinese: Bool) -> String { chinese ? messageZH : message }
}

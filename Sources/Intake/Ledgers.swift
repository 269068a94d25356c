import Recognition
import Schema

/// Finds schemas by name or path.
public enum SchemaCatalog {
  /// A built-in name (`training-hours`) or a path to a YAML/JSON Table Schema file.
  /// - Throws: `SchemaError` with file, line and column for a bad schema file; ``UsageProblem`` for an unknown name.
  public static func resolve(_ nameOrPath: String) throws -> TableSchema {
    if BuiltinSchemas.names.contains(nameOrPath) { return try BuiltinSchemas.load(named: nameOrPath) }
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.hasSuffix(".json") {
      return try TableSchema(contentsOfFile: nameOrPath)
    }
    throw UsageProblem(message: "unknown schema \"\(nameOrPath)\"; built-in schemas: \(BuiltinSchemas.names.joined(separator: ", ")), or give a path to a .yaml/.json file.",
                       messageZH: "没有名为「\(nameOrPath)」的表结构。内置表结构：\(BuiltinSchemas.names.joined(separator: "、"))；也可以给出 .yaml/.json 文件路径。")
  }

  /// Every built-in ledger schema, the agency roster included: a roster sent for checking is
  /// recognised and validated like any ledger (credit codes, repeated names).
  public static func builtinLedgers() throws -> [TableSchema] {
    try BuiltinSchemas.names.map { try BuiltinSchemas.load(named: $0) }
  }
}

/// The ledgers a walk chooses among, with the recogniser built from them once.
///
/// Build one per run and share it: the recogniser's matchers are made at `init` (the cost a
/// 500-row submission would otherwise pay per file), and a `Ledgers` is immutable, so worker
/// threads use the same value.
public struct Ledgers: Sendable {
  /// The candidate schemas, in the order recognition scores them (and reports list them).
  public let schemas: [TableSchema]
  /// Matches headers against the schemas' titles and aliases.
  public let recognizer: TableRecognizer
  /// The schema the caller named, when it did: every table is read as that ledger.
  public let named: TableSchema?

  /// The named schema alone, or every built-in ledger when `schema` is nil.
  /// - Throws: a schema loading error for the built-in ledgers.
  public init(schema: TableSchema?) throws {
    try self.init(schemas: schema.map { [$0] } ?? SchemaCatalog.builtinLedgers(), named: schema)
  }

  /// Exactly these candidates; `named` forces every table to be read as that one.
  public init(schemas: [TableSchema], named: TableSchema? = nil) {
    self.schemas = schemas
    self.named = named
    recognizer = TableRecognizer(ledgers: schemas.map(LedgerLabels.init(schema:)))
  }

  /// The schemas' titles, joined for a message (「执法人员培训学时台账、…」).
  public var titles: String { schemas.map { $0.title ?? $0.name }.joined(separator: "、") }
}

/// A usage or configuration problem (exit status 2): a bad option value, an unknown schema.
public struct UsageProblem: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var messageZH: String
  public init(message: String, messageZH: String) { self.message = message; self.messageZH = messageZH }
  public var description: String { message }
  public func text(chinese: Bool) -> String { chinese ? messageZH : message }
}

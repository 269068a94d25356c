/// A schema file that cannot be used: what is wrong and where (file, 1-based line and column).
public struct SchemaError: Error, Sendable, CustomStringConvertible {
  /// What kind of problem.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    public let slug: String
    public init(_ slug: String) { self.slug = slug }
    public var description: String { slug }

    /// The text is not valid YAML/JSON.
    public static let syntax = Code("syntax")
    /// A key has a value of the wrong shape (a string where a list is needed…).
    public static let badValue = Code("bad-value")
    /// A required key (`fields`, a field's `name`) is missing.
    public static let missingKey = Code("missing-key")
    public static let unknownType = Code("unknown-type")
    public static let unknownFormat = Code("unknown-format")
    public static let badPattern = Code("bad-pattern")
    /// A key, rule or aggregate names a field the schema does not have.
    public static let unknownField = Code("unknown-field")
    public static let duplicateField = Code("duplicate-field")
    /// An expression does not lex or parse.
    public static let badExpression = Code("bad-expression")
    /// An expression does not type-check.
    public static let expressionType = Code("expression-type")
    public static let unknownSchema = Code("unknown-schema")
    public static let io = Code("io")
  }

  public var code: Code
  public var message: String
  public var file: String?
  public var line: Int?
  public var column: Int?

  public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
    self.code = code
    self.message = message
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line:column: message`.
  public var description: String {
    var s = file ?? "<schema>"
    if let line { s += ":\(line)" }
    if let column { s += ":\(column)" }
    return s + ": " + message
  }
}

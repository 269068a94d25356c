import Diagnostics

/// A field's constraints (Frictionless `constraints`), with bounds already typed.
public struct FieldConstraints: Sendable {
  public var required = false
  public var unique = false
  /// Lower bound, typed like the field (decimal, date, year-month…).
  public var minimum: TypedValue?
  public var maximum: TypedValue?
  public var minLength: Int?
  public var maxLength: Int?
  public var pattern: CompiledPattern?
  /// Allowed values, typed like the field.
  public var enumValues: [TypedValue]?

  public init() {}
}

/// A constraint a value breaks.
public struct ConstraintViolation: Sendable, Hashable {
  /// `required`, `minimum`, `maximum`, `minLength`, `maxLength`, `pattern` or `enum`.
  public var constraint: String
  /// The limit as text (the bound, the pattern, or the allowed values joined with `、`).
  public var limit: String

  /// Parameters for a `constraint-error` diagnostic (`expected` selects the message variant).
  public var parameters: [DiagnosticParameter] {
    let key = constraint == "enum" ? "allowed" : "limit"
    return [.init("expected", constraint), .init("constraint", constraint), .init(key, limit)]
  }
}

/// One column of a table schema.
public struct Field: Sendable {
  /// The field's name (unique in the schema; used in expressions and keys).
  public var name: String
  /// The display title, usually the Chinese column header.
  public var title: String?
  public var type: FieldType
  public var format: FieldFormat
  public var description: String?
  public var constraints: FieldConstraints
  /// Texts that mean "no value": the field's own `missingValues`, else the schema's.
  public var missingValues: [String] {
    didSet { missingValueBytes = missingValues.map { Array($0.utf8) } }
  }
  /// Texts that mean true/false for boolean fields (in addition to the built-in 是/否, Y/N, √/×…).
  public var trueValues: [String]
  public var falseValues: [String]
  /// Other header spellings that map to this field.
  public var aliases: [String]
  /// Synonym → canonical value, e.g. `Y → 是`, `网络学习 → 网络培训`.
  public var enumSynonyms: [String: String]
  /// Normalisation steps; when empty the defaults apply (trim, and nfkc for non-string types and formats).
  public var normalize: [NormalizeStep]
  /// A vertically merged cell's value applies to every row of its range.
  public var fillMerged: Bool
  /// For a `date` field, `precision: month`: a month on its own (`2023年12月`, `2023-12`,
  /// `2023.12`) is a valid value, read as the month's last day (a deadline of 2023年12月 is
  /// met by 2023-12-31). Full dates are read as usual.
  public var monthPrecision: Bool
  /// The line of the schema file where the field was declared (1-based; 0 when built in code).
  public var line: Int

  private(set) var missingValueBytes: [[UInt8]]

  /// Makes a field with defaults (Frictionless: `missingValues: [""]`).
  public init(name: String, title: String? = nil, type: FieldType = .string, format: FieldFormat = .default) {
    self.name = name
    self.title = title
    self.type = type
    self.format = format
    self.constraints = FieldConstraints()
    self.missingValues = [""]
    self.missingValueBytes = [[]]
    self.trueValues = []
    self.falseValues = []
    self.aliases = []
    self.enumSynonyms = [:]
    self.normalize = []
    self.fillMerged = false
    self.monthPrecision = false
    self.line = 0
  }

  /// The title, or the name when there is no title.
  public var displayName: String { title ?? name }

  /// The normalisation steps in effect.
  /// True when `effectiveNormalize` contains `step`; builds no `Set` (the per-cell path asks this).
  @inlinable
  public func normalizes(_ step: NormalizeStep) -> Bool {
    if !normalize.isEmpty { return normalize.contains(step) }
    switch step {
    case .trim: return true
    case .nfkc: return type != .string || format != .default
    case .docNumberBrackets: return format == .docNumber
    }
  }

  public var effectiveNormalize: Set<NormalizeStep> {
    if !normalize.isEmpty { return Set(normalize) }
    var s: Set<NormalizeStep> = [.trim]
    if type != .string || format != .default { s.insert(.nfkc) }
    if format == .docNumber { s.insert(.docNumberBrackets) }
    return s
  }

  /// The first constraint (other than `unique`) that `value` breaks, or nil.
  ///
  /// `required` fails for null; the other constraints pass for null (Frictionless semantics).
  public func violation(_ value: TypedValue) -> ConstraintViolation? {
    let c = constraints
    if value.isNull {
      return c.required ? ConstraintViolation(constraint: "required", limit: "") : nil
    }
    if let minimum = c.minimum, let k = RuleExpression.compare(value, minimum), k < 0 {
      return ConstraintViolation(constraint: "minimum", limit: minimum.description)
    }
    if let maximum = c.maximum, let k = RuleExpression.compare(value, maximum), k > 0 {
      return ConstraintViolation(constraint: "maximum", limit: maximum.description)
    }
    if case .string(let s) = value {
      if let n = c.minLength, s.count < n { return ConstraintViolation(constraint: "minLength", limit: String(n)) }
      if let n = c.maxLength, s.count > n { return ConstraintViolation(constraint: "maxLength", limit: String(n)) }
    }
    if let p = c.pattern, !p.matches(value.description) {
      return ConstraintViolation(constraint: "pattern", limit: p.source)
    }
    if let allowed = c.enumValues, !allowed.contains(where: { RuleExpression.compare($0, value) == 0 }) {
      return ConstraintViolation(constraint: "enum", limit: allowed.map(\.description).joined(separator: "、"))
    }
    return nil
  }
}

/// The type of an expression in the rule language.
public enum ExpressionType: String, Sendable, Hashable, CustomStringConvertible {
  case boolean, number, string, date, yearmonth, datetime, time
  /// The type of the `null` literal: compatible with every type.
  case null

  public var description: String { rawValue }

  /// The expression type of a field type (`integer` and `year` are numbers).
  init(_ t: FieldType) {
    switch t {
    case .string, .any: self = .string
    case .integer, .number, .year: self = .number
    case .boolean: self = .boolean
    case .date: self = .date
    case .yearmonth: self = .yearmonth
    case .datetime: self = .datetime
    case .time: self = .time
    }
  }
}

/// A built-in function of the rule language.
public enum ExpressionFunction: String, Sendable, CaseIterable {
  case year, month, day, len, coalesce, abs
  case isNull = "is_null"
  case present
  /// The year inside a document number's 〔〕 (`乌政办发〔2022〕115号` → 2022).
  case docYear = "doc_year"
  /// `round(x, n)`: `x` rounded half away from zero to `n` fraction digits (`n` a literal 0…10).
  case round
  /// `approx(a, b, tolerance)`: true when `|a − b| ≤ tolerance`.
  case approx
}

/// An arithmetic operator of the rule language (a case, so evaluating it compares no text).
public enum ArithmeticOperator: String, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/"

  /// `x op y`, or nil on overflow or division by zero. A quotient keeps
  /// `ExactDecimal.quotientScale` fraction digits.
  @inline(__always)
  public func apply(_ x: ExactDecimal, _ y: ExactDecimal) -> ExactDecimal? {
    switch self {
    case .add: return x.adding(y)
    case .subtract: return x.subtracting(y)
    case .multiply: return x.multiplying(by: y)
    case .divide: return x.quotient(dividingBy: y)
    }
  }
}

/// A comparison operator of the rule language.
public enum ComparisonOperator: String, Sendable {
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

  /// True when a three-way comparison result `c` (-1, 0, 1) satisfies the operator.
  @inline(__always)
  public func holds(_ c: Int) -> Bool {
    switch self {
    case .equal: return c == 0
    case .notEqual: return c != 0
    case .less: return c < 0
    case .lessOrEqual: return c <= 0
    case .greater: return c > 0
    case .greaterOrEqual: return c >= 0
    }
  }
}

/// A checked, compiled expression: names resolved to field indices, regexes compiled.
public indirect enum RuleExpression: Sendable {
  case literal(TypedValue)
  case field(Int)
  case negate(RuleExpression)
  case not(RuleExpression)
  case arithmetic(ArithmeticOperator, RuleExpression, RuleExpression)
  case compare(ComparisonOperator, RuleExpression, RuleExpression)
  case and(RuleExpression, RuleExpression)
  case or(RuleExpression, RuleExpression)
  case inList(RuleExpression, [RuleExpression], negated: Bool)
  case matches(RuleExpression, CompiledPattern)
  case call(ExpressionFunction, [RuleExpression])
  /// The value of aggregate accumulator slot `n` (only in aggregate rules).
  case slot(Int)
}

/// One accumulator slot of an aggregate rule: `count()`, `count(cond)` or `sum(expr)`.
public enum AggregateSlot: Sendable {
  case count
  case countIf(RuleExpression)
  case sum(RuleExpression)
}

/// Why an expression could not be evaluated for a row although the values it reads are there.
public enum EvaluationFault: String, Sendable, Hashable {
  /// A division whose divisor is zero.
  case divisionByZero = "division-by-zero"
  /// A result too large for an exact decimal (18 significant digits).
  case overflow
  /// A value that is not a number where a number is needed, or two values that cannot be compared.
  case notANumber = "not-a-number"
  /// `doc_year` of a text that is not a document number (no year in 〔〕).
  case notADocumentNumber = "not-a-document-number"
}

/// The outcome of a rule on one row or group.
///
/// `unknown` means the expression could not be decided: a value it needs is null (such a rule
/// is skipped — the blank is reported by `required`, a bad cell by its type check), or the
/// evaluation itself failed (division by zero, overflow), which `RuleExpression.fault` tells
/// apart and the validator reports as `rule-not-evaluated`.
public enum RuleOutcome: Sendable, Hashable {
  case passed
  case failed
  case unknown
}

/// A row rule's expression with its commonest shapes decided without walking the expression tree.
///
/// The ledgers' rules are mostly `field >= 30`, `total == a + b` and `present(a) or present(b)`. Walking the
/// tree for them (`RuleExpression.outcome`) visits a node per operand, each a switch over an indirect enum,
/// and was about a tenth of validating a training-hours ledger. Those three shapes are recognised once, when
/// the rule is compiled, and decided here from the row's values directly; any other shape, and any value
/// these paths do not read themselves (a text where a number is expected), goes to the tree as before. The
/// outcome is always the tree's (`CompiledRuleTests` compares the two on every shape and every kind of value).
public struct CompiledRule: Sendable {
  enum Shape: Sendable {
    /// `field op literal`, the literal a number.
    case fieldVersusNumber(ComparisonOperator, field: Int, ExactDecimal)
    /// `field op (a arith b)`, all three fields.
    case fieldVersusArithmetic(ComparisonOperator, field: Int, ArithmeticOperator, Int, Int)
    /// `present(a) or present(b)`.
    case eitherPresent(Int, Int)
    /// Anything else: the tree decides.
    case tree
  }

  /// The expression as compiled from the schema.
  public let expression: RuleExpression
  let shape: Shape

  public init(_ expression: RuleExpression) {
    self.expression = expression
    shape = Self.shape(of: expression)
  }

  static func shape(of e: RuleExpression) -> Shape {
    switch e {
    case .compare(let op, .field(let f), .literal(let v)):
      if case .value(let d) = RuleExpression.numericValue(of: v) { return .fieldVersusNumber(op, field: f, d) }
    case .compare(let op, .field(let f), .arithmetic(let a, .field(let x), .field(let y))):
      return .fieldVersusArithmetic(op, field: f, a, x, y)
    case .or(.call(.present, let p), .call(.present, let q)) where p.count == 1 && q.count == 1:
      if case .field(let a) = p[0], case .field(let b) = q[0] { return .eitherPresent(a, b) }
    default:
      break
    }
    return .tree
  }

  /// The rule's outcome on `row` (typed values by field index): exactly `expression.outcome(buffer: row)`.
  @inline(__always)
  public func outcome(buffer row: UnsafeBufferPointer<TypedValue>) -> RuleOutcome {
    switch shape {
    case .fieldVersusNumber(let op, let f, let literal):
      switch Self.number(row, f) {
      case .value(let p): return op.holds(p < literal ? -1 : (p == literal ? 0 : 1)) ? .passed : .failed
      case .null: return .unknown
      case .other: break
      }
    case .fieldVersusArithmetic(let op, let f, let a, let x, let y):
      let left = Self.number(row, f)
      // The arithmetic node's value, as `RuleExpression.numericValue` makes it.
      let right: RuleExpression.NumericValue
      switch (Self.number(row, x), Self.number(row, y)) {
      case (.value(let p), .value(let q)): right = a.apply(p, q).map { .value($0) } ?? .null
      case (.other, _), (_, .other): right = .other
      default: right = .null
      }
      switch (left, right) {
      case (.value(let p), .value(let q)): return op.holds(p < q ? -1 : (p == q ? 0 : 1)) ? .passed : .failed
      case (.null, _), (_, .null): return .unknown
      default: break
      }
    case .eitherPresent(let a, let b):
      return Self.present(row, a) || Self.present(row, b) ? .passed : .failed
    case .tree:
      break
    }
    return expression.outcome(buffer: row)
  }

  @inline(__always)
  static func number(_ row: UnsafeBufferPointer<TypedValue>, _ f: Int) -> RuleExpression.NumericValue {
    guard f >= 0 && f < row.count else { return .null }
    return RuleExpression.numericValue(of: row[f])
  }

  /// `present(field)` as the tree decides it.
  @inline(__always)
  static func present(_ row: UnsafeBufferPointer<TypedValue>, _ f: Int) -> Bool {
    guard f >= 0 && f < row.count else { return false }
    switch row[f] {
    case .null: return false
    case .string(let s): return !s.isEmpty
    default: return true
    }
  }
}

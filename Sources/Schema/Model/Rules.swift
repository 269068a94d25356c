import Diagnostics

/// A row rule: a boolean expression every row must satisfy.
///
/// ```yaml
/// rules:
///   - name: total-is-sum
///     expression: 合计学时 == 公共法律知识学时 + 行业法律知识学时
///     severity: error
///     message: 合计学时应等于公共法律知识学时与行业法律知识学时之和
/// ```
/// A row where the expression is `unknown` because a needed value is null is skipped; one where
/// it could not be evaluated (division by zero, overflow) is reported as `rule-not-evaluated`.
public struct RowRule: Sendable {
  /// A short identifier (from `name`, or `rule-N`).
  public var name: String
  /// The expression as written.
  public var source: String
  /// The compiled expression.
  public var expression: RuleExpression
  /// `error`, `warning`, `policy` (or `info`).
  public var severity: Severity
  /// The zh-CN message shown when the rule fails.
  public var message: String
  /// An English message, if the schema gives one (`message_en`).
  public var messageEn: String?
  /// Indices of the fields the rule reads (the first one is where a report points).
  public var fields: [Int]

  /// Evaluates the rule on one typed row.
  public func check(_ row: [TypedValue]) -> RuleOutcome { expression.outcome(row) }

  /// The diagnostic code for a failure: `policy-violation` for policy rules, else `row-constraint`.
  public var code: DiagnosticCode { severity == .policy ? .policyViolation : .rowConstraint }
}

/// A rule over groups of rows, e.g. per agency: `count(role == "法制审核") >= 0.05 * count()`.
public struct AggregateRule: Sendable {
  public var name: String
  public var source: String
  /// Fields whose values form the group key (empty: the whole table is one group).
  public var groupBy: [Int]
  /// The compiled expression, reading accumulator slots.
  public var expression: RuleExpression
  /// The `count`/`sum` slots the expression reads.
  public var slots: [AggregateSlot]
  public var severity: Severity
  public var message: String
  public var messageEn: String?

  /// A fresh accumulator for this rule.
  public func makeAccumulator() -> AggregateAccumulator { AggregateAccumulator(rule: self) }
}

/// The result of an aggregate rule for one group.
public struct AggregateResult: Sendable {
  /// The group's key values as text (e.g. the agency name).
  public var group: [String]
  public var outcome: RuleOutcome
  /// The slot values (counts and sums) the decision was made on.
  public var values: [TypedValue]
  /// How many rows the group had.
  public var rowCount: Int
  /// Why the rule could not be evaluated for the group (an overflowing sum, a division by zero,
  /// a row whose `count`/`sum` argument could not be evaluated); nil when it was.
  public var fault: EvaluationFault? = nil
}

/// Feeds rows to an aggregate rule and decides it per group at the end.
///
/// Memory: one small array of slot values per distinct group key (constant per group),
/// plus the key strings. Rows whose group key is null are not counted.
public struct AggregateAccumulator: Sendable {
  public let rule: AggregateRule
  private var index: [[String]: Int] = [:]
  private var keys: [[String]] = []
  private var counts: [[Int64]] = []
  private var sums: [[ExactDecimal?]] = []
  private var rows: [Int] = []
  /// Per group, the first fault met while adding its rows.
  private var faults: [EvaluationFault?] = []

  init(rule: AggregateRule) { self.rule = rule }

  /// Adds one typed row.
  public mutating func add(_ row: [TypedValue]) {
    row.withUnsafeBufferPointer { add(buffer: $0) }
  }

  /// `add` for values held in a buffer (the validator keeps its typed row in place).
  public mutating func add(buffer row: UnsafeBufferPointer<TypedValue>) {
    var key: [String] = []
    key.reserveCapacity(rule.groupBy.count)
    for i in rule.groupBy {
      let v = i < row.count ? row[i] : .null
      if v.isNull { return }
      key.append(v.description)
    }
    let g: Int
    if let existing = index[key] {
      g = existing
    } else {
      g = keys.count
      index[key] = g
      keys.append(key)
      counts.append(Array(repeating: 0, count: rule.slots.count))
      sums.append(Array(repeating: ExactDecimal.zero, count: rule.slots.count))
      rows.append(0)
      faults.append(nil)
    }
    rows[g] += 1
    for (s, slot) in rule.slots.enumerated() {
      switch slot {
      case .count:
        counts[g][s] += 1
      case .countIf(let e):
        switch e.evaluate(buffer: row) {
        case .boolean(true): counts[g][s] += 1
        case .boolean(false): break
        default: if faults[g] == nil, let f = e.fault(buffer: row) { faults[g] = f }
        }
      case .sum(let e):
        let v = e.evaluate(buffer: row)
        if let d = v.decimal {
          if let current = sums[g][s] {
            sums[g][s] = current.adding(d)  // nil on overflow: the group's result is not evaluated
            if sums[g][s] == nil && faults[g] == nil { faults[g] = .overflow }
          }
        } else if v.isNull, faults[g] == nil, let f = e.fault(buffer: row) {
          faults[g] = f
        }
      }
    }
  }

  /// Decides the rule for every group, in first-seen order.
  public func results() -> [AggregateResult] {
    var out: [AggregateResult] = []
    out.reserveCapacity(keys.count)
    for g in keys.indices {
      var values: [TypedValue] = []
      for (s, slot) in rule.slots.enumerated() {
        switch slot {
        case .count, .countIf: values.append(.decimal(ExactDecimal(counts[g][s])))
        case .sum: values.append(sums[g][s].map { .decimal($0) } ?? .null)
        }
      }
      let outcome = rule.expression.outcome([], slots: values)
      var fault = faults[g]
      if fault == nil, outcome == .unknown {
        // Counts are never null and a sum is null only when it overflowed.
        fault = rule.expression.fault([], slots: values) ?? (values.contains(where: \.isNull) ? .overflow : nil)
      }
      out.append(AggregateResult(group: keys[g], outcome: fault == nil ? outcome : .unknown,
                                 values: values, rowCount: rows[g], fault: fault))
    }
    return out
  }
}

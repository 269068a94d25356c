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
/// A row where the expression is `unknown` (a needed value is null) is skipped.
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
    }
    rows[g] += 1
    for (s, slot) in rule.slots.enumerated() {
      switch slot {
      case .count:
        counts[g][s] += 1
      case .countIf(let e):
        if case .boolean(true) = e.evaluate(buffer: row) { counts[g][s] += 1 }
      case .sum(let e):
        if let d = e.evaluate(buffer: row).decimal, let current = sums[g][s] {
          sums[g][s] = current.adding(d)  // nil on overflow: the group's result becomes unknown
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
      out.append(AggregateResult(group: keys[g], outcome: rule.expression.outcome([], slots: values),
                                 values: values, rowCount: rows[g]))
    }
    return out
  }
}

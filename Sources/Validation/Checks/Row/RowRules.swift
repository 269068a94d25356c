import Diagnostics
import Schema
import Tabular

/// Evaluates the schema's row rules (typed expressions) on each row.
///
/// A failed rule is reported with the rule's severity (`error`, `warning` or `policy`) as
/// `row-constraint` (or `policy-violation` for policy rules), pointing at the cell of the rule's
/// first field, with the values of the fields it reads and the schema's zh-CN message
/// (parameter `rule`; the English message, when the schema has one, as `message_en`).
///
/// A rule whose outcome is unknown because a field it needs is null — blank or rejected by the
/// type check — is skipped: the blank is reported by `required`, the bad cell by `type-error`,
/// and one mistake is not reported twice. A rule that cannot be evaluated although its values
/// are there (division by zero, overflow) is reported as `rule-not-evaluated` with the reason
/// (an error for an error rule, else a warning), never passed.
///
/// Memory: none between rows (the evaluator reads the current typed row).
struct RowRulesCheck: ValidationCheck {
  static let code = DiagnosticCode.rowConstraint

  var plans: [FieldPlan]
  var rules: [RowRule] { didSet { split() } }
  /// Each rule's expression (compiled: its common shapes decided without walking the tree), code and severity,
  /// read per row without copying the `RowRule`. The expressions are boxed so that each can be lent unretained
  /// (an expression read out of an array is retained and released, once per rule per row).
  private var expressions: [ExpressionBox] = []
  private var codes: [DiagnosticCode] = []
  private var severities: [Severity] = []

  init(plans: [FieldPlan], rules: [RowRule]) {
    self.plans = plans
    self.rules = rules
    split()
  }

  private mutating func split() {
    expressions = rules.map { ExpressionBox(CompiledRule($0.expression)) }
    codes = rules.map(\.code)
    severities = rules.map(\.severity)
  }

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    for r in expressions.indices {
      // Evaluated in place: copying a `RowRule` per row would retain its strings and expression.
      let box = Unmanaged.passUnretained(expressions[r])
      let outcome = box._withUnsafeGuaranteedRef { $0.rule.outcome(buffer: typed.values.buffer) }
      if outcome == .passed { continue }
      if outcome == .unknown {
        // A null operand skips the rule (three-valued logic); a failed evaluation is reported.
        guard let fault = box._withUnsafeGuaranteedRef({ $0.rule.expression.fault(buffer: typed.values.buffer) }) else { continue }
        reportNotEvaluated(r, fault, row: row, typed: typed, emitter: &emitter, into: &collector)
        continue
      }
      let rules = self.rules
      let plans = self.plans
      emitter.emit(codes[r], severities[r], into: &collector) { place in
        let rule = rules[r]
        let first = rule.fields.first.flatMap { $0 < plans.count ? plans[$0] : nil }
        var values: [String] = []
        for f in rule.fields where f < plans.count {
          values.append(plans[f].title + "=" + typed.text(of: f, in: row))
        }
        var parameters: [DiagnosticParameter] = [.init("rule", rule.message), .init("ruleName", rule.name)]
        if let en = rule.messageEn {
          let lead = rule.severity == .policy ? "Row {row}: " : "Row {row} breaks the rule: "
          parameters.append(.init("message_en", lead + en))
        }
        if let first {
          parameters += [.init("fieldName", first.field.name), .init("fieldNumber", String(first.index + 1))]
        }
        return Diagnostic(code: rule.code, severity: rule.severity,
                          location: place.location(row: typed.rowIndex, column: first?.column),
                          field: first?.title, value: values.joined(separator: "；"), parameters: parameters)
      }
    }
  }

  private func reportNotEvaluated(_ r: Int, _ fault: EvaluationFault, row: Row, typed: TypedRow,
                                  emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    let rules = self.rules
    let plans = self.plans
    let severity: Severity = severities[r] == .error ? .error : .warning
    emitter.emit(.ruleNotEvaluated, severity, into: &collector) { place in
      let rule = rules[r]
      let first = rule.fields.first.flatMap { $0 < plans.count ? plans[$0] : nil }
      var values: [String] = []
      for f in rule.fields where f < plans.count {
        values.append(plans[f].title + "=" + typed.text(of: f, in: row))
      }
      var parameters: [DiagnosticParameter] = [
        .init("rule", rule.message), .init("ruleName", rule.name), .init("reason", fault.rawValue),
        .init("expression", rule.source),
      ]
      if let first {
        parameters += [.init("fieldName", first.field.name), .init("fieldNumber", String(first.index + 1))]
      }
      return Diagnostic(code: .ruleNotEvaluated, severity: severity,
                        location: place.location(row: typed.rowIndex, column: first?.column),
                        field: first?.title, value: values.joined(separator: "；"), parameters: parameters)
    }
  }
}

/// A rule's compiled expression in a box of its own, lent to the evaluator unretained.
final class ExpressionBox {
  let rule: CompiledRule
  init(_ rule: CompiledRule) { self.rule = rule }
}

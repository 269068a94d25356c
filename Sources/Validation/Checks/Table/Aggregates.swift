import Diagnostics
import Schema
import Tabular

/// Feeds each row to the schema's aggregate rules and decides them per group at the end,
/// e.g. per agency: `count(role == "法制审核") >= 0.05 * count(role == "执法")`.
///
/// A group that fails is reported at `finish` as `aggregate-constraint` with the rule's
/// severity, parameters `group` (the group's key, e.g. the agency) and `rule` (the schema's
/// zh-CN message; `message_en` when the schema has an English one), and `rowCount`.
/// Rows whose group key is null are not counted. A group whose rule could not be evaluated (a
/// sum overflowed, a division by zero) is reported as `rule-not-evaluated`, never passed.
///
/// Memory: constant per group — one small array of counts and sums per distinct group key
/// plus the key text (Schema's `AggregateAccumulator`); nothing per row.
struct AggregatesCheck: ValidationCheck {
  static let code = DiagnosticCode.aggregateConstraint

  var plans: [FieldPlan]
  var accumulators: [AggregateAccumulator]

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    for a in accumulators.indices { accumulators[a].add(buffer: typed.values.buffer) }
  }

  mutating func finish(emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    for acc in accumulators {
      let rule = acc.rule
      let first = rule.groupBy.first.flatMap { $0 < plans.count ? plans[$0] : nil }
      for result in acc.results() where result.outcome == .failed || result.fault != nil {
        if let fault = result.fault {
          let severity: Severity = rule.severity == .error ? .error : .warning
          emitter.emit(.ruleNotEvaluated, severity, into: &collector) { place in
            let group = result.group.joined(separator: "、")
            var parameters: [DiagnosticParameter] = [
              .init("group", group), .init("rule", rule.message), .init("ruleName", rule.name),
              .init("reason", fault.rawValue), .init("expression", rule.source),
            ]
            if let first { parameters.append(.init("fieldName", first.field.name)) }
            return Diagnostic(code: .ruleNotEvaluated, severity: severity,
                              location: place.location(row: nil, column: first?.column),
                              field: first?.title, value: group, parameters: parameters)
          }
          continue
        }
        emitter.emit(.aggregateConstraint, rule.severity, into: &collector) { place in
          let group = result.group.joined(separator: "、")
          var parameters: [DiagnosticParameter] = [
            .init("group", group), .init("rule", rule.message), .init("ruleName", rule.name),
            .init("rowCount", String(result.rowCount)),
          ]
          if let en = rule.messageEn { parameters.append(.init("message_en", "\"{group}\" breaks the rule: " + en)) }
          if let first { parameters.append(.init("fieldName", first.field.name)) }
          return Diagnostic(code: .aggregateConstraint, severity: rule.severity,
                            location: place.location(row: nil, column: first?.column),
                            field: first?.title, value: group, parameters: parameters)
        }
      }
    }
  }
}

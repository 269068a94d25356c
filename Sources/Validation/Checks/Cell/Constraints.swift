import Diagnostics
import Schema
import Tabular

/// Checks each field's constraints: `required`, `minimum`/`maximum` (exact decimals, dates),
/// `minLength`/`maxLength` (in characters), `pattern` and `enum` (after `enumSynonyms`).
///
/// Reports `constraint-error` with parameters `constraint` and `limit` (or `allowed` for enums);
/// `expected` selects the catalog's message for each constraint. A cell that already failed
/// coercion is not checked again, and a field whose column is missing from the header is not
/// reported as `required` on every row (the header's `missing-label` covers it).
///
/// Plain text accepted from bytes is checked on bytes: lengths count Unicode scalars (as
/// Frictionless's Python `len` does), patterns run on the UTF-8 bytes (PCRE2, compiled once per
/// schema), and its enum membership was settled when it was accepted.
///
/// Memory: none between rows.
struct ConstraintsCheck: ValidationCheck {
  static let code = DiagnosticCode.constraintError

  var plans: [FieldPlan]
  /// Indices into `plans` of fields that have any constraint besides `unique`.
  var constrained: [Int]

  init(plans: [FieldPlan]) {
    self.plans = plans
    constrained = plans.indices.filter { i in
      let c = plans[i].field.constraints
      return c.required || c.minimum != nil || c.maximum != nil || c.minLength != nil || c.maxLength != nil
        || c.pattern != nil || c.enumValues != nil
    }
  }

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    for p in constrained {
      // Lent unretained, as in `TypeAndFormatCheck`.
      Unmanaged.passUnretained(plans[p])._withUnsafeGuaranteedRef { plan in
        let f = plan.index
        if typed.failed[f] || plan.column == nil { return }
        if plan.boundsOnly, !typed.plain[f] {
          // Passing values are recognised here; a violation goes on to `Field.violation` for its parameters.
          switch typed.values[f] {
          case .null: if !plan.required { return }
          case .decimal(let d): if plan.withinBounds(d) { return }
          case .integer(let i): if plan.withinBounds(ExactDecimal(i)) { return }
          // Any other value (a date, a text) meets `required`, and there is no bound to compare it with.
          default: if plan.minimum == nil && plan.maximum == nil { return }
          }
        }
        let parameters: [DiagnosticParameter]?
        if typed.plain[f] {
          parameters = lengthViolation(plan, row, typed.cellIndex[f]) ?? patternViolation(plan, row, typed.cellIndex[f])
        } else {
          parameters = plan.field.violation(typed.values[f])?.parameters
        }
        guard let parameters else { return }
        emitter.cell(.constraintError, .error, plan, row, typed, parameters, into: &collector)
      }
    }
  }

  /// The parameters of a `pattern` violation of a plain text cell, matched on its bytes (the cell
  /// needed no trimming, so its bytes are its value).
  private func patternViolation(_ plan: FieldPlan, _ row: Row, _ ci: Int) -> [DiagnosticParameter]? {
    guard let matcher = plan.matcher, ci >= 0 else { return nil }
    if row.withText(ci, { matcher.matches($0) }) { return nil }
    return [.init("expected", "pattern"), .init("constraint", "pattern"), .init("limit", matcher.pattern.source)]
  }

  /// The parameters of a `minLength`/`maxLength` violation of a plain text cell, counted on its bytes.
  /// (Schema's `ConstraintViolation` has no public initialiser, so the parameters are built here
  /// in the same shape as `ConstraintViolation.parameters`.)
  private func lengthViolation(_ plan: FieldPlan, _ row: Row, _ ci: Int) -> [DiagnosticParameter]? {
    guard plan.minLength != nil || plan.maxLength != nil, ci >= 0 else { return nil }
    let n = row.withText(ci) { scalarCount($0) }
    func params(_ name: String, _ limit: Int) -> [DiagnosticParameter] {
      [.init("expected", name), .init("constraint", name), .init("limit", String(limit))]
    }
    if let m = plan.minLength, n < m { return params("minLength", m) }
    if let m = plan.maxLength, n > m { return params("maxLength", m) }
    return nil
  }
}

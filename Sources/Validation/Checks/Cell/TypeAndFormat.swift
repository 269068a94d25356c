import Diagnostics
import Schema
import Tabular

/// Coerces each mapped cell to its field's type and format, filling the typed row.
///
/// Reports `type-error` (with the raw value and the expected type or format),
/// `number-lost-precision` (an ID or certificate number stored as a float),
/// `formula-without-value`, and, for usable values that changed, `value-normalized` or the
/// format's own note (`doc-number-normalized`, `legacy-id-card`) as warnings.
///
/// Fast paths: canonical certificate numbers, ID numbers and names (`FastFormat`) are
/// accepted from their bytes; a plain text field (type `string`, default format, trimming only) whose cell
/// needs no trimming, is not a missing value or a synonym, and — for an enum — equals an
/// allowed value byte for byte, is accepted from its bytes without a `String`. Numbers and
/// date serials go to `CellCoercer`, which reads them without allocating. Everything else
/// (text dates, formats, full-width text) goes through `CellCoercer` in full.
///
/// Memory: O(fields) for the current row; nothing is kept between rows.
struct TypeAndFormatCheck: ValidationCheck {
  static let code = DiagnosticCode.typeError

  var plans: [FieldPlan]
  var coercer: CellCoercer

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    for p in plans.indices {
      let plan = plans[p]
      let f = plan.index
      typed.failed[f] = false
      typed.plain[f] = false
      guard let column = plan.column, let ci = row.cellIndex(column: column) else {
        typed.cellIndex[f] = -1
        typed.values[f] = .null
        continue
      }
      typed.cellIndex[f] = ci
      let cell = row.cells[ci]
      if plan.plainString, cell.kind == .string {
        let accepted: Bool = row.withText(ci) { b in
          guard isTrimmed(b), !plan.isMissing(b), !plan.isSynonym(b) else { return false }
          if !plan.enumBytes.isEmpty {
            guard let e = plan.enumIndex(b) else { return false }
            typed.values[f] = plan.enumValues[e]
          } else if plan.usage == .value {
            typed.values[f] = .string(String(decoding: b, as: UTF8.self))
          } else {
            typed.values[f] = TypedRow.placeholder
          }
          if plan.inKey {
            var h = KeyHash()
            h.add(bytes: b)
            typed.keyHash[f] = h.value
          }
          return true
        }
        if accepted { typed.plain[f] = true; continue }
      }
      if let fast = plan.fastFormat, cell.kind == .string {
        let today = coercer.today
        // nil: not decided here; "": accepted; else the ID card's reason for rejecting it.
        let verdict: String? = row.withText(ci) { b in
          guard fast.accepts(b), !plan.isMissing(b) else { return nil }
          if fast == .idCard, let reason = IDCard.problem(canonical18: b, today: today) { return reason }
          typed.values[f] = plan.usage == .value ? .string(String(decoding: b, as: UTF8.self)) : TypedRow.placeholder
          if plan.inKey {
            var h = KeyHash()
            h.add(bytes: b)
            typed.keyHash[f] = h.value
          }
          return ""
        }
        if let verdict {
          if verdict.isEmpty { typed.plain[f] = true; continue }
          // The same failure the full coercion reports for a canonical-looking number.
          typed.values[f] = .null
          typed.failed[f] = true
          emitter.cell(.typeError, .error, plan, row, typed,
                       [.init("expected", plan.field.format.rawValue), .init("reason", verdict)], into: &collector)
          continue
        }
      }
      if let kind = plan.numberKind, cell.kind == .string || cell.kind == .number {
        // Plain ASCII decimals: what the coercion would do after trimming and folding (both no-ops here).
        let value: TypedValue? = row.withText(ci) { b in
          guard isPlainDecimal(b), cell.kind == .number || !plan.isMissing(b),
                let d = ExactDecimal.parse(b) else { return nil }
          if kind == .number { return .decimal(d) }
          return d.int64Value.map { .integer($0) }
        }
        if let value { accept(value, f, plan, &typed); continue }
      }
      if plan.isoDate, cell.kind == .string {
        let date: LocalDate? = row.withText(ci) { b in plan.isMissing(b) ? nil : isoDate(b) }
        if let date { accept(.date(date), f, plan, &typed); continue }
      }
      let out = row.withText(ci) { coercer.coerce(cell: cell, text: $0, field: plan.field) }
      typed.values[f] = out.value
      if let failure = out.failure {
        typed.failed[f] = true
        emitter.cell(failure.code, failure.severity, plan, row, typed, failure.parameters, into: &collector)
        continue
      }
      if let note = out.note {
        emitter.cell(note.code, note.severity, plan, row, typed, note.parameters, into: &collector)
      } else if let normalized = out.normalizedText {
        emitter.cell(.valueNormalized, .warning, plan, row, typed, [.init("normalized", normalized)],
                     into: &collector)
      }
      if plan.inKey, !out.value.isNull {
        var h = KeyHash()
        h.add(out.value)
        typed.keyHash[f] = h.value
      }
    }
  }

  /// Stores a value read on a fast path (never null), hashing it when the field is in a key.
  @inline(__always)
  private func accept(_ value: TypedValue, _ f: Int, _ plan: FieldPlan, _ typed: inout TypedRow) {
    typed.values[f] = value
    if plan.inKey {
      var h = KeyHash()
      h.add(value)
      typed.keyHash[f] = h.value
    }
  }
}

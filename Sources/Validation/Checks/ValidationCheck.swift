import Diagnostics
import Schema
import Tabular

/// One check of the validation lifecycle (frictionless: `validate_start / validate_row / validate_end`).
///
/// Checks run in a fixed order on each row: structure, type and format (which fills the
/// typed row), constraints, row rules, unique keys, foreign keys, aggregates. The validator
/// holds each check as a concrete stored property, so calls are static, not through an existential.
protocol ValidationCheck {
  /// The check's main diagnostic code.
  static var code: DiagnosticCode { get }
  /// Checks the current row. `typed` holds what earlier checks found.
  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector)
  /// Reports what can only be known at the end of the table.
  mutating func finish(emitter: inout Emitter, into collector: inout DiagnosticCollector)
}

extension ValidationCheck {
  mutating func finish(emitter: inout Emitter, into collector: inout DiagnosticCollector) {}
}

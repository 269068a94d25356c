import Diagnostics
import Schema
import Tabular

/// Checks a row's shape before its values: blank rows, hidden rows, content right of the
/// header (`extra-cell`) and, for dense sources such as CSV, rows shorter than the header
/// (`missing-cell`).
///
/// A blank row is reported as a `blank-row` warning (it does not make the data wrong, but a
/// blank row inside a ledger often hides a split table) and is not checked further.
/// A hidden row is reported as `info` and still checked. `extra-cell` is a warning, reported
/// once per row at the first such cell; `missing-cell` is an error, reported once per row at
/// the first field whose column is past the row's end.
///
/// Memory: none between rows.
struct StructureCheck: ValidationCheck {
  static let code = DiagnosticCode.blankRow

  var plans: [FieldPlan]
  /// Columns at or past this index are outside the table.
  var headerWidth: Int
  var rowsAreDense: Bool
  /// Frictionless's shapes (plain Table Schemas): an `extra-cell` for every cell past the header and a
  /// `missing-cell` for every field past the row's end, each with its `fieldNumber`; sheetgate's own
  /// schemas get one finding per row.
  var frictionlessShapes = false

  /// Checks the row's shape; returns false for a blank row, which is not checked further.
  mutating func checkShape(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                           into collector: inout DiagnosticCollector) -> Bool {
    let r = row.index
    if row.isBlank {
      emitter.emit(.blankRow, .warning, into: &collector) { place in
        Diagnostic(code: .blankRow, severity: .warning, location: place.location(row: r, column: nil))
      }
      return false
    }
    if row.isHidden {
      emitter.emit(.hiddenRow, .info, into: &collector) { place in
        Diagnostic(code: .hiddenRow, severity: .info, location: place.location(row: r, column: nil))
      }
    }
    if frictionlessShapes {
      if row.width > headerWidth {
        for (k, c) in row.cells.enumerated() where Int(c.column) >= headerWidth {
          emitter.emit(.extraCell, .warning, into: &collector) { place in
            Diagnostic(code: .extraCell, severity: .warning, location: place.location(row: r, column: Int(c.column)),
                       value: row.text(k), parameters: [.init("fieldName", ""), .init("fieldNumber", String(Int(c.column) + 1))])
          }
        }
      }
      if rowsAreDense, row.width < headerWidth {
        let width = row.width
        for plan in plans where (plan.column ?? -1) >= width {
          emitter.cell(.missingCell, .error, plan, row, typed, value: "", into: &collector)
        }
      }
      return true
    }
    if row.width > headerWidth {
      for i in row.cells.indices.reversed() {
        let c = row.cells[i]
        if Int(c.column) < headerWidth { break }
        if c.kind == .empty || (c.kind == .string && c.textLength == 0) { continue }
        // Report the leftmost non-empty cell outside the table.
        var first = i
        for j in row.cells.indices where Int(row.cells[j].column) >= headerWidth {
          let cj = row.cells[j]
          if cj.kind != .empty && !(cj.kind == .string && cj.textLength == 0) { first = j; break }
        }
        emitter.emit(.extraCell, .warning, into: &collector) { place in
          Diagnostic(code: .extraCell, severity: .warning,
                     location: place.location(row: r, column: Int(row.cells[first].column)),
                     value: row.text(first))
        }
        break
      }
    }
    if rowsAreDense, row.width < headerWidth {
      let width = row.width
      if let plan = plans.filter({ ($0.column ?? -1) >= width }).min(by: { $0.column! < $1.column! }) {
        emitter.cell(.missingCell, .error, plan, row, typed, value: "", into: &collector)
      }
    }
    return true
  }

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    _ = checkShape(row: row, typed: &typed, emitter: &emitter, into: &collector)
  }
}

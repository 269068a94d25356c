import Diagnostics
import Schema
import Tabular

/// The current row's typed values and per-field facts, reused from row to row.
///
/// Only the current row is kept: each list has one slot per field (`FieldSlots`) and is overwritten
/// in place, so a table of any length costs the same memory here.
struct TypedRow {
  /// Zero-based sheet row of the current row.
  var rowIndex = 0
  /// Typed values by field index (`.null` for missing or failed cells). Fields that no rule
  /// reads by value hold a shared placeholder string instead of their text (see `Validator`).
  let values: FieldSlots<TypedValue>
  /// Index into `row.cells` of each field's cell, or -1 when the cell is absent.
  let cellIndex: FieldSlots<Int>
  /// True when the field's cell failed coercion (it is reported once; later checks skip it).
  let failed: FieldSlots<Bool>
  /// True when the value was accepted from the cell's bytes without coercion (plain text).
  let plain: FieldSlots<Bool>
  /// Hash of the normalised value, for fields in keys (valid when the value is not null).
  let keyHash: FieldSlots<UInt64>

  /// Owns the five lists' memory; a copy of the row shares it (and retains this once).
  private let owner: SlotOwner

  init(fieldCount n: Int) {
    values = FieldSlots(repeating: .null, count: n)
    cellIndex = FieldSlots(repeating: -1, count: n)
    failed = FieldSlots(repeating: false, count: n)
    plain = FieldSlots(repeating: false, count: n)
    keyHash = FieldSlots(repeating: 0, count: n)
    owner = SlotOwner(values: values, cellIndex: cellIndex, failed: failed, plain: plain, keyHash: keyHash)
  }

  /// The value put in place of a plain text nobody reads by value: non-empty, so `present()`
  /// is true and `is_null()` false. A literal, so it costs no allocation.
  static let placeholder = TypedValue.string("\u{2022}")

  /// The normalised text of field `f` (allocates; only for findings and lookups).
  func text(of f: Int, in row: Row) -> String {
    if plain[f], cellIndex[f] >= 0 { return row.text(cellIndex[f]) }
    return values[f].description
  }

  /// The raw text of field `f`'s cell, or nil when the cell is absent (allocates; findings only).
  func raw(of f: Int, in row: Row) -> String? {
    let i = cellIndex[f]
    guard i >= 0 else { return nil }
    return row.text(i)
  }
}

/// One slot per field, written in place: an array would check that its buffer is uniquely
/// referenced on every write, five writes per cell on the validator's hot path.
///
/// A pointer and a count, no reference: reading or writing a slot retains nothing (with a class here,
/// every write of a typed value was bracketed by a retain and a release of the class). The memory
/// belongs to the `TypedRow`'s `SlotOwner`, which frees it with the row; a copy of the row shares it.
struct FieldSlots<Element> {
  private let base: UnsafeMutablePointer<Element>
  let count: Int

  init(repeating value: Element, count: Int) {
    self.count = count
    base = .allocate(capacity: max(count, 1))
    base.initialize(repeating: value, count: count)
  }

  /// Deinitialises and frees the slots (by their owner only, once).
  fileprivate func free() {
    base.deinitialize(count: count)
    base.deallocate()
  }

  /// The slots as a buffer (valid while the owner lives; not across a write).
  var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

  subscript(i: Int) -> Element {
    @inline(__always) get {
      precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "field slot out of range")
      return base[i]
    }
    @inline(__always) nonmutating set {
      precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "field slot out of range")
      base[i] = newValue
    }
  }
}

/// Frees a `TypedRow`'s slots when the last copy of the row goes.
private final class SlotOwner {
  let values: FieldSlots<TypedValue>
  let cellIndex: FieldSlots<Int>
  let failed: FieldSlots<Bool>
  let plain: FieldSlots<Bool>
  let keyHash: FieldSlots<UInt64>

  init(values: FieldSlots<TypedValue>, cellIndex: FieldSlots<Int>, failed: FieldSlots<Bool>, plain: FieldSlots<Bool>,
       keyHash: FieldSlots<UInt64>) {
    (self.values, self.cellIndex, self.failed, self.plain, self.keyHash) = (values, cellIndex, failed, plain, keyHash)
  }

  deinit {
    values.free()
    cellIndex.free()
    failed.free()
    plain.free()
    keyHash.free()
  }
}

/// Adds findings to a collector, builds each diagnostic only while the collector keeps them,
/// and counts findings by severity for the validator's statistics.
struct Emitter {
  /// The file and sheet every location names.
  let place: Place
  /// Findings added by this validator, by `Severity.rawValue`.
  var counts = SeverityCounts()

  init(file: String?, sheet: String?) { place = Place(file: file, sheet: sheet) }

  /// The file and sheet of the table, handed to the closures that build diagnostics.
  struct Place {
    let file: String?
    let sheet: String?

    /// The location of a cell (or of the row when `column` is nil).
    @inline(__always)
    func location(row: Int?, column: Int?) -> SourceLocation {
      SourceLocation(file: file, sheet: sheet, row: row, column: column)
    }
  }

  /// Adds the diagnostic `make()` builds; once the collector is full only a bare diagnostic
  /// (code and severity) is added, so the counts stay right without the cost of the details.
  @inline(__always)
  mutating func emit(_ code: DiagnosticCode, _ severity: Severity, into collector: inout DiagnosticCollector,
                     _ make: (Place) -> Diagnostic) {
    counts[Int(severity.rawValue)] += 1
    if collector.diagnostics.count >= collector.limit {
      collector.addUnkept(code, severity)
    } else {
      collector.add(make(place))
    }
  }

  /// A finding about field `plan` in the current row, with the cell's raw text as its value.
  /// `value` and `parameters` are only evaluated while the collector keeps details.
  mutating func cell(_ code: DiagnosticCode, _ severity: Severity, _ plan: FieldPlan, _ row: Row,
                     _ typed: TypedRow, value: @autoclosure () -> String? = nil,
                     _ parameters: @autoclosure () -> [DiagnosticParameter] = [],
                     into collector: inout DiagnosticCollector) {
    emit(code, severity, into: &collector) { place in
      Diagnostic(code: code, severity: severity, location: place.location(row: typed.rowIndex, column: plan.column),
                 field: plan.title, value: value() ?? typed.raw(of: plan.index, in: row),
                 parameters: parameters() + [.init("fieldName", plan.field.name),
                                           .init("fieldNumber", String(plan.index + 1))])
    }
  }
}

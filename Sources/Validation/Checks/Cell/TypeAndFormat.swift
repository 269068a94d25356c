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
    check(row: row, typed: &typed, emitter: &emitter, into: &collector, prechecked: nil)
  }

  /// Checks the row's mapped cells. `prechecked`, when given, holds `decide`'s verdict for each
  /// plan (in `plans` order), made ahead of time — possibly on another thread; the findings are
  /// the same either way.
  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector,
                      prechecked: UnsafeBufferPointer<FastVerdict>?) {
    let today = coercer.today
    // Each plan is lent to the body unretained: a plain or `unowned(unsafe)` local is retained and released
    // around every call it is passed to (a fifth of the validator's time went to reference counting).
    for p in plans.indices {
      Unmanaged.passUnretained(plans[p])._withUnsafeGuaranteedRef { plan in
        let f = plan.index
        let v = prechecked?[p] ?? row.bytes.withUnsafeBufferPointer { all in
          row.cells.withUnsafeBufferPointer { cells in Self.decide(plan, cells: cells, bytes: all, today: today) }
        }
        typed.failed[f] = false
        typed.plain[f] = v.plain
        typed.cellIndex[f] = Int(v.cellIndex)
        switch v.kind {
        case .absent:
          typed.values[f] = .null
        case .accepted:
          typed.values[f] = v.value(plan, row)
          if plan.inKey { typed.keyHash[f] = v.keyHash }
        case .rejected:
          // The same failure the full coercion reports for a canonical-looking ID number.
          typed.values[f] = .null
          typed.failed[f] = true
          emitter.cell(.typeError, .error, plan, row, typed,
                       [.init("expected", plan.field.format.rawValue), .init("reason", v.idProblem.rawValue)], into: &collector)
        case .undecided:
          coerce(plan, row: row, ci: Int(v.cellIndex), typed: &typed, emitter: &emitter, into: &collector)
        }
      }
    }
  }

  /// The full coercion of a cell no fast path decided: any type, format, normalisation or synonym.
  private mutating func coerce(_ plan: FieldPlan, row: Row, ci: Int, typed: inout TypedRow, emitter: inout Emitter,
                               into collector: inout DiagnosticCollector) {
    let f = plan.index
    let cell = row.cells[ci]
    let out = row.withText(ci) { coercer.coerce(cell: cell, text: $0, field: plan.field) }
    typed.values[f] = out.value
    if let failure = out.failure {
      typed.failed[f] = true
      emitter.cell(failure.code, failure.severity, plan, row, typed, failure.parameters, into: &collector)
      return
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

  /// What the byte-level fast paths decide about field `plan`'s cell in `row`, with no side
  /// effects (so it may run on another thread, ahead of the validator).
  ///
  /// `accepted` and `rejected` are exactly what the full coercion would conclude for that cell;
  /// anything the fast paths do not recognise is `undecided` and goes to the full coercion.
  static func decide(_ plan: FieldPlan, row: Row, today: LocalDate) -> FastVerdict {
    row.bytes.withUnsafeBufferPointer { all in
      row.cells.withUnsafeBufferPointer { cells in decide(plan, cells: cells, bytes: all, today: today) }
    }
  }

  /// `decide` on a row's cells and text bytes, borrowed once per row by the caller: no closure per cell
  /// (each wrote the verdict through memory the caller then read back in wider loads: store-forwarding stalls).
  @inline(__always)
  static func decide(_ plan: FieldPlan, cells: UnsafeBufferPointer<Cell>, bytes all: UnsafeBufferPointer<UInt8>,
                     today: LocalDate) -> FastVerdict {
    guard let column = plan.column, let ci = Row.cellIndex(in: cells, column: column) else { return FastVerdict(.absent, -1) }
    let cell = cells[ci]
    let start = Int(cell.textStart)
    let b = UnsafeBufferPointer(rebasing: all[start..<(start + Int(cell.textLength))])
    if plan.plainString, cell.kind == .string, isTrimmed(b), !plan.isMissing(b), !plan.isSynonym(b) {
      var v = FastVerdict(.accepted, ci)
      var ok = true
      if !plan.enumBytes.isEmpty {
        if let e = plan.enumIndex(b) {
          v.valueKind = .enumValue
          v.payload = Int64(e)
        } else {
          ok = false
        }
      } else {
        v.valueKind = plan.usage == .value ? .text : .placeholder
      }
      if ok {
        if plan.inKey { v.keyHash = hash(bytes: b) }
        v.plain = true
        return v
      }
    }
    if let fast = plan.fastFormat, cell.kind == .string, fast.accepts(b), !plan.isMissing(b) {
      var v = FastVerdict(.accepted, ci)
      if fast == .idCard, let problem = IDCard.problem(canonical18: b, today: today) {
        v.kind = .rejected
        v.idProblem = problem
        return v
      }
      v.plain = true
      v.valueKind = plan.usage == .value ? .text : .placeholder
      if plan.inKey { v.keyHash = hash(bytes: b) }
      return v
    }
    if let kind = plan.numberKind, cell.kind == .string || cell.kind == .number,
       isPlainDecimal(b), cell.kind == .number || !plan.isMissing(b), let d = ExactDecimal.parse(b) {
      // Plain ASCII decimals: what the coercion would do after trimming and folding (both no-ops here).
      if kind == .number {
        var v = FastVerdict(.accepted, ci)
        v.valueKind = .decimal
        v.payload = d.significand
        v.scale = d.scale
        if plan.inKey { v.keyHash = hash(.decimal(d)) }
        return v
      }
      if let i = d.int64Value {
        var v = FastVerdict(.accepted, ci)
        v.valueKind = .integer
        v.payload = i
        if plan.inKey { v.keyHash = hash(.integer(i)) }
        return v
      }
    }
    if plan.isoDate, cell.kind == .string, !plan.isMissing(b), let date = isoDate(b) {
      var v = FastVerdict(.accepted, ci)
      v.valueKind = .date
      v.payload = Int64(date.year * 10_000 + date.month * 100 + date.day)
      if plan.inKey { v.keyHash = hash(.date(date)) }
      return v
    }
    return FastVerdict(.undecided, ci)
  }

  @inline(__always)
  private static func hash(bytes b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h = KeyHash()
    h.add(bytes: b)
    return h.value
  }

  @inline(__always)
  private static func hash(_ value: TypedValue) -> UInt64 {
    var h = KeyHash()
    h.add(value)
    return h.value
  }
}

/// What the fast paths of the type check decided about one cell (see `TypeAndFormatCheck.decide`).
///
/// Plain data (no references), so a batch of verdicts made on one thread is cheap to hand to another.
public struct FastVerdict {
  enum Kind: UInt8 {
    /// The field is unmapped or its cell is blank: null.
    case absent
    /// The cell's value is described by `valueKind` and `payload`.
    case accepted
    /// An ID number that looks canonical but fails its check (`idProblem`).
    case rejected
    /// No fast path applies: the full coercion decides.
    case undecided
  }

  enum ValueKind: UInt8 {
    /// Text nobody reads by value: the shared placeholder.
    case placeholder
    /// The cell's text as a String.
    case text
    /// `plan.enumValues[payload]`.
    case enumValue
    /// `ExactDecimal(significand: payload, scale: scale)`.
    case decimal
    /// `.integer(payload)`.
    case integer
    /// A date packed as `yyyymmdd`.
    case date
  }

  var kind: Kind
  var valueKind = ValueKind.placeholder
  /// True when the value was accepted from the cell's bytes as plain text.
  var plain = false
  /// The ID number's problem, for `rejected`.
  var idProblem = IDCard.Problem.checkDigit
  var scale: Int8 = 0
  /// Index into `row.cells`, or -1.
  var cellIndex: Int32
  var payload: Int64 = 0
  /// The key hash of the value (fields in a key only).
  var keyHash: UInt64 = 0

  /// An empty verdict (storage to be overwritten).
  public init() { kind = .absent; cellIndex = -1 }

  @inline(__always)
  init(_ kind: Kind, _ cellIndex: Int) {
    self.kind = kind
    self.cellIndex = Int32(truncatingIfNeeded: cellIndex)
  }

  /// The accepted value.
  @inline(__always)
  func value(_ plan: FieldPlan, _ row: Row) -> TypedValue {
    switch valueKind {
    case .placeholder: return TypedRow.placeholder
    case .text: return .string(row.text(Int(cellIndex)))
    case .enumValue: return plan.enumValues[Int(payload)]
    case .decimal: return .decimal(ExactDecimal(significand: payload, scale: scale))
    case .integer: return .integer(payload)
    case .date:
      let p = Int(payload)
      return LocalDate(year: p / 10_000, month: p / 100 % 100, day: p % 100).map { .date($0) } ?? .null
    }
  }
}

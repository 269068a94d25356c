import Diagnostics
import Schema
import Tabular

/// Validates the data rows of one table against a schema, one row at a time.
///
/// The lifecycle follows frictionless's checks (`validate_start / validate_row / validate_end`):
/// make a validator for a table (start), call `validate(row:into:)` for every data row in
/// order, then `finish(into:)` once for what only the whole table can tell (aggregate rules)
/// and the statistics.
///
/// ```swift
/// let schema = try BuiltinSchemas.load(named: "training-hours")
/// let validator = Validator(schema: schema, mapping: mapping,
///                           context: ValidationContext(file: "培训.xlsx", sheet: "培训学时台账", roster: roster))
/// var collector = DiagnosticCollector()
/// var row = Row()
/// while try sheet.nextRow(into: &row) { validator.validate(row: row, into: &collector) }
/// let stats = validator.finish(into: &collector)
/// ```
///
/// Checks, in order (one type per file under `Checks/`): row structure (blank, hidden,
/// extra and missing cells), type and format, constraints, row rules, unique and primary
/// keys, foreign keys, aggregate rules.
///
/// Rules read typed values. A field that no rule reads by value (or that rules only test
/// with `present`/`is_null`) keeps a shared placeholder instead of its text, so plain text
/// cells cost no `String`; its checks run on the cell's bytes.
///
/// ### Memory
/// Per row: nothing beyond reused buffers (one typed-row slot per field). Across the table:
/// one 64-bit hash and row number per distinct value per unique key — in memory up to
/// `ValidationContext.uniqueKeysInMemory` values, then in a temporary file with a filter of
/// about 2 bytes per value in memory (`UniqueKeysCheck`) — a bounded cache of roster answers,
/// and a constant-size accumulator per aggregate group. Diagnostics are bounded by the collector.
///
/// Findings come in row order, except repeats of a unique key found after its set moved to a
/// temporary file: those come at `finish`, in row order, before the aggregate rules.
///
/// ### Threads
/// One validator per table, used from one thread. It is a class because its state is one: the
/// per-row scratch (`TypedRow`'s slots) is written in place and would be shared by copies of a
/// struct. Hand work to another thread with `makePrecheck`.
public final class Validator {
  /// The validator's state, behind a pointer of its own: a stored `var` of a class is checked for exclusive
  /// access at run time on every call that changes it (once per row), a pointer's memory is not.
  private let core: UnsafeMutablePointer<ValidatorCore>

  /// The schema being validated against.
  public var schema: TableSchema { core.pointee.schema }
  /// For each field index, the zero-based source column (nil when the header lacks it).
  public var mapping: [Int?] { core.pointee.mapping }
  /// Where the rows come from.
  public var context: ValidationContext { core.pointee.context }

  /// Prepares the checks for one table (the lifecycle's start).
  ///
  /// - Parameters:
  ///   - schema: the table schema.
  ///   - mapping: for each field index, its zero-based source column or nil; shorter arrays
  ///     leave the remaining fields unmapped, extra entries and negative columns are ignored.
  ///   - context: file and sheet names, date system, lookup lists.
  public init(schema: TableSchema, mapping: [Int?], context: ValidationContext) {
    core = .allocate(capacity: 1)
    core.initialize(to: ValidatorCore(schema: schema, mapping: mapping, context: context))
  }

  deinit {
    core.deinitialize(count: 1)
    core.deallocate()
  }

  /// Validates one data row, adding its findings to `collector`.
  ///
  /// Rows must come in sheet order; `row.index` (zero-based sheet row) goes into every
  /// finding's location. Rows passed after `finish` are ignored.
  ///
  /// - Complexity: O(cells + rules); no allocation on a row without findings, except for
  ///   text a rule reads by value and for cells that need normalising or a format check.
  public func validate(row: Row, into collector: inout DiagnosticCollector) {
    core.pointee.validate(row: row, prechecked: nil, into: &collector)
  }

  /// Validates one data row whose cells `RowPrecheck` already looked at (possibly on another
  /// thread): `prechecked` holds its verdicts for this row. The findings equal `validate(row:into:)`'s.
  public func validate(row: Row, prechecked: UnsafeBufferPointer<FastVerdict>?, into collector: inout DiagnosticCollector) {
    core.pointee.validate(row: row, prechecked: prechecked, into: &collector)
  }

  /// A precheck of this validator's cells, to run ahead of it on another thread.
  public func makePrecheck() -> RowPrecheck { core.pointee.makePrecheck() }

  /// Calls `body` with the text of every field of the row just validated, in field order, as
  /// UTF-8 (the typed value's text; `""` for an unmapped, blank or failed cell), where a cell accepted from its bytes is handed
  /// over as those bytes, with no `String` made (the readers hand out valid UTF-8 only).
  ///
  /// - Returns: false, without calling `body`, when that row's cells were not typed.
  public func withFieldTexts(of row: Row, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
    core.pointee.withFieldTexts(of: row, body)
  }

  /// Ends the table: decides aggregate rules and returns the statistics (the lifecycle's end).
  ///
  /// Calling it again adds nothing and returns the same statistics.
  @discardableResult
  public func finish(into collector: inout DiagnosticCollector) -> ValidationStats { core.pointee.finish(into: &collector) }

  /// The statistics so far.
  public var currentStats: ValidationStats { core.pointee.currentStats }

  /// After ``finish(into:)``: the rows (zero-based sheet index) that were counted error-free at their row
  /// and turned out to repeat a unique key whose set had moved to a temporary file. Empty when every set
  /// stayed in memory (each repeat is then known at its row).
  public var rowsInvalidatedAtEnd: Set<Int> { core.pointee.rowsInvalidatedAtEnd }

  /// The rows of this table that an `exclusive` rule holds, for the check across sheets and files.
  public var exclusiveListings: [ExclusiveListing] { core.pointee.exclusiveListings }
}

/// The validator's state and checks, held by one `Validator`.
struct ValidatorCore {
  /// The schema being validated against.
  public let schema: TableSchema
  /// For each field index, the zero-based source column (nil when the header lacks it).
  public let mapping: [Int?]
  /// Where the rows come from.
  public let context: ValidationContext

  private var typed: TypedRow
  private var emitter: Emitter
  private var structure: StructureCheck
  private var typeAndFormat: TypeAndFormatCheck
  private var constraints: ConstraintsCheck
  private var rowRules: RowRulesCheck
  private var uniqueKeys: UniqueKeysCheck
  private var foreignKeys: ForeignKeysCheck
  private var aggregates: AggregatesCheck
  private var exclusiveKeys: ExclusiveKeysCheck
  private var stats = ValidationStats()
  private var finished = false
  /// True when the last row passed to `validate(row:into:)` had its cells typed (it was not blank).
  private var lastRowTyped = false

  /// Prepares the checks for one table (the lifecycle's start).
  ///
  /// - Parameters:
  ///   - schema: the table schema.
  ///   - mapping: for each field index, its zero-based source column or nil; shorter arrays
  ///     leave the remaining fields unmapped, extra entries and negative columns are ignored.
  ///   - context: file and sheet names, date system, lookup lists.
  public init(schema: TableSchema, mapping: [Int?], context: ValidationContext) {
    self.schema = schema
    self.mapping = mapping
    self.context = context
    let n = schema.fields.count
    var usage = Array(repeating: FieldUsage.none, count: n)
    for rule in schema.rules { rule.expression.collectUsage(into: &usage) }
    for agg in schema.aggregates {
      agg.expression.collectUsage(into: &usage)
      for slot in agg.slots {
        switch slot {
        case .count: break
        case .countIf(let e), .sum(let e): e.collectUsage(into: &usage)
        }
      }
      for f in agg.groupBy where f < n { usage[f] = .value }
    }
    let plans: [FieldPlan] = (0..<n).map { i in
      let column = i < mapping.count ? mapping[i].flatMap { $0 >= 0 ? $0 : nil } : nil
      return FieldPlan(index: i, field: schema.fields[i], column: column, usage: usage[i])
    }
    var unique = UniqueKeysCheck(schema: schema, plans: plans, inMemoryLimit: context.uniqueKeysInMemory,
                                 byteLimit: context.keySpillByteLimit)
    // Frictionless reports a row whose primary key is all null; sheetgate's own schemas leave that to `required`.
    unique.reportsNullPrimaryKey = schema.isPlainTableSchema
    let foreign = ForeignKeysCheck(schema: schema, plans: plans, lookups: context.lookups)
    let keyFields = unique.keyFields.union(foreign.selfKeyFields)
    for i in plans.indices where keyFields.contains(i) { plans[i].inKey = true }

    typed = TypedRow(fieldCount: n)
    emitter = Emitter(file: context.file, sheet: context.sheet)
    let mappedWidth = (plans.compactMap(\.column).max() ?? -1) + 1
    structure = StructureCheck(plans: plans, headerWidth: max(context.headerWidth ?? mappedWidth, mappedWidth),
                               rowsAreDense: context.rowsAreDense, frictionlessShapes: schema.isPlainTableSchema)
    typeAndFormat = TypeAndFormatCheck(plans: plans,
                                       coercer: CellCoercer(dateSystem: context.dateSystem, today: context.today))
    constraints = ConstraintsCheck(plans: plans)
    rowRules = RowRulesCheck(plans: plans, rules: schema.rules)
    uniqueKeys = unique
    foreignKeys = foreign
    aggregates = AggregatesCheck(plans: plans, accumulators: schema.aggregates.map { $0.makeAccumulator() })
    exclusiveKeys = ExclusiveKeysCheck(schema: schema, plans: plans)
  }

  /// Where each row lists its record for the schema's table-group rules (`exclusive`), for
  /// `ExclusiveListings.conflicts` to compare with the other lists once every table is read.
  /// Empty unless the schema declares `exclusive`.
  public var exclusiveListings: [ExclusiveListing] { exclusiveKeys.listings }

  /// Validates one data row, adding its findings to `collector`.
  ///
  /// Rows must come in sheet order; `row.index` (zero-based sheet row) goes into every
  /// finding's location. Rows passed after `finish` are ignored.
  ///
  /// - Complexity: O(cells + rules); no allocation on a row without findings, except for
  ///   text a rule reads by value and for cells that need normalising or a format check.
  public mutating func validate(row: Row, into collector: inout DiagnosticCollector) {
    validate(row: row, prechecked: nil, into: &collector)
  }

  /// Validates one data row whose cells `RowPrecheck` already looked at (possibly on another
  /// thread): `prechecked` holds its verdicts for this row. The findings equal `validate(row:into:)`'s.
  public mutating func validate(row: Row, prechecked: UnsafeBufferPointer<FastVerdict>?,
                                into collector: inout DiagnosticCollector) {
    lastRowTyped = false
    guard !finished else { return }
    stats.rows += 1
    let errorsBefore = emitter.counts[Int(Severity.error.rawValue)]
    typed.rowIndex = row.index
    guard structure.checkShape(row: row, typed: &typed, emitter: &emitter, into: &collector) else {
      if uniqueKeys.reportsNullPrimaryKey { uniqueKeys.blankRow(row.index, emitter: &emitter, into: &collector) }
      stats.validRows += emitter.counts[Int(Severity.error.rawValue)] == errorsBefore ? 1 : 0
      return
    }
    typeAndFormat.check(row: row, typed: &typed, emitter: &emitter, into: &collector, prechecked: prechecked)
    lastRowTyped = true
    if !uniqueKeys.keys.isEmpty { uniqueKeys.prefetch(typed: typed) }
    constraints.check(row: row, typed: &typed, emitter: &emitter, into: &collector)
    if !rowRules.rules.isEmpty { rowRules.check(row: row, typed: &typed, emitter: &emitter, into: &collector) }
    if !uniqueKeys.keys.isEmpty { uniqueKeys.check(row: row, typed: &typed, emitter: &emitter, into: &collector) }
    if !foreignKeys.keys.isEmpty { foreignKeys.check(row: row, typed: &typed, emitter: &emitter, into: &collector) }
    if !foreignKeys.selfKeys.isEmpty { foreignKeys.checkSelfKeys(row: row, typed: typed) }
    if !aggregates.accumulators.isEmpty {
      aggregates.check(row: row, typed: &typed, emitter: &emitter, into: &collector)
    }
    if !exclusiveKeys.isEmpty { exclusiveKeys.check(row: row, typed: typed) }
    let valid = emitter.counts[Int(Severity.error.rawValue)] == errorsBefore
    if valid { stats.validRows += 1 }
    uniqueKeys.endRow(row.index, countedValid: valid)
    if !foreignKeys.selfKeys.isEmpty { foreignKeys.endRow(row.index, countedValid: valid) }
  }

  /// A precheck of this validator's cells, to run ahead of it on another thread.
  public func makePrecheck() -> RowPrecheck {
    // Copies of the plans, so the two threads never retain and release the same objects: a shared
    // reference count is a cache line both cores write for every cell.
    RowPrecheck(plans: typeAndFormat.plans.map { $0.copy() }, today: typeAndFormat.coercer.today)
  }

  /// Calls `body` with the text of every field of the row just validated, in field order, as
  /// UTF-8 (what coercing the cell again would give), so that a caller storing the values (the merge)
  /// need not coerce every cell a second time: a cell accepted from its bytes is handed over as those
  /// bytes, with no `String` made (the readers hand out valid UTF-8 only), any other as its typed
  /// value's description.
  ///
  /// - Returns: false, without calling `body`, when that row's cells were not typed (a blank row, or a
  ///   row passed after `finish`); the caller then coerces the cells itself.
  public func withFieldTexts(of row: Row, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
    guard lastRowTyped, typed.rowIndex == row.index else { return false }
    for f in 0..<schema.fields.count {
      let ci = typed.cellIndex[f]
      if typed.plain[f], ci >= 0 {
        row.withText(ci, body)
      } else {
        var s = typed.values[f].description
        s.withUTF8(body)
      }
    }
    return true
  }

  /// Ends the table: decides aggregate rules and returns the statistics (the lifecycle's end).
  ///
  /// Calling it again adds nothing and returns the same statistics.
  @discardableResult
  public mutating func finish(into collector: inout DiagnosticCollector) -> ValidationStats {
    if !finished {
      finished = true
      uniqueKeys.finish(emitter: &emitter, into: &collector)
      stats.validRows -= uniqueKeys.rowsInvalidatedAtEnd
      foreignKeys.finish(emitter: &emitter, into: &collector)
      stats.validRows -= foreignKeys.rowsInvalidatedAtEnd
      aggregates.finish(emitter: &emitter, into: &collector)
    }
    return currentStats
  }

  /// See ``Validator/rowsInvalidatedAtEnd``.
  var rowsInvalidatedAtEnd: Set<Int> { uniqueKeys.invalidatedRowIndexes }

  /// The statistics so far.
  public var currentStats: ValidationStats {
    var s = stats
    s.errors = emitter.counts[Int(Severity.error.rawValue)]
    s.warnings = emitter.counts[Int(Severity.warning.rawValue)]
    s.policyFindings = emitter.counts[Int(Severity.policy.rawValue)]
    s.infos = emitter.counts[Int(Severity.info.rawValue)]
    return s
  }
}

/// The byte-level half of the type check, run ahead of the validator — e.g. on the thread
/// that reads the rows, while the validator works on earlier ones.
///
/// `run` writes one `FastVerdict` per field: numbers, ISO dates, plain text, enum values,
/// certificate and ID numbers in their canonical spellings are decided from the cell's bytes;
/// everything else is left `undecided` for the validator's full coercion. It has no side
/// effects and keeps nothing between rows, so whichever thread runs it, and whether it runs
/// at all, does not change the findings.
///
/// ### Advice for hackers (threads)
/// A precheck shares the validator's field plans, which are immutable once the validator is
/// made; one precheck per thread. Hand the verdicts over with whatever orders memory (the row
/// pipeline's channels).
public struct RowPrecheck: @unchecked Sendable {  // @unchecked: the field plans are classes the precheck only reads (copies of the validator's, never changed after `makePrecheck`)
  /// Owns the plans; `unretained` reads them without a reference-count round trip per cell.
  let plans: [FieldPlan]
  private let unretained: [Unmanaged<FieldPlan>]
  let today: LocalDate

  init(plans: [FieldPlan], today: LocalDate) {
    self.plans = plans
    unretained = plans.map { Unmanaged.passUnretained($0) }
    self.today = today
  }

  /// Verdicts written per row.
  public var fieldCount: Int { plans.count }

  /// Writes `fieldCount` verdicts for `row` at `out`.
  public func run(_ row: Row, into out: UnsafeMutablePointer<FastVerdict>) {
    unretained.withUnsafeBufferPointer { ps in
      row.bytes.withUnsafeBufferPointer { all in
        row.cells.withUnsafeBufferPointer { cells in
          for p in ps.indices {
            out[p] = ps[p]._withUnsafeGuaranteedRef { TypeAndFormatCheck.decide($0, cells: cells, bytes: all, today: today) }
          }
        }
      }
    }
  }
}

import ByteIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Schema
import Tabular

/// Finds repeated values of `unique` fields, the `primaryKey` and each of the `uniqueKeys`.
///
/// A repeat is reported at the later row as `unique-error` (or `primary-key` for the primary
/// key), with parameter `firstRow` (1-based sheet row where the value was first seen), the
/// key's field titles (`fields`) and its values (the diagnostic's value, joined with `、`).
/// A key with any null part is not checked (SQL `UNIQUE` semantics); neither is one whose
/// cell failed its type check.
///
/// Memory: one 64-bit hash of the normalised key (see `KeyHash`) and one 32-bit row number
/// per distinct key — 16–24 bytes per distinct key (`KeyHashTable`) — never the row itself,
/// up to `ValidationContext.uniqueKeysInMemory` distinct keys. Past that, the key's set moves
/// to a temporary file (`SpilledKeys`): memory keeps a filter of about 2 bytes per key, and
/// repeats found through it are reported when the table ends (`finish`), in row order, instead
/// of at their row; `rowsInvalidatedAtEnd` then says how many rows counted valid were not.
/// If the temporary folder is full, the set comes back into memory and checking goes on there.
struct UniqueKeysCheck: ValidationCheck {
  static let code = DiagnosticCode.uniqueError

  /// One key to watch.
  struct Key {
    var fields: [Int]
    var code: DiagnosticCode
    /// The primary key is one field that is also `unique`: each repeat is a `unique-error` too.
    var alsoUniqueField = false
    var table = KeyHashTable()
    /// The set once it has moved to a temporary file.
    var spill: SpilledKeys?
    /// True after a temporary file failed: the set stays in memory.
    var inMemoryOnly = false
    /// True when the set was lost with an unreadable temporary file (reported): not checked further.
    var abandoned = false
  }

  var plans: [FieldPlan]
  var keys: [Key]
  /// Distinct keys per key kept in memory before its set moves to a temporary file.
  let inMemoryLimit: Int
  /// Where the temporary files go, and the most each may hold.
  let directory: String
  let byteLimit: UInt64
  /// True while some candidate of the current row waits for `endRow`.
  private var rowHasCandidates = false
  /// Repeats found when a set came back into memory, and sets lost with their file: reported at
  /// `finish` like the other late findings (reporting them at the row the move happened in would
  /// count that row's findings wrong).
  private var lateRepeats: [(key: Int, candidate: KeyCandidate, firstRow: Int)] = []
  private var lateFailures: [(key: Int, failure: TemporaryFileFailure, directory: String)] = []
  /// Rows the validator counted valid that were found to repeat a key only later.
  private var invalidatedRows = Set<Int>()
  /// How many rows the validator counted valid were found to repeat a key only later.
  var rowsInvalidatedAtEnd: Int { invalidatedRows.count }
  /// The rows themselves (zero-based sheet index).
  var invalidatedRowIndexes: Set<Int> { invalidatedRows }

  /// The keys of `schema`: the primary key, then the unique keys, then single `unique` fields
  /// not already a whole key; keys with an unmapped field are left out (their column is missing).
  init(schema: TableSchema, plans: [FieldPlan], inMemoryLimit: Int = .max,
       directory: String = TemporaryFile.defaultDirectory, byteLimit: UInt64 = .max) {
    self.plans = plans
    self.inMemoryLimit = inMemoryLimit
    self.directory = directory
    self.byteLimit = byteLimit
    var keys: [Key] = []
    // A `unique` field that is also the whole primary key is reported twice, as Frictionless does:
    // each repeat is a `unique-error` (of the field) and a `primary-key` error (of the row), from one set.
    func add(_ fields: [Int], _ code: DiagnosticCode) {
      guard !fields.isEmpty, fields.allSatisfy({ $0 < plans.count && plans[$0].column != nil }) else { return }
      if let k = keys.firstIndex(where: { $0.fields == fields }) {
        if code == .uniqueError, fields.count == 1, keys[k].code == .primaryKey { keys[k].alsoUniqueField = true }
        return
      }
      keys.append(Key(fields: fields, code: code))
    }
    add(schema.primaryKey, .primaryKey)
    for k in schema.uniqueKeys { add(k, .uniqueError) }
    for (i, f) in schema.fields.enumerated() where f.constraints.unique { add([i], .uniqueError) }
    self.keys = keys
  }

  /// Every field that takes part in a key (the type check hashes these).
  var keyFields: Set<Int> { Set(keys.flatMap(\.fields)) }

  /// True when a row whose primary key fields are all null (blank or failing their type) is a
  /// `primary-key` error (`expected: null`), as in Frictionless's reports (plain Table Schemas).
  var reportsNullPrimaryKey = false

  /// A blank row: its primary key is all null.
  mutating func blankRow(_ rowIndex: Int, emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    if let k = keys.firstIndex(where: { $0.code == .primaryKey }) { emitNullKey(k, row: rowIndex, emitter: &emitter, into: &collector) }
  }

  /// Called as soon as the row is typed, before the other checks of the row: starts loading the part of each
  /// key's set that ``check(row:typed:emitter:into:)`` will touch, so that the memory wait overlaps the
  /// constraints and rules instead of stalling the check (nothing is decided or changed here).
  @inline(__always)
  func prefetch(typed: TypedRow) {
    nextKey: for k in keys.indices where !keys[k].abandoned {
      var h = KeyHash()
      for f in keys[k].fields {
        if typed.failed[f] || typed.values[f].isNull { continue nextKey }
        h.add(word: typed.keyHash[f])
      }
      if let spill = keys[k].spill { spill.prefetch(h.value) } else { keys[k].table.prefetch(h.value) }
    }
  }

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    for k in keys.indices where !keys[k].abandoned {
      var h = KeyHash()
      var complete = true
      var nulls = 0
      for f in keys[k].fields {
        if typed.failed[f] || typed.values[f].isNull { complete = false; nulls += 1; continue }
        h.add(word: typed.keyHash[f])
      }
      if nulls == keys[k].fields.count, reportsNullPrimaryKey, keys[k].code == .primaryKey {
        emitNullKey(k, row: typed.rowIndex, emitter: &emitter, into: &collector)
      }
      guard complete else { continue }
      if let spill = keys[k].spill {
        switch spill.insert(h.value, row: typed.rowIndex) {
        case .new:
          break
        case .maybeSeen:
          spill.candidates.append(KeyCandidate(hash: SpilledKeys.stored(h.value), row: typed.rowIndex,
                                               value: value(of: k, row: row, typed: typed)))
          rowHasCandidates = true
        case .writeFailed:
          moveBackToMemory(k)
        }
        continue
      }
      if let firstRow = keys[k].table.insert(h.value, row: typed.rowIndex) {
        emitDuplicate(k, row: typed.rowIndex, firstRow: firstRow, value: value(of: k, row: row, typed: typed),
                      emitter: &emitter, into: &collector)
      } else if keys[k].table.count > inMemoryLimit && !keys[k].inMemoryOnly {
        if let spill = SpilledKeys(from: keys[k].table, directory: directory, byteLimit: byteLimit) {
          keys[k].spill = spill
          keys[k].table = KeyHashTable()
        } else {
          keys[k].inMemoryOnly = true
        }
      }
    }
  }

  /// Called after every row with whether the validator counted it valid (no error): that row's
  /// candidates remember it, so that finding one a repeat later can take the row back.
  @inline(__always)
  mutating func endRow(_ row: Int, countedValid: Bool) {
    guard rowHasCandidates else { return }
    rowHasCandidates = false
    guard countedValid else { return }
    for k in keys.indices {
      guard let spill = keys[k].spill else { continue }
      var i = spill.candidates.count - 1
      while i >= 0 && spill.candidates[i].row == row {
        spill.candidates[i].rowCountedValid = true
        i -= 1
      }
    }
    var i = lateRepeats.count - 1
    while i >= 0 && lateRepeats[i].candidate.row == row {
      lateRepeats[i].candidate.rowCountedValid = true
      i -= 1
    }
  }

  /// Decides the candidates of the keys kept in temporary files, in row order of each key.
  mutating func finish(emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    for f in lateFailures {
      emitIncomplete(f.key, failure: f.failure, directory: f.directory, emitter: &emitter, into: &collector)
    }
    for r in lateRepeats {
      if r.candidate.rowCountedValid { invalidatedRows.insert(r.candidate.row) }
      emitDuplicate(r.key, row: r.candidate.row, firstRow: r.firstRow, value: r.candidate.value,
                    emitter: &emitter, into: &collector)
    }
    lateFailures = []
    lateRepeats = []
    for k in keys.indices {
      guard let spill = keys[k].spill else { continue }
      keys[k].spill = nil
      switch spill.resolve() {
      case .success(let firstRows):
        for (c, firstRow) in zip(spill.candidates, firstRows) {
          guard let firstRow else { continue }
          if c.rowCountedValid { invalidatedRows.insert(c.row) }
          emitDuplicate(k, row: c.row, firstRow: firstRow, value: c.value, emitter: &emitter, into: &collector)
        }
      case .failure(let failure):
        emitIncomplete(k, failure: failure, directory: spill.file.directory, emitter: &emitter, into: &collector)
      }
    }
  }

  /// After a failed write: reads the key's set back into memory, decides the candidates so far
  /// against it (their repeats are reported at `finish`) and keeps checking in memory.
  private mutating func moveBackToMemory(_ k: Int) {
    guard let spill = keys[k].spill else { return }
    keys[k].spill = nil
    keys[k].inMemoryOnly = true
    rowHasCandidates = true
    var table = KeyHashTable()
    let e = spill.forEachRecord { hash, row in _ = table.insert(hash, row: row) }
    guard e == 0 else {
      lateFailures.append((k, TemporaryFileFailure(code: e), spill.file.directory))
      keys[k].abandoned = true
      return
    }
    for c in spill.candidates {
      guard let firstRow = table.insert(c.hash, row: c.row) else { continue }
      lateRepeats.append((k, c, firstRow))
    }
    keys[k].table = table
  }

  /// The key's values in `row`, as a finding shows them.
  private func value(of k: Int, row: Row, typed: TypedRow) -> String {
    keys[k].fields.map { typed.text(of: $0, in: row) }.joined(separator: "、")
  }

  private func emitDuplicate(_ k: Int, row: Int, firstRow: Int, value: @autoclosure () -> String,
                             emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    let fields = keys[k].fields
    // A composite key is written scope first (单位, 执法证号): the finding points at its last
    // field, the one that identifies the record within the scope.
    if keys[k].alsoUniqueField { emitDuplicate(fields, .uniqueError, row: row, firstRow: firstRow, value: value(), emitter: &emitter, into: &collector) }
    emitDuplicate(fields, keys[k].code, row: row, firstRow: firstRow, value: value(), emitter: &emitter, into: &collector)
  }

  private func emitDuplicate(_ fields: [Int], _ code: DiagnosticCode, row: Int, firstRow: Int, value: @autoclosure () -> String,
                             emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    let plan = plans[fields[fields.count - 1]]
    let plans = self.plans
    emitter.emit(code, .error, into: &collector) { place in
      let titles = fields.map { plans[$0].title }.joined(separator: "+")
      var parameters: [DiagnosticParameter] = [.init("firstRow", String(firstRow + 1)), .init("fields", titles)]
      // As in Frictionless's reports: a `unique-error` names its field; a `primary-key` error is
      // about the row (no fieldName/fieldNumber; the cell and title still point at the key's last field).
      if code != .primaryKey {
        parameters += [.init("fieldName", plan.field.name), .init("fieldNumber", String(plan.index + 1))]
      }
      return Diagnostic(code: code, severity: .error,
                        location: place.location(row: row, column: plan.column),
                        field: fields.count > 1 ? titles : plan.title, value: value(), parameters: parameters)
    }
  }

  private func emitNullKey(_ k: Int, row: Int, emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    let fields = keys[k].fields
    let plan = plans[fields[fields.count - 1]]
    let plans = self.plans
    emitter.emit(.primaryKey, .error, into: &collector) { place in
      let titles = fields.map { plans[$0].title }.joined(separator: "+")
      return Diagnostic(code: .primaryKey, severity: .error, location: place.location(row: row, column: plan.column),
                        field: fields.count > 1 ? titles : plan.title, value: "",
                        parameters: [.init("expected", "null"), .init("fields", titles)])
    }
  }

  /// The key's temporary file could not be read back: its repeats past the memory limit are unknown.
  private func emitIncomplete(_ k: Int, failure: TemporaryFileFailure, directory: String,
                              emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    let fields = keys[k].fields
    let titles = fields.map { plans[$0].title }.joined(separator: "+")
    let plan = plans[fields[fields.count - 1]]
    emitter.emit(.checkIncomplete, .error, into: &collector) { place in
      Diagnostic(code: .checkIncomplete, severity: .error, location: place.location(row: nil, column: plan.column),
                 field: fields.count > 1 ? titles : plan.title, value: nil,
                 parameters: [.init("fields", titles), .init("directory", directory),
                              .init("reason", String(cString: strerror(failure.code))),
                              .init("fieldName", plan.field.name)])
    }
  }
}

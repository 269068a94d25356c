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
/// per distinct key per row — 16–24 bytes per distinct key (`KeyHashTable`) — never the row itself.
struct UniqueKeysCheck: ValidationCheck {
  static let code = DiagnosticCode.uniqueError

  /// One key to watch.
  struct Key {
    var fields: [Int]
    var code: DiagnosticCode
    var table = KeyHashTable()
  }

  var plans: [FieldPlan]
  var keys: [Key]

  /// The keys of `schema`: the primary key, then the unique keys, then single `unique` fields
  /// not already a whole key; keys with an unmapped field are left out (their column is missing).
  init(schema: TableSchema, plans: [FieldPlan]) {
    self.plans = plans
    var keys: [Key] = []
    func add(_ fields: [Int], _ code: DiagnosticCode) {
      guard !fields.isEmpty, fields.allSatisfy({ $0 < plans.count && plans[$0].column != nil }),
            !keys.contains(where: { $0.fields == fields }) else { return }
      keys.append(Key(fields: fields, code: code))
    }
    add(schema.primaryKey, .primaryKey)
    for k in schema.uniqueKeys { add(k, .uniqueError) }
    for (i, f) in schema.fields.enumerated() where f.constraints.unique { add([i], .uniqueError) }
    self.keys = keys
  }

  /// Every field that takes part in a key (the type check hashes these).
  var keyFields: Set<Int> { Set(keys.flatMap(\.fields)) }

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    for k in keys.indices {
      var h = KeyHash()
      var complete = true
      for f in keys[k].fields {
        if typed.failed[f] || typed.values[f].isNull { complete = false; break }
        h.add(word: typed.keyHash[f])
      }
      guard complete, let firstRow = keys[k].table.insert(h.value, row: typed.rowIndex) else { continue }
      let fields = keys[k].fields
      // A composite key is written scope first (单位, 执法证号): the finding points at its last
      // field, the one that identifies the record within the scope.
      let plan = plans[fields[fields.count - 1]]
      let code = keys[k].code
      emitter.emit(code, .error, into: &collector) { place in
        let value = fields.map { typed.text(of: $0, in: row) }.joined(separator: "、")
        let titles = fields.map { plans[$0].title }.joined(separator: "+")
        return Diagnostic(code: code, severity: .error,
                          location: place.location(row: typed.rowIndex, column: plan.column),
                          field: fields.count > 1 ? titles : plan.title, value: value,
                          parameters: [.init("firstRow", String(firstRow + 1)), .init("fields", titles),
                                       .init("fieldName", plan.field.name),
                                       .init("fieldNumber", String(plan.index + 1))])
      }
    }
  }
}

import Diagnostics
import Schema
import Tabular

/// Checks single-field foreign keys against lookup lists such as the agency roster.
///
/// A value not on the list is a `foreign-key` error with parameter `reference` (the list's
/// name) and, when the roster finds a near miss (a short name, a missing banner prefix, a
/// typo, an abbreviation), `suggestion` with the canonical name(s) and `suggestionText` /
/// `suggestionTextEn` for the hint; an abbreviation also carries `confidence` (percent), and
/// names every roster entry that fits equally well. A value
/// the roster knows under another spelling is accepted. Foreign keys over several fields,
/// and keys whose resource the context does not supply, are not checked.
///
/// Memory: a cache of answers by the value's bytes, bounded to `cacheLimit` distinct values
/// (a ledger names a few dozen agencies), so a million rows make a few dozen roster lookups.
struct ForeignKeysCheck: ValidationCheck {
  static let code = DiagnosticCode.foreignKey
  /// Distinct values whose answers are remembered.
  static let cacheLimit = 4096

  /// One foreign key with its roster.
  struct Key {
    var field: Int
    var roster: AgencyRoster
    var reference: String
    var cache: [[UInt8]: AgencyRoster.Match] = [:]
  }

  /// A foreign key into this table itself (`reference.resource: ""`), as Frictionless checks it: the
  /// referenced values of every row are gathered, and a value found nowhere in the table is a
  /// row-level `foreign-key` error at the end (a reference may point at a later row).
  /// Memory: 8 bytes per distinct referenced value and one entry per row whose reference is not
  /// yet seen (usually a few).
  struct SelfKey {
    var fields: [Int]
    var targets: [Int]
    var targetNames: String
    var seen = Set<UInt64>()
    var pending: [(hash: UInt64, row: Int, value: String, countedValid: Bool)] = []
  }

  var plans: [FieldPlan]
  var keys: [Key]
  var selfKeys: [SelfKey]
  private var scratch: [UInt8] = []

  /// Every field a self-referencing key reads (their key hashes are needed).
  var selfKeyFields: Set<Int> { Set(selfKeys.flatMap { $0.fields + $0.targets }) }
  /// True when some key is checked.
  var isEmpty: Bool { keys.isEmpty && selfKeys.isEmpty }
  /// Rows counted valid that a late `foreign-key` error made invalid.
  private(set) var rowsInvalidatedAtEnd = 0

  init(schema: TableSchema, plans: [FieldPlan], lookups: [String: AgencyRoster]) {
    self.plans = plans
    keys = schema.foreignKeys.compactMap { fk in
      guard fk.fields.count == 1, let f = fk.fields.first, f < plans.count, plans[f].column != nil,
            let roster = lookups[fk.resource] else { return nil }
      let reference = fk.resource == "agency-roster" ? "本级行政执法部门名单" : fk.resource
      return Key(field: f, roster: roster, reference: reference)
    }
    selfKeys = schema.foreignKeys.compactMap { fk in
      guard fk.resource.isEmpty, !fk.fields.isEmpty, fk.fields.count == fk.referenceFields.count else { return nil }
      let targets = fk.referenceFields.compactMap { schema.fieldIndex(named: $0) }
      guard targets.count == fk.fields.count,
            (fk.fields + targets).allSatisfy({ $0 < plans.count && plans[$0].column != nil }) else { return nil }
      return SelfKey(fields: fk.fields, targets: targets, targetNames: fk.referenceFields.joined(separator: "+"))
    }
    scratch.reserveCapacity(256)
  }

  private static func keyHash(_ fields: [Int], _ typed: TypedRow) -> UInt64? {
    var h = KeyHash()
    for f in fields {
      if typed.failed[f] || typed.values[f].isNull { return nil }
      h.add(word: typed.keyHash[f])
    }
    return h.value
  }

  mutating func checkSelfKeys(row: Row, typed: TypedRow) {
    for k in selfKeys.indices {
      if let t = Self.keyHash(selfKeys[k].targets, typed) { selfKeys[k].seen.insert(t) }
      // A reference with a null part is not checked (Frictionless skips an all-null one).
      guard let h = Self.keyHash(selfKeys[k].fields, typed), !selfKeys[k].seen.contains(h) else { continue }
      let value = selfKeys[k].fields.map { typed.raw(of: $0, in: row) ?? "" }.joined(separator: "、")
      selfKeys[k].pending.append((h, typed.rowIndex, value, false))
    }
  }

  /// Whether the row just checked was counted valid (a late error then un-counts it).
  mutating func endRow(_ rowIndex: Int, countedValid: Bool) {
    for k in selfKeys.indices where selfKeys[k].pending.last?.row == rowIndex {
      selfKeys[k].pending[selfKeys[k].pending.count - 1].countedValid = countedValid
    }
  }

  /// Reports the self-references found nowhere in the table, in row order.
  mutating func finish(emitter: inout Emitter, into collector: inout DiagnosticCollector) {
    var late: [(row: Int, key: Int, value: String, countedValid: Bool)] = []
    for k in selfKeys.indices {
      for p in selfKeys[k].pending where !selfKeys[k].seen.contains(p.hash) { late.append((p.row, k, p.value, p.countedValid)) }
      selfKeys[k].pending = []
    }
    late.sort { ($0.row, $0.key) < ($1.row, $1.key) }
    var invalidated = Set<Int>()
    for l in late {
      let key = selfKeys[l.key]
      let plan = plans[key.fields[0]]
      let titles = key.fields.map { plans[$0].title }.joined(separator: "+")
      let reference = "本表「\(key.targetNames)」"
      emitter.emit(.foreignKey, .error, into: &collector) { place in
        Diagnostic(code: .foreignKey, severity: .error, location: place.location(row: l.row, column: plan.column),
                   field: titles, value: l.value, parameters: [.init("reference", reference)])
      }
      if l.countedValid { invalidated.insert(l.row) }
    }
    rowsInvalidatedAtEnd = invalidated.count
  }

  mutating func check(row: Row, typed: inout TypedRow, emitter: inout Emitter,
                      into collector: inout DiagnosticCollector) {
    for k in keys.indices {
      let f = keys[k].field
      if typed.failed[f] || typed.values[f].isNull { continue }
      scratch.removeAll(keepingCapacity: true)
      if typed.plain[f] {
        row.withText(typed.cellIndex[f]) { scratch.append(contentsOf: $0) }
      } else {
        scratch.append(contentsOf: typed.values[f].description.utf8)
      }
      let match: AgencyRoster.Match
      if let cached = keys[k].cache[scratch] {
        match = cached
      } else {
        match = keys[k].roster.lookup(String(decoding: scratch, as: UTF8.self))
        if keys[k].cache.count < Self.cacheLimit { keys[k].cache[scratch] = match }
      }
      var parameters: [DiagnosticParameter] = [.init("reference", keys[k].reference)]
      switch match {
      case .exact: continue
      case .suggestion(let name, let reason):
        parameters += [.init("suggestion", name), .init("suggestionText", "：「\(name)」"),
                       .init("suggestionTextEn", ": \"\(name)\""), .init("reason", reason)]
      case .abbreviation(let names, let confidence):
        let zh = names.map { "「\($0)」" }.joined(separator: "或")
        let en = names.map { "\"\($0)\"" }.joined(separator: " or ")
        parameters += [.init("suggestion", names.joined(separator: "、")), .init("reason", "abbreviation"),
                       .init("confidence", String(confidence))]
        if names.count == 1 {
          parameters += [.init("suggestionText", "：\(zh)（按简写匹配，把握程度\(confidence)%，请核对）"),
                         .init("suggestionTextEn", ": \(en) (matched as an abbreviation, confidence \(confidence)%; please check)")]
        } else {
          parameters += [.init("suggestionText", "：\(zh)（按简写匹配，\(names.count)个单位同样相符，把握程度均为\(confidence)%，请确认是哪一个）"),
                         .init("suggestionTextEn", ": \(en) (matched as an abbreviation; \(names.count) agencies fit equally, confidence \(confidence)% each; say which)")]
        }
      case .none:
        break
      }
      emitter.cell(.foreignKey, .error, plans[f], row, typed, parameters, into: &collector)
    }
  }
}

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

  var plans: [FieldPlan]
  var keys: [Key]
  private var scratch: [UInt8] = []

  init(schema: TableSchema, plans: [FieldPlan], lookups: [String: AgencyRoster]) {
    self.plans = plans
    keys = schema.foreignKeys.compactMap { fk in
      guard fk.fields.count == 1, let f = fk.fields.first, f < plans.count, plans[f].column != nil,
            let roster = lookups[fk.resource] else { return nil }
      let reference = fk.resource == "agency-roster" ? "本级行政执法部门名单" : fk.resource
      return Key(field: f, roster: roster, reference: reference)
    }
    scratch.reserveCapacity(256)
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

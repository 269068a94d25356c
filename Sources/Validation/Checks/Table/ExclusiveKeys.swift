import Diagnostics
import Schema
import Tabular

/// One row's key in a table-group rule (`exclusive`): where a record is listed.
public struct ExclusiveListing: Sendable, Hashable {
  /// The rule's name (`one-list-per-document`).
  public var rule: String
  /// Which of the rule's alternative keys (0: `[doc_number]`, 1: `[doc_title, issued_on]`).
  public var alternative: Int
  /// The key's normalised values, joined by U+001F.
  public var key: String
  /// The key's values as shown (`乌政办发〔2020〕88号`, `文件名称 2020-11-02`).
  public var display: String
  /// Zero-based sheet row and column of the key's first field.
  public var row: Int
  public var column: Int?
  /// The key's first field's title (`文号`).
  public var field: String?
}

/// Records, per row, the keys of the schema's `exclusive` rules; `ExclusiveListings.conflicts`
/// compares them across the tables of a workbook (validate) or across submissions (merge).
///
/// Memory: one entry per row and alternative key, only for schemas that declare `exclusive`
/// (the normative-document lists: tens to hundreds of rows); nothing otherwise.
struct ExclusiveKeysCheck {
  /// Per rule, per alternative, the key's field indices.
  let keys: [(rule: String, alternatives: [[Int]])]
  let plans: [FieldPlan]
  private(set) var listings: [ExclusiveListing] = []

  init(schema: TableSchema, plans: [FieldPlan]) {
    self.plans = plans
    keys = schema.exclusive.map { rule in
      (rule.name, rule.keys.map { names in names.compactMap { schema.fieldIndex(named: $0) } })
    }
  }

  var isEmpty: Bool { keys.isEmpty }

  mutating func check(row: Row, typed: TypedRow) {
    for (rule, alternatives) in keys {
      for (a, fields) in alternatives.enumerated() where !fields.isEmpty {
        var parts: [String] = []
        for f in fields {
          guard f < plans.count, plans[f].column != nil, !typed.failed[f], !typed.values[f].isNull else { parts = []; break }
          let t = typed.text(of: f, in: row)
          if t.isEmpty { parts = []; break }
          parts.append(t)
        }
        guard parts.count == fields.count else { continue }
        let first = plans[fields[0]]
        listings.append(ExclusiveListing(rule: rule, alternative: a, key: ExclusiveListings.normalized(parts),
                                         display: parts.joined(separator: " "), row: typed.rowIndex,
                                         column: first.column, field: first.title))
      }
    }
  }
}

/// Finds records listed in more than one list of a table-group rule.
public enum ExclusiveListings {
  /// One table's listings with where it is and which list it is.
  public struct Table: Sendable {
    public var schema: TableSchema
    public var file: String?
    public var sheet: String?
    public var listings: [ExclusiveListing]
    public init(schema: TableSchema, file: String?, sheet: String?, listings: [ExclusiveListing]) {
      self.schema = schema; self.file = file; self.sheet = sheet; self.listings = listings
    }
  }

  /// The comparison form of a key: each value without spaces, full-width folded, joined by U+001F.
  public static func normalized(_ parts: [String]) -> String {
    parts.map { p in String(TextFold.folded(p).filter { !$0.isWhitespace }) }.joined(separator: "\u{1F}")
  }

  /// One `exclusive-listing` error per listing of a record that another list of the same rule
  /// also holds (each row once per rule, on the first alternative key that matches), as
  /// (table index, diagnostic). Tables of the same list (schema) never conflict with each other:
  /// a repeat within one list is the unique key's business.
  public static func conflicts(_ tables: [Table]) -> [(table: Int, diagnostic: Diagnostic)] {
    // rule → alternative+key → (table, listing index)
    var index: [String: [String: [(Int, Int)]]] = [:]
    for (t, table) in tables.enumerated() {
      for (l, listing) in table.listings.enumerated() {
        index[listing.rule, default: [:]][String(listing.alternative) + "\u{1E}" + listing.key, default: []].append((t, l))
      }
    }
    var out: [(table: Int, diagnostic: Diagnostic)] = []
    var reported: Set<String> = []
    for rule in index.keys.sorted() {
      let byKey = index[rule] ?? [:]
      for key in byKey.keys.sorted() {
        let places = byKey[key] ?? []
        let lists = Set(places.map { tables[$0.0].schema.name })
        guard lists.count > 1 else { continue }
        for (t, l) in places {
          let table = tables[t]
          let listing = table.listings[l]
          let mark = "\(rule)\u{1F}\(t)\u{1F}\(listing.row)"
          guard reported.insert(mark).inserted else { continue }
          let others = places.filter { tables[$0.0].schema.name != table.schema.name }
          let otherLists = Array(Set(others.map { title(tables[$0.0].schema) })).sorted().joined(separator: "、")
          let otherPlaces = others.map { (ot, ol) -> String in
            let o = tables[ot]
            var s = o.file != table.file ? (o.file ?? "") + " " : ""
            s += o.sheet.map { $0 + "!" } ?? ""
            let row = o.listings[ol].row
            s += o.listings[ol].column.map { CellAddress(row: row, column: $0).a1 } ?? "第\(row + 1)行"
            return s
          }.joined(separator: "、")
          let message = table.schema.exclusive.first { $0.name == rule }?.message
          var params: [DiagnosticParameter] = [
            .init("list", title(table.schema)), .init("otherList", otherLists), .init("other", otherPlaces),
            .init("ruleName", rule),
          ]
          if let message { params.append(.init("rule", message)) }
          out.append((t, Diagnostic(code: .exclusiveListing, severity: .error,
                                    location: SourceLocation(file: table.file, sheet: table.sheet, row: listing.row,
                                                             column: listing.column),
                                    field: listing.field, value: listing.display, parameters: params)))
        }
      }
    }
    return out
  }

  static func title(_ s: TableSchema) -> String { s.title ?? s.name }
}

/// A foreign key: values of `fields` must appear in `referenceFields` of `resource`
/// (`agency-roster` or a roster file path).
public struct ForeignKey: Sendable {
  public var fields: [Int]
  public var resource: String
  public var referenceFields: [String]
}

/// A table-group rule: a record may appear in only one of several lists (ledgers).
///
/// ```yaml
/// exclusive:
///   - name: one-list-per-document
///     lists: [normative-documents-valid, normative-documents-amended, normative-documents-repealed]
///     keys: [[doc_number], [doc_title, issued_on]]     # same 文号, or same title and date
/// ```
/// Every schema of the group declares it. `validate` checks the tables of one workbook,
/// `merge` the submissions it reads; each listing of a record found in two lists is an error
/// (`exclusive-listing`). Keys are compared on their normalised values (a 文号 typed with
/// `[]` matches the one typed with `〔〕`).
public struct ExclusiveRule: Sendable {
  public var name: String
  /// The schema names of the lists (this schema among them).
  public var lists: [String]
  /// Alternative keys, each a list of field names; a record matches another on any of them.
  public var keys: [[String]]
  /// The message shown (zh-CN); the catalog's when nil.
  public var message: String?
}

/// A typed table schema: Frictionless Table Schema plus sheetgate's extensions.
///
/// Load one with `TableSchema(yaml:file:)` (JSON is YAML too) or `BuiltinSchemas.load(named:)`.
public struct TableSchema: Sendable {
  /// A short identifier, e.g. `training-hours`.
  public var name: String
  /// The Chinese title, e.g. `执法人员培训学时台账`.
  public var title: String?
  public var description: String?
  /// Words that identify the ledger in a sheet's title rows or file name.
  public var keywords: [String]
  public var fields: [Field]
  /// Schema-level missing values (Frictionless default `[""]`).
  public var missingValues: [String]
  public var primaryKey: [Int]
  public var uniqueKeys: [[Int]]
  public var foreignKeys: [ForeignKey]
  public var rules: [RowRule]
  public var aggregates: [AggregateRule]
  /// The file the schema came from, if any.
  public var file: String?
  /// Table-group rules: lists a record may appear in only one of.
  public var exclusive: [ExclusiveRule] = []
  /// Fields whose value may be submitted by one agency only in a period (`acrossAgencies:
  /// unique` on the field, e.g. 身份证号): `merge` reports a value two agencies submitted.
  public var uniqueAcrossAgencies: [Int] = []
  /// True when the schema file uses Frictionless Table Schema keys only, with default formats (set
  /// by the loader): sheetgate then reads the header and reports as `frictionless validate` does.
  public var isPlainTableSchema = false

  /// The index of the field called `name` (or, failing that, titled `name`).
  public func fieldIndex(named name: String) -> Int? {
    fields.firstIndex { $0.name == name } ?? fields.firstIndex { $0.title == name }
  }

  /// The index of the field a header text denotes: name, title or alias, compared after
  /// removing spaces and folding full-width forms and brackets (`学时（小时）` = `学时(小时)`).
  public func fieldIndex(forHeader header: String) -> Int? {
    let h = TableSchema.headerKey(header)
    if h.isEmpty { return nil }
    for (i, f) in fields.enumerated() {
      if TableSchema.headerKey(f.name) == h { return i }
      if let t = f.title, TableSchema.headerKey(t) == h { return i }
      for a in f.aliases where TableSchema.headerKey(a) == h { return i }
    }
    return nil
  }

  /// The comparison key of a header text: no whitespace or line breaks, full-width folded, `*` marks removed.
  public static func headerKey(_ s: String) -> String {
    var out = ""
    for ch in TextNormalization.folded(s) where !ch.isWhitespace && ch != "*" && ch != "※" {
      out.append(ch)
    }
    return out
  }
}

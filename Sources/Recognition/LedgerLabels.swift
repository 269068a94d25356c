import Tabular

/// The labels of one ledger as recognition needs them: a plain-value view of a table schema.
///
/// Recognition does not depend on `Schema`; an adapter maps a `TableSchema` onto this type
/// (field `title` → `title`, `aliases` → `aliases`, `constraints.required` → `required`,
/// `fillMerged` → `fillMerged`). A field's index in `fields` is the column key `TableReader`
/// uses for re-keyed rows.
///
/// ```swift
/// let training = LedgerLabels(name: "training-hours", title: "执法人员培训学时台账",
///                             keywords: ["培训", "学时"],
///                             fields: [FieldLabels(name: "name", title: "姓名", required: true)])
/// ```
public struct LedgerLabels: Sendable, Hashable {
  /// Stable ledger name (the schema name), e.g. `training-hours`.
  public var name: String
  /// The ledger's Chinese title, e.g. `执法人员培训（轮训）学时台账`.
  public var title: String
  /// Words that hint at this ledger when found in a title row, the sheet name or the file name.
  public var keywords: [String]
  /// The fields in schema order.
  public var fields: [FieldLabels]

  /// Creates ledger labels.
  /// Frictionless's reading of a plain Table Schema: when the sheet's first row names at least one
  /// field exactly, that row is the header and fields are matched by position (`incorrect-label`
  /// where a label differs from its field's name), as `frictionless validate` does.
  public var positional = false

  public init(name: String, title: String, keywords: [String] = [], fields: [FieldLabels]) {
    self.name = name
    self.title = title
    self.keywords = keywords
    self.fields = fields
  }
}

/// The header spellings of one field.
public struct FieldLabels: Sendable, Hashable {
  /// Stable field name, e.g. `public_hours`.
  public var name: String
  /// The usual column title, e.g. `公共法律知识学时`.
  public var title: String
  /// Other spellings found in real submissions, e.g. `培训学时/公共法律知识`, `公共法律知识`.
  public var aliases: [String]
  /// True when a submission must have this column (it weighs more in the ledger's score).
  public var required: Bool
  /// True when a vertically merged cell in this column applies to every row of its range.
  public var fillMerged: Bool

  /// Creates field labels.
  public init(name: String, title: String, aliases: [String] = [], required: Bool = false, fillMerged: Bool = false) {
    self.name = name
    self.title = title
    self.aliases = aliases
    self.required = required
    self.fillMerged = fillMerged
  }
}

/// One finding of recognition, in a small form the validator turns into a diagnostic.
///
/// `code` is a stable slug from `RecognitionCode`. Rows and columns are zero-based sheet
/// indices; `value` is the raw text, truncated to 64 bytes. Messages are rendered later from
/// the code and `params`, never here.
public struct RecognitionNote: Sendable, Hashable, CustomStringConvertible {
  /// What kind of note it is (its `rawValue` is the stable slug).
  public var code: RecognitionCode
  /// Zero-based sheet row, when the note is about a row or a cell.
  public var row: Int?
  /// Zero-based column, when the note is about a column or a cell.
  public var column: Int?
  /// The raw value concerned (a header label, a footer's first cell), truncated.
  public var value: String?
  /// Named parameters for the message template (`field`, `ledger`, `score`, `range`, `count`…).
  public var params: [String: String]

  /// Creates a note; `value` is truncated to 64 UTF-8 bytes on a character boundary.
  public init(code: RecognitionCode, row: Int? = nil, column: Int? = nil, value: String? = nil, params: [String: String] = [:]) {
    self.code = code
    self.row = row
    self.column = column
    self.value = value.map(RecognitionNote.truncated)
    self.params = params
  }

  /// The A1 reference of the note's cell, when it has both a row and a column.
  public var a1: String? {
    guard let row, let column else { return nil }
    return CellAddress(row: row, column: column).a1
  }

  /// `code@A1 value`, for logs and test failure messages.
  public var description: String {
    var s = code.rawValue
    if let a1 {
      s += "@" + a1
    } else if let row {
      s += "@row" + String(row + 1)
    } else if let column {
      s += "@" + CellAddress.columnName(column)
    }
    if let value { s += " " + value }
    return s
  }

  static func truncated(_ s: String) -> String {
    if s.utf8.count <= 64 { return s }
    var out = ""
    for ch in s {
      if out.utf8.count + ch.utf8.count > 64 { break }
      out.append(ch)
    }
    return out
  }
}

/// The kinds of note recognition emits; the raw value is the stable slug.
///
/// An enum, so that whoever turns notes into diagnostics handles every kind (a new kind is a
/// compile error there, never a silent default).
public enum RecognitionCode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// The slug (`blank-row`).
  public var description: String { rawValue }

  /// No row among the scanned rows looks like the header of any candidate ledger.
  case headerNotFound = "header-not-found"
  /// A field of the ledger has no column (`params`: `field`, `title`, `required`).
  case missingLabel = "missing-label"
  /// A header cell matches no field.
  case extraLabel = "extra-label"
  /// A blank header cell between labelled columns.
  case blankLabel = "blank-label"
  /// A second column matches a field already matched (`params`: `field`, `firstColumn`).
  case duplicateLabel = "duplicate-label"
  /// Positional headers: the label differs from the name of the field at its position.
  case incorrectLabel = "incorrect-label"
  /// A footer row (`合计`, `填表人：…`) or a row after it, not counted as data.
  case footerSkipped = "footer-skipped"
  /// A run of blank rows between data rows (one note per run; `params["count"]`).
  case blankRow = "blank-row"
  /// The ledger was chosen automatically (`params`: `ledger`, `score`, `runnerUp`, `runnerUpScore`).
  case schemaChosen = "schema-chosen"
  /// The ledger was taken from the workbook's template marker (custom document properties written
  /// by `sheetgate template`), not guessed (`params`: `ledger`, `agency`, `period`, `version`).
  case templateMarker = "template-marker"
  /// The template marker names one ledger but the sheet holds another, or the header does not fit
  /// the marked ledger (`params`: `declared`, `found`, `reason`).
  case templateMarkerMismatch = "template-marker-mismatch"
  /// A vertically merged cell's value was applied to the rows of its range (once per range).
  case mergedCellFilled = "merged-cell-filled"
  /// A sheet matched no ledger and was skipped (`params`: `sheet`, `hidden`).
  case sheetSkipped = "sheet-skipped"
}

/// Where a sheet comes from: names that help choose the ledger and find the agency.
public struct SheetContext: Sendable {
  /// The submitted file's name (a path is fine; only the last component is used).
  public var fileName: String?
  /// The sheet's name (nil for CSV).
  public var sheetName: String?
  /// True when the workbook marks the sheet hidden.
  public var isHidden: Bool
  /// Agency names from the roster (`本级行政执法部门名单`). See `SubmissionMetadata` for how
  /// they are used to take an agency from a title or the file name.
  public var knownAgencies: [String]
  /// The workbook's template marker, when it was made by `sheetgate template`.
  public var marker: TemplateMarker?

  /// Creates a context.
  public init(fileName: String? = nil, sheetName: String? = nil, isHidden: Bool = false, knownAgencies: [String] = [],
              marker: TemplateMarker? = nil) {
    self.fileName = fileName
    self.sheetName = sheetName
    self.isHidden = isHidden
    self.knownAgencies = knownAgencies
    self.marker = marker
  }
}

/// What a template made by `sheetgate template` says about itself, in custom document properties the
/// filer does not see: `sheetgate.schema`, `sheetgate.schemaVersion`, `sheetgate.agency`, `sheetgate.period`.
///
/// Recognition takes the marked ledger without guessing when its header fits, and reads the agency
/// and period from here; a marker that contradicts the sheet is a `template-marker-mismatch` note.
public struct TemplateMarker: Sendable, Hashable {
  /// The property names.
  public static let schemaKey = "sheetgate.schema"
  public static let versionKey = "sheetgate.schemaVersion"
  public static let agencyKey = "sheetgate.agency"
  public static let periodKey = "sheetgate.period"

  /// The ledger's name (`training-hours`).
  public var ledger: String
  /// A fingerprint of the schema the template was made from.
  public var schemaVersion: String
  /// The agency the template was made for, if any.
  public var agency: String?
  /// The period the template was made for, if any.
  public var period: String?

  public init(ledger: String, schemaVersion: String = "", agency: String? = nil, period: String? = nil) {
    self.ledger = ledger
    self.schemaVersion = schemaVersion
    self.agency = agency
    self.period = period
  }

  /// The marker in a workbook's custom properties, or nil when there is none (no `sheetgate.schema`).
  public init?(customProperties p: [String: String]) {
    guard let ledger = p[Self.schemaKey]?.trimmingSpaces, !ledger.isEmpty else { return nil }
    self.ledger = ledger
    schemaVersion = p[Self.versionKey] ?? ""
    agency = p[Self.agencyKey].flatMap { $0.trimmingSpaces.isEmpty ? nil : $0.trimmingSpaces }
    period = p[Self.periodKey].flatMap { $0.trimmingSpaces.isEmpty ? nil : $0.trimmingSpaces }
  }

  /// The properties that carry this marker, in a fixed order (agency and period only when given).
  public var properties: [(name: String, value: String)] {
    var p = [(Self.schemaKey, ledger), (Self.versionKey, schemaVersion)]
    if let a = agency, !a.isEmpty { p.append((Self.agencyKey, a)) }
    if let v = period, !v.isEmpty { p.append((Self.periodKey, v)) }
    return p
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}

/// Recognition settings.
public struct RecognitionOptions: Sendable {
  /// How many rows from the top are buffered and scanned for the header (default 30).
  public var headerScanRows: Int
  /// The lowest header score that counts as recognised (0…1, default 0.4).
  public var minimumScore: Double
  /// How many rows after the first footer are read for footer metadata (default 20).
  public var footerScanRows: Int

  /// The most notes one table keeps; `TableReader.notesTruncated` says when more were found
  /// (default 1,000).
  public var noteLimit: Int

  /// Creates options; negative or zero counts are raised to their minimum.
  public init(headerScanRows: Int = 30, minimumScore: Double = 0.4, footerScanRows: Int = 20, noteLimit: Int = 1000) {
    self.headerScanRows = max(1, headerScanRows)
    self.minimumScore = minimumScore
    self.footerScanRows = max(0, footerScanRows)
    self.noteLimit = max(1, noteLimit)
  }
}

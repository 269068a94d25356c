import Diagnostics
import Schema
import Tabular

/// Everything a `Validator` needs to know about where the rows come from.
///
/// ```swift
/// let context = ValidationContext(file: "乌审旗市场监督管理局.xlsx", sheet: "培训学时台账",
///                                 dateSystem: .excel1900, roster: roster)
/// ```
public struct ValidationContext: Sendable {
  /// The submitted file's name, as the filer knows it (put into every diagnostic's location).
  public var file: String?
  /// The sheet name (nil for CSV).
  public var sheet: String?
  /// The workbook's date system, for date serials.
  public var dateSystem: DateSystem
  /// Lookup lists for foreign keys, keyed by the schema's `resource` (e.g. `agency-roster`).
  /// A foreign key whose resource is not here is not checked.
  public var lookups: [String: AgencyRoster]
  /// The number of header columns (data right of it is `extra-cell`); nil: one past the last mapped column.
  public var headerWidth: Int?
  /// True for sources where every row has all its cells (CSV): a short row is `missing-cell`.
  /// XLSX rows are sparse (blank cells are absent), so this is false for them.
  public var rowsAreDense: Bool
  /// The date ID-card birth dates must not pass (fixed in tests; today by default).
  public var today: LocalDate
  /// Distinct values of one unique key kept in memory (16–24 bytes each); past this the key's set
  /// moves to an unlinked temporary file in `$TMPDIR` (else `/tmp`), memory keeps about 2 bytes per
  /// value, and repeats past this point are reported when the table ends. `Int.max` keeps every
  /// set in memory and reports each repeat at its row (the merge does: it holds its rows anyway).
  public var uniqueKeysInMemory = 65_536
  /// The most one unique key's temporary file may hold, in bytes (a full disk acts the same).
  var keySpillByteLimit: UInt64 = .max

  /// Makes a context; `roster` (if given) is registered as the `agency-roster` lookup.
  public init(file: String? = nil, sheet: String? = nil, dateSystem: DateSystem = .excel1900,
              roster: AgencyRoster? = nil, lookups: [String: AgencyRoster] = [:], headerWidth: Int? = nil,
              rowsAreDense: Bool = false, today: LocalDate = .today) {
    self.file = file
    self.sheet = sheet
    self.dateSystem = dateSystem
    var l = lookups
    if let roster { l["agency-roster"] = roster }
    self.lookups = l
    self.headerWidth = headerWidth
    self.rowsAreDense = rowsAreDense
    self.today = today
  }
}

/// Counts for one validated table.
public struct ValidationStats: Sendable, Hashable {
  /// Data rows seen (blank rows included).
  public var rows = 0
  /// Rows without any finding of severity `error`.
  public var validRows = 0
  /// Findings of severity `error` (including those past the collector's limit).
  public var errors = 0
  /// Findings of severity `warning`.
  public var warnings = 0
  /// Compliance findings (severity `policy`).
  public var policyFindings = 0
  /// Findings of severity `info`.
  public var infos = 0

  public init() {}

  /// Counts one more finding of `severity` (a finding made outside the validator, e.g. a
  /// recognition note).
  public mutating func count(_ severity: Severity) {
    switch severity {
    case .error: errors += 1
    case .warning: warnings += 1
    case .policy: policyFindings += 1
    case .info: infos += 1
    }
  }
}

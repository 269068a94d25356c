import Diagnostics
import Tabular

/// The outcome of validating one table (a sheet of a file, or a CSV file).
public struct TableReport: Sendable {
  /// The file name.
  public var file: String?
  /// The sheet name (nil for CSV).
  public var sheet: String?
  /// The schema's name (e.g. `training-hours`).
  public var schema: String?
  /// Counts of rows and findings (including findings past the diagnostic limit).
  public var stats: ValidationStats
  /// The kept diagnostics, in the order found.
  public var diagnostics: [Diagnostic]
  /// True when more findings were counted than kept.
  public var isPartial: Bool
  /// What the submission says about itself (`填报单位`, `填报日期`, `联系人`, `联系电话`…), from the
  /// lines around the table or the file name, in display order.
  public var metadata: [DiagnosticParameter] = []
  /// The rows' keys for the schema's table-group rules (`Validator.exclusiveListings`), compared
  /// across the file's tables once all are read.
  public var exclusiveListings: [ExclusiveListing] = []

  /// True when no finding of severity `error` was made.
  public var isValid: Bool { stats.errors == 0 }

  /// Makes a table report from a finished validator's statistics and its collector.
  public init(file: String?, sheet: String?, schema: String?, stats: ValidationStats, collector: DiagnosticCollector) {
    self.file = file
    self.sheet = sheet
    self.schema = schema
    self.stats = stats
    self.diagnostics = collector.diagnostics
    self.isPartial = collector.isPartial
  }
}

/// A validation report over one or more tables, shaped like Frictionless's report.
///
/// ```swift
/// let report = ValidationReport(tables: [TableReport(file: f, sheet: s, schema: "training-hours",
///                                                    stats: stats, collector: collector)])
/// print(report.text(lang: .zhCN))
/// let json = report.json(lang: .en)
/// ```
///
/// Messages are rendered only here, from the Diagnostics catalog, in the language asked for.
public struct ValidationReport: Sendable {
  public var tables: [TableReport]

  public init(tables: [TableReport]) { self.tables = tables }

  /// True when every table is valid.
  public var isValid: Bool { tables.allSatisfy(\.isValid) }

  /// True when any table kept fewer findings than it counted.
  public var isPartial: Bool { tables.contains(where: \.isPartial) }

  /// Totals over all tables.
  public var stats: ValidationStats {
    var s = ValidationStats()
    for t in tables {
      s.rows += t.stats.rows; s.validRows += t.stats.validRows; s.errors += t.stats.errors
      s.warnings += t.stats.warnings; s.policyFindings += t.stats.policyFindings; s.infos += t.stats.infos
    }
    return s
  }

  /// The kept diagnostics flattened to tuples, in order, for assertions in the frictionless
  /// manner: `(rowNumber, fieldNumber, code)` with 1-based sheet row and column (0 when unknown).
  public func flatten() -> [FlatFinding] {
    tables.flatMap { t in
      t.diagnostics.map { d in
        FlatFinding(row: d.location.row.map { $0 + 1 } ?? 0, column: d.location.column.map { $0 + 1 } ?? 0,
                    code: d.code.slug)
      }
    }
  }
}

/// One flattened finding: 1-based row and column (0 when unknown) and the code's slug.
public struct FlatFinding: Hashable, Sendable, CustomStringConvertible {
  public var row: Int
  public var column: Int
  public var code: String

  public init(_ row: Int, _ column: Int, _ code: String) {
    self.row = row
    self.column = column
    self.code = code
  }

  init(row: Int, column: Int, code: String) { self.init(row, column, code) }

  public var description: String { "(\(row), \(column), \(code))" }
}

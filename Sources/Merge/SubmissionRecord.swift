/// Where a submission stands in the store and in the consolidated output.
public struct SubmissionStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
  public var rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  /// Valid: its rows are consolidated.
  public static let valid = SubmissionStatus(rawValue: "valid")
  /// Has errors: left out (its valid rows are kept with `--include-invalid`).
  public static let invalid = SubmissionStatus(rawValue: "invalid")
  /// Replaced by a later submission from the same agency for the same ledger and period (kept in history).
  public static let superseded = SubmissionStatus(rawValue: "superseded")
  /// No sheet looked like a ledger.
  public static let unrecognized = SubmissionStatus(rawValue: "unrecognized")
  /// The file could not be read (not a spreadsheet, encrypted, legacy .xls, damaged…).
  public static let unreadable = SubmissionStatus(rawValue: "unreadable")
  public var description: String { rawValue }

  /// The clerk-facing Chinese label.
  public var labelZH: String {
    switch self {
    case .valid: return "有效"
    case .invalid: return "有错误"
    case .superseded: return "已被替代"
    case .unrecognized: return "无法识别"
    case .unreadable: return "无法读取"
    default: return rawValue
    }
  }
}

/// One submission: one recognised table of one file (a workbook with two ledgers gives two).
public struct SubmissionRecord: Sendable, Hashable {
  /// Store identifier; larger means received later.
  public var id: Int64
  public var fileName: String
  public var sheet: String?
  /// The schema name (`training-hours`); nil for unreadable or unrecognised files.
  public var ledger: String?
  /// The agency, canonical roster name when the roster knows it.
  public var agency: String?
  /// The period (`2023`), from `--period`, the 填报日期 line or the file name; empty when unknown.
  public var period: String
  /// Hex SHA-256 of the file bytes.
  public var sha256: String
  /// ISO 8601 time the submission was received (ingested).
  public var receivedAt: String
  public var status: SubmissionStatus
  public var errors: Int
  public var warnings: Int
  /// Data rows read, and how many of them had no error.
  public var rows: Int
  public var validRows: Int
  /// Why it was left out (first error, unreadable reason…), empty when valid.
  public var reason: String
  /// The submission that replaced this one.
  public var supersededBy: Int64?

  public init(id: Int64, fileName: String, sheet: String? = nil, ledger: String? = nil, agency: String? = nil,
              period: String = "", sha256: String, receivedAt: String, status: SubmissionStatus, errors: Int = 0,
              warnings: Int = 0, rows: Int = 0, validRows: Int = 0, reason: String = "", supersededBy: Int64? = nil) {
    self.id = id; self.fileName = fileName; self.sheet = sheet; self.ledger = ledger; self.agency = agency
    self.period = period; self.sha256 = sha256; self.receivedAt = receivedAt; self.status = status
    self.errors = errors; self.warnings = warnings; self.rows = rows; self.validRows = validRows
    self.reason = reason; self.supersededBy = supersededBy
  }
}

/// One stored data row: field values as canonical text (ISO dates, exact decimals), in schema field order.
public struct StoredRow: Sendable {
  public var submissionID: Int64
  /// 1-based row number in the submitted sheet (`原始行号`).
  public var rowNumber: Int
  public var values: [String]
  public init(submissionID: Int64, rowNumber: Int, values: [String]) {
    self.submissionID = submissionID; self.rowNumber = rowNumber; self.values = values
  }
}

/// Where the consolidation reads submissions and rows from (the store).
///
/// Rows are streamed: `forEachValidRow` hands one row at a time and must not materialise a submission.
public protocol ConsolidationSource {
  /// Every submission, in arrival order.
  func allSubmissions() throws -> [SubmissionRecord]
  /// Streams the error-free rows of one submission in sheet order.
  func forEachValidRow(of submissionID: Int64, _ body: (StoredRow) throws -> Void) throws
  /// For each of `submissions`, the row numbers of its error-free rows whose key hash
  /// (``Consolidation/keyHash(_:number:values:)``) another error-free row of `submissions` shares;
  /// submissions without such rows are absent. Nil when the source keeps no key index for them
  /// (then every row is checked).
  func rowsSharingKeys(among submissions: Set<Int64>) throws -> [Int64: Set<Int>]?
}

extension ConsolidationSource {
  /// No key index: every row is checked.
  public func rowsSharingKeys(among submissions: Set<Int64>) throws -> [Int64: Set<Int>]? { nil }
}

/// What to do with a key (the schema's primary or unique keys) found in two submissions.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
  /// Keep every row and list the duplicates in `问题文件`.
  case report
  /// Keep the row from the submission received last; list the others as dropped.
  case keepLatest = "keep-latest"
  /// Keep the row from the submission received first; list the others as dropped.
  case keepFirst = "keep-first"
}

import Foundation
import GRDB

/// One upload through an agency's link (`sheetgate serve`): the portal's counterpart of a ``MessageRecord``.
/// The upload's submissions are in `submission` (by the file's SHA-256), like a mailed attachment's.
public struct UploadRecord: Sendable, Hashable {
  /// Store order (larger is later).
  public var id: Int64
  /// A random 128-bit reference (hex): the name of the upload's report file and its address.
  public var ref: String
  /// The agency whose link was used.
  public var agency: String
  /// The name the filer gave the file (shown, recorded; never a path).
  public var fileName: String
  public var sha256: String
  public var receivedAt: String
  /// `valid`, `invalid`, `unrecognized`, `unreadable` (as a mailed attachment's status).
  public var status: String
  /// The ledgers recognised (titles, joined with `、`).
  public var ledgers: String
  public var rows: Int
  public var errors: Int
  public var warnings: Int
  /// What is wrong, for statuses other than valid and invalid.
  public var problem: String
  /// True when an annotated workbook (or receipt) was written for it.
  public var hasReport: Bool
  /// True when the file's bytes had been stored before (nothing new stored).
  public var alreadyStored: Bool

  public init(id: Int64 = 0, ref: String, agency: String, fileName: String, sha256: String, receivedAt: String, status: String,
              ledgers: String = "", rows: Int = 0, errors: Int = 0, warnings: Int = 0, problem: String = "",
              hasReport: Bool = false, alreadyStored: Bool = false) {
    self.id = id; self.ref = ref; self.agency = agency; self.fileName = fileName; self.sha256 = sha256
    self.receivedAt = receivedAt; self.status = status; self.ledgers = ledgers; self.rows = rows; self.errors = errors
    self.warnings = warnings; self.problem = problem; self.hasReport = hasReport; self.alreadyStored = alreadyStored
  }
}

/// One line of the portal's audit log: who did what, when, from where.
public struct AuditEntry: Sendable, Hashable {
  public var at: String
  /// `admin`, `agency:<name>`, or `anonymous`.
  public var actor: String
  /// `upload`, `login`, `login-failed`, `logout`, `download`, `export`, `collection`, `rejected` …
  public var action: String
  public var detail: String
  public var address: String
  public init(at: String, actor: String, action: String, detail: String, address: String) {
    self.at = at; self.actor = actor; self.action = action; self.detail = detail; self.address = address
  }
}

/// An agency's private link token.
public struct AgencyToken: Sendable, Hashable {
  public var agency: String
  /// 128 random bits as 32 hex digits.
  public var token: String
  public var createdAt: String
  public var revokedAt: String?
}

extension SubmissionStore {
  /// The portal's tables (migration `v6-portal`): uploads, agency tokens, the audit log, settings.
  static func createPortalTables(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE upload (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL UNIQUE, agency TEXT NOT NULL,
        file_name TEXT NOT NULL, sha256 TEXT NOT NULL, received_at TEXT NOT NULL, status TEXT NOT NULL,
        ledgers TEXT NOT NULL DEFAULT '', rows INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0, problem TEXT NOT NULL DEFAULT '', has_report INTEGER NOT NULL DEFAULT 0,
        already_stored INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX upload_agency ON upload(agency);
      CREATE TABLE agency_token (
        token TEXT PRIMARY KEY, agency TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);
      CREATE INDEX agency_token_agency ON agency_token(agency);
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '');
      CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      """)
  }

  /// The journal mode SQLite reports for the store (`wal`).
  public func journalMode() throws -> String {
    try db.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
  }

  // MARK: Uploads

  /// Records an upload; returns its id.
  @discardableResult
  public func recordUpload(_ u: UploadRecord) throws -> Int64 {
    try db.write { db in
      try db.execute(sql: """
        INSERT INTO upload (ref, agency, file_name, sha256, received_at, status, ledgers, rows, errors, warnings, problem,
                            has_report, already_stored)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [u.ref, u.agency, u.fileName, u.sha256, u.receivedAt, u.status, u.ledgers, u.rows, u.errors, u.warnings,
                         u.problem, u.hasReport ? 1 : 0, u.alreadyStored ? 1 : 0])
      return db.lastInsertedRowID
    }
  }

  /// The uploads of one agency (or all), newest first.
  public func uploads(agency: String? = nil, limit: Int = 10_000) throws -> [UploadRecord] {
    try db.read { db in
      if let agency {
        return try GRDB.Row.fetchAll(db, sql: "SELECT * FROM upload WHERE agency = ? ORDER BY id DESC LIMIT ?",
                                     arguments: [agency, limit]).map(Self.uploadRecord)
      }
      return try GRDB.Row.fetchAll(db, sql: "SELECT * FROM upload ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.uploadRecord)
    }
  }

  /// The upload with this reference, or nil.
  public func upload(ref: String) throws -> UploadRecord? {
    try db.read { db in try GRDB.Row.fetchOne(db, sql: "SELECT * FROM upload WHERE ref = ?", arguments: [ref]).map(Self.uploadRecord) }
  }

  static func uploadRecord(_ r: GRDB.Row) -> UploadRecord {
    UploadRecord(id: r["id"], ref: r["ref"], agency: r["agency"], fileName: r["file_name"], sha256: r["sha256"],
                 receivedAt: r["received_at"], status: r["status"], ledgers: r["ledgers"], rows: r["rows"], errors: r["errors"],
                 warnings: r["warnings"], problem: r["problem"], hasReport: r["has_report"], alreadyStored: r["already_stored"])
  }

  // MARK: Tokens

  /// Every token, revoked ones included, oldest first.
  public func agencyTokens() throws -> [AgencyToken] {
    try db.read { db in
      try GRDB.Row.fetchAll(db, sql: "SELECT * FROM agency_token ORDER BY rowid").map {
        AgencyToken(agency: $0["agency"], token: $0["token"], createdAt: $0["created_at"], revokedAt: $0["revoked_at"])
      }
    }
  }

  /// Gives `agency` the token `token` unless it holds a live one; returns the agency's live token.
  public func ensureToken(agency: String, token: String, at: String) throws -> String {
    try db.write { db in
      if let t = try String.fetchOne(db, sql: "SELECT token FROM agency_token WHERE agency = ? AND revoked_at IS NULL ORDER BY rowid LIMIT 1",
                                     arguments: [agency]) { return t }
      try db.execute(sql: "INSERT INTO agency_token (token, agency, created_at) VALUES (?, ?, ?)", arguments: [token, agency, at])
      return token
    }
  }

  /// Revokes the agency's live tokens; returns how many.
  @discardableResult
  public func revokeTokens(agency: String, at: String) throws -> Int {
    try db.write { db in
      try db.execute(sql: "UPDATE agency_token SET revoked_at = ? WHERE agency = ? AND revoked_at IS NULL", arguments: [at, agency])
      return db.changesCount
    }
  }

  // MARK: Audit

  /// Appends one line to the audit log.
  public func audit(_ e: AuditEntry) throws {
    try db.write { db in
      try db.execute(sql: "INSERT INTO audit (at, actor, action, detail, address) VALUES (?, ?, ?, ?, ?)",
                     arguments: [e.at, e.actor, e.action, e.detail, e.address])
    }
  }

  /// The audit log, newest first.
  public func auditLog(limit: Int = 1000) throws -> [AuditEntry] {
    try db.read { db in
      try GRDB.Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
        AuditEntry(at: $0["at"], actor: $0["actor"], action: $0["action"], detail: $0["detail"], address: $0["address"])
      }
    }
  }

  // MARK: Settings

  /// A portal setting (the admin password's hash, which collections are closed), or nil.
  public func setting(_ key: String) throws -> String? {
    try db.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
  }

  /// Sets (or, with nil, removes) a portal setting.
  public func setSetting(_ key: String, _ value: String?) throws {
    try db.write { db in
      if let value {
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
      } else {
        try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
      }
    }
  }
}

import Foundation
import GRDB
import Merge

extension SubmissionStore {
  /// The SHA-256 of every file ingested so far (one read, for skipping stored files before reading them).
  public func storedDigests() throws -> Set<String> {
    try db.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM submission")) }
  }

  /// True when a file with these bytes was ingested before (same file dropped twice: a no-op).
  public func contains(sha256: String) throws -> Bool {
    try db.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM submission WHERE sha256 = ?)", arguments: [sha256]) ?? false }
  }

  /// Every submission in arrival order (a few hundred records; rows are not loaded).
  public func allSubmissions() throws -> [SubmissionRecord] {
    try db.read { db in try GRDB.Row.fetchAll(db, sql: "SELECT * FROM submission ORDER BY id").map(Self.record) }
  }

  /// The submissions of one agency (all ledgers, or one), oldest first, superseded ones included.
  public func history(agency: String? = nil, ledger: String? = nil) throws -> [SubmissionRecord] {
    try allSubmissions().filter { s in
      (agency.map { s.agency == $0 } ?? true) && (ledger.map { s.ledger == $0 } ?? true)
    }
  }

  /// Streams the error-free rows of one submission in sheet order through a cursor.
  /// - Throws: a database error, or ``RowCodecError`` for a damaged row, or what `body` throws.
  public func forEachValidRow(of submissionID: Int64, _ body: (StoredRow) throws -> Void) throws {
    try forEachRow(of: submissionID) { number, valid, encoded in
      guard valid else { return }
      try body(StoredRow(submissionID: submissionID, rowNumber: number, values: try RowCodec.decode(bytes: encoded)))
    }
  }

  /// Every stored row of a submission in sheet order: its number, whether it is error-free, its encoded values.
  private func forEachRow(of submissionID: Int64, _ body: (Int, Bool, UnsafeRawBufferPointer) throws -> Void) throws {
    try db.read { db in
      let cursor = try GRDB.Row.fetchCursor(
        db, sql: "SELECT entries FROM row_block WHERE submission_id = ? ORDER BY first_row", arguments: [submissionID])
      while let r = try cursor.next() {
        try r.withUnsafeData(atIndex: 0) { data in
          guard let data else { throw RowCodecError(offset: 0) }
          try data.withUnsafeBytes { try RowBlock.forEach(in: $0, body) }
        }
      }
    }
  }

  /// The rows whose key hash another error-free row of `submissions` shares, from `row_key`; nil when one
  /// of `submissions` was stored without its key hashes (then the caller checks every row).
  public func rowsSharingKeys(among submissions: Set<Int64>) throws -> [Int64: Set<Int>]? {
    try db.read { db in
      let unindexed = try Int64.fetchAll(db, sql: "SELECT id FROM submission WHERE keys_indexed = 0 AND ledger IS NOT NULL")
      if unindexed.contains(where: submissions.contains) { return nil }
      // Every (hash, submission, row) of `submissions`, sorted by hash; runs of one hash longer than one entry
      // are the candidates.
      var all: [(hash: Int64, submission: Int64, row: Int)] = []
      let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT submission_id, entries FROM submission_keys")
      while let r = try cursor.next() {
        let id: Int64 = r[0]
        guard submissions.contains(id) else { continue }
        try r.withUnsafeData(atIndex: 1) { data in
          guard let data else { return }
          try data.withUnsafeBytes { b in
            try KeyEntries.forEach(in: b) { h, row in all.append((h, id, row)) }
          }
        }
      }
      all.sort { ($0.hash, $0.submission, $0.row) < ($1.hash, $1.submission, $1.row) }
      var out: [Int64: Set<Int>] = [:]
      var start = 0
      while start < all.count {
        var end = start + 1
        var distinct = 1
        while end < all.count && all[end].hash == all[start].hash {
          if all[end] != all[end - 1] { distinct += 1 }
          end += 1
        }
        if distinct > 1 { for e in all[start..<end] { out[e.submission, default: []].insert(e.row) } }
        start = end
      }
      return out
    }
  }

  /// How many rows are stored for a submission (all, or only error-free ones).
  public func rowCount(of submissionID: Int64, validOnly: Bool = false) throws -> Int {
    var n = 0
    try forEachRow(of: submissionID) { _, valid, _ in if valid || !validOnly { n += 1 } }
    return n
  }

  static func submission(_ db: Database, id: Int64) throws -> SubmissionRecord? {
    try GRDB.Row.fetchOne(db, sql: "SELECT * FROM submission WHERE id = ?", arguments: [id]).map(record)
  }

  static func record(_ r: GRDB.Row) -> SubmissionRecord {
    SubmissionRecord(id: r["id"], fileName: r["file_name"], sheet: r["sheet"], ledger: r["ledger"], agency: r["agency"],
                     period: r["period"], sha256: r["sha256"], receivedAt: r["received_at"],
                     status: SubmissionStatus(rawValue: r["status"]), errors: r["errors"], warnings: r["warnings"],
                     rows: r["rows"], validRows: r["valid_rows"], reason: r["reason"], supersededBy: r["superseded_by"])
  }
}

import Foundation
import GRDB
import GRDBSQLite
import Merge

extension SubmissionStore {
  /// Ingests one file in one transaction; `body` records its tables and rows through the ``Ingest``.
  /// - Returns: the submissions recorded.
  /// - Throws: what `body` throws (the transaction is rolled back: nothing of the file stays), or a database error.
  @discardableResult
  public func ingest(fileName: String, sha256: String, receivedAt: String,
                     _ body: (Ingest) throws -> Void) throws -> [SubmissionRecord] {
    try db.write { db in
      let ingest = Ingest(db: db, fileName: fileName, sha256: sha256, receivedAt: receivedAt)
      try body(ingest)
      try ingest.flushRows()
      for id in ingest.ids { if let e = ingest.keys[id] { try Self.insertKeys(db, submission: id, entries: e) } }
      return try ingest.ids.compactMap { try Self.submission(db, id: $0) }
    }
  }

  /// Records one file's tables inside ``SubmissionStore/ingest(fileName:sha256:receivedAt:_:)``; valid only there.
  public final class Ingest {
    let db: Database
    let fileName: String
    let sha256: String
    let receivedAt: String
    private(set) var ids: [Int64] = []
    /// Key entries per table (``KeyEntries``), written as one blob per table when the file's body is done.
    private(set) var keys: [Int64: [UInt8]] = [:]
    /// The rows not yet written (one block of one table).
    private var block = RowBlock()
    /// Per table, the last row number added (rows must come in sheet order).
    private var lastRow: [Int64: Int] = [:]

    init(db: Database, fileName: String, sha256: String, receivedAt: String) {
      self.db = db; self.fileName = fileName; self.sha256 = sha256; self.receivedAt = receivedAt
    }

    /// Starts a recognised table; its rows follow. Returns the new submission's id.
    /// - Parameter keysIndexed: every error-free row will come with its key hashes
    ///   (``addRow(_:number:valid:encoded:keyHashes:)``), so the duplicate pass may trust `row_key`.
    public func beginTable(sheet: String?, ledger: String, keysIndexed: Bool = false) throws -> Int64 {
      try db.execute(sql: """
        INSERT INTO submission (file_name, sheet, ledger, sha256, received_at, status, keys_indexed)
        VALUES (?, ?, ?, ?, ?, 'invalid', ?)
        """, arguments: [fileName, sheet, ledger, sha256, receivedAt, keysIndexed ? 1 : 0])
      let id = db.lastInsertedRowID
      ids.append(id)
      return id
    }

    /// Stores one data row of the current table (`number` is the 1-based sheet row).
    public func addRow(_ submission: Int64, number: Int, valid: Bool, values: [String]) throws {
      try RowCodec.encodeBinary(values).withUnsafeBytes {
        try addRow(submission, number: number, valid: valid, encoded: $0, keyHashes: [])
      }
    }

    /// Stores one data row already encoded by ``RowCodec/encodeBinary(_:into:)``, with the hashes of its
    /// keys (error-free rows of a table begun with `keysIndexed`). Rows of a table must come in sheet
    /// order (increasing numbers). They are packed into blocks of about 64 KiB (``RowBlock``), and the key
    /// hashes into one blob per table, written as they fill and at the end of the file's transaction.
    /// - Throws: a database error, also for a row number not above the table's previous one.
    public func addRow(_ submission: Int64, number: Int, valid: Bool, encoded: UnsafeRawBufferPointer,
                       keyHashes: ArraySlice<Int64>) throws {
      if let last = lastRow[submission], number <= last {
        throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "row \(number) added after row \(last) of submission \(submission)")
      }
      lastRow[submission] = number
      if let (s, first, entries) = block.full(for: submission) {
        try SubmissionStore.insertBlock(db, submission: s, firstRow: first, entries: entries)
      }
      block.append(submission: submission, row: number, valid: valid, encoded: encoded)
      guard !keyHashes.isEmpty else { return }
      for h in keyHashes { KeyEntries.append(hash: h, row: number, to: &keys[submission, default: []]) }
    }

    /// Writes the rows still held.
    func flushRows() throws {
      if let (s, first, entries) = block.take() { try SubmissionStore.insertBlock(db, submission: s, firstRow: first, entries: entries) }
    }

    /// Ends a table: records who sent it and whether it is valid; a valid submission supersedes earlier
    /// ones from the same agency for the same ledger and period, an invalid one supersedes earlier invalid ones.
    public func endTable(_ id: Int64, agency: String?, period: String, errors: Int, warnings: Int, rows: Int,
                         validRows: Int, reason: String) throws {
      let status: SubmissionStatus = errors == 0 ? .valid : .invalid
      try db.execute(sql: """
        UPDATE submission SET agency = ?, period = ?, status = ?, errors = ?, warnings = ?, rows = ?, valid_rows = ?, reason = ?
        WHERE id = ?
        """, arguments: [agency, period, status.rawValue, errors, warnings, rows, validRows, reason, id])
      guard let agency else { return }
      let replaced = status == .valid ? "('valid', 'invalid')" : "('invalid')"
      try db.execute(sql: """
        UPDATE submission SET status = 'superseded', superseded_by = ?
        WHERE ledger = (SELECT ledger FROM submission WHERE id = ?) AND agency = ? AND period = ? AND id < ?
          AND status IN \(replaced)
        """, arguments: [id, id, agency, period, id])
    }

    /// Records a file that gave no table: unreadable or unrecognised, with the reason.
    public func recordUnusable(status: SubmissionStatus, reason: String, errors: Int = 1) throws {
      try db.execute(sql: "INSERT INTO submission (file_name, sha256, received_at, status, errors, reason) VALUES (?, ?, ?, ?, ?, ?)",
                     arguments: [fileName, sha256, receivedAt, status.rawValue, errors, reason])
      ids.append(db.lastInsertedRowID)
    }
  }

  /// Writes one block of rows (``RowBlock``).
  static func insertBlock(_ db: Database, submission: Int64, firstRow: Int, entries: [UInt8]) throws {
    try db.execute(sql: "INSERT INTO row_block (submission_id, first_row, entries) VALUES (?, ?, ?)",
                   arguments: [submission, firstRow, Data(entries)])
  }

  /// Writes one submission's key entries (``KeyEntries``); nothing when there are none.
  ///
  /// The row is inserted with a `zeroblob` of the entries' length, which SQLite stores without building it
  /// in memory, and the entries are then written into it 1 MiB at a time through SQLite's incremental blob
  /// I/O. Binding them as one value copied them three times at once (into a `Data`, into SQLite's copy of
  /// the binding, into the record it builds): for a million-row table's 24 MiB of entries, the merge's
  /// memory peak (DESIGN-NOTES.md, "Merging in bounded memory"). The stored blob is the same.
  static func insertKeys(_ db: Database, submission: Int64, entries: [UInt8]) throws {
    guard !entries.isEmpty else { return }
    guard entries.count <= Int(Int32.max) else {
      throw DatabaseError(resultCode: .SQLITE_TOOBIG, message: "key entries of submission \(submission): \(entries.count) bytes")
    }
    try db.execute(sql: "INSERT INTO submission_keys (submission_id, entries) VALUES (?, zeroblob(?))",
                   arguments: [submission, entries.count])
    guard let connection = db.sqliteConnection else {
      throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the store's connection is closed")
    }
    var blob: OpaquePointer?
    let opened = sqlite3_blob_open(connection, "main", "submission_keys", "entries", submission, 1, &blob)
    defer { if let blob { sqlite3_blob_close(blob) } }
    guard opened == SQLITE_OK, let blob else {
      throw DatabaseError(resultCode: ResultCode(rawValue: opened), message: String(cString: sqlite3_errmsg(connection)))
    }
    let chunk = 1 << 20
    try entries.withUnsafeBytes { b in
      var offset = 0
      while offset < b.count {
        let n = min(chunk, b.count - offset)
        let rc = sqlite3_blob_write(blob, b.baseAddress! + offset, Int32(n), Int32(offset))
        guard rc == SQLITE_OK else {
          throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)))
        }
        offset += n
      }
    }
  }
}

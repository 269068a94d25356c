import Foundation
import GRDB

extension SubmissionStore {
  /// The store's schema, one migration per change (GRDB's `DatabaseMigrator` runs those a file has not seen):
  /// `v1` the tables, `v2-row-key` the key index, `v3-key-blobs` packs the keys into one blob per
  /// submission, `v4-row-blocks` packs the rows into blocks (see ``SubmissionStore``), `v5-messages` records the
  /// messages `sheetgate run` handled, `v6-portal` the uploads, tokens, audit log and settings of `sheetgate serve`.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(sql: """
        CREATE TABLE submission (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          file_name TEXT NOT NULL, sheet TEXT, ledger TEXT, agency TEXT, period TEXT NOT NULL DEFAULT '',
          sha256 TEXT NOT NULL, received_at TEXT NOT NULL, status TEXT NOT NULL,
          errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0,
          rows INTEGER NOT NULL DEFAULT 0, valid_rows INTEGER NOT NULL DEFAULT 0,
          reason TEXT NOT NULL DEFAULT '', superseded_by INTEGER REFERENCES submission(id));
        CREATE INDEX submission_sha256 ON submission(sha256);
        CREATE INDEX submission_key ON submission(ledger, agency, period);
        CREATE TABLE row (
          submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
          row_number INTEGER NOT NULL, valid INTEGER NOT NULL, vals TEXT NOT NULL,
          PRIMARY KEY (submission_id, row_number)) WITHOUT ROWID;
        """)
    }
    migrator.registerMigration("v2-row-key") { db in
      try db.execute(sql: """
        ALTER TABLE submission ADD COLUMN keys_indexed INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE row_key (
          hash INTEGER NOT NULL, submission_id INTEGER NOT NULL, row_number INTEGER NOT NULL,
          PRIMARY KEY (hash, submission_id, row_number)) WITHOUT ROWID;
        """)
    }
    migrator.registerMigration("v3-key-blobs") { db in
      try db.execute(sql: """
        CREATE TABLE submission_keys (
          submission_id INTEGER PRIMARY KEY REFERENCES submission(id) ON DELETE CASCADE,
          entries BLOB NOT NULL);
        """)
      let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT submission_id, hash, row_number FROM row_key ORDER BY submission_id, row_number, hash")
      var current: Int64?
      var entries: [UInt8] = []
      func flush() throws {
        if let current { try Self.insertKeys(db, submission: current, entries: entries) }
        entries.removeAll(keepingCapacity: true)
      }
      while let r = try cursor.next() {
        let id: Int64 = r[0]
        if id != current { try flush(); current = id }
        KeyEntries.append(hash: r[1], row: r[2], to: &entries)
      }
      try flush()
      try db.execute(sql: "DROP TABLE row_key")
    }
    migrator.registerMigration("v4-row-blocks") { db in
      try db.execute(sql: """
        CREATE TABLE row_block (
          submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
          first_row INTEGER NOT NULL, entries BLOB NOT NULL,
          PRIMARY KEY (submission_id, first_row)) WITHOUT ROWID;
        """)
      let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT submission_id, row_number, valid, vals FROM row ORDER BY submission_id, row_number")
      var block = RowBlock()
      while let r = try cursor.next() {
        let id: Int64 = r[0]
        if let (s, first, entries) = block.full(for: id) { try Self.insertBlock(db, submission: s, firstRow: first, entries: entries) }
        try r.withUnsafeData(atIndex: 3) { data in
          (data ?? Data()).withUnsafeBytes { block.append(submission: id, row: r[1], valid: r[2] as Bool, encoded: $0) }
        }
      }
      if let (s, first, entries) = block.take() { try Self.insertBlock(db, submission: s, firstRow: first, entries: entries) }
      try db.execute(sql: "DROP TABLE row")
    }
    // The messages an unattended run has handled (`SubmissionStore+Messages.swift`).
    migrator.registerMigration("v5-messages") { db in try Self.createMessageTable(db) }
    // The portal's uploads, agency tokens, audit log and settings (`SubmissionStore+Portal.swift`).
    migrator.registerMigration("v6-portal") { db in try Self.createPortalTables(db) }
    return migrator
  }
}

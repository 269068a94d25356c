import Foundation
import GRDB
import Merge

/// The embedded store of submissions and their rows: one SQLite file in WAL mode (GRDB.swift).
///
/// It makes merging incremental and idempotent (DESIGN §7): a file whose SHA-256 is already
/// stored is skipped; a newer submission from the same agency for the same ledger and period
/// marks the older one `superseded` (kept in history); the consolidated workbook is rebuilt
/// from the store by streaming queries.
///
/// ```swift
/// let store = try SubmissionStore(path: "sheetgate.sqlite")
/// if try !store.contains(sha256: digest) {
///   try store.ingest(fileName: "农牧局.xlsx", sha256: digest, receivedAt: "2023-07-25T10:00:00Z") { ingest in
///     let id = try ingest.beginTable(sheet: "Sheet1", ledger: "training-hours")
///     try ingest.addRow(number: 4, valid: true, values: ["1", "乌审旗农牧局", "张三"])
///     try ingest.endTable(id, agency: "乌审旗农牧局", period: "2023", errors: 0, warnings: 0, rows: 1, validRows: 1, reason: "")
///   }
/// }
/// ```
///
/// Schema: `submission` (one row per recognised table of a file, or per unusable file), `row_block`
/// (`submission_id`, `first_row`, `entries`): a table's data rows in sheet order, packed into blobs of
/// about 64 KiB (``RowBlock``: per row its number, whether it is error-free, and its field values as one
/// blob, see ``RowCodec``; rows of stores written before hold JSON text there, still read), and
/// `submission_keys` (`submission_id`, `entries`): the key hashes of a submission's error-free rows
/// (``Consolidation/keyHash(_:number:values:)``) as one blob of 12-byte entries (hash, row number), so
/// finding keys shared by two submissions reads one blob per submission instead of decoding every row.
/// `submission.keys_indexed` says a table's keys are there. (Stores written before kept one `row_key`
/// row per key, a b-tree ordered by hash: every file's inserts landed all over it and each commit
/// rewrote most of its pages; the `v3-key-blobs` migration packs them into blobs. They also kept one
/// `row` row per data row, and inserting 100,000 of them cost the storing thread half a second of a
/// merge; the `v4-row-blocks` migration packs those into blocks.)
///
/// ### Transactions and memory
/// Each file is ingested in one transaction: if the body throws (unreadable file, interrupted
/// run), nothing of that file is stored. Row reads use cursors: one row in memory at a time.
public final class SubmissionStore: ConsolidationSource {
  /// The store file.
  public let path: String
  private let db: DatabasePool

  /// Opens (creating when absent) the store at `path` and brings its tables up to date.
  /// - Parameter durable: false for a store that lives only for one run (the temporary store of a merge
  ///   without `--store`): nothing is ever synced to disk, so a crash may leave it corrupt, which does
  ///   not matter for a file deleted at the end of the run.
  /// - Throws: GRDB's `DatabaseError` when the file is not a SQLite database or cannot be written.
  public init(path: String, durable: Bool = true) throws {
    self.path = path
    var config = Configuration()
    config.label = "sheetgate-store"
    config.foreignKeysEnabled = true
    // WAL with synchronous=NORMAL: a commit does not wait for fsync (checkpoints do); a crash or kill
    // never leaves a half-written transaction, a power cut may lose the last commits. A store that is
    // not durable never syncs (synchronous=OFF).
    let synchronous = durable ? "NORMAL" : "OFF"
    config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
    db = try DatabasePool(path: path, configuration: config)
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
          try (data ?? Data()).withUnsafeBytes { block.append(submission: id, row: r[1], valid: r[2] as Bool, encoded: $0) }
        }
      }
      if let (s, first, entries) = block.take() { try Self.insertBlock(db, submission: s, firstRow: first, entries: entries) }
      try db.execute(sql: "DROP TABLE row")
    }
    try migrator.migrate(db)
  }

  fileprivate static func insertBlock(_ db: Database, submission: Int64, firstRow: Int, entries: [UInt8]) throws {
    try db.execute(sql: "INSERT INTO row_block (submission_id, first_row, entries) VALUES (?, ?, ?)",
                   arguments: [submission, firstRow, Data(entries)])
  }

  private static func insertKeys(_ db: Database, submission: Int64, entries: [UInt8]) throws {
    guard !entries.isEmpty else { return }
    try db.execute(sql: "INSERT INTO submission_keys (submission_id, entries) VALUES (?, ?)",
                   arguments: [submission, Data(entries)])
  }

  /// The SHA-256 of every file ingested so far (one read, for skipping stored files before reading them).
  public func storedDigests() throws -> Set<String> {
    try db.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM submission")) }
  }

  /// True when a file with these bytes was ingested before (same file dropped twice: a no-op).
  public func contains(sha256: String) throws -> Bool {
    try db.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM submission WHERE sha256 = ?)", arguments: [sha256]) ?? false }
  }

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
    fileprivate let db: Database
    fileprivate let fileName: String
    fileprivate let sha256: String
    fileprivate let receivedAt: String
    fileprivate private(set) var ids: [Int64] = []
    /// Key entries per table (``KeyEntries``), written as one blob per table when the file's body is done.
    fileprivate private(set) var keys: [Int64: [UInt8]] = [:]
    /// The rows not yet written (one block of one table).
    private var block = RowBlock()
    /// Per table, the last row number added (rows must come in sheet order).
    private var lastRow: [Int64: Int] = [:]

    fileprivate init(db: Database, fileName: String, sha256: String, receivedAt: String) {
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
    fileprivate func flushRows() throws {
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

  // MARK: Reading

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

  private static func submission(_ db: Database, id: Int64) throws -> SubmissionRecord? {
    try GRDB.Row.fetchOne(db, sql: "SELECT * FROM submission WHERE id = ?", arguments: [id]).map(record)
  }

  private static func record(_ r: GRDB.Row) -> SubmissionRecord {
    SubmissionRecord(id: r["id"], fileName: r["file_name"], sheet: r["sheet"], ledger: r["ledger"], agency: r["agency"],
                     period: r["period"], sha256: r["sha256"], receivedAt: r["received_at"],
                     status: SubmissionStatus(rawValue: r["status"]), errors: r["errors"], warnings: r["warnings"],
                     rows: r["rows"], validRows: r["valid_rows"], reason: r["reason"], supersededBy: r["superseded_by"])
  }
}

/// The key hashes of one submission's rows as stored in `submission_keys.entries`: 12 bytes per entry,
/// the hash (Int64) and the 1-based row number (UInt32), both little-endian.
enum KeyEntries {
  static func append(hash: Int64, row: Int, to out: inout [UInt8]) {
    let h = UInt64(bitPattern: hash)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: h >> (8 * i))) }
    let r = UInt32(truncatingIfNeeded: row)
    for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: r >> (8 * i))) }
  }

  /// Calls `body` with each entry of `b`.
  /// - Throws: ``RowCodecError`` when `b` is not a whole number of entries.
  static func forEach(in b: UnsafeRawBufferPointer, _ body: (Int64, Int) -> Void) throws {
    guard b.count % 12 == 0 else { throw RowCodecError(offset: b.count - b.count % 12) }
    var i = 0
    while i < b.count {
      var h: UInt64 = 0
      for k in 0..<8 { h |= UInt64(b[i + k]) << (8 * k) }
      var r: UInt32 = 0
      for k in 0..<4 { r |= UInt32(b[i + 8 + k]) << (8 * k) }
      body(Int64(bitPattern: h), Int(r))
      i += 12
    }
  }
}

/// Rows packed for `row_block.entries`: per row, its number (LEB128), `1` when it is error-free else `0`,
/// the length of its encoded values (LEB128) and those bytes (``RowCodec``). A block holds rows of one
/// submission in sheet order and is written once it passes ``limit`` bytes.
struct RowBlock {
  static let limit = 64 << 10

  private(set) var submission: Int64 = 0
  private(set) var firstRow = 0
  private(set) var entries: [UInt8] = []

  /// The block to write before a row of `submission` is appended (it is full or holds another
  /// submission), emptied; nil when the row fits.
  mutating func full(for submission: Int64) -> (Int64, Int, [UInt8])? {
    guard !entries.isEmpty, entries.count >= Self.limit || submission != self.submission else { return nil }
    return take()
  }

  /// The rows held, emptied; nil when there are none.
  mutating func take() -> (Int64, Int, [UInt8])? {
    guard !entries.isEmpty else { return nil }
    defer { entries.removeAll(keepingCapacity: true) }
    return (submission, firstRow, entries)
  }

  mutating func append(submission: Int64, row: Int, valid: Bool, encoded: UnsafeRawBufferPointer) {
    if entries.isEmpty { self.submission = submission; firstRow = row }
    Self.leb128(row, into: &entries)
    entries.append(valid ? 1 : 0)
    Self.leb128(encoded.count, into: &entries)
    entries.append(contentsOf: encoded)
  }

  private static func leb128(_ v: Int, into out: inout [UInt8]) {
    var n = UInt64(truncatingIfNeeded: v)
    while n >= 0x80 { out.append(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
    out.append(UInt8(n))
  }

  /// Calls `body` with each row of a block: its number, whether it is error-free, its encoded values.
  /// - Throws: ``RowCodecError`` for a damaged block, or what `body` throws.
  static func forEach(in b: UnsafeRawBufferPointer, _ body: (Int, Bool, UnsafeRawBufferPointer) throws -> Void) throws {
    var i = 0
    func number() throws -> Int {
      var n: UInt64 = 0, shift: UInt64 = 0
      while true {
        guard i < b.count, shift < 63 else { throw RowCodecError(offset: i) }
        let c = b[i]; i += 1
        n |= UInt64(c & 0x7F) << shift
        if c < 0x80 { return Int(truncatingIfNeeded: n) }
        shift += 7
      }
    }
    while i < b.count {
      let row = try number()
      guard i < b.count else { throw RowCodecError(offset: i) }
      let valid = b[i] != 0
      i += 1
      let n = try number()
      guard n >= 0, n <= b.count - i else { throw RowCodecError(offset: i) }
      try body(row, valid, UnsafeRawBufferPointer(rebasing: b[i..<(i + n)]))
      i += n
    }
  }
}

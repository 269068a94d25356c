import Foundation
import GRDB
import Merge

/// The embedded store of submissions and their rows: one SQLite file in WAL mode (GRDB.swift).
///
/// It makes merging incremental and idempotent: a file whose SHA-256 is already
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
/// The type is split by concern: opening here, the schema's migrations in `SubmissionStore+Migrations.swift`,
/// ingesting in `SubmissionStore+Ingest.swift`, reading in `SubmissionStore+Queries.swift`, and the blob
/// formats of `row_block` and `submission_keys` in `StoreCodecs.swift`.
///
/// ### Transactions and memory
/// Each file is ingested in one transaction: if the body throws (unreadable file, interrupted
/// run), nothing of that file is stored. Row reads use cursors: one row in memory at a time.
public final class SubmissionStore: ConsolidationSource {
  /// The store file.
  public let path: String
  /// The database; the extensions in `SubmissionStore+*.swift` use it.
  let db: DatabasePool

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
    // Writers are serialised: within a process by the pool (one writer connection), between processes
    // (`sheetgate run` from cron beside `sheetgate serve`) by SQLite's lock, waited for instead of failing.
    config.busyMode = .timeout(30)
    db = try DatabasePool(path: path, configuration: config)
    try Self.migrator.migrate(db)
  }
}

import Foundation
import GRDB
import Merge
@testable import Store
import TestSupport
import XCTest

/// SHA-256 against the FIPS 180-4 / NIST example vectors, store transactions, supersession and migrations.
final class SubmissionStoreTests: XCTestCase {
  private func hex(_ s: String, chunk: Int = 1 << 20) -> String {
    var h = SHA256()
    let bytes = Array(s.utf8)
    var i = 0
    while i < bytes.count { h.update(bytes[i..<min(i + chunk, bytes.count)]); i += chunk }
    return h.finalizeHex()
  }

  func testSHA256KnownVectors() {
    XCTAssertEqual(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    XCTAssertEqual(hex(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(hex(two, chunk: 7), hex(two))
    XCTAssertEqual(hex(String(repeating: "a", count: 1_000_000), chunk: 4093),
                   "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  func testIngestRollsBackWhenTheFileFailsHalfWay() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let store = try SubmissionStore(path: dir + "/s.sqlite")
    struct Interrupted: Error {}
    XCTAssertThrowsError(try store.ingest(fileName: "a.xlsx", sha256: "abc", receivedAt: "2023-07-25T00:00:00Z") { ingest in
      let id = try ingest.beginTable(sheet: "Sheet1", ledger: "training-hours")
      for n in 4..<14 { try ingest.addRow(id, number: n, valid: true, values: ["x", String(n)]) }
      throw Interrupted()
    })
    XCTAssertEqual(try store.allSubmissions().count, 0)
    XCTAssertFalse(try store.contains(sha256: "abc"))
  }

  func testResubmissionSupersedesAndInvalidDoesNotReplaceValid() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let store = try SubmissionStore(path: dir + "/s.sqlite")
    func add(_ file: String, errors: Int) throws -> Int64 {
      var id: Int64 = 0
      try store.ingest(fileName: file, sha256: file, receivedAt: "t") { ingest in
        id = try ingest.beginTable(sheet: nil, ledger: "training-hours")
        try ingest.addRow(id, number: 4, valid: true, values: ["v"])
        try ingest.endTable(id, agency: "农牧局", period: "2023", errors: errors, warnings: 0, rows: 1, validRows: 1, reason: "")
      }
      return id
    }
    let first = try add("v1.xlsx", errors: 0)
    let second = try add("v2.xlsx", errors: 0)
    let broken = try add("v3.xlsx", errors: 2)
    let byID = Dictionary(uniqueKeysWithValues: try store.allSubmissions().map { ($0.id, $0) })
    XCTAssertEqual(byID[first]?.status, .superseded)
    XCTAssertEqual(byID[first]?.supersededBy, second)
    XCTAssertEqual(byID[second]?.status, .valid)
    XCTAssertEqual(byID[broken]?.status, .invalid)
    XCTAssertEqual(try store.history(agency: "农牧局").count, 3)
  }

  func testKeyHashesFromRowsSharingKeys() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let store = try SubmissionStore(path: dir + "/s.sqlite", durable: false)
    func add(_ file: String, _ rows: [(Int, [Int64])]) throws -> Int64 {
      var id: Int64 = 0
      try store.ingest(fileName: file, sha256: file, receivedAt: "t") { ingest in
        id = try ingest.beginTable(sheet: nil, ledger: "training-hours", keysIndexed: true)
        for (n, hashes) in rows {
          try [UInt8(0)].withUnsafeBytes { try ingest.addRow(id, number: n, valid: true, encoded: $0, keyHashes: hashes[...]) }
        }
        try ingest.endTable(id, agency: file, period: "2023", errors: 0, warnings: 0, rows: rows.count, validRows: rows.count, reason: "")
      }
      return id
    }
    let a = try add("a.xlsx", [(4, [1, 2]), (5, [3]), (6, [-7])])
    let b = try add("b.xlsx", [(4, [3]), (5, [9]), (6, [9])])
    let c = try add("c.xlsx", [(4, [-7])])
    let shared = try XCTUnwrap(try store.rowsSharingKeys(among: [a, b, c]))
    XCTAssertEqual(shared, [a: [5, 6], b: [4, 5, 6], c: [4]])
    XCTAssertEqual(try XCTUnwrap(try store.rowsSharingKeys(among: [a, b])), [a: [5], b: [4, 5, 6]])
    XCTAssertEqual(try XCTUnwrap(try store.rowsSharingKeys(among: [c])), [:])
  }

  /// A table's key entries span several of the 1 MiB pieces they are written in: the stored blob is
  /// the entries byte for byte, and a key shared by the last entry is found.
  func testLargeKeyBlobIsWrittenWholeInPieces() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let store = try SubmissionStore(path: dir + "/s.sqlite")
    let rows = 200_000  // 2.4 MB of 12-byte entries: three pieces
    var expected: [UInt8] = []
    var big: Int64 = 0
    try store.ingest(fileName: "big.csv", sha256: "big", receivedAt: "t") { ingest in
      big = try ingest.beginTable(sheet: nil, ledger: "training-hours", keysIndexed: true)
      for n in 4..<(4 + rows) {
        let h = Int64(n) &* 0x1E37_79B9_7F4A_7C15
        KeyEntries.append(hash: h, row: n, to: &expected)
        try [UInt8(0)].withUnsafeBytes { try ingest.addRow(big, number: n, valid: true, encoded: $0, keyHashes: [h]) }
      }
      try ingest.endTable(big, agency: "农牧局", period: "2023", errors: 0, warnings: 0, rows: rows, validRows: rows, reason: "")
    }
    let lastRow = 3 + rows
    var small: Int64 = 0
    try store.ingest(fileName: "small.csv", sha256: "small", receivedAt: "t") { ingest in
      small = try ingest.beginTable(sheet: nil, ledger: "training-hours", keysIndexed: true)
      try [UInt8(0)].withUnsafeBytes {
        try ingest.addRow(small, number: 4, valid: true, encoded: $0, keyHashes: [Int64(lastRow) &* 0x1E37_79B9_7F4A_7C15])
      }
      try ingest.endTable(small, agency: "林草局", period: "2023", errors: 0, warnings: 0, rows: 1, validRows: 1, reason: "")
    }
    let queue = try DatabaseQueue(path: dir + "/s.sqlite")
    let stored = try queue.read { db in
      try Data.fetchOne(db, sql: "SELECT entries FROM submission_keys WHERE submission_id = ?", arguments: [big])
    }
    XCTAssertEqual(stored.map { [UInt8]($0) }, expected)
    XCTAssertEqual(try XCTUnwrap(try store.rowsSharingKeys(among: [big, small])), [big: [lastRow], small: [4]])
  }

  func testOpeningAnOlderStorePacksKeysAndRowsIntoBlobs() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let path = dir + "/old.sqlite"
    // A store as written before key hashes were packed: one `row_key` row per key.
    let old = try DatabaseQueue(path: path)
    try old.write { db in
      try db.execute(sql: """
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations VALUES ('v1'), ('v2-row-key');
        CREATE TABLE submission (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          file_name TEXT NOT NULL, sheet TEXT, ledger TEXT, agency TEXT, period TEXT NOT NULL DEFAULT '',
          sha256 TEXT NOT NULL, received_at TEXT NOT NULL, status TEXT NOT NULL,
          errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0,
          rows INTEGER NOT NULL DEFAULT 0, valid_rows INTEGER NOT NULL DEFAULT 0,
          reason TEXT NOT NULL DEFAULT '', superseded_by INTEGER REFERENCES submission(id),
          keys_indexed INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX submission_sha256 ON submission(sha256);
        CREATE INDEX submission_key ON submission(ledger, agency, period);
        CREATE TABLE row (
          submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
          row_number INTEGER NOT NULL, valid INTEGER NOT NULL, vals TEXT NOT NULL,
          PRIMARY KEY (submission_id, row_number)) WITHOUT ROWID;
        CREATE TABLE row_key (
          hash INTEGER NOT NULL, submission_id INTEGER NOT NULL, row_number INTEGER NOT NULL,
          PRIMARY KEY (hash, submission_id, row_number)) WITHOUT ROWID;
        INSERT INTO submission (id, file_name, ledger, agency, period, sha256, received_at, status, keys_indexed)
          VALUES (1, 'a.xlsx', 'training-hours', 'A', '2023', 'a', 't', 'valid', 1),
                 (2, 'b.xlsx', 'training-hours', 'B', '2023', 'b', 't', 'valid', 1);
        INSERT INTO row_key VALUES (10, 1, 4), (11, 1, 5), (-3, 1, 6), (11, 2, 4), (12, 2, 5), (-3, 2, 7);
        INSERT INTO row VALUES (1, 5, 0, '["x"]'), (1, 4, 1, '["a","b"]'), (1, 6, 1, '["c"]'), (2, 4, 1, '["d"]');
        """)
    }
    try old.close()
    let store = try SubmissionStore(path: path)
    XCTAssertEqual(try XCTUnwrap(try store.rowsSharingKeys(among: [1, 2])), [1: [5, 6], 2: [4, 7]])
    XCTAssertEqual(try store.allSubmissions().map(\.fileName), ["a.xlsx", "b.xlsx"])
    // Rows stored one per `row` row are packed into blocks, in sheet order.
    var rows: [StoredRow] = []
    try store.forEachValidRow(of: 1) { rows.append($0) }
    XCTAssertEqual(rows.map(\.rowNumber), [4, 6])
    XCTAssertEqual(rows.map(\.values), [["a", "b"], ["c"]])
    XCTAssertEqual(try store.rowCount(of: 1), 3)
    XCTAssertEqual(try store.rowCount(of: 1, validOnly: true), 2)
    XCTAssertEqual(try store.rowCount(of: 2), 1)
  }

  func testRowsArePackedIntoBlocksInSheetOrder() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let store = try SubmissionStore(path: dir + "/s.sqlite")
    let long = String(repeating: "鄂尔多斯市", count: 200)  // 3 KB a row: a table of 100 rows spans several blocks
    var ids: [Int64] = []
    try store.ingest(fileName: "a.xlsx", sha256: "a", receivedAt: "t") { ingest in
      for sheet in ["S1", "S2"] {
        let id = try ingest.beginTable(sheet: sheet, ledger: "training-hours")
        ids.append(id)
        for n in 4..<104 { try ingest.addRow(id, number: n, valid: n % 10 != 0, values: [sheet, String(n), long]) }
        try ingest.endTable(id, agency: "A", period: "2023", errors: 10, warnings: 0, rows: 100, validRows: 90, reason: "")
      }
    }
    for (id, sheet) in zip(ids, ["S1", "S2"]) {
      var numbers: [Int] = []
      try store.forEachValidRow(of: id) { row in
        XCTAssertEqual(row.values, [sheet, String(row.rowNumber), long])
        numbers.append(row.rowNumber)
      }
      XCTAssertEqual(numbers, (4..<104).filter { $0 % 10 != 0 })
      XCTAssertEqual(try store.rowCount(of: id), 100)
      XCTAssertEqual(try store.rowCount(of: id, validOnly: true), 90)
    }
    // A row number that does not follow the table's previous one is refused, and nothing of the file stays.
    XCTAssertThrowsError(try store.ingest(fileName: "b.xlsx", sha256: "b", receivedAt: "t") { ingest in
      let id = try ingest.beginTable(sheet: nil, ledger: "training-hours")
      try ingest.addRow(id, number: 5, valid: true, values: ["x"])
      try ingest.addRow(id, number: 5, valid: true, values: ["y"])
    })
    XCTAssertFalse(try store.contains(sha256: "b"))
  }

  /// One table of one file: `rows` error-free rows, `errors` findings.
  @discardableResult
  private func add(_ store: SubmissionStore, file: String, sha256: String? = nil, ledger: String = "training-hours",
                   agency: String?, period: String = "2023", errors: Int = 0, rows: Int = 1) throws -> Int64 {
    var id: Int64 = 0
    try store.ingest(fileName: file, sha256: sha256 ?? file, receivedAt: "2023-07-25T10:00:00Z") { ingest in
      id = try ingest.beginTable(sheet: "Sheet1", ledger: ledger)
      for n in 0..<rows { try ingest.addRow(id, number: 4 + n, valid: true, values: [file, String(n)]) }
      try ingest.endTable(id, agency: agency, period: period, errors: errors, warnings: 0, rows: rows,
                          validRows: rows, reason: errors == 0 ? "" : "errors")
    }
    return id
  }

  /// A file is known by its SHA-256 once anything of it is stored, a table or an unusable file, also
  /// after the store is reopened; that is how a file dropped twice is skipped before it is read.
  func testEveryIngestedFileIsKnownByItsDigest() throws {
    let path = try CLIRunner.temporaryDirectory() + "/s.sqlite"
    let store = try SubmissionStore(path: path)
    XCTAssertEqual(try store.storedDigests(), [])
    try add(store, file: "a.xlsx", sha256: "aa", agency: "A")
    let unusable = try store.ingest(fileName: "b.xls", sha256: "bb", receivedAt: "t") { ingest in
      try ingest.recordUnusable(status: .unreadable, reason: "legacy .xls")
    }
    XCTAssertEqual(unusable.map(\.status), [.unreadable])
    XCTAssertEqual(unusable.map(\.errors), [1])
    XCTAssertTrue(try store.contains(sha256: "aa"))
    XCTAssertTrue(try store.contains(sha256: "bb"))
    XCTAssertFalse(try store.contains(sha256: "cc"))
    XCTAssertEqual(try store.storedDigests(), ["aa", "bb"])
    let reopened = try SubmissionStore(path: path)
    XCTAssertEqual(try reopened.storedDigests(), ["aa", "bb"])
    XCTAssertEqual(try reopened.allSubmissions().map(\.fileName), ["a.xlsx", "b.xls"])
  }

  /// The same file ingested a second time (same SHA-256, same agency, ledger and period) replaces the
  /// first: the store still holds one valid submission of it, so its rows are consolidated once.
  func testIngestingTheSameFileTwiceLeavesOneValidSubmission() throws {
    let store = try SubmissionStore(path: try CLIRunner.temporaryDirectory() + "/s.sqlite")
    let first = try add(store, file: "农牧局.xlsx", sha256: "same", agency: "乌审旗农牧局", rows: 3)
    let second = try add(store, file: "农牧局.xlsx", sha256: "same", agency: "乌审旗农牧局", rows: 3)
    let valid = try store.allSubmissions().filter { $0.status == .valid }
    XCTAssertEqual(valid.map(\.id), [second])
    XCTAssertEqual(try store.allSubmissions().first { $0.id == first }?.supersededBy, second)
    var rows = 0
    for s in valid { try store.forEachValidRow(of: s.id) { _ in rows += 1 } }
    XCTAssertEqual(rows, 3)
    XCTAssertEqual(try store.storedDigests(), ["same"])
  }

  /// A later submission supersedes only earlier ones of the same agency, ledger and period; an invalid
  /// one replaces earlier invalid ones but never a valid one; a table without an agency replaces nothing.
  func testSupersessionIsPerAgencyLedgerAndPeriod() throws {
    let store = try SubmissionStore(path: try CLIRunner.temporaryDirectory() + "/s.sqlite")
    let a2023 = try add(store, file: "a-2023.xlsx", agency: "A")
    let a2022 = try add(store, file: "a-2022.xlsx", agency: "A", period: "2022")
    let aOther = try add(store, file: "a-discretion.xlsx", ledger: "discretion-benchmarks", agency: "A")
    let b2023 = try add(store, file: "b-2023.xlsx", agency: "B")
    let bBroken1 = try add(store, file: "b-broken-1.xlsx", agency: "B", errors: 2)
    let bBroken2 = try add(store, file: "b-broken-2.xlsx", agency: "B", errors: 1)
    let nobody = try add(store, file: "unknown.xlsx", agency: nil)
    let aLater = try add(store, file: "a-2023-更正.xlsx", agency: "A")
    let byID = Dictionary(uniqueKeysWithValues: try store.allSubmissions().map { ($0.id, $0) })
    XCTAssertEqual(byID[a2023]?.status, .superseded)
    XCTAssertEqual(byID[a2023]?.supersededBy, aLater)
    XCTAssertEqual(byID[aLater]?.status, .valid)
    XCTAssertEqual(byID[a2022]?.status, .valid, "another period")
    XCTAssertEqual(byID[aOther]?.status, .valid, "another ledger")
    XCTAssertEqual(byID[b2023]?.status, .valid, "an invalid file does not replace a valid one")
    XCTAssertEqual(byID[bBroken1]?.status, .superseded)
    XCTAssertEqual(byID[bBroken1]?.supersededBy, bBroken2)
    XCTAssertEqual(byID[bBroken2]?.status, .invalid)
    XCTAssertEqual(byID[nobody]?.status, .valid)
    XCTAssertEqual(try store.history(agency: "A").map(\.id), [a2023, a2022, aOther, aLater])
    XCTAssertEqual(try store.history(agency: "A", ledger: "discretion-benchmarks").map(\.id), [aOther])
  }
}

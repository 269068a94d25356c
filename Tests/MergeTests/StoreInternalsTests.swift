import Foundation
import GRDB
import Merge
@testable import Store
import TestSupport
import XCTest

/// SHA-256 against the FIPS 180-4 / NIST example vectors, the row codec, store transactions and migrations.
final class StoreInternalsTests: XCTestCase {
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

  func testRowCodecRoundTrip() throws {
    let values = ["张三", "", "32.5", "say \"hi\"", "a\\b", "line1\nline2\r\t", "\u{1}\u{1F}", "乌力吉·巴特尔"]
    XCTAssertEqual(try RowCodec.decode(RowCodec.encode(values)), values)
    XCTAssertEqual(try RowCodec.decode(RowCodec.encode([])), [])
    XCTAssertThrowsError(try RowCodec.decode("[\"unterminated"))
    XCTAssertThrowsError(try RowCodec.decode("{}"))
  }

  func testFieldByFieldEncodingAndKeyHashMatchTheStringForms() throws {
    // The merge writes a row's blob one field's bytes at a time and hashes its keys from the blob;
    // both must equal what the String forms give (stores and duplicates across runs rely on it).
    let rows: [[String]] = [
      ["乌审旗市场监督管理局", "15062619000001", "150626199001010011", "40", ""],
      ["", "x", String(repeating: "长", count: 60), "32.5", "2023-07-13"],
      ["a", "", "", "", ""],
    ]
    let keys = [[0, 1], [2], [4]]
    for values in rows {
      var bytes: [UInt8] = [RowCodec.binaryTag]
      var fields: [Range<Int>] = []
      for v in values {
        var v = v
        v.withUTF8 { RowCodec.appendBinaryField($0, into: &bytes) }
        fields.append((bytes.count - v.utf8.count)..<bytes.count)
      }
      XCTAssertEqual(bytes, RowCodec.encodeBinary(values))
      for (k, key) in keys.enumerated() {
        let fromBytes = bytes.withUnsafeBufferPointer { Consolidation.keyHash(key, number: k, bytes: $0, fields: fields) }
        XCTAssertEqual(fromBytes, Consolidation.keyHash(key, number: k, values: values), "\(values) key \(key)")
      }
    }
    // An empty key field means no key, either way.
    XCTAssertNil(Consolidation.keyHash([0, 1], number: 0, values: rows[1]))
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
}

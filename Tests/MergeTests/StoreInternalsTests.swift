import Foundation
import Merge
@testable import Store
import TestSupport
import XCTest

/// SHA-256 against the FIPS 180-4 / NIST example vectors, the row codec, and store transactions.
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
}

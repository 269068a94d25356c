import ByteIO
import Diagnostics
import Foundation
import Schema
import Tabular
@testable import Validation
import XCTest

/// Unique keys past `uniqueKeysInMemory`: the set moves to a temporary file, and the findings must
/// be the ones the in-memory set gives (found at the end instead of at their row).
final class KeySpillTests: XCTestCase {
  /// `n` officers with distinct certificate and ID numbers, then repeats: `repeats` maps a row
  /// (0-based in the list) to the earlier officer it copies (certificate, ID or both).
  static func rows(_ n: Int, repeats: [Int: (of: Int, cert: Bool, id: Bool)]) -> [[Int: TestCell]] {
    func cert(_ i: Int) -> String { String(format: "150626%08d", i) }
    func id(_ i: Int) -> String {
      Ledger.idNumber(String(format: "1506261990%02d%02d%03d", i % 12 + 1, (i / 12) % 28 + 1, (i / 336) % 1000))
    }
    return (0..<n).map { i in
      var certOf = i, idOf = i
      if let r = repeats[i] {
        if r.cert { certOf = r.of }
        if r.id { idOf = r.of }
      }
      // Every 97th row has another error too (a total that is not the sum), so some repeats are in
      // rows already invalid.
      return Ledger.cells(seq: i + 1, cert: cert(certOf), id: id(idOf),
                          total: i % 97 == 0 ? .number(71, "71") : .number(70, "70"))
    }
  }

  /// Repeats before the set moves (row 50 copies row 3), right after it, long after it, a third
  /// sighting, an ID-only repeat, and repeats in rows with another error.
  static let repeats: [Int: (of: Int, cert: Bool, id: Bool)] = [
    50: (3, true, false), 130: (20, true, true), 131: (20, true, false), 900: (120, false, true),
    1500: (1400, true, true), 1501: (1400, true, true), 1940: (97, true, false), 1999: (0, false, true),
  ]

  struct Repeat: Hashable, CustomStringConvertible {
    var row: Int, column: Int, code: String, firstRow: String?, value: String?
    var description: String { "\(row):\(column) \(code) first=\(firstRow ?? "-") \(value ?? "-")" }
  }

  static func repeatsFound(_ r: ValidationReport) -> [Repeat] {
    r.all.filter { $0.code == .uniqueError }.map {
      Repeat(row: $0.location.row ?? -1, column: $0.location.column ?? -1, code: $0.code.slug,
             firstRow: $0.parameter("firstRow"), value: $0.value)
    }
  }

  func testSpilledSetFindsTheSameRepeatsAsTheInMemoryOne() {
    let rows = Self.rows(2000, repeats: Self.repeats)
    let inMemory = Ledger.validate(rows) { $0.uniqueKeysInMemory = .max }
    let spilled = Ledger.validate(rows) { $0.uniqueKeysInMemory = 100 }
    let expected = Self.repeatsFound(inMemory)
    XCTAssertEqual(expected.count, 11, "\(expected)")  // 130, 1500 and 1501 repeat both keys
    XCTAssertEqual(Self.repeatsFound(spilled).sorted { ($0.row, $0.column) < ($1.row, $1.column) },
                   expected.sorted { ($0.row, $0.column) < ($1.row, $1.column) })
    // Found at the end, in row order within each key (certificate in column D, ID in E).
    for column in [3, 4] {
      let rows = spilled.all.filter { $0.code == .uniqueError && $0.location.column == column }.map { $0.location.row! }
      XCTAssertEqual(rows, rows.sorted())
    }
    XCTAssertEqual(spilled.tables[0].stats, inMemory.tables[0].stats)
    XCTAssertEqual(spilled.tables[0].stats.validRows, 2000 - 21 - 8 + 1, "21 rows with a wrong total, 8 repeats, row 1940 both")
    // Everything else is the same, in the same order.
    XCTAssertEqual(spilled.flatten().filter { $0.code != "unique-error" }, inMemory.flatten().filter { $0.code != "unique-error" })
  }

  func testRepeatOfAKeyFirstSeenAfterTheMoveIsFound() {
    // The first sighting comes after the set moved; its repeat thousands of rows later.
    let rows = Self.rows(3000, repeats: [2900: (2500, true, true)])
    let r = Ledger.validate(rows) { $0.uniqueKeysInMemory = 10 }
    XCTAssertEqual(Self.repeatsFound(r).map(\.row), [2901, 2901])
    XCTAssertEqual(Set(Self.repeatsFound(r).map(\.firstRow)), ["2502"])
  }

  func testFullTemporaryFolderKeepsCheckingInMemory() {
    // Writes fail once the buffer of 5,461 records first goes to the file: the set comes back into
    // memory, the repeats so far are reported then, and later ones at their row.
    let repeats: [Int: (of: Int, cert: Bool, id: Bool)] = [300: (10, true, false), 7000: (6000, true, false),
                                                            7100: (5, false, true)]
    let rows = Self.rows(7200, repeats: repeats)
    let inMemory = Ledger.validate(rows) { $0.uniqueKeysInMemory = .max }
    let full = Ledger.validate(rows) {
      $0.uniqueKeysInMemory = 100
      $0.keySpillByteLimit = 0
    }
    XCTAssertEqual(Self.repeatsFound(inMemory).count, 3)
    XCTAssertEqual(Set(Self.repeatsFound(full)), Set(Self.repeatsFound(inMemory)))
    XCTAssertEqual(full.tables[0].stats, inMemory.tables[0].stats)
  }

  func testUnwritableTemporaryFolderKeepsTheSetInMemory() {
    let rows = Self.rows(400, repeats: Self.repeats.filter { $0.key < 400 })
    let old = getenv("TMPDIR").map { String(cString: $0) }
    setenv("TMPDIR", "/nonexistent/sheetgate-test", 1)
    defer { if let old { setenv("TMPDIR", old, 1) } else { unsetenv("TMPDIR") } }
    let r = Ledger.validate(rows) { $0.uniqueKeysInMemory = 50 }
    let inMemory = Ledger.validate(rows) { $0.uniqueKeysInMemory = .max }
    XCTAssertEqual(Self.repeatsFound(r), Self.repeatsFound(inMemory))
    XCTAssertEqual(Self.repeatsFound(r).count, 4)
  }

  func testFilterHasNoFalseNegativesAndFewFalsePositives() {
    func key(_ i: Int) -> UInt64 {
      var h = KeyHash()
      h.add(word: UInt64(i))
      return h.value
    }
    let n = 200_000
    var filter = KeyFilter(capacity: n)
    var early = 0
    for i in 0..<n where filter.insert(key(i)) { early += 1 }
    var missed = 0
    for i in stride(from: 0, to: n, by: 3) where !filter.insert(key(i)) { missed += 1 }
    XCTAssertEqual(missed, 0)
    // New keys on a full filter (adding them fills it a little more): about 1 % at 10 bits per key.
    var falsePositives = 0
    for i in n..<(n + n / 20) where filter.insert(key(i)) { falsePositives += 1 }
    XCTAssertLessThan(Double(falsePositives) / Double(n / 20), 0.015, "\(falsePositives)")
    XCTAssertLessThan(Double(early) / Double(n), 0.01, "\(early)")
  }

  func testSpilledKeysResolveAgainstTheFile() {
    // Many keys through the file (several buffer writes and filter growths), every 1,000th repeated.
    var table = KeyHashTable()
    for i in 0..<100 { _ = table.insert(UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1, row: i) }
    guard let spill = SpilledKeys(from: table, directory: TemporaryFile.defaultDirectory, byteLimit: .max) else {
      return XCTFail("no temporary file")
    }
    func key(_ i: Int) -> UInt64 { UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1 }
    for i in 100..<60_000 {
      switch spill.insert(key(i), row: i) {
      case .new: break
      case .maybeSeen: spill.candidates.append(KeyCandidate(hash: key(i), row: i, value: ""))
      case .writeFailed(let e): return XCTFail("write failed: \(e)")
      }
    }
    for i in stride(from: 0, to: 60_000, by: 1000) {
      if case .maybeSeen = spill.insert(key(i), row: 100_000 + i) {
        spill.candidates.append(KeyCandidate(hash: key(i), row: 100_000 + i, value: ""))
      } else {
        XCTFail("repeat of \(i) not flagged")
      }
    }
    XCTAssertGreaterThan(spill.file.size, 0)
    guard case .success(let firsts) = spill.resolve() else { return XCTFail("resolve failed") }
    var found: [Int: Int] = [:]
    for (c, f) in zip(spill.candidates, firsts) { if let f { found[c.row] = f } }
    XCTAssertEqual(found, Dictionary(uniqueKeysWithValues: stride(from: 0, to: 60_000, by: 1000).map { (100_000 + $0, $0) }))
  }
}

extension KeySpillTests {
  func testWriteFailureIsReportedOnceTheBufferGoesToTheFile() {
    guard let spill = SpilledKeys(from: KeyHashTable(), directory: TemporaryFile.defaultDirectory, byteLimit: 0) else {
      return XCTFail("no temporary file")
    }
    var added = 0
    var failed = false
    for i in 0..<(SpilledKeys.bufferRecords + 100) {
      switch spill.insert(UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15, row: i) {
      case .new: added += 1
      case .maybeSeen: break  // a false positive: not a record
      case .writeFailed(let e):
        XCTAssertEqual(e, ENOSPC)
        added += 1
        failed = true
      }
      if failed { break }
    }
    XCTAssertTrue(failed)
    XCTAssertEqual(added, SpilledKeys.bufferRecords)
    // Every record is still there to move back into memory.
    var count = 0
    XCTAssertEqual(spill.forEachRecord { _, _ in count += 1 }, 0)
    XCTAssertEqual(count, SpilledKeys.bufferRecords)
  }
}

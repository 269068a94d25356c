import Foundation
import Intake
import Merge
import Pipeline
import Store
import Tabular
import TestSupport
import XCTest
import XLSXReader

/// A large table's rows and unique keys move to temporary files during a merge (bounded memory); the
/// store and the consolidated workbook are exactly those of a merge that held everything in memory.
/// The moves are forced at a few KiB of rows and 10 keys, on generated ledgers with injected errors —
/// repeated 执法证号 among them, which the moved key sets find only at the end of the table.
final class SpillTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)

  func testSpilledRowsAndKeysStoreAndMergeAsInMemory() throws {
    guard PythonReaders.has(module: "xlsxwriter") else { throw XCTSkip("xlsxwriter not available") }
    let python = try XCTUnwrap(PythonReaders.python.path)
    let dir = try CLIRunner.temporaryDirectory()
    addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    // Two ledgers of 3,000 officers (the second another seed), the first also with an error every 20th row
    // (a repeated 执法证号 every 100th), and the XLSX of the first: the clean copy repeats every officer of
    // the one with errors (duplicates across files).
    for (seed, prefix) in [("11", "a"), ("12", "b")] {
      let r = try PythonReaders.run([python, root + "/bench/gen_ledger.py", "--rows", "3000", "--prefix", dir + "/" + prefix,
                                     "--seed", seed, "--formats", prefix == "a" ? "utf8,xlsx" : "utf8"])
      XCTAssertEqual(r.status, 0, r.stderr)
    }
    let inject = try PythonReaders.run([python, root + "/bench/inject_errors.py", dir + "/a.utf8.csv", dir + "/a_err.utf8.csv", "20"])
    XCTAssertEqual(inject.status, 0, inject.stderr)
    let inputs = [dir + "/a_err.utf8.csv", dir + "/b.utf8.csv", dir + "/a.xlsx"]

    func merge(_ name: String, spill: Bool, includeInvalid: Bool) throws -> (rows: [String], workbook: [String: [String]]) {
      var options = MergeJob.Options(includeInvalid: includeInvalid)
      options.schema = try SchemaCatalog.resolve("training-hours")
      if spill {
        options.spillBytes = 4096
        options.uniqueKeysInMemory = 10
      }
      let out = dir + "/\(name).xlsx"
      _ = try MergeJob(options: options).run(paths: inputs, output: out, format: .xlsx, storePath: dir + "/\(name).sqlite")
      let store = try SubmissionStore(path: dir + "/\(name).sqlite")
      var rows: [String] = []
      for s in try store.allSubmissions() {
        rows.append([s.fileName, s.status.rawValue, "\(s.errors)", "\(s.rows)", "\(s.validRows)", "\(try store.rowCount(of: s.id))",
                     "\(try store.rowCount(of: s.id, validOnly: true))", s.reason].joined(separator: "|"))
        try store.forEachValidRow(of: s.id) { r in rows.append("\(r.rowNumber):" + r.values.joined(separator: "\u{1F}")) }
      }
      if let shared = try store.rowsSharingKeys(among: Set(try store.allSubmissions().map(\.id))) {
        for (k, v) in shared.sorted(by: { $0.key < $1.key }) { rows.append("shared \(k): \(v.sorted())") }
      }
      let wb = try Workbook(path: out)
      var sheets: [String: [String]] = [:]
      for (i, s) in wb.sheets.enumerated() {
        sheets[s.name] = try wb.readAllRows(sheet: i).map { r in r.cells.indices.map { r.text($0) }.joined(separator: "\t") }
      }
      return (rows, sheets)
    }

    for includeInvalid in [true, false] {
      let memory = try merge("memory-\(includeInvalid)", spill: false, includeInvalid: includeInvalid)
      let spilled = try merge("spilled-\(includeInvalid)", spill: true, includeInvalid: includeInvalid)
      XCTAssertGreaterThan(memory.rows.count, 5_000)
      XCTAssertEqual(memory.rows.count, spilled.rows.count)
      for (a, b) in zip(memory.rows, spilled.rows) where a != b { XCTFail("store differs:\n\(a)\n\(b)"); break }
      XCTAssertEqual(memory.workbook.keys.sorted(), spilled.workbook.keys.sorted())
      for (name, rows) in memory.workbook {
        XCTAssertEqual(rows.count, spilled.workbook[name]?.count, name)
        for (a, b) in zip(rows, spilled.workbook[name] ?? []) where a != b { XCTFail("\(name) differs:\n\(a)\n\(b)"); break }
      }
    }
    // The injected repeats are errors of rows that were counted error-free when they were read.
    let store = try SubmissionStore(path: dir + "/spilled-true.sqlite")
    let err = try XCTUnwrap(try store.allSubmissions().first { $0.fileName == "a_err.utf8.csv" })
    XCTAssertEqual(err.errors, 152)
    XCTAssertEqual(err.validRows, 2_878)
    XCTAssertEqual(try store.rowCount(of: err.id, validOnly: true), 2_878)
  }
}

import Foundation
import Merge
import Intake
import Pipeline
import Store
import Tabular
import TestSupport
import XCTest
import XLSXReader

/// Every row of every valid submission is in the consolidated output exactly once; every file left
/// out is listed with its reason; an interrupted merge leaves the previous workbook as it was.
final class NothingLostTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)

  /// 55 agencies × 20 officers (training hours), 6 discretion ledgers, 3 broken files, one file
  /// that is not a workbook, 3 resubmissions and an officer listed by two agencies.
  private func generate() throws -> (dir: String, expected: [String: Int], leftOut: [String]) {
    guard PythonReaders.has(module: "xlsxwriter") else { throw XCTSkip("xlsxwriter not available") }
    let dir = try CLIRunner.temporaryDirectory()
    let r = try PythonReaders.run([PythonReaders.python.path!, root + "/bench/gen_submissions.py", dir, "--agencies", "55",
                                   "--rows", "20", "--broken", "3", "--resubmit", "3", "--duplicates", "2", "--discretion", "6"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    return (dir, json["expected_rows"] as! [String: Int], (json["left_out"] as! [String]).sorted())
  }

  /// Data rows per sheet (header excluded), read with sheetgate's own reader.
  private func rowCounts(_ path: String) throws -> [String: [Row]] {
    let wb = try Workbook(path: path)
    var out: [String: [Row]] = [:]
    for (i, s) in wb.sheets.enumerated() { out[s.name] = Array(try wb.readAllRows(sheet: i).dropFirst()) }
    return out
  }

  /// The text of the cell in `column` (rows are sparse: empty cells are absent).
  private func cell(_ row: Row, _ column: Int) -> String { row.cellIndex(column: column).map { row.text($0) } ?? "" }

  func testEveryValidRowOnceAndEveryLeftOutFileListed() throws {
    let (dir, expected, leftOut) = try generate()
    let roster = try RosterLoader.load(path: dir + "/roster.xlsx")
    let job = try MergeJob(options: .init(roster: roster))
    let out = dir + "/汇总.xlsx"
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/submissions").sorted().map { dir + "/submissions/" + $0 }
    XCTAssertGreaterThanOrEqual(files.count, 50)
    let result = try job.run(paths: files, output: out, format: .xlsx, storePath: dir + "/store.sqlite")
    XCTAssertEqual(result.consolidation.rowsByLedger["training-hours"], expected["training-hours"])
    XCTAssertEqual(result.consolidation.rowsByLedger["discretion-benchmarks"], expected["discretion-benchmarks"])

    let sheets = try rowCounts(out)
    let training = try XCTUnwrap(sheets["执法人员培训学时台账"])
    XCTAssertEqual(training.count, expected["training-hours"])
    XCTAssertEqual(sheets["行政裁量权基准统计表"]?.count, expected["discretion-benchmarks"])
    // Exactly once: (来源文件, 原始行号) is unique, and every row of a valid file is there.
    let provenance = training.map { cell($0, 1) + "#" + cell($0, 2) }
    XCTAssertEqual(Set(provenance).count, provenance.count)
    XCTAssertEqual(provenance.filter { $0.hasPrefix("乌审旗交通运输局_培训学时台账_2023.xlsx#") }.count, 20)
    // The corrected resubmission replaced the first file (19 rows, not 20 + 19).
    XCTAssertEqual(provenance.filter { $0.hasPrefix("东胜区市场监督管理局_") }.count, 19)

    // 问题文件 lists each file left out, with a reason.
    let problems = try XCTUnwrap(sheets["问题文件"])
    // Repeated rows are listed too: plain repeats, and the officer two agencies listed (身份证号 is
    // `acrossAgencies: unique`).
    func isRepeat(_ row: Row) -> Bool { cell(row, 0).hasPrefix("重复记录") || cell(row, 0).hasPrefix("多个单位重复报送") }
    let listed = Set(problems.filter { !isRepeat($0) }.map { cell($0, 1) })
    XCTAssertEqual(listed.sorted(), leftOut)
    for p in problems where !isRepeat(p) { XCTAssertFalse(cell(p, 7).isEmpty, "reason for \(cell(p, 1))") }
    XCTAssertGreaterThanOrEqual(result.consolidation.duplicateRows, 1)
    XCTAssertGreaterThanOrEqual(result.consolidation.acrossAgencyDuplicates, 1)
    XCTAssertTrue(problems.contains { cell($0, 0).hasPrefix("多个单位重复报送") }, "the officer of two agencies is named as such")
    XCTAssertEqual(try XCTUnwrap(sheets["未报送单位"]).filter { cell($0, 0) == "执法人员培训学时台账" }.count, 3)

    // openpyxl agrees.
    if PythonReaders.has(module: "openpyxl") {
      let counts = try PythonReaders.runScript("""
        import sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
        for ws in wb.worksheets:
            print(ws.title, sum(1 for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)))
        """, arguments: [out])
      XCTAssertTrue(counts.contains("执法人员培训学时台账 \(expected["training-hours"]!)\n"), counts)
      XCTAssertTrue(counts.contains("行政裁量权基准统计表 \(expected["discretion-benchmarks"]!)\n"), counts)
    }

    // The same files again: nothing new is stored, the output is the same.
    let again = try job.run(paths: files, output: out, format: .xlsx, storePath: dir + "/store.sqlite")
    XCTAssertTrue(again.files.allSatisfy(\.alreadyStored))
    XCTAssertEqual(again.consolidation.rowsByLedger, result.consolidation.rowsByLedger)
    let history = try SubmissionStore(path: dir + "/store.sqlite").history(ledger: "training-hours")
    XCTAssertEqual(history.filter { $0.status == .superseded }.count, 3)
  }

  func testKeepFirstDropsTheLaterDuplicateAndIncludeInvalidKeepsValidRows() throws {
    let (dir, expected, _) = try generate()
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/submissions").sorted().map { dir + "/submissions/" + $0 }
    let keepFirst = try MergeJob(options: .init(duplicates: .keepFirst, includeInvalid: true))
    let r = try keepFirst.run(paths: files, output: dir + "/a.xlsx", format: .xlsx, storePath: nil)
    // 3 broken files keep their 17 error-free rows each; duplicates are dropped.
    XCTAssertEqual(r.consolidation.rowsByLedger["training-hours"],
                   expected["training-hours"]! + 3 * 17 - r.consolidation.droppedDuplicates)
    XCTAssertGreaterThanOrEqual(r.consolidation.droppedDuplicates, 1)

    // With no room in the list, rows repeated across agencies are counted, not listed: nothing held per repeat.
    var options = MergeJob.Options()
    options.duplicateListLimit = 0
    let counted = try MergeJob(options: options).run(paths: files, output: dir + "/b.xlsx", format: .xlsx, storePath: nil)
    let c = counted.consolidation
    XCTAssertGreaterThanOrEqual(c.acrossAgencyDuplicates, 1)
    XCTAssertEqual(c.crossFileFindingsNotListed, c.acrossAgencyDuplicates)
    XCTAssertFalse(c.crossFileFindings.contains { $0.kind == .duplicateAcrossAgencies })
    XCTAssertTrue(c.hasCrossFileFindings)
  }

  func testCSVOutputHasBOMAndNeutralisedFormulas() throws {
    let (dir, expected, _) = try generate()
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/submissions").sorted().map { dir + "/submissions/" + $0 }
    let job = try MergeJob(options: .init(schema: try SchemaCatalog.resolve("training-hours")))
    let r = try job.run(paths: files, output: dir + "/培训.csv", format: .csv, storePath: nil)
    XCTAssertEqual(r.outputs, [dir + "/培训.csv"])
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/培训.csv"))
    XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
    let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
    XCTAssertEqual(lines.count, expected["training-hours"]! + 1)
    XCTAssertTrue(lines[0].hasPrefix("来源单位,来源文件,原始行号,序号,单位,姓名"))
  }

  /// A sink that fails after some rows, as a full disk or a kill would.
  final class FailingSink: MergeSink {
    let inner: XLSXMergeSink
    var rows = 0
    struct DiskFull: Error {}
    init(path: String) throws { inner = try XLSXMergeSink(path: path) }
    func beginSheet(name: String, kind: MergeSheetKind, header: [String]) throws { try inner.beginSheet(name: name, kind: kind, header: header) }
    func write(cells: [MergeCell]) throws {
      rows += 1
      if rows == 50 { throw DiskFull() }
      try inner.write(cells: cells)
    }
    func endSheet() throws { try inner.endSheet() }
    func finish() throws { try inner.finish() }
    func discard() { inner.discard() }
  }

  func testInterruptedMergeLeavesThePreviousWorkbookAndStore() throws {
    let (dir, _, _) = try generate()
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/submissions").sorted().map { dir + "/submissions/" + $0 }
    let job = try MergeJob(options: .init())
    let out = dir + "/汇总.xlsx"
    _ = try job.run(paths: Array(files.prefix(10)), output: out, format: .xlsx, storePath: dir + "/s.sqlite")
    let before = try Data(contentsOf: URL(fileURLWithPath: out))
    let store = try SubmissionStore(path: dir + "/s.sqlite")
    let stored = try store.allSubmissions()
    XCTAssertThrowsError(try Consolidation(schemas: job.schemas, options: job.consolidationOptions)
      .write(from: store, to: FailingSink(path: out)))
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), before)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp") || $0.hasPrefix(".") }, [])
    XCTAssertEqual(try store.allSubmissions(), stored)
  }
}

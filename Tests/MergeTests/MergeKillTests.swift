import Foundation
import Merge
import Store
import TestSupport
import XCTest

/// `sheetgate merge --store` killed with SIGKILL at seeded random instants, then run to the end, leaves
/// the store and the consolidated workbook exactly as one uninterrupted merge: nothing lost, nothing doubled.
///
/// `SHEETGATE_KILL_INSTANTS` sets the number of kills (default 50). Each kill comes at a uniformly drawn
/// instant in the first tenth of an uninterrupted merge's time; every killed merge starts where the last one
/// stopped (files already stored are skipped by their SHA-256), so together they cover the whole merge,
/// the last ones its export, and a final merge finishes what is left.
final class MergeKillTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)

  func testKilledMergesEndAsOneUninterruptedMerge() throws {
    let python = try XCTUnwrap(PythonReaders.python.path, PythonReaders.python.reason)
    guard PythonReaders.has(module: "xlsxwriter") else { throw XCTSkip("no xlsxwriter in \(python) (bench/gen_submissions.py needs it)") }
    let dir = try CLIRunner.temporaryDirectory()
    addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    // 150 agencies' ledgers of 40 rows, 20 corrected resubmissions (each replaces an earlier file), officers
    // listed by two agencies, 4 broken files and one that is not a workbook.
    let gen = try PythonReaders.run([python, root + "/bench/gen_submissions.py", dir + "/gen", "--agencies", "150", "--rows", "40",
                                     "--resubmit", "20", "--duplicates", "5", "--broken", "4", "--seed", "5"])
    XCTAssertEqual(gen.status, 0, gen.stderr)
    let files = dir + "/gen/submissions"
    XCTAssertGreaterThan(try FileManager.default.contentsOfDirectory(atPath: files).count, 170)
    func args(_ side: String) -> [String] {
      ["merge", files, "--roster", dir + "/gen/roster.xlsx", "--schema", "training-hours", "--period", "2023",
       "--store", dir + "/\(side).sqlite", "-o", dir + "/\(side).xlsx", "-q"]
    }

    // The uninterrupted merge.
    let started = Date()
    let reference = try CLIRunner.run(args("a"))
    let full = Date().timeIntervalSince(started)
    XCTAssertTrue(reference.status == 0 || reference.status == 1, reference.stderr)  // broken files are listed: 1

    // The killed merges, each on the store the one before left.
    let instants = Int(ProcessInfo.processInfo.environment["SHEETGATE_KILL_INSTANTS"] ?? "") ?? 50
    var rng = SeededKillClock(seed: 20231204)
    var killed = 0
    for _ in 0..<instants {
      let p = Process()
      p.executableURL = CLIRunner.binary
      p.arguments = args("b")
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      p.standardInput = FileHandle.nullDevice
      try p.run()
      let until = Date().addingTimeInterval(rng.fraction() * full / 10)
      while p.isRunning && Date() < until { usleep(1_000) }
      if p.isRunning {
        kill(p.processIdentifier, SIGKILL)
        killed += 1
      }
      p.waitUntilExit()
    }
    let last = try CLIRunner.run(args("b"))
    XCTAssertEqual(last.status, reference.status, last.stderr)
    print("merge kill test: \(instants) instants, \(killed) merges killed mid-way; uninterrupted merge \(String(format: "%.2f", full)) s")
    XCTAssertGreaterThan(killed, instants / 2)

    // The store: the same submissions in the same order (ids, supersession), each with the same rows.
    // `received_at` is the time of the merge that stored the file, so it is left out.
    func submissions(_ side: String) throws -> [String] {
      let store = try SubmissionStore(path: dir + "/\(side).sqlite")
      return try store.allSubmissions().map { s in
        var rows: [String] = []
        try store.forEachValidRow(of: s.id) { r in rows.append("\(r.rowNumber):" + r.values.joined(separator: "\u{1F}")) }
        return (["\(s.id)", s.fileName, s.sheet ?? "", s.ledger ?? "", s.agency ?? "", s.period, s.sha256, s.status.rawValue,
                 "\(s.errors)", "\(s.warnings)", "\(s.rows)", "\(s.validRows)", "\(try store.rowCount(of: s.id))", s.reason]
                + rows).joined(separator: "|")
      }
    }
    let subsA = try submissions("a"), subsB = try submissions("b")
    XCTAssertGreaterThanOrEqual(subsA.count, 170)
    XCTAssertEqual(subsA.count, subsB.count)
    for (a, b) in zip(subsA, subsB) where a != b { XCTFail("submission differs:\n\(a.prefix(300))\n\(b.prefix(300))") }

    // The consolidated workbook's cells, every sheet, read with openpyxl.
    let dump = """
      import openpyxl, sys
      wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
      for ws in wb.worksheets:
          for row in ws.iter_rows(values_only=True):
              print(ws.title, repr(row))
      """
    let rowsA = try PythonReaders.run([python, "-c", dump, dir + "/a.xlsx"])
    let rowsB = try PythonReaders.run([python, "-c", dump, dir + "/b.xlsx"])
    XCTAssertEqual(rowsA.status, 0, rowsA.stderr)
    XCTAssertGreaterThan(rowsA.stdout.split(separator: "\n").count, 150 * 40)
    XCTAssertTrue(rowsA.stdout == rowsB.stdout, "the consolidated workbooks differ")
  }
}

/// SplitMix64, for instants that are the same on every run of the test.
struct SeededKillClock {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [0, 1).
  mutating func fraction() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

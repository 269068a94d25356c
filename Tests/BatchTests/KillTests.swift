import Foundation
import Mail
import Store
import Tabular
import TestSupport
import XCTest

/// `sheetgate run` killed with SIGKILL at seeded random instants over a Maildir of 200 messages, then run
/// to the end, leaves the store, the consolidated workbook and the outbox exactly as one uninterrupted run.
///
/// `SHEETGATE_KILL_INSTANTS` sets the number of kills (default 50). Each kill comes at a uniformly drawn
/// instant in the first twentieth of an uninterrupted run's time: the killed runs together cover about the
/// whole run (each starts where the last one was killed), the last ones its end (the export), and a final
/// run finishes what is left.
final class KillTests: XCTestCase {
  func testKilledRunsEndAsOneUninterruptedRun() throws {
    let python = try XCTUnwrap(PythonReaders.python.path, PythonReaders.python.reason)
    guard PythonReaders.has(module: "xlsxwriter") else { throw XCTSkip("no xlsxwriter in \(python) (bench/gen_submissions.py needs it)") }
    let root = try BatchFixtures.folder(self)
    // 171 agency ledgers (150 agencies, 20 corrected resubmissions, 4 broken, one not a workbook), 20 rows
    // each, one per message in the four client shapes, and 29 bad messages among them: 200 messages.
    try BatchFixtures.runPython([BatchFixtures.repository + "/bench/gen_submissions.py", root + "/gen", "--agencies", "150",
                                 "--rows", "20", "--resubmit", "20", "--broken", "4", "--seed", "3"], python: python)
    try BatchFixtures.runPython([BatchFixtures.mailboxScript, root + "/mail", "many", root + "/gen/submissions",
                                 "--bad", "29", "--seed", "7"], python: python)
    XCTAssertEqual(BatchFixtures.names(root + "/mail/new").count, 200)
    for side in ["a", "b"] {
      try FileManager.default.createDirectory(atPath: root + "/" + side, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: root + "/mail", toPath: root + "/\(side)/mail")
    }
    func args(_ side: String) -> [String] {
      let d = root + "/" + side
      return ["run", "--maildir", d + "/mail", "--roster", root + "/gen/roster.xlsx", "--store", d + "/store.sqlite",
              "--outbox", d + "/outbox", "--output", d + "/out", "--state", d + "/state", "--schema", "training-hours",
              "--period", "2023", "--deadline", "2023-08-15", "--from", "sfj@wsq.gov.cn", "-q"]
    }

    // The uninterrupted run.
    let started = Date()
    let reference = try CLIRunner.run(args("a"))
    let full = Date().timeIntervalSince(started)
    XCTAssertEqual(reference.status, 1, reference.stderr)  // bad mail and broken ledgers among them

    // The killed runs.
    let instants = Int(ProcessInfo.processInfo.environment["SHEETGATE_KILL_INSTANTS"] ?? "") ?? 50
    var rng = SplitMix64(seed: 20231203)
    var killed = 0
    for _ in 0..<instants {
      let p = Process()
      p.executableURL = CLIRunner.binary
      p.arguments = args("b")
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      p.standardInput = FileHandle.nullDevice
      try p.run()
      let delay = Double(rng.next() % 1_000_000) / 1_000_000 * full / 20
      let until = Date().addingTimeInterval(delay)
      while p.isRunning && Date() < until { usleep(2_000) }
      if p.isRunning {
        kill(p.processIdentifier, SIGKILL)
        killed += 1
      }
      p.waitUntilExit()
    }
    let last = try CLIRunner.run(args("b"))
    XCTAssertTrue(last.status == 0 || last.status == 1, last.stderr)
    print("kill test: \(instants) instants, \(killed) runs killed mid-way; uninterrupted run \(String(format: "%.1f", full)) s")
    XCTAssertGreaterThan(killed, instants / 2)

    // Messages: all moved to cur/, none left, none lost.
    for side in ["a", "b"] {
      XCTAssertEqual(BatchFixtures.names(root + "/\(side)/mail/new"), [], side)
      XCTAssertEqual(BatchFixtures.names(root + "/\(side)/mail/cur").count, 200, side)
      XCTAssertEqual(BatchFixtures.names(root + "/\(side)/outbox/tmp"), [], side)
    }
    // The store: the same submissions (no row doubled) and the same messages, each once.
    func submissions(_ side: String) throws -> [String] {
      let store = try SubmissionStore(path: root + "/\(side)/store.sqlite")
      let subs = try store.allSubmissions()
      let rows = try subs.map { try store.rowCount(of: $0.id) }
      return zip(subs, rows).map { s, n in
        [s.fileName, s.sheet ?? "", s.ledger ?? "", s.agency ?? "", s.period, s.sha256, s.receivedAt, s.status.rawValue,
         "\(s.errors)", "\(s.warnings)", "\(s.rows)", "\(s.validRows)", "\(n)", s.reason].joined(separator: "|")
      }
    }
    func messages(_ side: String) throws -> [String] {
      try SubmissionStore(path: root + "/\(side)/store.sqlite").messages().map {
        [$0.sha256, $0.messageID ?? "", $0.sender ?? "", $0.subject ?? "", $0.agency ?? "", $0.outcome, $0.replyFile ?? ""]
          .joined(separator: "|")
      }
    }
    let subsA = try submissions("a"), subsB = try submissions("b")
    // 171 ledgers (the file that is not a workbook recorded as unrecognised) and the 值班表 of the bad mail
    // (its repeats have the same bytes: stored once).
    XCTAssertEqual(subsA.count, 172)
    XCTAssertEqual(subsA, subsB)
    let msgA = try messages("a"), msgB = try messages("b")
    XCTAssertEqual(msgA.count, 200)
    XCTAssertEqual(msgA, msgB)

    // The consolidated workbook's rows, read with openpyxl.
    let dump = """
      import openpyxl, sys
      wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
      for ws in wb.worksheets:
          for row in ws.iter_rows(values_only=True):
              print(ws.title, repr(row))
      """
    let book = "/out/执法人员培训学时台账_2023_汇总.xlsx"
    let rowsA = try BatchFixtures.runPython(["-c", dump, root + "/a" + book], python: python)
    let rowsB = try BatchFixtures.runPython(["-c", dump, root + "/b" + book], python: python)
    XCTAssertGreaterThan(rowsA.split(separator: "\n").count, 2900)
    XCTAssertTrue(rowsA == rowsB, "the consolidated workbooks differ")

    // The outbox: the same drafts, each once; the same headers, text and attachments (the Date differs).
    let drafts = """
      import email, email.policy, json, os, sys
      d = sys.argv[1]
      for n in sorted(os.listdir(d)):
          m = email.message_from_bytes(open(os.path.join(d, n), "rb").read(), policy=email.policy.default)
          print(json.dumps([n, str(m["Subject"]), str(m["To"]), str(m["Message-ID"]), str(m["In-Reply-To"]),
                            m.get_body(("plain",)).get_content(), m.get_body(("html",)).get_content(),
                            [a.get_filename() for a in m.iter_attachments()]], ensure_ascii=False))
      """
    let outA = try BatchFixtures.runPython(["-c", drafts, root + "/a/outbox/new"], python: python)
    let outB = try BatchFixtures.runPython(["-c", drafts, root + "/b/outbox/new"], python: python)
    // Every message but the four bounces among the 29 bad ones (every sixth) is answered.
    XCTAssertEqual(outA.split(separator: "\n").count, 196)
    XCTAssertTrue(outA == outB, "the outboxes differ")
  }
}

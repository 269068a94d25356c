import Foundation
import Store
import TestSupport
import XCTest

@testable import Batch

/// Replies sent through Debian's msmtp to a local SMTP sink (aiosmtpd), and read back by Python's email
/// package: the Chinese subject, body and attachment name, and the attachment opened by openpyxl.
final class SendTests: XCTestCase {
  /// The aiosmtpd sink, started on 127.0.0.1 on a free port and stopped (its stdin closed) at the end.
  final class Sink {
    let process = Process()
    let input = Pipe()
    let port: Int
    let folder: String

    init(python: String, folder: String) throws {
      self.folder = folder
      let output = Pipe()
      process.executableURL = URL(fileURLWithPath: python)
      process.arguments = [BatchFixtures.testsFolder.appendingPathComponent("Fixtures/smtp_sink.py").path, folder]
      process.standardInput = input
      process.standardOutput = output
      process.standardError = FileHandle.nullDevice
      try process.run()
      // The first line is the port, printed once the server accepts connections.
      var line = Data()
      while true {
        let c = output.fileHandleForReading.readData(ofLength: 1)
        if c.isEmpty || c == Data([10]) { break }
        line += c
      }
      guard let p = Int(String(decoding: line, as: UTF8.self)) else {
        process.terminate()
        throw PythonFailed(description: "the SMTP sink did not start")
      }
      port = p
    }

    func stop() {
      try? input.fileHandleForWriting.close()
      process.waitUntilExit()
    }

    var received: [String] { BatchFixtures.names(folder).filter { $0.hasSuffix(".eml") } }
  }

  func testRepliesGoThroughMsmtpOnceEachAndDecodeInPython() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/msmtp") else {
      throw XCTSkip("msmtp is not installed (Debian package msmtp; .ci/run installs it)")
    }
    guard let python = PythonReaders.python.path, PythonReaders.has(module: "aiosmtpd") else {
      throw XCTSkip("no Python with aiosmtpd and openpyxl (set SHEETGATE_PYTHON; .ci/run installs them into .venv)")
    }
    let root = try BatchFixtures.folder(self)
    try BatchFixtures.runPython([BatchFixtures.mailboxScript, root + "/mail", "basic", BatchFixtures.samples], python: python)
    let sink = try Sink(python: python, folder: root + "/sink")
    defer { sink.stop() }

    // A send command that fails: every reply stays unsent, listed, and nothing is lost.
    var config = BatchFixtures.config(root, collections: [.init(schema: "training-hours", period: "2023", deadline: "2023-08-15")])
    config.send = "echo 'msmtp: cannot connect to smtp.wsq.gov.cn' >&2; exit 75"
    let failed = try BatchRun(config: config).run()
    XCTAssertEqual(failed.sent, 0)
    XCTAssertEqual(failed.sendFailures.count, 9)
    XCTAssertTrue(failed.sendFailures[0].contains("退出码 75"), failed.sendFailures[0])
    XCTAssertTrue(failed.sendFailures[0].contains("cannot connect"), failed.sendFailures[0])

    // The next run sends what is pending through msmtp; the one after sends nothing again.
    config.send = "/usr/bin/msmtp -C /dev/null --host=127.0.0.1 --port=\(sink.port) --auth=off --tls=off --from=sfj@wsq.gov.cn -t"
    let sent = try BatchRun(config: config).run()
    XCTAssertEqual(sent.sent, 9)
    XCTAssertEqual(sent.sendFailures, [])
    let again = try BatchRun(config: config).run()
    XCTAssertEqual(again.sent, 0)
    XCTAssertEqual(sink.received.count, 9)
    let store = try SubmissionStore(path: config.store)
    XCTAssertEqual(try store.messages().filter { $0.replyFile != nil && $0.replySentAt == nil }.count, 0)

    let read = """
      import email, email.policy, io, json, os, sys, openpyxl
      d = sys.argv[1]
      out = {}
      for n in sorted(os.listdir(d)):
          if not n.endswith(".eml"):
              continue
          m = email.message_from_bytes(open(os.path.join(d, n), "rb").read(), policy=email.policy.default)
          files = []
          for a in m.iter_attachments():
              wb = openpyxl.load_workbook(io.BytesIO(a.get_content()))
              files.append([a.get_filename(), wb.sheetnames])
          out[str(m["Subject"])] = {"to": str(m["To"]), "rcpt": open(os.path.join(d, n[:-4] + ".rcpt")).read(),
                                    "text": m.get_body(("plain",)).get_content(), "files": files}
      print(json.dumps(out, ensure_ascii=False))
      """
    let json = try BatchFixtures.runPython(["-c", read, sink.folder], python: python)
    let got = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String: Any]]
    let invalid = try XCTUnwrap(got["【校验未通过，请修改后重新报送】报送培训学时台账"], "\(got.keys)")
    XCTAssertEqual(invalid["to"] as? String, "乌审旗市场监督管理局 <scjgj@wsq.gov.cn>")
    XCTAssertEqual(invalid["rcpt"] as? String, "scjgj@wsq.gov.cn")
    XCTAssertTrue((invalid["text"] as! String).contains("乌审旗市场监督管理局：\n"))
    XCTAssertTrue((invalid["text"] as! String).contains("请于2023年8月15日前重新报送"))
    let files = invalid["files"] as! [[Any]]
    XCTAssertEqual(files.first?.first as? String, "乌审旗市场监督管理局_培训学时台账_2023_校验结果.xlsx")
    XCTAssertEqual((files.first?.last as? [String])?.first, "问题清单")
    let accepted = try XCTUnwrap(got["【已接收】关于报送2023年度执法人员培训学时台账的函"])
    XCTAssertEqual(((accepted["files"] as! [[Any]]).first?.first as? String), "乌审旗综合行政执法局_培训学时台账_2023_校验通过.xlsx")
    XCTAssertNotNil(got["【未收到可识别的台账，请重新报送】台账（压缩包）"])
  }
  /// A run killed while a reply's send command runs: the command goes on and marks its success, and the next
  /// run records that reply as sent instead of sending it again. A run killed together with its command (the
  /// outcome unknown) sends that reply again, and says so: at least once.
  func testAReplyBeingSentWhenTheRunIsKilledIsSentOnce() throws {
    let python = try BatchFixtures.python()
    for scenario in ["command survives", "command killed too"] {
      let root = try BatchFixtures.folder(self)
      try BatchFixtures.runPython([BatchFixtures.mailboxScript, root + "/mail", "basic", BatchFixtures.samples], python: python)
      let sink = root + "/sink"
      try FileManager.default.createDirectory(atPath: sink, withIntermediateDirectories: true)
      func args(_ command: String) -> [String] {
        ["run", "--maildir", root + "/mail", "--roster", BatchFixtures.roster, "--store", root + "/store.sqlite",
         "--outbox", root + "/outbox", "--output", root + "/out", "--state", root + "/state", "--schema", "training-hours",
         "--period", "2023", "--deadline", "2023-08-15", "--from", "sfj@wsq.gov.cn", "--send", command, "-q"]
      }
      let deliver = "cat > \(sink)/$(date +%s%N).eml"
      // Slow: the first reply's command is still running when the run is killed.
      let slow = scenario == "command survives" ? deliver + "; sleep 1" : "sleep 3; " + deliver
      let p = Process()
      p.executableURL = CLIRunner.binary
      p.arguments = args(slow)
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      let sendFolder = root + "/state/send"
      var pidFile: String?
      let until = Date().addingTimeInterval(120)
      while pidFile == nil && Date() < until && p.isRunning {
        pidFile = BatchFixtures.names(sendFolder).first { $0.hasSuffix(".pid") }
        if pidFile == nil { usleep(5_000) }
      }
      let name = String(try XCTUnwrap(pidFile, "no send began").dropLast(4))
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
      if scenario == "command survives" {
        // The wrapper outlives the run and marks the reply sent.
        let wait = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: sendFolder + "/\(name).sent") && Date() < wait { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: sendFolder + "/\(name).sent"))
        XCTAssertEqual(BatchFixtures.names(sink).count, 1)
      } else {
        // The wrapper and the clerk's command die with the run, before anything is delivered.
        var wrapper: Int32 = 0
        for _ in 0..<200 {
          wrapper = Int32((try? String(contentsOfFile: sendFolder + "/\(name).pid", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
          if wrapper > 0 { break }
          usleep(5_000)
        }
        XCTAssertGreaterThan(wrapper, 0)
        let children = (try? String(contentsOfFile: "/proc/\(wrapper)/task/\(wrapper)/children", encoding: .utf8)) ?? ""
        for c in children.split(separator: " ").compactMap({ Int32($0) }) { kill(c, SIGKILL) }
        kill(wrapper, SIGKILL)
        usleep(100_000)
        XCTAssertEqual(BatchFixtures.names(sink).count, 0)
      }

      let next = try CLIRunner.run(args(deliver))
      XCTAssertTrue(next.status == 0 || next.status == 1, next.stderr)
      let sent = BatchFixtures.names(sink)
      XCTAssertEqual(sent.count, 9, scenario)
      var ids = Set<String>()
      for f in sent {
        let text = String(decoding: FileManager.default.contents(atPath: sink + "/" + f) ?? Data(), as: UTF8.self)
        if let line = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("message-id:") }) { ids.insert(String(line)) }
      }
      XCTAssertEqual(ids.count, 9, scenario)
      if scenario == "command survives" {
        XCTAssertTrue(next.stdout.contains("上次运行中断前已发出的回复 1 封"), next.stdout)
      } else {
        XCTAssertTrue(next.stdout.contains("重新发送：\(name)"), next.stdout)
      }
      let store = try SubmissionStore(path: root + "/store.sqlite")
      XCTAssertEqual(try store.messages().filter { $0.replyFile != nil && $0.replySentAt == nil }.count, 0)
      XCTAssertEqual(BatchFixtures.names(sendFolder), [], scenario)
      let again = try CLIRunner.run(args(deliver))
      XCTAssertTrue(again.status == 0 || again.status == 1, again.stderr)
      XCTAssertFalse(again.stdout.contains("重新发送"), again.stdout)
      XCTAssertEqual(BatchFixtures.names(sink).count, 9, scenario)
    }
  }
}

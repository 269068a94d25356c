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
}

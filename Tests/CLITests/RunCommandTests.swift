import Foundation
import TestSupport
import XCTest

/// `sheetgate run`, driving the built binary: flags and a configuration file, the summary, the lock,
/// configuration errors and reminders.
final class RunCommandTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var roster: String { root + "/samples/本级行政执法部门名单.xlsx" }
  var clean: String { root + "/samples/validate/乌审旗综合行政执法局_培训学时台账_2023.xlsx" }

  /// A Maildir holding one message from 乌审旗综合行政执法局 with `attachment`, written as Outlook would
  /// (GBK encoded words) by hand, so that this test needs no Python.
  func maildir(_ dir: String, attachment: String) throws -> String {
    let md = dir + "/mail"
    for sub in ["new", "cur", "tmp"] { try FileManager.default.createDirectory(atPath: md + "/" + sub, withIntermediateDirectories: true) }
    let data = try Data(contentsOf: URL(fileURLWithPath: attachment)).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    let name = (attachment as NSString).lastPathComponent
    let b64 = { (s: String) in "=?UTF-8?B?" + Data(s.utf8).base64EncodedString() + "?=" }
    let message = """
      From: \(b64("乌审旗综合行政执法局")) <zhzfj@wsq.gov.cn>\r
      To: sfj@wsq.gov.cn\r
      Subject: \(b64("报送培训学时台账"))\r
      Date: Tue, 25 Jul 2023 09:30:00 +0800\r
      Message-ID: <run-command-test-1@wsq.gov.cn>\r
      MIME-Version: 1.0\r
      Content-Type: multipart/mixed; boundary="b1"\r
      \r
      --b1\r
      Content-Type: text/plain; charset=utf-8\r
      \r
      请查收。\r
      --b1\r
      Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name="\(b64(name))"\r
      Content-Disposition: attachment; filename="\(b64(name))"\r
      Content-Transfer-Encoding: base64\r
      \r
      \(data)\r
      --b1--\r

      """
    try Data(message.utf8).write(to: URL(fileURLWithPath: md + "/new/1690250000.M1P1.wsq"))
    return md
  }

  func flags(_ dir: String) -> [String] {
    ["run", "--maildir", dir + "/mail", "--roster", roster, "--store", dir + "/台账.sqlite", "--outbox", dir + "/回复草稿",
     "--output", dir + "/汇总", "--schema", "training-hours", "--period", "2023", "--deadline", "2023-08-15",
     "--from", "sfj@wsq.gov.cn"]
  }

  func testRunWithFlagsAnswersTheMessageAndPrintsTheSummary() throws {
    let dir = try CLIRunner.temporaryDirectory()
    _ = try maildir(dir, attachment: clean)
    let r = try CLIRunner.run(flags(dir))
    XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
    XCTAssertTrue(r.stdout.contains("已接收  乌审旗综合行政执法局  报送培训学时台账"), r.stdout)
    XCTAssertTrue(r.stdout.contains("邮件 1 封（续办 0 封），附件 1 个：校验通过 1，未通过 0"), r.stdout)
    XCTAssertTrue(r.stdout.contains("2023年度执法人员培训学时台账，截止 2023-08-15：尚未报送"), r.stdout)
    XCTAssertTrue(r.stdout.contains("汇总表：" + dir + "/汇总/执法人员培训学时台账_2023_汇总.xlsx"), r.stdout)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/mail/cur"), ["1690250000.M1P1.wsq:2,S"])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/回复草稿/new").count, 1)
    let log = try String(contentsOfFile: dir + "/.sheetgate/run.log", encoding: .utf8)
    XCTAssertTrue(log.contains("\"outcome\":\"accepted\""), log)
    XCTAssertTrue(log.contains("\"message_id\":\"run-command-test-1@wsq.gov.cn\""), log)

    // Again: nothing to do, nothing changed.
    let again = try CLIRunner.run(flags(dir))
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertTrue(again.stdout.contains("邮件 0 封"), again.stdout)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/回复草稿/new").count, 1)
  }

  func testASecondRunExitsAtOnceWhileOneIsActive() throws {
    let dir = try CLIRunner.temporaryDirectory()
    _ = try maildir(dir, attachment: clean)
    try FileManager.default.createDirectory(atPath: dir + "/.sheetgate", withIntermediateDirectories: true)
    let fd = open(dir + "/.sheetgate/lock", O_RDWR | O_CREAT, 0o644)
    XCTAssertEqual(flock(fd, LOCK_EX), 0)
    let r = try CLIRunner.run(flags(dir))
    XCTAssertEqual(r.status, 5)
    XCTAssertTrue(r.stderr.contains("另一个 sheetgate run 正在运行"), r.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/mail/new").count, 1, "nothing done")
    let en = try CLIRunner.run(flags(dir) + ["--lang", "en"])
    XCTAssertEqual(en.status, 5)
    XCTAssertTrue(en.stderr.contains("another sheetgate run is active"), en.stderr)
    flock(fd, LOCK_UN)
    close(fd)
    XCTAssertEqual(try CLIRunner.run(flags(dir)).status, 0)
  }

  func testConfigurationMistakesExitTwoWithTheirPlace() throws {
    let dir = try CLIRunner.temporaryDirectory()
    try "inbox:\n  maildir: mail\nstore: s.sqlite\noutput: out\noutbox: outbox\nstate: state\ncolections: []\n"
      .write(toFile: dir + "/sheetgate.yaml", atomically: true, encoding: .utf8)
    let r = try CLIRunner.run(["run", "--config", dir + "/sheetgate.yaml"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains(dir + "/sheetgate.yaml:7:1: "), r.stderr)
    XCTAssertTrue(r.stderr.contains("colections"), r.stderr)

    try "inbox:\n  maildir: mail\nstore: s.sqlite\noutput: out\noutbox: outbox\nstate: state\n"
      .write(toFile: dir + "/sheetgate.yaml", atomically: true, encoding: .utf8)
    let notMaildir = try CLIRunner.run(["run", "--config", dir + "/sheetgate.yaml"])
    XCTAssertEqual(notMaildir.status, 2)
    XCTAssertTrue(notMaildir.stderr.contains("不是 Maildir"), notMaildir.stderr)

    let both = try CLIRunner.run(["run", "--config", dir + "/sheetgate.yaml", "--store", "x.sqlite"])
    XCTAssertEqual(both.status, 2)
    XCTAssertTrue(both.stderr.contains("--store 不能与 --config 同时使用"), both.stderr)

    let missing = try CLIRunner.run(["run", "--maildir", dir + "/mail"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("缺少 --store、--outbox、--output"), missing.stderr)
  }

  func testAnOutputThatCannotBeWrittenExitsThreeAndLeavesTheMessage() throws {
    let dir = try CLIRunner.temporaryDirectory()
    _ = try maildir(dir, attachment: clean)
    try "not a database, just text".write(toFile: dir + "/台账.sqlite", atomically: true, encoding: .utf8)
    let r = try CLIRunner.run(flags(dir))
    XCTAssertEqual(r.status, 3, r.stderr)
    XCTAssertTrue(r.stderr.contains(dir + "/台账.sqlite：无法打开台账存储"), r.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/mail/new").count, 1, "the message waits for the next run")
  }

  func testConfigFileRunAndReminders() throws {
    let dir = try CLIRunner.temporaryDirectory()
    _ = try maildir(dir, attachment: clean)
    try """
      单位名称,简称,邮箱
      乌审旗综合行政执法局,综合执法局,zhzfj@wsq.gov.cn
      乌审旗农牧局,农牧局,nmj@wsq.gov.cn
      乌审旗市场监督管理局,市场监管局,scjgj@wsq.gov.cn;scj@163.com
      乌审旗应急管理局,应急管理局,

      """.write(toFile: dir + "/名单.csv", atomically: true, encoding: .utf8)
    try """
      # sheetgate run --config sheetgate.yaml
      inbox:
        maildir: mail
      roster: 名单.csv
      collections:
        - {schema: training-hours, period: "2023", deadline: 2099-12-31}
      store: 台账.sqlite
      output: 汇总
      outbox: 回复草稿
      state: state
      sender: {address: sfj@wsq.gov.cn, name: 乌审旗司法局}

      """.write(toFile: dir + "/sheetgate.yaml", atomically: true, encoding: .utf8)
    let r = try CLIRunner.run(["run", "--config", dir + "/sheetgate.yaml", "--remind"])
    XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
    XCTAssertTrue(r.stdout.contains("尚未报送 3 家：乌审旗农牧局、乌审旗市场监督管理局、乌审旗应急管理局"), r.stdout)
    // 应急管理局 has no address in the roster and has never written: no reminder.
    XCTAssertTrue(r.stdout.contains("已起草催报邮件：乌审旗农牧局、乌审旗市场监督管理局"), r.stdout)
    let drafts = try FileManager.default.contentsOfDirectory(atPath: dir + "/回复草稿/new")
    XCTAssertEqual(drafts.count, 3)
    let remind = try XCTUnwrap(drafts.first { $0.hasPrefix("sheetgate-remind-") })
    let text = try String(contentsOfFile: dir + "/回复草稿/new/" + remind, encoding: .utf8)
    XCTAssertTrue(text.contains("Subject: =?UTF-8?B?"), text)
    // Reminders are drafted once a day.
    let again = try CLIRunner.run(["run", "--config", dir + "/sheetgate.yaml", "--remind"])
    XCTAssertFalse(again.stdout.contains("已起草催报邮件"), again.stdout)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/回复草稿/new").count, 3)
  }
}

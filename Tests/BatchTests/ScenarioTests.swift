import Foundation
import Mail
import Store
import TestSupport
import XCTest

@testable import Batch

/// A Maildir of real-shaped messages (Outlook, Foxmail, QQ Mail, 163 Mail; GBK headers and names)
/// carrying the sample ledgers, plus bad mail, through one run and a second one.
final class ScenarioTests: XCTestCase {
  func testOneRunAnswersEveryMessageAndASecondRunDoesNothing() throws {
    let root = try BatchFixtures.folder(self)
    try BatchFixtures.runPython([BatchFixtures.mailboxScript, root + "/mail", "basic", BatchFixtures.samples])
    let config = BatchFixtures.config(root, collections: [.init(schema: "training-hours", period: "2023", deadline: "2023-08-15")])
    let summary = try BatchRun(config: config).run()

    let outcomes = summary.messages.map { $0.outcome.rawValue }
    XCTAssertEqual(outcomes, ["accepted", "invalid", "invalid", "no-ledger", "no-ledger", "no-ledger", "no-ledger", "no-ledger",
                              "no-ledger", "automatic", "duplicate"])
    // The discretion ledger is not collected here: an unknown spreadsheet for this run.
    XCTAssertEqual(summary.messages[3].attachments.map(\.status), [.unrecognized, .coverLetter])
    XCTAssertEqual(summary.messages[0].agency, "乌审旗综合行政执法局")
    XCTAssertEqual(summary.messages[1].agency, "乌审旗市场监督管理局")
    XCTAssertEqual(summary.messages[5].attachments.map(\.status), [.unsupported])
    XCTAssertTrue(summary.messages[5].attachments[0].problem?.contains("base64") ?? false)
    XCTAssertEqual(summary.messages[6].attachments.map(\.status), [.unsupported, .unsupported])
    XCTAssertEqual(summary.unknownSenders.map(\.sender), ["zhangsan1988@126.com"])
    XCTAssertEqual(summary.validCount, 1)
    XCTAssertEqual(summary.invalidCount, 2)
    XCTAssertEqual(summary.missing.count, 1)
    XCTAssertEqual(summary.missing[0].deadline, "2023-08-15")
    XCTAssertFalse(summary.missing[0].agencies.contains("乌审旗综合行政执法局"))
    XCTAssertTrue(summary.missing[0].agencies.contains("乌审旗市场监督管理局"))

    // Every message moved to cur/ with :2,S; none deleted.
    XCTAssertEqual(BatchFixtures.names(root + "/mail/new"), [])
    let cur = BatchFixtures.names(root + "/mail/cur")
    XCTAssertEqual(cur.count, 11)
    XCTAssertTrue(cur.allSatisfy { $0.hasSuffix(":2,S") })
    // One draft per answered message (not the auto-reply, not the second copy).
    let drafts = BatchFixtures.names(root + "/outbox/new")
    XCTAssertEqual(drafts.count, 9)
    XCTAssertEqual(BatchFixtures.names(root + "/outbox/tmp"), [])
    XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/out/执法人员培训学时台账_2023_汇总.xlsx"))

    // The replies, read back by Python's email package.
    let python = try BatchFixtures.python()
    let script = """
      import email, email.policy, json, os, sys
      out = []
      d = sys.argv[1]
      for n in sorted(os.listdir(d)):
          m = email.message_from_bytes(open(os.path.join(d, n), "rb").read(), policy=email.policy.default)
          out.append({"subject": str(m["Subject"]), "to": str(m["To"]), "in_reply_to": str(m["In-Reply-To"]),
                      "auto": str(m["Auto-Submitted"]), "text": m.get_body(("plain",)).get_content(),
                      "html": m.get_body(("html",)).get_content(),
                      "files": [a.get_filename() for a in m.iter_attachments()]})
      print(json.dumps(out, ensure_ascii=False))
      """
    let json = try BatchFixtures.runPython(["-c", script, root + "/outbox/new"], python: python)
    let replies = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
    let bySubject = Dictionary(replies.map { ($0["subject"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
    let accepted = try XCTUnwrap(bySubject["【已接收】关于报送2023年度执法人员培训学时台账的函"])
    XCTAssertEqual(accepted["to"] as? String, "乌审旗综合行政执法局 <zhzfj@wsq.gov.cn>")
    XCTAssertEqual(accepted["in_reply_to"] as? String, "<000001d9be9a$5c1e2f40$145a8dc0$@wsq.gov.cn>")
    XCTAssertEqual(accepted["auto"] as? String, "auto-replied")
    XCTAssertEqual(accepted["files"] as? [String], ["乌审旗综合行政执法局_培训学时台账_2023_校验通过.xlsx"])
    let invalid = try XCTUnwrap(bySubject["【校验未通过，请修改后重新报送】报送培训学时台账"])
    XCTAssertEqual(invalid["files"] as? [String], ["乌审旗市场监督管理局_培训学时台账_2023_校验结果.xlsx"])
    let text = invalid["text"] as! String
    XCTAssertTrue(text.contains("发现 6 处错误"), text)
    XCTAssertTrue(text.contains("2023年8月15日前重新报送"), text)
    XCTAssertTrue(text.contains("乌审旗市场监管局"), text)
    XCTAssertTrue((invalid["html"] as! String).contains("<li>"))
    let rar = try XCTUnwrap(bySubject["【未收到可识别的台账，请重新报送】台账（压缩包）"])
    XCTAssertTrue((rar["text"] as! String).contains("winmail.dat"))
    let none = try XCTUnwrap(bySubject["【未收到可识别的台账，请重新报送】报送台账"])
    XCTAssertTrue((none["text"] as! String).contains("邮件中没有附件"))

    // The annotated report attached opens in openpyxl.
    if PythonReaders.has(module: "openpyxl") {
      let check = """
        import email, email.policy, io, os, sys, openpyxl
        d = sys.argv[1]
        for n in sorted(os.listdir(d)):
            m = email.message_from_bytes(open(os.path.join(d, n), "rb").read(), policy=email.policy.default)
            for a in m.iter_attachments():
                wb = openpyxl.load_workbook(io.BytesIO(a.get_content()))
                print(a.get_filename(), wb.sheetnames[0])
        """
      let opened = try BatchFixtures.runPython(["-c", check, root + "/outbox/new"], python: PythonReaders.python.path)
      XCTAssertTrue(opened.contains("乌审旗市场监督管理局_培训学时台账_2023_校验结果.xlsx 问题清单"), opened)
    }

    // The store: messages with their provenance, submissions of the valid and invalid ledgers.
    let store = try SubmissionStore(path: config.store)
    let messages = try store.messages()
    XCTAssertEqual(messages.count, 11)
    XCTAssertEqual(messages[0].messageID, "000001d9be9a$5c1e2f40$145a8dc0$@wsq.gov.cn")
    XCTAssertEqual(messages[0].sender, "zhzfj@wsq.gov.cn")
    XCTAssertEqual(messages[0].subject, "关于报送2023年度执法人员培训学时台账的函")
    XCTAssertEqual(messages[0].outcome, "accepted")
    XCTAssertNotNil(messages[0].replyFile)
    let submissions = try store.allSubmissions()

    // A second run: nothing new, nothing changed.
    let log1 = try String(contentsOfFile: config.state + "/run.log", encoding: .utf8)
    XCTAssertEqual(log1.split(separator: "\n").count, 11)
    let again = try BatchRun(config: config).run()
    XCTAssertEqual(again.messages.count, 0)
    XCTAssertEqual(BatchFixtures.names(root + "/outbox/new"), drafts)
    XCTAssertEqual(try store.allSubmissions(), submissions)
    XCTAssertEqual(try store.messages().count, 11)

    // The same message delivered again (same bytes): finished as recorded, not answered twice.
    let first = root + "/mail/cur/" + cur[0]
    try FileManager.default.copyItem(atPath: first, toPath: root + "/mail/new/again.eml")
    let third = try BatchRun(config: config).run()
    XCTAssertEqual(third.messages.map(\.resumed), [true])
    XCTAssertEqual(BatchFixtures.names(root + "/outbox/new"), drafts)
    XCTAssertEqual(try store.allSubmissions(), submissions)
  }

  /// Copies of one message (the same bytes, as a client that sent twice or a mailbox filter that copied it
  /// delivers them) arriving together are staged at the same time on different threads: each gets a work folder
  /// of its own, the first is answered and stored, the others are finished as recorded; none reads a file
  /// another copy removed.
  func testCopiesOfOneMessageInOneBatch() throws {
    let root = try BatchFixtures.folder(self)
    try BatchFixtures.runPython([BatchFixtures.mailboxScript, root + "/mail", "basic", BatchFixtures.samples])
    // The largest message: one with a spreadsheet attached.
    func size(_ n: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: root + "/mail/new/" + n))?[.size] as? Int) ?? 0 }
    let original = try XCTUnwrap(BatchFixtures.names(root + "/mail/new").max { size($0) < size($1) })
    for i in 1...7 {
      try FileManager.default.copyItem(atPath: root + "/mail/new/" + original, toPath: root + "/mail/new/\(original).copy\(i)")
    }
    let summary = try BatchRun(config: BatchFixtures.config(root)).run()
    let copies = summary.messages.filter { $0.source.contains(original) }
    XCTAssertEqual(copies.count, 8)
    XCTAssertEqual(Set(copies.map(\.sha256)).count, 1)
    XCTAssertEqual(copies.filter { !$0.resumed }.count, 1, "one copy handled, the rest finished as recorded")
    XCTAssertTrue(copies.contains { $0.attachments.contains { $0.status == .valid || $0.status == .invalid } }, "\(copies)")
    for m in summary.messages {
      XCTAssertFalse(m.attachments.contains { $0.status == .unreadable }, "\(m.source): \(m.attachments)")
    }
    XCTAssertEqual(BatchFixtures.names(root + "/state/work"), [], "no work folder left")
  }

  func testTheRostersMailboxColumnDecidesTheAgency() throws {
    let root = try BatchFixtures.folder(self)
    let roster = root + "/名单.csv"
    try """
      单位名称,简称,邮箱
      乌审旗农牧局,农牧局,12345678@qq.com
      乌审旗市场监督管理局,市场监管局,scjgj@wsq.gov.cn; scj2@wsq.gov.cn
      乌审旗综合行政执法局,综合执法局,zhzfj@wsq.gov.cn
      乌审旗交通运输局,交通运输局,shared@wsq.gov.cn
      乌审旗应急管理局,应急管理局,shared@wsq.gov.cn

      """.write(toFile: roster, atomically: true, encoding: .utf8)
    let boxes = try RosterMailboxes(path: roster)
    XCTAssertEqual(boxes.agencies["12345678@qq.com"], ["乌审旗农牧局"])
    XCTAssertEqual(boxes.agencies["scj2@wsq.gov.cn"], ["乌审旗市场监督管理局"])
    XCTAssertEqual(boxes.addresses["乌审旗市场监督管理局"], ["scjgj@wsq.gov.cn", "scj2@wsq.gov.cn"])

    let a = AgencyAttributor(roster: .init(entries: [.init(name: "乌审旗农牧局", shortName: "农牧局"),
                                                     .init(name: "乌审旗市场监督管理局", shortName: "市场监管局"),
                                                     .init(name: "乌审旗交通运输局", shortName: "交通运输局"),
                                                     .init(name: "乌审旗应急管理局", shortName: "应急管理局")]),
                             mailboxes: boxes)
    XCTAssertEqual(a.attribute(sender: "12345678@QQ.com", displayName: "张三", fileNames: ["乌审旗市场监督管理局_台账.xlsx"], fileAgencies: ["乌审旗市场监督管理局"]),
                   .mailbox("乌审旗农牧局"))
    XCTAssertEqual(a.attribute(sender: "shared@wsq.gov.cn", displayName: nil, fileNames: [], fileAgencies: []),
                   .ambiguous(["乌审旗交通运输局", "乌审旗应急管理局"]))
    XCTAssertEqual(a.attribute(sender: "x@126.com", displayName: nil, fileNames: ["a.xlsx"], fileAgencies: ["乌审旗农牧局"]), .file)
    XCTAssertEqual(a.attribute(sender: "x@126.com", displayName: nil, fileNames: ["乌审旗交通运输局_培训学时.xlsx"], fileAgencies: [nil]),
                   .fileName("乌审旗交通运输局"))
    XCTAssertEqual(a.attribute(sender: "x@126.com", displayName: nil, fileNames: ["应急管理局和交通运输局.xlsx"], fileAgencies: [nil]),
                   .ambiguous(["乌审旗交通运输局", "乌审旗应急管理局"]))
    XCTAssertEqual(a.attribute(sender: "x@126.com", displayName: "乌审旗农牧局", fileNames: ["台账.xlsx"], fileAgencies: [nil]),
                   .displayName("乌审旗农牧局"))
    XCTAssertEqual(a.attribute(sender: "x@126.com", displayName: "张三", fileNames: ["台账.xlsx"], fileAgencies: [nil]), .unknown)
    // Names are matched on bytes: at the very end, after a partial match of the same first character, never
    // across a name longer than the file name, and a short name only when no full name is there.
    let four = try XCTUnwrap(a.roster)
    XCTAssertEqual(AgencyAttributor.namesIn("2023乌审旗乌审旗农牧局", roster: four), ["乌审旗农牧局"])
    XCTAssertEqual(AgencyAttributor.namesIn("乌审旗", roster: four), [])
    XCTAssertEqual(AgencyAttributor.namesIn("市场监管局（盖章）.xlsx", roster: four), ["乌审旗市场监督管理局"])
    XCTAssertEqual(AgencyAttributor.namesIn("乌审旗农牧局+市场监管局.xlsx", roster: four), ["乌审旗农牧局"])
    XCTAssertEqual(AgencyAttributor.namesIn("", roster: four), [])

    // Through a run: the QQ address is 农牧局's, the file's own 单位 notwithstanding.
    try BatchFixtures.runPython([BatchFixtures.mailboxScript, root + "/mail", "basic", BatchFixtures.samples])
    let summary = try BatchRun(config: BatchFixtures.config(root, roster: roster)).run()
    let qq = try XCTUnwrap(summary.messages.first { $0.sender == "12345678@qq.com" })
    XCTAssertEqual(qq.agency, "乌审旗农牧局")
    XCTAssertEqual(qq.attribution, "mailbox")
  }
}

/// The inbox may also be a folder of .eml files (each handled once, never moved) and a folder of
/// spreadsheets (validated and stored without mail; reports beside the consolidated workbooks).
final class FolderInboxTests: XCTestCase {
  func testEmlFolderAndSpreadsheetFolder() throws {
    let root = try BatchFixtures.folder(self)
    try BatchFixtures.runPython([BatchFixtures.mailboxScript, root + "/generated", "basic", BatchFixtures.samples])
    try FileManager.default.createDirectory(atPath: root + "/eml", withIntermediateDirectories: true)
    let generated = BatchFixtures.names(root + "/generated/new")
    for (k, n) in generated.prefix(2).enumerated() {
      try FileManager.default.copyItem(atPath: root + "/generated/new/" + n, toPath: root + "/eml/\(k + 1).eml")
    }
    try FileManager.default.createDirectory(atPath: root + "/files", withIntermediateDirectories: true)
    for n in ["乌审旗交通运输局_行政裁量权基准_2023.xlsx", "乌审旗应急管理局_行政处罚裁量基准统计表（2023年）.xlsx"] {
      try FileManager.default.copyItem(atPath: BatchFixtures.samples + "/validate/" + n, toPath: root + "/files/" + n)
    }
    var config = BatchFixtures.config(root)
    config.maildir = nil
    config.emlFolder = root + "/eml"
    config.filesFolder = root + "/files"
    let first = try BatchRun(config: config).run()
    XCTAssertEqual(first.messages.map(\.outcome), [.accepted, .invalid])
    XCTAssertEqual(first.files.map(\.status), [.valid, .invalid])
    XCTAssertEqual(BatchFixtures.names(root + "/eml"), ["1.eml", "2.eml"], "never moved")
    XCTAssertEqual(BatchFixtures.names(root + "/outbox/new").count, 2)
    XCTAssertEqual(BatchFixtures.names(root + "/out/校验结果").sorted(),
                   ["乌审旗交通运输局_行政裁量权基准_2023_校验通过.xlsx", "乌审旗应急管理局_行政处罚裁量基准统计表（2023年）_校验结果.xlsx"])
    let again = try BatchRun(config: config).run()
    XCTAssertEqual(again.messages.count, 0)
    XCTAssertEqual(again.files.count, 0)
    XCTAssertEqual(BatchFixtures.names(root + "/outbox/new").count, 2)
  }
}

/// The run log's line: sorted keys, absent values left out, the text exactly as Foundation's JSON parser reads it.
final class RunLogTests: XCTestCase {
  func testLineIsTheDocumentedJSON() throws {
    var a = AttachmentResult(name: "乌审旗农牧局/2023 \"培训\"台账.xlsx", status: .invalid)
    a.ledgers = ["行政执法人员培训学时台账"]
    a.rows = 500
    a.errors = 3
    a.warnings = 1
    a.report = "乌审旗农牧局_校验结果.xlsx"
    let b = AttachmentResult(name: "报送函.pdf", status: .coverLetter)
    let r = BatchRun.MessageReport(
      source: "/srv/mail/new/1.eml", messageID: "<a@b>", sha256: "ab12", sender: "nmj@wsq.gov.cn", senderName: nil,
      subject: "关于报送\n台账\t的函 😀", date: "2023-08-15T01:30:00Z", outcome: .invalid, agency: "乌审旗农牧局",
      attribution: "mailbox", candidates: [], attachments: [a, b], problems: ["第二个附件不是台账"], reply: nil, resumed: false)
    let line = RunLog.line(r, time: "2023-08-15T02:00:00Z")
    XCTAssertFalse(line.contains(10), "one line")
    let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? NSDictionary)
    let expected: NSDictionary = [
      "time": "2023-08-15T02:00:00Z", "source": "/srv/mail/new/1.eml", "sha256": "ab12", "outcome": "invalid",
      "attribution": "mailbox", "resumed": false, "message_id": "<a@b>", "sender": "nmj@wsq.gov.cn",
      "subject": "关于报送\n台账\t的函 😀", "date": "2023-08-15T01:30:00Z", "agency": "乌审旗农牧局",
      "problems": ["第二个附件不是台账"],
      "attachments": [
        ["name": "乌审旗农牧局/2023 \"培训\"台账.xlsx", "status": "invalid", "ledgers": ["行政执法人员培训学时台账"],
         "rows": 500, "errors": 3, "warnings": 1, "report": "乌审旗农牧局_校验结果.xlsx"],
        ["name": "报送函.pdf", "status": "cover-letter"],
      ],
    ]
    XCTAssertEqual(parsed, expected)
    // Keys in byte order, at every level.
    let text = String(decoding: line, as: UTF8.self)
    let top = ["agency", "attachments", "attribution", "date", "message_id", "outcome", "problems", "resumed", "sender",
               "sha256", "source", "subject", "time"].map { text.range(of: "\"\($0)\":")!.lowerBound }
    XCTAssertEqual(top, top.sorted())
  }
}

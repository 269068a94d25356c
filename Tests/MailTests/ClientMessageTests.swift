import Foundation
import XCTest

@testable import Mail

/// Messages in the shapes Outlook, Foxmail, QQ Mail, 163 Mail and webmail send, made by Python's
/// `email` package (`Fixtures/make_messages.py`).
final class ClientMessageTests: XCTestCase {
  struct Expected {
    var subject: String
    var fromName: String
    var fromAddress: String
    var toName: String?
    var text: String
    var attachments: [(name: String, kind: String, bytes: [UInt8], forwardDepth: Int)]
  }

  func load(_ name: String) throws -> (MailMessage, Expected) {
    let dir = try Fixtures.pythonMessages()
    let manifest = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as? [String: Any])
    let m = try XCTUnwrap(manifest[name] as? [String: Any], "manifest has no \(name)")
    var atts: [(String, String, [UInt8], Int)] = []
    for a in try XCTUnwrap(m["attachments"] as? [[String: Any]]) {
      atts.append((try XCTUnwrap(a["name"] as? String), try XCTUnwrap(a["kind"] as? String),
                   try Fixtures.bytes(dir.appendingPathComponent(try XCTUnwrap(a["file"] as? String))),
                   try XCTUnwrap(a["forward_depth"] as? Int)))
    }
    let expected = Expected(subject: try XCTUnwrap(m["subject"] as? String), fromName: try XCTUnwrap(m["from_name"] as? String),
                            fromAddress: try XCTUnwrap(m["from_addr"] as? String), toName: m["to_name"] as? String,
                            text: try XCTUnwrap(m["text"] as? String), attachments: atts)
    let message = try MailMessage.parse(try Fixtures.bytes(dir.appendingPathComponent(name + ".eml")))
    return (message, expected)
  }

  /// Subject, sender, recipient, text and every attachment's name, kind and bytes as the manifest says.
  func check(_ name: String, problems: Set<MailProblem.Code> = [], file: StaticString = #filePath,
             line: UInt = #line) throws -> MailMessage {
    let (m, e) = try load(name)
    XCTAssertEqual(Set(m.problems.map(\.code)), problems, "\(m.problems)", file: file, line: line)
    XCTAssertEqual(m.subject, e.subject, file: file, line: line)
    XCTAssertEqual(m.from?.name, e.fromName, file: file, line: line)
    XCTAssertEqual(m.from?.address, e.fromAddress, file: file, line: line)
    if let toName = e.toName { XCTAssertEqual(m.to.first?.name, toName, file: file, line: line) }
    XCTAssertTrue(m.textBody?.contains(e.text) == true, "text body \(m.textBody ?? "nil")", file: file, line: line)
    XCTAssertEqual(m.attachments.map(\.fileName), e.attachments.map(\.name), file: file, line: line)
    XCTAssertEqual(m.attachments.map(\.kind.label), e.attachments.map(\.kind), file: file, line: line)
    for (a, want) in zip(m.attachments, e.attachments) {
      if a.kind.isSpreadsheet || a.kind == .coverLetter {
        XCTAssertEqual(a.bytes, want.bytes, "bytes of \(a.fileName)", file: file, line: line)
      }
      XCTAssertEqual(a.forwardDepth, want.forwardDepth, a.fileName, file: file, line: line)
    }
    XCTAssertEqual(m.date, MailDate(secondsSince1970: 1_690_248_600, utcOffsetMinutes: 480), file: file, line: line)
    return m
  }

  func testOutlookGBKWordsAndQuotedEncodedName() throws {
    let m = try check("outlook_gbk")
    XCTAssertEqual(m.attachments.first?.fileName, "乌审旗市场监督管理局_执法人员培训学时台账_2023.xlsx")
    XCTAssertEqual(m.messageID, "000001d9be9a$5c1e2f40$145a8dc0$@wsq.gov.cn")
    XCTAssertTrue(m.htmlBody?.contains("<p>司法局：</p>") == true)
    XCTAssertEqual(m.problems, [])
    // Provenance: the raw Subject field is kept byte for byte.
    XCTAssertTrue(utf8String(m.headers["subject"]!.raw).hasPrefix("Subject: =?gbk?b?"))
  }

  func testFoxmailQWordsSplitCharacterAndRawGBKName() throws {
    let m = try check("foxmail_split")
    XCTAssertEqual(m.attachments.map(\.fileName), ["行政裁量权基准_乌审旗农牧局.xlsx", "行政裁量权基准.csv"])
    XCTAssertTrue(m.headers["subject"]!.text.hasPrefix("报送"))
    XCTAssertTrue(utf8String(m.headers["subject"]!.value).contains("?q?"), "the fixture uses Q-words")
  }

  func testQQMailRFC2231Continuations() throws {
    let m = try check("qq_rfc2231")
    XCTAssertEqual(m.attachments[0].fileName, "乌审旗市场监督管理局_规范性文件清理目录_继续有效.xlsx")
    XCTAssertEqual(m.attachments[1].fileName, "ledger_2023_training.csv")
  }

  func test163InlineImagesAreNotAttachmentsAndCoverLettersAreKept() throws {
    let m = try check("mail163")
    // The 131-byte name is cut to 120 bytes, extension kept; the original stays for display.
    XCTAssertEqual(m.attachments[0].originalName,
                   "乌审旗市场监督管理局关于报送2023年度执法人员培训学时台账及行政裁量权基准统计表的报告附件一.xlsx")
    XCTAssertLessThanOrEqual(m.attachments[0].fileName.utf8.count, 120)
    XCTAssertTrue(m.attachments[0].fileName.hasSuffix("统计表.xlsx"))
    // The logo shown by cid: and the inline signature are parts, not attachments.
    XCTAssertTrue(m.parts.contains { $0.fileName == "logo.png" })
    XCTAssertTrue(m.parts.contains { $0.fileName == "签名.png" && $0.disposition == "inline" })
    XCTAssertFalse(m.attachments.contains { $0.fileName.hasSuffix(".png") })
    XCTAssertEqual(m.attachments.filter { $0.kind == .coverLetter }.count, 2)
    XCTAssertEqual(m.spreadsheets.count, 1)
    XCTAssertTrue(m.htmlBody?.contains("cid:logo123@163.com") == true)
    XCTAssertEqual(m.problems, [])
  }

  func testForwardedMessageAttachmentsAreReported() throws {
    let m = try check("webmail_forward")
    XCTAssertEqual(m.forwarded.count, 1)
    XCTAssertEqual(m.forwarded.first?.subject, "乌审旗农牧局培训学时台账")
    XCTAssertEqual(m.forwarded.first?.from?.name, "乌审旗农牧局")
    XCTAssertEqual(m.forwarded.first?.messageID, "inner-1@wsq.gov.cn")
    // The forwarded message's own text is not the outer message's body.
    XCTAssertEqual(m.textBody?.trimmingCharacters(in: .whitespacesAndNewlines), "转发农牧局的台账。")
  }

  func testZipWithCP936NamesIsExpanded() throws {
    let m = try check("zip_cp936")
    let first = try XCTUnwrap(m.attachments.first)
    XCTAssertEqual(first.archivePath, ["乌审旗农牧局台账.zip", "乌审旗农牧局/执法人员培训学时台账.xlsx"])
    let nested = try XCTUnwrap(m.attachments.last)
    XCTAssertEqual(nested.archivePath, ["乌审旗农牧局台账.zip", "附件2.zip", "规范性文件清理目录.xlsx"])
    XCTAssertEqual(m.problems, [])
  }

  func testUnreadableFilesAreUnsupportedWithProblems() throws {
    let m = try check("unsupported", problems: [.unsupportedArchive, .tnefAttachment, .encryptedFile])
    XCTAssertEqual(m.problems.count, 5)
    let zipEntry = try XCTUnwrap(m.problems.first { $0.fileName == "台账.xlsx" })
    XCTAssertEqual(zipEntry.code, .encryptedFile)
    XCTAssertTrue(zipEntry.chinese.contains("取消密码"), zipEntry.chinese)
    XCTAssertTrue(zipEntry.english.contains("without a password"), zipEntry.english)
    XCTAssertTrue(m.problems.first { $0.code == .tnefAttachment }!.chinese.contains("winmail.dat"))
  }
}

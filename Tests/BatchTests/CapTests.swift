import Foundation
import Mail
import XCTest

@testable import Batch

/// Mail over the caps is answered, not skipped: an attachment over its cap is asked for again, a message
/// over its cap is answered from its headers alone, and the run goes on.
final class CapTests: XCTestCase {
  func message(_ id: String, from: String, subject: String, attachment: (String, [UInt8])?) -> [UInt8] {
    let b64 = { (s: String) in "=?GBK?B?" + Data(Self.gbk(s)).base64EncodedString() + "?=" }
    var m = "From: \(b64("乌审旗农牧局")) <nmj@wsq.gov.cn>\r\nTo: sfj@wsq.gov.cn\r\nSubject: \(b64(subject))\r\n"
      + "Date: Tue, 25 Jul 2023 09:30:00 +0800\r\nMessage-ID: <\(id)@wsq.gov.cn>\r\nMIME-Version: 1.0\r\n"
      + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n请查收\r\n"
    if let (name, bytes) = attachment {
      m += "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"\(b64(name))\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
    }
    return Array((m + "--b--\r\n").utf8)
  }

  /// GBK bytes of `s`, through iconv (the names agencies' Outlook writes).
  static func gbk(_ s: String) -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
    p.arguments = ["-f", "UTF-8", "-t", "GBK"]
    let i = Pipe(), o = Pipe()
    p.standardInput = i
    p.standardOutput = o
    try? p.run()
    i.fileHandleForWriting.write(Data(s.utf8))
    try? i.fileHandleForWriting.close()
    let d = o.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return [UInt8](d)
  }

  func testOverTheCapsIsAnsweredAndTheRunGoesOn() throws {
    let root = try BatchFixtures.folder(self)
    let md = Maildir(path: root + "/mail")
    try md.create()
    let ledger = try [UInt8](Data(contentsOf: URL(fileURLWithPath: BatchFixtures.samples + "/validate/乌审旗综合行政执法局_培训学时台账_2023.xlsx")))
    try Data(message("cap-1", from: "nmj", subject: "培训学时台账（大附件）", attachment: ("农牧局培训学时台账.xlsx", ledger)))
      .write(to: URL(fileURLWithPath: root + "/mail/new/1.a"))
    var big = message("cap-2", from: "nmj", subject: "整个邮件过大", attachment: ("台账.xlsx", ledger))
    big += Array(repeating: UInt8(ascii: " "), count: 300_000)
    try Data(big).write(to: URL(fileURLWithPath: root + "/mail/new/2.b"))
    try Data(message("cap-3", from: "nmj", subject: "培训学时台账", attachment: nil)).write(to: URL(fileURLWithPath: root + "/mail/new/3.c"))
    // No From at all: handled, nobody to answer, listed for the clerk.
    let anonymous = String(decoding: message("cap-4", from: "nmj", subject: "无发件人", attachment: ("农牧局培训学时台账.xlsx", ledger)), as: UTF8.self)
      .split(separator: "\r\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("From:") }.joined(separator: "\r\n")
    try Data(anonymous.utf8).write(to: URL(fileURLWithPath: root + "/mail/new/4.d"))

    let limits = MailLimits(maxMessageBytes: 200_000, maxAttachmentBytes: ledger.count - 1)
    let summary = try BatchRun(config: BatchFixtures.config(root), options: .init(limits: limits)).run()
    XCTAssertEqual(summary.messages.map(\.outcome), [.noLedger, .unreadable, .noLedger, .noLedger])
    XCTAssertEqual(summary.unanswerable.map(\.subject), ["无发件人"])
    XCTAssertEqual(summary.messages[0].attachments.map(\.status), [.unsupported])
    XCTAssertTrue(summary.messages[0].attachments[0].problem?.contains("超过大小上限") ?? false, "\(summary.messages[0])")
    XCTAssertEqual(summary.messages[1].subject, "整个邮件过大")
    XCTAssertEqual(summary.messages[1].agency, "乌审旗农牧局")
    XCTAssertFalse(summary.messages[1].problems.isEmpty)
    // Each is answered (the too-large one from its headers), and all three are moved to cur/.
    XCTAssertEqual(BatchFixtures.names(root + "/outbox/new").count, 3)
    XCTAssertEqual(BatchFixtures.names(root + "/mail/new"), [])
    let drafts = try BatchFixtures.names(root + "/outbox/new").map { try String(contentsOfFile: root + "/outbox/new/" + $0, encoding: .utf8) }
    let parsed = try drafts.map { try MailMessage.parse(Array($0.utf8)) }
    XCTAssertEqual(Set(parsed.compactMap(\.subject)), ["【未收到可识别的台账，请重新报送】培训学时台账（大附件）",
                                                       "【未收到可识别的台账，请重新报送】整个邮件过大",
                                                       "【未收到可识别的台账，请重新报送】培训学时台账"])
    let tooBig = try XCTUnwrap(parsed.first { $0.subject?.contains("整个邮件过大") ?? false })
    XCTAssertTrue(tooBig.textBody?.contains("超过") ?? false, tooBig.textBody ?? "")
    XCTAssertEqual(tooBig.to.map(\.address), ["nmj@wsq.gov.cn"])
  }
}

import Foundation
import Mail
import XCTest

@testable import Batch

/// `sheetgate run` reads a legacy `.xls` attachment like an `.xlsx` one: validated, answered with its
/// findings, stored — never bounced with "save as .xlsx".
final class XLSAttachmentTests: XCTestCase {
  /// A message from 乌审旗市场监督管理局 with one base64 attachment (names in RFC 2047 UTF-8).
  private func message(subject: String, attachment: (String, [UInt8])) -> [UInt8] {
    let b64 = { (s: String) in "=?UTF-8?B?" + Data(s.utf8).base64EncodedString() + "?=" }
    let m = "From: \(b64("乌审旗市场监督管理局")) <scjgj@wsq.gov.cn>\r\nTo: sfj@wsq.gov.cn\r\nSubject: \(b64(subject))\r\n"
      + "Date: Tue, 25 Jul 2023 09:30:00 +0800\r\nMessage-ID: <xls-1@wsq.gov.cn>\r\nMIME-Version: 1.0\r\n"
      + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n请查收\r\n"
      + "--b\r\nContent-Type: application/vnd.ms-excel\r\nContent-Disposition: attachment; filename=\"\(b64(attachment.0))\"\r\n"
      + "Content-Transfer-Encoding: base64\r\n\r\n"
      + Data(attachment.1).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
      + "\r\n--b--\r\n"
    return Array(m.utf8)
  }

  func testXLSAttachmentIsValidatedNotBounced() throws {
    let root = try BatchFixtures.folder(self)
    let md = Maildir(path: root + "/mail")
    try md.create()
    let xls = try [UInt8](Data(contentsOf: URL(fileURLWithPath: BatchFixtures.samples + "/xls/乌审旗市场监督管理局_培训学时台账_2023.xls")))
    let mail = message(subject: "培训学时台账（旧版Excel）", attachment: ("市场监管局培训学时台账.xls", xls))
    try Data(mail).write(to: URL(fileURLWithPath: root + "/mail/new/1.a"))
    let summary = try BatchRun(config: BatchFixtures.config(root), options: .init()).run()
    XCTAssertEqual(summary.messages.count, 1)
    let m = try XCTUnwrap(summary.messages.first)
    XCTAssertEqual(m.outcome, .invalid, "read and validated, with findings: \(m)")
    XCTAssertEqual(m.attachments.count, 1)
    XCTAssertEqual(m.attachments.first?.status, .invalid, "\(m.attachments)")
    XCTAssertEqual(summary.invalidCount, 1)
    let drafts = BatchFixtures.names(root + "/outbox/new")
    XCTAssertEqual(drafts.count, 1)
    let reply = try MailMessage.parse(Array(try Data(contentsOf: URL(fileURLWithPath: root + "/outbox/new/" + drafts[0]))))
    XCTAssertFalse(reply.subject?.contains("未收到可识别的台账") ?? true, reply.subject ?? "")
    XCTAssertFalse((reply.textBody ?? "").contains("另存为"), "not asked to save as .xlsx: \(reply.textBody ?? "")")
  }
}

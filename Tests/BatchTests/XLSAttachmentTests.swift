import Foundation
import Mail
import XCTest

@testable import Batch

/// `sheetgate run` reads a legacy `.xls` attachment like an `.xlsx` one: validated, answered with its
/// findings, stored — never bounced with "save as .xlsx".
final class XLSAttachmentTests: XCTestCase {
  func testXLSAttachmentIsValidatedNotBounced() throws {
    let root = try BatchFixtures.folder(self)
    let md = Maildir(path: root + "/mail")
    try md.create()
    let xls = try [UInt8](Data(contentsOf: URL(fileURLWithPath: BatchFixtures.samples + "/xls/乌审旗市场监督管理局_培训学时台账_2023.xls")))
    let mail = CapTests().message("xls-1", from: "nmj", subject: "培训学时台账（旧版Excel）", attachment: ("市场监管局培训学时台账.xls", xls))
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

import Foundation
import Tabular
import XCTest

@testable import Mail

/// Hand-written messages: what old clients and broken transports produce.
final class RawMessageTests: XCTestCase {
  /// `执法人员培训学时台账.csv` in GBK.
  let gbkName = hex("d6b4b7a8c8cbd4b1c5e0d1b5d1a7cab1cca8d5cb2e637376")
  let csv = b("序号,单位,姓名\r\n1,乌审旗农牧局,张三\r\n")

  func message(_ parts: [[UInt8]], boundary: String = "b1", close: Bool = true, lf: Bool = false) -> [UInt8] {
    let nl = lf ? b("\n") : b("\r\n")
    var m = b("From: =?UTF-8?B?5LmM5a6h5peX5Yac54mn5bGA?= <nmj@wsq.gov.cn>") + nl
    m += b("To: sfj@wsq.gov.cn") + nl + b("Subject: test") + nl + b("MIME-Version: 1.0") + nl
    m += b("Content-Type: multipart/mixed;") + nl + b("\tboundary=\"\(boundary)\"") + nl + nl
    m += b("preamble, ignored") + nl
    for p in parts { m += b("--\(boundary)") + nl + p + nl }
    if close { m += b("--\(boundary)--") + nl + b("epilogue, ignored") + nl }
    return m
  }

  func attachment(_ name: [UInt8], _ body: [UInt8], cte: String = "base64") -> [UInt8] {
    b("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: \(cte)\r\nContent-Disposition: attachment; filename=\"")
      + name + b("\"\r\n\r\n") + body
  }

  func base64Lines(_ data: [UInt8]) -> [UInt8] { Base64.encodeLines(data) }

  func testRawGBKBytesInFilename() throws {
    let m = try MailMessage.parse(message([attachment(gbkName, base64Lines(csv))]))
    XCTAssertEqual(m.attachments.map(\.fileName), ["执法人员培训学时台账.csv"])
    XCTAssertEqual(m.attachments.first?.kind, .spreadsheet(.csv))
    XCTAssertEqual(m.attachments.first?.bytes, csv)
    XCTAssertEqual(m.from?.name, "乌审旗农牧局")
    XCTAssertEqual(m.problems, [])
  }

  func testRawUTF8BytesInFilenameStayUTF8() throws {
    let m = try MailMessage.parse(message([attachment(b("行政裁量权基准.csv"), base64Lines(csv))]))
    XCTAssertEqual(m.attachments.map(\.fileName), ["行政裁量权基准.csv"])
  }

  func testCorruptBase64IsAProblemAndTheRestIsParsed() throws {
    let bad = attachment(b("broken.xlsx"), b("UEsDBBQAAAAI!!!!AFZGg12sYzx/\r\n%%%%\r\n"))
    let good = attachment(gbkName, base64Lines(csv))
    let m = try MailMessage.parse(message([bad, good]))
    XCTAssertEqual(m.attachments.map(\.fileName), ["broken.xlsx", "执法人员培训学时台账.csv"])
    XCTAssertEqual(m.attachments[0].kind, .unsupported(.damagedEncoding))
    XCTAssertEqual(m.attachments[0].bytes, [])
    XCTAssertEqual(m.attachments[1].bytes, csv)
    XCTAssertEqual(m.problems.map(\.code), [.invalidBase64])
    XCTAssertEqual(m.problems.first?.part, "1")
    XCTAssertEqual(m.problems.first?.fileName, "broken.xlsx")
    XCTAssertTrue(m.problems.first!.chinese.contains("重新发送"))
  }

  func testMissingClosingBoundaryKeepsTheParts() throws {
    let m = try MailMessage.parse(message([b("Content-Type: text/plain; charset=utf-8\r\n\r\n请查收"),
                                           attachment(gbkName, base64Lines(csv))], close: false, lf: true))
    XCTAssertEqual(m.textBody, "请查收")
    XCTAssertEqual(m.attachments.first?.bytes, csv)
    XCTAssertEqual(m.problems.map(\.code), [.missingClosingBoundary])
  }

  func testBareLFAndEpilogueAndPreamble() throws {
    let m = try MailMessage.parse(message([attachment(gbkName, base64Lines(csv))], lf: true))
    XCTAssertEqual(m.attachments.first?.bytes, csv)
    XCTAssertEqual(m.problems, [])
    XCTAssertEqual(m.to.map(\.address), ["sfj@wsq.gov.cn"])
  }

  func testTruncatedMessage() throws {
    let full = message([attachment(gbkName, base64Lines(csv)), attachment(b("second.xlsx"), base64Lines(Array(repeating: 7, count: 3000)))])
    let cut = Array(full.prefix(full.count * 3 / 4))
    let m = try MailMessage.parse(cut)
    XCTAssertEqual(m.attachments.first?.bytes, csv, "the first attachment is whole")
    XCTAssertTrue(m.problems.contains { $0.code == .missingClosingBoundary })
    // Cut inside the headers: no body at all.
    let h = try MailMessage.parse(Array(full.prefix(60)))
    XCTAssertEqual(h.problems.map(\.code), [.truncatedHeaders])
    XCTAssertEqual(h.attachments, [])
  }

  func testQuotedPrintableAnd8BitParts() throws {
    let qp = b("Content-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=C7=EB=B2=E9=CA=D5=\r\n=A1=A3 \r\nok")
    let raw8 = b("Content-Type: text/csv\r\nContent-Transfer-Encoding: 8bit\r\nContent-Disposition: attachment; filename=a.csv\r\n\r\n") + csv
    let m = try MailMessage.parse(message([qp, raw8]))
    XCTAssertEqual(m.textBody, "请查收。\r\nok")
    // The CRLF before the delimiter belongs to the delimiter; the part's own last CRLF stays.
    XCTAssertEqual(m.attachments.first?.bytes, csv)
  }

  func testMessageOverTheCapIsAnErrorNamingIt() {
    let m = message([attachment(gbkName, base64Lines(Array(repeating: 1, count: 5000)))])
    XCTAssertThrowsError(try MailMessage.parse(m, limits: MailLimits(maxMessageBytes: 1000))) { error in
      let e = error as! MailError
      XCTAssertEqual(e.code, .messageTooLarge)
      XCTAssertTrue(e.english.contains("maxMessageBytes"), e.english)
      XCTAssertTrue(e.chinese.contains("超过上限"))
    }
    XCTAssertThrowsError(try MailMessage.parse(b(" \r\n"))) { XCTAssertEqual(($0 as! MailError).code, .emptyMessage) }
  }

  func testAttachmentOverTheCapIsAProblem() throws {
    let big = Array(repeating: UInt8(65), count: 10_000)
    let m = try MailMessage.parse(message([attachment(b("big.csv"), base64Lines(big)), attachment(gbkName, base64Lines(csv))]),
                                  limits: MailLimits(maxAttachmentBytes: 2000))
    XCTAssertEqual(m.attachments.map(\.kind), [.unsupported(.tooLarge), .spreadsheet(.csv)])
    XCTAssertEqual(m.problems.map(\.code), [.attachmentTooLarge])
    XCTAssertTrue(m.problems[0].english.contains("maxAttachmentBytes"), m.problems[0].english)
  }

  func testNestingDepthIsCapped() throws {
    var body = attachment(b("deep.csv"), base64Lines(csv))
    for k in 0..<40 {
      body = b("Content-Type: multipart/mixed; boundary=\"n\(k)\"\r\n\r\n--n\(k)\r\n") + body + b("\r\n--n\(k)--\r\n")
    }
    let m = try MailMessage.parse(b("Subject: deep\r\n") + body)
    XCTAssertEqual(m.problems.map(\.code), [.nestingTooDeep])
    XCTAssertEqual(m.attachments, [])
    let shallow = try MailMessage.parse(b("Subject: deep\r\n") + body, limits: MailLimits(maxDepth: 64))
    XCTAssertEqual(shallow.attachments.first?.bytes, csv)
  }

  func testZipLimits() throws {
    let dir = try Fixtures.pythonMessages()
    let data = try Fixtures.bytes(dir.appendingPathComponent("zip_cp936.eml"))
    let few = try MailMessage.parse(data, limits: MailLimits(maxZipEntries: 2))
    XCTAssertEqual(few.problems.map(\.code), [.archiveTooLarge])
    XCTAssertEqual(few.attachments.map(\.kind), [.unsupported(.tooLarge)])
    let small = try MailMessage.parse(data, limits: MailLimits(maxZipInflatedBytes: 700))
    XCTAssertTrue(small.problems.contains { $0.code == .archiveTooLarge }, "\(small.problems)")
  }

  func testSignedMessageSignatureIsNotAnAttachment() throws {
    let signed = b("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n\r\n--s\r\n")
      + attachment(gbkName, base64Lines(csv)) + b("\r\n--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n")
      + b("Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n--s--\r\n")
    let m = try MailMessage.parse(message([signed]))
    XCTAssertEqual(m.attachments.map(\.fileName), ["执法人员培训学时台账.csv"])
  }

  func testDuplicateAndHostileNamesAreSanitisedAndUnique() throws {
    let m = try MailMessage.parse(message([
      attachment(b("../../etc/passwd.csv"), base64Lines(csv)),
      attachment(b("..\\..\\passwd.csv"), base64Lines(csv)),
      attachment(b("=?UTF-8?B?Li4vLi7lj7DotKYuY3N2?="), base64Lines(csv)),  // ../..台账.csv
    ]))
    XCTAssertEqual(m.attachments.map(\.fileName), ["passwd.csv", "passwd (2).csv", "台账.csv"])
  }

  func testAddressForms() {
    let list = MailAddress.parseList(b(
      "\"=?gb2312?B?ztrJ88bsxanEwb7W?=\" <a@x.cn>, =?UTF-8?Q?=E5=8F=B8=E6=B3=95=E5=B1=80?= <sfj@x.cn>, plain@x.cn (张三), "
        + "\"Li, Si\" <li@x.cn>, 部门: c@x.cn, d@x.cn;"))
    XCTAssertEqual(list.map(\.address), ["a@x.cn", "sfj@x.cn", "plain@x.cn", "li@x.cn", "c@x.cn", "d@x.cn"])
    XCTAssertEqual(list[1].name, "司法局")
    XCTAssertEqual(list[2].name, "张三")
    XCTAssertEqual(list[3].name, "Li, Si")
    XCTAssertEqual(list[0].name, "乌审旗农牧局")
  }

  func testHeaderFoldingAndProvenance() throws {
    let raw = b("Subject: =?UTF-8?B?5YWz5LqO?=\r\n =?UTF-8?B?5oql6YCB?=\r\nX-Other: 1\r\nIn-Reply-To: <a@b>\r\nReferences: <x@y>\r\n\t<a@b>\r\n\r\nbody")
    let m = try MailMessage.parse(raw)
    XCTAssertEqual(m.subject, "关于报送")
    XCTAssertEqual(m.headers["subject"]?.raw, b("Subject: =?UTF-8?B?5YWz5LqO?=\r\n =?UTF-8?B?5oql6YCB?=\r\n"))
    XCTAssertEqual(m.headers.raw, Array(raw.prefix(raw.count - 6)))
    XCTAssertEqual(m.inReplyTo, ["a@b"])
    XCTAssertEqual(m.references, ["x@y", "a@b"])
    XCTAssertEqual(m.textBody, "body")
  }

  func testCorruptBase64TextBodyIsAProblemOfThePart() throws {
    let body = b("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n5Z+5!!")
    let m = try MailMessage.parse(message([body, attachment(gbkName, base64Lines(csv))]))
    XCTAssertNil(m.textBody)
    XCTAssertEqual(m.problems.map(\.code), [.invalidBase64])
    XCTAssertNil(m.problems[0].fileName)
    XCTAssertTrue(m.problems[0].chinese.contains("第 1 部分"), m.problems[0].chinese)
    XCTAssertEqual(m.attachments.first?.bytes, csv)
  }

  func testBoundaryHoldingALineBreakMatchesNothing() throws {
    let raw = b("Content-Type: multipart/mixed; boundary*=UTF-8''a%0Ab\r\n\r\n--a\nb\r\nx\r\n--a\nb--\r\n")
    let m = try MailMessage.parse(raw)
    XCTAssertEqual(m.problems.map(\.code), [.missingBoundary])
  }

  func testParsesFromARawBuffer() throws {
    let bytes = message([attachment(gbkName, base64Lines(csv))])
    let m = try bytes.withUnsafeBytes { try MailMessage.parse($0) }
    XCTAssertEqual(m.attachments.first?.fileName, "执法人员培训学时台账.csv")
    XCTAssertThrowsError(try bytes.withUnsafeBytes { try MailMessage.parse($0, limits: MailLimits(maxMessageBytes: 10)) })
  }

  func testZipUnicodePathExtraFieldWinsOverTheStoredName() throws {
    var zip = ZIPBuilder()
    let stored = hex("d6b4b7a8c8cbd4b1") + b(".csv")  // 执法人员 in GBK
    zip.add(name: stored, data: csv, extra: ZIPBuilder.unicodePath("执法人员培训学时台账.csv", for: stored))
    let other = b("a.csv")
    zip.add(name: other, data: csv, extra: ZIPBuilder.unicodePath("wrong.csv", for: other, crc: 1))  // stale: ignored
    let m = try MailMessage.parse(message([attachment(b("台账.zip"), base64Lines(zip.finish()))]))
    XCTAssertEqual(m.attachments.map(\.fileName), ["执法人员培训学时台账.csv", "a.csv"])
    XCTAssertEqual(m.attachments.map(\.bytes), [csv, csv])
  }

  func testRawGBKSubjectInlinePDFAndDeliveryReports() throws {
    var raw = b("Subject: ") + hex("c5e0d1b5d1a7cab1") + b("\r\nContent-Type: multipart/report; boundary=r\r\n\r\n--r\r\n")
    raw += b("Content-Type: application/pdf; name=scan.pdf\r\nContent-Disposition: inline\r\n\r\n%PDF-1.4\r\n--r\r\n")
    raw += b("Content-Type: message/delivery-status\r\n\r\nAction: failed\r\n--r--\r\n")
    let m = try MailMessage.parse(raw)
    XCTAssertEqual(m.subject, "培训学时")
    XCTAssertEqual(m.attachments.map(\.fileName), ["scan.pdf"])
    XCTAssertEqual(m.attachments.map(\.kind), [.coverLetter])
  }

  func testLargeAttachmentIsLinear() throws {
    var rng = SplitMix64(seed: 5)
    let data = (0..<(4 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let raw = message([attachment(b("big.xlsx"), base64Lines(data))])
    let start = DispatchTime.now().uptimeNanoseconds
    let m = try MailMessage.parse(raw)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    XCTAssertEqual(m.attachments.first?.bytes, data)
    XCTAssertLessThan(seconds, 20, "a 5.7 MB message took \(seconds) s")
    print("parsed \(raw.count) bytes in \(seconds) s")
  }
}

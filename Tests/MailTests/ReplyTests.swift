import Foundation
import Tabular
import XCTest

@testable import Mail

/// Replies written by `ReplyMessage`, read back by Python's `email` package and by our own parser.
final class ReplyTests: XCTestCase {
  let bureau = MailAddress(name: "乌审旗司法局行政执法协调监督股", address: "sfj@wsq.gov.cn")
  let workbook: [UInt8] = {
    var rng = SplitMix64(seed: 42)
    return [0x50, 0x4B, 0x03, 0x04] + (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
  }()
  let resultName = "乌审旗农牧局_执法人员培训学时台账_2023年度_校验结果（共3处错误，请按问题清单逐项修改后重新报送）.xlsx"

  func original() throws -> MailMessage {
    try MailMessage.parse(b("""
      From: =?UTF-8?B?5LmM5a6h5peX5Yac54mn5bGA?= <nmj@wsq.gov.cn>\r
      To: sfj@wsq.gov.cn\r
      Subject: =?UTF-8?B?5oql6YCB5Z+56K6t5a2m5pe25Y+w6LSm?=\r
      Message-ID: <orig-2@wsq.gov.cn>\r
      References: <orig-0@wsq.gov.cn> <orig-1@wsq.gov.cn>\r
      \r
      hi\r

      """))
  }

  func reply(_ encoding: ReplyMessage.BodyEncoding) throws -> ReplyMessage {
    let o = try original()
    var r = ReplyMessage(
      replyingTo: o, from: bureau, subject: "【校验未通过，请修改后重新报送】" + (o.subject ?? ""),
      textBody: "乌审旗农牧局：\n\n您报送的《执法人员培训学时台账》有 3 处错误，详见附件。\n请修改后重新报送。\n"
        + String(repeating: "行政裁量权基准 ", count: 30) + "\n",
      htmlBody: "<html><body><p>乌审旗农牧局：</p><p>您报送的《执法人员培训学时台账》有 <b>3</b> 处错误。</p></body></html>",
      attachments: [ReplyAttachment(fileName: resultName, contentType: ReplyAttachment.xlsxType, bytes: workbook),
                    ReplyAttachment(fileName: "问题清单.csv", contentType: "text/csv", bytes: b("序号,问题\r\n1,合计学时不等于之和\r\n"))],
      date: MailDate(secondsSince1970: 1_690_300_000, utcOffsetMinutes: 480), bodyEncoding: encoding)
    r.cc = [MailAddress(name: "Zhang San", address: "zs@wsq.gov.cn")]
    return r
  }

  func render(_ r: ReplyMessage) -> [UInt8] {
    var rng = SplitMix64(seed: 1)
    return r.render(using: &rng)
  }

  func testThreadingHeaders() throws {
    let r = try reply(.base64)
    XCTAssertEqual(r.to, [MailAddress(name: "乌审旗农牧局", address: "nmj@wsq.gov.cn")])
    XCTAssertEqual(r.inReplyTo, "orig-2@wsq.gov.cn")
    XCTAssertEqual(r.references, ["orig-0@wsq.gov.cn", "orig-1@wsq.gov.cn", "orig-2@wsq.gov.cn"])
    XCTAssertTrue(r.messageID.hasSuffix("@wsq.gov.cn"))
    XCTAssertNotEqual(r.messageID, try reply(.base64).messageID, "a fresh Message-ID each time")
  }

  func testLinesAreShortCRLFAndWordsAtMost75() throws {
    for enc in [ReplyMessage.BodyEncoding.base64, .quotedPrintable] {
      let bytes = render(try reply(enc))
      XCTAssertTrue(bytes.allSatisfy { $0 < 0x80 }, "7-bit only")
      var lineStart = 0
      for (i, c) in bytes.enumerated() {
        if c == ASCII.lf {
          XCTAssertGreaterThan(i, 0)
          XCTAssertEqual(bytes[i - 1], ASCII.cr, "bare LF at \(i)")
          XCTAssertLessThanOrEqual(i - 1 - lineStart, 76, "line: \(utf8String(bytes[lineStart..<i]))")
          lineStart = i + 1
        } else if c == ASCII.cr {
          XCTAssertEqual(i + 1 < bytes.count ? bytes[i + 1] : 0, ASCII.lf, "bare CR at \(i)")
        }
      }
      // Every encoded word is at most 75 characters and decodes on its own (no split characters).
      let text = utf8String(bytes)
      var rest = text[...]
      var words = 0
      while let start = rest.range(of: "=?UTF-8?B?") {
        let after = rest[start.upperBound...]
        let end = try XCTUnwrap(after.range(of: "?="))
        let word = text[start.lowerBound..<end.upperBound]
        XCTAssertLessThanOrEqual(word.count, 75, String(word))
        let payload = try XCTUnwrap(Base64.decode(b(String(after[..<end.lowerBound]))[...]))
        XCTAssertNotNil(String(validating: payload, as: UTF8.self), "word \(word) splits a character")
        words += 1
        rest = text[end.upperBound...]
      }
      XCTAssertGreaterThan(words, 8)
    }
  }

  func testOwnParserReadsTheReply() throws {
    for enc in [ReplyMessage.BodyEncoding.base64, .quotedPrintable] {
      let r = try reply(enc)
      let m = try MailMessage.parse(render(r))
      XCTAssertEqual(m.subject, "【校验未通过，请修改后重新报送】报送培训学时台账")
      XCTAssertEqual(m.from, bureau)
      XCTAssertEqual(m.to, r.to)
      XCTAssertEqual(m.cc, r.cc)
      XCTAssertEqual(m.messageID, r.messageID)
      XCTAssertEqual(m.inReplyTo, ["orig-2@wsq.gov.cn"])
      XCTAssertEqual(m.references, r.references)
      XCTAssertEqual(m.date, r.date)
      XCTAssertEqual(m.textBody?.replacing("\r\n", with: "\n"), r.textBody)
      XCTAssertEqual(m.htmlBody?.replacing("\r\n", with: "\n"), r.htmlBody)
      // The reader keeps the long name for display and caps the one for paths at 120 bytes.
      XCTAssertEqual(m.attachments.map(\.originalName), [resultName, "问题清单.csv"])
      XCTAssertEqual(m.attachments.map(\.fileName), [FileNames.sanitise(resultName), "问题清单.csv"])
      XCTAssertEqual(m.attachments.first?.contentType, ReplyAttachment.xlsxType)
      XCTAssertEqual(m.attachments.first?.bytes, workbook)
      XCTAssertEqual(m.problems, [])
      XCTAssertEqual(m.headers["auto-submitted"]?.text, "auto-replied")
    }
  }

  func testPythonReadsTheReply() throws {
    _ = try MailPython.require()
    let dir = try Fixtures.temporaryDirectory()
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    let script = """
      import email, email.policy, json, sys, base64
      out = {}
      for path in sys.argv[1:]:
          m = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.default)
          atts = []
          for a in m.iter_attachments():
              atts.append({'name': a.get_filename(), 'type': a.get_content_type(),
                           'data': base64.b64encode(a.get_content() if a.get_content_maintype() != 'text'
                                                    else a.get_payload(decode=True)).decode()})
          defects = []
          for part in m.walk():
              defects += [type(d).__name__ for d in part.defects]
              for k, v in part.items():
                  defects += [type(d).__name__ + ':' + k for d in getattr(v, 'defects', [])
                              if type(d).__name__ != 'InvalidHeaderDefect' or k.lower() not in ('content-type', 'content-disposition')]
          out[path] = {
              'subject': str(m['subject']), 'from_name': m['from'].addresses[0].display_name,
              'from_addr': m['from'].addresses[0].addr_spec, 'to_name': m['to'].addresses[0].display_name,
              'to_addr': m['to'].addresses[0].addr_spec, 'cc_name': m['cc'].addresses[0].display_name,
              'in_reply_to': str(m['in-reply-to']), 'references': str(m['references']),
              'message_id': str(m['message-id']), 'date': m['date'].datetime.isoformat(),
              'text': m.get_body(('plain',)).get_content(), 'html': m.get_body(('html',)).get_content(),
              'attachments': atts, 'defects': defects}
      print(json.dumps(out, ensure_ascii=False))
      """
    var paths: [String] = []
    var replies: [ReplyMessage] = []
    for enc in [ReplyMessage.BodyEncoding.base64, .quotedPrintable] {
      let r = try reply(enc)
      let path = dir.appendingPathComponent("reply-\(paths.count).eml").path
      try Data(render(r)).write(to: URL(fileURLWithPath: path))
      paths.append(path)
      replies.append(r)
    }
    let json = try MailPython.run(code: script, paths)
    let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String: Any]])
    for (path, r) in zip(paths, replies) {
      let p = try XCTUnwrap(all[path])
      XCTAssertEqual(p["subject"] as? String, "【校验未通过，请修改后重新报送】报送培训学时台账")
      XCTAssertEqual(p["from_name"] as? String, "乌审旗司法局行政执法协调监督股")
      XCTAssertEqual(p["from_addr"] as? String, "sfj@wsq.gov.cn")
      XCTAssertEqual(p["to_name"] as? String, "乌审旗农牧局")
      XCTAssertEqual(p["to_addr"] as? String, "nmj@wsq.gov.cn")
      XCTAssertEqual(p["cc_name"] as? String, "Zhang San")
      XCTAssertEqual(p["in_reply_to"] as? String, "<orig-2@wsq.gov.cn>")
      XCTAssertEqual(p["references"] as? String, "<orig-0@wsq.gov.cn> <orig-1@wsq.gov.cn> <orig-2@wsq.gov.cn>")
      XCTAssertEqual(p["message_id"] as? String, "<\(r.messageID)>")
      XCTAssertEqual(p["date"] as? String, "2023-07-25T23:46:40+08:00")
      XCTAssertEqual((p["text"] as? String)?.replacing("\r\n", with: "\n"), r.textBody)
      XCTAssertEqual((p["html"] as? String)?.replacing("\r\n", with: "\n").trimmingCharacters(in: .newlines), r.htmlBody)
      let atts = try XCTUnwrap(p["attachments"] as? [[String: Any]])
      XCTAssertEqual(atts.map { $0["name"] as? String }, [resultName, "问题清单.csv"])
      XCTAssertEqual(atts.first?["type"] as? String, ReplyAttachment.xlsxType)
      XCTAssertEqual((atts.first?["data"] as? String).flatMap { Base64.decode(b($0)[...]) }, workbook)
      XCTAssertEqual((atts.last?["data"] as? String).flatMap { Base64.decode(b($0)[...]) }, b("序号,问题\r\n1,合计学时不等于之和\r\n"))
      XCTAssertEqual(p["defects"] as? [String], [], "Python found defects")
    }
  }

  func testNamesPythonReadsInEveryField() throws {
    // Each name form on its own, so a failure says which one Python misread.
    _ = try MailPython.require()
    let dir = try Fixtures.temporaryDirectory()
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    let names = ["乌审旗市场监督管理局_行政裁量权基准_校验结果.xlsx", "a\"b;c 台账.xlsx", "plain-ascii name.xlsx",
                 String(repeating: "规范性文件清理目录", count: 6) + ".xlsx"]
    var paths: [String] = []
    for (k, n) in names.enumerated() {
      let r = ReplyMessage(from: bureau, to: [MailAddress(name: "乌审旗市场监督管理局（法制股）", address: "scj@wsq.gov.cn")],
                           subject: "【已接收】" + n, textBody: "已接收。",
                           attachments: [ReplyAttachment(fileName: n, contentType: ReplyAttachment.xlsxType, bytes: [1, 2, 3])])
      let path = dir.appendingPathComponent("n\(k).eml").path
      try Data(r.render()).write(to: URL(fileURLWithPath: path))
      paths.append(path)
    }
    let out = try MailPython.run(code: """
      import email, email.policy, json, sys
      res = []
      for p in sys.argv[1:]:
          m = email.message_from_bytes(open(p, 'rb').read(), policy=email.policy.default)
          a = next(m.iter_attachments())
          res.append([str(m['subject']), m['to'].addresses[0].display_name, a.get_filename(), a['content-type'].params.get('name')])
      print(json.dumps(res, ensure_ascii=False))
      """, paths)
    let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String]])
    for (n, row) in zip(names, rows) {
      let safe = FileNames.sanitise(n, maxBytes: .max)
      XCTAssertEqual(row, ["【已接收】" + n, "乌审旗市场监督管理局（法制股）", safe, safe])
    }
  }
}

import Foundation
import Tabular
import XCTest

@testable import Mail

/// Random mutations of real messages never crash the parser, never hang it, and never produce an
/// unsafe file name.
final class MutationTests: XCTestCase {
  /// A message with a bit of everything, written by hand (so the test runs without Python too).
  static let seedMessage: [UInt8] = {
    var book = ZIPBuilder()
    book.add(name: b("[Content_Types].xml"), data: b("<Types/>"))
    book.add(name: b("xl/workbook.xml"), data: b("<workbook/>"))
    let workbook = book.finish()
    var zip = ZIPBuilder()
    zip.add(name: hex("d6b4b7a8c8cbd4b1c5e0d1b5d1a7cab1cca8d5cb2e637376"), data: b("序号,姓名\r\n1,张三\r\n"))  // GBK name
    zip.add(name: b("报送函.pdf"), data: b("%PDF-1.4\n%%EOF\n"), flags: 0x800)
    let zipBytes = zip.finish()
    let inner = b("From: =?gbk?B?ztrJ88bsxanEwb7W?= <nmj@wsq.gov.cn>\r\nSubject: =?UTF-8?Q?=E5=9F=B9=E8=AE=AD?=\r\n")
      + b("Content-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n转发\r\n")
      + b("--in\r\nContent-Type: application/zip; name*=UTF-8''%E5%8F%B0%E8%B4%A6.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n")
      + Base64.encodeLines(zipBytes) + b("--in--\r\n")
    return b("""
      From: "=?gb2312?B?ztrJ88bsytCzobzgtr253MDtvtY=?=" <scjgj@wsq.gov.cn>\r
      To: =?UTF-8?B?5Y+45rOV5bGA?= <sfj@wsq.gov.cn>, other@x.cn\r
      Subject: =?GBK?B?udjT2rGoy83F4NG10afKsQ==?=\r
       =?UTF-8?Q?=E5=8F=B0=E8=B4=A6?=\r
      Date: Tue, 25 Jul 2023 09:30:00 +0800\r
      Message-ID: <abc@wsq.gov.cn>\r
      MIME-Version: 1.0\r
      Content-Type: multipart/mixed; boundary="==outer=="\r
      \r
      --==outer==\r
      Content-Type: multipart/alternative; boundary=alt\r
      \r
      --alt\r
      Content-Type: text/plain; charset=gbk\r
      Content-Transfer-Encoding: quoted-printable\r
      \r
      =C7=EB=B2=E9=CA=D5\r
      --alt\r
      Content-Type: multipart/related; boundary=rel\r
      \r
      --rel\r
      Content-Type: text/html; charset=utf-8\r
      \r
      <img src="cid:logo">\r
      --rel\r
      Content-Type: image/png\r
      Content-ID: <logo>\r
      Content-Transfer-Encoding: base64\r
      \r
      iVBORw0KGgo=\r
      --rel--\r
      --alt--\r
      --==outer==\r
      Content-Type: application/octet-stream; name="=?GBK?B?xeDRtQ==?= =?GBK?B?0afKsS54bHN4?="\r
      Content-Disposition: attachment; filename*0*=GBK''%C5%E0; filename*1*=%D1%B5.xlsx\r
      Content-Transfer-Encoding: base64\r
      \r

      """) + Base64.encodeLines(workbook) + b("--==outer==\r\nContent-Type: message/rfc822\r\n\r\n") + inner
      + b("\r\n--==outer==--\r\n")
  }()

  func testSeedMessageParses() throws {
    let m = try MailMessage.parse(Self.seedMessage)
    XCTAssertEqual(m.subject, "关于报送培训学时台账")
    XCTAssertEqual(m.textBody, "请查收")
    XCTAssertEqual(m.htmlBody, "<img src=\"cid:logo\">")
    XCTAssertEqual(m.attachments.map(\.fileName), ["培训.xlsx", "执法人员培训学时台账.csv", "报送函.pdf"])
    XCTAssertEqual(m.attachments.map(\.kind), [.spreadsheet(.xlsx), .spreadsheet(.csv), .coverLetter])
    XCTAssertEqual(m.attachments.map(\.forwardDepth), [0, 1, 1])
    XCTAssertEqual(m.attachments[1].archivePath, ["台账.zip", "执法人员培训学时台账.csv"])
    XCTAssertEqual(m.attachments[1].bytes, b("序号,姓名\r\n1,张三\r\n"))
    XCTAssertEqual(m.forwarded.first?.from?.name, "乌审旗农牧局")
    XCTAssertEqual(m.from?.name, "乌审旗市场监督管理局")
    XCTAssertEqual(m.problems, [])
  }

  func testRandomMutationsNeverCrashOrHang() throws {
    var seeds: [[UInt8]] = [Self.seedMessage]
    if MailPython.python.path != nil {
      let dir = try Fixtures.pythonMessages()
      for name in ["outlook_gbk", "mail163", "zip_cp936"] {
        seeds.append(try Fixtures.bytes(dir.appendingPathComponent(name + ".eml")))
      }
    }
    let tokens: [[UInt8]] = [b("\r\n"), b("\n"), b("--"), b("--==outer=="), b("--alt--"), b("=?"), b("?="), b("=?GBK?B?"),
                             b("\r\n\r\n"), b("Content-Type: multipart/mixed; boundary=x\r\n"), b("*0*="), b("'"), b("\""),
                             b("<"), b(">"), b("("), b("="), b("%"), b("PK\u{3}\u{4}"), [0], [0xFF], [0x81, 0x30]]
    var rng = SplitMix64(seed: 2026)
    var slowest = 0.0
    for round in 0..<360 {
      var m = seeds[round % seeds.count]
      for _ in 0..<Int.random(in: 1...12, using: &rng) {
        guard !m.isEmpty else { break }
        let at = Int.random(in: 0..<m.count, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: m[at] = UInt8.random(in: 0...255, using: &rng)
        case 1: m.insert(contentsOf: tokens[Int.random(in: 0..<tokens.count, using: &rng)], at: at)
        case 2: m.removeSubrange(at..<min(m.count, at + Int.random(in: 1...200, using: &rng)))
        case 3:
          let end = min(m.count, at + Int.random(in: 1...400, using: &rng))
          m.insert(contentsOf: Array(m[at..<end]), at: Int.random(in: 0...m.count, using: &rng))
        case 4: m.removeSubrange(at...)  // truncation
        default: m[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        }
      }
      let start = DispatchTime.now().uptimeNanoseconds
      do {
        let parsed = try MailMessage.parse(m)
        for a in parsed.attachments {
          let n = a.fileName
          XCTAssertFalse(n.isEmpty)
          XCTAssertFalse(n.contains("/") || n.contains("\\") || n.contains("\u{0}") || n.hasPrefix("."), n)
          XCTAssertFalse(n.unicodeScalars.contains { $0.value < 0x20 }, n)
          XCTAssertLessThanOrEqual(n.utf8.count, FileNames.maxBytes)
        }
        XCTAssertEqual(Set(parsed.attachments.map { $0.fileName.lowercased() }).count, parsed.attachments.count, "unique names")
      } catch {
        XCTAssertEqual(error.code, .emptyMessage)
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      slowest = max(slowest, seconds)
      XCTAssertLessThan(seconds, 2.0, "round \(round) took \(seconds) s")
    }
    print("slowest mutated parse: \(slowest) s")
  }

  func testPathologicalInputsStayLinear() throws {
    let cases: [[UInt8]] = [
      b("Subject: ") + Array(repeating: b("=?"), count: 100_000).flatMap { $0 } + b("\r\n\r\n"),
      b("Subject: ") + Array(repeating: b("=?utf-8?B?"), count: 20_000).flatMap { $0 } + b("\r\n\r\n"),
      b("To: ") + Array(repeating: ASCII.lt, count: 200_000) + b("\r\n\r\n"),
      b("References: ") + Array(repeating: ASCII.lt, count: 200_000) + b("\r\n\r\n"),
      b("Content-Type: multipart/mixed; boundary=a\r\n\r\n") + Array(repeating: b("--a\r\n"), count: 50_000).flatMap { $0 },
      b("Content-Type: text/plain; ") + Array(repeating: b("a*1*=b;"), count: 50_000).flatMap { $0 } + b("\r\n\r\nx"),
      Array(repeating: b("X: y\r\n"), count: 100_000).flatMap { $0 },
    ]
    for (k, c) in cases.enumerated() {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = try MailMessage.parse(c)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      XCTAssertLessThan(seconds, 5.0, "case \(k) took \(seconds) s")
    }
  }
}

/// A minimal stored ZIP writer for tests that need exact names (any bytes, UTF-8 flag off).
struct ZIPBuilder {
  private var body: [UInt8] = []
  private var central: [UInt8] = []
  private var count = 0

  private static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
  private static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * UInt32($0)) & 0xFF) } }

  static func crc32(_ data: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for byte in data {
      c ^= UInt32(byte)
      for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
    }
    return ~c
  }

  mutating func add(name: [UInt8], data: [UInt8], flags: Int = 0, extra: [UInt8] = []) {
    let offset = UInt32(body.count)
    let crc = ZIPBuilder.crc32(data)
    let size = ZIPBuilder.le32(UInt32(data.count))
    body += [0x50, 0x4B, 0x03, 0x04] + ZIPBuilder.le16(20) + ZIPBuilder.le16(flags) + ZIPBuilder.le16(0) + [0, 0, 0x21, 0]
    body += ZIPBuilder.le32(crc) + size + size + ZIPBuilder.le16(name.count) + ZIPBuilder.le16(extra.count) + name + extra + data
    central += [0x50, 0x4B, 0x01, 0x02] + ZIPBuilder.le16(20) + ZIPBuilder.le16(20) + ZIPBuilder.le16(flags) + ZIPBuilder.le16(0)
    central += [0, 0, 0x21, 0] + ZIPBuilder.le32(crc) + size + size + ZIPBuilder.le16(name.count)
    central += ZIPBuilder.le16(0) + ZIPBuilder.le16(0) + ZIPBuilder.le16(0) + ZIPBuilder.le16(0) + ZIPBuilder.le32(0)
    central += ZIPBuilder.le32(offset) + name
    count += 1
  }

  /// An Info-ZIP Unicode Path extra field (0x7075) for `stored`, naming it `unicode`.
  static func unicodePath(_ unicode: String, for stored: [UInt8], crc: UInt32? = nil) -> [UInt8] {
    let u = Array(unicode.utf8)
    return le16(0x7075) + le16(5 + u.count) + [1] + le32(crc ?? crc32(stored)) + u
  }

  func finish() -> [UInt8] {
    body + central + [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0] + ZIPBuilder.le16(count) + ZIPBuilder.le16(count)
      + ZIPBuilder.le32(UInt32(central.count)) + ZIPBuilder.le32(UInt32(body.count)) + ZIPBuilder.le16(0)
  }
}

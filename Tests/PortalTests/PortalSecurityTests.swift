import Batch
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Portal
import Store
import XCTest
import XLSXReader

/// The portal over HTTP (Hummingbird's router test client): the agency pages, uploads into the store that
/// `sheetgate run` uses, and each security point of the issue with a test of its own.
final class PortalSecurityTests: XCTestCase {
  /// A portal over a fresh folder with fast KDF parameters for the admin password `geheim-2023`.
  func makePortal(_ serve: (inout BatchConfig.Serve) -> Void = { _ in }) throws -> (Portal, String) {
    let root = try PortalFixtures.folder(self)
    let portal = try Portal(config: PortalFixtures.config(root, serve: serve))
    addTeardownBlock { portal.shutdown() }
    var fast = PortalSecurity.KDFParameters()
    fast.rounds = 1 << 10
    try portal.setAdminPassword("geheim-2023", parameters: fast)
    return (portal, root)
  }

  func token(_ portal: Portal, _ agency: String) throws -> String {
    let link = try XCTUnwrap(try portal.links().first { $0.agency == agency }?.link)
    return String(link.split(separator: "/").last!)
  }

  // MARK: The path of an upload

  func testUploadIsValidatedReportedAndStoredLikeMail() async throws {
    let (portal, _) = try makePortal()
    let token = try token(portal, "乌审旗综合行政执法局")
    let app = portal.application()
    try await app.test(.router) { client in
      let page = try await client.execute(uri: "/a/\(token)", method: .get)
      XCTAssertEqual(page.status, .ok)
      let html = String(buffer: page.body)
      XCTAssertTrue(html.contains("执法人员培训学时台账"), html)
      XCTAssertTrue(html.contains("未报送"))
      XCTAssertTrue(html.contains("身份证号"), "the schema's columns are offered")

      let r = try await client.upload(token: token, files: [("综合执法局培训台账.xlsx", try PortalFixtures.bytes(PortalFixtures.valid))])
      XCTAssertEqual(r.status, .ok)
      let result = String(buffer: r.body)
      XCTAssertTrue(result.contains("校验通过"), result)
      XCTAssertTrue(result.contains("已通过"))
      // The same record kind as a mailed attachment: a submission under the link's agency, with the filer's name.
      let subs = try portal.desk.store.allSubmissions()
      XCTAssertEqual(subs.count, 1)
      XCTAssertEqual(subs[0].agency, "乌审旗综合行政执法局")
      XCTAssertEqual(subs[0].fileName, "综合执法局培训台账.xlsx")
      XCTAssertEqual(subs[0].status, .valid)
      XCTAssertEqual(subs[0].period, "2023")
      let uploads = try portal.desk.store.uploads(agency: "乌审旗综合行政执法局")
      XCTAssertEqual(uploads.count, 1)
      // The receipt downloads from the agency's link.
      let dl = try await client.execute(uri: "/a/\(token)/report/\(uploads[0].ref)", method: .get)
      XCTAssertEqual(dl.status, .ok)
      XCTAssertEqual(Array(Array(buffer: dl.body).prefix(2)), [0x50, 0x4B])
      XCTAssertTrue(dl.headers[.contentDisposition]?.contains("filename*=UTF-8''") ?? false)
    }
  }

  /// The agency page offers `sheetgate template`'s workbook, marked with the link's agency and the collection's
  /// period, so that what comes back is recognised by its marker.
  func testTemplateDownloadIsMarkedForTheAgency() async throws {
    let (portal, root) = try makePortal()
    let token = try token(portal, "乌审旗综合行政执法局")
    let app = portal.application()
    try await app.test(.router) { client in
      let page = String(buffer: try await client.execute(uri: "/a/\(token)", method: .get).body)
      XCTAssertTrue(page.contains("/a/\(token)/template/0"), page)
      let dl = try await client.execute(uri: "/a/\(token)/template/0", method: .get)
      XCTAssertEqual(dl.status, .ok)
      let path = root + "/template.xlsx"
      try Data(Array(buffer: dl.body)).write(to: URL(fileURLWithPath: path))
      let wb = try Workbook(path: path)
      XCTAssertEqual(wb.customProperties["sheetgate.schema"], "training-hours")
      XCTAssertEqual(wb.customProperties["sheetgate.agency"], "乌审旗综合行政执法局")
      XCTAssertEqual(wb.customProperties["sheetgate.period"], "2023")
      XCTAssertTrue(wb.sheets.contains { $0.name == "填表说明" }, "\(wb.sheets.map(\.name))")
      let other = try await client.execute(uri: "/a/\(String(repeating: "0", count: 32))/template/0", method: .get)
      XCTAssertEqual(other.status, .notFound)
    }
  }

  func testInvalidUploadShowsEachFindingWithItsCell() async throws {
    let (portal, _) = try makePortal()
    let token = try token(portal, "乌审旗市场监督管理局")
    try await portal.application().test(.router) { client in
      let r = try await client.upload(token: token, files: [("市场监管局.xlsx", try PortalFixtures.bytes(PortalFixtures.invalid))])
      let html = String(buffer: r.body)
      XCTAssertTrue(html.contains("有错误"), html)
      XCTAssertTrue(html.contains("E5"), "the cell of the lost-precision ID number is named")
      XCTAssertTrue(html.contains("下载标注了问题的工作簿"))
      let u = try XCTUnwrap(try portal.desk.store.uploads(agency: "乌审旗市场监督管理局").first)
      XCTAssertEqual(u.status, "invalid")
      XCTAssertGreaterThan(u.errors, 0)
      let dl = try await client.execute(uri: "/a/\(token)/report/\(u.ref)", method: .get)
      XCTAssertEqual(dl.status, .ok)
      XCTAssertGreaterThan(dl.body.readableBytes, 1000)
    }
  }

  // MARK: Tokens

  func testTokensAreRandom128BitAndUnknownOrRevokedOnesSeeNothing() async throws {
    let (portal, _) = try makePortal()
    let links = try portal.links()
    let tokens = links.map { String($0.link.split(separator: "/").last!) }
    XCTAssertEqual(Set(tokens).count, tokens.count)
    for t in tokens { XCTAssertEqual(t.count, 32); XCTAssertTrue(t.allSatisfy(\.isHexDigit)) }
    // Running `links` again keeps the links.
    XCTAssertEqual(try portal.links().map(\.link), links.map(\.link))
    let token = tokens[0]
    var chars = Array(token)
    chars[31] = chars[31] == "0" ? "1" : "0"
    let wrong = String(chars)
    try await portal.application().test(.router) { client in
      let bad = try await client.execute(uri: "/a/\(wrong)", method: .get)
      XCTAssertEqual(bad.status, .notFound)
      XCTAssertFalse(String(buffer: bad.body).contains(links[0].agency))
      let status1 = try await client.execute(uri: "/a/\(token)", method: .get).status
      XCTAssertEqual(status1, .ok)
      try portal.revoke(agency: links[0].agency)
      let status2 = try await client.execute(uri: "/a/\(token)", method: .get).status
      XCTAssertEqual(status2, .notFound)
      let upload = try await client.upload(token: token, files: [("a.xlsx", try PortalFixtures.bytes(PortalFixtures.valid))], csrf: "x")
      XCTAssertEqual(upload.status, .notFound)
    }
    XCTAssertTrue(try portal.desk.store.allSubmissions().isEmpty)
    // A new link after revocation.
    let again = try XCTUnwrap(try portal.links().first { $0.agency == links[0].agency })
    XCTAssertNotEqual(again.link, links[0].link)
  }

  func testConstantTimeComparison() {
    XCTAssertTrue(PortalSecurity.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
    XCTAssertFalse(PortalSecurity.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
    XCTAssertFalse(PortalSecurity.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
    XCTAssertFalse(PortalSecurity.constantTimeEquals([], Array("a".utf8)))
    XCTAssertTrue(PortalSecurity.constantTimeEquals([], []))
  }

  // MARK: Isolation

  func testOneAgencySeesNothingOfAnother() async throws {
    let (portal, _) = try makePortal()
    let a = try token(portal, "乌审旗市场监督管理局")
    let b = try token(portal, "乌审旗综合行政执法局")
    try await portal.application().test(.router) { client in
      _ = try await client.upload(token: a, files: [("市场监管局-机密.xlsx", try PortalFixtures.bytes(PortalFixtures.invalid))])
      let ref = try XCTUnwrap(try portal.desk.store.uploads(agency: "乌审旗市场监督管理局").first?.ref)
      let status3 = try await client.execute(uri: "/a/\(a)/report/\(ref)", method: .get).status
      XCTAssertEqual(status3, .ok)
      let status4 = try await client.execute(uri: "/a/\(b)/report/\(ref)", method: .get).status
      XCTAssertEqual(status4, .notFound)
      let pageB = String(buffer: try await client.execute(uri: "/a/\(b)", method: .get).body)
      XCTAssertFalse(pageB.contains("市场监管局-机密"))
      XCTAssertFalse(pageB.contains("乌审旗市场监督管理局"))
      // The admin pages need a session.
      let status5 = try await client.execute(uri: "/admin/report/\(ref)", method: .get).status
      XCTAssertEqual(status5, .seeOther)
      let status6 = try await client.execute(uri: "/admin", method: .get).status
      XCTAssertEqual(status6, .seeOther)
    }
  }

  // MARK: CSRF

  func testEveryFormNeedsItsCSRFToken() async throws {
    let (portal, _) = try makePortal()
    let token = try token(portal, "乌审旗综合行政执法局")
    try await portal.application().test(.router) { client in
      // Upload without a token, with another link's token, with a made-up one.
      let none = try await client.upload(token: token, files: [("a.xlsx", try PortalFixtures.bytes(PortalFixtures.valid))], csrf: "")
      XCTAssertEqual(none.status, .forbidden)
      let made = try await client.upload(token: token, files: [("a.xlsx", try PortalFixtures.bytes(PortalFixtures.valid))],
                                         csrf: String(repeating: "0", count: 32))
      XCTAssertEqual(made.status, .forbidden)
      XCTAssertTrue(try portal.desk.store.allSubmissions().isEmpty)
      // Login without the pre-session cookie's token.
      let login = try await client.execute(uri: "/admin/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                           body: ByteBuffer(string: "password=geheim-2023"))
      XCTAssertEqual(login.status, .forbidden)
      XCTAssertNil(PortalFixtures.cookie("sg_session", in: login))
      // An admin action with a session but without its token.
      let (session, _) = try await client.login(password: "geheim-2023")
      let s = try XCTUnwrap(session)
      let close = try await client.execute(uri: "/admin/collection/0", method: .post,
                                           headers: [.contentType: "application/x-www-form-urlencoded", .cookie: s], body: ByteBuffer(string: "action=close"))
      XCTAssertEqual(close.status, .forbidden)
      XCTAssertTrue(portal.collections()[0].open)
    }
  }

  // MARK: Sessions

  func testSessionCookieFlags() async throws {
    let (portal, _) = try makePortal { $0.baseURL = "https://tb.sfj.example.gov.cn" }
    try await portal.application().test(.router) { client in
      let (bad, badResponse) = try await client.login(password: "wrong-password")
      XCTAssertNil(bad)
      XCTAssertEqual(badResponse.status, .forbidden)
      let (session, r) = try await client.login(password: "geheim-2023")
      XCTAssertNotNil(session)
      XCTAssertEqual(r.status, .seeOther)
      let header = try XCTUnwrap(PortalFixtures.cookie("sg_session", in: r)?.header).lowercased()
      XCTAssertTrue(header.contains("httponly"), header)
      XCTAssertTrue(header.contains("samesite=strict"), header)
      XCTAssertTrue(header.contains("secure"), header)
      let dash = try await client.execute(uri: "/admin", method: .get, headers: [.cookie: session!])
      XCTAssertEqual(dash.status, .ok)
      // A forged session id is not one.
      let forged = try await client.execute(uri: "/admin", method: .get, headers: [.cookie: "sg_session=" + String(repeating: "a", count: 32)])
      XCTAssertEqual(forged.status, .seeOther)
      // Every page says: no caching, no referrer (links carry tokens), nothing external.
      XCTAssertEqual(dash.headers[HTTPField.Name("Referrer-Policy")!], "no-referrer")
      XCTAssertEqual(dash.headers[.cacheControl], "no-store")
      XCTAssertTrue(dash.headers[.contentSecurityPolicy]?.contains("default-src 'none'") ?? false)
    }
    // Over plain HTTP the cookie cannot be Secure (the browser would drop it).
    let (plain, _) = try makePortal()
    try await plain.application().test(.router) { client in
      let (_, r) = try await client.login(password: "geheim-2023")
      let header = try XCTUnwrap(PortalFixtures.cookie("sg_session", in: r)?.header).lowercased()
      XCTAssertFalse(header.contains("secure"), header)
      XCTAssertTrue(header.contains("httponly"))
    }
  }

  func testPasswordIsASaltedScryptHash() throws {
    // The stored form with the real cost (N = 2^15, r = 8, p = 1), then cheaper parameters for the rest.
    let real = try PortalSecurity.hashPassword("正确的密码-2023")
    XCTAssertTrue(real.hasPrefix("scrypt$32768$8$1$"), real)
    XCTAssertEqual(real.split(separator: "$").last?.count, 64, "a 32-byte key")
    var fast = PortalSecurity.KDFParameters()
    fast.rounds = 1 << 10
    let a = try PortalSecurity.hashPassword("正确的密码-2023", parameters: fast)
    let b = try PortalSecurity.hashPassword("正确的密码-2023", parameters: fast)
    XCTAssertNotEqual(a, b, "each hash has its own salt")
    XCTAssertFalse(a.contains("正确的密码"))
    XCTAssertTrue(PortalSecurity.verifyPassword("正确的密码-2023", hash: a))
    XCTAssertFalse(PortalSecurity.verifyPassword("正确的密码-2024", hash: a))
    XCTAssertFalse(PortalSecurity.verifyPassword("正确的密码-2023", hash: "scrypt$1$1$1$zz$zz"))
  }

  // MARK: Uploads: size, format, names, rate

  func testUploadCap() async throws {
    let (portal, _) = try makePortal { $0.maxUploadMB = 1 }
    let token = try token(portal, "乌审旗综合行政执法局")
    try await portal.application().test(.router) { client in
      let big = [UInt8](repeating: 0x41, count: 2 << 20)
      let r = try await client.upload(token: token, files: [("大文件.csv", big)])
      XCTAssertEqual(r.status, .contentTooLarge)
      XCTAssertTrue(String(buffer: r.body).contains("文件过大"))
    }
    XCTAssertTrue(try portal.desk.store.allSubmissions().isEmpty)
    XCTAssertTrue(try portal.desk.store.auditLog().contains { $0.action == "rejected" && $0.detail.contains("too large") })
  }

  func testFormatIsDecidedByTheBytesAndNamesNeverBecomePaths() async throws {
    let (portal, root) = try makePortal()
    let token = try token(portal, "乌审旗综合行政执法局")
    try await portal.application().test(.router) { client in
      // PDF bytes under a workbook's name: named as what they are.
      let pdf = Array("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".utf8)
      let r1 = try await client.upload(token: token, files: [("台账.xlsx", pdf)])
      XCTAssertTrue(String(buffer: r1.body).contains("无法读取"), String(buffer: r1.body))
      XCTAssertTrue(String(buffer: r1.body).contains("PDF"))
      // A workbook under a PDF's name, with a path in its name: read as a workbook, stored under a name of the server's.
      let r2 = try await client.upload(token: token, files: [("../../../etc/evil.pdf", try PortalFixtures.bytes(PortalFixtures.valid))])
      XCTAssertTrue(String(buffer: r2.body).contains("校验通过"), String(buffer: r2.body))
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/etc/evil.pdf"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: "/etc/evil.pdf"))
    let names = try FileManager.default.contentsOfDirectory(atPath: portal.folder + "/uploads")
    XCTAssertEqual(names.count, 2)
    for n in names { XCTAssertTrue(n.count == 32 && n.allSatisfy(\.isHexDigit), n) }
    let reports = try FileManager.default.contentsOfDirectory(atPath: portal.folder + "/reports")
    for n in reports { XCTAssertTrue(n.hasSuffix(".xlsx") && n.dropLast(5).allSatisfy(\.isHexDigit), n) }
    XCTAssertEqual(try portal.desk.store.uploads().map(\.fileName).sorted(), ["evil.pdf", "台账.xlsx"])
  }

  func testRateLimitPerToken() async throws {
    let (portal, _) = try makePortal { $0.uploadsPerMinute = 2 }
    let a = try token(portal, "乌审旗综合行政执法局")
    let b = try token(portal, "乌审旗司法局")
    let csv = Array("序号,姓名\n1,张三\n".utf8)
    try await portal.application().test(.router) { client in
      let status7 = try await client.upload(token: a, files: [("1.csv", csv)]).status
      XCTAssertEqual(status7, .ok)
      let status8 = try await client.upload(token: a, files: [("2.csv", csv)]).status
      XCTAssertEqual(status8, .ok)
      let third = try await client.upload(token: a, files: [("3.csv", csv)])
      XCTAssertEqual(third.status, .tooManyRequests)
      XCTAssertEqual(third.headers[.retryAfter], "60")
      // Another link has its own allowance.
      let status9 = try await client.upload(token: b, files: [("4.csv", csv)]).status
      XCTAssertEqual(status9, .ok)
    }
    XCTAssertEqual(try portal.desk.store.uploads().count, 3)
  }

  // MARK: Audit

  func testAuditLogRecordsUploadsLoginsAndDownloads() async throws {
    let (portal, _) = try makePortal()
    let token = try token(portal, "乌审旗综合行政执法局")
    try await portal.application().test(.router) { client in
      _ = try await client.upload(token: token, files: [("台账.xlsx", try PortalFixtures.bytes(PortalFixtures.valid))])
      let ref = try XCTUnwrap(try portal.desk.store.uploads().first?.ref)
      _ = try await client.execute(uri: "/a/\(token)/report/\(ref)", method: .get)
      _ = try await client.login(password: "wrong-password")
      let (session, _) = try await client.login(password: "geheim-2023")
      _ = try await client.execute(uri: "/admin/consolidated/0", method: .get, headers: [.cookie: session!])
    }
    let log = try portal.desk.store.auditLog()
    let actions = Set(log.map(\.action))
    for a in ["upload", "download", "login", "login-failed"] { XCTAssertTrue(actions.contains(a), "\(a) in \(actions)") }
    XCTAssertTrue(log.contains { $0.action == "upload" && $0.actor == "agency:乌审旗综合行政执法局" && $0.detail.contains("台账.xlsx") })
    XCTAssertTrue(log.contains { $0.action == "download" && $0.actor == "admin" && $0.detail.hasPrefix("consolidated") })
  }

  // MARK: The store

  func testStoreIsWALAndConcurrentUploadsAreEachStoredOnce() async throws {
    let (portal, _) = try makePortal { $0.uploadsPerMinute = 1000; $0.workers = 2; $0.queue = 64 }
    XCTAssertEqual(try portal.desk.store.journalMode(), "wal")
    let token = try token(portal, "乌审旗综合行政执法局")
    let base = try PortalFixtures.bytes(PortalFixtures.valid)
    try await portal.application().test(.router) { client in
      try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
        for i in 0..<12 {
          // Distinct bytes per upload: a CSV ledger with one row of its own, and the same workbook twice.
          let bytes: [UInt8] = i < 10 ? Array("序号,姓名,单位,执法证号,身份证号,职务,公共法律知识学时,行业法律知识学时,合计学时,培训方式,培训日期,备注\n1,张三\(i),乌审旗综合行政执法局,1506262100\(1000 + i),150626198811203414,队员,10,10,20,集中轮训,2023-09-01,\n".utf8) : base
          group.addTask { try await client.upload(token: token, files: [("第\(i)份.csv", bytes)]).status }
        }
        for try await s in group { XCTAssertEqual(s, .ok) }
      }
    }
    let uploads = try portal.desk.store.uploads()
    XCTAssertEqual(uploads.count, 12)
    let subs = try portal.desk.store.allSubmissions()
    // Eleven distinct files: each stored exactly once (the workbook sent twice is stored once).
    XCTAssertEqual(Set(subs.map(\.sha256)).count, 11)
    XCTAssertEqual(subs.count, 11)
    XCTAssertEqual(uploads.filter(\.alreadyStored).count, 1)
  }

  // MARK: Admin

  func testDashboardDownloadsAndClosingACollection() async throws {
    let (portal, _) = try makePortal()
    let token = try token(portal, "乌审旗综合行政执法局")
    let other = try self.token(portal, "乌审旗市场监督管理局")
    try await portal.application().test(.router) { client in
      let (session, _) = try await client.login(password: "geheim-2023")
      let s = try XCTUnwrap(session)
      var dash = String(buffer: try await client.execute(uri: "/admin", method: .get, headers: [.cookie: s]).body)
      XCTAssertFalse(dash.contains("已通过</span><br>"))
      _ = try await client.upload(token: token, files: [("台账.xlsx", try PortalFixtures.bytes(PortalFixtures.valid))])
      dash = String(buffer: try await client.execute(uri: "/admin", method: .get, headers: [.cookie: s]).body)
      XCTAssertTrue(dash.contains("已通过</span><br>"), dash)
      // Filters: only the missing ones.
      let missing = String(buffer: try await client.execute(uri: "/admin?status=%E6%9C%AA%E6%8A%A5%E9%80%81", method: .get, headers: [.cookie: s]).body)
      XCTAssertFalse(missing.contains(">乌审旗综合行政执法局</a>"))
      XCTAssertTrue(missing.contains(">乌审旗司法局</a>"))
      // Per-agency detail.
      let detail = String(buffer: try await client.execute(uri: "/admin/agency?name=\(Pages_query("乌审旗综合行政执法局"))", method: .get, headers: [.cookie: s]).body)
      XCTAssertTrue(detail.contains("台账.xlsx"))
      // Consolidated and missing workbooks.
      let cons = try await client.execute(uri: "/admin/consolidated/0", method: .get, headers: [.cookie: s])
      XCTAssertEqual(cons.status, .ok)
      XCTAssertEqual(Array(Array(buffer: cons.body).prefix(2)), [0x50, 0x4B])
      let miss = try await client.execute(uri: "/admin/missing/0", method: .get, headers: [.cookie: s])
      XCTAssertEqual(miss.status, .ok)
      // Close the collection: the agency's upload (from a page opened before) is refused, nothing new stored.
      let otherCSRF = PortalFixtures.csrf(in: String(buffer: try await client.execute(uri: "/a/\(other)", method: .get).body))
      let page = String(buffer: try await client.execute(uri: "/admin", method: .get, headers: [.cookie: s]).body)
      let csrf = try XCTUnwrap(PortalFixtures.csrf(in: page))
      let close = try await client.execute(uri: "/admin/collection/0", method: .post,
                                           headers: [.contentType: "application/x-www-form-urlencoded", .cookie: s],
                                           body: ByteBuffer(string: "csrf=\(csrf)&action=close"))
      XCTAssertEqual(close.status, .seeOther)
      XCTAssertFalse(portal.collections()[0].open)
      let before = try portal.desk.store.allSubmissions().count
      let refused = try await client.upload(token: other, files: [("晚了.xlsx", try PortalFixtures.bytes(PortalFixtures.invalid))], csrf: otherCSRF)
      XCTAssertTrue(String(buffer: refused.body).contains("收集已关闭"), String(buffer: refused.body))
      XCTAssertEqual(try portal.desk.store.allSubmissions().count, before)
    }
  }
}

func Pages_query(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

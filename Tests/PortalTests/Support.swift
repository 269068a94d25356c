import Batch
import Foundation
import Hummingbird
import HummingbirdTesting
import Portal
import XCTest

/// Paths and helpers the portal tests share.
enum PortalFixtures {
  static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let repository = testsFolder.deletingLastPathComponent().deletingLastPathComponent().path
  static let samples = repository + "/samples"
  static let roster = samples + "/本级行政执法部门名单.xlsx"
  /// Valid (no errors) and invalid (E5: an ID number typed as a number) training-hours ledgers.
  static let valid = samples + "/validate/乌审旗综合行政执法局_培训学时台账_2023.xlsx"
  static let invalid = samples + "/validate/乌审旗市场监督管理局_培训学时台账_2023.xlsx"

  static func folder(_ test: XCTestCase) throws -> String {
    let d = NSTemporaryDirectory() + "sheetgate-portal-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
    return d
  }

  static func config(_ root: String, serve: (inout BatchConfig.Serve) -> Void = { _ in }) -> BatchConfig {
    var c = BatchConfig(roster: roster, collections: [.init(schema: "training-hours", period: "2023", deadline: "2099-12-31")],
                        store: root + "/store.sqlite", output: root + "/out", outbox: root + "/outbox", state: root + "/state")
    serve(&c.serve)
    return c
  }

  static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

  /// A multipart/form-data body: the fields, then the files (field `file`).
  static func multipart(fields: [String: String], files: [(name: String, bytes: [UInt8])]) -> (String, ByteBuffer) {
    let boundary = "----sheetgate\(UUID().uuidString)"
    var body: [UInt8] = []
    for (k, v) in fields.sorted(by: { $0.key < $1.key }) {
      body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
    }
    for f in files {
      body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(f.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
      body += f.bytes + Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(bytes: body))
  }

  /// The hidden `csrf` value of a page.
  static func csrf(in html: String) -> String? {
    guard let r = html.range(of: "name=\"csrf\" value=\"") else { return nil }
    return String(html[r.upperBound...].prefix { $0 != "\"" })
  }

  /// `name=value` of a Set-Cookie header for `name`, and the whole header.
  static func cookie(_ name: String, in response: TestResponse) -> (pair: String, header: String)? {
    for h in response.headers[values: .setCookie] where h.hasPrefix(name + "=") {
      return (String(h.prefix { $0 != ";" }), h)
    }
    return nil
  }
}

extension TestClientProtocol {
  /// Uploads files through an agency's page (its form token included unless `csrf` is given).
  func upload(token: String, files: [(name: String, bytes: [UInt8])], csrf: String? = nil) async throws -> TestResponse {
    let page = try await execute(uri: "/a/\(token)", method: .get)
    let token_ = csrf ?? PortalFixtures.csrf(in: String(buffer: page.body)) ?? ""
    let (ct, body) = PortalFixtures.multipart(fields: token_.isEmpty ? [:] : ["csrf": token_], files: files)
    return try await execute(uri: "/a/\(token)/upload", method: .post, headers: [.contentType: ct], body: body)
  }

  /// Logs in; returns the session cookie pair (`sg_session=…`) or nil.
  func login(password: String) async throws -> (String?, TestResponse) {
    let page = try await execute(uri: "/admin/login", method: .get)
    let pre = PortalFixtures.cookie("sg_pre", in: page)?.pair ?? ""
    let csrf = PortalFixtures.csrf(in: String(buffer: page.body)) ?? ""
    let body = "csrf=\(csrf)&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
    let r = try await execute(uri: "/admin/login", method: .post,
                              headers: [.contentType: "application/x-www-form-urlencoded", .cookie: pre], body: ByteBuffer(string: body))
    return (PortalFixtures.cookie("sg_session", in: r)?.pair, r)
  }
}

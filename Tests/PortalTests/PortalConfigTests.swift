import Batch
import Foundation
import XCTest

/// The `serve:` section of `sheetgate run`'s configuration file.
final class PortalConfigTests: XCTestCase {
  func write(_ text: String) throws -> String {
    let d = try PortalFixtures.folder(self)
    let p = d + "/sheetgate.yaml"
    try text.write(toFile: p, atomically: true, encoding: .utf8)
    return p
  }

  func testServeSectionAndDefaults() throws {
    let p = try write("""
      roster: 名单.xlsx
      store: 台账.sqlite
      collections:
        - schema: training-hours
          period: "2023"
          deadline: 2023-08-15
      serve:
        port: 9090
        base_url: https://tb.sfj.example.gov.cn/
        uploads_per_minute: 100
        max_upload_mb: 5
      """)
    let c = try BatchConfig.load(path: p, mail: false)
    let d = (p as NSString).deletingLastPathComponent
    XCTAssertEqual(c.serve.port, 9090)
    XCTAssertEqual(c.serve.host, "127.0.0.1")
    XCTAssertEqual(c.serve.base, "https://tb.sfj.example.gov.cn")
    XCTAssertTrue(c.serve.secure, "https base: Secure cookies")
    XCTAssertEqual(c.serve.uploadsPerMinute, 100)
    XCTAssertEqual(c.serve.maxUploadMB, 5)
    XCTAssertEqual(c.state, d + "/.sheetgate")
    XCTAssertEqual(c.collections.first?.deadline, "2023-08-15")
    // `run` still needs its inbox.
    XCTAssertThrowsError(try BatchConfig.load(path: p)) { e in
      XCTAssertTrue("\(e)".contains("inbox") || "\(e)".contains("output"), "\(e)")
    }
    // Defaults: plain http on 127.0.0.1:8080, no Secure cookie.
    XCTAssertEqual(BatchConfig.Serve().base, "http://127.0.0.1:8080")
    XCTAssertFalse(BatchConfig.Serve().secure)
    XCTAssertEqual(BatchConfig.Serve().uploadsPerMinute, 30)
  }

  func testMistakesNameTheLine() throws {
    let p = try write("""
      store: 台账.sqlite
      serve:
        port: 80000
      """)
    XCTAssertThrowsError(try BatchConfig.load(path: p, mail: false)) { e in
      let t = (e as? ConfigError)?.text(chinese: true) ?? ""
      XCTAssertTrue(t.contains(":3:"), t)
      XCTAssertTrue(t.contains("port"), t)
    }
    let q = try write("""
      store: 台账.sqlite
      serve:
        prot: 8080
      """)
    XCTAssertThrowsError(try BatchConfig.load(path: q, mail: false)) { e in
      XCTAssertTrue((e as? ConfigError)?.english.contains("unknown key 'prot'") ?? false, "\(e)")
    }
  }
}

/// The README's portal configuration is a configuration file: every `serve:` key it shows loads.
final class PortalReadmeTests: XCTestCase {
  func testTheReadmePortalConfigurationLoads() throws {
    let readme = try String(contentsOfFile: PortalFixtures.repository + "/README.md", encoding: .utf8)
    let section = try XCTUnwrap(readme.range(of: "## The submission portal"))
    let start = try XCTUnwrap(readme.range(of: "```yaml\n", range: section.upperBound..<readme.endIndex))
    let end = try XCTUnwrap(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
    let text = String(readme[start.upperBound..<end.lowerBound])
    let d = try PortalFixtures.folder(self)
    try text.write(toFile: d + "/sheetgate.yaml", atomically: true, encoding: .utf8)
    let c = try BatchConfig.load(path: d + "/sheetgate.yaml", mail: false)
    XCTAssertEqual(c.serve.base, "https://tb.sfj.example.gov.cn")
    XCTAssertEqual(c.serve.uploadsPerMinute, 30)
    XCTAssertEqual(c.serve.maxUploadMB, 20)
    XCTAssertEqual(c.state, "/var/lib/sheetgate/state")
    for key in ["host", "port", "base_url", "secure_cookies", "max_upload_mb", "uploads_per_minute", "workers", "queue"] {
      XCTAssertTrue(text.contains("  \(key):"), key)
    }
  }
}

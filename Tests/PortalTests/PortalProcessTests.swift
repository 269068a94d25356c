import Foundation
import TestSupport
import XCTest

/// `sheetgate serve` as a process: the load test with a SIGKILL and restart in the middle, and the browser test.
/// Both drive the built binary through Python scripts (the load client, Playwright).
final class PortalProcessTests: XCTestCase {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  func python(_ modules: [String]) throws -> String {
    guard let p = PythonReaders.python.path else { throw XCTSkip(PythonReaders.python.reason) }
    for m in modules where !PythonReaders.has(module: m) {
      throw XCTSkip("\(p) has no \(m) (set SHEETGATE_PYTHON to a venv with it; .ci/run installs it)")
    }
    return p
  }

  /// 50 concurrent clients, 500-row ledgers through the agencies' links; the server killed with SIGKILL after
  /// 40 answered uploads and restarted: every answered upload is stored, each file exactly once. CI runs 100
  /// uploads on the debug build (`SHEETGATE_PORTAL_LOAD_UPLOADS` for more); the README's 1,000-upload figures
  /// come from `scripts/portal_load.py --uploads 1000` on a release build.
  func testLoadWithSIGKILLAndRestartLosesNothingAnswered() throws {
    let py = try python(["xlsxwriter"])
    let uploads = ProcessInfo.processInfo.environment["SHEETGATE_PORTAL_LOAD_UPLOADS"] ?? "100"
    let r = try PythonReaders.run([py, Self.repository + "/scripts/portal_load.py", "--sheetgate", CLIRunner.binary.path,
                                   "--uploads", uploads, "--concurrency", "50", "--kill-after", "40", "--timeout", "600"])
    print(r.stdout, r.stderr)
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.contains("\"killed\": true"), r.stdout)
    XCTAssertTrue(r.stdout.contains("\"answered\": \(uploads)"), r.stdout)
  }

  /// The agency and the admin in headless Chromium (Playwright for Python, Debian's /usr/bin/chromium).
  func testAgencyAndAdminInChromium() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else { throw XCTSkip("no /usr/bin/chromium") }
    let py = try python(["playwright", "openpyxl"])
    let artifacts = ProcessInfo.processInfo.environment["SHEETGATE_ARTIFACTS"].map { $0 + "/portal-browser" }
      ?? NSTemporaryDirectory() + "sheetgate-artifacts/portal-browser"
    let r = try PythonReaders.run([py, Self.repository + "/Tests/PortalTests/Fixtures/browser_test.py", CLIRunner.binary.path,
                                   Self.repository, artifacts])
    print(r.stdout, r.stderr)
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    for shot in ["1-agency-page", "2-agency-findings", "4-admin-matrix-before", "5-agency-passed", "6-admin-matrix-after"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: artifacts + "/\(shot).png"), shot)
    }
  }
}

import Foundation
import TestSupport
import XCTest

/// The README's examples are code: its schema loads, its main command runs on the samples.
final class ReadmeTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)

  private func readme() throws -> String { try String(contentsOfFile: root + "/README.md", encoding: .utf8) }

  func testSchemaExampleLoads() throws {
    let text = try readme()
    let start = try XCTUnwrap(text.range(of: "```yaml\n"))
    let end = try XCTUnwrap(text.range(of: "```", range: start.upperBound..<text.endIndex))
    let dir = try CLIRunner.temporaryDirectory()
    try String(text[start.upperBound..<end.lowerBound]).write(toFile: dir + "/example.yaml", atomically: true, encoding: .utf8)
    let r = try CLIRunner.run(["schema", "check", dir + "/example.yaml"])
    XCTAssertEqual(r.status, 0, r.stderr)
  }

  func testMainCommandChecksEverySample() throws {
    let text = try readme()
    XCTAssertTrue(text.contains("sheetgate validate samples/validate --roster samples/本级行政执法部门名单.xlsx"))
    let r = try CLIRunner.run(["validate", "samples/validate", "--roster", "samples/本级行政执法部门名单.xlsx"], in: root)
    XCTAssertEqual(r.status, 1, "the broken samples have errors: \(r.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: root + "/samples/validate").filter { !$0.hasPrefix(".") && $0.contains(".") }
    for f in files { XCTAssertTrue(r.stdout.contains(f), "\(f) is reported") }
    XCTAssertTrue(r.stdout.contains("通过"), r.stdout)
  }
}

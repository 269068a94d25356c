import Foundation
import TestSupport
import XCTest

/// `sheetgate validate` on the sample submissions, against golden findings that the sample
/// generator wrote from the problems it injected (never from sheetgate's output).
final class ValidateGoldenTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)

  struct Finding: Hashable, CustomStringConvertible {
    var sheet: String?
    var a1: String?
    var code: String
    var severity: String
    var description: String { "\(sheet ?? "-")!\(a1 ?? "-") \(code) (\(severity))" }
  }

  func testEverySampleMatchesItsGoldenFindings() throws {
    let dir = root + "/samples/validate"
    let goldens = try FileManager.default.contentsOfDirectory(atPath: dir + "/expected").filter { $0.hasSuffix(".findings.json") }.sorted()
    XCTAssertGreaterThanOrEqual(goldens.count, 9)
    for g in goldens {
      let gold = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/expected/" + g))) as? [String: Any])
      let file = try XCTUnwrap(gold["file"] as? String)
      let expected = Set((gold["findings"] as? [[String: Any]] ?? []).map {
        Finding(sheet: $0["sheet"] as? String, a1: $0["a1"] as? String, code: $0["code"] as? String ?? "", severity: $0["severity"] as? String ?? "")
      })
      let r = try CLIRunner.run(["validate", dir + "/" + file, "--roster", root + "/samples/本级行政执法部门名单.xlsx", "--format", "json"])
      let report = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any], "\(file): \(r.stderr)")
      var got = Set<Finding>()
      for task in report["tasks"] as? [[String: Any]] ?? [] {
        for e in task["errors"] as? [[String: Any]] ?? [] where (e["severity"] as? String) != "info" {
          let code = e["type"] as? String ?? ""
          got.insert(Finding(sheet: e["sheet"] as? String, a1: code == "missing-label" ? nil : e["a1"] as? String,
                             code: code, severity: e["severity"] as? String ?? ""))
        }
      }
      XCTAssertEqual(got.subtracting(expected).map(\.description).sorted(), [], "\(file): reported but not expected")
      XCTAssertEqual(expected.subtracting(got).map(\.description).sorted(), [], "\(file): expected but not reported")
      // What the submission says about itself (填报单位, 填报日期) is reported with the findings.
      if let meta = gold["metadata"] as? [String: String], !meta.isEmpty {
        for task in report["tasks"] as? [[String: Any]] ?? [] {
          let got = task["metadata"] as? [String: String] ?? [:]
          for (k, v) in meta { XCTAssertEqual(got[k], v, "\(file) › \(task["sheet"] ?? "-"): \(k)") }
        }
      }
      let hasErrors = expected.contains { $0.severity == "error" }
      XCTAssertEqual(r.status, hasErrors ? 1 : 0, "\(file): exit status")
      XCTAssertEqual(report["valid"] as? Bool, !hasErrors, file)
    }
  }

  func testTextReportIsChineseWithCellReferencesAndHints() throws {
    let file = root + "/samples/validate/乌审旗市场监督管理局_培训学时台账_2023.xlsx"
    let r = try CLIRunner.run(["validate", file, "--roster", root + "/samples/本级行政执法部门名单.xlsx"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stdout.contains("培训学时台账!E5"), r.stdout)
    XCTAssertTrue(r.stdout.contains("身份证号"), r.stdout)
    XCTAssertTrue(r.stdout.contains("→"), "each finding says what to do")
    XCTAssertTrue(r.stdout.contains("乌审旗市场监督管理局"), "the roster suggestion is shown: \(r.stdout)")
    let en = try CLIRunner.run(["validate", file, "--roster", root + "/samples/本级行政执法部门名单.xlsx", "--lang", "en"])
    XCTAssertEqual(en.status, 1)
    XCTAssertTrue(en.stdout.contains("培训学时台账!E5"), en.stdout)
    XCTAssertTrue(en.stdout.lowercased().contains("digits"), en.stdout)
  }

  func testCleanFolderExitsZeroAndJSONIsFrictionlessShaped() throws {
    let dir = try CLIRunner.temporaryDirectory()
    for name in ["乌审旗综合行政执法局_培训学时台账_2023.xlsx", "乌审旗交通运输局_行政裁量权基准_2023.xlsx", "乌审旗司法局_规范性文件清理目录_2023.xlsx"] {
      try FileManager.default.copyItem(atPath: root + "/samples/validate/" + name, toPath: dir + "/" + name)
    }
    let r = try CLIRunner.run(["validate", dir, "--roster", root + "/samples/本级行政执法部门名单.xlsx", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
    XCTAssertEqual(obj["valid"] as? Bool, true)
    let tasks = try XCTUnwrap(obj["tasks"] as? [[String: Any]])
    XCTAssertEqual(tasks.count, 5, "one task per recognised table: 1 + 1 + 3 sheets")
    XCTAssertNotNil((obj["stats"] as? [String: Any])?["errors"])
  }

  func testUnknownSchemaIsAUsageErrorAndBadSchemaNamesLineAndColumn() throws {
    let file = root + "/samples/validate/乌审旗综合行政执法局_培训学时台账_2023.xlsx"
    let r = try CLIRunner.run(["validate", file, "--schema", "no-such-ledger"])
    XCTAssertEqual(r.status, 2, r.stderr)
    XCTAssertTrue(r.stderr.contains("training-hours"), r.stderr)
    let dir = try CLIRunner.temporaryDirectory()
    try "name: x\nfields:\n  - {name: a, type: integr}\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
    let c = try CLIRunner.run(["schema", "check", dir + "/bad.yaml"])
    XCTAssertEqual(c.status, 2, c.stderr)
    XCTAssertTrue(c.stderr.contains("bad.yaml:3:"), c.stderr)
  }

  func testSchemaListAndShow() throws {
    let list = try CLIRunner.run(["schema", "list"])
    XCTAssertEqual(list.status, 0)
    for name in ["training-hours", "discretion-benchmarks", "normative-documents-valid", "normative-documents-amended",
                 "normative-documents-repealed", "agency-roster"] {
      XCTAssertTrue(list.stdout.contains(name), name)
    }
    let show = try CLIRunner.run(["schema", "show", "training-hours"])
    XCTAssertEqual(show.status, 0)
    XCTAssertTrue(show.stdout.contains("公共法律知识学时"), show.stdout)
    let dir = try CLIRunner.temporaryDirectory()
    try show.stdout.write(toFile: dir + "/t.yaml", atomically: true, encoding: .utf8)
    let check = try CLIRunner.run(["schema", "check", dir + "/t.yaml"])
    XCTAssertEqual(check.status, 0, check.stderr)
  }
}

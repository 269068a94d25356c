import Foundation
import TestSupport
import XCTest

/// `inspect`, `cat` and `convert` on the bundled samples and on files nobody here wrote.
final class ReadCommandsTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples" }

  func testInspectShowsSheetsVisibilityMergesAndFormulasWithoutValues() throws {
    let r = try CLIRunner.run(["inspect", samples + "/乌审旗_执法人员培训学时台账.xlsx"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("工作表「培训学时台账」"), r.stdout)
    XCTAssertTrue(r.stdout.contains("工作表「下拉选项」（隐藏）"), r.stdout)
    XCTAssertTrue(r.stdout.contains("13 个合并区域"), r.stdout)
    XCTAssertTrue(r.stdout.contains("公式无缓存值"), r.stdout)
    XCTAssertTrue(r.stdout.contains("乌力吉·巴特尔") || r.stdout.contains("王建国"), r.stdout)
    XCTAssertTrue(r.stdout.contains("识别为：执法人员培训学时台账"), r.stdout)
    XCTAssertTrue(r.stdout.contains("G 公共法律知识 → 公共法律知识学时"), r.stdout)
    XCTAssertTrue(r.stdout.contains("填报单位：乌审旗司法局"), r.stdout)
  }

  func testInspectJSON() throws {
    let r = try CLIRunner.run(["inspect", samples + "/乌审旗_执法人员培训学时台账.xlsx", "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
    let sheets = try XCTUnwrap(obj["sheets"] as? [[String: Any]])
    XCTAssertEqual(sheets.map { $0["name"] as? String }, ["培训学时台账", "下拉选项"])
    XCTAssertEqual(sheets[1]["visible"] as? String, "Hidden")
    XCTAssertEqual(sheets[0]["merged"] as? Int, 13)
    XCTAssertEqual(sheets[0]["dimension_computed"] as? String, "A1:L12")
    XCTAssertEqual((sheets[0]["formulas_without_value"] as? [String])?.first, "I5")
    let ledger = try XCTUnwrap(sheets[0]["ledger"] as? [String: Any])
    XCTAssertEqual(ledger["schema"] as? String, "training-hours")
    XCTAssertEqual((ledger["columns"] as? [[String: Any]])?.count, 12)
    XCTAssertNil(sheets[1]["ledger"], "the hidden list sheet is no ledger")
  }

  func testInspectGBKCSVInEnglish() throws {
    let r = try CLIRunner.run(["inspect", samples + "/乌审旗_行政裁量权基准_gbk.csv", "--lang", "en"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("Encoding: gb18030"), r.stdout)
    XCTAssertTrue(r.stdout.contains("罚款下限(元)"), r.stdout)
  }

  func testCatCSVMatchesTheCorpusShape() throws {
    let corpus = try Corpus.requireFolder()
    for name in ["deg__example-alipay-records.csv", "frictionless__bom.csv", "duckdb__utf16.csv"] {
      let r = try CLIRunner.run(["cat", corpus + "/" + name, "--json"])
      XCTAssertEqual(r.status, 0, r.stderr)
      let got = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
      let expected = try XCTUnwrap(JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: corpus + "/" + name + ".expected.json"))) as? [String: Any])
      XCTAssertEqual(got["encoding"] as? String, expected["encoding"] as? String, name)
      XCTAssertEqual(got["delimiter"] as? String, expected["delimiter"] as? String, name)
      XCTAssertEqual(got["rows"] as? [[String]], expected["rows"] as? [[String]], name)
    }
  }

  /// Every cell of several real workbooks, through the binary, against the corpus's expected values.
  func testCatWorkbooksMatchTheCorpus() throws {
    let names = ["calamine__date.xlsx", "easyexcel__extra.xlsx", "xlsx2csv__input-weird.xlsx", "poi__51519.xlsx",
                 "calamine__merged_range.xlsx", "corexlsx__categories.xlsx", "poi__sample.strict.xlsx"]
    let corpus = try Corpus.requireFolder()
    for name in names {
      let r = try CLIRunner.run(["cat", corpus + "/" + name, "--json"])
      XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
      let got = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any], name)
      let expected = try XCTUnwrap(JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: corpus + "/" + name + ".expected.json"))) as? [String: Any])
      XCTAssertEqual(got["date1904"] as? Bool, expected["date1904"] as? Bool ?? false, name)
      let gs = try XCTUnwrap(got["sheets"] as? [[String: Any]])
      let es = try XCTUnwrap(expected["sheets"] as? [[String: Any]])
      XCTAssertEqual(gs.map { $0["name"] as? String }, es.map { $0["name"] as? String }, name)
      for (g, e) in zip(gs, es) {
        XCTAssertEqual(g["visible"] as? String, e["visible"] as? String, name)
        XCTAssertEqual(Set(g["merged"] as? [String] ?? []), Set(e["merged"] as? [String] ?? []), name)
        let gc = g["cells"] as? [String: [Any]] ?? [:]
        let ec = e["cells"] as? [String: [Any]] ?? [:]
        let disputed = Set((e["disputed"] as? [String: Any] ?? [:]).keys)
        XCTAssertEqual(Set(gc.keys).subtracting(disputed), Set(ec.keys).subtracting(disputed), "\(name) \(g["name"] ?? "")")
        for (ref, ev) in ec where !disputed.contains(ref) {
          guard let gv = gc[ref] else { continue }
          XCTAssertTrue(CellJSON.equal(gv, ev), "\(name)!\(ref): got \(gv), expected \(ev)")
        }
      }
    }
  }
}

enum CellJSON {
  static func equal(_ a: [Any], _ b: [Any]) -> Bool {
    guard let ta = a.first as? String, let tb = b.first as? String, ta == tb, a.count == b.count else { return false }
    switch ta {
    case "n":
      guard let x = (a[1] as? NSNumber)?.doubleValue, let y = (b[1] as? NSNumber)?.doubleValue else { return false }
      return x == y || abs(x - y) <= 1e-12 * max(abs(x), abs(y))
    case "b":
      return (a[1] as? Bool) == (b[1] as? Bool)
    case "d":
      guard let x = (a[2] as? NSNumber)?.doubleValue, let y = (b[2] as? NSNumber)?.doubleValue else { return false }
      return (a[1] as? String) == (b[1] as? String) && abs(x - y) <= 2e-8
    default:
      return (a[1] as? String) == (b[1] as? String)
    }
  }
}

import Foundation
import TestSupport
import XCTest

/// `.xls` through the binary: the conformance corpus via `cat --json`, the sample twin validated
/// like its `.xlsx`, damaged files with exit status 3 and a message naming the stream or record.
final class XLSCommandsTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples" }

  /// Files whose expected values are themselves arguable, with the reason. Keep this list short
  /// and specific: the holdout corpus is checked the same way, so fix causes, not files.
  static let knownDifferences: [String: String] = [:]

  /// Every `.xls` of the corpus (`SHEETGATE_CORPUS_XLS`) through `sheetgate cat --json`, compared with
  /// its `.expected.json` by the corpus rules; files expected to fail must exit 3 with a message.
  func testCorpusThroughCatJSON() throws {
    let dir = try Corpus.requireXLSFolder()
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".xls") }.sorted()
    XCTAssertGreaterThan(names.count, 50, "corpus not found at \(dir)")
    var matched = 0
    var failures: [(String, [String])] = []
    for name in names {
      guard let data = FileManager.default.contents(atPath: dir + "/" + name + ".expected.json"),
            let expected = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
      let problems = try Self.check(path: dir + "/" + name, expected: expected)
      if problems.isEmpty { matched += 1 } else { failures.append((name, problems)) }
    }
    let total = matched + failures.count
    print(".xls conformance (cat --json): \(matched)/\(total) files match")
    for (name, problems) in failures {
      let known = Self.knownDifferences[name].map { " [known: \($0)]" } ?? ""
      print("  ✗ \(name)\(known): \(problems.count) problem(s)")
      for p in problems.prefix(6) { print("      \(p)") }
    }
    let unknown = failures.filter { Self.knownDifferences[$0.0] == nil }
    XCTAssertTrue(unknown.isEmpty, "unexpected differences in: \(unknown.map(\.0))")
    XCTAssertGreaterThanOrEqual(Double(matched), 0.97 * Double(total), "fewer than 97% of the .xls corpus files match")
  }

  static func check(path: String, expected: [String: Any]) throws -> [String] {
    let agreement = expected["agreement"] as? String ?? "full"
    let r = try CLIRunner.run(["cat", path, "--json"], lang: "en_US.UTF-8")
    if (expected["expect_error"] as? Bool) == true || agreement == "both-fail" || agreement == "not-cfb" {
      if r.status != 3 { return ["expected a clear error (exit 3), got exit \(r.status)"] }
      if r.stderr.isEmpty || !r.stdout.isEmpty { return ["expected a message and no output: \(r.stderr)"] }
      return []
    }
    if agreement == "calamine-only-corrupt" && r.status == 3 { return [] }  // rejecting it clearly is allowed
    guard r.status == 0 else { return ["exit \(r.status): \(r.stderr.prefix(300))"] }
    guard let out = try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any] else { return ["not JSON"] }
    if (expected["format"] as? String) == "csv-oracle/1" {
      let rows = (out["rows"] as? [[String]]) ?? []
      return rows == ((expected["rows"] as? [[String]]) ?? []) ? [] : ["rows \(rows.prefix(3)) differ"]
    }
    var problems: [String] = []
    if (out["date1904"] as? Bool) != (expected["date1904"] as? Bool) { problems.append("date1904 differs") }
    problems += CorpusComparison.compareSheets(expected: expected["sheets"] as? [[String: Any]] ?? [],
                                               actual: out["sheets"] as? [[String: Any]] ?? [])
    return problems
  }

  // MARK: The sample

  /// The `.xls` twin of a broken training-hours submission (`samples/xls/`, saved from
  /// `samples/validate/` by LibreOffice) gives the same findings as the `.xlsx` — and as its golden file.
  func testSampleXLSValidatesLikeItsXLSXTwin() throws {
    let name = "乌审旗市场监督管理局_培训学时台账_2023"
    let roster = samples + "/本级行政执法部门名单.xlsx"
    func findings(_ path: String) throws -> (status: Int32, set: Set<String>, text: String) {
      let r = try CLIRunner.run(["validate", path, "--roster", roster, "--format", "json"])
      let report = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any], r.stderr)
      var got = Set<String>()
      for task in report["tasks"] as? [[String: Any]] ?? [] {
        for e in task["errors"] as? [[String: Any]] ?? [] where (e["severity"] as? String) != "info" {
          got.insert("\(e["sheet"] ?? "-")!\(e["a1"] ?? "-") \(e["type"] ?? "") \(e["severity"] ?? "") «\(e["cell"] ?? "")»")
        }
      }
      let text = try CLIRunner.run(["validate", path, "--roster", roster]).stdout
      return (r.status, got, text)
    }
    let xlsx = try findings(samples + "/validate/" + name + ".xlsx")
    let xls = try findings(samples + "/xls/" + name + ".xls")
    XCTAssertEqual(xls.status, 1)
    XCTAssertEqual(xls.status, xlsx.status)
    XCTAssertGreaterThanOrEqual(xls.set.count, 8, "the broken sample's findings: \(xls.set)")
    XCTAssertEqual(xls.set.subtracting(xlsx.set).sorted(), [], "reported for .xls only")
    XCTAssertEqual(xlsx.set.subtracting(xls.set).sorted(), [], "reported for .xlsx only")
    // The text report differs only in the file name.
    XCTAssertEqual(xls.text.replacingOccurrences(of: name + ".xls", with: name + ".xlsx"), xlsx.text)
    XCTAssertTrue(xls.text.contains("1.50626198703152E+17"), "the number keeps Excel's text form: \(xls.text)")
  }

  func testSampleXLSInspectAndCat() throws {
    let xls = samples + "/xls/乌审旗市场监督管理局_培训学时台账_2023.xls"
    let r = try CLIRunner.run(["inspect", xls])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("（xls）"), r.stdout)
    XCTAssertTrue(r.stdout.contains("识别为：执法人员培训学时台账"), r.stdout)
    let c = try CLIRunner.run(["cat", xls, "--json"])
    XCTAssertEqual(c.status, 0, c.stderr)
    XCTAssertTrue(c.stdout.contains("\"name\":\"培训学时台账\""), c.stdout)
  }

  /// `merge` takes a clean `.xls` submission like its `.xlsx` twin: the consolidated workbooks hold
  /// the same cells but for the source file's name.
  func testMergeTakesXLSLikeItsXLSXTwin() throws {
    let name = "乌审旗综合行政执法局_培训学时台账_2023"
    let roster = samples + "/本级行政执法部门名单.xlsx"
    let dir = try CLIRunner.temporaryDirectory()
    let a = try CLIRunner.run(["merge", samples + "/validate/" + name + ".xlsx", "--roster", roster, "-o", dir + "/a.xlsx"])
    let b = try CLIRunner.run(["merge", samples + "/xls/" + name + ".xls", "--roster", roster, "-o", dir + "/b.xlsx"])
    XCTAssertEqual(a.status, 0, a.stderr)
    XCTAssertEqual(b.status, 0, b.stderr)
    XCTAssertTrue(b.stdout.contains("合并 1 份报送，共 7 行"), b.stdout)
    let ja = try CLIRunner.run(["cat", dir + "/a.xlsx", "--json"]).stdout
    let jb = try CLIRunner.run(["cat", dir + "/b.xlsx", "--json"]).stdout
    XCTAssertTrue(jb.contains(name + ".xls\""), "provenance names the .xls")
    XCTAssertEqual(jb.replacingOccurrences(of: name + ".xls\"", with: name + ".xlsx\""), ja)
  }

  /// `convert` xls → xlsx and xls → csv: the same cells come back.
  func testConvertXLSToXLSXAndCSV() throws {
    let xls = samples + "/xls/乌审旗市场监督管理局_培训学时台账_2023.xls"
    let dir = try CLIRunner.temporaryDirectory()
    let toX = try CLIRunner.run(["convert", xls, dir + "/out.xlsx"])
    XCTAssertEqual(toX.status, 0, toX.stderr)
    let before = try CLIRunner.run(["cat", xls, "--json"])
    let after = try CLIRunner.run(["cat", dir + "/out.xlsx", "--json"])
    let a = try XCTUnwrap(JSONSerialization.jsonObject(with: before.stdoutBytes) as? [String: Any])
    let b = try XCTUnwrap(JSONSerialization.jsonObject(with: after.stdoutBytes) as? [String: Any])
    XCTAssertEqual(CorpusComparison.compareSheets(expected: a["sheets"] as? [[String: Any]] ?? [],
                                                  actual: b["sheets"] as? [[String: Any]] ?? []), [])
    let toC = try CLIRunner.run(["convert", xls, dir + "/out.csv"])
    XCTAssertEqual(toC.status, 0, toC.stderr)
    let csv = try String(contentsOfFile: dir + "/out.csv", encoding: .utf8)
    XCTAssertTrue(csv.contains("培训学时台账") || csv.contains("身份证号"), csv)
  }

  // MARK: Bad input through the binary

  private func write(_ bytes: [UInt8], name: String) throws -> String {
    let path = try CLIRunner.temporaryDirectory() + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  private func expectExit3(_ path: String, contains needles: [String], lang: String = "en_US.UTF-8",
                           file: StaticString = #filePath, line: UInt = #line) throws {
    for command in [["cat", path, "--json"], ["validate", path]] {
      let r = try CLIRunner.run(command, lang: lang)
      XCTAssertEqual(r.status, 3, "\(command): \(r.stderr)", file: file, line: line)
      XCTAssertTrue(r.stderr.contains(lastPathComponent(path)), "names the file: \(r.stderr)", file: file, line: line)
      for n in needles { XCTAssertTrue(r.stderr.contains(n), "expected «\(n)» in: \(r.stderr)", file: file, line: line) }
      if command[0] == "cat" { XCTAssertEqual(r.stdout, "", "no partial output", file: file, line: line) }
    }
  }

  private func lastPathComponent(_ p: String) -> String { (p as NSString).lastPathComponent }

  private func sampleBytes() throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: samples + "/xls/乌审旗市场监督管理局_培训学时台账_2023.xls")))
  }

  func testTruncatedXLS() throws {
    let whole = try sampleBytes()
    try expectExit3(try write(Array(whole[0..<(whole.count * 2 / 3)]), name: "截断.xls"), contains: ["damaged", "Compound File"])
    try expectExit3(try write(Array(whole[0..<(whole.count * 2 / 3)]), name: "截断2.xls"), contains: ["已损坏", "另存为"],
                    lang: "zh_CN.UTF-8")
  }

  /// The sample's FAT with the Workbook stream's first sector pointing back at itself.
  func testFATLoopInXLS() throws {
    var b = try sampleBytes()
    func u32(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 }
    let shift = Int(b[0x1E])
    let fat0 = (u32(0x4C) + 1) << shift
    // Find the Workbook entry in the directory and its first sector.
    let dir = (u32(0x30) + 1) << shift
    var start = -1
    for e in 0..<((1 << shift) / 128) {
      let o = dir + e * 128
      let name = String(decoding: stride(from: 0, to: 16, by: 2).map { UInt16(b[o + $0]) | UInt16(b[o + $0 + 1]) << 8 }, as: UTF16.self)
      if name.hasPrefix("Workbook") || name.hasPrefix("Book") { start = u32(o + 116) }
    }
    XCTAssertGreaterThanOrEqual(start, 0)
    for k in 0..<4 { b[fat0 + 4 * start + k] = UInt8(truncatingIfNeeded: start >> (8 * k)) }
    try expectExit3(try write(b, name: "loop.xls"), contains: ["comes back to sector \(start)"])
  }

  func testBIFF4WorksheetIsNamed() throws {
    var b: [UInt8] = [0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00]
    b += [UInt8](repeating: 0x20, count: 200)
    try expectExit3(try write(b, name: "old.xls"), contains: ["Excel 2.x–4.0", "BIFF4"])
  }

  func testTabSeparatedTextNamedXLSIsReadAsText() throws {
    let path = try write(Array("序号\t姓名\n1\t张三\n".utf8), name: "导出.xls")
    let r = try CLIRunner.run(["cat", path, "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("\"delimiter\":\"\\t\""), r.stdout)
    XCTAssertTrue(r.stdout.contains("张三"), r.stdout)
  }

  func testXMLSpreadsheet2003NamedXLSIsNamed() throws {
    let xml = "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"></Workbook>"
    let r = try CLIRunner.run(["cat", try write(Array(xml.utf8), name: "导出.xls"), "--json"], lang: "en_US.UTF-8")
    XCTAssertEqual(r.status, 3, r.stderr)
    XCTAssertTrue(r.stderr.contains("XML Spreadsheet 2003"), r.stderr)
  }
}

import Foundation
import TestSupport
import XCTest

/// A ledger long enough that its unique keys leave memory (past 65,536 values): the repeats must
/// still be found, with the row each was first seen in, and the temporary files must not outlive
/// the run.
final class LargeLedgerTests: XCTestCase {
  /// An 18-character ID number with a valid check digit for `first17`.
  static func idNumber(_ first17: String) -> String {
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(first17.compactMap(\.wholeNumberValue), w).reduce(0) { $0 + $1.0 * $1.1 }
    return first17 + String(Array("10X98765432")[sum % 11])
  }

  func testRepeatsPastTheMemoryLimitAreFoundAtTheEnd() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let tmp = dir + "/tmp"
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // 70,000 officers of one agency, each with its own certificate and ID number; then the
    // repeats: data row 100 repeats row 5's certificate (early, found at its row), row 69,000
    // repeats row 10 (both keys), row 69,500 repeats row 68,000's ID.
    let n = 70_000
    func cert(_ i: Int) -> String { String(format: "150626%08d", i) }
    func id(_ i: Int) -> String {
      Self.idNumber(String(format: "1506261990%02d%02d%03d", i % 12 + 1, (i / 12) % 28 + 1, (i / 336) % 1000))
    }
    var text = "序号,姓名,单位,执法证号,身份证号,职务,公共法律知识学时,行业法律知识学时,合计学时,培训方式,培训日期,备注\n"
    text.reserveCapacity(n * 130)
    for i in 1...n {
      var c = cert(i), d = id(i)
      switch i {
      case 100: c = cert(5)
      case 69_000: c = cert(10); d = id(10)
      case 69_500: d = id(68_000)
      default: break
      }
      // Row 69,800's total is not the sum: a finding after the repeats' rows.
      let total = i == 69_800 ? 71 : 70
      text += "\(i),王伟,乌审旗市场监督管理局,\(c),\(d),科员,40,30,\(total),集中轮训,2023-07-13,\n"
    }
    let file = dir + "/乌审旗市场监督管理局培训台账.csv"
    try text.write(toFile: file, atomically: true, encoding: .utf8)

    let r = try CLIRunner.run(["validate", file, "--schema", "training-hours", "--format", "json"],
                              environment: ["TMPDIR": tmp])
    XCTAssertEqual(r.status, 1, r.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
    let task = try XCTUnwrap((json["tasks"] as? [[String: Any]])?.first)
    let errors = try XCTUnwrap(task["errors"] as? [[String: Any]])
    let repeats = errors.filter { $0["type"] as? String == "unique-error" }.map { e -> String in
      let p = e["parameters"] as? [String: Any]
      return "\(e["a1"] ?? "-") first=\(p?["firstRow"] ?? "-")"
    }
    // Sheet rows are data rows + 1 (the header). The early repeat is found at its row; the late
    // ones when the table ends, after row 69,801's finding: proof the sets had left memory.
    XCTAssertEqual(repeats, ["D101 first=6", "D69001 first=11", "E69001 first=11", "E69501 first=68001"])
    XCTAssertEqual(errors.map { "\($0["a1"] ?? "-") \($0["type"] ?? "-")" },
                   ["D101 unique-error", "I69801 row-constraint", "D69001 unique-error", "E69001 unique-error",
                    "E69501 unique-error"])
    let stats = try XCTUnwrap(task["stats"] as? [String: Any])
    XCTAssertEqual(stats["rows"] as? Int, n)
    XCTAssertEqual(stats["validRows"] as? Int, n - 4)
    XCTAssertEqual(stats["errors"] as? Int, 5)
    // The key files were unlinked when made: nothing is left in the temporary folder.
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp), [])
  }
}

import Diagnostics
import Foundation
import Schema
import Tabular
@testable import Validation
import XCTest

/// Rows per second of `Validator` on 1M synthetic training-hours rows (gen_ledger.py's shapes).
///
/// Runs only with `SHEETGATE_PERF=1` (set `SHEETGATE_PERF_ROWS` for another count), in a release build:
/// `SHEETGATE_PERF=1 swift test -c release --filter ValidationPerformanceTests`.
final class ValidationPerformanceTests: XCTestCase {
  func testValidateMillionRows() throws {
    let env = ProcessInfo.processInfo.environment
    try XCTSkipUnless(env["SHEETGATE_PERF"] == "1", "set SHEETGATE_PERF=1 to run")
    let n = Int(env["SHEETGATE_PERF_ROWS"] ?? "") ?? 1_000_000
    let agencies = ["乌审旗市场监督管理局", "乌审旗综合行政执法局", "伊金霍洛旗生态环境局", "准格尔旗综合行政执法局薛家湾执法大队"]
    let roster = AgencyRoster(entries: agencies.map { .init(name: $0) })
    let names = ["王伟", "李秀英", "张建国", "刘洋", "乌力吉·巴特尔", "陈静", "斯琴高娃", "赵子涵"]
    let roles = ["科员", "一级科员", "执法队员", "副科长", "科长", "所长"]
    let methods = ["集中轮训", "网络培训", "执法能力比赛"]
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    var rng = SystemRandomNumberGenerator()
    _ = rng

    // Build the rows once, in memory, as a reader would hand them over.
    var rows: [Row] = []
    rows.reserveCapacity(n)
    var state: UInt64 = 20240601
    func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
    for i in 1...n {
      var r = Row()
      r.index = i
      let pub = Double(16 + next() % 65) / 2
      let ind = Double(32 + next() % 89) / 2
      func dec(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
      var first17 = Array(String(format: "150626%04d%02d%02d%03d", 1965 + (i / 1000) / 336 % 35,
                                 1 + (i / 1000) / 28 % 12, 1 + (i / 1000) % 28, i % 1000).utf8)
      let sum = zip(first17.map { Int($0 - 48) }, weights).reduce(0) { $0 + $1.0 * $1.1 }
      first17.append(Array("10X98765432".utf8)[sum % 11])
      r.append(column: 0, kind: .number, number: Double(i), string: String(i))
      r.append(column: 1, kind: .string, string: names[next() % names.count])
      r.append(column: 2, kind: .string, string: agencies[next() % agencies.count])
      r.append(column: 3, kind: .string, string: String(format: "150626%08d", i))
      r.append(column: 4, kind: .string, string: String(decoding: first17, as: UTF8.self))
      r.append(column: 5, kind: .string, string: roles[next() % roles.count])
      r.append(column: 6, kind: .number, number: pub, string: dec(pub))
      r.append(column: 7, kind: .number, number: ind, string: dec(ind))
      r.append(column: 8, kind: .number, number: pub + ind, string: dec(pub + ind))
      r.append(column: 9, kind: .string, string: methods[next() % 100 < 55 ? 0 : (next() % 10 < 9 ? 1 : 2)])
      r.append(column: 10, kind: .date, number: Double(44927 + next() % 730), string: "")
      if next() % 100 < 8 { r.append(column: 11, kind: .string, string: "补训") }
      rows.append(r)
    }

    // Baseline: touching every cell's bytes once (what any consumer of the rows pays).
    var t0 = Date()
    var checksum = 0
    for r in rows {
      for i in r.cells.indices { checksum &+= r.withText(i) { $0.count } }
    }
    let touch = Date().timeIntervalSince(t0)

    let schema = try BuiltinSchemas.load(named: "training-hours")
    let context = ValidationContext(file: "bench.xlsx", sheet: "培训学时台账", roster: roster,
                                    today: LocalDate(year: 2025, month: 1, day: 1)!)
    var v = Validator(schema: schema, mapping: [0, 2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11], context: context)
    var collector = DiagnosticCollector()
    t0 = Date()
    for r in rows { v.validate(row: r, into: &collector) }
    let stats = v.finish(into: &collector)
    let elapsed = Date().timeIntervalSince(t0)
    let line = String(format: "validate: %d rows in %.3f s = %.0f rows/s (%.0f ns/row; touching bytes %.3f s); "
                      + "errors %d, warnings %d, policy %d, valid rows %d, checksum %d",
                      n, elapsed, Double(n) / elapsed, elapsed * 1e9 / Double(n), touch, stats.errors, stats.warnings,
                      stats.policyFindings, stats.validRows, checksum)
    print(line)
    XCTAssertEqual(stats.rows, n)
    XCTAssertEqual(stats.errors, 0, "\(collector.diagnostics.filter { $0.severity == .error }.prefix(3))")
    XCTAssertGreaterThan(stats.policyFindings, 0)
  }
}

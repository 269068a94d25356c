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
    // Rows are filled into one reused `Row`, as a reader does (`nextRow(into:)`), from byte pools,
    // so the baseline ("plain reading") is the cost of producing the rows and the difference is validation.
    let nameBytes = names.map { Array($0.utf8) }
    let agencyBytes = agencies.map { Array($0.utf8) }
    let roleBytes = roles.map { Array($0.utf8) }
    let methodBytes = methods.map { Array($0.utf8) }
    let remark = Array("补训".utf8)
    let hourText: [[UInt8]] = (0...240).map { k in Array((k % 2 == 0 ? String(k / 2) : "\(k / 2).5").utf8) }
    var state: UInt64 = 20240601
    @inline(__always) func next() -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(truncatingIfNeeded: state >> 33)
    }
    var cert = Array("15062600000000".utf8)
    var id = Array("150626199001010010".utf8)
    var seqText: [UInt8] = []
    func put(_ row: inout Row, _ column: Int, _ kind: CellKind, _ number: Double, _ bytes: [UInt8]) {
      bytes.withUnsafeBytes { row.append(column: column, kind: kind, number: number, text: $0) }
    }
    func fill(_ r: inout Row, _ i: Int) {
      r.removeAll()
      r.index = i
      var v = i
      seqText.removeAll(keepingCapacity: true)
      repeat { seqText.append(UInt8(48 + v % 10)); v /= 10 } while v > 0
      seqText.reverse()
      v = i
      for k in stride(from: 13, through: 6, by: -1) { cert[k] = UInt8(48 + v % 10); v /= 10 }
      // ID: region 150626, birth 1965–1999 from i / 1000, sequence i % 1000, then the check digit.
      let b = i / 1000
      let year = 1965 + b / 336 % 35, month = 1 + b / 28 % 12, day = 1 + b % 28, sq = i % 1000
      let digits = [year / 1000, year / 100 % 10, year / 10 % 10, year % 10, month / 10, month % 10, day / 10, day % 10,
                    sq / 100, sq / 10 % 10, sq % 10]
      var sum = 0
      for k in 0..<6 { sum += Int(id[k] - 48) * weights[k] }
      for (k, d) in digits.enumerated() { id[6 + k] = UInt8(48 + d); sum += d * weights[6 + k] }
      id[17] = Array("10X98765432".utf8)[sum % 11]
      let pub = 16 + next() % 65, ind = 32 + next() % 89
      put(&r, 0, .number, Double(i), seqText)
      put(&r, 1, .string, 0, nameBytes[next() % nameBytes.count])
      put(&r, 2, .string, 0, agencyBytes[next() % agencyBytes.count])
      put(&r, 3, .string, 0, cert)
      put(&r, 4, .string, 0, id)
      put(&r, 5, .string, 0, roleBytes[next() % roleBytes.count])
      put(&r, 6, .number, Double(pub) / 2, hourText[pub])
      put(&r, 7, .number, Double(ind) / 2, hourText[ind])
      put(&r, 8, .number, Double(pub + ind) / 2, hourText[pub + ind])
      put(&r, 9, .string, 0, methodBytes[next() % 100 < 55 ? 0 : (next() % 10 < 9 ? 1 : 2)])
      put(&r, 10, .date, Double(44927 + next() % 730), [])
      if next() % 100 < 8 { put(&r, 11, .string, 0, remark) }
    }

    var row = Row()
    var t0 = Date()
    var checksum = 0
    for i in 1...n {
      fill(&row, i)
      checksum &+= row.bytes.count
    }
    let touch = Date().timeIntervalSince(t0)
    state = 20240601

    let schema = try BuiltinSchemas.load(named: "training-hours")
    let context = ValidationContext(file: "bench.xlsx", sheet: "培训学时台账", roster: roster,
                                    today: LocalDate(year: 2025, month: 1, day: 1)!)
    let v = Validator(schema: schema, mapping: [0, 2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11], context: context)
    var collector = DiagnosticCollector()
    t0 = Date()
    for i in 1...n {
      fill(&row, i)
      v.validate(row: row, into: &collector)
    }
    let stats = v.finish(into: &collector)
    let total = Date().timeIntervalSince(t0)
    let elapsed = total - touch
    let line = String(format: "validate: %d rows; producing rows %.3f s, producing + validating %.3f s; "
                      + "validation alone %.3f s = %.0f rows/s (%.0f ns/row); "
                      + "errors %d, warnings %d, policy %d, valid rows %d, checksum %d",
                      n, touch, total, elapsed, Double(n) / elapsed, elapsed * 1e9 / Double(n),
                      stats.errors, stats.warnings, stats.policyFindings, stats.validRows, checksum)
    print(line)
    XCTAssertEqual(stats.rows, n)
    XCTAssertEqual(stats.errors, 0, "\(collector.diagnostics.filter { $0.severity == .error }.prefix(3))")
    XCTAssertGreaterThan(stats.policyFindings, 0)
  }
}

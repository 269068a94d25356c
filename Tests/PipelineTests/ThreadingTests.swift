import Diagnostics
import Foundation
import Pipeline
import Schema
import Tabular
import TestSupport
import Validation
import XCTest

/// Reading on a second thread, and prechecking cells there, must not change a single finding.
final class ThreadingTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  /// The findings and statistics of `path` validated in `threading` mode, every finding kept.
  func findings(_ path: String, _ threading: ValidateJob.Threading, schema: TableSchema? = nil) throws
    -> ([Diagnostic], [ValidationStats])
  {
    var options = ValidateJob.Options(schema: schema, limitErrors: Int.max,
                                      today: LocalDate(year: 2024, month: 6, day: 1)!)
    options.threading = threading
    let result = try ValidateJob(options: options).run(path: path)
    return (result.tables.flatMap(\.diagnostics), result.tables.map(\.stats))
  }

  /// A training-hours ledger of `rows` rows with a mix of clean cells and every kind of fault
  /// the fast paths and the full coercion decide: bad and float-mangled IDs, full-width digits,
  /// text dates, synonyms, bad enum values, blanks, duplicates, sums that do not add up.
  func ledger(rows: Int) -> String {
    var rng = SplitMix64(seed: 20241122)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    func id(_ serial: Int) -> String {
      let body = String(format: "150624%04d%02d%02d%03d", 1960 + serial % 40, 1 + serial % 12, 1 + serial % 28, serial % 1000)
      let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
      return body + String(Array("10X98765432")[sum % 11])
    }
    var out = "序号,单位,姓名,执法证号,身份证号,职务,公共法律知识学时,行业法律知识学时,合计学时,培训方式,培训日期,备注\r\n"
    let names = ["张伟", "王芳", "李娜", "巴特尔", "阿拉坦·其其格", "刘强"]
    let methods = ["集中轮训", "网络培训", "执法能力比赛", "集中培训", "自学", " 网络培训"]
    for i in 1...rows {
      let r = rng.next() % 40
      var idText = id(i)
      if r == 1 { idText = String(idText.dropLast()) + "0" }           // wrong check digit (usually)
      if r == 2 { idText = "1.50627E+17" }
      if r == 3 { idText = "" }
      var cert = String(format: "15062420%06d", i)
      if r == 4, i > 1 { cert = String(format: "15062420%06d", i - 1) } // duplicate
      var pub = ["30", "32.5", "40", "20", "0.5"][Int(rng.next() % 5)]
      let ind = ["30", "27.5", "35", "10"][Int(rng.next() % 4)]
      var total = (Decimal(string: pub)! + Decimal(string: ind)!).description
      if r == 5 { total = "99" }
      if r == 6 { pub = "３０" }
      if r == 7 { pub = "-4" }
      var date = String(format: "2023-%02d-%02d", 1 + i % 12, 1 + i % 28)
      if r == 8 { date = "2023年3月5日" }
      if r == 9 { date = "2023年13月1日" }
      let name = r == 10 ? "" : names[Int(rng.next() % UInt64(names.count))]
      let method = methods[Int(rng.next() % UInt64(methods.count))]
      let agency = r == 11 ? "乌审旗某局" : "乌审旗司法局"
      out += "\(i),\(agency),\(name),\(cert),\(idText),科员,\(pub),\(ind),\(total),\(method),\(date),\(r == 12 ? "补训" : "")\r\n"
    }
    return out
  }

  func testPipelinedAndPrecheckedFindingsEqualSingleThreaded() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let path = dir + "/培训学时台账.csv"
    try ledger(rows: 6000).write(toFile: path, atomically: true, encoding: .utf8)
    let single = try findings(path, .single)
    XCTAssertGreaterThan(single.0.count, 1000, "the ledger has plenty of findings of many kinds")
    XCTAssertGreaterThan(Set(single.0.map(\.code)).count, 5)
    for mode in [ValidateJob.Threading.pipelined, .pipelinedWithPrecheck, .auto] {
      let other = try findings(path, mode)
      XCTAssertEqual(other.1, single.1, "statistics in \(mode)")
      XCTAssertEqual(other.0.count, single.0.count, "finding count in \(mode)")
      if let k = single.0.indices.first(where: { $0 >= other.0.count || other.0[$0] != single.0[$0] }) {
        XCTFail("first different finding (#\(k)) in \(mode): \(k < other.0.count ? "\(other.0[k])" : "none") vs \(single.0[k])")
      }
    }
  }

  func testSamplesValidateTheSameInEveryMode() throws {
    let folder = Self.root + "/samples/validate"
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".csv") }
    XCTAssertGreaterThan(files.count, 5)
    for f in files.sorted() {
      let single = try findings(folder + "/" + f, .single)
      let prechecked = try findings(folder + "/" + f, .pipelinedWithPrecheck)
      XCTAssertTrue(prechecked.0 == single.0, "findings of \(f) differ when prechecked")
      XCTAssertEqual(prechecked.1, single.1, f)
    }
  }
}

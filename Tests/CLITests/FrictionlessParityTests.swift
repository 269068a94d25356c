import Foundation
import TestSupport
import XCTest

/// On a plain Table Schema, `sheetgate validate --format json` reports the errors `frictionless
/// validate --json` reports: the same type, rowNumber, fieldName and fieldNumber for every error
/// type both know. CSV files are generated with every kind injected (fixed seeds, printed), both
/// tools run on them, and the two lists are compared as multisets.
///
/// Skipped when `SHEETGATE_PYTHON` is unset or its Python cannot import frictionless.
final class FrictionlessParityTests: XCTestCase {
  /// The error types compared (every one both tools know).
  static let types: Set<String> = [
    "type-error", "constraint-error", "unique-error", "primary-key", "foreign-key", "missing-cell", "extra-cell",
    "blank-row", "duplicate-label", "missing-label", "extra-label", "incorrect-label", "blank-label",
  ]

  static let schema = #"""
  {
    "fields": [
      {"name": "编号", "type": "integer", "constraints": {"required": true, "unique": true}},
      {"name": "姓名", "type": "string", "constraints": {"required": true, "maxLength": 4}},
      {"name": "执法证号", "type": "string", "constraints": {"pattern": "[0-9]{14}"}},
      {"name": "学时", "type": "number", "constraints": {"minimum": 0, "maximum": 200}},
      {"name": "培训方式", "type": "string", "constraints": {"enum": ["集中轮训", "网络培训", "执法能力比赛"]}},
      {"name": "培训日期", "type": "date"},
      {"name": "上级编号", "type": "integer"}
    ],
    "primaryKey": ["编号"],
    "foreignKeys": [{"fields": ["上级编号"], "reference": {"resource": "", "fields": ["编号"]}}]
  }
  """#
  static let header = ["编号", "姓名", "执法证号", "学时", "培训方式", "培训日期", "上级编号"]

  struct Error: Hashable, Comparable, CustomStringConvertible {
    var type: String
    var row: Int
    var fieldName: String
    var fieldNumber: Int
    var description: String { "\(type) row \(row) field \(fieldName)#\(fieldNumber)" }
    static func < (a: Error, b: Error) -> Bool { (a.row, a.type, a.fieldNumber) < (b.row, b.type, b.fieldNumber) }
  }

  /// A small deterministic generator (SplitMix64), so a failure names the seed that reproduces it.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  /// Data rows with one injected problem in about a third of them, every kind at least once.
  static func rows(seed: UInt64, count: Int) -> [[String]] {
    var g = Generator(state: seed)
    let names = ["张三", "李四", "王五", "赵六", "孙七", "巴特尔", "乌云其木格"]
    var rows: [[String]] = []
    for i in 1...count {
      let name = names[g.below(5)]
      let cert = String(15_062_719_000_000 + g.below(900_000))
      let hours = String(g.below(120)) + (g.below(2) == 0 ? ".5" : "")
      let method = ["集中轮训", "网络培训", "执法能力比赛"][g.below(3)]
      let date = String(format: "2023-%02d-%02d", 1 + g.below(12), 1 + g.below(28))
      let parent = i > 1 && g.below(3) == 0 ? String(1 + g.below(i - 1)) : ""
      var row = [String(i), name, cert, hours, method, date, parent]
      // Kind k for row i: rows 1…14 get kinds 0…13 in turn (every kind present), then at random.
      let kind = i <= 14 ? i - 1 : (g.below(3) == 0 ? g.below(14) : -1)
      switch kind {
      case 0: row[3] = "十二"                          // type-error (number)
      case 1: row[5] = "2023-13-01"                    // type-error (date)
      case 2: row[1] = "乌云其木格"                      // maxLength
      case 3: row[2] = "1506271900012X"                // pattern
      case 4: row[3] = "-4"                            // minimum
      case 5: row[4] = "自学"                           // enum
      case 6: row[1] = ""                              // required
      case 7: if i > 1 { row[0] = String(i - 1) }      // unique-error + primary-key
      case 8: row[6] = String(count + 50)              // foreign-key (no such 编号)
      case 9: row = Array(row.prefix(4 + g.below(3)))  // missing-cell(s)
      case 10: row += ["多余", ""]                       // extra-cell ×2
      case 11: row = Array(repeating: "", count: 7)    // blank-row (and a primary key of nulls)
      case 12: row[0] = "x\(i)"                        // type-error in the key: a primary key of nulls
      case 13: row[3] = "250"                          // maximum
      default: break
      }
      rows.append(row)
    }
    return rows
  }

  static func csv(_ header: [String], _ rows: [[String]]) -> String {
    func field(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
    return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  /// frictionless's errors, run in `dir` on the file's name (it refuses absolute paths).
  func frictionless(_ file: String, in dir: String, python: String) throws -> [Error] {
    let script = """
    import json, os, subprocess, sys
    os.chdir(sys.argv[1])
    out = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", "--schema", "schema.json", sys.argv[2]],
                         capture_output=True, text=True).stdout
    report = json.loads(out)
    rows = [[e["type"], e.get("rowNumber") or 0, e.get("fieldName") or "", e.get("fieldNumber") or 0]
            for t in report["tasks"] for e in t["errors"]]
    print(json.dumps({"errors": rows, "limit": any(w for t in report["tasks"] for w in t.get("warnings", []))}))
    """
    let r = try PythonReaders.run([python, "-c", script, dir, file])
    XCTAssertEqual(r.status, 0, r.stderr)
    let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    return (o["errors"] as? [[Any]] ?? []).map {
      Error(type: $0[0] as? String ?? "", row: $0[1] as? Int ?? 0, fieldName: $0[2] as? String ?? "", fieldNumber: $0[3] as? Int ?? 0)
    }
  }

  /// sheetgate's errors of the compared types, and every other finding that is an error.
  func sheetgate(_ file: String, in dir: String) throws -> (compared: [Error], others: [String]) {
    let r = try CLIRunner.run(["validate", dir + "/" + file, "--schema", dir + "/schema.json", "--format", "json"])
    let report = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any], r.stderr)
    var compared: [Error] = [], others: [String] = []
    for task in report["tasks"] as? [[String: Any]] ?? [] {
      for e in task["errors"] as? [[String: Any]] ?? [] {
        let type = e["type"] as? String ?? ""
        guard Self.types.contains(type) else {
          if (e["severity"] as? String) == "error" { others.append(type) }
          continue
        }
        compared.append(Error(type: type, row: e["rowNumber"] as? Int ?? 0, fieldName: e["fieldName"] as? String ?? "",
                              fieldNumber: e["fieldNumber"] as? Int ?? 0))
      }
    }
    return (compared, others)
  }

  func assertSameErrors(_ header: [String], _ rows: [[String]], name: String, seed: UInt64,
                        file: StaticString = #filePath, line: UInt = #line) throws {
    guard let python = ProcessInfo.processInfo.environment["SHEETGATE_PYTHON"], !python.isEmpty else {
      throw XCTSkip("SHEETGATE_PYTHON is not set")
    }
    guard (try? PythonReaders.run([python, "-c", "import frictionless"]))?.status == 0 else {
      throw XCTSkip("\(python) cannot import frictionless")
    }
    let dir = try CLIRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.schema.write(toFile: dir + "/schema.json", atomically: true, encoding: .utf8)
    try Self.csv(header, rows).write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    let theirs = try frictionless(name, in: dir, python: python)
    let (ours, others) = try sheetgate(name, in: dir)
    XCTAssertFalse(theirs.isEmpty, "\(name): frictionless found nothing", file: file, line: line)
    var missing = theirs, extra: [Error] = []
    for e in ours {
      if let i = missing.firstIndex(of: e) { missing.remove(at: i) } else { extra.append(e) }
    }
    XCTAssertEqual(missing.sorted().map(\.description), [], "\(name) seed \(seed): reported by frictionless only", file: file, line: line)
    XCTAssertEqual(extra.sorted().map(\.description), [], "\(name) seed \(seed): reported by sheetgate only", file: file, line: line)
    XCTAssertEqual(others, [], "\(name): errors of types frictionless does not have", file: file, line: line)
    // Every kind was really compared.
    print("\(name) seed \(seed): \(theirs.count) errors, \(Set(theirs.map(\.type)).sorted().joined(separator: " "))")
  }

  func testRowErrorsMatchFrictionless() throws {
    for seed: UInt64 in [20_240_601, 7, 1_234_567] {
      let rows = Self.rows(seed: seed, count: 120)
      try assertSameErrors(Self.header, rows, name: "台账_\(seed).csv", seed: seed)
    }
  }

  func testHeaderErrorsMatchFrictionless() throws {
    let rows = Self.rows(seed: 99, count: 20).filter { $0.count == 7 }
    // A repeated label (the second 姓名 stands where 执法证号 belongs).
    var dup = Self.header
    dup[2] = "姓名"
    try assertSameErrors(dup, rows, name: "表头重复.csv", seed: 99)
    // A misspelled label and a blank one.
    var wrong = Self.header
    wrong[3] = "学时数"
    wrong[4] = ""
    try assertSameErrors(wrong, rows, name: "表头不符.csv", seed: 99)
    // A missing last column.
    try assertSameErrors(Array(Self.header.prefix(6)), rows.map { Array($0.prefix(6)) }, name: "缺列.csv", seed: 99)
    // Extra columns past the schema's fields (rows as wide as the header).
    try assertSameErrors(Self.header + ["备注", "联系电话"], rows.map { Array($0.prefix(7)) + ["无", "13800000000"] },
                         name: "多列.csv", seed: 99)
  }
}

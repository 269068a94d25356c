import Diagnostics
import Tabular
import XCTest

@testable import Schema

final class ExpressionTests: XCTestCase {
  static let yaml = """
    fields:
      - {name: a, type: number}
      - {name: b, type: number}
      - {name: role, title: 岗位, type: string}
      - {name: d, type: date}
      - {name: agency, type: string}
      - {name: doc, type: string, format: doc-number}
    """

  func compile(_ expr: String, aggregate: Bool = false) throws -> (RuleExpression, [AggregateSlot]) {
    let s = try TableSchema(yaml: Self.yaml)
    let node = try ExpressionParser.parse(expr)
    var checker = ExpressionChecker(aggregate: aggregate) { name in
      s.fieldIndex(named: name).map { ($0, ExpressionType(s.fields[$0].type)) }
    }
    let (e, _) = try checker.check(node)
    return (e, checker.slots)
  }

  func eval(_ expr: String, _ row: [TypedValue]) throws -> TypedValue {
    try compile(expr).0.evaluate(row)
  }

  func testParseCheckEvaluate() throws {
    let row: [TypedValue] = [.decimal(ExactDecimal("0.1")!), .decimal(ExactDecimal("0.2")!), .string("法制审核"),
                             .date(LocalDate(year: 2022, month: 3, day: 1)!), .string("x"), .string("乌政办发〔2022〕115号")]
    XCTAssertEqual(try eval("a + b == 0.3", row), .boolean(true))
    XCTAssertEqual(try eval("a * 2 + b * 3 - 0.8", row), .decimal(ExactDecimal("0")!))
    XCTAssertEqual(try eval("(a + b) * 10 >= 3 and not (a > b)", row), .boolean(true))
    XCTAssertEqual(try eval("岗位 in [\"执法\", \"法制审核\"]", row), .boolean(true))
    XCTAssertEqual(try eval("role not in [\"执法\"]", row), .boolean(true))
    XCTAssertEqual(try eval("role matches \"法制.*\"", row), .boolean(true))
    XCTAssertEqual(try eval("year(d) == 2022 and month(d) == 3", row), .boolean(true))
    XCTAssertEqual(try eval("doc_year(doc) == year(d)", row), .boolean(true))
    XCTAssertEqual(try eval("len(role) == 4", row), .boolean(true))
    XCTAssertEqual(try eval("abs(a - b) == 0.1", row), .boolean(true))
    XCTAssertEqual(try eval("a / 0 > 1", row), .null, "division by zero is unknown")

    var nulls = row
    nulls[1] = .null
    XCTAssertEqual(try compile("a + b == 0.3").0.outcome(nulls), .unknown)
    XCTAssertEqual(try eval("b > 1 or a < 1", nulls), .boolean(true))
    XCTAssertEqual(try eval("b > 1 and a > 1", nulls), .boolean(false))
    XCTAssertEqual(try eval("is_null(b) and present(role)", nulls), .boolean(true))
    XCTAssertEqual(try eval("coalesce(b, 0) == 0", nulls), .boolean(true))
  }

  func testOutcomeAgreesWithEvaluateOnEveryRow() throws {
    // `outcome` decides numeric comparisons and logic without boxing; it must give exactly
    // what `evaluate` gives, nulls, overflow and division by zero included.
    let exprs = [
      "a + b == 0.3", "a >= 30", "not (a < b)", "a - b != 0 or b > 1", "-a < b and a / b > 1",
      "a * b <= 100 and not is_null(a)", "present(a) or present(role)", "is_null(b)",
      "year(d) == 2022 or a > 1", "coalesce(b, 0) == 0", "abs(a - b) > 0.5", "len(role) > 2 and a > 0",
      "a / 0 > 1", "a * 99999999999999 > 1", "role in [\"执法\"] or b < 0", "not present(doc)",
    ]
    let values: [TypedValue] = [.null, .decimal(ExactDecimal("0.1")!), .decimal(ExactDecimal("-30")!),
                                .integer(30), .decimal(ExactDecimal("92233720368547.75807")!), .integer(0)]
    let strings: [TypedValue] = [.null, .string(""), .string("执法")]
    let dates: [TypedValue] = [.null, .date(LocalDate(year: 2022, month: 3, day: 1)!)]
    var checked = 0
    for text in exprs {
      let e = try compile(text).0
      for a in values { for b in values { for r in strings { for d in dates {
        let row: [TypedValue] = [a, b, r, d, .string("x"), r]
        let expected: RuleOutcome
        switch e.evaluate(row) {
        case .boolean(true): expected = .passed
        case .boolean(false): expected = .failed
        default: expected = .unknown
        }
        XCTAssertEqual(e.outcome(row), expected, "\(text) on \(row)")
        checked += 1
      } } } }
    }
    XCTAssertEqual(checked, exprs.count * 216)
  }

  func testErrors() {
    XCTAssertThrowsError(try compile("a +")) { XCTAssertEqual(($0 as? ExpressionError)?.offset, 3) }
    XCTAssertThrowsError(try compile("a == \"x\"")) { XCTAssertTrue("\($0)".contains("cannot compare")) }
    XCTAssertThrowsError(try compile("zz > 1")) { XCTAssertEqual(($0 as? ExpressionError)?.offset, 0) }
    XCTAssertThrowsError(try compile("len(a) > 1"))
    XCTAssertThrowsError(try compile("1 < a < 2"))
    XCTAssertThrowsError(try compile("role matches \"[\""))
    XCTAssertThrowsError(try compile("count() > 1"), "count outside an aggregate rule")
    XCTAssertThrowsError(try compile("a > 1", aggregate: true), "bare field in an aggregate rule")
    XCTAssertThrowsError(try compile("\"unterminated"))
  }

  func testAggregates() throws {
    let s = try TableSchema(yaml: Self.yaml + """

      aggregates:
        - groupBy: agency
          expression: count(role == "法制审核") >= 0.05 * count()
          severity: policy
          message: 法制审核人员不少于执法人员总数的5%
        - groupBy: agency
          expression: sum(a) <= 100
      """)
    XCTAssertEqual(s.aggregates.count, 2)
    var ratio = s.aggregates[0].makeAccumulator()
    var sum = s.aggregates[1].makeAccumulator()
    func row(_ agency: String, _ role: String, _ a: String) -> [TypedValue] {
      [.decimal(ExactDecimal(a)!), .null, .string(role), .null, .string(agency), .null]
    }
    for i in 0..<20 {
      let r1 = row("甲局", i == 0 ? "法制审核" : "执法", "5.5")
      let r2 = row("乙局", "执法", "1")
      ratio.add(r1); ratio.add(r2); sum.add(r1); sum.add(r2)
    }
    ratio.add([.null, .null, .string("执法"), .null, .null, .null])  // null group: not counted
    let results = ratio.results()
    XCTAssertEqual(results.map(\.group), [["甲局"], ["乙局"]])
    XCTAssertEqual(results.map(\.outcome), [.passed, .failed])
    XCTAssertEqual(results[0].rowCount, 20)
    let sums = sum.results()
    XCTAssertEqual(sums.map(\.outcome), [.failed, .passed])  // 20 × 5.5 = 110 > 100
    XCTAssertEqual(sums[0].values, [.decimal(ExactDecimal("110.0")!)])
    XCTAssertEqual(try BuiltinSchemas.load(named: "staffing").aggregates.count, 1)
  }
}

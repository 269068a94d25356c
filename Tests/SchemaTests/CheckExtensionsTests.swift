import Diagnostics
import Tabular
import XCTest

@testable import Schema

/// Division with rounding and tolerance, faults instead of silent passes, 15-digit IDs, month
/// precision and the schema keys `exclusive`, `precision` and `acrossAgencies`.
final class CheckExtensionsTests: XCTestCase {
  static let yaml = """
    fields:
      - {name: closed, type: integer}
      - {name: entered, type: integer}
      - {name: rate, type: number}
    """

  func compile(_ expr: String) throws -> RuleExpression {
    let s = try TableSchema(yaml: Self.yaml)
    var checker = ExpressionChecker(aggregate: false) { name in
      s.fieldIndex(named: name).map { ($0, ExpressionType(s.fields[$0].type)) }
    }
    return try checker.check(ExpressionParser.parse(expr)).0
  }

  func row(_ closed: Int64?, _ entered: Int64?, _ rate: String?) -> [TypedValue] {
    [closed.map { .integer($0) } ?? .null, entered.map { .integer($0) } ?? .null,
     rate.map { .decimal(ExactDecimal($0)!) } ?? .null]
  }

  func testAQuotientWithoutAFiniteDecimalFormIsComparedNotSkipped() throws {
    let e = try compile("approx(rate, round(entered * 100 / closed, 1), 0.1) or closed == 0")
    XCTAssertEqual(e.outcome(row(94, 72, "56.6")), .failed, "72 ÷ 94 × 100 = 76.6")
    XCTAssertEqual(e.outcome(row(94, 72, "76.6")), .passed)
    XCTAssertEqual(e.outcome(row(94, 72, "76.5")), .passed, "within the stated tolerance")
    XCTAssertEqual(e.outcome(row(12, 11, "91.7")), .passed)
    XCTAssertEqual(e.outcome(row(0, 0, "0")), .passed, "the guard decides: no fault reported")
    XCTAssertNil(e.fault(row(0, 0, "0")))
    // Before: 94 ÷ 72 at 18 digits overflowed the next subtraction and the rule was skipped.
    let plain = try compile("abs(rate - entered * 100 / closed) <= 0.5")
    XCTAssertEqual(plain.outcome(row(72, 94, "56.6")), .failed)
    XCTAssertEqual(ExactDecimal("94")!.dividing(by: ExactDecimal("72")!)?.description, "1.305555555555555556")
    // A quotient that does not fit 18 fraction digits keeps fewer (it used to be nil).
    XCTAssertEqual(ExactDecimal("9400")!.dividing(by: ExactDecimal("72")!)?.description, "130.5555555555555556")
    XCTAssertEqual(ExactDecimal("9400")!.quotient(dividingBy: ExactDecimal("72")!)?.description, "130.5555555556")
    XCTAssertEqual(ExactDecimal("76.55")!.rounded(scale: 1)?.description, "76.6")
    XCTAssertEqual(ExactDecimal("-76.55")!.rounded(scale: 1)?.description, "-76.6")
  }

  func testFaultsAreToldApartFromNulls() throws {
    let e = try compile("approx(rate, entered * 100 / closed, 0.1)")
    XCTAssertEqual(e.outcome(row(0, 3, "5")), .unknown)
    XCTAssertEqual(e.fault(row(0, 3, "5")), .divisionByZero)
    XCTAssertEqual(e.fault(row(36, 150_626_198_703_152_314, "100")), .overflow)
    XCTAssertNil(e.fault(row(36, nil, "100")), "an empty cell keeps three-valued logic: skipped, not a fault")
    let and = try compile("entered <= closed and rate * 1 / (closed - closed) > 0")
    XCTAssertEqual(and.outcome(row(1, 2, "1")), .failed, "false and <fault> is false")
    XCTAssertNil(and.fault(row(1, 2, "1")))
    XCTAssertEqual(and.fault(row(2, 1, "1")), .divisionByZero)
  }

  func testRoundTakesALiteralScale() {
    XCTAssertThrowsError(try compile("round(rate, closed) > 0"))
    XCTAssertThrowsError(try compile("round(rate, 11) > 0"))
    XCTAssertThrowsError(try compile("approx(rate, 1) "))
  }

  func testFifteenDigitIDsAreErrorsWithTheirEighteenDigitForm() {
    XCTAssertEqual(IDCard.upgraded(from15: "150626750302117"), "150626197503021171")
    XCTAssertNil(IDCard.upgraded(from15: "15062675030211"))
    var c = CellCoercer()
    let f = Field(name: "id", title: "身份证号", type: .string, format: .idCard)
    let out = c.coerce(text: "150626750302117", field: f)
    XCTAssertEqual(out.value, .null)
    XCTAssertEqual(out.failure?.code, .legacyIDCard)
    XCTAssertEqual(out.failure?.severity, .error)
    XCTAssertTrue(out.failure?.parameters.contains(DiagnosticParameter("suggestion", "150626197503021171")) ?? false)
  }

  func testMonthPrecisionDates() throws {
    let s = try TableSchema(yaml: """
      fields:
        - {name: deadline, title: 完成时限, type: date, precision: month}
        - {name: day, type: date}
      """)
    var c = CellCoercer()
    for text in ["2023年12月", "2023-12", "2023.12", "２０２３年１２月"] {
      XCTAssertEqual(c.coerce(text: text, field: s.fields[0]).value, .date(LocalDate(year: 2023, month: 12, day: 31)!), text)
    }
    XCTAssertEqual(c.coerce(text: "2024年2月", field: s.fields[0]).value, .date(LocalDate(year: 2024, month: 2, day: 29)!))
    XCTAssertEqual(c.coerce(text: "2023年12月5日", field: s.fields[0]).value, .date(LocalDate(year: 2023, month: 12, day: 5)!))
    XCTAssertNotNil(c.coerce(text: "2023年13月", field: s.fields[0]).failure)
    XCTAssertNotNil(c.coerce(text: "2023年12月", field: s.fields[1]).failure, "a day-precision date still wants a day")
    XCTAssertThrowsError(try TableSchema(yaml: "fields:\n  - {name: n, type: integer, precision: month}\n"))
    XCTAssertThrowsError(try TableSchema(yaml: "fields:\n  - {name: d, type: date, precision: week}\n"))
  }

  func testExclusiveAndAcrossAgenciesLoad() throws {
    let valid = try BuiltinSchemas.load(named: "normative-documents-valid")
    XCTAssertEqual(valid.exclusive.first?.lists, ["normative-documents-valid", "normative-documents-amended", "normative-documents-repealed"])
    XCTAssertEqual(valid.exclusive.first?.keys, [["doc_number"], ["doc_title", "issued_on"]])
    let training = try BuiltinSchemas.load(named: "training-hours")
    XCTAssertEqual(training.uniqueAcrossAgencies.map { training.fields[$0].name }, ["id_number"])
    XCTAssertThrowsError(try TableSchema(yaml: "fields:\n  - {name: a}\nexclusive:\n  - {lists: [x], keys: [[a]]}\n"))
    XCTAssertThrowsError(try TableSchema(yaml: "fields:\n  - {name: a}\nexclusive:\n  - {lists: [x, y], keys: [[b]]}\n"))
    XCTAssertThrowsError(try TableSchema(yaml: "fields:\n  - {name: a, acrossAgencies: twice}\n"))
  }

  func testAnAggregateThatCannotBeEvaluatedSaysWhy() throws {
    let schema = try TableSchema(yaml: """
      fields:
        - {name: agency, type: string}
        - {name: hours, type: number}
      aggregates:
        - {name: mean-hours, groupBy: agency, expression: "sum(hours) / count() >= 60", severity: policy}
      """)
    var acc = schema.aggregates[0].makeAccumulator()
    acc.add([.string("甲"), .decimal(ExactDecimal("61")!)])
    acc.add([.string("乙"), .decimal(ExactDecimal("9000000000000000000")!)])
    acc.add([.string("乙"), .decimal(ExactDecimal("9000000000000000000")!)])
    acc.add([.string("丙"), .null])
    let results = Dictionary(uniqueKeysWithValues: acc.results().map { ($0.group.joined(), $0) })
    XCTAssertEqual(results["甲"]?.outcome, .passed)
    XCTAssertNil(results["甲"]?.fault)
    XCTAssertEqual(results["乙"]?.outcome, .unknown)
    XCTAssertEqual(results["乙"]?.fault, .overflow, "a sum that overflows is reported, not skipped")
    XCTAssertEqual(results["丙"]?.outcome, .failed, "a null hour is not counted: 0 ÷ 1 < 60")
  }

  func testDocYearOfTextThatIsNoDocumentNumberIsAFault() throws {
    let s = try TableSchema(yaml: "fields:\n  - {name: doc, type: string}\n  - {name: y, type: integer}\n")
    var checker = ExpressionChecker(aggregate: false) { name in s.fieldIndex(named: name).map { ($0, ExpressionType(s.fields[$0].type)) } }
    let e = try checker.check(ExpressionParser.parse("doc_year(doc) == y")).0
    XCTAssertEqual(e.outcome([.string("乌政办发〔2022〕115号"), .integer(2022)]), .passed)
    XCTAssertEqual(e.fault([.string("乌政办发115号"), .integer(2022)]), .notADocumentNumber)
    XCTAssertNil(e.fault([.null, .integer(2022)]))
  }
}

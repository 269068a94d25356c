import Diagnostics
import Tabular
import XCTest

@testable import Schema

final class SchemaLoadingTests: XCTestCase {
  /// `bench/ledger.schema.json`, a plain Frictionless Table Schema.
  static let benchSchema = #"""
  {
    "fields": [
      {"name": "序号", "type": "integer", "constraints": {"required": true, "minimum": 1}},
      {"name": "姓名", "type": "string", "constraints": {"required": true, "maxLength": 20}},
      {"name": "单位", "type": "string", "constraints": {"required": true}},
      {"name": "执法证号", "type": "string", "constraints": {"required": true, "unique": true, "pattern": "[0-9]{14}"}},
      {"name": "身份证号", "type": "string", "constraints": {"required": true, "pattern": "[0-9]{17}[0-9X]"}},
      {"name": "职务", "type": "string"},
      {"name": "公共法律知识学时", "type": "number", "constraints": {"required": true, "minimum": 0}},
      {"name": "行业法律知识学时", "type": "number", "constraints": {"required": true, "minimum": 0}},
      {"name": "合计学时", "type": "number", "constraints": {"required": true, "minimum": 0}},
      {"name": "培训方式", "type": "string", "constraints": {"required": true, "enum": ["集中轮训", "网络培训", "执法能力比赛"]}},
      {"name": "培训日期", "type": "date", "constraints": {"required": true}},
      {"name": "备注", "type": "string"}
    ],
    "primaryKey": ["执法证号"]
  }
  """#

  func testEveryBuiltinLoads() throws {
    XCTAssertEqual(BuiltinSchemas.names.count, 16)
    for name in BuiltinSchemas.names {
      do {
        let s = try BuiltinSchemas.load(named: name)
        XCTAssertEqual(s.name, name)
        XCTAssertNotNil(s.title, name)
        XCTAssertFalse(s.keywords.isEmpty, name)
        XCTAssertFalse(s.fields.isEmpty, name)
      } catch {
        XCTFail("\(name): \(error)")
      }
    }
    XCTAssertThrowsError(try BuiltinSchemas.load(named: "nope"))
  }

  func testTrainingHoursDetails() throws {
    let s = try BuiltinSchemas.load(named: "training-hours")
    XCTAssertEqual(s.fieldIndex(forHeader: "公共法律知识学时（学时）"), s.fieldIndex(named: "public_hours"))
    XCTAssertEqual(s.fieldIndex(forHeader: "公共法律知识"), s.fieldIndex(named: "public_hours"))
    XCTAssertEqual(s.fieldIndex(forHeader: "合 计"), s.fieldIndex(named: "total_hours"))
    XCTAssertEqual(s.rules.filter { $0.severity == .policy }.count, 3)
    XCTAssertEqual(s.uniqueKeys.count, 2)
    XCTAssertEqual(s.foreignKeys.first?.resource, "agency-roster")
    XCTAssertTrue(s.fields[s.fieldIndex(named: "agency")!].fillMerged)

    var row = [TypedValue](repeating: .null, count: s.fields.count)
    let pub = s.fieldIndex(named: "public_hours")!, ind = s.fieldIndex(named: "industry_hours")!
    let tot = s.fieldIndex(named: "total_hours")!
    row[pub] = .decimal(ExactDecimal("32.50")!)
    row[ind] = .decimal(ExactDecimal("27.5")!)
    row[tot] = .decimal(ExactDecimal("60")!)
    let total = s.rules.first { $0.name == "total-is-sum" }!
    XCTAssertEqual(total.check(row), .passed)
    XCTAssertEqual(s.rules.first { $0.name == "industry-law-30" }!.check(row), .failed)
    XCTAssertEqual(s.rules.first { $0.name == "industry-law-30" }!.code, .policyViolation)
    row[tot] = .decimal(ExactDecimal("61")!)
    XCTAssertEqual(total.check(row), .failed)
    row[ind] = .null
    XCTAssertEqual(total.check(row), .unknown, "a null operand makes the rule unknown (skipped)")
  }

  func testPlainFrictionlessSchemaLoadsAndCoerces() throws {
    let s = try TableSchema(yaml: Self.benchSchema, file: "ledger.schema.json")
    XCTAssertEqual(s.fields.count, 12)
    XCTAssertEqual(s.primaryKey, [3])
    var c = CellCoercer(today: LocalDate(year: 2024, month: 1, day: 1)!)
    let date = c.coerce(text: "2023年7月13日", field: s.fields[10])
    XCTAssertEqual(date.value, .date(LocalDate(year: 2023, month: 7, day: 13)!))
    let hours = c.coerce(text: "32.50", field: s.fields[6])
    XCTAssertEqual(hours.value, .decimal(ExactDecimal("32.5")!))
    XCTAssertNotNil(s.fields[3].violation(.string("12AB")))
    XCTAssertNil(s.fields[3].violation(.string("15062700000001")))
    XCTAssertEqual(s.fields[9].violation(.string("自学"))?.constraint, "enum")
    XCTAssertEqual(s.fields[0].violation(.null)?.constraint, "required")
    XCTAssertEqual(s.fields[0].violation(.integer(0))?.constraint, "minimum")
    // Unknown keys are ignored.
    XCTAssertNoThrow(try TableSchema(yaml: #"{"$schema": "x", "fields": [{"name": "a", "format": "default", "rdfType": "y"}]}"#))
  }

  func assertSchemaError(_ yaml: String, _ code: SchemaError.Code, line: Int, column: Int? = nil,
                         file: StaticString = #filePath, lineNo: UInt = #line) {
    do {
      _ = try TableSchema(yaml: yaml, file: "bad.yaml")
      XCTFail("expected \(code)", file: file, line: lineNo)
    } catch {
      XCTAssertEqual(error.code, code, "\(error)", file: file, line: lineNo)
      XCTAssertEqual(error.file, "bad.yaml", file: file, line: lineNo)
      XCTAssertEqual(error.line, line, "\(error)", file: file, line: lineNo)
      if let column { XCTAssertEqual(error.column, column, "\(error)", file: file, line: lineNo) }
    }
  }

  func testBadSchemasSayWhere() {
    assertSchemaError("fields:\n  - name: a\n    type: money\n", .unknownType, line: 3, column: 11)
    assertSchemaError("fields:\n  - name: a\n    format: passport\n", .unknownFormat, line: 3, column: 13)
    assertSchemaError("fields:\n  - name: a\n    constraints:\n      pattern: '[0-9'\n", .badPattern, line: 4, column: 16)
    // Bad expression: the column points inside the expression.
    assertSchemaError("fields:\n  - {name: a, type: number}\nrules:\n  - expression: a + * 2\n", .badExpression,
                      line: 4, column: 21)
    // Type error: a number compared with a string.
    assertSchemaError("fields:\n  - {name: a, type: number}\nrules:\n  - expression: a == \"x\"\n", .expressionType,
                      line: 4, column: 19)
    // Unknown field in an expression.
    assertSchemaError("fields:\n  - {name: a, type: number}\nrules:\n  - expression: a > b\n", .unknownField,
                      line: 4, column: 21)
    assertSchemaError("fields: [\n", .syntax, line: 2)
    assertSchemaError("title: x\n", .missingKey, line: 1)
  }
}

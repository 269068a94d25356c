import Foundation
import Diagnostics
import Tabular
import XCTest

@testable import Schema

final class FormatTests: XCTestCase {
  let today = LocalDate(year: 2024, month: 6, day: 1)!

  func idCard(_ first17: String) -> String { first17 + String(IDCard.checkCharacter(for: first17)!) }

  func testIDCards() {
    let valid = idCard("15062719900101123")
    XCTAssertEqual(IDCard.validate(valid, today: today), .valid(valid))
    // Find a base whose check character is X and accept it in lower case too.
    var withX: String?
    for n in 100..<999 {
      let base = "15062719850315" + String(n)
      if IDCard.checkCharacter(for: base) == "X" { withX = base; break }
    }
    let x = withX!
    XCTAssertEqual(IDCard.validate(x + "x", today: today), .valid(x + "X"))
    // The well-known sample 11010519491231002X.
    XCTAssertEqual(IDCard.validate("11010519491231002X", today: today), .valid("11010519491231002X"))
    let last = valid.last!
    let wrong = String(valid.dropLast()) + (last == "1" ? "2" : "1")
    XCTAssertEqual(IDCard.validate(wrong, today: today), .invalid(reason: "check-digit"))
    XCTAssertEqual(IDCard.validate(idCard("15062719900230123"), today: today), .invalid(reason: "birth-date"))
    XCTAssertEqual(IDCard.validate(idCard("15062720300101123"), today: today), .invalid(reason: "birth-date"))
    XCTAssertEqual(IDCard.validate("150627900101123", today: today), .legacy15("150627900101123"))
    XCTAssertEqual(IDCard.validate("１５０６２７９００１０１１２３", today: today), .legacy15("150627900101123"))
  }

  func testCreditCodes() {
    let base = "91150602MA0Q0ABC1"
    let code = base + String(CreditCode.checkCharacter(for: base)!)
    XCTAssertTrue(CreditCode.isValid(code))
    XCTAssertFalse(CreditCode.isValid("91150602MA0Q0XXXXX"))
    XCTAssertFalse(CreditCode.isValid("91150602MA0Q0ABCIO"), "I and O are not in the alphabet")
    XCTAssertFalse(CreditCode.isValid(String(code.dropLast())))
    // A published code: 91350100M000100Y43.
    XCTAssertTrue(CreditCode.isValid("91350100M000100Y43"))
  }

  func field(_ type: FieldType, _ format: FieldFormat = .default) -> Field {
    Field(name: "f", title: "字段", type: type, format: format)
  }

  func testChineseDates() {
    var c = CellCoercer(today: today)
    let d = TypedValue.date(LocalDate(year: 2023, month: 7, day: 13)!)
    for text in ["2023年7月13日", "2023年07月13日", "2023.7.13", "2023/7/13", "2023-7-13", "2023-07-13", "20230713",
                 "２０２３年７月１３日", " 2023.7.13　", "2023年7月13号"] {
      XCTAssertEqual(c.coerce(text: text, field: field(.date)).value, d, text)
    }
    XCTAssertTrue(c.coerce(text: "２０２３年７月１３日", field: field(.date)).isNormalized)
    for bad in ["2023年13月1日", "2023.2.30", "七月", "2023-7", "2023/7-13"] {
      let out = c.coerce(text: bad, field: field(.date))
      XCTAssertEqual(out.failure?.code, .typeError, bad)
      XCTAssertEqual(out.failure?.parameters.first?.value, "date")
    }
    let ym = TypedValue.yearMonth(YearMonth(year: 2023, month: 7)!)
    for text in ["2023年7月", "2023-07", "2023.7", "202307"] {
      XCTAssertEqual(c.coerce(text: text, field: field(.yearmonth)).value, ym, text)
    }
    XCTAssertEqual(c.coerce(text: "2023年", field: field(.year)).value, .year(2023))
    // An Excel date serial: 45120 = 2023-07-13 in the 1900 system.
    var row = Row()
    row.append(column: 0, kind: .date, number: 45120, string: "")
    row.append(column: 1, kind: .number, number: 20_230_713, string: "20230713")
    XCTAssertEqual(c.coerce(row, column: 0, field: field(.date)).value, d)
    XCTAssertEqual(c.coerce(row, column: 1, field: field(.date)).value, d)
    XCTAssertEqual(c.coerce(row, column: 5, field: field(.date)).value, .null)
    XCTAssertEqual(c.coerce(text: "2023-07-13 14:30", field: field(.datetime)).value.description, "2023-07-13T14:30:00")
  }

  func testDocNumbers() {
    var c = CellCoercer(today: today)
    let f = field(.string, .docNumber)
    let ok = c.coerce(text: "乌政办发〔2022〕115号", field: f)
    XCTAssertEqual(ok.value, .string("乌政办发〔2022〕115号"))
    XCTAssertNil(ok.note)
    for variant in ["乌政办发[2022]115号", "乌政办发（2022）115号", "乌政办发(2022)115号", "乌政办发【2022】115号",
                    "乌政办发［2022］115号", "乌政办发{2022}115号", "乌政办发〔２０２２〕１１５号"] {
      let out = c.coerce(text: variant, field: f)
      XCTAssertEqual(out.value, .string("乌政办发〔2022〕115号"), variant)
      if !variant.contains("〔") { XCTAssertEqual(out.note?.code, .docNumberNormalized, variant) }
    }
    XCTAssertEqual(DocNumber.parse("乌政办发〔2022〕115号")?.year, 2022)
    XCTAssertEqual(c.coerce(text: "乌政办发2022年115号", field: f).failure?.code, .typeError)
    XCTAssertEqual(c.coerce(text: "〔2022〕115号", field: f).failure?.code, .typeError)
  }

  func testLostPrecision() {
    var c = CellCoercer(today: today)
    let f = field(.string, .idCard)
    var row = Row()
    row.append(column: 0, kind: .number, number: 1.50627199001011e17, string: "1.50627199001011E+17")
    row.append(column: 1, kind: .number, number: 1.50627199001011e17, string: "150627199001011000")
    row.append(column: 2, kind: .string, string: "1.50627E+17")
    row.append(column: 3, kind: .number, number: 15062700000001, string: "15062700000001")
    for col in 0..<3 {
      XCTAssertEqual(c.coerce(row, column: col, field: f).failure?.code, .numberLostPrecision, "column \(col)")
    }
    XCTAssertEqual(c.coerce(row, column: 0, field: field(.string, .certNumber)).failure?.code, .numberLostPrecision)
    // A 14-digit certificate number stored as a number is intact.
    XCTAssertEqual(c.coerce(row, column: 3, field: field(.string, .certNumber)).value, .string("15062700000001"))
  }

  func testPhonesNamesAndNormalisation() {
    var c = CellCoercer(today: today)
    XCTAssertEqual(c.coerce(text: "13812345678", field: field(.string, .mobile)).value, .string("13812345678"))
    XCTAssertNotNil(c.coerce(text: "2812345678", field: field(.string, .mobile)).failure)
    for (text, want) in [("0477-2521381", "0477-2521381"), ("2521381", "2521381"), ("(0477)2521381", "0477-2521381"),
                         ("0477-2521381转8001", "0477-2521381-8001"), ("13812345678", "13812345678")] {
      XCTAssertEqual(c.coerce(text: text, field: field(.string, .phone)).value, .string(want), text)
    }
    XCTAssertNotNil(c.coerce(text: "12-34", field: field(.string, .phone)).failure)
    for v in ["乌力吉•巴特尔", "乌力吉・巴特尔", "乌力吉.巴特尔", "乌力吉．巴特尔", "乌力吉·巴特尔"] {
      XCTAssertEqual(c.coerce(text: v, field: field(.string, .personName)).value, .string("乌力吉·巴特尔"), v)
    }
    XCTAssertEqual(c.coerce(text: "张　三", field: field(.string, .personName)).value, .string("张三"))
    XCTAssertNotNil(c.coerce(text: "张3", field: field(.string, .personName)).failure)
    let n = c.coerce(text: "１２３", field: field(.integer))
    XCTAssertEqual(n.value, .integer(123))
    XCTAssertEqual(n.normalizedText, "123")
    XCTAssertFalse(c.coerce(text: "123", field: field(.integer)).isNormalized)
    XCTAssertEqual(c.coerce(text: "√", field: field(.boolean)).value, .boolean(true))
    XCTAssertEqual(c.coerce(text: "否", field: field(.boolean)).value, .boolean(false))
    var e = field(.string)
    e.enumSynonyms = ["网络学习": "网络培训"]
    let syn = c.coerce(text: "网络学习", field: e)
    XCTAssertEqual(syn.value, .string("网络培训"))
    XCTAssertTrue(syn.isNormalized)
    var row = Row()
    row.append(column: 0, kind: .formulaWithoutValue, string: "=A1+B1")
    row.append(column: 1, kind: .error, string: "#N/A")
    XCTAssertEqual(c.coerce(row, column: 0, field: field(.number)).failure?.code, .formulaWithoutValue)
    XCTAssertEqual(c.coerce(row, column: 1, field: field(.number)).failure?.code, .typeError)
  }

  func testDecimalArithmeticAgreesWithFoundationAcrossScales() {
    // Mixed scales, values near the Int64 limits: results that fit are exact, comparisons are right.
    var rng = SystemRandomNumberGenerator()
    let bigs: [Int64] = [0, 1, -1, 5, 325, -600, Int64.max, Int64.min + 1, 922_337_203_685_477_580, -99_999_999_999]
    func decimal(_ d: ExactDecimal) -> Decimal {
      Decimal(sign: d.significand < 0 ? .minus : .plus, exponent: -Int(d.scale),
              significand: Decimal(d.significand.magnitude))
    }
    for _ in 0..<4000 {
      let a = ExactDecimal(significand: Bool.random(using: &rng) ? bigs.randomElement(using: &rng)!
                             : Int64.random(in: -10_000_000...10_000_000, using: &rng),
                           scale: Int8.random(in: 0...18, using: &rng))
      let b = ExactDecimal(significand: Bool.random(using: &rng) ? bigs.randomElement(using: &rng)!
                             : Int64.random(in: -10_000_000...10_000_000, using: &rng),
                           scale: Int8.random(in: 0...18, using: &rng))
      let (x, y) = (decimal(a), decimal(b))
      XCTAssertEqual(a == b, x == y, "\(a) == \(b)")
      XCTAssertEqual(a < b, x < y, "\(a) < \(b)")
      if let s = a.adding(b) { XCTAssertEqual(decimal(s), x + y, "\(a) + \(b)") }
      if let d = a.subtracting(b) { XCTAssertEqual(decimal(d), x - y, "\(a) - \(b)") }
    }
  }

  func testDecimalExactness() {
    let a = ExactDecimal("0.1")!, b = ExactDecimal("0.2")!
    XCTAssertEqual(a.adding(b), ExactDecimal("0.3")!)
    XCTAssertEqual(ExactDecimal("32.50")!, ExactDecimal("32.5")!)
    XCTAssertEqual(ExactDecimal("32.50")!.hashValue, ExactDecimal("32.5")!.hashValue)
    XCTAssertEqual(ExactDecimal("32.50")!.description, "32.50")
    XCTAssertEqual(ExactDecimal("1,234.5")!.description, "1234.5")
    XCTAssertEqual(ExactDecimal("1.5E+3")!.description, "1500")
    XCTAssertEqual(ExactDecimal("-0.05")!.multiplying(by: ExactDecimal("20")!), ExactDecimal("-1")!)
    XCTAssertEqual(ExactDecimal("1")!.dividing(by: ExactDecimal("3")!)!.description, "0.333333333333333333")
    XCTAssertNil(ExactDecimal("1")!.dividing(by: .zero))
    XCTAssertNil(ExactDecimal("9223372036854775807")!.adding(ExactDecimal("1")!))
    XCTAssertTrue(ExactDecimal("59.99")! < ExactDecimal("60")!)
    XCTAssertNil(ExactDecimal("1.2.3"))
    XCTAssertNil(ExactDecimal("abc"))
    XCTAssertEqual(ExactDecimal(excelNumber: 0.1 + 0.2)?.description, "0.3")
  }
}

import XCTest

@testable import XLSXWriter

/// How `merge --template` moves references when the template row (row 5 here) becomes several rows.
final class FormulaRefsTests: XCTestCase {
  func testRangesOverTheTemplateRowGrowAndRowsBelowMoveDown() {
    XCTAssertEqual(FormulaRefs.shift("SUM(E5:E5)", after: 5, by: 3, expand: true), "SUM(E5:E8)")
    XCTAssertEqual(FormulaRefs.shift("SUM($E$4:$E$5)/E6", after: 5, by: 3, expand: true), "SUM($E$4:$E$8)/E9")
    XCTAssertEqual(FormulaRefs.shift("A1+B4+C5", after: 5, by: 3, expand: true), "A1+B4+C5", "rows above and the row itself stay")
    XCTAssertEqual(FormulaRefs.shift("E6:G7", after: 5, by: 2, expand: false), "E8:G9")
    XCTAssertEqual(FormulaRefs.shift("A5:B5", after: 5, by: 2, expand: false), "A5:B5", "a merge in the template row is not stretched")
  }

  func testOtherSheetsStringsAndFunctionNamesAreLeftAlone() {
    XCTAssertEqual(FormulaRefs.shift("Sheet2!A7+'汇总 表'!B9+A7", after: 5, by: 1, expand: true), "Sheet2!A7+'汇总 表'!B9+A8")
    XCTAssertEqual(FormulaRefs.shift("IF(A7=\"B7\",LOG10(C7),0)", after: 5, by: 1, expand: true), "IF(A8=\"B7\",LOG10(C8),0)")
  }

  func testTheTemplateRowsOwnFormulasFollowEachRow() {
    XCTAssertEqual(FormulaRefs.moveRow("C5+D5-$A$1", from: 5, to: 9), "C9+D9-$A$1")
  }
}

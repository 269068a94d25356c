import Diagnostics
import XCTest

/// `DiagnosticCollector`: bounded memory, exact counts.
final class DiagnosticCollectorTests: XCTestCase {
  func testCollectorIsBounded() {
    var c = DiagnosticCollector(limit: 3)
    for i in 0..<5 {
      c.add(Diagnostic(code: .typeError, severity: i < 4 ? .error : .policy, value: String(repeating: "长", count: 40)))
    }
    XCTAssertEqual(c.diagnostics.count, 3)
    XCTAssertTrue(c.isPartial)
    XCTAssertEqual(c.count(.error), 4)
    XCTAssertEqual(c.count(.policy), 1)
    XCTAssertEqual(c.totalCount, 5)
    XCTAssertFalse(c.isValid)
    XCTAssertLessThanOrEqual(c.diagnostics[0].value!.utf8.count, Diagnostic.maxValueBytes)
  }

  func testCountsGoOnPastTheLimitByCode() {
    var c = DiagnosticCollector(limit: 2)
    c.add(Diagnostic(code: .typeError, severity: .error))
    c.add(Diagnostic(code: .blankRow, severity: .warning))
    XCTAssertFalse(c.isPartial, "at the limit, nothing was dropped yet")
    c.addUnkept(.typeError, .error)
    c.add(Diagnostic(code: .policyViolation, severity: .policy))
    XCTAssertTrue(c.isPartial)
    XCTAssertEqual(c.diagnostics.map(\.code), [.typeError, .blankRow])
    XCTAssertEqual(c.countsByCode, [.typeError: 2, .blankRow: 1, .policyViolation: 1])
    XCTAssertEqual(c.count(.warning), 1)
    XCTAssertEqual(c.totalCount, 4)
  }

  func testZeroLimitKeepsNothingAndWarningsAloneAreValid() {
    var c = DiagnosticCollector(limit: -5)
    XCTAssertEqual(c.limit, 0)
    c.add(contentsOf: [Diagnostic(code: .valueNormalized, severity: .warning), Diagnostic(code: .schemaChosen, severity: .info)])
    XCTAssertEqual(c.diagnostics, [])
    XCTAssertTrue(c.isPartial)
    XCTAssertEqual(c.totalCount, 2)
    XCTAssertTrue(c.isValid)
  }

  /// Merging a per-sheet collector keeps its counts, including what it did not keep.
  func testMergeKeepsTheCountsOfWhatTheOtherDidNotKeep() {
    var sheet = DiagnosticCollector(limit: 1)
    for _ in 0..<3 { sheet.add(Diagnostic(code: .uniqueError, severity: .error)) }
    sheet.add(Diagnostic(code: .hiddenRow, severity: .info))
    var file = DiagnosticCollector(limit: 10)
    file.add(Diagnostic(code: .blankRow, severity: .warning))
    file.merge(sheet)
    XCTAssertEqual(file.diagnostics.map(\.code), [.blankRow, .uniqueError])
    XCTAssertEqual(file.count(.error), 3)
    XCTAssertEqual(file.count(.info), 1)
    XCTAssertEqual(file.totalCount, 5)
    XCTAssertEqual(file.countsByCode, [.blankRow: 1, .uniqueError: 3, .hiddenRow: 1])
    XCTAssertTrue(file.isPartial, "the merged collector lists fewer findings than it counts")
    XCTAssertFalse(file.isValid)
  }
}

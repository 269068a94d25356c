import Tabular
import XCTest

@testable import Schema

/// `CompiledRule` decides the common rule shapes without walking the expression tree; its outcome must be the
/// tree's for every shape and every kind of value a typed row can hold.
final class CompiledRuleTests: XCTestCase {
  /// Values of every kind the shapes meet: numbers (small, with fractions, near the limits, so sums
  /// overflow), nulls, texts (empty and not: `present` and `.other`), a date, a year, a boolean.
  static let values: [TypedValue] = [
    .null, .integer(30), .integer(29), .integer(-7), .integer(0), .integer(Int64.max), .integer(Int64.min),
    .decimal(ExactDecimal("30")!), .decimal(ExactDecimal("29.5")!), .decimal(ExactDecimal("30.0")!),
    .decimal(ExactDecimal("999999999999999999")!), .decimal(ExactDecimal("0.000000000000000001")!),
    .string(""), .string("学时"), .string("\u{2022}"), .date(LocalDate(year: 2023, month: 3, day: 1)!), .year(2023),
    .boolean(true),
  ]

  func expressions() -> [RuleExpression] {
    var out: [RuleExpression] = []
    let ops: [ComparisonOperator] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
    for op in ops {
      for lit in [TypedValue.decimal(ExactDecimal(30)), .integer(60), .decimal(ExactDecimal("29.5")!), .string("x"), .null] {
        out.append(.compare(op, .field(0), .literal(lit)))
      }
      for a in [ArithmeticOperator.add, .subtract, .multiply, .divide] {
        out.append(.compare(op, .field(0), .arithmetic(a, .field(1), .field(2))))
        out.append(.compare(op, .field(2), .arithmetic(a, .field(0), .field(7))))  // a field past the row: null
      }
    }
    out.append(.or(.call(.present, [.field(0)]), .call(.present, [.field(1)])))
    out.append(.or(.call(.present, [.field(2)]), .call(.present, [.field(9)])))
    // Shapes left to the tree: the mirror image, a nested sum, `and`.
    out.append(.compare(.less, .literal(.integer(30)), .field(0)))
    out.append(.and(.call(.present, [.field(0)]), .call(.present, [.field(1)])))
    out.append(.compare(.equal, .field(0), .arithmetic(.add, .field(1), .arithmetic(.add, .field(2), .literal(.integer(1))))))
    return out
  }

  func testTheCompiledOutcomeIsTheTreesForEveryShapeAndValue() {
    var rng = SplitMixTestRNG(seed: 20261203)
    let exprs = expressions()
    var fast = 0
    for e in exprs {
      let c = CompiledRule(e)
      if case .tree = c.shape {} else { fast += 1 }
      // Every pair of the first two fields, the third at random; then random rows.
      for a in Self.values {
        for b in Self.values {
          let row = [a, b, Self.values[Int(rng.next() % UInt64(Self.values.count))]]
          row.withUnsafeBufferPointer { XCTAssertEqual(c.outcome(buffer: $0), e.outcome(buffer: $0), "\(e) on \(row)") }
        }
      }
    }
    XCTAssertEqual(fast, 6 * 3 + 6 * 4 * 2 + 2)  // a text or null literal is left to the tree
  }

  func testTheTrainingHoursRulesTakeTheFastShapes() throws {
    let schema = try BuiltinSchemas.load(named: "training-hours")
    let shapes = schema.rules.map { CompiledRule($0.expression).shape }
    XCTAssertEqual(shapes.count, 5)
    for s in shapes { if case .tree = s { XCTFail("a training-hours rule is left to the tree: \(s)") } }
  }
}

/// A small deterministic generator for the test's random rows.
struct SplitMixTestRNG {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

import CSV
import Tabular
import TestSupport
import XCTest

final class TokenizerTests: XCTestCase {
  /// Tokenizes `input` fed in the given chunks; returns the records and their start lines.
  func tokenize(_ input: [UInt8], chunks: [Range<Int>], delimiter: Unicode.Scalar = ",") -> ([[String]], [Int]) {
    var t = CSVTokenizer(delimiter: delimiter)
    var row = Row()
    var out: [[String]] = []
    var lines: [Int] = []
    input.withUnsafeBytes { all in
      for r in chunks {
        var pos = r.lowerBound
        while pos < r.upperBound {
          let p = t.feed(UnsafeRawBufferPointer(rebasing: all[pos..<r.upperBound]), into: &row)
          XCTAssertTrue(p.consumed > 0 || p.recordEnded)
          pos += p.consumed
          if p.recordEnded { out.append(fields(row)); lines.append(t.recordLine); row.removeAll() }
        }
      }
    }
    if t.finish(into: &row) { out.append(fields(row)); lines.append(t.recordLine) }
    return (out, lines)
  }

  func records(_ s: String, delimiter: Unicode.Scalar = ",") -> [[String]] {
    let b = Array(s.utf8)
    return tokenize(b, chunks: b.isEmpty ? [] : [0..<b.count], delimiter: delimiter).0
  }

  func testPythonCompatibleCases() {
    XCTAssertEqual(records(""), [])
    XCTAssertEqual(records("a,b\n"), [["a", "b"]])
    XCTAssertEqual(records("a,b"), [["a", "b"]])
    XCTAssertEqual(records("a,"), [["a", ""]])
    XCTAssertEqual(records("a\n\nb\r\rc\r\n\r\n\"x\"y,\"z"), [["a"], [], ["b"], [], ["c"], [], ["xy", "z"]])
    XCTAssertEqual(records("\"a\"\"b\",c\r\n"), [["a\"b", "c"]])
    XCTAssertEqual(records("a\"b,c"), [["a\"b", "c"]])
    XCTAssertEqual(records("\"x\ny\r\nz\",1\n"), [["x\ny\r\nz", "1"]])
    XCTAssertEqual(records("\u{0},2,3\n"), [["\u{0}", "2", "3"]])
    XCTAssertEqual(records("\""), [[""]])
    XCTAssertEqual(records(",,\n"), [["", "", ""]])
    XCTAssertEqual(records("序号，姓名\n1，乌力吉·巴特尔\n", delimiter: "\u{FF0C}"), [["序号", "姓名"], ["1", "乌力吉·巴特尔"]])
    XCTAssertEqual(records("a\u{EF}\u{BC},b\u{FF0C}", delimiter: "\u{FF0C}"), [["a\u{EF}\u{BC},b", ""]])
    XCTAssertEqual(records("\"a，b\"，c", delimiter: "\u{FF0C}"), [["a，b", "c"]])
  }

  func testLinesCountEveryBreakOnce() {
    let b = Array("h\r\n\"a\r\nb\"\r\n\nx\ry\n".utf8)
    let (rows, lines) = tokenize(b, chunks: [0..<b.count])
    XCTAssertEqual(rows, [["h"], ["a\r\nb"], [], ["x"], ["y"]])
    XCTAssertEqual(lines, [1, 2, 4, 5, 6])
  }

  func testEveryChunkingGivesTheSameRecords() {
    let text = "序号,姓名,单位\r\n1,\"乌力吉·巴特尔\",\"a\r\nb\"\"c\"\r\n2,x\"y,\r3,,\n\n\"end\"x"
    let b = Array(text.utf8)
    let whole = tokenize(b, chunks: [0..<b.count])
    for plan in ChunkPlans.plans(count: b.count) {
      let got = tokenize(b, chunks: plan.ranges)
      XCTAssertEqual(got.0, whole.0, plan.name)
      XCTAssertEqual(got.1, whole.1, plan.name)
    }
    let wide = Array(text.replacingOccurrences(of: ",", with: "，").utf8)
    let wideWhole = tokenize(wide, chunks: [0..<wide.count], delimiter: "\u{FF0C}")
    XCTAssertEqual(wideWhole.0, whole.0.map { $0.map { $0.replacingOccurrences(of: ",", with: "，") } })
    for plan in ChunkPlans.plans(count: wide.count) {
      XCTAssertEqual(tokenize(wide, chunks: plan.ranges, delimiter: "\u{FF0C}").0, wideWhole.0, plan.name)
    }
  }

  func testMatchesReferenceOnRandomInput() {
    var g = SplitMix64(seed: 42)
    let pieces: [[UInt8]] = [[0x2C], [0x22], [0x22, 0x22], [0x0D], [0x0A], [0x0D, 0x0A], Array("a".utf8), Array("bc".utf8),
                             Array("乌力吉".utf8), Array("１２３".utf8), Array("\u{3000}".utf8), [0x20], [0x00]]
    for round in 0..<2000 {
      var input: [UInt8] = []
      let n = Int(g.next() % 40)
      for _ in 0..<n { input += pieces[Int(g.next() % UInt64(pieces.count))] }
      let expected = ReferenceTokenizer.records(input).map { $0.map { String(decoding: $0, as: UTF8.self) } }
      let plan = ChunkPlans.plans(count: input.count, seed: UInt64(round))
      for p in plan {
        let got = tokenize(input, chunks: p.ranges).0
        if got != expected {
          XCTFail("round \(round) \(p.name): \(input) got \(got) expected \(expected)")
          return
        }
      }
    }
  }
}

import XCTest

@testable import Schema

/// Table Schema `pattern`: XML Schema regular expressions, implicitly anchored, compiled by PCRE2.
final class PatternTests: XCTestCase {
  private func p(_ s: String) throws -> CompiledPattern { try CompiledPattern(s) }

  private func bytesMatch(_ pattern: CompiledPattern, _ s: String) -> Bool {
    let m = pattern.makeMatcher()
    return Array(s.utf8).withUnsafeBufferPointer { m.matches($0) }
  }

  func testWholeValueIsMatched() throws {
    let cert = try p("[0-9]{14}")
    XCTAssertTrue(cert.matches("15062719000123"))
    XCTAssertFalse(cert.matches("150627190001234"))
    XCTAssertFalse(cert.matches("x15062719000123"))
    XCTAssertFalse(cert.matches(""))
    // Alternation is anchored as a whole (`^(?:a|b)$`), not as `^a|b$`.
    let alt = try p("集中轮训|网络培训")
    XCTAssertTrue(alt.matches("网络培训"))
    XCTAssertFalse(alt.matches("集中轮训班"))
    XCTAssertFalse(alt.matches("线上网络培训"))
    // Backtracking into an earlier alternative to reach the end.
    XCTAssertTrue(try p("a|ab").matches("ab"))
    // A trailing newline is not forgiven (Python's `$` would).
    XCTAssertFalse(cert.matches("15062719000123\n"))
  }

  func testCompiledToMachineCode() throws {
    // PCRE2's JIT is available on this platform: patterns run as compiled code, not interpreted.
    XCTAssertTrue(try p("[0-9]{17}[0-9X]").jitted)
    XCTAssertTrue(try p("[\\i-[:]][\\c-[:]]*").jitted)
  }

  func testBytesAndStringsAgree() throws {
    let id = try p("[0-9]{17}[0-9X]")
    for s in ["15262719800101001X", "152627198001010012", "15262719800101001x", "", "１５２６２７１９８００１０１００１２"] {
      XCTAssertEqual(bytesMatch(id, s), id.matches(s), s)
    }
    // Invalid UTF-8 never matches a pattern that needs characters, and never traps.
    let any = try p(".*")
    XCTAssertFalse([UInt8]([0xFF, 0xFE]).withUnsafeBufferPointer { any.makeMatcher().matches($0) })
  }

  func testXMLSchemaEscapes() throws {
    // \d is any decimal digit (Unicode Nd), as in XML Schema and Python's re.
    XCTAssertTrue(try p("\\d{3}").matches("١٢٣"))
    XCTAssertTrue(try p("\\d+").matches("２０２３"))
    // \s is space, tab, CR, LF only: not the ideographic space.
    XCTAssertTrue(try p("a\\sb").matches("a b"))
    XCTAssertFalse(try p("a\\sb").matches("a\u{3000}b"))
    // \w excludes punctuation, separators and others; Chinese characters are word characters.
    XCTAssertTrue(try p("\\w+").matches("张三abc123"))
    XCTAssertFalse(try p("\\w+").matches("张三，"))
    // \i / \c: XML name characters.
    XCTAssertTrue(try p("\\i\\c*").matches("_a1-b.c"))
    XCTAssertFalse(try p("\\i\\c*").matches("1abc"))
    XCTAssertTrue(try p("\\I").matches("1"))
    XCTAssertTrue(try p("[\\i-[:]]\\c*").matches("名称"))
    // `.` is anything but CR and LF.
    XCTAssertTrue(try p("a.c").matches("a中c"))
    XCTAssertFalse(try p("a.c").matches("a\rc"))
    // Categories and blocks.
    XCTAssertTrue(try p("\\p{Lu}\\p{Ll}+").matches("Ab"))
    XCTAssertTrue(try p("\\p{IsCJKUnifiedIdeographs}{2,4}").matches("乌审旗"))
    XCTAssertFalse(try p("\\p{IsCJKUnifiedIdeographs}{2,4}").matches("乌审旗a"))
    XCTAssertTrue(try p("\\P{IsBasicLatin}+").matches("乌审旗"))
    // Metacharacters escaped.
    XCTAssertTrue(try p("\\(\\d+\\)\\.\\*").matches("(12).*"))
    XCTAssertTrue(try p("[\\-\\]\\[]+").matches("-[]"))
    // Python-compatible extras: anchors, non-capturing groups, lazy quantifiers.
    XCTAssertTrue(try p("^[A-Z]{2}$").matches("AB"))
    XCTAssertTrue(try p("(?:ab)+?").matches("abab"))
  }

  func testClassSubtraction() throws {
    let consonant = try p("[a-z-[aeiou]]+")
    XCTAssertTrue(consonant.matches("bcd"))
    XCTAssertFalse(consonant.matches("bad"))
    // Nested: digits but not 5-9 except 7.
    let nested = try p("[0-9-[5-9-[7]]]+")
    XCTAssertTrue(nested.matches("01237"))
    XCTAssertFalse(nested.matches("5"))
    // Negated base.
    XCTAssertTrue(try p("[^a-z-[0-9]]").matches("A"))
    XCTAssertFalse(try p("[^a-z-[0-9]]").matches("5"))
  }

  func testRefusedConstructsSayWhere() {
    func refused(_ s: String, at position: Int, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
      do {
        _ = try CompiledPattern(s)
        XCTFail("\(s) compiled", file: file, line: line)
      } catch {
        XCTAssertEqual(error.position, position, s, file: file, line: line)
        XCTAssertTrue(error.message.contains(fragment), "\(s): \(error.message)", file: file, line: line)
      }
    }
    refused("[0-9", at: 1, "not closed")
    refused("ab(c", at: 3, "not closed")
    refused("a)", at: 2, "without a matching")
    refused("\\bword", at: 1, "not an XML Schema escape")
    refused("(a)\\1", at: 4, "not an XML Schema escape")
    refused("(?=a)b", at: 1, "groups are accepted")
    refused("a{3,1}", at: 2, "below the minimum")
    refused("a{,3}", at: 2, "quantifier")
    refused("*a", at: 1, "nothing to repeat")
    refused("a**", at: 3, "another quantifier")
    refused("[z-a]", at: 3, "backwards")
    refused("[]", at: 1, "empty")
    refused("\\p{IsKlingon}", at: 1, "not supported")
    refused("\\p{Xx}", at: 1, "unknown Unicode category")
    refused("[a-z-[aeiou]x]", at: 13, "last part")
  }

  func testSchemaErrorNamesFileLineColumnAndCharacter() throws {
    let yaml = "fields:\n  - name: 编号\n    constraints:\n      pattern: '[0-9]{3}\\b'\n"
    XCTAssertThrowsError(try TableSchema(yaml: yaml, file: "s.yaml")) { e in
      guard let e = e as? SchemaError else { return XCTFail("\(e)") }
      XCTAssertEqual(e.code, .badPattern)
      XCTAssertEqual(e.line, 4)
      XCTAssertEqual(e.column, 16)
      XCTAssertTrue(e.description.hasPrefix("s.yaml:4:16:"), e.description)
      XCTAssertTrue(e.description.contains("at character 9"), e.description)
    }
  }

  func testMatchersAreIndependent() throws {
    // PCRE2 code is shared; each matcher has its own match data, so interleaved use cannot mix results.
    let pattern = try p("[0-9]{17}[0-9X]")
    let a = pattern.makeMatcher(), b = pattern.makeMatcher()
    for i in 0..<1000 {
      let s = i % 3 == 0 ? "15262719800101001X" : "1526271980010100"
      let r1 = Array(s.utf8).withUnsafeBufferPointer { a.matches($0) }
      let r2 = Array(s.utf8).withUnsafeBufferPointer { b.matches($0) }
      XCTAssertEqual(r1, i % 3 == 0)
      XCTAssertEqual(r1, r2)
    }
  }
}

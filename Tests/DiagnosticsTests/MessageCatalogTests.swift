import Tabular
import XCTest

@testable import Diagnostics

/// The message catalog: every code has a Chinese and an English text, and every placeholder is filled.
final class MessageCatalogTests: XCTestCase {
  func testTypeErrorInBothLanguagesAndLanguageChoice() {
    let d = Diagnostic(code: .typeError, severity: .error,
                       location: SourceLocation(sheet: "培训台账", row: 16, column: 3), field: "培训日期",
                       value: "2023年13月1日", parameters: [.init("expected", "date")])
    let zh = MessageCatalog.render(d, lang: .zhCN)
    XCTAssertEqual(zh.title, "类型错误")
    XCTAssertEqual(zh.message, "「培训日期」应为日期，实际为「2023年13月1日」（培训台账!D17）")
    XCTAssertEqual(zh.hint, "请按 2023-07-13 或 2023年7月13日 填写")
    let en = MessageCatalog.render(d, lang: .en)
    XCTAssertEqual(en.message, "\"培训日期\" should be a date, found \"2023年13月1日\" (培训台账!D17)")
    XCTAssertEqual(en.hint, "Write dates as 2023-07-13 or 2023年7月13日")
    for code in DiagnosticCode.all { XCTAssertTrue(MessageCatalog.hasEntry(for: code), code.slug) }
    XCTAssertEqual(MessageLanguage.from(lang: "zh_CN.UTF-8"), .zhCN)
    XCTAssertEqual(MessageLanguage.from(lang: "en_US.UTF-8"), .en)
    XCTAssertEqual(MessageLanguage.from(lang: "C"), .en)
    XCTAssertEqual(MessageLanguage.from(lang: nil), .zhCN)
    XCTAssertEqual(MessageLanguage.from(lang: "zh_CN.UTF-8", override: .en), .en)
    let unknown = MessageCatalog.render(Diagnostic(code: "brand-new", severity: .info, field: "x", value: "y"))
    XCTAssertEqual(unknown.title, "brand-new")
    let rule = Diagnostic(code: .policyViolation, severity: .policy, location: SourceLocation(row: 4),
                          parameters: [.init("rule", "每人每年培训不少于60学时")])
    XCTAssertEqual(MessageCatalog.render(rule).message, "第5行：每人每年培训不少于60学时")
  }

  /// Every code of `DiagnosticCode.all` has its own entry in both languages: a title, and a message
  /// that differs between them.
  func testEveryCodeHasChineseAndEnglishText() {
    XCTAssertEqual(Set(CatalogZH.entries.keys), Set(CatalogEN.entries.keys), "the two catalogs have the same entries")
    for code in DiagnosticCode.all {
      XCTAssertTrue(MessageCatalog.hasEntry(for: code), code.slug)
      guard let zh = CatalogZH.entries[code.slug], let en = CatalogEN.entries[code.slug] else { continue }
      XCTAssertFalse(zh.title.isEmpty, "\(code.slug): Chinese title")
      XCTAssertFalse(en.title.isEmpty, "\(code.slug): English title")
      XCTAssertFalse(zh.message.isEmpty, "\(code.slug): Chinese message")
      XCTAssertFalse(en.message.isEmpty, "\(code.slug): English message")
      XCTAssertTrue(zh.title.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) },
                    "\(code.slug): the Chinese title is Chinese: \(zh.title)")
      XCTAssertFalse(en.title.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) },
                     "\(code.slug): the English title is English: \(en.title)")
      XCTAssertNotEqual(MessageCatalog.title(of: code, lang: .zhCN), MessageCatalog.title(of: code, lang: .en), code.slug)
    }
    // Variants (`type-error.date`) belong to a code of the catalog.
    for key in CatalogZH.entries.keys where key.contains(".") {
      let base = String(key[..<key.firstIndex(of: ".")!])
      XCTAssertNotNil(CatalogZH.entries[base], "\(key) is a variant of a known code")
    }
  }

  /// The placeholders a template uses, e.g. `["field", "value", "cell"]`.
  private func placeholders(_ template: String) -> [String] {
    var out: [String] = []
    var rest = Substring(template)
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
      out.append(String(rest[rest.index(after: open)..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return out
  }

  /// Every placeholder of every entry, in both languages, is replaced by the diagnostic's own value:
  /// field, value, cell (sheet!A1), row (1-based), sheet, file, and the named parameters.
  func testEveryPlaceholderIsSubstituted() {
    for lang in MessageLanguage.allCases {
      let entries = lang == .zhCN ? CatalogZH.entries : CatalogEN.entries
      for (key, entry) in entries where !key.contains(".") {
        let names = Set(placeholders(entry.title) + placeholders(entry.message) + placeholders(entry.hint))
        let parameters = names.subtracting(["field", "value", "cell", "row", "sheet", "file", "severity"]).sorted()
          .map { DiagnosticParameter($0, "P-\($0)") }
        let d = Diagnostic(code: DiagnosticCode(key), severity: .warning,
                           location: SourceLocation(file: "台账.xlsx", sheet: "培训台账", row: 4, column: 2),
                           field: "执法证号", value: "V-值", parameters: parameters)
        let r = MessageCatalog.render(d, lang: lang)
        let all = r.title + "\n" + r.message + "\n" + r.hint
        XCTAssertFalse(all.contains("{"), "\(lang) \(key): a placeholder is left: \(all)")
        XCTAssertFalse(all.contains("}"), "\(lang) \(key): a placeholder is left: \(all)")
        let expected: [String: String] = [
          "field": "执法证号", "value": "V-值", "cell": "培训台账!C5", "row": "5", "sheet": "培训台账", "file": "台账.xlsx",
          "severity": "warning",
        ]
        for name in names {
          let text = expected[name] ?? "P-\(name)"
          XCTAssertTrue(all.contains(text), "\(lang) \(key): {\(name)} should give \(text): \(all)")
        }
      }
    }
  }

  /// A code-specific variant replaces the message or hint, and names of types and reasons are translated.
  func testVariantsAndTranslatedParameters() {
    let d = Diagnostic(code: .typeError, severity: .error, location: SourceLocation(sheet: "S", row: 0, column: 0),
                       field: "身份证号", value: "150626198703152317",
                       parameters: [.init("expected", "id-card"), .init("reason", "check-digit")])
    let zh = MessageCatalog.render(d, lang: .zhCN)
    XCTAssertTrue(zh.message.contains("校验位不正确"), zh.message)
    let en = MessageCatalog.render(d, lang: .en)
    XCTAssertTrue(en.message.contains("wrong check digit"), en.message)
    XCTAssertTrue(en.message.contains("S!A1"), en.message)
    // A row without a column is named as a row.
    let row = Diagnostic(code: .blankRow, severity: .warning, location: SourceLocation(row: 9))
    XCTAssertTrue(MessageCatalog.render(row, lang: .zhCN).message.contains("第10行"), MessageCatalog.render(row, lang: .zhCN).message)
    XCTAssertTrue(MessageCatalog.render(row, lang: .en).message.lowercased().contains("row 10"), MessageCatalog.render(row, lang: .en).message)
  }
}

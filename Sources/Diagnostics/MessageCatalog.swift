import Tabular

/// The language of rendered messages.
public enum MessageLanguage: String, Sendable, Hashable, CaseIterable {
  /// Simplified Chinese, the default: the agencies read these.
  case zhCN = "zh-CN"
  /// English.
  case en = "en"

  /// The language for a `LANG`-style value: `zh*` → zh-CN, `en*`/`C`/`POSIX` → English;
  /// an `override` wins; with nothing set the default is zh-CN.
  public static func from(lang: String?, override: MessageLanguage? = nil) -> MessageLanguage {
    if let override { return override }
    guard let lang, !lang.isEmpty else { return .zhCN }
    let l = lang.lowercased()
    if l.hasPrefix("zh") { return .zhCN }
    if l.hasPrefix("en") || l == "c" || l.hasPrefix("c.") || l == "posix" { return .en }
    return .zhCN
  }
}

/// A rendered diagnostic: a short title, the message, and what to do about it (修改建议).
public struct RenderedMessage: Hashable, Sendable {
  public var title: String
  public var message: String
  public var hint: String
}

/// One catalog entry: title, message template and hint template with `{placeholders}`.
struct CatalogEntry: Sendable {
  var title: String
  var message: String
  var hint: String
}

/// The message catalog: per code and language a title, a message template and a hint.
///
/// Templates use `{field}`, `{value}`, `{cell}` (the A1 reference with sheet), `{row}` (1-based),
/// `{sheet}`, `{file}` and any of the diagnostic's parameters. Some codes have variants keyed
/// by a parameter, e.g. `type-error` with `expected = date` has its own hint. An unknown code
/// renders generically with its slug, so new codes never crash a report.
public enum MessageCatalog {
  /// Renders `d` in `lang`.
  ///
  /// - Complexity: O(length of the templates); allocates the three strings.
  public static func render(_ d: Diagnostic, lang: MessageLanguage = .zhCN) -> RenderedMessage {
    let table = lang == .zhCN ? CatalogZH.entries : CatalogEN.entries
    let expected = d.parameter("expected") ?? d.parameter("format")
    var entry = table[d.code.slug] ?? CatalogEntry(
      title: d.code.slug, message: lang == .zhCN ? "「{field}」：{value}" : "{field}: {value}", hint: "")
    if let expected, let variant = table[d.code.slug + "." + expected] {
      entry.message = variant.message.isEmpty ? entry.message : variant.message
      entry.hint = variant.hint.isEmpty ? entry.hint : variant.hint
    }
    // A rule's own message (from the schema) replaces the template.
    if let own = d.parameter(lang == .zhCN ? "message" : "message_en") ?? d.parameter("message") {
      entry.message = own
    }
    return RenderedMessage(title: fill(entry.title, d, lang), message: fill(entry.message, d, lang),
                           hint: fill(entry.hint, d, lang))
  }

  /// The title of a code in `lang` (for report headings and summaries).
  public static func title(of code: DiagnosticCode, lang: MessageLanguage = .zhCN) -> String {
    (lang == .zhCN ? CatalogZH.entries : CatalogEN.entries)[code.slug]?.title ?? code.slug
  }

  /// True when the catalog has an entry for `code` in both languages.
  public static func hasEntry(for code: DiagnosticCode) -> Bool {
    CatalogZH.entries[code.slug] != nil && CatalogEN.entries[code.slug] != nil
  }

  /// Replaces `{name}` placeholders; unknown placeholders become empty.
  static func fill(_ template: String, _ d: Diagnostic, _ lang: MessageLanguage) -> String {
    // On the template's UTF-8 bytes: `{` and `}` never occur inside a multi-byte sequence, and a report
    // renders every finding (hundreds per submission), so walking Characters here showed in profiles.
    var template = template
    return template.withUTF8 { t -> String in
      guard let open = t.firstIndex(of: UInt8(ascii: "{")) else { return String(decoding: t, as: UTF8.self) }
      var out: [UInt8] = []
      out.reserveCapacity(t.count + 32)
      out.append(contentsOf: t[..<open])
      var i = open
      while i < t.count {
        let b = t[i]
        guard b == UInt8(ascii: "{") else {
          out.append(b)
          i += 1
          continue
        }
        guard let close = t[(i + 1)...].firstIndex(of: UInt8(ascii: "}")) else {
          out.append(contentsOf: t[i...])  // an unclosed brace stays as written
          break
        }
        var v = value(of: String(decoding: t[(i + 1)..<close], as: UTF8.self), d, lang)
        v.withUTF8 { out.append(contentsOf: $0) }
        i = close + 1
      }
      return String(decoding: out, as: UTF8.self)
    }
  }

  private static func value(of name: String, _ d: Diagnostic, _ lang: MessageLanguage) -> String {
    switch name {
    case "field": return d.field ?? ""
    case "value": return d.value ?? ""
    case "row": return d.location.row.map { String($0 + 1) } ?? ""
    case "sheet": return d.location.sheet ?? d.location.file ?? ""
    case "file": return d.location.file ?? ""
    case "cell":
      if let a1 = d.location.a1 { return d.location.sheet.map { "\($0)!\(a1)" } ?? a1 }
      return d.location.row.map { lang == .zhCN ? "第\($0 + 1)行" : "row \($0 + 1)" } ?? ""
    case "severity": return d.severity.description
    default:
      guard let v = d.parameter(name) else { return "" }
      if name == "expected" || name == "format" { return typeName(v, lang) }
      if name == "reason" { return reasonName(v, lang) }
      return v
    }
  }

  /// Display names of the reasons an identity number is rejected (`check-digit`…).
  static func reasonName(_ slug: String, _ lang: MessageLanguage) -> String {
    let zh: [String: String] = [
      "check-digit": "校验位不正确", "length": "位数不对", "characters": "含有不允许的字符",
      "region": "地区代码不正确", "birth-date": "出生日期不正确", "check-character": "校验码不正确",
      "legacy-15": "15位旧号码已于2013年停止使用",
      "division-by-zero": "除数为0", "overflow": "数值超出可计算范围", "not-a-number": "参与计算的值不是数字",
      "not-a-document-number": "不是有效的文号，无法取得年份",
    ]
    let en: [String: String] = [
      "check-digit": "wrong check digit", "length": "wrong length", "characters": "characters not allowed",
      "region": "wrong region code", "birth-date": "impossible birth date", "check-character": "wrong check character",
      "legacy-15": "15-digit numbers stopped being valid in 2013",
      "division-by-zero": "division by zero", "overflow": "a number too large to compute with",
      "not-a-number": "a value that is not a number",
      "not-a-document-number": "not a document number, so it has no year",
    ]
    return (lang == .zhCN ? zh[slug] : en[slug]) ?? slug
  }

  /// Display names of types and formats.
  static func typeName(_ slug: String, _ lang: MessageLanguage) -> String {
    let zh: [String: String] = [
      "string": "文本", "integer": "整数", "number": "数字", "boolean": "是/否", "date": "日期",
      "year": "年份", "yearmonth": "年月", "datetime": "日期时间", "time": "时间", "id-card": "身份证号",
      "credit-code": "统一社会信用代码", "mobile": "手机号码", "phone": "电话号码", "doc-number": "文号",
      "cert-number": "执法证号", "person-name": "姓名", "any": "任意值",
    ]
    let en: [String: String] = [
      "string": "text", "integer": "a whole number", "number": "a number", "boolean": "yes/no",
      "date": "a date", "year": "a year", "yearmonth": "a year and month", "datetime": "a date and time",
      "time": "a time", "id-card": "an ID card number", "credit-code": "a unified social credit code",
      "mobile": "a mobile number", "phone": "a phone number", "doc-number": "a document number",
      "cert-number": "an enforcement certificate number", "person-name": "a person's name", "any": "any value",
    ]
    return (lang == .zhCN ? zh : en)[slug] ?? slug
  }
}

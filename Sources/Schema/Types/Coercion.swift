import Diagnostics
import Tabular

/// A problem found while coercing one cell: a failure (the cell is bad) or a note (usable, but report it).
public struct CoercionIssue: Sendable, Hashable {
  public var code: DiagnosticCode
  public var severity: Severity
  public var parameters: [DiagnosticParameter]

  public init(_ code: DiagnosticCode, _ severity: Severity, _ parameters: [DiagnosticParameter] = []) {
    self.code = code
    self.severity = severity
    self.parameters = parameters
  }

  /// The diagnostic for this issue at `location` on `field`, with the raw cell text.
  public func diagnostic(at location: SourceLocation, field: Field, raw: String) -> Diagnostic {
    Diagnostic(code: code, severity: severity, location: location, field: field.displayName, value: raw,
               parameters: parameters)
  }
}

/// The result of coercing one cell to its field's type.
public struct CoercionOutcome: Sendable {
  /// The typed value (`.null` for a missing value or a failure).
  public var value: TypedValue
  /// Set when the cell cannot be accepted (`type-error`, `number-lost-precision`, `formula-without-value`).
  public var failure: CoercionIssue?
  /// Set for a usable value that still deserves a report (`doc-number-normalized`, `legacy-id-card`).
  public var note: CoercionIssue?
  /// The normalised text when normalisation changed the value (report as `value-normalized`).
  public var normalizedText: String?

  /// True when normalisation changed the value.
  public var isNormalized: Bool { normalizedText != nil }

  static let null = CoercionOutcome(value: .null)

  init(value: TypedValue, failure: CoercionIssue? = nil, note: CoercionIssue? = nil, normalizedText: String? = nil) {
    self.value = value
    self.failure = failure
    self.note = note
    self.normalizedText = normalizedText
  }

  static func fail(_ field: Field, _ code: DiagnosticCode = .typeError, _ extra: [DiagnosticParameter] = [])
    -> CoercionOutcome
  {
    let expected = field.format == .default || field.format == .any ? field.type.rawValue : field.format.rawValue
    return CoercionOutcome(value: .null,
                           failure: CoercionIssue(code, .error, [.init("expected", expected)] + extra))
  }
}

/// Coerces cells to typed values; one per file (it keeps a scratch buffer, so it is not shared).
///
/// ```swift
/// var coercer = CellCoercer(dateSystem: .excel1900)
/// let out = coercer.coerce(row, column: 3, field: schema.fields[3])
/// if let f = out.failure { collector.add(f.diagnostic(at: loc, field: field, raw: row.text(i))) }
/// ```
///
/// - Complexity: O(cell text length). Works on the row's UTF-8 bytes with a reused scratch
///   buffer; allocates only the String of a string result (and for formats that need one).
public struct CellCoercer: Sendable {
  public var dateSystem: DateSystem
  /// The date birth dates in ID cards must not pass.
  public var today: LocalDate
  private var scratch: [UInt8] = []

  public init(dateSystem: DateSystem = .excel1900, today: LocalDate = .today) {
    self.dateSystem = dateSystem
    self.today = today
    scratch.reserveCapacity(256)
  }

  /// Coerces the cell in `column` of `row` (a blank column is null).
  public mutating func coerce(_ row: Row, column: Int, field: Field) -> CoercionOutcome {
    coerce(row, cellIndex: row.cellIndex(column: column), field: field)
  }

  /// Coerces `row.cells[cellIndex]` (nil or out of range: null).
  public mutating func coerce(_ row: Row, cellIndex: Int?, field: Field) -> CoercionOutcome {
    guard let i = cellIndex, i >= 0, i < row.cells.count else { return .null }
    let cell = row.cells[i]
    return row.withText(i) { coerce(cell: cell, text: $0, field: field) }
  }

  /// Coerces a text value (tests, CSV-like sources, roster files).
  public mutating func coerce(text: String, field: Field) -> CoercionOutcome {
    var s = text
    let cell = Cell(column: 0, kind: .string, textLength: Int32(s.utf8.count))
    return s.withUTF8 { coerce(cell: cell, text: $0, field: field) }
  }

  /// Coerces one cell given its metadata and UTF-8 text.
  public mutating func coerce(cell: Cell, text: UnsafeBufferPointer<UInt8>, field: Field) -> CoercionOutcome {
    switch cell.kind {
    case .empty:
      return .null
    case .error:
      return .fail(field, .typeError, [.init("reason", "excel-error")])
    case .formulaWithoutValue:
      return CoercionOutcome(value: .null, failure: CoercionIssue(.formulaWithoutValue, .error))
    case .date:
      return fromSerial(cell, text: text, field: field)
    case .boolean:
      switch field.type {
      case .boolean: return CoercionOutcome(value: .boolean(cell.number != 0))
      case .integer: return CoercionOutcome(value: .integer(cell.number != 0 ? 1 : 0))
      case .number: return CoercionOutcome(value: .decimal(ExactDecimal(cell.number != 0 ? 1 : 0)))
      case .string, .any: return CoercionOutcome(value: .string(cell.number != 0 ? "TRUE" : "FALSE"))
      default: return .fail(field)
      }
    case .number:
      return fromNumber(cell, text: text, field: field)
    case .string:
      return fromText(text, field: field)
    }
  }

  // MARK: number cells

  private static func isLongNumberFormat(_ f: FieldFormat) -> Bool {
    f == .idCard || f == .creditCode || f == .certNumber
  }

  /// The cell's number as exact decimal: its original text when it parses, else the binary value.
  private func decimal(of cell: Cell, _ text: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
    let r = TextNormalization.trimmedRange(text)
    if !r.isEmpty, let d = ExactDecimal.parse(UnsafeBufferPointer(rebasing: text[r])) { return d }
    return ExactDecimal(excelNumber: cell.number)
  }

  private mutating func fromNumber(_ cell: Cell, text: UnsafeBufferPointer<UInt8>, field: Field) -> CoercionOutcome {
    if Self.isLongNumberFormat(field.format) {
      let digits = Self.significantDigits(cell: cell, text: text)
      let hasExponent = text.contains(UInt8(ascii: "E")) || text.contains(UInt8(ascii: "e"))
      if digits.integerDigits > 15 || hasExponent || digits.significant > 15 {
        return CoercionOutcome(value: .null, failure: CoercionIssue(.numberLostPrecision, .error,
                                                                   [.init("expected", field.format.rawValue)]))
      }
      // An intact integer (e.g. a 15-digit legacy ID or a 14-digit certificate number): check it as text.
      guard let d = decimal(of: cell, text), d.isInteger, let v = d.int64Value, v >= 0 else { return .fail(field) }
      return fromText(Array(String(v).utf8), field: field, raw: nil)
    }
    switch field.type {
    case .number:
      guard let d = decimal(of: cell, text) else { return .fail(field) }
      return CoercionOutcome(value: .decimal(d))
    case .integer:
      guard let d = decimal(of: cell, text), let v = d.int64Value else { return .fail(field) }
      return CoercionOutcome(value: .integer(v))
    case .year:
      guard let d = decimal(of: cell, text), let v = d.int64Value, v >= 1000, v <= 9999 else { return .fail(field) }
      return CoercionOutcome(value: .year(Int(v)))
    case .boolean:
      guard let d = decimal(of: cell, text), let v = d.int64Value, v == 0 || v == 1 else { return .fail(field) }
      return CoercionOutcome(value: .boolean(v == 1))
    case .date, .datetime, .yearmonth:
      guard let d = decimal(of: cell, text) else { return .fail(field) }
      if let v = d.int64Value, v >= 19_000_101, v <= 99_991_231 {  // 20230713 typed as a number
        return fromText(Array(String(v).utf8), field: field, raw: nil)
      }
      if let v = d.int64Value, field.type == .yearmonth, v >= 190_001, v <= 999_912 {
        return fromText(Array(String(v).utf8), field: field, raw: nil)
      }
      guard d.signum > 0, d < ExactDecimal(2_958_466) else { return .fail(field) }
      return fromSerial(cell, text: text, field: field)
    case .time:
      return fromSerial(cell, text: text, field: field)
    case .string, .any:
      guard let d = decimal(of: cell, text) else { return fromText(text, field: field) }
      // Numbers keep their plain text (no exponent); formats (mobile, phone) then apply.
      return fromText(Array(d.description.utf8), field: field, raw: nil)
    }
  }

  /// Counts the digits of a number cell's text (or its value when the text is empty).
  private static func significantDigits(cell: Cell, text: UnsafeBufferPointer<UInt8>) -> (significant: Int, integerDigits: Int) {
    var significant = 0
    var integerDigits = 0
    var started = false
    var inFraction = false
    for c in text {
      if c == UInt8(ascii: "E") || c == UInt8(ascii: "e") { break }
      if c == UInt8(ascii: ".") { inFraction = true; continue }
      guard c >= 0x30 && c <= 0x39 else { continue }
      if !inFraction { integerDigits += 1 }
      if c != 0x30 { started = true }
      if started {
        significant += 1
      }
    }
    if text.isEmpty, cell.number.isFinite {
      var v = Swift.abs(cell.number)
      while v >= 1 { v /= 10; integerDigits += 1 }
      significant = integerDigits
    }
    return (significant, integerDigits)
  }

  // MARK: date cells

  private func fromSerial(_ cell: Cell, text: UnsafeBufferPointer<UInt8>, field: Field) -> CoercionOutcome {
    guard let c = dateSystem.components(serial: cell.number),
          let date = LocalDate(year: c.year, month: c.month, day: c.day) else { return .fail(field) }
    let ms = ((c.hour * 60 + c.minute) * 60 + c.second) * 1000 + c.millisecond
    switch field.type {
    case .date: return CoercionOutcome(value: .date(date))
    case .datetime:
      var t = LocalDateTime(date: date)
      t.millisecondOfDay = ms
      return CoercionOutcome(value: .dateTime(t))
    case .yearmonth:
      return YearMonth(year: c.year, month: c.month).map { CoercionOutcome(value: .yearMonth($0)) } ?? .fail(field)
    case .year: return CoercionOutcome(value: .year(c.year))
    case .time: return CoercionOutcome(value: .time(ms))
    case .string, .any:
      if cell.dateKind == .timeOfDay { return CoercionOutcome(value: .time(ms)) }
      return CoercionOutcome(value: .string(ms == 0 ? date.description : LocalDateTime(date: date).description))
    case .number:
      return ExactDecimal(excelNumber: cell.number).map { CoercionOutcome(value: .decimal($0)) } ?? .fail(field)
    case .integer, .boolean:
      return .fail(field)
    }
  }

  // MARK: text

  private mutating func fromText(_ text: UnsafeBufferPointer<UInt8>, field: Field) -> CoercionOutcome {
    let r = field.normalizes(.trim) ? TextNormalization.trimmedRange(text) : 0..<text.count
    // Missing values are compared after trimming.
    for mv in field.missingValueBytes where mv.count == r.count {
      if mv.elementsEqual(text[r]) { return .null }
    }
    scratch.removeAll(keepingCapacity: true)
    if field.normalizes(.nfkc) {
      TextNormalization.appendFolded(text, r, to: &scratch)
    } else {
      scratch.append(contentsOf: text[r])
    }
    let changed = scratch.count != text.count || !scratch.elementsEqual(text)
    let buffer = scratch
    return parse(buffer, field: field, rawChanged: changed)
  }

  private mutating func fromText(_ bytes: [UInt8], field: Field, raw: String?) -> CoercionOutcome {
    bytes.withUnsafeBufferPointer { fromText($0, field: field) }
  }

  /// Parses normalised bytes. `rawChanged` says whether trimming/folding changed the text.
  private func parse(_ b: [UInt8], field: Field, rawChanged: Bool) -> CoercionOutcome {
    if b.isEmpty { return .null }
    func normalizedIf(_ changed: Bool, _ v: TypedValue) -> CoercionOutcome {
      CoercionOutcome(value: v, normalizedText: changed ? v.description : nil)
    }
    // Enum synonyms apply to every type before parsing.
    if !field.enumSynonyms.isEmpty {
      let s = String(decoding: b, as: UTF8.self)
      if let canonical = field.enumSynonyms[s] {
        var copy = field
        copy.enumSynonyms = [:]
        var out = parse(Array(canonical.utf8), field: copy, rawChanged: true)
        if out.failure == nil { out.normalizedText = out.value.description }
        return out
      }
    }
    switch field.type {
    case .string, .any:
      return parseFormat(b, field: field, rawChanged: rawChanged)
    case .integer:
      guard let d = b.withUnsafeBufferPointer({ ExactDecimal.parse($0) }), let v = d.int64Value else {
        return .fail(field)
      }
      return normalizedIf(rawChanged, .integer(v))
    case .number:
      guard let d = b.withUnsafeBufferPointer({ ExactDecimal.parse($0) }) else { return .fail(field) }
      return normalizedIf(rawChanged, .decimal(d))
    case .boolean:
      let s = String(decoding: b, as: UTF8.self)
      if field.trueValues.contains(s) { return CoercionOutcome(value: .boolean(true)) }
      if field.falseValues.contains(s) { return CoercionOutcome(value: .boolean(false)) }
      // The built-in spellings (是/否, Y/N, √/×, true/false, 1/0) always apply as well.
      if Self.defaultTrue.contains(s) { return normalizedIf(rawChanged, .boolean(true)) }
      if Self.defaultFalse.contains(s) { return normalizedIf(rawChanged, .boolean(false)) }
      return .fail(field)
    case .date:
      if let d = DateParsing.date(b) { return normalizedIf(rawChanged, .date(d)) }
      // `precision: month`: a month on its own is the month's last day.
      if field.monthPrecision, let m = DateParsing.yearMonth(b),
         let last = [31, 30, 29, 28].lazy.compactMap({ LocalDate(year: m.year, month: m.month, day: $0) }).first {
        return normalizedIf(rawChanged, .date(last))
      }
      return .fail(field)
    case .yearmonth:
      guard let m = DateParsing.yearMonth(b) else { return .fail(field) }
      return normalizedIf(rawChanged, .yearMonth(m))
    case .year:
      guard let y = DateParsing.year(b) else { return .fail(field) }
      return normalizedIf(rawChanged, .year(y))
    case .datetime:
      guard let t = DateParsing.dateTime(b) else { return .fail(field) }
      return normalizedIf(rawChanged, .dateTime(t))
    case .time:
      guard let t = DateParsing.timeOfDay(b) else { return .fail(field) }
      return normalizedIf(rawChanged, .time(t))
    }
  }

  static let defaultTrue: Set<String> = ["true", "True", "TRUE", "1", "是", "Y", "y", "yes", "Yes", "YES", "√", "✓", "✔", "对", "有"]
  static let defaultFalse: Set<String> = ["false", "False", "FALSE", "0", "否", "N", "n", "no", "No", "NO", "×", "✗", "✘", "X", "x", "无"]

  /// Applies a string field's format.
  private func parseFormat(_ b: [UInt8], field: Field, rawChanged: Bool) -> CoercionOutcome {
    func result(_ s: String, note: CoercionIssue? = nil, changed: Bool) -> CoercionOutcome {
      CoercionOutcome(value: .string(s), note: note, normalizedText: changed ? s : nil)
    }
    switch field.format {
    case .default, .any, .email, .uri:
      let s = String(decoding: b, as: UTF8.self)
      if field.format == .email, !(s.contains("@") && !s.hasPrefix("@") && !s.hasSuffix("@")) { return .fail(field) }
      return result(s, changed: rawChanged)
    case .idCard:
      if Self.looksLikeExponent(b) { return .fail(field, .numberLostPrecision) }
      switch IDCard.validate(b, today: today) {
      case .valid(let s):
        return result(s, changed: rawChanged || s.utf8.last != b.last)
      case .legacy15(let s):
        // First-generation numbers stopped being valid in 2013: an error, with the 18-digit
        // form for the filer to confirm.
        return .fail(field, .legacyIDCard, [.init("reason", "legacy-15"), .init("suggestion", IDCard.upgraded(from15: s) ?? "")])
      case .invalid(let reason):
        return .fail(field, .typeError, [.init("reason", reason)])
      }
    case .creditCode:
      if Self.looksLikeExponent(b) { return .fail(field, .numberLostPrecision) }
      if let problem = CreditCode.problem(b) { return .fail(field, .typeError, [.init("reason", problem)]) }
      let s = String(decoding: b, as: UTF8.self).uppercased()
      return result(s, changed: rawChanged || s.utf8.elementsEqual(b) == false)
    case .certNumber:
      if Self.looksLikeExponent(b) { return .fail(field, .numberLostPrecision) }
      guard let s = CertNumber.normalize(b) else { return .fail(field) }
      return result(s, changed: rawChanged || !s.utf8.elementsEqual(b))
    case .mobile:
      guard let s = PhoneNumber.mobile(b) else { return .fail(field) }
      return result(s, changed: rawChanged || !s.utf8.elementsEqual(b))
    case .phone:
      guard let s = PhoneNumber.phone(b) else { return .fail(field) }
      return result(s, changed: rawChanged || !s.utf8.elementsEqual(b))
    case .docNumber:
      let raw = String(decoding: b, as: UTF8.self)
      guard let doc = DocNumber.parse(raw) else { return .fail(field) }
      let s = doc.normalized
      if doc.bracketsNormalized && field.normalizes(.docNumberBrackets) {
        return CoercionOutcome(value: .string(s), note: CoercionIssue(.docNumberNormalized, .warning,
                                                                      [.init("normalized", s)]))
      }
      if doc.bracketsNormalized { return .fail(field) }
      return result(s, changed: rawChanged || s != raw)
    case .personName:
      let raw = String(decoding: b, as: UTF8.self)
      guard let s = PersonName.normalize(raw) else { return .fail(field) }
      return result(s, changed: rawChanged || s != raw)
    }
  }

  /// True for text such as `1.50627E+17`: a long number Excel has already rounded.
  static func looksLikeExponent(_ b: [UInt8]) -> Bool {
    guard let e = b.firstIndex(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }), e > 0,
          e + 1 < b.count else { return false }
    let mantissa = b[..<e]
    var exp = b[(e + 1)...]
    if exp.first == UInt8(ascii: "+") { exp = exp.dropFirst() }
    return !exp.isEmpty && exp.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
      && mantissa.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }
  }
}

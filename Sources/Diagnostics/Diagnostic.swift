import Tabular

/// One named parameter of a diagnostic, e.g. `expected = 日期`.
public struct DiagnosticParameter: Hashable, Sendable {
  public var key: String
  public var value: String

  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// One finding: what (code, severity), where (location, field), the offending value and a
/// few parameters. Messages are rendered late from `MessageCatalog`.
///
/// A diagnostic stores only small values: the raw value is truncated to
/// `Diagnostic.maxValueBytes` UTF-8 bytes, and parameters are a short array.
///
/// ```swift
/// let d = Diagnostic(code: .typeError, severity: .error,
///                    location: SourceLocation(sheet: "培训台账", row: 16, column: 3),
///                    field: "培训日期", value: "2023年13月1日", parameters: [.init("expected", "date")])
/// ```
public struct Diagnostic: Hashable, Sendable {
  /// Raw values are cut to this many UTF-8 bytes (on a character boundary).
  public static let maxValueBytes = 64

  public var code: DiagnosticCode
  public var severity: Severity
  public var location: SourceLocation
  /// The field's display name (its title, or name when it has no title), if the finding is about a field.
  public var field: String?
  /// The raw value, truncated.
  public private(set) var value: String?
  /// Extra values the message template uses (`expected`, `minimum`, `suggestion`, …).
  public var parameters: [DiagnosticParameter]

  /// Makes a diagnostic; `value` is truncated to `maxValueBytes`.
  public init(code: DiagnosticCode, severity: Severity, location: SourceLocation = SourceLocation(),
              field: String? = nil, value: String? = nil, parameters: [DiagnosticParameter] = []) {
    self.code = code
    self.severity = severity
    self.location = location
    self.field = field
    self.value = value.map { Diagnostic.truncate($0) }
    self.parameters = parameters
  }

  /// The value of parameter `key`, if present.
  public func parameter(_ key: String) -> String? {
    for p in parameters where p.key == key { return p.value }
    return nil
  }

  /// Cuts `s` to at most `maxValueBytes` UTF-8 bytes without splitting a character, adding `…` when cut.
  public static func truncate(_ s: String) -> String {
    if s.utf8.count <= maxValueBytes { return s }
    var out = ""
    var used = 0
    for ch in s {
      let n = ch.utf8.count
      if used + n > maxValueBytes - 3 { break }
      out.append(ch)
      used += n
    }
    return out + "…"
  }
}

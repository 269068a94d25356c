/// An error that stops an XML read: malformed XML, a forbidden construct, or a failure of
/// the byte source or of a handler.
///
/// Every error says where: the 1-based `line` and `column` (in bytes) and the `byteOffset`
/// in the uncompressed part, plus the part (`entry`) when the caller named it.
public struct XMLError: Error, CustomStringConvertible, Sendable {
  /// What went wrong. A struct with static members so new codes can be added without
  /// breaking callers.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    let raw: String
    /// The document is not well-formed XML (expat's message is in `detail`).
    public static let malformed = Code(raw: "malformed")
    /// The document declares an entity in a DTD; OOXML never does, so it is refused.
    public static let entityDeclaration = Code(raw: "entity-declaration")
    /// Entity expansion exceeded expat's amplification limit (a "billion laughs" document).
    public static let amplificationLimit = Code(raw: "amplification-limit")
    /// The document ended before its root element was closed.
    public static let truncated = Code(raw: "truncated")
    /// A handler stopped the parse; the handler's error is in `underlying`.
    public static let handler = Code(raw: "handler")
    public var description: String { raw }
  }

  public var code: Code
  /// The part being read, e.g. `xl/worksheets/sheet1.xml`, when known.
  public var entry: String?
  /// 1-based line of the error.
  public var line: Int
  /// 1-based column of the error, counted in bytes.
  public var column: Int
  /// Byte offset of the error in the uncompressed document.
  public var byteOffset: Int
  /// A human-readable explanation.
  public var detail: String

  public init(code: Code, entry: String?, line: Int, column: Int, byteOffset: Int, detail: String) {
    self.code = code
    self.entry = entry
    self.line = line
    self.column = column
    self.byteOffset = byteOffset
    self.detail = detail
  }

  public var description: String {
    var s = "XML error (\(code))"
    if let entry { s += " in \(entry)" }
    s += " at line \(line), column \(column) (byte \(byteOffset)): \(detail)"
    return s
  }
}

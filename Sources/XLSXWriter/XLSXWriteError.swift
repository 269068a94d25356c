import Tabular

/// An error from writing a workbook: what went wrong and where (file, sheet, cell).
///
/// ``code`` is a struct with static members rather than an enum, so codes can be added
/// without breaking callers that switch over them.
public struct XLSXWriteError: Error, CustomStringConvertible, Sendable {
  /// What kind of error this is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// A short stable slug such as `"invalid-sheet-name"`.
    public let rawValue: String
    init(_ raw: String) { rawValue = raw }
    public var description: String { rawValue }

    /// A sheet name breaks Excel's rules (length, characters, quotes).
    public static let invalidSheetName = Code("invalid-sheet-name")
    /// Two sheets have the same name, compared case-insensitively.
    public static let duplicateSheetName = Code("duplicate-sheet-name")
    /// A row was written at or before a row already written.
    public static let rowOutOfOrder = Code("row-out-of-order")
    /// A row or column index is past Excel's limits (1,048,576 rows, 16,384 columns).
    public static let outOfRange = Code("out-of-range")
    /// Cell text is longer than Excel's 32,767 characters.
    public static let textTooLong = Code("text-too-long")
    /// A number given as text is not a plain decimal number.
    public static let invalidNumber = Code("invalid-number")
    /// A call came at the wrong time (e.g. a row with no sheet begun, widths after rows).
    public static let invalidState = Code("invalid-state")
    /// An argument is not acceptable (bad colour, bad range, overlapping merge…).
    public static let invalidArgument = Code("invalid-argument")
    /// An inline validation list is longer than Excel's 255 characters.
    public static let listTooLong = Code("list-too-long")
    /// Every sheet is hidden; Excel needs one visible sheet.
    public static let noVisibleSheet = Code("no-visible-sheet")
    /// Writing the file failed (disk full, permissions…); the previous file is untouched.
    public static let io = Code("io-error")
  }

  /// The kind of error.
  public var code: Code
  /// A sentence saying what is wrong and what to do.
  public var message: String
  /// Where: the output file, and the sheet and cell when they apply.
  public var location: SourceLocation

  /// Makes an error.
  public init(_ code: Code, _ message: String, location: SourceLocation = SourceLocation()) {
    self.code = code
    self.message = message
    self.location = location
  }

  public var description: String {
    let loc = location.description
    return loc.isEmpty ? "\(code): \(message)" : "\(code) at \(loc): \(message)"
  }
}

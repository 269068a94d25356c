import Tabular
import XMLStream

/// Why a workbook or sheet could not be read. Thrown errors stop the read.
///
/// Every error says where (`location`: file, entry, sheet, cell or line/byte) and what to do
/// (`description` is a complete English sentence).
public struct XLSXReadError: Error, CustomStringConvertible, Sendable {
  /// A stable, extensible error code (a struct, so new codes break no caller).
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// The stable slug, e.g. `missing-part`.
    public let slug: String
    init(_ slug: String) { self.slug = slug }
    public var description: String { slug }

    /// The file could not be opened or read.
    public static let cannotOpen = Code("cannot-open")
    /// An OLE/CFB file holding `EncryptedPackage`: a password-protected workbook.
    public static let encrypted = Code("encrypted-workbook")
    /// An OLE/CFB file that is a legacy Excel 97–2003 `.xls` (BIFF) workbook.
    public static let legacyXLS = Code("legacy-xls")
    /// Not a ZIP container at all (e.g. HTML or CSV saved with an .xlsx/.xls name).
    public static let notAWorkbook = Code("not-a-workbook")
    /// The ZIP container is damaged (bad headers, CRC mismatch, limits exceeded…).
    public static let container = Code("damaged-container")
    /// A part the workbook needs is missing (e.g. `xl/workbook.xml` or a sheet).
    public static let missingPart = Code("missing-part")
    /// A part is not well-formed XML or was refused (entity declarations, XML bombs).
    public static let malformedXML = Code("malformed-xml")
    /// A cell uses a shared-string index the table does not have.
    public static let badSharedStringIndex = Code("bad-shared-string-index")
    /// A cell or row reference (`r`) is not a valid A1 reference within Excel's limits.
    public static let badCellReference = Code("bad-cell-reference")
    /// A size limit (rows, columns, cell text, part size) was exceeded.
    public static let limitExceeded = Code("limit-exceeded")
    /// No worksheet with the requested name or index.
    public static let noSuchSheet = Code("no-such-sheet")
    /// The temporary file holding a large shared-strings table could not be written or read
    /// (the temporary folder, `$TMPDIR` or `/tmp`, is full, not writable or failing).
    public static let temporaryFile = Code("temporary-file")
  }

  public var code: Code
  public var location: SourceLocation
  /// What went wrong and what to do about it.
  public var detail: String

  public init(code: Code, location: SourceLocation, detail: String) {
    self.code = code
    self.location = location
    self.detail = detail
  }

  public var description: String {
    let loc = location.description
    return loc.isEmpty ? "\(detail) [\(code)]" : "\(loc): \(detail) [\(code)]"
  }

  /// Converts an XML error into a read error at the same place.
  static func xml(_ e: XMLError, file: String?, sheet: String? = nil) -> XLSXReadError {
    XLSXReadError(code: .malformedXML,
                  location: SourceLocation(file: file, sheet: sheet, entry: e.entry, line: e.line,
                                           byteOffset: e.byteOffset),
                  detail: "the part is not valid XML (\(e.detail)); the file is damaged: ask the sender to save it "
                    + "again from Excel or WPS")
  }
}

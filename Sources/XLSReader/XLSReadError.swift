import CFB
import Tabular

/// Why a `.xls` workbook or sheet could not be read. Thrown errors stop the read.
///
/// Every error says where: the file, the stream (`Workbook` or `Book`) as `entry`, the record's
/// byte offset in the stream, and the sheet and cell when known; `detail` names the record and
/// says what is wrong and what to do.
public struct XLSReadError: Error, CustomStringConvertible, Sendable {
  /// A stable, extensible error code.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    public let slug: String
    init(_ slug: String) { self.slug = slug }
    public var description: String { slug }

    /// The Compound File container is damaged (sector chains, directory, truncation).
    public static let container = Code("damaged-container")
    /// A BIFF record is damaged (runs past the stream, impossible lengths, an index past its table).
    public static let record = Code("damaged-record")
    /// The workbook is password-protected (a FILEPASS record, or an encrypted OOXML package).
    public static let encrypted = Code("encrypted-workbook")
    /// The Compound File holds no `Workbook` or `Book` stream; `detail` lists the streams it has.
    public static let noWorkbookStream = Code("no-workbook-stream")
    /// A BIFF version sheetgate does not read (BIFF2–4 inside a container, or an unknown BOF).
    public static let unsupportedVersion = Code("unsupported-version")
    /// The file could not be opened or read.
    public static let cannotOpen = Code("cannot-open")
  }

  public var code: Code
  public var location: SourceLocation
  /// What went wrong and what to do about it (English).
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

  static func container(_ e: CFBError, file: String?) -> XLSReadError {
    XLSReadError(code: .container, location: SourceLocation(file: file),
                 detail: "\(e.part) of the Compound File container: \(e.detail)")
  }
}

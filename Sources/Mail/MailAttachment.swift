/// What an attachment is, decided from its bytes and its name.
public enum AttachmentKind: Sendable, Hashable {
  /// A ledger to recognise and validate.
  case spreadsheet(SpreadsheetFormat)
  /// A cover letter (报送函): Word, WPS, PDF or a photo of the stamped letter. Kept and listed,
  /// never treated as a bad ledger.
  case coverLetter
  /// A file that cannot be read; the reply asks the agency to resend it in a readable form.
  case unsupported(UnsupportedReason)
  /// Anything else (a text note, an unrelated file).
  case other

  /// Whether it is a spreadsheet.
  public var isSpreadsheet: Bool { if case .spreadsheet = self { return true } else { return false } }
}

/// The container a spreadsheet came in.
public enum SpreadsheetFormat: String, Sendable, Hashable {
  /// An OOXML workbook (ZIP holding `xl/`): `.xlsx`, `.xlsm`, whatever its name says.
  case xlsx
  /// A Compound File (`D0 CF 11 E0`) named `.xls` or `.et`, or holding a `Workbook` stream: read
  /// like any workbook (Intake opens it with `XLSReader`).
  case legacyWorkbook
  /// Text named `.csv`, `.txt` or `.tsv`.
  case csv
  /// Named as a workbook (`.xls`, `.xlsx`, `.et`) but holding neither container, such as HTML saved
  /// as `.xls`: the reader's sniffer says what it is.
  case namedOnly
}

/// Why an attachment cannot be read.
public enum UnsupportedReason: String, Sendable, Hashable {
  /// A RAR archive.
  case rar
  /// A 7-Zip archive.
  case sevenZip
  /// Outlook's `winmail.dat` (TNEF).
  case tnef
  /// Protected with a password (encrypted ZIP entry, encrypted OOXML package).
  case encrypted
  /// A ZIP that cannot be read.
  case damagedArchive
  /// A ZIP nested deeper than one level.
  case nestedArchive
  /// Larger than the limits allow.
  case tooLarge
  /// Its transfer encoding is broken (invalid base64).
  case damagedEncoding

  /// The code of the problem recorded with it.
  public var problemCode: MailProblem.Code {
    switch self {
    case .rar, .sevenZip: return .unsupportedArchive
    case .tnef: return .tnefAttachment
    case .encrypted: return .encryptedFile
    case .damagedArchive: return .damagedArchive
    case .nestedArchive: return .archiveNestedTooDeep
    case .tooLarge: return .attachmentTooLarge
    case .damagedEncoding: return .invalidBase64
    }
  }
}

/// A file the agency sent: a MIME attachment, or a file inside a ZIP attachment.
public struct MailAttachment: Sendable, Hashable {
  /// The sanitised file name, unique within the message (no separators, control characters,
  /// leading dots; at most 120 bytes with the extension kept). The only name to use in a path.
  public var fileName: String
  /// The name as the sender's client wrote it, decoded but not sanitised (for display only);
  /// nil when the part had no name.
  public var originalName: String?
  /// The declared content type, lowercased (`application/vnd.ms-excel`).
  public var contentType: String
  /// What the file is.
  public var kind: AttachmentKind
  /// The decoded bytes (empty when the file was not read: too large, damaged, encrypted).
  public var bytes: [UInt8]
  /// The MIME part number (`2`, `1.3`, `3.2.1` inside a forwarded message).
  public var part: String
  /// For a file taken from a ZIP: the archives it came out of, outermost first, and its path
  /// inside the innermost (decoded). Empty for a plain attachment.
  public var archivePath: [String]
  /// How many forwarded messages (`message/rfc822`) it sits inside; 0 for the message itself.
  public var forwardDepth: Int

  public init(fileName: String, originalName: String?, contentType: String, kind: AttachmentKind, bytes: [UInt8],
              part: String, archivePath: [String] = [], forwardDepth: Int = 0) {
    self.fileName = fileName
    self.originalName = originalName
    self.contentType = contentType
    self.kind = kind
    self.bytes = bytes
    self.part = part
    self.archivePath = archivePath
    self.forwardDepth = forwardDepth
  }
}

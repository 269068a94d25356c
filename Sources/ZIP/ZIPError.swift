import ByteIO

/// Why a ZIP archive could not be read or written, naming the file and the entry.
///
/// ``description`` is one English sentence, for example: `The entry "xl/worksheets/sheet8.xml" in
/// "in/ledger.xlsx" is corrupt: its CRC-32 is 0x1c2b3a4d but the central directory says 0x00000000.
/// The file was damaged in transit; ask for it to be sent again.`
public struct ZIPError: Error, CustomStringConvertible, Sendable {
  /// What went wrong. A struct with static members, so codes can be added without breaking callers.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// A stable slug such as `"crc-mismatch"`.
    public var rawValue: String
    /// A phrase saying what is wrong, used in ``ZIPError/description``.
    var summary: String
    /// What a person can do about it.
    var advice: String

    /// Makes a code.
    public init(rawValue: String, summary: String, advice: String) {
      self.rawValue = rawValue
      self.summary = summary
      self.advice = advice
    }

    public var description: String { rawValue }
    public static func == (a: Code, b: Code) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }

    private static let resend = "The file is damaged or not a real workbook; ask for it to be saved and sent again."

    /// No End Of Central Directory record: not a ZIP file (it may be a legacy .xls, an encrypted workbook or CSV).
    public static let notAZip = Code(rawValue: "not-a-zip", summary: "is not a ZIP archive", advice:
      "If it is a spreadsheet, open it in Excel or WPS and save it as .xlsx.")
    /// The archive ends before data it declares.
    public static let truncated = Code(rawValue: "truncated", summary: "is truncated", advice:
      "The file was cut short, probably during upload or copying; ask for it to be sent again.")
    /// The central directory (the archive's table of contents) is inconsistent.
    public static let corruptCentralDirectory = Code(
      rawValue: "corrupt-central-directory", summary: "has a corrupt central directory", advice: resend)
    /// The local header in front of an entry's data is missing or inconsistent.
    public static let corruptLocalHeader = Code(
      rawValue: "corrupt-local-header", summary: "has a corrupt local header", advice: resend)
    /// The entry uses a compression method other than stored (0) or deflate (8).
    public static let unsupportedMethod = Code(
      rawValue: "unsupported-method", summary: "uses an unsupported compression method", advice:
      "Save the workbook again from Excel or WPS, which use deflate.")
    /// The entry is encrypted with ZIP encryption.
    public static let encryptedEntry = Code(rawValue: "encrypted-entry", summary: "is encrypted", advice:
      "Remove the password protection and send the file again.")
    /// The CRC-32 of the inflated bytes differs from the recorded one.
    public static let crcMismatch = Code(rawValue: "crc-mismatch", summary: "fails its CRC-32 check", advice:
      "The file was damaged in transit or on disk; ask for it to be sent again.")
    /// The inflated size differs from the recorded one.
    public static let sizeMismatch = Code(rawValue: "size-mismatch", summary: "has the wrong size", advice: resend)
    /// zlib rejected the compressed data.
    public static let inflateFailed = Code(
      rawValue: "inflate-failed", summary: "holds corrupt compressed data", advice: resend)
    /// zlib failed while compressing (a bug or an invalid level).
    public static let deflateFailed = Code(
      rawValue: "deflate-failed", summary: "could not be compressed", advice: "Check the compression level.")
    /// One entry inflates to more than the per-entry cap (or more than it declares).
    public static let entryTooLarge = Code(rawValue: "entry-too-large", summary: "is too large", advice:
      "The file may be a decompression bomb; if it is genuine, raise the limit (ZIPLimits.maxEntryBytes).")
    /// All entries read from the archive together exceed the per-archive cap.
    public static let archiveTooLarge = Code(rawValue: "archive-too-large", summary: "inflates to too much data",
      advice: "The file may be a decompression bomb; if it is genuine, raise ZIPLimits.maxArchiveBytes.")
    /// The archive lists more entries than allowed.
    public static let tooManyEntries = Code(rawValue: "too-many-entries", summary: "has too many entries",
      advice: "If the file is genuine, raise ZIPLimits.maxEntries.")
    /// No entry has the requested name.
    public static let entryNotFound = Code(rawValue: "entry-not-found", summary: "is missing", advice:
      "The workbook is incomplete; save it again from Excel or WPS.")
    /// Reading or writing the underlying file failed.
    public static let io = Code(rawValue: "io", summary: "could not be read or written", advice:
      "Check the file, the disk and the permissions.")
    /// The writer was used out of order (for example `write` before `beginEntry`).
    public static let misuse = Code(rawValue: "writer-misuse", summary: "was written out of order", advice:
      "This is a bug in the calling code.")
  }

  /// What went wrong.
  public var code: Code
  /// The entry concerned, if any.
  public var entry: String?
  /// The archive's path or name, if known.
  public var file: String?
  /// The specifics: offsets, sizes, zlib's message.
  public var detail: String

  /// Makes an error.
  public init(_ code: Code, entry: String? = nil, file: String? = nil, detail: String) {
    self.code = code
    self.entry = entry
    self.file = file
    self.detail = detail
  }

  /// Wraps an I/O error.
  init(io: ByteIOError, entry: String? = nil, file: String? = nil) {
    self.init(.io, entry: entry, file: file ?? io.path, detail: io.description)
  }

  public var description: String {
    let where_: String
    switch (entry, file) {
    case let (e?, f?): where_ = "The entry \"\(e)\" in \"\(f)\""
    case let (e?, nil): where_ = "The ZIP entry \"\(e)\""
    case let (nil, f?): where_ = "The file \"\(f)\""
    case (nil, nil): where_ = "The ZIP archive"
    }
    return "\(where_) \(code.summary): \(detail). \(code.advice)"
  }
}

extension ZIPError {
  func with(entry: String? = nil, file: String?) -> ZIPError {
    var e = self
    if e.entry == nil { e.entry = entry }
    if e.file == nil { e.file = file }
    return e
  }
}

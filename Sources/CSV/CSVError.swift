import Tabular

/// A CSV input that could not be read: a missing file, an I/O failure, an unknown encoding, or bytes
/// that do not decode in the file's encoding.
///
/// Thrown errors stop the read (rows already returned stay valid). `location` names the file and,
/// where known, the 1-based line and the byte offset in the file; `detail` says what to do.
public struct CSVReadError: Error, CustomStringConvertible, Sendable {
  /// A stable identifier for the kind of failure.
  public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The file does not exist.
    public static let fileNotFound = Code(rawValue: "file-not-found")
    /// The file exists but cannot be opened (permissions, a directory).
    public static let cannotOpen = Code(rawValue: "cannot-open")
    /// `read(2)` failed.
    public static let ioError = Code(rawValue: "io-error")
    /// The encoding override names an encoding iconv does not know.
    public static let unknownEncoding = Code(rawValue: "unknown-encoding")
    /// A byte sequence is invalid in the file's encoding (the diagnostic `encoding-error`).
    public static let encodingError = Code(rawValue: "encoding-error")
  }

  /// What went wrong.
  public var code: Code
  /// Where: file, line and byte offset as far as known.
  public var location: SourceLocation
  /// A plain-English explanation and what to do about it.
  public var detail: String

  public init(code: Code, location: SourceLocation, detail: String) {
    self.code = code
    self.location = location
    self.detail = detail
  }

  public var description: String { "\(location): \(code): \(detail)" }
}

/// A CSV output that could not be written: the temporary file, a write, the final rename, or a
/// character that the target encoding cannot represent. The file named is the destination.
public struct CSVWriteError: Error, CustomStringConvertible, Sendable {
  /// A stable identifier for the kind of failure.
  public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The temporary file next to the destination could not be created.
    public static let cannotCreate = Code(rawValue: "cannot-create")
    /// `write(2)`, `fsync(2)` or `rename(2)` failed.
    public static let ioError = Code(rawValue: "io-error")
    /// The encoding name is not known to iconv.
    public static let unknownEncoding = Code(rawValue: "unknown-encoding")
    /// A character has no representation in the target encoding.
    public static let unencodable = Code(rawValue: "unencodable-character")
    /// The writer was used after `finish()` or after an earlier error.
    public static let closed = Code(rawValue: "writer-closed")
  }

  /// What went wrong.
  public var code: Code
  /// The destination file (or the sink's name).
  public var file: String
  /// The 1-based record being written, when known.
  public var record: Int?
  /// A plain-English explanation and what to do about it.
  public var detail: String

  public init(code: Code, file: String, record: Int? = nil, detail: String) {
    self.code = code
    self.file = file
    self.record = record
    self.detail = detail
  }

  public var description: String {
    if let record { return "\(file), record \(record): \(code): \(detail)" }
    return "\(file): \(code): \(detail)"
  }
}

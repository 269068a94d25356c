import ByteIO

/// Why a Compound File could not be read. Every error names the part of the container (the header,
/// the FAT, the directory, or a stream by name) and says what is wrong; thrown errors stop the read.
public struct CFBError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What kind of damage (a stable slug).
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    public let slug: String
    init(_ slug: String) { self.slug = slug }
    public var description: String { slug }

    /// The header is not a Compound File header (magic, byte order, sector size).
    public static let badHeader = Code("bad-header")
    /// The file ends before a structure or stream the header promises.
    public static let truncated = Code("truncated")
    /// A sector number points past the end of the file or the allocation table.
    public static let badSector = Code("bad-sector")
    /// A sector chain comes back to a sector it has already visited.
    public static let chainLoop = Code("chain-loop")
    /// A sector chain ends before, or runs on past, its stream's declared size.
    public static let chainLength = Code("chain-length")
    /// The directory is damaged (an entry points at itself or back at an ancestor, a bad entry type).
    public static let badDirectory = Code("bad-directory")
    /// The file could not be read (I/O error).
    public static let io = Code("io")
  }

  public var code: Code
  /// The part of the container: `header`, `FAT`, `DIFAT`, `mini FAT`, `directory`, or `stream "Workbook"`.
  public var part: String
  /// What is wrong, an English sentence fragment.
  public var detail: String

  public init(_ code: Code, part: String, _ detail: String) {
    self.code = code
    self.part = part
    self.detail = detail
  }

  public var description: String { "\(part): \(detail)" }
}

/// The reason an I/O error gives, for messages.
func ioReason(_ error: Error) -> String {
  (error as? ByteIOError)?.reason ?? "\(error)"
}

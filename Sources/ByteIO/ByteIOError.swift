import Glibc

/// An error from a file operation: what was attempted, on which file, and the system's reason.
///
/// The ``description`` is a full English sentence that names the file and says what to do,
/// for example: `Could not open "in/ledger.xlsx" for reading: No such file or directory (errno 2).
/// Check that the path is correct and the file is readable.`
public struct ByteIOError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What kind of operation failed. A struct with static members rather than an enum, so new codes can be
  /// added without breaking code that switches over them.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// A short stable slug such as `"open-failed"`.
    public var rawValue: String
    /// What the code is about as a verb phrase (`"open … for reading"`), used in ``ByteIOError/description``.
    public var action: String
    /// What a person can do about it.
    public var advice: String

    /// Makes a code; libraries above ByteIO can define their own.
    public init(rawValue: String, action: String, advice: String) {
      self.rawValue = rawValue
      self.action = action
      self.advice = advice
    }

    public var description: String { rawValue }

    public static func == (a: Code, b: Code) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }

    /// Opening a file for reading failed (`open(2)`).
    public static let openForReading = Code(
      rawValue: "open-for-reading-failed", action: "open %@ for reading",
      advice: "Check that the path is correct and the file is readable.")
    /// Creating or opening a file for writing failed (`open(2)` with `O_CREAT`).
    public static let openForWriting = Code(
      rawValue: "open-for-writing-failed", action: "create %@",
      advice: "Check that the folder exists and is writable.")
    /// Reading failed (`pread(2)`/`fstat(2)`).
    public static let read = Code(
      rawValue: "read-failed", action: "read %@",
      advice: "Check the disk and that the file is not being changed while it is read.")
    /// Writing failed (`write(2)`), for example because the disk is full.
    public static let write = Code(
      rawValue: "write-failed", action: "write %@",
      advice: "Check free disk space and permissions; the previous version of the file is untouched.")
    /// Flushing to stable storage failed (`fsync(2)`).
    public static let sync = Code(
      rawValue: "sync-failed", action: "flush %@ to disk",
      advice: "Check the disk; the previous version of the file is untouched.")
    /// Renaming the finished temporary file over the destination failed (`rename(2)`).
    public static let rename = Code(
      rawValue: "rename-failed", action: "replace %@",
      advice: "Check that the destination folder is writable and on the same file system.")
    /// Removing a file failed (`unlink(2)`).
    public static let remove = Code(
      rawValue: "remove-failed", action: "remove %@",
      advice: "Remove the file by hand if it is still there.")
    /// An operation was attempted on a writer that was already committed, aborted or closed.
    public static let closed = Code(
      rawValue: "already-closed", action: "write %@",
      advice: "This is a bug in the calling code: the writer was already finished.")
  }

  /// What failed.
  public var code: Code
  /// The file it failed on, as given by the caller.
  public var path: String
  /// The system's text for `errno` (`strerror`), with the number, or an explanation when there is no errno.
  public var reason: String
  /// The raw `errno`, or 0 when the failure did not come from the system.
  public var errno: Int32

  /// Makes an error from an explicit reason.
  public init(code: Code, path: String, reason: String, errno: Int32 = 0) {
    self.code = code
    self.path = path
    self.reason = reason
    self.errno = errno
  }

  /// Makes an error from the calling thread's current `errno`.
  public static func fromErrno(_ code: Code, path: String, errno e: Int32 = Glibc.errno) -> ByteIOError {
    let text = String(cString: strerror(e))
    return ByteIOError(code: code, path: path, reason: "\(text) (errno \(e))", errno: e)
  }

  public var description: String {
    let action = code.action.replacing("%@", with: "\"\(path)\"")
    return "Could not \(action): \(reason). \(code.advice)"
  }
}

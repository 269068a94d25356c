#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scratch file with no name: created in the temporary folder and unlinked at once, so its
/// space is freed when it is closed (on `deinit`, or when the process ends, however it ends) and
/// nothing is left behind after a crash.
///
/// For data too large to keep in memory that is written once, in order, and read back by offset
/// (a large shared-strings table, the unique keys of a million-row ledger). Appends go through
/// `write(2)`; reads are `pread(2)`, which do not move the file position, so once writing is over
/// several threads may read at once.
///
/// Failures are returned as `errno` values (0 for success), not thrown: the callers decide whether
/// a full disk is an error to report or a reason to keep the data in memory instead.
// @unchecked Sendable: `size` changes only while one thread appends; afterwards readers use pread(2) and touch no stored property.
public final class TemporaryFile: @unchecked Sendable {
  /// The open, unlinked file.
  public let fd: Int32
  /// The folder it was created in (for messages: "the temporary folder … is full").
  public let directory: String
  /// Bytes appended so far.
  public private(set) var size: UInt64 = 0
  /// Appends that would make the file larger fail with `ENOSPC`: a quota on the temporary
  /// folder's use (and how tests make a disk "full").
  public var sizeLimit: UInt64 = .max

  /// Takes over an open descriptor (closed on `deinit`); `directory` is named in messages.
  public init(adopting fd: Int32, directory: String) {
    self.fd = fd
    self.directory = directory
  }

  deinit { close(fd) }

  /// The folder for temporary files: `$TMPDIR`, else `/tmp`.
  public static var defaultDirectory: String {
    if let p = getenv("TMPDIR"), p.pointee != 0 { return String(cString: p) }
    return "/tmp"
  }

  /// Creates and unlinks a file named `prefix-XXXXXX` in `directory`; nil when it cannot be created.
  public static func create(prefix: String, in directory: String = TemporaryFile.defaultDirectory) -> TemporaryFile? {
    var template = Array((directory + "/" + prefix + "-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return nil }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    return TemporaryFile(adopting: fd, directory: directory)
  }

  /// Appends `bytes`: 0, or the `errno` of the failure (`ENOSPC` when nothing more could be written).
  /// After a failure the file's size is unknown; stop writing to it.
  public func append(_ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard UInt64(bytes.count) <= sizeLimit &- min(size, sizeLimit) else { return ENOSPC }
    var done = 0
    while done < bytes.count {
      let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n > 0 {
        done += n
      } else if n == 0 {
        return ENOSPC
      } else if errno != EINTR {
        return errno
      }
    }
    size += UInt64(bytes.count)
    return 0
  }

  /// Reads `byteCount` bytes at `offset` into `buffer`: 0, or the `errno` of the failure
  /// (`EIO` when the file ends first).
  public func read(into buffer: UnsafeMutableRawPointer, byteCount: Int, at offset: UInt64) -> Int32 {
    var done = 0
    while done < byteCount {
      let n = pread(fd, buffer + done, byteCount - done, off_t(offset) + off_t(done))
      if n > 0 {
        done += n
      } else if n == 0 {
        return EIO
      } else if errno != EINTR {
        return errno
      }
    }
    return 0
  }
}

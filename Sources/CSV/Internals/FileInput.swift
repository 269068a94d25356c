#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tabular

/// A file opened for reading with `open(2)`, read in caller-provided buffers with `read(2)`.
///
/// Holds one descriptor and no buffer of its own; the descriptor is closed on deinit.
final class FileInput {
  private let fd: Int32
  let path: String

  init(path: String) throws(CSVReadError) {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      let e = errno
      let code: CSVReadError.Code = e == ENOENT ? .fileNotFound : .cannotOpen
      throw CSVReadError(code: code, location: SourceLocation(file: path),
                         detail: "cannot open the file (\(String(cString: strerror(e)))); check the path and its permissions")
    }
    var st = stat()
    if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw CSVReadError(code: .cannotOpen, location: SourceLocation(file: path),
                         detail: "the path is a directory, not a CSV file")
    }
    self.fd = fd
  }

  deinit { close(fd) }

  /// Reads up to `count` bytes into `buffer`; returns 0 at end of file. Retries on EINTR.
  func read(into buffer: UnsafeMutableRawPointer, count: Int, offset: Int) throws(CSVReadError) -> Int {
    while true {
      #if canImport(Glibc)
      let n = Glibc.read(fd, buffer, count)
      #else
      let n = Darwin.read(fd, buffer, count)
      #endif
      if n >= 0 { return n }
      let e = errno
      if e == EINTR { continue }
      throw CSVReadError(code: .ioError, location: SourceLocation(file: path, byteOffset: offset),
                         detail: "reading failed (\(String(cString: strerror(e)))); check that the file is readable")
    }
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under a temporary name in the destination's folder and renamed over the
/// destination on `commit()`, so readers never see a partial file. Not committing (an error,
/// or deinit) removes the temporary file.
final class AtomicFile {
  let path: String
  private let tempPath: String
  private var fd: Int32
  private var done = false

  init(path: String) throws(CSVWriteError) {
    self.path = path
    let slash = path.lastIndex(of: "/")
    let dir = slash.map { String(path[..<$0]) } ?? "."
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 {
      let e = errno
      throw CSVWriteError(code: .cannotCreate, file: path,
                          detail: "cannot create a temporary file next to it (\(String(cString: strerror(e)))); check that the folder exists and is writable")
    }
    self.fd = fd
    tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    _ = fchmod(fd, 0o644)
  }

  deinit {
    if !done {
      close(fd)
      unlink(tempPath)
    }
  }

  /// Writes all of `bytes`, retrying short writes and EINTR.
  func write(_ bytes: UnsafeRawBufferPointer) throws(CSVWriteError) {
    guard var p = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
      #if canImport(Glibc)
      let n = Glibc.write(fd, p, left)
      #else
      let n = Darwin.write(fd, p, left)
      #endif
      if n < 0 {
        let e = errno
        if e == EINTR { continue }
        throw CSVWriteError(code: .ioError, file: path, detail: "writing failed (\(String(cString: strerror(e)))); check free disk space")
      }
      p += n
      left -= n
    }
  }

  /// Flushes to disk and renames the temporary file over `path`.
  func commit() throws(CSVWriteError) {
    if fsync(fd) != 0 {
      let e = errno
      throw CSVWriteError(code: .ioError, file: path, detail: "fsync failed (\(String(cString: strerror(e))))")
    }
    close(fd)
    done = true
    if rename(tempPath, path) != 0 {
      let e = errno
      unlink(tempPath)
      throw CSVWriteError(code: .ioError, file: path, detail: "cannot replace the file (\(String(cString: strerror(e)))); check permissions")
    }
  }
}

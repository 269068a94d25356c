import Glibc

/// Writes a file so that readers see either the old version or the complete new one, never a partial file.
///
/// Bytes go to a temporary file beside the destination (`.<name>.tmp-<random>` in the same folder, so the final
/// `rename(2)` stays on one file system). ``commit()`` flushes, `fsync`s, renames over the destination and
/// `fsync`s the folder. ``abort()`` removes the temporary file. If the writer is released without either (for
/// example because an error was thrown while producing the content), the temporary file is removed then, and
/// the previous file at the destination is untouched.
///
/// Memory: one buffer (256 KiB by default).
///
/// ```swift
/// let out = try AtomicFileWriter(path: "consolidated.xlsx")
/// try out.write(bytes)
/// try out.commit()
/// ```
public final class AtomicFileWriter: ByteSink {
  /// The file that ``commit()`` replaces.
  public let destination: String
  /// The temporary file being written.
  public let temporaryPath: String
  private let file: FileSink
  private var state = State.open

  private enum State { case open, committed, aborted }

  /// Creates the temporary file beside `path`.
  /// - Throws: ``ByteIOError/Code/openForWriting`` if the folder is missing or not writable.
  public init(path: String, bufferSize: Int = 256 * 1024) throws(ByteIOError) {
    destination = path
    let (folder, name) = AtomicFileWriter.split(path)
    var fd: Int32 = -1
    var candidate = ""
    for _ in 0..<16 {
      let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
      candidate = (folder.map { $0 + "/" } ?? "") + ".\(name).tmp-\(suffix)"
      fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else { throw ByteIOError.fromErrno(.openForWriting, path: path) }
    temporaryPath = candidate
    file = FileSink(fd: fd, path: candidate, bufferSize: bufferSize)
  }

  deinit {
    if state == .open {
      file.discard()
      unlink(temporaryPath)
    }
  }

  public var bytesWritten: UInt64 { file.bytesWritten }

  public func write(_ bytes: UnsafeRawBufferPointer) throws(ByteIOError) {
    guard state == .open else {
      throw ByteIOError(code: .closed, path: destination, reason: "the writer was already committed or aborted")
    }
    do { try file.write(bytes) } catch { throw relabel(error) }
  }

  /// Makes the written bytes the content of ``destination``: flush, `fsync`, `rename`, `fsync` of the folder.
  ///
  /// On failure the temporary file is removed and the destination keeps its previous content.
  /// - Throws: ``ByteIOError`` with ``ByteIOError/Code/write``, ``ByteIOError/Code/sync`` or
  ///   ``ByteIOError/Code/rename``.
  public func commit() throws(ByteIOError) {
    guard state == .open else {
      throw ByteIOError(code: .closed, path: destination, reason: "the writer was already committed or aborted")
    }
    do {
      try file.sync()
      try file.close()
    } catch {
      abort()
      throw relabel(error)
    }
    if rename(temporaryPath, destination) != 0 {
      let e = ByteIOError.fromErrno(.rename, path: destination)
      abort()
      throw e
    }
    state = .committed
    // The rename is done; a failed folder fsync only weakens durability after a crash, so it is not an error.
    FileSync.folder(AtomicFileWriter.split(destination).folder ?? ".")
  }

  /// Throws the written bytes away: closes and removes the temporary file. Does nothing after ``commit()``.
  public func abort() {
    guard state == .open else { return }
    state = .aborted
    file.discard()
    unlink(temporaryPath)
  }

  /// Errors on the temporary file are reported against the destination the caller knows about.
  private func relabel(_ e: ByteIOError) -> ByteIOError {
    var e = e
    e.path = destination
    return e
  }

  static func split(_ path: String) -> (folder: String?, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (nil, path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
  }
}

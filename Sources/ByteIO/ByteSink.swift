import Glibc

/// A destination for bytes written in order: a file, an atomic file replacement, or memory.
public protocol ByteSink: AnyObject {
  /// Appends `bytes`. The sink may buffer them; they are complete once the sink is closed or committed.
  /// - Throws: ``ByteIOError`` when the underlying write fails.
  func write(_ bytes: UnsafeRawBufferPointer) throws(ByteIOError)
  /// How many bytes have been written so far (including buffered ones).
  var bytesWritten: UInt64 { get }
}

extension ByteSink {
  /// Appends the bytes of an array.
  public func write(_ bytes: [UInt8]) throws(ByteIOError) {
    let result = bytes.withUnsafeBytes { b in Result { () throws(ByteIOError) in try write(b) } }
    try result.get()
  }
}

/// Collects written bytes in an array. Memory grows with everything written.
public final class MemorySink: ByteSink {
  /// Everything written so far.
  public private(set) var bytes: [UInt8] = []

  /// Makes an empty sink.
  public init() {}

  public var bytesWritten: UInt64 { UInt64(bytes.count) }

  public func write(_ bytes: UnsafeRawBufferPointer) throws(ByteIOError) {
    self.bytes.append(contentsOf: bytes)
  }
}

/// Writes every byte of `buffer` to `fd`, retrying on short writes and `EINTR`.
func writeAll(fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(ByteIOError) {
  guard var p = buffer.baseAddress else { return }
  var left = buffer.count
  while left > 0 {
    let n = Glibc.write(fd, p, left)
    if n < 0 {
      if errno == EINTR { continue }
      throw ByteIOError.fromErrno(.write, path: path)
    }
    if n == 0 {
      throw ByteIOError(code: .write, path: path, reason: "the system accepted no bytes", errno: EIO)
    }
    p += n
    left -= n
  }
}

/// A file written sequentially through one fixed buffer (256 KiB by default).
///
/// Memory: the buffer, allocated once. Call ``close()`` to flush and see errors; releasing the object without
/// closing flushes as best it can and ignores errors. For output that must never be left half-written, use
/// ``AtomicFileWriter`` instead.
public final class FileSink: ByteSink {
  /// The path being written.
  public let path: String
  public private(set) var bytesWritten: UInt64 = 0
  private var fd: Int32
  private let buffer: UnsafeMutableRawBufferPointer
  private var used = 0

  /// Creates (or truncates) `path` with mode 0644 (less the umask).
  /// - Throws: ``ByteIOError/Code/openForWriting``.
  public convenience init(path: String, bufferSize: Int = 256 * 1024) throws(ByteIOError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw ByteIOError.fromErrno(.openForWriting, path: path) }
    self.init(fd: fd, path: path, bufferSize: bufferSize)
  }

  /// Takes ownership of an open descriptor; `path` is used in messages.
  public init(fd: Int32, path: String, bufferSize: Int = 256 * 1024) {
    self.fd = fd
    self.path = path
    self.buffer = .allocate(byteCount: max(1, bufferSize), alignment: 16)
  }

  deinit {
    if fd >= 0 {
      try? flush()
      Glibc.close(fd)
    }
    buffer.deallocate()
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws(ByteIOError) {
    guard fd >= 0 else { throw ByteIOError(code: .closed, path: path, reason: "the file was already closed") }
    if bytes.count > buffer.count - used {
      try flush()
      if bytes.count >= buffer.count {
        try writeAll(fd: fd, bytes, path: path)
        bytesWritten += UInt64(bytes.count)
        return
      }
    }
    UnsafeMutableRawBufferPointer(rebasing: buffer[used..<used + bytes.count]).copyMemory(from: bytes)
    used += bytes.count
    bytesWritten += UInt64(bytes.count)
  }

  /// Writes the buffered bytes to the file (no `fsync`).
  public func flush() throws(ByteIOError) {
    guard used > 0, fd >= 0 else { return }
    let n = used
    used = 0
    try writeAll(fd: fd, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), path: path)
  }

  /// Flushes to stable storage with `fsync(2)`.
  public func sync() throws(ByteIOError) {
    try flush()
    guard fd >= 0 else { return }
    if fsync(fd) != 0 { throw ByteIOError.fromErrno(.sync, path: path) }
  }

  /// Flushes and closes the file. Further writes throw ``ByteIOError/Code/closed``.
  public func close() throws(ByteIOError) {
    guard fd >= 0 else { return }
    defer {
      Glibc.close(fd)
      fd = -1
    }
    try flush()
  }

  /// Closes the descriptor without flushing buffered bytes (used when the output is being thrown away).
  func discard() {
    guard fd >= 0 else { return }
    used = 0
    Glibc.close(fd)
    fd = -1
  }
}

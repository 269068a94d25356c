import Glibc

/// Bytes that can be read at any offset: a file read with `pread`, or an array in memory.
///
/// The ZIP reader works over this protocol so that tests (and callers holding an attachment in memory) can
/// use ``MemorySource`` while production reads files with ``FileSource`` without loading them.
public protocol RandomAccessSource: AnyObject {
  /// The total number of bytes.
  var size: UInt64 { get }
  /// A name for messages, usually the path.
  var name: String { get }
  /// Copies up to `buffer.count` bytes starting at `offset` into `buffer` and returns how many were copied.
  ///
  /// Returns fewer bytes only at the end of the source, and 0 when `offset >= size`. Never reads past `buffer`.
  /// - Throws: ``ByteIOError`` with code ``ByteIOError/Code/read`` when the system read fails.
  func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ByteIOError) -> Int
}

extension RandomAccessSource {
  /// Reads exactly `buffer.count` bytes at `offset`, or returns how many could be read before the end.
  ///
  /// Loops over short reads, so the result is less than `buffer.count` only at the end of the source.
  public func readFully(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ByteIOError) -> Int {
    var done = 0
    while done < buffer.count {
      let n = try read(at: offset + UInt64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
      if n == 0 { break }
      done += n
    }
    return done
  }

  /// Reads `count` bytes at `offset` into a new array, which is shorter only at the end of the source.
  ///
  /// Allocates one array of `count` bytes; callers bound `count` before calling.
  public func readBytes(at offset: UInt64, count: Int) throws(ByteIOError) -> [UInt8] {
    guard count > 0 else { return [] }
    var result = [UInt8](repeating: 0, count: count)
    let got = try result.withUnsafeMutableBytes { buffer in
      Result { () throws(ByteIOError) in try readFully(at: offset, into: buffer) }
    }.get()
    if got < count { result.removeLast(count - got) }
    return result
  }
}

/// A file opened read-only and read at explicit offsets with `pread(2)`.
///
/// Holds one file descriptor and no buffer; the descriptor is closed when the object is released.
/// Reads at different offsets do not interfere, so one `FileSource` can serve several readers.
public final class FileSource: RandomAccessSource {
  /// The path the file was opened with.
  public let path: String
  /// The size of the file when it was opened (`fstat(2)`).
  public let size: UInt64
  private let fd: Int32

  public var name: String { path }

  /// Opens `path` for reading.
  /// - Throws: ``ByteIOError`` with ``ByteIOError/Code/openForReading`` (missing file, no permission, a folder)
  ///   or ``ByteIOError/Code/read`` when `fstat` fails.
  public init(path: String) throws(ByteIOError) {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ByteIOError.fromErrno(.openForReading, path: path) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      let e = ByteIOError.fromErrno(.read, path: path)
      close(fd)
      throw e
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw ByteIOError(code: .openForReading, path: path, reason: "it is not a regular file", errno: EISDIR)
    }
    self.fd = fd
    self.size = UInt64(max(0, st.st_size))
  }

  deinit { close(fd) }

  public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ByteIOError) -> Int {
    guard buffer.count > 0, offset < size, let base = buffer.baseAddress else { return 0 }
    guard offset <= UInt64(Int64.max) else { return 0 }
    while true {
      let n = pread(fd, base, buffer.count, off_t(offset))
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw ByteIOError.fromErrno(.read, path: path)
    }
  }
}

/// Bytes held in memory, read by copying. Holds one reference to the array (no copy is made).
public final class MemorySource: RandomAccessSource {
  /// The bytes.
  public let bytes: [UInt8]
  /// A name for messages.
  public let name: String

  /// Wraps `bytes`; `name` appears in error messages.
  public init(_ bytes: [UInt8], name: String = "<memory>") {
    self.bytes = bytes
    self.name = name
  }

  public var size: UInt64 { UInt64(bytes.count) }

  public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ByteIOError) -> Int {
    guard offset < UInt64(bytes.count), buffer.count > 0 else { return 0 }
    let start = Int(offset)
    let n = min(buffer.count, bytes.count - start)
    bytes.withUnsafeBytes { src in
      buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + n]))
    }
    return n
  }
}

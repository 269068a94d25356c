import Foundation

/// Buffered stdout and unbuffered stderr for the commands.
///
/// A closed pipe (`sheetgate cat x.xlsx --json | head`) ends the program quietly with status 0,
/// as xsv does, instead of a crash or an error message.
final class Output {
  // nonisolated(unsafe): the buffer is written and flushed only by the command's one thread (the main thread).
  nonisolated(unsafe) static let stdout = Output(fd: 1)
  private let fd: Int32
  private var buffer: [UInt8] = []

  init(fd: Int32) {
    self.fd = fd
    buffer.reserveCapacity(1 << 16)
  }

  func write(_ s: String) {
    var s = s
    s.withUTF8 { write(bytes: UnsafeRawBufferPointer($0)) }
  }

  func write(bytes: UnsafeRawBufferPointer) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { flush() }
  }

  func write(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { flush() }
  }

  func flush() {
    var offset = 0
    while offset < buffer.count {
      let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EPIPE { Foundation.exit(0) }
        break
      }
      offset += n
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes a line to stderr.
  static func error(_ s: String) {
    FileHandle.standardError.write((s + "\n").data(using: .utf8) ?? Data())
  }
}

import CZlib
import Glibc

/// A streaming ZIP writer for the package: each entry is deflated (raw deflate, zlib) as its bytes
/// arrive and closed with a data descriptor, so no entry's size is needed in advance; ZIP64
/// records are added when an entry or the archive passes 4 GiB. Output goes to a temporary file
/// beside the destination, renamed over it by `commit()` after `fsync`; `abort()` or
/// deinitialisation without commit removes the temporary file.
///
/// Memory: zlib's deflate state (~270 KiB at level 6), a 256 KiB output buffer and one small
/// record per entry for the central directory.
final class StreamingZIP: PackageSink {
  private struct Record {
    var name: [UInt8]
    var offset: UInt64
    var crc: UInt32 = 0
    var compressed: UInt64 = 0
    var uncompressed: UInt64 = 0
    var method: UInt16
    var zip64Local: Bool
  }

  let destination: String
  let temporaryPath: String
  private var fd: Int32
  private let level: Int32
  private let dosTime: UInt16
  private let dosDate: UInt16
  private var out: [UInt8] = []
  private var position: UInt64 = 0
  private var records: [Record] = []
  private var current: Record?
  private var stream = z_stream()
  private var streamOpen = false
  private var deflateOut: UnsafeMutablePointer<UInt8>
  private static let deflateOutSize = 128 * 1024
  private var committed = false

  init(path: String, level: Int32, modified: DateTimeParts) throws {
    destination = path
    self.level = max(0, min(9, level))
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var fd: Int32 = -1
    var candidate = ""
    for _ in 0..<16 {
      candidate = folder + ".\(name).tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
      fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else {
      throw XLSXWriteError(.io, "cannot create a temporary file beside the output: \(String(cString: strerror(errno))); check that the folder exists and is writable",
                           location: .init(file: path))
    }
    self.fd = fd
    temporaryPath = candidate
    let y = max(1980, min(2107, modified.year))
    dosDate = UInt16((y - 1980) << 9 | modified.month << 5 | modified.day)
    dosTime = UInt16(modified.hour << 11 | modified.minute << 5 | modified.second / 2)
    deflateOut = .allocate(capacity: Self.deflateOutSize)
    out.reserveCapacity(300 * 1024)
  }

  deinit {
    if streamOpen { deflateEnd(&stream) }
    deflateOut.deallocate()
    if !committed { abort() }
  }

  // MARK: Entries

  func beginEntry(_ name: String, large: Bool) throws {
    precondition(current == nil, "entry not ended")
    let method: UInt16 = level == 0 ? 0 : 8
    let offset = position + UInt64(out.count)
    let zip64 = large || offset >= 0xFFFF_FFFF
    var r = Record(name: Array(name.utf8), offset: offset, method: method, zip64Local: zip64)
    put32(0x0403_4B50)
    put16(zip64 ? 45 : 20)
    put16(0x0808)  // data descriptor follows, UTF-8 name
    put16(method)
    put16(dosTime); put16(dosDate)
    put32(0)
    put32(zip64 ? 0xFFFF_FFFF : 0); put32(zip64 ? 0xFFFF_FFFF : 0)
    put16(UInt16(r.name.count))
    put16(zip64 ? 20 : 0)
    out.append(contentsOf: r.name)
    if zip64 { put16(1); put16(16); put64(0); put64(0) }
    r.crc = 0
    current = r
    if method == 8 {
      stream = z_stream()
      let rc = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                             Int32(MemoryLayout<z_stream>.size))
      guard rc == Z_OK else { throw XLSXWriteError(.io, "zlib could not start deflating (\(rc))", location: .init(file: destination, entry: name)) }
      streamOpen = true
    }
    try flushIfNeeded()
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard var r = current, bytes.count > 0 else { return }
    r.uncompressed += UInt64(bytes.count)
    var done = 0
    while done < bytes.count {
      let n = min(bytes.count - done, Int(Int32.max))
      let chunk = UnsafeRawBufferPointer(rebasing: bytes[done..<done + n])
      r.crc = UInt32(crc32(UInt(r.crc), chunk.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(n)))
      if r.method == 0 {
        out.append(contentsOf: chunk)
        r.compressed += UInt64(n)
        try flushIfNeeded()
      } else {
        stream.next_in = UnsafeMutablePointer(mutating: chunk.baseAddress!.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(n)
        r.compressed += try pump(flush: Z_NO_FLUSH)
      }
      done += n
    }
    current = r
  }

  /// Runs deflate until it has consumed its input (or finished), appending output; returns bytes produced.
  private func pump(flush: Int32) throws -> UInt64 {
    var produced: UInt64 = 0
    while true {
      stream.next_out = deflateOut
      stream.avail_out = UInt32(Self.deflateOutSize)
      let rc = deflate(&stream, flush)
      guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
        throw XLSXWriteError(.io, "zlib deflate failed (\(rc))", location: .init(file: destination))
      }
      let n = Self.deflateOutSize - Int(stream.avail_out)
      if n > 0 {
        out.append(contentsOf: UnsafeBufferPointer(start: deflateOut, count: n))
        produced += UInt64(n)
        try flushIfNeeded()
      }
      if flush == Z_FINISH { if rc == Z_STREAM_END { break } } else if stream.avail_in == 0 && stream.avail_out > 0 { break }
    }
    return produced
  }

  func endEntry() throws {
    guard var r = current else { return }
    if r.method == 8 {
      stream.next_in = nil
      stream.avail_in = 0
      r.compressed += try pump(flush: Z_FINISH)
      deflateEnd(&stream)
      streamOpen = false
    }
    let zip64 = r.zip64Local || r.compressed >= 0xFFFF_FFFF || r.uncompressed >= 0xFFFF_FFFF
    guard zip64 == r.zip64Local || !zip64 else {
      throw XLSXWriteError(.io, "the entry passed 4 GiB; write the workbook with the zip64 option",
                           location: .init(file: destination, entry: String(decoding: r.name, as: UTF8.self)))
    }
    put32(0x0807_4B50)
    put32(r.crc)
    if r.zip64Local { put64(r.compressed); put64(r.uncompressed) } else { put32(UInt32(r.compressed)); put32(UInt32(r.uncompressed)) }
    records.append(r)
    current = nil
    try flushIfNeeded()
  }

  // MARK: Central directory

  func commit() throws {
    precondition(current == nil, "entry not ended")
    let cdStart = position + UInt64(out.count)
    for r in records {
      let big = r.compressed >= 0xFFFF_FFFF || r.uncompressed >= 0xFFFF_FFFF || r.offset >= 0xFFFF_FFFF
      var extra: [UInt64] = []
      if big { extra = [r.uncompressed, r.compressed, r.offset] }
      put32(0x0201_4B50)
      put16(big || r.zip64Local ? 45 : 20); put16(big || r.zip64Local ? 45 : 20)
      put16(0x0808); put16(r.method); put16(dosTime); put16(dosDate)
      put32(r.crc)
      put32(big ? 0xFFFF_FFFF : UInt32(r.compressed)); put32(big ? 0xFFFF_FFFF : UInt32(r.uncompressed))
      put16(UInt16(r.name.count)); put16(big ? UInt16(4 + 8 * extra.count) : 0); put16(0)
      put16(0); put16(0); put32(0)
      put32(big ? 0xFFFF_FFFF : UInt32(r.offset))
      out.append(contentsOf: r.name)
      if big { put16(1); put16(UInt16(8 * extra.count)); for v in extra { put64(v) } }
      try flushIfNeeded()
    }
    let cdEnd = position + UInt64(out.count)
    let cdSize = cdEnd - cdStart
    let needs64 = cdStart >= 0xFFFF_FFFF || records.count >= 0xFFFF
    if needs64 {
      put32(0x0606_4B50); put64(44); put16(45); put16(45); put32(0); put32(0)
      put64(UInt64(records.count)); put64(UInt64(records.count)); put64(cdSize); put64(cdStart)
      put32(0x0706_4B50); put32(0); put64(cdEnd); put32(1)
    }
    put32(0x0605_4B50); put16(0); put16(0)
    put16(UInt16(min(records.count, 0xFFFF))); put16(UInt16(min(records.count, 0xFFFF)))
    put32(UInt32(min(cdSize, 0xFFFF_FFFF))); put32(needs64 ? 0xFFFF_FFFF : UInt32(cdStart)); put16(0)
    try flushOut()
    if fsync(fd) != 0 { throw ioError("flush to disk") }
    if close(fd) != 0 { fd = -1; throw ioError("close") }
    fd = -1
    if rename(temporaryPath, destination) != 0 { throw ioError("rename into place") }
    committed = true
    let slash = destination.lastIndex(of: "/")
    let folder = slash.map { String(destination[..<$0]) } ?? "."
    let dfd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dfd >= 0 { _ = fsync(dfd); close(dfd) }
  }

  func abort() {
    guard !committed else { return }
    if fd >= 0 { close(fd); fd = -1 }
    unlink(temporaryPath)
    committed = true  // nothing more to clean up
  }

  // MARK: Bytes

  private func ioError(_ what: String) -> XLSXWriteError {
    let reason = String(cString: strerror(errno))
    abort()
    return XLSXWriteError(.io, "could not \(what): \(reason); the previous file is untouched",
                          location: .init(file: destination))
  }

  @inline(__always) private func put16(_ v: UInt16) { out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8)) }
  @inline(__always) private func put32(_ v: UInt32) { put16(UInt16(v & 0xFFFF)); put16(UInt16(v >> 16)) }
  @inline(__always) private func put64(_ v: UInt64) { put32(UInt32(v & 0xFFFF_FFFF)); put32(UInt32(v >> 32)) }

  private func flushIfNeeded() throws { if out.count >= 256 * 1024 { try flushOut() } }

  private func flushOut() throws {
    guard !out.isEmpty else { return }
    guard fd >= 0 else { throw XLSXWriteError(.io, "the output was already closed", location: .init(file: destination)) }
    try out.withUnsafeBytes { b in
      var p = b.baseAddress!
      var left = b.count
      while left > 0 {
        let n = Glibc.write(fd, p, left)
        if n < 0 { if errno == EINTR { continue }; throw ioError("write") }
        p += n
        left -= n
      }
    }
    position += UInt64(out.count)
    out.removeAll(keepingCapacity: true)
  }
}

import ByteIO

/// Streams one entry's uncompressed bytes into buffers the caller provides, checking size and CRC-32.
///
/// Made by ``ZIPArchive/openEntry(_:)``. Memory: for a deflated entry, one 64 KiB input buffer and zlib's
/// inflate state, allocated when the reader is made and reused for every call; nothing per call. A stored
/// entry is read straight into the caller's buffer.
///
/// Every byte handed out counts against ``ZIPLimits/maxEntryBytes`` and (across all readers of the archive)
/// against ``ZIPLimits/maxArchiveBytes``, so a zip bomb is stopped after at most one buffer beyond the cap,
/// whatever sizes it declares (the caps are absolute). When the stream ends, the size and the CRC-32 are
/// compared with the central directory. After an error every further call throws the same error.
///
/// Copying a reader shares its zlib stream; use one copy.
public struct ZIPEntryReader {
  /// The entry being read.
  public let entry: ZIPEntry
  private let archive: ZIPArchive
  private let inflater: RawInflater?
  private var position: UInt64
  private var compressedLeft: UInt64
  private var crc: UInt32 = 0
  private var streamEnded = false
  private var finished = false
  private var failure: ZIPError?

  /// How many uncompressed bytes have been handed out so far.
  public private(set) var bytesRead: UInt64 = 0

  static let inputBufferSize = 64 * 1024

  init(archive: ZIPArchive, entry: ZIPEntry, dataStart: UInt64) {
    self.archive = archive
    self.entry = entry
    position = dataStart
    compressedLeft = entry.compressedSize
    if entry.method == 8 {
      let inflater = RawInflater(inputCapacity: ZIPEntryReader.inputBufferSize)
      if let message = inflater.start() {
        failure = ZIPError(.inflateFailed, entry: entry.name, file: archive.name, detail: message)
      }
      self.inflater = inflater
    } else {
      inflater = nil
    }
  }

  /// Copies the next uncompressed bytes into `buffer` and returns how many; 0 means the entry is complete and
  /// its size and CRC-32 were correct.
  ///
  /// Returns fewer bytes than `buffer.count` whenever convenient (not only at the end); call again until 0.
  /// - Throws: ``ZIPError`` with ``ZIPError/Code/crcMismatch``, ``ZIPError/Code/sizeMismatch``,
  ///   ``ZIPError/Code/inflateFailed``, ``ZIPError/Code/truncated``, ``ZIPError/Code/entryTooLarge``,
  ///   ``ZIPError/Code/archiveTooLarge`` or ``ZIPError/Code/io``, always naming the entry and the archive.
  public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZIPError) -> Int {
    if let failure { throw failure }
    if finished || buffer.count == 0 { return 0 }
    do {
      return try step(buffer)
    } catch {
      let e = error.with(entry: entry.name, file: archive.name)
      failure = e
      throw e
    }
  }

  private func fail(_ code: ZIPError.Code, _ detail: String) -> ZIPError {
    ZIPError(code, entry: entry.name, file: archive.name, detail: detail)
  }

  private mutating func step(_ buffer: UnsafeMutableRawBufferPointer) throws(ZIPError) -> Int {
    guard let inflater else {
      // Stored: the compressed bytes are the bytes.
      if compressedLeft == 0 {
        try finish()
        return 0
      }
      let want = Int(min(UInt64(buffer.count), compressedLeft))
      let n = try readSource(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
      try account(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
      return n
    }
    if streamEnded {
      try finish()
      return 0
    }
    while true {
      if inflater.pendingInput == 0 && compressedLeft > 0 {
        let want = Int(min(UInt64(inflater.input.count), compressedLeft))
        let n = try readSource(into: UnsafeMutableRawBufferPointer(rebasing: inflater.input[0..<want]))
        inflater.refill(n)
      }
      let pendingBefore = inflater.pendingInput
      switch inflater.inflate(into: buffer) {
      case .failed(let message):
        throw fail(.inflateFailed, "zlib reports \"\(message)\" after \(bytesRead) bytes")
      case .end(let n):
        streamEnded = true
        if n > 0 {
          try account(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
          return n
        }
        try finish()
        return 0
      case .progress(let n):
        if n > 0 {
          try account(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
          return n
        }
        if inflater.pendingInput == 0 && compressedLeft == 0 {
          throw fail(.truncated, "its compressed data ends before the deflate stream does, after \(bytesRead) "
            + "bytes")
        }
        if inflater.pendingInput == pendingBefore && pendingBefore > 0 {
          // zlib neither consumed nor produced anything although it had input and room: never loop on it.
          throw fail(.inflateFailed, "zlib made no progress after \(bytesRead) bytes")
        }
      }
    }
  }

  /// Reads compressed (or stored) bytes at the current position; an early end of file is `.truncated`.
  private mutating func readSource(into buffer: UnsafeMutableRawBufferPointer) throws(ZIPError) -> Int {
    let n: Int
    do { n = try archive.source.read(at: position, into: buffer) } catch {
      throw ZIPError(io: error, entry: entry.name, file: archive.name)
    }
    guard n > 0 else {
      throw fail(.truncated, "the file ends at offset \(position), inside the entry's data")
    }
    position += UInt64(n)
    compressedLeft -= UInt64(n)
    return n
  }

  /// Counts bytes handed out against the limits and folds them into the CRC.
  private mutating func account(_ chunk: UnsafeRawBufferPointer) throws(ZIPError) {
    bytesRead += UInt64(chunk.count)
    let limits = archive.limits
    if bytesRead > limits.maxEntryBytes {
      throw fail(.entryTooLarge, "it inflates to more than the limit of \(limits.maxEntryBytes) bytes "
        + "(ZIPLimits.maxEntryBytes)")
    }
    archive.inflatedBytes += UInt64(chunk.count)
    if archive.inflatedBytes > limits.maxArchiveBytes {
      throw fail(.archiveTooLarge, "reading it brings the archive's inflated total past the limit of "
        + "\(limits.maxArchiveBytes) bytes (ZIPLimits.maxArchiveBytes)")
    }
    crc = zipCRC32(crc, chunk)
  }

  /// Checks CRC and size once all bytes are out. The CRC comes first: it is what a damaged entry fails, and the
  /// detail mentions a size difference too.
  private mutating func finish() throws(ZIPError) {
    finished = true
    let sizeNote = bytesRead == entry.uncompressedSize ? ""
      : " (and it inflates to \(bytesRead) bytes instead of \(entry.uncompressedSize))"
    guard crc == entry.crc32 else {
      throw fail(.crcMismatch, "its CRC-32 is \(ZIPEntryReader.hex(crc)) but the central directory records "
        + "\(ZIPEntryReader.hex(entry.crc32))" + sizeNote)
    }
    guard bytesRead == entry.uncompressedSize else {
      throw fail(.sizeMismatch, "it inflates to \(bytesRead) bytes but the central directory says "
        + "\(entry.uncompressedSize)")
    }
  }

  static func hex(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }
}

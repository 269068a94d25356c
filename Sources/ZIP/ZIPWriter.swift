import ByteIO

/// Writes a ZIP archive to a ``ByteSink`` as a stream: entries of unknown size, one after another.
///
/// Each entry is written as a local header with flag bit 3 set (sizes and CRC unknown up front), its data, and a
/// data descriptor with the real CRC-32 and sizes; ``finish()`` writes the central directory and end records.
/// ZIP64 is used where needed: `large: true` puts a ZIP64 extra field in the local header and 8-byte sizes in
/// the descriptor (so entries past 4 GiB are standard), 8-byte descriptor sizes are also used automatically when
/// an entry turns out larger than 4 GiB, and the central directory gets ZIP64 extra fields and ZIP64 end
/// records when sizes, offsets or the entry count (over 65,535) need them. Non-ASCII names set flag bit 11 (UTF-8).
///
/// Memory: one 64 KiB deflate output buffer and zlib's deflate state (about 256 KiB), reused for every entry
/// of the same level, plus about 60 bytes and the name per entry for the central directory. Nothing per write.
///
/// ```swift
/// let out = try AtomicFileWriter(path: "book.xlsx")
/// let zip = ZIPWriter(sink: out)
/// try zip.beginEntry(name: "xl/worksheets/sheet1.xml", method: .deflate(level: 6))
/// try zip.write(xmlBytes)          // as many times as needed
/// try zip.endEntry()
/// try zip.finish()
/// try out.commit()
/// ```
public final class ZIPWriter {
  /// How an entry's bytes are stored.
  public enum Method: Sendable, Equatable {
    /// As is (method 0).
    case stored
    /// Raw deflate (method 8) at a zlib level: 0 (none) to 9 (best), 1 fastest, 6 zlib's default.
    case deflate(level: Int32)
  }

  /// A modification time (local time as the file's creator sees it; MS-DOS format keeps even seconds only,
  /// years 1980–2107).
  public typealias Timestamp = (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)

  private struct Record {
    var name: [UInt8]
    var flags: UInt16
    var method: UInt16
    var time: UInt16
    var date: UInt16
    var crc: UInt32 = 0
    var compressed: UInt64 = 0
    var uncompressed: UInt64 = 0
    var offset: UInt64
    var zip64Local: Bool
    var isDirectory: Bool
  }

  private let sink: any ByteSink
  private var records: [Record] = []
  private var names: Set<[UInt8]> = []
  private var current: Record?
  private var deflater: EntryDeflater?
  private var isDeflating = false
  private var finished = false
  private var scratch: [UInt8] = []
  /// Where the archive started in the sink (non-zero when writing after other bytes).
  private let base: UInt64

  /// The archive's bytes written to the sink so far.
  public var bytesWritten: UInt64 { sink.bytesWritten - base }

  /// Starts an archive at the sink's current position. Nothing is written until ``beginEntry(name:method:modified:large:)``.
  public init(sink: any ByteSink) {
    self.sink = sink
    base = sink.bytesWritten
  }

  /// Writes the local header of a new entry; its bytes follow with ``write(_:)-7b2zk`` and end with ``endEntry()``.
  /// - Parameters:
  ///   - name: the path inside the archive, `/`-separated (a trailing `/` makes a folder entry).
  ///   - method: stored or deflate at a level.
  ///   - modified: the timestamp to record; nil records 1980-01-01 00:00:00, so output is reproducible.
  ///   - large: set when the entry may exceed 4 GiB, to write ZIP64 local fields.
  /// - Throws: ``ZIPError/Code/misuse`` (an entry is already open, the archive is finished, the name is empty,
  ///   too long or already used), ``ZIPError/Code/deflateFailed`` for a bad level, or ``ZIPError/Code/io``.
  public func beginEntry(name: String, method: Method = .deflate(level: 6), modified: Timestamp? = nil,
                         large: Bool = false) throws(ZIPError) {
    guard !finished else { throw misuse(name, "the archive is already finished") }
    guard current == nil else { throw misuse(name, "the previous entry was not ended with endEntry()") }
    let nameBytes = Array(name.utf8)
    guard !nameBytes.isEmpty, nameBytes.count <= 0xFFFF else {
      throw misuse(name, "entry names must be 1 to 65,535 bytes long")
    }
    guard !names.contains(nameBytes) else { throw misuse(name, "an entry with this name was already written") }
    var flags: UInt16 = 1 << 3
    if nameBytes.contains(where: { $0 >= 0x80 }) { flags |= 1 << 11 }
    let (time, date) = ZIPWriter.dosDateTime(modified)
    var methodCode: UInt16 = 0
    isDeflating = false
    if case .deflate(let level) = method {
      methodCode = 8
      isDeflating = true
      if let d = deflater, d.level == level {
        d.reset()
      } else {
        deflater = try EntryDeflater(level: level)
      }
    }
    names.insert(nameBytes)
    let record = Record(name: nameBytes, flags: flags, method: methodCode, time: time, date: date,
                        offset: bytesWritten, zip64Local: large, isDirectory: name.hasSuffix("/"))
    scratch.removeAll(keepingCapacity: true)
    scratch.appendLE(Signature.localFileHeader)
    scratch.appendLE(UInt16(large ? 45 : 20))
    scratch.appendLE(flags)
    scratch.appendLE(methodCode)
    scratch.appendLE(time)
    scratch.appendLE(date)
    scratch.appendLE(UInt32(0))  // CRC-32: in the data descriptor
    scratch.appendLE(large ? UInt32.max : 0)  // compressed size
    scratch.appendLE(large ? UInt32.max : 0)  // uncompressed size
    scratch.appendLE(UInt16(nameBytes.count))
    scratch.appendLE(UInt16(large ? 20 : 0))
    scratch.append(contentsOf: nameBytes)
    if large {
      scratch.appendLE(UInt16(0x0001))
      scratch.appendLE(UInt16(16))
      scratch.appendLE(UInt64(0))
      scratch.appendLE(UInt64(0))
    }
    current = record
    try emit(scratch, entry: name)
  }

  /// Appends bytes to the open entry (compressing them if it is deflated).
  /// - Throws: ``ZIPError/Code/misuse`` when no entry is open, ``ZIPError/Code/deflateFailed`` or ``ZIPError/Code/io``.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(ZIPError) {
    guard var record = current else { throw misuse(nil, "write() was called outside beginEntry()/endEntry()") }
    guard bytes.count > 0 else { return }
    record.crc = zipCRC32(record.crc, bytes)
    record.uncompressed += UInt64(bytes.count)
    if isDeflating, let deflater {
      var produced: UInt64 = 0
      try deflater.deflate(bytes, finish: false) { (chunk) throws(ZIPError) in
        produced += UInt64(chunk.count)
        try self.emit(chunk, entry: record.name)
      }
      record.compressed += produced
    } else {
      try emit(bytes, entry: record.name)
      record.compressed += UInt64(bytes.count)
    }
    current = record
  }

  /// Appends the bytes of an array to the open entry.
  public func write(_ bytes: [UInt8]) throws(ZIPError) {
    let result = bytes.withUnsafeBytes { raw in Result { () throws(ZIPError) in try write(raw) } }
    try result.get()
  }

  /// Ends the open entry: flushes the compressor and writes the data descriptor.
  /// - Throws: ``ZIPError/Code/misuse`` when no entry is open, ``ZIPError/Code/deflateFailed`` or ``ZIPError/Code/io``.
  public func endEntry() throws(ZIPError) {
    guard var record = current else { throw misuse(nil, "endEntry() was called without beginEntry()") }
    if isDeflating, let deflater {
      var produced: UInt64 = 0
      try deflater.deflate(UnsafeRawBufferPointer(start: nil, count: 0), finish: true) { (chunk) throws(ZIPError) in
        produced += UInt64(chunk.count)
        try self.emit(chunk, entry: record.name)
      }
      record.compressed += produced
    }
    let wide = record.zip64Local || record.compressed >= UInt64(UInt32.max) || record.uncompressed >= UInt64(UInt32.max)
    scratch.removeAll(keepingCapacity: true)
    scratch.appendLE(Signature.dataDescriptor)
    scratch.appendLE(record.crc)
    if wide {
      scratch.appendLE(record.compressed)
      scratch.appendLE(record.uncompressed)
    } else {
      scratch.appendLE(UInt32(record.compressed))
      scratch.appendLE(UInt32(record.uncompressed))
    }
    try emit(scratch, entry: record.name)
    records.append(record)
    current = nil
  }

  /// Writes the central directory and end records. The archive is complete afterwards; the sink is not closed.
  /// - Throws: ``ZIPError/Code/misuse`` if an entry is still open or the archive was finished, or ``ZIPError/Code/io``.
  public func finish() throws(ZIPError) {
    guard !finished else { throw misuse(nil, "finish() was called twice") }
    guard current == nil else { throw misuse(nil, "finish() was called with an entry still open") }
    finished = true
    deflater = nil
    let directoryOffset = bytesWritten
    let saturated = UInt64(UInt32.max)
    for r in records {
      var extra: [UInt8] = []
      if r.uncompressed >= saturated { extra.appendLE(r.uncompressed) }
      if r.compressed >= saturated { extra.appendLE(r.compressed) }
      if r.offset >= saturated { extra.appendLE(r.offset) }
      let zip64 = !extra.isEmpty || r.zip64Local
      scratch.removeAll(keepingCapacity: true)
      scratch.appendLE(Signature.centralFileHeader)
      scratch.appendLE(UInt16(3 << 8 | (zip64 ? 45 : 20)))  // made by: Unix, spec version
      scratch.appendLE(UInt16(zip64 ? 45 : 20))
      scratch.appendLE(r.flags)
      scratch.appendLE(r.method)
      scratch.appendLE(r.time)
      scratch.appendLE(r.date)
      scratch.appendLE(r.crc)
      scratch.appendLE(UInt32(min(r.compressed, saturated)))
      scratch.appendLE(UInt32(min(r.uncompressed, saturated)))
      scratch.appendLE(UInt16(r.name.count))
      scratch.appendLE(UInt16(extra.isEmpty ? 0 : extra.count + 4))
      scratch.appendLE(UInt16(0))  // comment
      scratch.appendLE(UInt16(0))  // disk
      scratch.appendLE(UInt16(0))  // internal attributes
      scratch.appendLE(UInt32(r.isDirectory ? (0o40755 << 16 | 0x10) : 0o100644 << 16))
      scratch.appendLE(UInt32(min(r.offset, saturated)))
      scratch.append(contentsOf: r.name)
      if !extra.isEmpty {
        scratch.appendLE(UInt16(0x0001))
        scratch.appendLE(UInt16(extra.count))
        scratch.append(contentsOf: extra)
      }
      try emit(scratch, entry: r.name)
    }
    let directorySize = bytesWritten - directoryOffset
    let count = UInt64(records.count)
    scratch.removeAll(keepingCapacity: true)
    if count >= 0xFFFF || directoryOffset >= saturated || directorySize >= saturated {
      let recordOffset = bytesWritten
      scratch.appendLE(Signature.zip64EndOfCentralDirectory)
      scratch.appendLE(UInt64(44))  // size of the rest of this record
      scratch.appendLE(UInt16(3 << 8 | 45))
      scratch.appendLE(UInt16(45))
      scratch.appendLE(UInt32(0))  // this disk
      scratch.appendLE(UInt32(0))  // disk with the directory
      scratch.appendLE(count)
      scratch.appendLE(count)
      scratch.appendLE(directorySize)
      scratch.appendLE(directoryOffset)
      scratch.appendLE(Signature.zip64Locator)
      scratch.appendLE(UInt32(0))
      scratch.appendLE(recordOffset)
      scratch.appendLE(UInt32(1))  // total disks
    }
    scratch.appendLE(Signature.endOfCentralDirectory)
    scratch.appendLE(UInt16(0))
    scratch.appendLE(UInt16(0))
    scratch.appendLE(UInt16(min(count, 0xFFFF)))
    scratch.appendLE(UInt16(min(count, 0xFFFF)))
    scratch.appendLE(UInt32(min(directorySize, saturated)))
    scratch.appendLE(UInt32(min(directoryOffset, saturated)))
    scratch.appendLE(UInt16(0))  // comment length
    try emit(scratch, entry: nil as [UInt8]?)
  }

  private func emit(_ bytes: [UInt8], entry: String?) throws(ZIPError) {
    let result = bytes.withUnsafeBytes { raw in Result { () throws(ZIPError) in try emit(raw, entry: entry) } }
    try result.get()
  }

  private func emit(_ bytes: [UInt8], entry: [UInt8]?) throws(ZIPError) {
    try emit(bytes, entry: entry.map { String(decoding: $0, as: UTF8.self) })
  }

  private func emit(_ bytes: UnsafeRawBufferPointer, entry: [UInt8]) throws(ZIPError) {
    try emit(bytes, entry: String(decoding: entry, as: UTF8.self))
  }

  private func emit(_ bytes: UnsafeRawBufferPointer, entry: String?) throws(ZIPError) {
    do { try sink.write(bytes) } catch { throw ZIPError(io: error, entry: entry) }
  }

  private func misuse(_ entry: String?, _ detail: String) -> ZIPError {
    ZIPError(.misuse, entry: entry, detail: detail)
  }

  /// MS-DOS time and date words (APPNOTE 4.4.6); nil gives 1980-01-01 00:00:00.
  static func dosDateTime(_ t: Timestamp?) -> (time: UInt16, date: UInt16) {
    guard let t else { return (0, 1 << 5 | 1) }
    let year = min(max(t.year, 1980), 2107) - 1980
    let month = min(max(t.month, 1), 12)
    let day = min(max(t.day, 1), 31)
    let time = min(max(t.hour, 0), 23) << 11 | min(max(t.minute, 0), 59) << 5 | min(max(t.second, 0), 59) / 2
    return (UInt16(time), UInt16(year << 9 | month << 5 | day))
  }
}

/// An entry's compressor: ISA-L's for level 1 (about three times as fast as zlib's level 1 on
/// worksheet XML, and smaller), zlib's for every other level.
enum EntryDeflater {
  case zlib(RawDeflater)
  case fast(FastDeflater)

  init(level: Int32) throws(ZIPError) {
    self = level == 1 ? .fast(FastDeflater()) : .zlib(try RawDeflater(level: level))
  }

  var level: Int32 {
    switch self {
    case .zlib(let d): return d.level
    case .fast(let d): return d.level
    }
  }

  func reset() {
    switch self {
    case .zlib(let d): d.reset()
    case .fast(let d): d.reset()
    }
  }

  func deflate(_ input: UnsafeRawBufferPointer, finish: Bool,
               emit: (UnsafeRawBufferPointer) throws(ZIPError) -> Void) throws(ZIPError) {
    switch self {
    case .zlib(let d): try d.deflate(input, flush: finish ? .finish : .none, emit: emit)
    case .fast(let d): try d.deflate(input, finish: finish, emit: emit)
    }
  }
}

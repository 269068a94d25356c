import ByteIO

/// A ZIP archive opened for reading: its central directory parsed into ``entries``, each readable as a stream.
///
/// Opening reads only the end of the archive and the central directory (memory: the directory's size plus
/// one ``ZIPEntry`` per entry). Entry data is read on demand by ``openEntry(_:)``, which streams through one
/// 64 KiB input buffer per reader. Several readers may be open at once; they share the source.
///
/// ```swift
/// let archive = try ZIPArchive(path: "ledger.xlsx")
/// guard let sheet = archive.entry(named: "xl/worksheets/sheet1.xml") else { … }
/// var reader = try archive.openEntry(sheet)
/// var buffer = [UInt8](repeating: 0, count: 65536)
/// while true {
///   let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
///   if n == 0 { break }
///   // use buffer[0..<n]
/// }
/// ```
///
/// Hostile archives are expected: every offset and length is bounds-checked, and ``ZIPLimits`` caps the
/// entry count and the bytes actually inflated, per entry and for the whole archive.
public final class ZIPArchive {
  /// The archive's name for messages (the path when opened from a file).
  public let name: String
  /// The caps applied while reading.
  public let limits: ZIPLimits
  /// The entries in central-directory order.
  public let entries: [ZIPEntry]
  let source: any RandomAccessSource
  /// Bytes inflated so far by all readers of this archive, checked against ``ZIPLimits/maxArchiveBytes``.
  public internal(set) var inflatedBytes: UInt64 = 0
  private let exactIndex: [String: Int]
  private let normalisedIndex: [String: Int]
  private let foldedIndex: [String: Int]

  /// Reads the central directory of the archive held by `source`.
  /// - Parameters:
  ///   - name: used in error messages; defaults to the source's name.
  /// - Throws: ``ZIPError`` with ``ZIPError/Code/notAZip``, ``ZIPError/Code/truncated``,
  ///   ``ZIPError/Code/corruptCentralDirectory``, ``ZIPError/Code/tooManyEntries`` or ``ZIPError/Code/io``.
  public init(source: any RandomAccessSource, name: String? = nil, limits: ZIPLimits = .default) throws(ZIPError) {
    let name = name ?? source.name
    self.name = name
    self.limits = limits
    self.source = source
    entries = try ZIPArchive.readDirectory(from: source, file: name, limits: limits)
    var exact: [String: Int] = [:]
    var normalised: [String: Int] = [:]
    var folded: [String: Int] = [:]
    exact.reserveCapacity(entries.count)
    for entry in entries {
      let key = ZIPArchive.normalise(entry.name)
      if exact[entry.name] == nil { exact[entry.name] = entry.index }
      if normalised[key] == nil { normalised[key] = entry.index }
      if folded[key.lowercased()] == nil { folded[key.lowercased()] = entry.index }
    }
    exactIndex = exact
    normalisedIndex = normalised
    foldedIndex = folded
  }

  /// Opens the file at `path` and reads its central directory.
  /// - Throws: as ``init(source:name:limits:)``; a file that cannot be opened gives ``ZIPError/Code/io``.
  public convenience init(path: String, limits: ZIPLimits = .default) throws(ZIPError) {
    let source: FileSource
    do { source = try FileSource(path: path) } catch { throw ZIPError(io: error, file: path) }
    try self.init(source: source, name: path, limits: limits)
  }

  /// Finds an entry by name, tolerating `\` separators, a leading `/` and differences of letter case.
  ///
  /// An exact match wins over a normalised one, which wins over a case-insensitive one; among equals, the
  /// first in the directory. O(1) (the indexes are built when the archive is opened).
  public func entry(named name: String) -> ZIPEntry? {
    if let i = exactIndex[name] { return entries[i] }
    let key = ZIPArchive.normalise(name)
    if let i = normalisedIndex[key] ?? foldedIndex[key.lowercased()] { return entries[i] }
    return nil
  }

  /// `\` becomes `/`, and leading `/` are dropped.
  static func normalise(_ name: String) -> String {
    var s = name.contains("\\") ? name.replacing("\\", with: "/") : name
    while s.hasPrefix("/") { s.removeFirst() }
    return s
  }

  /// Opens an entry for streaming its uncompressed bytes.
  ///
  /// Reads and checks the local header. Memory: a 64 KiB input buffer and zlib's inflate state (~40 KiB) for
  /// deflated entries, nothing for stored ones.
  /// - Throws: ``ZIPError`` with ``ZIPError/Code/encryptedEntry``, ``ZIPError/Code/unsupportedMethod``,
  ///   ``ZIPError/Code/corruptLocalHeader``, ``ZIPError/Code/truncated``, ``ZIPError/Code/entryTooLarge``
  ///   (when the declared size already exceeds the cap) or ``ZIPError/Code/io``.
  public func openEntry(_ entry: ZIPEntry) throws(ZIPError) -> ZIPEntryReader {
    func fail(_ code: ZIPError.Code, _ detail: String) -> ZIPError {
      ZIPError(code, entry: entry.name, file: name, detail: detail)
    }
    if entry.isEncrypted || entry.method == 99 {
      throw fail(.encryptedEntry, "it is protected with ZIP encryption (flag bit 0)")
    }
    guard entry.method == 0 || entry.method == 8 else {
      throw fail(.unsupportedMethod, "it uses method \(entry.method)\(ZIPArchive.methodName(entry.method)); "
        + "only stored (0) and deflate (8) are supported")
    }
    guard entry.uncompressedSize <= limits.maxEntryBytes else {
      throw fail(.entryTooLarge, "it declares \(entry.uncompressedSize) bytes, more than the limit of "
        + "\(limits.maxEntryBytes) bytes (ZIPLimits.maxEntryBytes)")
    }
    let header: LittleEndianBytes
    do {
      header = LittleEndianBytes(try source.readBytes(at: entry.localHeaderOffset, count: 30))
    } catch { throw ZIPError(io: error, entry: entry.name, file: name) }
    guard header.count == 30 else {
      throw fail(.truncated, "its local header at offset \(entry.localHeaderOffset) lies past the end of the file")
    }
    guard header.u32(0) == Signature.localFileHeader, let nameLength = header.u16(26),
          let extraLength = header.u16(28) else {
      throw fail(.corruptLocalHeader, "there is no local header signature at offset \(entry.localHeaderOffset)")
    }
    let dataStart = entry.localHeaderOffset + 30 + UInt64(nameLength) + UInt64(extraLength)
    let (dataEnd, overflow) = dataStart.addingReportingOverflow(entry.compressedSize)
    guard !overflow, dataEnd <= source.size else {
      throw fail(.truncated, "its \(entry.compressedSize) bytes of data starting at offset \(dataStart) run past "
        + "the end of the file (\(source.size) bytes)")
    }
    return ZIPEntryReader(archive: self, entry: entry, dataStart: dataStart)
  }

  /// Opens the entry called `name` (see ``entry(named:)``).
  /// - Throws: ``ZIPError/Code/entryNotFound`` naming the entry, or as ``openEntry(_:)``.
  public func openEntry(named name: String) throws(ZIPError) -> ZIPEntryReader {
    guard let entry = entry(named: name) else {
      throw ZIPError(.entryNotFound, entry: name, file: self.name, detail: "no entry has this name")
    }
    return try openEntry(entry)
  }

  /// Inflates a whole entry into memory and checks its CRC-32.
  ///
  /// Memory: the entry's uncompressed size, which the limits bound (``ZIPLimits/maxEntryBytes``). Prefer
  /// ``openEntry(_:)`` for worksheets.
  /// - Throws: as ``openEntry(_:)`` and ``ZIPEntryReader/read(into:)``.
  public func readAll(_ entry: ZIPEntry) throws(ZIPError) -> [UInt8] {
    var reader = try openEntry(entry)
    // Grow a raw buffer by doubling (trusting the declared size only up to 16 MiB: it may lie), then copy once.
    var capacity = Int(min(entry.uncompressedSize, 16 << 20)) + 1
    var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    defer { storage.deallocate() }
    var filled = 0
    while true {
      if filled == capacity {
        capacity *= 2
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<filled]))
        storage.deallocate()
        storage = bigger
      }
      let n = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[filled..<capacity]))
      if n == 0 { break }
      filled += n
    }
    return [UInt8](unsafeUninitializedCapacity: filled) { buffer, count in
      UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<filled]))
      count = filled
    }
  }

  /// Inflates the entry called `name` into memory (see ``readAll(_:)``).
  /// - Throws: ``ZIPError/Code/entryNotFound``, or as ``readAll(_:)``.
  public func readAll(named name: String) throws(ZIPError) -> [UInt8] {
    guard let entry = entry(named: name) else {
      throw ZIPError(.entryNotFound, entry: name, file: self.name, detail: "no entry has this name")
    }
    return try readAll(entry)
  }

  static func methodName(_ method: UInt16) -> String {
    switch method {
    case 1...6: return " (a legacy PKZIP method)"
    case 9: return " (Deflate64)"
    case 12: return " (bzip2)"
    case 14: return " (LZMA)"
    case 93: return " (Zstandard)"
    case 95: return " (xz)"
    case 99: return " (WinZip AES encryption)"
    default: return ""
    }
  }
}

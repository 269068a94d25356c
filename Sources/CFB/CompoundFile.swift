import ByteIO

// Compound File Binary ([MS-CFB]): the OLE2 container of legacy Office files.
//
// Advice for hackers: a CFB file is a FAT file system in one file. The header (the first 512 bytes,
// padded to a 4096-byte sector in version 4) lists the first 109 sectors of the FAT; further FAT
// sectors are listed in a chain of DIFAT sectors. The FAT maps each sector to the next one of its
// chain. The directory is such a chain of 128-byte entries forming a red-black tree per storage.
// Streams below the mini-stream cutoff (4096 bytes) live in 64-byte mini sectors inside the root
// entry's stream, chained through the mini FAT.
//
// Everything read from the file is checked before use: every sector number against the FAT and
// the file's size, every chain against a visited set (a chain that comes back on itself is an error,
// never a hang) and against its stream's declared size, the directory tree against entries that
// point at themselves or back at an ancestor. Allocations are bounded by the file's size: a FAT
// larger than the file, or a stream declaring more bytes than the file holds, is refused.

/// One entry of the directory: a stream or a storage.
public struct CFBEntry: Sendable, Equatable {
  /// The entry's name as stored (`Workbook`, `Book`, `\u{5}SummaryInformation`).
  public var name: String
  /// 1 storage, 2 stream, 5 root.
  public var type: UInt8
  /// First sector (FAT or mini FAT).
  public var start: UInt32
  /// Declared size in bytes.
  public var size: UInt64
  /// Index in the directory.
  public var index: Int
}

/// A Compound File opened for reading over a ``RandomAccessSource``.
///
/// Holds the FAT (4 bytes per sector of the file), the mini FAT and the directory; streams are
/// read sequentially through ``openStream(_:)`` without loading the file.
public final class CompoundFile {
  /// The first 8 bytes of every Compound File.
  public static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

  static let maxRegular: UInt32 = 0xFFFF_FFFA
  static let endOfChain: UInt32 = 0xFFFF_FFFE
  static let freeSector: UInt32 = 0xFFFF_FFFF

  let source: RandomAccessSource
  /// 512 or 4096.
  public let sectorSize: Int
  let sectorShift: Int
  /// Sectors in the file after the header (the last may be short).
  let sectorCount: Int
  let fileSize: UInt64
  let miniCutoff: UInt64
  var fat: [UInt32] = []
  var miniFAT: [UInt32] = []
  /// Every entry of the directory (empty slots included, type 0).
  public private(set) var entries: [CFBEntry] = []
  /// The streams and storages directly under the root, in directory-tree order.
  public private(set) var topLevel: [CFBEntry] = []
  /// Sectors of the root entry's stream (the mini-stream container), built when first needed.
  private var miniContainer: [UInt32]?

  /// Reads the header, the FAT, the mini FAT and the directory.
  /// - Throws: ``CFBError`` naming the structure that is damaged.
  public init(source: RandomAccessSource) throws(CFBError) {
    self.source = source
    fileSize = source.size
    var header = [UInt8](repeating: 0, count: 512)
    let got: Int
    do { got = try header.withUnsafeMutableBytes { (b) throws(ByteIOError) -> Int in try source.readFully(at: 0, into: b) } }
    catch { throw CFBError(.io, part: "header", "cannot be read: \(ioReason(error))") }
    guard got >= 76, Array(header[0..<8]) == Self.magic else {
      throw CFBError(.truncated, part: "header", "the file is shorter than a Compound File header (\(got) bytes)")
    }
    guard got == 512 else { throw CFBError(.truncated, part: "header", "the file ends inside the header (\(got) of 512 bytes)") }
    func u16(_ o: Int) -> Int { Int(header[o]) | Int(header[o + 1]) << 8 }
    func u32(_ o: Int) -> UInt32 {
      UInt32(header[o]) | UInt32(header[o + 1]) << 8 | UInt32(header[o + 2]) << 16 | UInt32(header[o + 3]) << 24
    }
    guard u16(0x1C) == 0xFFFE else { throw CFBError(.badHeader, part: "header", "the byte-order mark is not 0xFFFE") }
    let shift = u16(0x1E)
    guard shift == 9 || shift == 12 else {
      throw CFBError(.badHeader, part: "header", "the sector size 2^\(shift) is neither 512 nor 4096 bytes")
    }
    sectorShift = shift
    sectorSize = 1 << shift
    guard u16(0x20) == 6 else { throw CFBError(.badHeader, part: "header", "the mini sector size is not 64 bytes") }
    let body = fileSize > UInt64(sectorSize) ? fileSize - UInt64(sectorSize) : 0
    sectorCount = Int((body + UInt64(sectorSize) - 1) / UInt64(sectorSize))
    miniCutoff = UInt64(u32(0x38))
    let fatCount = Int(u32(0x2C))
    guard fatCount <= sectorCount else {
      throw CFBError(.badHeader, part: "header", "it declares \(fatCount) FAT sectors but the file has only \(sectorCount) sectors")
    }

    // FAT sector numbers: 109 in the header, the rest in the DIFAT chain.
    var fatSectors: [UInt32] = []
    fatSectors.reserveCapacity(fatCount)
    for i in 0..<min(109, fatCount) {
      let s = u32(0x4C + 4 * i)
      if s >= Self.maxRegular { break }
      fatSectors.append(s)
    }
    var difat = u32(0x44)
    var difatSeen = Set<UInt32>()
    let perSector = sectorSize / 4
    var sector = [UInt8](repeating: 0, count: sectorSize)
    while fatSectors.count < fatCount, difat < Self.maxRegular {
      guard Int(difat) < sectorCount else {
        throw CFBError(.badSector, part: "DIFAT", "sector \(difat) is past the end of the file (\(sectorCount) sectors)")
      }
      guard difatSeen.insert(difat).inserted else {
        throw CFBError(.chainLoop, part: "DIFAT", "the chain comes back to sector \(difat)")
      }
      try readSector(difat, into: &sector, part: "DIFAT")
      for i in 0..<(perSector - 1) where fatSectors.count < fatCount {
        let s = Self.le32(sector, 4 * i)
        if s < Self.maxRegular { fatSectors.append(s) }
      }
      difat = Self.le32(sector, sectorSize - 4)
    }

    // The FAT itself.
    fat.reserveCapacity(fatSectors.count * perSector)
    for s in fatSectors {
      guard Int(s) < sectorCount else {
        throw CFBError(.badSector, part: "FAT", "FAT sector \(s) is past the end of the file (\(sectorCount) sectors)")
      }
      try readSector(s, into: &sector, part: "FAT")
      for i in 0..<perSector { fat.append(Self.le32(sector, 4 * i)) }
    }

    // The directory.
    let dirBytes = try readChain(start: u32(0x30), maxBytes: nil, part: "directory")
    let count = dirBytes.count / 128
    entries.reserveCapacity(count)
    var links: [(left: UInt32, right: UInt32, child: UInt32)] = []
    links.reserveCapacity(count)
    for i in 0..<count {
      let o = i * 128
      let nameLength = Int(dirBytes[o + 64]) | Int(dirBytes[o + 65]) << 8
      var units: [UInt16] = []
      if nameLength >= 2 && nameLength <= 64 {
        for k in stride(from: 0, to: nameLength - 2, by: 2) { units.append(UInt16(dirBytes[o + k]) | UInt16(dirBytes[o + k + 1]) << 8) }
      }
      let type = dirBytes[o + 66]
      var size = UInt64(Self.le32(dirBytes, o + 120)) | UInt64(Self.le32(dirBytes, o + 124)) << 32
      if sectorSize == 512 { size &= 0xFFFF_FFFF }  // version 3: the high half is undefined
      entries.append(CFBEntry(name: String(decoding: units, as: UTF16.self), type: type, start: Self.le32(dirBytes, o + 116),
                              size: size, index: i))
      links.append((Self.le32(dirBytes, o + 68), Self.le32(dirBytes, o + 72), Self.le32(dirBytes, o + 76)))
    }
    guard let root = entries.first, root.type == 5 else {
      throw CFBError(.badDirectory, part: "directory", "the first entry is not the root storage")
    }
    // The root's children: an in-order walk of its tree, every entry visited at most once.
    var visited = Set<Int>([0])
    var stack: [Int] = []
    var node = links[0].child
    while node < Self.maxRegular || !stack.isEmpty {
      while node < Self.maxRegular {
        let n = Int(node)
        guard n < entries.count else {
          throw CFBError(.badDirectory, part: "directory", "an entry points at entry \(n), past the \(entries.count) entries")
        }
        guard visited.insert(n).inserted else {
          throw CFBError(.badDirectory, part: "directory",
                         "entry \(n) (\"\(entries[n].name)\") is reached twice: an entry points at itself or back into its own tree")
        }
        stack.append(n)
        node = links[n].left
      }
      guard let n = stack.popLast() else { break }
      if entries[n].type == 1 || entries[n].type == 2 { topLevel.append(entries[n]) }
      node = links[n].right
    }
    // The mini FAT, when there is one.
    let miniStart = u32(0x3C)
    if miniStart < Self.maxRegular {
      let bytes = try readChain(start: miniStart, maxBytes: nil, part: "mini FAT")
      miniFAT.reserveCapacity(bytes.count / 4)
      for i in 0..<(bytes.count / 4) { miniFAT.append(Self.le32(bytes, 4 * i)) }
    }
  }

  /// Opens `path` as a Compound File.
  public convenience init(path: String) throws(CFBError) {
    let source: FileSource
    do { source = try FileSource(path: path) } catch { throw CFBError(.io, part: "file", "cannot be opened: \(ioReason(error))") }
    try self.init(source: source)
  }

  /// The top-level stream named `name`, compared without regard to ASCII case.
  public func stream(named name: String) -> CFBEntry? {
    let want = name.lowercased()
    return topLevel.first { $0.type == 2 && $0.name.lowercased() == want }
  }

  /// Opens `entry` (a stream) for sequential reading.
  /// - Throws: ``CFBError`` when its size is more than the file holds or its chain is damaged.
  public func openStream(_ entry: CFBEntry) throws(CFBError) -> CFBStream {
    let part = "stream \"\(entry.name)\""
    if entry.size < miniCutoff {
      // A small stream lives in the mini stream: at most 4 KiB, read whole.
      let bytes = try readMiniChain(start: entry.start, size: Int(entry.size), part: part)
      return CFBStream(name: entry.name, size: bytes.count, chain: .memory(bytes))
    }
    guard entry.size <= UInt64(sectorCount) * UInt64(sectorSize) else {
      throw CFBError(.chainLength, part: part,
                     "it declares \(entry.size) bytes, more than the whole file holds (\(fileSize) bytes)")
    }
    return CFBStream(name: entry.name, size: Int(entry.size), chain: .sectors(SectorChain(file: self, start: entry.start, part: part)))
  }

  // MARK: Sectors and chains

  static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
    UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
  }

  func offset(ofSector s: UInt32) -> UInt64 { (UInt64(s) + 1) << UInt64(sectorShift) }

  /// Reads sector `s` whole; a short last sector is padded with zeros, a sector wholly past the end is an error.
  func readSector(_ s: UInt32, into buffer: inout [UInt8], part: String) throws(CFBError) {
    let got: Int
    do {
      got = try buffer.withUnsafeMutableBytes { (b) throws(ByteIOError) -> Int in try source.readFully(at: offset(ofSector: s), into: b) }
    } catch { throw CFBError(.io, part: part, "sector \(s) cannot be read: \(ioReason(error))") }
    guard got > 0 else { throw CFBError(.truncated, part: part, "sector \(s) is past the end of the file") }
    for i in got..<buffer.count { buffer[i] = 0 }
  }

  /// The next sector after `s` in the FAT, checked.
  func next(_ s: UInt32, part: String) throws(CFBError) -> UInt32 {
    guard Int(s) < fat.count else {
      throw CFBError(.badSector, part: part, "sector \(s) is not covered by the FAT (\(fat.count) entries)")
    }
    return fat[Int(s)]
  }

  /// Reads a whole chain of regular sectors (the directory, the mini FAT), bounded by the file.
  func readChain(start: UInt32, maxBytes: Int?, part: String) throws(CFBError) -> [UInt8] {
    var out: [UInt8] = []
    var sector = [UInt8](repeating: 0, count: sectorSize)
    var seen = Bitset(count: sectorCount)
    var s = start
    while s < Self.maxRegular {
      guard Int(s) < sectorCount else {
        throw CFBError(.badSector, part: part, "sector \(s) is past the end of the file (\(sectorCount) sectors)")
      }
      guard seen.insert(Int(s)) else { throw CFBError(.chainLoop, part: part, "the sector chain comes back to sector \(s)") }
      try readSector(s, into: &sector, part: part)
      out.append(contentsOf: sector)
      if let maxBytes, out.count >= maxBytes { break }
      s = try next(s, part: part)
    }
    return out
  }

  /// Reads a mini stream of `size` bytes (below the cutoff) through the mini FAT.
  func readMiniChain(start: UInt32, size: Int, part: String) throws(CFBError) -> [UInt8] {
    guard size > 0 else { return [] }
    if miniContainer == nil {
      var sectors: [UInt32] = []
      var seen = Bitset(count: sectorCount)
      let root = entries[0]
      var s = root.start
      let needed = Int((root.size + UInt64(sectorSize) - 1) / UInt64(sectorSize))
      while s < Self.maxRegular, sectors.count < needed {
        guard Int(s) < sectorCount else {
          throw CFBError(.badSector, part: "mini stream", "sector \(s) is past the end of the file (\(sectorCount) sectors)")
        }
        guard seen.insert(Int(s)) else { throw CFBError(.chainLoop, part: "mini stream", "the sector chain comes back to sector \(s)") }
        sectors.append(s)
        s = try next(s, part: "mini stream")
      }
      miniContainer = sectors
    }
    let container = miniContainer ?? []
    var out: [UInt8] = []
    out.reserveCapacity(size)
    var chunk = [UInt8](repeating: 0, count: 64)
    var seen = Set<UInt32>()
    var m = start
    while out.count < size {
      guard m < Self.maxRegular else {
        throw CFBError(.chainLength, part: part, "the mini sector chain ends after \(out.count) of its \(size) bytes")
      }
      guard Int(m) < miniFAT.count else {
        throw CFBError(.badSector, part: part, "mini sector \(m) is not covered by the mini FAT (\(miniFAT.count) entries)")
      }
      guard seen.insert(m).inserted else { throw CFBError(.chainLoop, part: part, "the mini sector chain comes back to mini sector \(m)") }
      let at = Int(m) * 64
      let index = at / sectorSize
      guard index < container.count else {
        throw CFBError(.badSector, part: part, "mini sector \(m) is past the end of the mini stream")
      }
      let fileOffset = offset(ofSector: container[index]) + UInt64(at % sectorSize)
      let got: Int
      do { got = try chunk.withUnsafeMutableBytes { (b) throws(ByteIOError) -> Int in try source.readFully(at: fileOffset, into: b) } }
      catch { throw CFBError(.io, part: part, "cannot be read: \(ioReason(error))") }
      let take = min(64, size - out.count)
      guard got >= take else { throw CFBError(.truncated, part: part, "the file ends inside the stream") }
      out.append(contentsOf: chunk[0..<take])
      m = miniFAT[Int(m)]
    }
    return out
  }
}

/// A fixed-size set of small integers, one bit each (visited sectors).
struct Bitset {
  private var words: [UInt64]
  init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }
  /// Adds `i`; false when it was already there (or out of range, which callers check first).
  mutating func insert(_ i: Int) -> Bool {
    let w = i >> 6
    guard w >= 0, w < words.count else { return false }
    let bit = UInt64(1) << UInt64(i & 63)
    if words[w] & bit != 0 { return false }
    words[w] |= bit
    return true
  }
  mutating func removeAll() { for i in words.indices { words[i] = 0 } }
}

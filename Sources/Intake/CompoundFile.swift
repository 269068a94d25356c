// Compound File Binary (CFB / OLE2, [MS-CFB]) — just enough to tell what an OLE file holds.
//
// Advice for hackers: sheetgate never reads data out of a CFB file. A filer's "xlsx" that is really
// a CFB file is one of two things: an encrypted OOXML workbook (streams `EncryptionInfo` and
// `EncryptedPackage`, [MS-OFFCRYPTO] §2.3.4) or a legacy BIFF workbook (`Workbook`, or `Book` for
// BIFF5). Both are told apart by the names in the directory. The directory is a chain of sectors
// found through the FAT; the FAT's own sectors are listed in the header's DIFAT array (109 entries,
// enough for files up to ~6.8 MB of FAT-covered data with 512-byte sectors) and then in DIFAT
// sectors. Every index read from the file is bounds-checked and every chain walk is capped, so a
// corrupt or hostile file ends the walk instead of trapping or looping. When the structured walk
// fails we fall back to searching the first megabytes for the UTF-16LE stream names.

/// What a CFB file contains, as far as sheetgate cares.
enum CompoundFileKind: Equatable {
  case encryptedPackage
  case legacyWorkbook
  case other(streams: [String])
}

enum CompoundFile {
  static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

  /// Classifies a CFB file from its bytes (the whole file, or a large prefix).
  static func classify(_ b: [UInt8]) -> CompoundFileKind {
    let names = directoryNames(b) ?? scanNames(b)
    let lower = Set(names.map { $0.lowercased() })
    if lower.contains("encryptedpackage") || lower.contains("encryptioninfo") { return .encryptedPackage }
    if lower.contains("workbook") || lower.contains("book") { return .legacyWorkbook }
    return .other(streams: names)
  }

  private static func u16(_ b: [UInt8], _ o: Int) -> Int? {
    guard o >= 0, o + 2 <= b.count else { return nil }
    return Int(b[o]) | Int(b[o + 1]) << 8
  }

  private static func u32(_ b: [UInt8], _ o: Int) -> Int? {
    guard o >= 0, o + 4 <= b.count else { return nil }
    return Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24
  }

  /// Walks header → FAT → directory chain and returns the directory entry names, or nil.
  static func directoryNames(_ b: [UInt8]) -> [String]? {
    guard b.count >= 512, Array(b[0..<8]) == magic, let shift = u16(b, 0x1E), shift == 9 || shift == 12 else { return nil }
    let sectorSize = 1 << shift
    func sectorOffset(_ s: Int) -> Int { (s + 1) * sectorSize }
    guard let firstDir = u32(b, 0x30), let fatCount = u32(b, 0x2C) else { return nil }
    // FAT sector list from the header DIFAT (further DIFAT sectors are rare; the header's 109 suffice here).
    var fatSectors: [Int] = []
    for i in 0..<min(109, fatCount) {
      guard let s = u32(b, 0x4C + 4 * i), s < 0xFFFF_FFFA else { break }
      fatSectors.append(s)
    }
    let perSector = sectorSize / 4
    func next(_ s: Int) -> Int? {
      let fatIndex = s / perSector
      guard fatIndex < fatSectors.count else { return nil }
      return u32(b, sectorOffset(fatSectors[fatIndex]) + 4 * (s % perSector))
    }
    var names: [String] = []
    var sector = firstDir
    var steps = 0
    while sector < 0xFFFF_FFFA, steps < 4096 {
      let base = sectorOffset(sector)
      guard base + sectorSize <= b.count else { break }
      for e in 0..<(sectorSize / 128) {
        let o = base + e * 128
        guard let len = u16(b, o + 64), len >= 2, len <= 64 else { continue }
        var units: [UInt16] = []
        for k in stride(from: 0, to: len - 2, by: 2) { if let u = u16(b, o + k) { units.append(UInt16(u)) } }
        names.append(String(decoding: units, as: UTF16.self))
      }
      guard let n = next(sector) else { break }
      sector = n
      steps += 1
    }
    return names.isEmpty ? nil : names
  }

  /// Fallback: finds the well-known stream names as UTF-16LE anywhere in the bytes.
  static func scanNames(_ b: [UInt8]) -> [String] {
    var found: [String] = []
    for name in ["EncryptedPackage", "EncryptionInfo", "Workbook", "Book"] {
      let pattern = Array(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
      if contains(b, pattern) { found.append(name) }
    }
    return found
  }

  private static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, hay.count >= needle.count else { return false }
    let first = needle[0]
    var i = 0
    let end = hay.count - needle.count
    while i <= end {
      if hay[i] == first, Array(hay[i..<(i + needle.count)]) == needle { return true }
      i += 1
    }
    return false
  }
}

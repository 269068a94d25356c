import Foundation

/// Builds BIFF8/BIFF5 workbook streams record by record, and Compound Files around them, so each
/// test states exactly the records (and the damage) it is about.
struct BIFF {
  var bytes: [UInt8] = []

  static func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
  static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
  static func f64(_ v: Double) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }

  mutating func record(_ id: Int, _ body: [UInt8]) {
    bytes += Self.u16(id) + Self.u16(body.count) + body
  }

  /// An XLUnicodeString (BIFF8): 16-bit count, flags, characters (UTF-16LE when not all Latin-1).
  static func unicode(_ s: String, countBytes: Int = 2) -> [UInt8] {
    let units = Array(s.utf16)
    let wide = units.contains { $0 > 0xFF }
    var out = countBytes == 1 ? [UInt8(units.count)] : u16(units.count)
    out.append(wide ? 1 : 0)
    for u in units { out += wide ? u16(Int(u)) : [UInt8(u)] }
    return out
  }

  // Records ([MS-XLS]).
  mutating func bof(globals: Bool, biff5: Bool = false) {
    record(0x0809, Self.u16(biff5 ? 0x0500 : 0x0600) + Self.u16(globals ? 0x0005 : 0x0010)
           + (biff5 ? Self.u16(0) + Self.u16(0) : [UInt8](repeating: 0, count: 12)))
  }
  mutating func eof() { record(0x000A, []) }
  mutating func codePage(_ cp: Int) { record(0x0042, Self.u16(cp)) }
  mutating func dateMode1904() { record(0x0022, Self.u16(1)) }
  mutating func format(_ id: Int, _ code: String) { record(0x041E, Self.u16(id) + Self.unicode(code)) }
  mutating func xf(format: Int) { record(0x00E0, Self.u16(0) + Self.u16(format) + [UInt8](repeating: 0, count: 16)) }
  /// BOUNDSHEET with a placeholder offset, fixed by `patchSheetOffset`.
  mutating func boundSheet(_ name: String, state: UInt8 = 0, type: UInt8 = 0, biff5Name: [UInt8]? = nil) -> Int {
    let at = bytes.count + 4
    if let raw = biff5Name {
      record(0x0085, Self.u32(0) + [state, type, UInt8(raw.count)] + raw)
    } else {
      record(0x0085, Self.u32(0) + [state, type] + Self.unicode(name, countBytes: 1))
    }
    return at
  }
  mutating func patchSheetOffset(_ at: Int) {
    let v = Self.u32(UInt32(bytes.count))
    for k in 0..<4 { bytes[at + k] = v[k] }
  }
  mutating func labelSST(_ r: Int, _ c: Int, _ i: UInt32, xf: Int = 0) { record(0x00FD, Self.u16(r) + Self.u16(c) + Self.u16(xf) + Self.u32(i)) }
  mutating func number(_ r: Int, _ c: Int, _ v: Double, xf: Int = 0) { record(0x0203, Self.u16(r) + Self.u16(c) + Self.u16(xf) + Self.f64(v)) }
  mutating func rk(_ r: Int, _ c: Int, _ v: UInt32, xf: Int = 0) { record(0x027E, Self.u16(r) + Self.u16(c) + Self.u16(xf) + Self.u32(v)) }
  mutating func mulRK(_ r: Int, _ c: Int, _ values: [UInt32], xf: Int = 0) {
    var body = Self.u16(r) + Self.u16(c)
    for v in values { body += Self.u16(xf) + Self.u32(v) }
    record(0x00BD, body + Self.u16(c + values.count - 1))
  }
  mutating func boolErr(_ r: Int, _ c: Int, _ v: UInt8, error: Bool) { record(0x0205, Self.u16(r) + Self.u16(c) + Self.u16(0) + [v, error ? 1 : 0]) }
  mutating func label(_ r: Int, _ c: Int, _ s: String) { record(0x0204, Self.u16(r) + Self.u16(c) + Self.u16(0) + Self.unicode(s)) }
  mutating func labelBIFF5(_ r: Int, _ c: Int, _ raw: [UInt8]) { record(0x0204, Self.u16(r) + Self.u16(c) + Self.u16(0) + Self.u16(raw.count) + raw) }
  /// FORMULA with a cached result: 8 bytes as given, then flags, chn and an empty expression.
  mutating func formula(_ r: Int, _ c: Int, result: [UInt8], xf: Int = 0) {
    record(0x0006, Self.u16(r) + Self.u16(c) + Self.u16(xf) + result + Self.u16(0) + Self.u32(0) + Self.u16(0))
  }
  mutating func string(_ s: String) { record(0x0207, Self.unicode(s)) }
  mutating func mergedCells(_ ranges: [(Int, Int, Int, Int)]) {
    var body = Self.u16(ranges.count)
    for (r1, r2, c1, c2) in ranges { body += Self.u16(r1) + Self.u16(r2) + Self.u16(c1) + Self.u16(c2) }
    record(0x00E5, body)
  }

  /// A one-sheet BIFF8 workbook: globals with `sst` (and `extra` records), then the sheet's `cells`.
  static func workbook(sst: [String] = [], globals extra: (inout BIFF) -> Void = { _ in },
                       sheetName: String = "Sheet1", cells: (inout BIFF) -> Void) -> [UInt8] {
    var b = BIFF()
    b.bof(globals: true)
    b.codePage(1200)
    for _ in 0..<16 { b.xf(format: 0) }
    extra(&b)
    let at = b.boundSheet(sheetName)
    if !sst.isEmpty {
      var body = u32(UInt32(sst.count)) + u32(UInt32(sst.count))
      for s in sst { body += unicode(s) }
      b.record(0x00FC, body)
    }
    b.eof()
    b.patchSheetOffset(at)
    b.bof(globals: false)
    cells(&b)
    b.eof()
    return b.bytes
  }
}

/// A Compound File holding one stream in regular sectors: version 3 (512-byte sectors) by default,
/// version 4 (4096-byte sectors) with `sectorShift: 12`.
struct CFBBuilder {
  /// Lays out: header, FAT sector 0, directory sector 1, stream sectors 2…; streams shorter than
  /// 4096 bytes are padded with zero bytes (after the BIFF EOF, never read) to stay out of the mini stream.
  static func file(stream: [UInt8], name: String = "Workbook", extraEntries: [String] = [], sectorShift: Int = 9) -> [UInt8] {
    let ss = 1 << sectorShift
    var data = stream
    if data.count < 4096 { data += [UInt8](repeating: 0, count: 4096 - data.count) }
    let dataSectors = (data.count + ss - 1) / ss
    precondition(dataSectors + 2 <= ss / 4, "one FAT sector covers the file")
    var b = [UInt8](repeating: 0, count: ss * (3 + dataSectors))
    func put32(_ o: Int, _ v: UInt32) { for k in 0..<4 { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
    func put16(_ o: Int, _ v: Int) { b[o] = UInt8(v & 0xFF); b[o + 1] = UInt8(v >> 8) }
    b.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    put16(0x18, 0x3E); put16(0x1A, sectorShift == 12 ? 4 : 3); put16(0x1C, 0xFFFE); put16(0x1E, sectorShift); put16(0x20, 6)
    if sectorShift == 12 { put32(0x28, 1) }  // version 4 counts its directory sectors
    put32(0x2C, 1); put32(0x30, 1); put32(0x38, 4096); put32(0x3C, 0xFFFF_FFFE); put32(0x44, 0xFFFF_FFFE)
    put32(0x4C, 0)
    for i in 1..<109 { put32(0x4C + 4 * i, 0xFFFF_FFFF) }
    // FAT: sector 0 is the FAT, 1 the directory, 2… the stream.
    let fat = ss
    put32(fat, 0xFFFF_FFFD); put32(fat + 4, 0xFFFF_FFFE)
    for s in 0..<dataSectors { put32(fat + 4 * (2 + s), s == dataSectors - 1 ? 0xFFFF_FFFE : UInt32(3 + s)) }
    for i in (2 + dataSectors)..<(ss / 4) { put32(fat + 4 * i, 0xFFFF_FFFF) }
    let dir = 2 * ss
    for e in 0..<(ss / 128) {  // unused directory slots: no siblings, no child
      put32(dir + e * 128 + 68, 0xFFFF_FFFF); put32(dir + e * 128 + 72, 0xFFFF_FFFF); put32(dir + e * 128 + 76, 0xFFFF_FFFF)
    }
    func entry(_ index: Int, _ name: String, type: UInt8, child: UInt32 = 0xFFFF_FFFF, right: UInt32 = 0xFFFF_FFFF,
               start: UInt32 = 0, size: UInt32 = 0) {
      let o = dir + index * 128
      let units = Array(name.utf16)
      for (k, u) in units.enumerated() { put16(o + 2 * k, Int(u)) }
      put16(o + 64, (units.count + 1) * 2)
      b[o + 66] = type
      put32(o + 68, 0xFFFF_FFFF); put32(o + 72, right); put32(o + 76, child)
      put32(o + 116, start); put32(o + 120, size)
    }
    entry(0, "Root Entry", type: 5, child: 1, start: 0xFFFF_FFFE)
    entry(1, name, type: 2, right: extraEntries.isEmpty ? 0xFFFF_FFFF : 2, start: 2, size: UInt32(data.count))
    for (k, n) in extraEntries.enumerated() {
      entry(2 + k, n, type: 2, right: k + 1 < extraEntries.count ? UInt32(3 + k) : 0xFFFF_FFFF, start: 0xFFFF_FFFE)
    }
    b.replaceSubrange((3 * ss)..<(3 * ss + data.count), with: data)
    return b
  }

  /// Offsets inside `file(...)`'s version-3 layout, for tests that damage it.
  static let fatOffset = 512
  static let directoryOffset = 1024
}

/// Bounds-checked little-endian reads from a byte array: every accessor returns nil past the end, so hostile
/// lengths and offsets turn into errors, never traps.
struct LittleEndianBytes {
  let bytes: [UInt8]

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var count: Int { bytes.count }

  func u16(_ at: Int) -> UInt16? {
    guard at >= 0, at <= bytes.count - 2 else { return nil }
    return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
  }

  func u32(_ at: Int) -> UInt32? {
    guard at >= 0, at <= bytes.count - 4 else { return nil }
    var v: UInt32 = 0
    for i in (0..<4).reversed() { v = v << 8 | UInt32(bytes[at + i]) }
    return v
  }

  func u64(_ at: Int) -> UInt64? {
    guard at >= 0, at <= bytes.count - 8 else { return nil }
    var v: UInt64 = 0
    for i in (0..<8).reversed() { v = v << 8 | UInt64(bytes[at + i]) }
    return v
  }

  func slice(_ at: Int, _ length: Int) -> ArraySlice<UInt8>? {
    guard at >= 0, length >= 0, at <= bytes.count - length else { return nil }
    return bytes[at..<at + length]
  }
}

/// Appends little-endian integers to a byte array (the writer's header builder).
extension Array where Element == UInt8 {
  mutating func appendLE(_ v: UInt16) {
    append(UInt8(truncatingIfNeeded: v))
    append(UInt8(truncatingIfNeeded: v >> 8))
  }

  mutating func appendLE(_ v: UInt32) {
    for i in 0..<4 { append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
  }

  mutating func appendLE(_ v: UInt64) {
    for i in 0..<8 { append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
  }
}

/// ZIP record signatures (APPNOTE.TXT 4.3).
enum Signature {
  static let localFileHeader: UInt32 = 0x0403_4b50
  static let dataDescriptor: UInt32 = 0x0807_4b50
  static let centralFileHeader: UInt32 = 0x0201_4b50
  static let endOfCentralDirectory: UInt32 = 0x0605_4b50
  static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4b50
  static let zip64Locator: UInt32 = 0x0706_4b50
}

/// One file inside a ZIP archive, as listed by the central directory.
///
/// A small value: the name and a few integers. Sizes and offsets come from ZIP64 extra fields when present.
public struct ZIPEntry: Sendable, Hashable {
  /// The entry's name decoded as UTF-8 (invalid sequences become U+FFFD), exactly as stored
  /// (separators are not normalised; see ``ZIPArchive/entry(named:)``).
  public var name: String
  /// The name's bytes as stored.
  public var rawName: [UInt8]
  /// The compression method: 0 stored, 8 deflate (APPNOTE 4.4.5).
  public var method: UInt16
  /// The general purpose bit flags (APPNOTE 4.4.4): bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8.
  public var flags: UInt16
  /// The CRC-32 of the uncompressed bytes.
  public var crc32: UInt32
  /// The size of the stored (compressed) data.
  public var compressedSize: UInt64
  /// The size once inflated, as declared (checked while reading).
  public var uncompressedSize: UInt64
  /// Where the entry's local header starts, already corrected for bytes prepended to the archive.
  public var localHeaderOffset: UInt64
  /// The MS-DOS modification time and date (APPNOTE 4.4.6).
  public var dosTime: UInt16
  public var dosDate: UInt16
  /// The position of the entry in the central directory.
  public var index: Int

  /// Whether the entry is encrypted (flag bit 0).
  public var isEncrypted: Bool { flags & 1 != 0 }
  /// Whether the sizes and CRC follow the data in a data descriptor (flag bit 3).
  public var hasDataDescriptor: Bool { flags & 8 != 0 }
  /// Whether the entry names a folder (its name ends with `/` or `\`).
  public var isDirectory: Bool { name.hasSuffix("/") || name.hasSuffix("\\") }
}

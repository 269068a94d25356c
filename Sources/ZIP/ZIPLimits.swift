/// Caps that keep a hostile or broken archive from exhausting memory, disk or time.
///
/// The byte caps apply to bytes actually inflated, never to the sizes an archive declares, so an archive
/// that lies about its sizes is stopped at the cap. Absolute caps are used instead of compression-ratio checks
/// because genuine parts such as `styles.xml` compress extremely well.
public struct ZIPLimits: Sendable, Equatable {
  /// The most bytes one entry may inflate to. Default 1 GiB.
  public var maxEntryBytes: UInt64
  /// The most bytes all entries read from one archive may inflate to in total. Default 4 GiB.
  public var maxArchiveBytes: UInt64
  /// The most entries the central directory may list. Default 100,000.
  public var maxEntries: Int

  /// Makes limits; the defaults suit workbooks of a million rows.
  public init(maxEntryBytes: UInt64 = 1 << 30, maxArchiveBytes: UInt64 = 4 << 30, maxEntries: Int = 100_000) {
    self.maxEntryBytes = maxEntryBytes
    self.maxArchiveBytes = maxArchiveBytes
    self.maxEntries = maxEntries
  }

  /// The defaults.
  public static let `default` = ZIPLimits()
}

/// The container a workbook's parts are written into: a ZIP archive written to a temporary file
/// that replaces the destination only when the workbook is complete.
///
/// `Sendable` because ``ThreadedPackage`` hands the package it wraps to its thread; a package is
/// still used from one thread at a time.
protocol PackageSink: PartOutput, Sendable {
  /// Starts a new entry; `large` asks for ZIP64 headers (entries that may pass 4 GiB).
  func beginEntry(_ name: String, large: Bool) throws
  /// Ends the current entry (writes its data descriptor).
  func endEntry() throws
  /// Writes the central directory and makes the file the destination's content.
  func commit() throws
  /// Throws everything away; the destination is untouched.
  func abort()
}

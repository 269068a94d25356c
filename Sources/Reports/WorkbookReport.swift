import ByteIO
import XLSXWriter

/// A report that is one workbook, written to a file (atomically) or made as bytes (a reply's attachment).
protocol WorkbookReport {
  /// The options of the workbook; its title names it in errors when it is made in memory.
  var workbookOptions: WorkbookOptions { get }
  /// Writes the report's sheets into `wb` and closes it; on any error discards it and rethrows.
  func fill(_ wb: WorkbookWriter) throws
}

extension WorkbookReport {
  /// Writes the workbook to `path`: temporary file, then rename; on failure the destination is untouched.
  func writeWorkbook(to path: String) throws {
    try fill(WorkbookWriter(path: path, options: workbookOptions))
  }

  /// The workbook as the bytes of an `.xlsx` file; nothing touches the disk.
  func workbookBytes() throws -> [UInt8] {
    let sink = MemorySink()
    let options = workbookOptions
    try fill(WorkbookWriter(memory: sink, name: options.properties.title ?? "workbook", options: options))
    return sink.bytes
  }
}

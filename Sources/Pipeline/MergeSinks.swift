import CSV
import Merge
import XLSXWriter

/// Writes consolidated output as one workbook: a sheet per ``MergeSink/beginSheet(name:kind:header:)``
/// with a bold frozen header and an autofilter. Streams rows to the ZIP; `finish` renames the
/// temporary file over `path` (an interrupted merge leaves the previous workbook untouched).
///
/// Deflate level 1: the consolidated workbook is rewritten on every run and level 6 spent about a
/// tenth of a cold merge in `longest_match`; level 1 makes the 98,000-row benchmark workbook 9.2 MB instead of 7.1 MB.
/// Deflate runs on a thread of its own (`compressOnOwnThread`): the writer's thread, which also looks up
/// shared strings and makes the XML, was the busiest of a merge's export.
public final class XLSXMergeSink: MergeSink {
  private let writer: WorkbookWriter
  private let headerStyle: StyleID
  private var width = 0
  private var cells: [CellInput] = []

  /// - Throws: `XLSXWriteError` when the temporary file cannot be created next to `path`.
  /// - Parameter sharedStrings: text as shared strings (what Excel writes); false writes it inline, so that
  ///   the writer's memory does not grow with the rows (a merge of a million rows).
  public init(path: String, sharedStrings: Bool = true) throws {
    var options = WorkbookOptions(compressionLevel: 1, compressOnOwnThread: true)
    options.sharedStrings = sharedStrings
    writer = try WorkbookWriter(path: path, options: options)
    headerStyle = writer.addStyle(.header)
  }

  public func beginSheet(name: String, kind: MergeSheetKind, header: [String]) throws {
    var options = SheetOptions(freezeRows: 1)
    // Printed: A4 landscape, one page wide, the header on every page, page numbers.
    options.pageSetup = PageSetup(landscape: true, repeatRows: 0...0)
    try writer.beginSheet(name: name, options: options)
    width = header.count
    try writer.writeRow(header.map { .text($0) }, styles: Array(repeating: headerStyle, count: header.count))
  }

  public func write(cells row: [MergeCell]) throws {
    cells.removeAll(keepingCapacity: true)
    for c in row {
      switch c {
      case .text(let s): cells.append(.text(s))
      case .number(let s): cells.append(.number(s))
      case .date(let d): cells.append(.date(year: d.year, month: d.month, day: d.day))
      case .empty: cells.append(.empty)
      }
    }
    try writer.writeRow(cells)
  }

  public func endSheet() throws {
    if width > 0 { try writer.autofilter(row: 0, columns: 0...(width - 1)) }
    try writer.endSheet()
  }

  public func finish() throws { try writer.close() }
  public func discard() { writer.discard() }
}

/// Writes each ledger's consolidated rows as CSV: UTF-8 with a BOM (so Excel on Chinese Windows
/// opens it correctly) and formula-injection neutralised (`safe`). The first ledger goes to `path`,
/// any further ledger to `<stem>_<schema>.csv` beside it; summary sheets are not written (they are
/// in the command's report). All files are committed together by `finish`.
public final class CSVMergeSink: MergeSink {
  public let path: String
  /// The files written, in order.
  public private(set) var paths: [String] = []
  private var writers: [CSVWriter] = []
  private var current: CSVWriter?
  private var fields: [String] = []

  public init(path: String) { self.path = path }

  public func beginSheet(name: String, kind: MergeSheetKind, header: [String]) throws {
    guard case .ledger(let schemaName) = kind else { current = nil; return }
    let target: String
    if paths.isEmpty {
      target = path
    } else {
      let stem = path.lowercased().hasSuffix(".csv") ? String(path.dropLast(4)) : path
      target = stem + "_" + schemaName + ".csv"
    }
    let w = try CSVWriter(path: target, options: CSVWriter.Options(bom: true, safe: true))
    writers.append(w); paths.append(target)
    current = w
    try w.write(fields: header)
  }

  public func write(cells: [MergeCell]) throws {
    guard let current else { return }
    fields.removeAll(keepingCapacity: true)
    for c in cells { fields.append(c.text) }
    try current.write(fields: fields)
  }

  public func endSheet() throws { current = nil }

  public func finish() throws {
    for w in writers { try w.finish() }
  }

  /// The temporary files are removed when the writers go away unfinished.
  public func discard() { writers.removeAll(); current = nil }
}

import Tabular
import ThreadKit
import XMLStream
import ZIP

/// An XLSX/XLSM/XLTX workbook opened for streaming reads.
///
/// Opening reads the package structure (`[Content_Types].xml`, `_rels/.rels`, the workbook part
/// and its relationships), the styles (which cell formats are dates) and the shared-strings table.
/// Sheets are then read one row at a time with `sheetReader(at:)`.
///
/// ```swift
/// let workbook = try Workbook(path: "执法人员培训学时台账.xlsx")
/// for sheet in workbook.sheets { print(sheet.name, sheet.visibility) }
/// let reader = try workbook.sheetReader(at: 0)
/// var row = Row()
/// while try reader.nextRow(into: &row) { /* … */ }
/// ```
///
/// Tolerated: Strict OOXML namespaces and relationship types, prefixed element names, absolute,
/// relative and backslash relationship targets, a missing `_rels/.rels` (the workbook part is
/// found through the content types or at `xl/workbook.xml`), missing `styles.xml` (no dates from
/// styles) and missing `sharedStrings.xml` (an empty table). Chartsheets are listed in
/// `nonWorksheets`, not in `sheets`.
///
/// ### Memory
/// One byte per cell format stays loaded, and the shared-strings table: in memory (its UTF-8
/// text plus 4 bytes per string) when its part is under `sharedStringsSpillThreshold`
/// (16 MiB by default), else in an unlinked temporary file read back through a small cache per
/// parsing thread (see `SharedStrings`), so memory does not grow with the table. Sheets stream
/// (see `SheetReader`).
public final class Workbook {
  /// The path the workbook was opened from.
  public let path: String
  /// The worksheets, in workbook order.
  public let sheets: [SheetInfo]
  /// Chartsheets, dialog sheets and anything else that is not a worksheet, in workbook order.
  public let nonWorksheets: [SheetInfo]
  /// The date system (`workbookPr/@date1904`).
  public let dateSystem: DateSystem
  /// Shared strings, styles and date system, shared by every sheet reader.
  public let context: WorkbookContext
  /// The ZIP entry of the workbook part (usually `xl/workbook.xml`).
  public let workbookPart: String
  /// Custom document properties (`docProps/custom.xml`, ECMA-376 Part 1 §22.3) by name, their values
  /// as text (numbers, booleans and dates as written). Empty when the workbook has none.
  public let customProperties: [String: String]
  private let archive: ZIPArchive
  /// The caps on inflated bytes (per part, per workbook) and entries; every archive handle the
  /// workbook opens (the second-core readers too) uses them.
  public let limits: ZIPLimits
  /// Merged ranges of the first worksheet, scanned on a second thread while the shared strings
  /// were parsed (nil when the scan failed; `sheetReader` then scans again and reports the error).
  private let prescanned: (part: String, ranges: [CellRange])?

  /// Opens the workbook at `path`.
  /// - Parameters:
  ///   - sharedStringsSpillThreshold: a shared-strings part at least this large (uncompressed)
  ///     is kept in a temporary file instead of memory (`SharedStrings`, "Memory"); 0 spills any.
  ///   - threading: when sheet parts are parsed on two cores (the default: parts of 8 MiB and more).
  /// - Throws: `XLSXReadError` — `.cannotOpen`, `.encrypted`, `.legacyXLS`, `.notAWorkbook`,
  ///   `.container` (damaged ZIP), `.missingPart` (no workbook part) or `.malformedXML`;
  ///   `.limitExceeded`/`.container` naming the part when a part inflates past `limits` (a zip bomb);
  ///   `.temporaryFile` when a large shared-strings table cannot be written to the temporary folder.
  public init(path: String, limits: ZIPLimits = .default,
              sharedStringsSpillThreshold: Int = SharedStrings.defaultSpillThreshold,
              threading: Threading = Threading()) throws(XLSXReadError) {
    self.path = path
    self.limits = limits
    self.threading = threading
    try FileSniffer.check(path: path)
    do {
      archive = try ZIPArchive(path: path, limits: limits)
    } catch {
      throw XLSXReadError.from(error, file: path, entry: nil, sheet: nil)
    }
    let archive = archive
    func reader(_ entry: ZIPEntry) throws(XLSXReadError) -> XMLEventReader {
      do {
        var r = try archive.openEntry(entry)
        return XMLEventReader(entry: entry.name) { buf in try r.read(into: buf) }
      } catch {
        throw XLSXReadError.from(error, file: path, entry: entry.name, sheet: nil)
      }
    }
    func parse<T>(_ entry: ZIPEntry, _ body: (XMLEventReader) throws -> T) throws(XLSXReadError) -> T {
      let r = try reader(entry)
      do { return try body(r) } catch { throw XLSXReadError.from(error, file: path, entry: entry.name, sheet: nil) }
    }

    // 1. Find the workbook part: _rels/.rels → officeDocument, else content types, else xl/workbook.xml.
    var wbPart: String? = nil
    var customPart = "docProps/custom.xml"
    if let rels = archive.entry(named: "_rels/.rels") {
      let list = try parse(rels) { try Relationships.parse($0) }
      if let r = list.first(where: { $0.isType("officeDocument") && !$0.isExternal }) {
        wbPart = Relationships.resolve(r.target, from: "")
      }
      if let r = list.first(where: { $0.isType("custom-properties") && !$0.isExternal }) {
        customPart = Relationships.resolve(r.target, from: "")
      }
    }
    // Custom document properties (a sheetgate template's marker among them): small, read whole.
    if let e = archive.entry(named: customPart) {
      customProperties = try parse(e) { try CustomProperties.parse($0) }
    } else {
      customProperties = [:]
    }
    if wbPart.flatMap({ archive.entry(named: $0) }) == nil, let ctEntry = archive.entry(named: "[Content_Types].xml") {
      let ct = try parse(ctEntry) { try ContentTypes.parse($0) }
      if let p = ct.workbookPart, archive.entry(named: p) != nil { wbPart = p }
    }
    if wbPart.flatMap({ archive.entry(named: $0) }) == nil { wbPart = "xl/workbook.xml" }
    guard let wbName = wbPart, let wbEntry = archive.entry(named: wbName) else {
      throw XLSXReadError(code: .missingPart, location: SourceLocation(file: path, entry: "xl/workbook.xml"),
                          detail: "the file is a ZIP archive but has no workbook part (xl/workbook.xml); it is not an "
                            + "Excel workbook or it is damaged: ask the sender to save it again as .xlsx")
    }
    // Part names use `/` even when the ZIP entry names use backslashes.
    let wbPartName = Relationships.resolve(wbEntry.name, from: "")
    workbookPart = wbPartName
    let wb = try parse(wbEntry) { try WorkbookPart.parse($0) }
    dateSystem = wb.date1904 ? .excel1904 : .excel1900

    // 2. Workbook relationships: sheets, styles, shared strings.
    var wbRels: [Relationship] = []
    if let relsEntry = archive.entry(named: Relationships.relsPath(of: wbPartName)) {
      wbRels = try parse(relsEntry) { try Relationships.parse($0) }
    }
    func target(_ r: Relationship) -> String { Relationships.resolve(r.target, from: wbPartName) }
    var worksheets: [SheetInfo] = []
    var others: [SheetInfo] = []
    for (i, s) in wb.sheets.enumerated() {
      let rel = wbRels.first { $0.id == s.rid }
      let part = rel.map(target)
      var kind: SheetKind = .other
      if let rel {
        if rel.isType("worksheet") { kind = .worksheet }
        else if rel.isType("chartsheet") { kind = .chartsheet }
      } else if wbRels.isEmpty {
        kind = .worksheet  // minimal packages without relationships: sheetN.xml by position
      }
      let fallback = "xl/worksheets/sheet\(i + 1).xml"
      let info = SheetInfo(name: s.name, visibility: s.visibility, kind: kind, relationshipID: s.rid,
                           part: part ?? (kind == .worksheet ? fallback : nil), position: i)
      if kind == .worksheet { worksheets.append(info) } else { others.append(info) }
    }
    sheets = worksheets
    nonWorksheets = others

    var styles = Styles()
    let stylesName = wbRels.first { $0.isType("styles") }.map(target) ?? "xl/styles.xml"
    if let e = archive.entry(named: stylesName) {
      styles = try parse(e) { try Styles.read($0) }
    }
    // Overlap: pre-scan the first worksheet's merged cells on the other core (its own ZIP
    // reader, so nothing is shared) while this thread parses the shared strings.
    // Only worth a thread for large parts; small ones are scanned when their reader is made.
    let firstPart = worksheets.first?.part.flatMap { p in
      archive.entry(named: p).map { $0.uncompressedSize >= Workbook.prefetchThreshold } == true ? p : nil
    }
    let scanJob = firstPart.map { part in
      BackgroundJob<[CellRange]?> {
        guard let a = try? ZIPArchive(path: path, limits: limits), let e = a.entry(named: part), var r = try? a.openEntry(e) else {
          return nil
        }
        return try? MergeScanner.scan(source: { buf in try r.read(into: buf) }, entry: e.name)
      }
    }
    var strings = SharedStrings()
    let sstName = wbRels.first { $0.isType("sharedStrings") }.map(target) ?? "xl/sharedStrings.xml"
    if let e = archive.entry(named: sstName) {
      do {
        var r = try archive.openEntry(e)
        let parser = XMLStreamParser(entry: e.name, chunkSize: 128 << 10) { buf in try r.read(into: buf) }
        strings = try SharedStrings.read(parser, sizeHint: Int(clamping: e.uncompressedSize),
                                         spillThreshold: sharedStringsSpillThreshold)
      } catch {
        throw XLSXReadError.from(error, file: path, entry: e.name, sheet: nil)
      }
    }
    context = WorkbookContext(sharedStrings: strings, styles: styles, dateSystem: dateSystem)
    if let firstPart, let ranges = scanJob?.join() {
      prescanned = (firstPart, ranges)
    } else {
      prescanned = nil
    }
  }

  /// When sheet parts are parsed on two cores (`ParallelRowReader`); the defaults are what
  /// sheetgate uses, tests pass others to force the parallel path on small parts.
  public struct Threading: Sendable {
    /// Sheet parts at least this large (uncompressed) have their rows parsed on two cores.
    public var parallelThreshold: UInt64
    /// The pieces, slots and workers of the parallel reader; nil = never parallel.
    var parallel: ParallelRowReader.Options?

    /// Parts of 8 MiB and more are parsed on two cores, with the default pieces (1 MiB), slots and workers.
    public init() {
      parallelThreshold = 8 << 20
      parallel = ParallelRowReader.Options()
    }

    /// Never parse on two cores.
    public static var sequential: Threading {
      var t = Threading()
      t.parallel = nil
      return t
    }

    /// Parts of `threshold` bytes and more parsed on two cores with `options` (for tests).
    init(threshold: UInt64, options: ParallelRowReader.Options?) {
      parallelThreshold = threshold
      parallel = options
    }
  }

  /// Sheet parts at most this large (uncompressed) are inflated once into memory, scanned there for
  /// merged cells and parsed from there, instead of being inflated twice (once for the scan, once for
  /// the rows): small submissions are most of what a merge reads. Their reader holds the part (at most
  /// this many bytes) while it is open.
  static let inMemoryLimit: UInt64 = 2 << 20

  /// The whole inflated entry, or nil when it turns out longer than `limit` (its declared size lied).
  private func readWhole(_ entry: ZIPEntry, limit: UInt64) throws -> [UInt8]? {
    var r = try archive.openEntry(entry)
    var out = [UInt8](repeating: 0, count: Int(entry.uncompressedSize) + 1)
    var n = 0
    while true {
      if n == out.count {
        guard UInt64(out.count) <= limit else { return nil }
        out.append(contentsOf: [UInt8](repeating: 0, count: max(64 << 10, out.count)))
      }
      let got = try out.withUnsafeMutableBytes { try r.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[n...])) }
      if got == 0 { break }
      n += got
    }
    guard UInt64(n) <= limit else { return nil }
    out.removeLast(out.count - n)
    return out
  }

  /// Sheet parts at least this large (uncompressed) are inflated on a second thread, and the
  /// first worksheet's merged cells are pre-scanned on it while the shared strings are parsed.
  static let prefetchThreshold: UInt64 = 8 << 20

  /// How large sheet parts are read on two cores.
  public let threading: Threading

  /// The worksheet named `name` (exact match first, then case-insensitive), or nil.
  public func sheet(named name: String) -> SheetInfo? {
    sheets.first { $0.name == name } ?? sheets.first { $0.name.lowercased() == name.lowercased() }
  }

  /// A streaming reader for worksheet `index` (in `sheets`).
  /// - Throws: `.noSuchSheet`, `.missingPart`, `.container` or `.malformedXML`.
  public func sheetReader(at index: Int) throws(XLSXReadError) -> SheetReader {
    guard index >= 0, index < sheets.count else {
      throw XLSXReadError(code: .noSuchSheet, location: SourceLocation(file: path),
                          detail: "the workbook has \(sheets.count) worksheets; there is no worksheet number \(index + 1)")
    }
    return try sheetReader(for: sheets[index])
  }

  /// A streaming reader for a worksheet.
  ///
  /// Before returning, the sheet part is scanned once for `<mergeCells>` (so `mergedRanges` is
  /// complete before the first row) and parsed up to `<sheetData>` (so `declaredDimension` is known).
  public func sheetReader(for sheet: SheetInfo) throws(XLSXReadError) -> SheetReader {
    guard sheet.kind == .worksheet, let part = sheet.part, let entry = archive.entry(named: part) else {
      throw XLSXReadError(code: .missingPart, location: SourceLocation(file: path, sheet: sheet.name, entry: sheet.part),
                          detail: "the worksheet's part is missing from the file; the workbook is damaged: ask the "
                            + "sender to save it again")
    }
    var merges: [CellRange]
    do {
      if entry.uncompressedSize <= Workbook.inMemoryLimit, prescanned?.part != part,
         let xml = try readWhole(entry, limit: Workbook.inMemoryLimit) {
        // Inflated once: scanned for merged cells and parsed from memory.
        var offset = 0
        return try SheetReader(sheetName: sheet.name, entry: entry.name, file: path, context: context,
                               mergedRanges: MergeScanner.scan(xml)) { buf in
          let n = min(buf.count, xml.count - offset)
          if n > 0 { xml.withUnsafeBytes { buf.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) } }
          offset += n
          return n
        }
      }
      if let p = prescanned, p.part == part {
        merges = p.ranges
      } else {
        var scanReader = try archive.openEntry(entry)
        merges = try MergeScanner.scan(source: { buf in try scanReader.read(into: buf) }, entry: entry.name)
      }
      // Large parts are inflated and parsed on both cores through their own archive handle
      // (ZIPArchive instances are not shared across threads); small parts are read directly.
      if entry.uncompressedSize >= threading.parallelThreshold, let options = threading.parallel,
         let own = try? ZIPArchive(path: path, limits: limits), let ownEntry = own.entry(named: part) {
        var r = try own.openEntry(ownEntry)
        return try SheetReader(sheetName: sheet.name, entry: entry.name, file: path, context: context,
                               mergedRanges: merges, parallel: options) { buf in try r.read(into: buf) }
      }
      if entry.uncompressedSize >= Workbook.prefetchThreshold,
         let own = try? ZIPArchive(path: path, limits: limits), let ownEntry = own.entry(named: part) {
        var r = try own.openEntry(ownEntry)
        let prefetch = PrefetchingSource { buf in try r.read(into: buf) }
        return try SheetReader(sheetName: sheet.name, entry: entry.name, file: path, context: context,
                               mergedRanges: merges) { buf in try prefetch.read(into: buf) }
      }
      var r = try archive.openEntry(entry)
      return try SheetReader(sheetName: sheet.name, entry: entry.name, file: path, context: context,
                             mergedRanges: merges) { buf in try r.read(into: buf) }
    } catch {
      throw XLSXReadError.from(error, file: path, entry: entry.name, sheet: sheet.name)
    }
  }

  /// Reads every row of a worksheet into memory: a documented, opt-in convenience.
  ///
  /// Memory grows with the sheet (one `Row` per non-empty row); prefer `sheetReader(at:)` and
  /// `nextRow(into:)` for large sheets.
  public func readAllRows(sheet index: Int) throws(XLSXReadError) -> [Row] {
    let reader = try sheetReader(at: index)
    var rows: [Row] = []
    var row = Row()
    while try reader.nextRow(into: &row) {
      rows.append(row)
      row = Row()
    }
    return rows
  }
}

extension XLSXReadError {
  /// Wraps any error met while reading a part into a read error with its location.
  static func from(_ error: Error, file: String?, entry: String?, sheet: String?) -> XLSXReadError {
    if let e = error as? XLSXReadError { return e }
    if let e = error as? XMLError { return .xml(e, file: file, sheet: sheet) }
    if let e = error as? TemporaryFileError {
      return XLSXReadError(code: .temporaryFile, location: SourceLocation(file: file, sheet: sheet, entry: entry),
                           detail: e.description)
    }
    if let e = error as? ZIPError {
      if e.code == .notAZip {
        return XLSXReadError(code: .notAWorkbook, location: SourceLocation(file: file),
                             detail: "the file is not an Excel workbook (not a ZIP package: \(e.detail)); if it is a CSV "
                               + "or HTML file renamed to .xlsx, open it in Excel or WPS and save it as .xlsx")
      }
      return XLSXReadError(code: .container, location: SourceLocation(file: file, sheet: sheet, entry: e.entry ?? entry),
                           detail: "the workbook's ZIP container is damaged (\(e.code): \(e.detail)); ask the sender "
                             + "to save the workbook again and resend it")
    }
    return XLSXReadError(code: .container, location: SourceLocation(file: file, sheet: sheet, entry: entry),
                         detail: "the workbook could not be read: \(error)")
  }
}

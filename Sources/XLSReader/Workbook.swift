import ByteIO
import CFB
import Tabular

/// Which BIFF version the workbook stream is written in.
public enum BIFFVersion: String, Sendable {
  /// Excel 97–2003 (`Workbook` stream, UTF-16 or compressed text, SST).
  case biff8 = "BIFF8"
  /// Excel 5.0/95 (`Book` stream, 8-bit text in the CODEPAGE).
  case biff5 = "BIFF5"
}

/// One sheet listed by a BOUNDSHEET record.
public struct XLSSheetInfo: Sendable, CustomStringConvertible {
  /// What the sheet holds.
  public enum Kind: String, Sendable {
    case worksheet
    case chartsheet
    case macrosheet
    case module
    case other
  }
  /// The tab name.
  public var name: String
  public var visibility: SheetVisibility
  public var kind: Kind
  /// Stream offset of the sheet's BOF record.
  public var offset: Int
  /// Zero-based position among all BOUNDSHEET records.
  public var position: Int

  public var description: String { "\(name) (\(kind.rawValue), \(visibility.rawValue))" }
}

/// A legacy Excel workbook (`.xls`: BIFF8 or BIFF5 in a Compound File), opened for streaming.
///
/// Opening reads the workbook globals — sheets, code page, date system, number formats and cell
/// formats (which of them show dates), the shared strings — and nothing of the sheets. Each sheet
/// is then read row by row through ``sheetReader(for:)``.
///
/// ```swift
/// let workbook = try XLSWorkbook(path: "培训学时台账.xls")
/// let rows = try workbook.sheetReader(for: workbook.sheets[0])
/// var row = Row()
/// while try rows.nextRow(into: &row) { … }
/// ```
///
/// - Complexity: memory is the shared strings (one UTF-8 buffer plus 4 bytes per string), one
///   byte per cell format, the container's FAT, and per open sheet one row and its merged ranges.
public final class XLSWorkbook {
  /// The path (or name) the workbook was opened from, for messages.
  public let path: String
  /// The worksheets, in workbook order.
  public let sheets: [XLSSheetInfo]
  /// Chart sheets, macro sheets and modules: listed, never read.
  public let nonWorksheets: [XLSSheetInfo]
  /// How the workbook's date serials count (the DATEMODE record).
  public let dateSystem: DateSystem
  public let version: BIFFVersion
  /// The CODEPAGE record's value (1200 = UTF-16), nil when absent.
  public let codePage: Int?
  /// The stream the workbook is in (`Workbook`, `Book`, in any letter case).
  public let streamName: String

  let file: CompoundFile
  let entry: CFBEntry
  let strings: SharedStringTable
  /// Per XF index: 0 = not a date, else `DateKind.rawValue + 1`.
  let xfDateKinds: [UInt8]
  let decoder: CodePage?

  /// Opens the `.xls` file at `path`.
  /// - Throws: ``XLSReadError`` for a damaged container or record, an encrypted workbook, or a
  ///   Compound File with no workbook stream.
  public convenience init(path: String) throws(XLSReadError) {
    let source: FileSource
    do { source = try FileSource(path: path) } catch {
      throw XLSReadError(code: .cannotOpen, location: SourceLocation(file: path), detail: "cannot open the file: \(error.reason)")
    }
    try self.init(source: source, path: path)
  }

  /// Opens a workbook held in memory (an attachment, a test, a fuzzer's input).
  public convenience init(bytes: [UInt8], name: String = "<memory>") throws(XLSReadError) {
    try self.init(source: MemorySource(bytes, name: name), path: name)
  }

  /// Opens a workbook read through `source`.
  public init(source: RandomAccessSource, path: String) throws(XLSReadError) {
    self.path = path
    do { file = try CompoundFile(source: source) } catch { throw XLSReadError.container(error, file: path) }
    if file.stream(named: "EncryptedPackage") != nil || file.stream(named: "EncryptionInfo") != nil {
      throw XLSReadError(code: .encrypted, location: SourceLocation(file: path),
                         detail: "the workbook is password-protected (an encrypted package)")
    }
    guard let e = file.stream(named: "Workbook") ?? file.stream(named: "Book") else {
      let names = file.topLevel.map(\.name).prefix(6).joined(separator: ", ")
      throw XLSReadError(code: .noWorkbookStream, location: SourceLocation(file: path),
                         detail: names)
    }
    entry = e
    streamName = e.name
    let stream: CFBStream
    do { stream = try file.openStream(e) } catch { throw XLSReadError.container(error, file: path) }
    var g = try Globals.read(RecordReader(stream: stream, file: path))
    sheets = g.sheets.filter { $0.kind == .worksheet }
    nonWorksheets = g.sheets.filter { $0.kind != .worksheet }
    dateSystem = g.date1904 ? .excel1904 : .excel1900
    version = g.version
    codePage = g.codePage
    strings = g.strings
    decoder = g.decoder
    xfDateKinds = g.xfFormats.map { id in
      guard let k = NumberFormat.dateKind(id: id, code: g.formats[id]) else { return 0 }
      return k.rawValue + 1
    }
    g.strings = SharedStringTable()
  }

  /// The worksheet named `name`.
  public func sheet(named name: String) -> XLSSheetInfo? { sheets.first { $0.name == name } }

  /// A streaming reader for one worksheet; its merged ranges are known before the first row.
  public func sheetReader(for sheet: XLSSheetInfo) throws(XLSReadError) -> XLSSheetReader {
    let stream: CFBStream
    do { stream = try file.openStream(entry) } catch { throw XLSReadError.container(error, file: path) }
    return try XLSSheetReader(workbook: self, sheet: sheet, reader: RecordReader(stream: stream, file: path))
  }

  /// Reads a whole `.xls` from bytes and drains every row of every worksheet: the entry point
  /// for fuzzing (a libFuzzer target calls it with its input and ignores the error).
  /// - Returns: how many sheets, rows and cells were read.
  @discardableResult
  public static func readAll(bytes: [UInt8]) throws(XLSReadError) -> (sheets: Int, rows: Int, cells: Int) {
    let wb = try XLSWorkbook(bytes: bytes, name: "<input>")
    var rows = 0, cells = 0
    var row = Row()
    for s in wb.sheets {
      let r = try wb.sheetReader(for: s)
      while try r.nextRow(into: &row) {
        rows += 1
        cells += row.cells.count
      }
    }
    return (wb.sheets.count, rows, cells)
  }
}

/// The workbook globals substream: everything before the first sheet.
struct Globals {
  var version = BIFFVersion.biff8
  var date1904 = false
  var codePage: Int?
  var decoder: CodePage?
  var formats: [Int: String] = [:]
  var xfFormats: [Int] = []
  var sheets: [XLSSheetInfo] = []
  var strings = SharedStringTable()

  static func read(_ r: RecordReader) throws(XLSReadError) -> Globals {
    var reader = r
    var g = Globals()
    guard try reader.next() else {
      throw XLSReadError(code: .record, location: reader.location, detail: "the \(reader.stream.name) stream is empty")
    }
    switch reader.id {
    case RecordID.bof: break
    case RecordID.bof2, RecordID.bof3, RecordID.bof4:
      throw XLSReadError(code: .unsupportedVersion, location: reader.location,
                         detail: "BIFF\(reader.id == RecordID.bof2 ? 2 : reader.id == RecordID.bof3 ? 3 : 4) in a Compound File")
    default:
      throw reader.damaged("the \(reader.stream.name) stream does not start with a BOF record")
    }
    let bofVersion = reader.length >= 2 ? reader.body { $0.u16(0) } : 0
    g.version = bofVersion == 0x0600 || (bofVersion != 0x0500 && reader.length >= 16) ? .biff8 : .biff5
    let biff8 = g.version == .biff8
    var boundSheets: [(offset: Int, state: UInt8, type: UInt8, name: String)] = []
    loop: while try reader.next() {
      let len = reader.length
      switch reader.id {
      case RecordID.eof:
        break loop
      case RecordID.filePass:
        throw XLSReadError(code: .encrypted, location: reader.location,
                           detail: "the workbook is password-protected (FILEPASS record)")
      case RecordID.dateMode:
        if len >= 2 { g.date1904 = reader.body { $0.u16(0) } == 1 }
      case RecordID.codePage:
        if len >= 2 {
          let cp = reader.body { $0.u16(0) }
          g.codePage = cp
          if !biff8 { g.decoder = CodePage(cp) }
        }
      case RecordID.format:
        guard len >= 3 else { throw reader.damaged("the record is too short (\(len) bytes)") }
        let id = reader.body { $0.u16(0) }
        var text: [UInt8] = []
        let dec = biff8 ? nil : g.decoder(orDefault: ())
        let ok = reader.body { b -> Bool in
          if let dec {
            let n = Int(b[2])
            guard 3 + n <= len else { return false }
            dec.append(b, at: 3, count: n, to: &text)
          } else {
            guard len >= 5 else { return false }
            let n = b.u16(2), wide = b[4] & 1 != 0
            guard 5 + n * (wide ? 2 : 1) <= len else { return false }
            BIFFText.appendChars(b, at: 5, count: n, wide: wide, to: &text)
          }
          return true
        }
        guard ok else { throw reader.damaged("the format code runs past the record") }
        g.formats[id] = String(decoding: text, as: UTF8.self)
      case RecordID.xf:
        guard len >= 4 else { throw reader.damaged("the record is too short (\(len) bytes)") }
        g.xfFormats.append(reader.body { $0.u16(2) })
      case RecordID.boundSheet:
        guard len >= 7 else { throw reader.damaged("the record is too short (\(len) bytes)") }
        var text: [UInt8] = []
        let (offset, state, type) = reader.body { (Int($0.u32(0)), $0[4] & 3, $0[5]) }
        let dec = biff8 ? nil : g.decoder(orDefault: ())
        let ok = reader.body { b -> Bool in
          let n = Int(b[6])
          if let dec {
            guard 7 + n <= len else { return false }
            dec.append(b, at: 7, count: n, to: &text)
          } else {
            guard len >= 8 else { return false }
            let wide = b[7] & 1 != 0
            guard 8 + n * (wide ? 2 : 1) <= len else { return false }
            BIFFText.appendChars(b, at: 8, count: n, wide: wide, to: &text)
          }
          return true
        }
        guard ok else { throw reader.damaged("the sheet name runs past the record") }
        boundSheets.append((offset, state, type, String(decoding: text, as: UTF8.self)))
      case RecordID.sst:
        if biff8 { g.strings = try SharedStringTable.read(&reader, streamSize: reader.stream.size) }
      default:
        break
      }
    }
    // Each sheet's kind: the BOUNDSHEET's type, confirmed by the sheet's own BOF.
    for (i, s) in boundSheets.enumerated() {
      var kind: XLSSheetInfo.Kind
      switch s.type {
      case 0: kind = .worksheet
      case 1: kind = .macrosheet
      case 2: kind = .chartsheet
      case 6: kind = .module
      default: kind = .other
      }
      if kind == .worksheet {
        guard s.offset < reader.stream.size else {
          throw reader.damaged("sheet \"\(s.name)\" starts at byte \(s.offset), past the end of the stream (\(reader.stream.size) bytes)")
        }
        try reader.seek(to: s.offset)
        guard try reader.next(), reader.id == RecordID.bof, reader.length >= 4 else {
          throw reader.damaged("sheet \"\(s.name)\" does not start with a BOF record at byte \(s.offset)")
        }
        let dt = reader.body { $0.u16(2) }
        if dt == 0x0020 { kind = .chartsheet } else if dt == 0x0040 { kind = .macrosheet } else if dt == 0x0006 { kind = .module }
      }
      let vis: SheetVisibility = s.state == 1 ? .hidden : s.state == 2 ? .veryHidden : .visible
      g.sheets.append(XLSSheetInfo(name: s.name, visibility: vis, kind: kind, offset: s.offset, position: i))
    }
    return g
  }

  /// The BIFF5 decoder: the CODEPAGE's, or Windows-1252 when the workbook has no CODEPAGE record.
  mutating func decoder(orDefault: ()) -> CodePage {
    if let decoder { return decoder }
    let d = CodePage(1252)
    decoder = d
    return d
  }
}

import Tabular
import XMLStream

/// What every sheet of a workbook shares: the shared strings, the date styles and the date system
/// (STYLE.md item 4). Copying it is cheap (copy-on-write arrays).
public struct WorkbookContext: Sendable {
  public var sharedStrings: SharedStrings
  public var styles: Styles
  public var dateSystem: DateSystem

  public init(sharedStrings: SharedStrings = SharedStrings(), styles: Styles = Styles(),
              dateSystem: DateSystem = .excel1900) {
    self.sharedStrings = sharedStrings
    self.styles = styles
    self.dateSystem = dateSystem
  }
}

/// Streams the rows of one worksheet part (`xl/worksheets/sheetN.xml`, ECMA-376 Part 1 §18.3).
///
/// ```swift
/// let workbook = try Workbook(path: "台账.xlsx")
/// let reader = try workbook.sheetReader(at: 0)
/// var row = Row()
/// while try reader.nextRow(into: &row) { print(row.index, row.cells.count) }
/// ```
///
/// Cells: shared strings (`t="s"`), inline strings (`t="inlineStr"`, rich runs and CDATA),
/// formula strings (`t="str"`), booleans (`t="b"`, number 0/1), errors (`t="e"`), ISO dates
/// (`t="d"`), numbers (the `<v>` text is kept as the cell text, so `15062719000123` and `32.50`
/// survive) and numbers whose style is a date format (`.date`, number = serial). A formula
/// keeps its cached value; one without a cached value is `.formulaWithoutValue` with the
/// formula text. A `<c>` with neither value nor formula is not emitted, and neither is a row
/// without cells. Cells and rows without `r` follow the previous one.
///
/// Merged ranges (`mergedRanges`) and the declared `<dimension>` are known before the first row.
///
/// ### Memory
/// O(one row + merged ranges + parser buffers); rows are built in the reader's own `Row` and
/// swapped with the caller's, so after the first rows no call allocates.
public final class SheetReader: RowSource, XMLHandler {
  /// The sheet's name (for error locations).
  public let sheetName: String
  /// The ZIP entry of the sheet part.
  public let entry: String
  /// Merged ranges (`mergeCells/mergeCell/@ref`), in document order.
  public let mergedRanges: [CellRange]
  /// `dimension/@ref` as declared (WPS writes `A1` for any sheet); nil when absent or invalid.
  public private(set) var declaredDimension: CellRange?
  /// The range of cells actually emitted so far (the whole sheet once `nextRow` returned false).
  public var computedDimension: CellRange? {
    guard maxRow >= 0 else { return nil }
    return CellRange(first: CellAddress(row: minRow, column: minColumn), last: CellAddress(row: maxRow, column: maxColumn))
  }

  private let file: String?
  private let context: WorkbookContext
  private let parser: XMLStreamParser
  private var row = Row()
  private var failure: XLSXReadError?
  private var finished = false

  // Parse state (see the handler methods).
  private var inSheetData = false
  private var inRow = false
  private var rowHadReference = false
  private var nextRowIndex = 0
  private var lastColumn = -1
  private var inCell = false
  private var cellColumn = 0
  private var cellType: UInt8 = 0  // CellTypeCode raw value
  private var cellStyle = 0
  private var textStart = 0
  private var hasValue = false
  private var hasFormula = false
  private var collecting = false
  private var inInline = false
  private var phoneticDepth = 0
  private var inFormula = false
  private var formula: [UInt8] = []
  private var runStart = 0
  private var runPreserves = false
  private var rowReady = false
  private var minRow = Int.max, maxRow = -1, minColumn = Int.max, maxColumn = -1

  /// `c/@t` codes (ECMA-376 Part 1 §18.18.11 ST_CellType).
  private enum CellTypeCode {
    static let number: UInt8 = 0  // "n" or absent
    static let sharedString: UInt8 = 1  // "s"
    static let formulaString: UInt8 = 2  // "str"
    static let inlineString: UInt8 = 3  // "inlineStr"
    static let boolean: UInt8 = 4  // "b"
    static let error: UInt8 = 5  // "e"
    static let date: UInt8 = 6  // "d"
  }

  /// Creates a reader over a byte source of the uncompressed sheet part and reads up to
  /// `<sheetData>` (so `declaredDimension` is known).
  /// - Parameters:
  ///   - mergedRanges: the ranges found by the pre-scan (`MergeScanner`).
  init(sheetName: String, entry: String, file: String?, context: WorkbookContext, mergedRanges: [CellRange],
       source: @escaping XMLStreamParser.Source) throws(XLSXReadError) {
    self.sheetName = sheetName
    self.entry = entry
    self.file = file
    self.context = context
    self.mergedRanges = mergedRanges
    parser = XMLStreamParser(entry: entry, chunkSize: 128 << 10, source: source)
    formula.reserveCapacity(256)
    parser.setHandler(self)
    // Runs to <sheetData> (suspends there) or to the end of a sheet without one.
    do {
      if try !parser.parse() { finished = true }
    } catch {
      throw convert(error)
    }
  }

  /// Creates a reader over sheet XML in memory (for tests and small parts).
  public convenience init(sheetXML: [UInt8], context: WorkbookContext = WorkbookContext(), sheetName: String = "Sheet1",
                          chunkSize: Int = 64 << 10) throws(XLSXReadError) {
    let merges = MergeScanner.scan(sheetXML)
    var offset = 0
    try self.init(sheetName: sheetName, entry: "xl/worksheets/sheet1.xml", file: nil, context: context,
                  mergedRanges: merges) { buf in
      let n = min(buf.count, chunkSize, sheetXML.count - offset)
      if n > 0 {
        sheetXML.withUnsafeBytes { src in buf.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n) }
      }
      offset += n
      return n
    }
  }

  /// Fills `row` with the next row that has at least one cell; false at the end of the sheet.
  ///
  /// `row` is overwritten (its storage is reused). Row and cell indices are zero-based.
  /// - Throws: `XLSXReadError` — malformed XML, a damaged ZIP entry (including a CRC mismatch
  ///   found at the end), a bad shared-string index or cell reference.
  public func nextRow(into row: inout Row) throws(XLSXReadError) -> Bool {
    if finished { return false }
    do {
      while true {
        let suspended = try parser.parse()
        if rowReady {
          rowReady = false
          swap(&row, &self.row)
          self.row.removeAll()
          return true
        }
        if !suspended {
          finished = true
          return false
        }
      }
    } catch {
      finished = true
      throw convert(error)
    }
  }

  private func convert(_ error: Error) -> XLSXReadError {
    if let e = error as? XLSXReadError { return e }
    if let e = error as? XMLError { return XLSXReadError.xml(e, file: file, sheet: sheetName) }
    return XLSXReadError.from(error, file: file, entry: entry, sheet: sheetName)
  }

  private func fail(_ code: XLSXReadError.Code, column: Int?, _ detail: String) {
    let loc = SourceLocation(file: file, sheet: sheetName, entry: entry, row: row.index, column: column,
                             line: parser.line, byteOffset: parser.byteOffset)
    parser.fail(XLSXReadError(code: code, location: loc, detail: detail))
  }

  // MARK: XMLHandler (the hot path)

  public func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    let local = name.localName
    let n = local.count
    guard n > 0 else { return }
    let c0 = local[0]
    if n == 1 {
      switch c0 {
      case UInt8(ascii: "c"): startCell(attributes)
      case UInt8(ascii: "v"):
        if inCell { collecting = true }
      case UInt8(ascii: "f"):
        if inCell { inFormula = true; hasFormula = true }
      case UInt8(ascii: "t"):
        if inInline && phoneticDepth == 0 {
          collecting = true
          runStart = row.bytes.count
          runPreserves = attributes.value(qualified: "xml:space").map { XMLBytes.equal($0, "preserve") } ?? false
        }
      default: break
      }
      return
    }
    if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "o") && local[2] == UInt8(ascii: "w") {
      startRow(attributes)
    } else if n == 2 && c0 == UInt8(ascii: "i") && local[1] == UInt8(ascii: "s") {
      if inCell { inInline = true }
    } else if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "P") && local[2] == UInt8(ascii: "h") {
      phoneticDepth += 1
    } else if XMLBytes.equal(local, "sheetData") {
      inSheetData = true
      parser.suspend()
    } else if XMLBytes.equal(local, "dimension") {
      if let ref = attributes.value("ref") { declaredDimension = CellRange(a1: ref) }
    }
  }

  public func endElement(_ name: XMLName) {
    let local = name.localName
    let n = local.count
    guard n > 0 else { return }
    let c0 = local[0]
    if n == 1 {
      switch c0 {
      case UInt8(ascii: "c"): if inCell { endCell() }
      case UInt8(ascii: "v"):
        if collecting { collecting = false; hasValue = true }
      case UInt8(ascii: "f"): inFormula = false
      case UInt8(ascii: "t"):
        if collecting && inInline {
          collecting = false
          hasValue = true
          if !runPreserves { trimXMLSpace(&row.bytes, from: runStart) }
        }
      default: break
      }
      return
    }
    if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "o") && local[2] == UInt8(ascii: "w") {
      inRow = false
      if !row.cells.isEmpty {
        rowReady = true
        parser.suspend()
      }
    } else if n == 2 && c0 == UInt8(ascii: "i") && local[1] == UInt8(ascii: "s") {
      inInline = false
    } else if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "P") && local[2] == UInt8(ascii: "h") {
      phoneticDepth -= 1
    } else if XMLBytes.equal(local, "sheetData") {
      inSheetData = false
    }
  }

  public func characters(_ text: UnsafeBufferPointer<UInt8>) {
    if collecting {
      row.bytes.append(contentsOf: text)
    } else if inFormula {
      formula.append(contentsOf: text)
    }
  }

  private func startRow(_ attributes: XMLAttributes) {
    guard inSheetData else { return }
    inRow = true
    row.removeAll()
    lastColumn = -1
    rowHadReference = false
    var index = nextRowIndex
    for a in attributes {
      let an = a.name.localName
      if an.count == 1 && an[0] == UInt8(ascii: "r") {
        guard let r = parseDecimal(a.value), r >= 1, r <= CellAddress.maxRows else {
          fail(.badCellReference, column: nil,
               "row number r=\"\(XMLBytes.string(a.value))\" is not between 1 and \(CellAddress.maxRows)")
          return
        }
        index = r - 1
        rowHadReference = true
      } else if XMLBytes.equal(an, "hidden") {
        row.isHidden = a.value.count == 1 ? a.value[0] == UInt8(ascii: "1") : XMLBytes.equal(a.value, "true")
      }
    }
    row.index = index
    nextRowIndex = index + 1
  }

  private func startCell(_ attributes: XMLAttributes) {
    guard inRow else { return }
    inCell = true
    hasValue = false
    hasFormula = false
    inInline = false
    phoneticDepth = 0
    cellType = CellTypeCode.number
    cellStyle = 0
    formula.removeAll(keepingCapacity: true)
    var column = lastColumn + 1
    for a in attributes {
      let an = a.name.localName
      guard an.count == 1 else { continue }
      switch an[0] {
      case UInt8(ascii: "r"):
        guard let addr = parseCellReference(a.value) else {
          fail(.badCellReference, column: nil, "cell reference r=\"\(XMLBytes.string(a.value))\" is not a valid A1 reference")
          return
        }
        column = addr.column
        if !rowHadReference && row.cells.isEmpty {
          row.index = addr.row
          nextRowIndex = addr.row + 1
          rowHadReference = true
        }
      case UInt8(ascii: "t"):
        let v = a.value
        switch v.count {
        case 1:
          switch v[0] {
          case UInt8(ascii: "s"): cellType = CellTypeCode.sharedString
          case UInt8(ascii: "b"): cellType = CellTypeCode.boolean
          case UInt8(ascii: "e"): cellType = CellTypeCode.error
          case UInt8(ascii: "d"): cellType = CellTypeCode.date
          default: cellType = CellTypeCode.number
          }
        case 3: cellType = XMLBytes.equal(v, "str") ? CellTypeCode.formulaString : CellTypeCode.number
        case 9: cellType = XMLBytes.equal(v, "inlineStr") ? CellTypeCode.inlineString : CellTypeCode.number
        default: cellType = CellTypeCode.number
        }
      case UInt8(ascii: "s"):
        cellStyle = parseDecimal(a.value) ?? 0
      default: break
      }
    }
    guard column < CellAddress.maxColumns else {
      fail(.badCellReference, column: nil, "cell column \(column + 1) is beyond Excel's \(CellAddress.maxColumns) columns")
      return
    }
    cellColumn = column
    lastColumn = column
    textStart = row.bytes.count
  }

  private func endCell() {
    inCell = false
    collecting = false
    inInline = false
    let column = cellColumn
    // Empty text is no value — `<v/>`, `<is><t/></is>`, `<is><t> </t></is>` (trimmed) — except a
    // formula string result (a formula that evaluated to "", kept as "" with isFormula).
    // An empty *shared* string is a value: the index is not empty.
    if hasValue && row.bytes.count == textStart && !(cellType == CellTypeCode.formulaString && hasFormula) {
      hasValue = false
    }
    guard hasValue else {
      if hasFormula {
        row.bytes.removeSubrange(textStart...)
        row.bytes.append(contentsOf: formula)
        row.appendCell(column: column, kind: .formulaWithoutValue, number: 0, textStart: textStart, isFormula: true)
        noteCell(column)
      } else {
        row.bytes.removeSubrange(textStart...)
      }
      return
    }
    switch cellType {
    case CellTypeCode.sharedString:
      let index = row.bytes.withUnsafeBufferPointer { parseDecimal(UnsafeBufferPointer(rebasing: $0[textStart...])) }
      row.bytes.removeSubrange(textStart...)
      guard let index, index < context.sharedStrings.count else {
        fail(.badSharedStringIndex, column: column,
             "the cell refers to shared string \(index.map(String.init) ?? "(not a number)") but the table has "
               + "\(context.sharedStrings.count) strings; the file is damaged: ask the sender to save it again")
        return
      }
      _ = context.sharedStrings.withString(index) { row.bytes.append(contentsOf: $0) }
      row.appendCell(column: column, kind: .string, number: 0, textStart: textStart, isFormula: hasFormula)
    case CellTypeCode.inlineString, CellTypeCode.formulaString:
      decodeEscapes(&row.bytes, from: textStart)
      row.appendCell(column: column, kind: .string, number: 0, textStart: textStart, isFormula: hasFormula)
    case CellTypeCode.boolean:
      let v = row.bytes.withUnsafeBufferPointer { CellValues.parseDouble(UnsafeBufferPointer(rebasing: $0[textStart...])) }
      row.appendCell(column: column, kind: .boolean, number: (v ?? 0) != 0 ? 1 : 0, textStart: textStart,
                     isFormula: hasFormula)
    case CellTypeCode.error:
      row.appendCell(column: column, kind: .error, number: 0, textStart: textStart, isFormula: hasFormula)
    case CellTypeCode.date:
      let system = context.dateSystem
      if let (serial, kind) = row.bytes.withUnsafeBufferPointer({
        CellValues.parseISODate(UnsafeBufferPointer(rebasing: $0[textStart...]), system: system)
      }) {
        row.appendCell(column: column, kind: .date, number: serial, textStart: textStart, dateKind: kind,
                       isFormula: hasFormula)
      } else {
        row.appendCell(column: column, kind: .string, number: 0, textStart: textStart, isFormula: hasFormula)
      }
    default:
      let v = row.bytes.withUnsafeBufferPointer { CellValues.parseDouble(UnsafeBufferPointer(rebasing: $0[textStart...])) }
      if let v {
        if let kind = context.styles.dateKind(style: cellStyle) {
          row.appendCell(column: column, kind: .date, number: v, textStart: textStart, dateKind: kind,
                         isFormula: hasFormula)
        } else {
          row.appendCell(column: column, kind: .number, number: v, textStart: textStart, isFormula: hasFormula)
        }
      } else if row.bytes.count == textStart {
        return  // <v></v>: no value
      } else {
        // Not a number although typed as one: keep the text rather than invent a value.
        row.appendCell(column: column, kind: .string, number: 0, textStart: textStart, isFormula: hasFormula)
      }
    }
    noteCell(column)
  }

  @inline(__always)
  private func noteCell(_ column: Int) {
    let r = row.index
    if r < minRow { minRow = r }
    if r > maxRow { maxRow = r }
    if column < minColumn { minColumn = column }
    if column > maxColumn { maxColumn = column }
  }
}

/// Parses an A1 cell reference from bytes (`B7`, `$B$7`, lower case tolerated) without generics
/// or allocation — the hot-path twin of `CellAddress(a1:)`. Returns nil when invalid or out of range.
@inline(__always)
func parseCellReference(_ b: UnsafeBufferPointer<UInt8>) -> CellAddress? {
  let n = b.count
  var i = 0
  if i < n && b[i] == UInt8(ascii: "$") { i += 1 }
  var col = 0
  let lettersStart = i
  while i < n {
    let c = b[i] | 0x20
    guard c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") else { break }
    col = col * 26 + Int(c - UInt8(ascii: "a") + 1)
    i += 1
    if i - lettersStart > 3 { return nil }
  }
  guard i > lettersStart else { return nil }
  if i < n && b[i] == UInt8(ascii: "$") { i += 1 }
  let digitsStart = i
  var row = 0
  while i < n {
    let d = b[i] &- 0x30
    guard d < 10 else { return nil }
    row = row * 10 + Int(d)
    i += 1
    if i - digitsStart > 7 { return nil }
  }
  guard i > digitsStart, row >= 1, row <= CellAddress.maxRows, col <= CellAddress.maxColumns else { return nil }
  return CellAddress(row: row - 1, column: col - 1)
}

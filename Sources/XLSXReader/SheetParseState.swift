import Tabular
import XMLStream

/// The hot-path state of a `SheetReader`: the row being built and where the parser is in it.
///
/// A struct so that each XML event costs one exclusive access to the reader's `state`
/// (a class's stored properties are checked one by one). Event methods return true when the
/// reader must act: a row is complete (`rowReady`) or a cell is bad (`failure`).
struct SheetParseState {
  let context: WorkbookContext
  /// Block cache of a spilled shared-strings table (nil when the table is in memory). Owned by
  /// whoever owns the state, so that it outlives the state's resets (one per thread).
  let stringCache: SharedStringCache?
  var row = Row()
  var declaredDimension: CellRange?
  var failure: (code: XLSXReadError.Code, column: Int?, detail: String)?
  private var signal = false
  private var inSheetData = false
  private var inRow = false
  private var rowHadReference = false
  /// The index of the next row without an `r` (the previous row's plus one).
  var nextRowIndex = 0
  /// True once a row index came from a reference (`row/@r` or the first cell's `r`); until then
  /// indices count from where parsing started (a piece of the sheet parsed on its own, whose
  /// rows the reader shifts once the preceding pieces are known).
  var anchored = false
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
  /// The current cell has an `<is>` element: an inline string, "" when it holds no text (as Excel,
  /// openpyxl and python-calamine read `<is><t xml:space="preserve"></t></is>`).
  private var hadInline = false
  /// A run of the inline string was whitespace only, without `xml:space="preserve"`, and trimmed to nothing.
  private var inlineTrimmedAway = false
  private var phoneticDepth = 0
  private var inFormula = false
  private var formula: [UInt8] = []
  private var runStart = 0
  private var runPreserves = false
  var rowReady = false
  var minRow = Int.max, maxRow = -1, minColumn = Int.max, maxColumn = -1

  init(context: WorkbookContext, stringCache: SharedStringCache?) {
    self.context = context
    self.stringCache = stringCache
    formula.reserveCapacity(256)
  }

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


  private mutating func fail(_ code: XLSXReadError.Code, column: Int?, _ detail: String) {
    if failure == nil { failure = (code, column, detail) }
    signal = true
  }


  mutating func startElement(_ name: XMLName, _ attributes: XMLAttributes) -> Bool {
    signal = false
    let local = name.localName
    let n = local.count
    guard n > 0 else { return false }
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
      return signal
    }
    if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "o") && local[2] == UInt8(ascii: "w") {
      startRow(attributes)
    } else if n == 2 && c0 == UInt8(ascii: "i") && local[1] == UInt8(ascii: "s") {
      if inCell { inInline = true; hadInline = true }
    } else if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "P") && local[2] == UInt8(ascii: "h") {
      phoneticDepth += 1
    } else if XMLBytes.equal(local, "sheetData") {
      inSheetData = true
      signal = true
    } else if XMLBytes.equal(local, "dimension") {
      if let ref = attributes.value("ref") { declaredDimension = CellRange(a1: ref) }
    }
    return signal
  }

  mutating func endElement(_ name: XMLName) -> Bool {
    signal = false
    let local = name.localName
    let n = local.count
    guard n > 0 else { return false }
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
          if !runPreserves {
            let before = row.bytes.count
            trimXMLSpace(&row.bytes, from: runStart)
            if before > runStart && row.bytes.count == runStart { inlineTrimmedAway = true }
          }
        }
      default: break
      }
      return signal
    }
    if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "o") && local[2] == UInt8(ascii: "w") {
      inRow = false
      if !row.cells.isEmpty {
        rowReady = true
        signal = true
      }
    } else if n == 2 && c0 == UInt8(ascii: "i") && local[1] == UInt8(ascii: "s") {
      inInline = false
    } else if n == 3 && c0 == UInt8(ascii: "r") && local[1] == UInt8(ascii: "P") && local[2] == UInt8(ascii: "h") {
      phoneticDepth -= 1
    } else if XMLBytes.equal(local, "sheetData") {
      inSheetData = false
    }
    return signal
  }

  mutating func characters(_ text: UnsafeBufferPointer<UInt8>) {
    if collecting {
      row.bytes.append(contentsOf: text)
    } else if inFormula {
      formula.append(contentsOf: text)
    }
  }

  private mutating func startRow(_ attributes: XMLAttributes) {
    // A <row> nested in a row or cell is hostile structure: ignore it rather than reset the row.
    guard inSheetData, !inRow, !inCell else { return }
    inRow = true
    row.removeAll()
    row.index = nextRowIndex  // where an error in the row's attributes is reported
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
        anchored = true
      } else if XMLBytes.equal(an, "hidden") {
        row.isHidden = a.value.count == 1 ? a.value[0] == UInt8(ascii: "1") : XMLBytes.equal(a.value, "true")
      }
    }
    row.index = index
    nextRowIndex = index + 1
  }

  private mutating func startCell(_ attributes: XMLAttributes) {
    guard inRow, !inCell else { return }
    inCell = true
    hasValue = false
    hasFormula = false
    inInline = false
    hadInline = false
    inlineTrimmedAway = false
    phoneticDepth = 0
    cellType = CellTypeCode.number
    cellStyle = 0
    formula.removeAll(keepingCapacity: true)
    var column = lastColumn + 1
    var failed = false
    attributes.forEachSingleByteName { letter, value in
      guard !failed else { return }
      switch letter {
      case UInt8(ascii: "r"):
        guard let addr = parseCellReference(value) else {
          fail(.badCellReference, column: nil, "cell reference r=\"\(XMLBytes.string(value))\" is not a valid A1 reference")
          failed = true
          return
        }
        column = addr.column
        if !rowHadReference && row.cells.isEmpty {
          row.index = addr.row
          nextRowIndex = addr.row + 1
          rowHadReference = true
          anchored = true
        }
      case UInt8(ascii: "t"):
        let v = value
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
        cellStyle = parseDecimal(value) ?? 0
      default: break
      }
    }
    if failed { return }
    guard column < CellAddress.maxColumns else {
      fail(.badCellReference, column: nil, "cell column \(column + 1) is beyond Excel's \(CellAddress.maxColumns) columns")
      return
    }
    cellColumn = column
    lastColumn = column
    textStart = row.bytes.count
  }

  private mutating func endCell() {
    inCell = false
    if textStart > row.bytes.count { textStart = row.bytes.count }  // defensive: never trap on odd nesting
    collecting = false
    inInline = false
    let column = cellColumn
    // An inline string with no text is "" — `<is><t xml:space="preserve"></t></is>` (as Excel writes it),
    // `<is><t/></is>`, `<is/>` — as Excel, openpyxl and python-calamine read it. Whitespace only without
    // `xml:space="preserve"` (`<is><t> </t></is>`) is trimmed to no value, as python-calamine reads it; a
    // cell typed inlineStr without `<is>` has no value.
    let emptyInline = cellType == CellTypeCode.inlineString && hadInline && !inlineTrimmedAway
    if emptyInline { hasValue = true }
    // Other empty text is no value — `<v/>`, `<v></v>` — except a formula string result (a formula that
    // evaluated to "", kept as "" with isFormula). An empty *shared* string is a value: the index is not empty.
    if hasValue && row.bytes.count == textStart && !(cellType == CellTypeCode.formulaString && hasFormula) && !emptyInline {
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
      if let cache = stringCache {
        let e = cache.append(index, to: &row.bytes)
        guard e == 0 else {
          let reason = TemporaryFileError(operation: .read, code: e, directory: cache.table.directory)
          fail(.temporaryFile, column: column, "shared string \(index) could not be read: \(reason)")
          return
        }
      } else {
        _ = context.sharedStrings.withString(index) { row.bytes.append(contentsOf: $0) }
      }
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
  private mutating func noteCell(_ column: Int) {
    let r = row.index
    if r < minRow { minRow = r }
    if r > maxRow { maxRow = r }
    if column < minColumn { minColumn = column }
    if column > maxColumn { maxColumn = column }
  }
}

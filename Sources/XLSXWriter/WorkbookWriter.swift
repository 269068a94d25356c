import ByteIO
import Tabular
import XMLStream

/// Writes an `.xlsx` workbook as a stream: sheets one after another, rows in order, each row
/// deflated into the ZIP as soon as it is written.
///
/// ```swift
/// let wb = try WorkbookWriter(path: "out/台账.xlsx")
/// let header = wb.addStyle(.header)
/// try wb.beginSheet(name: "培训学时台账", options: SheetOptions(freezeRows: 1))
/// try wb.writeRow([.text("姓名"), .text("学时")], styles: [header, header])
/// try wb.writeRow([.text("王伟"), .number("32.50")])
/// try wb.autofilter(row: 0, columns: 0...1)
/// try wb.endSheet()
/// try wb.close()   // renames the finished file into place
/// ```
///
/// ### Memory
/// With inline strings (`WorkbookOptions.sharedStrings = false`) memory is constant: one XML
/// buffer, zlib's state and the ZIP's buffer, whatever the number of rows. With shared strings
/// (the default) the de-duplication table also grows with the number of *distinct* strings
/// (their UTF-8 bytes once, plus 12 bytes each). Comments, merged ranges, validations and
/// hyperlinks are kept until their sheet ends.
///
/// ### Failure
/// Bytes go to a temporary file in the destination folder; ``close()`` renames it into place.
/// If anything fails, or the writer is released without ``close()``, the temporary file is
/// removed and a previous file at the destination is untouched. Argument errors (a bad sheet
/// name, an invalid number, rows out of order) are thrown before anything is written for that
/// call and leave the writer usable; an I/O error ends the workbook.
///
/// Not thread-safe: use one writer from one thread at a time.
public final class WorkbookWriter {
  /// The destination path.
  public let path: String
  /// The options the workbook was opened with.
  public let options: WorkbookOptions

  private let package: PackageSink
  private var styles = StyleRegistry()
  private let sharedStrings: SharedStringTable?
  private let dateStyles: (date: StyleID, dateTime: StyleID, time: StyleID, duration: StyleID)
  private var sheets: [WorkbookPart.SheetEntry] = []
  private var sheetKeys: Set<String> = []
  private var current: WorksheetWriter?
  private var contentTypes = ContentTypes()
  private var commentSheets = 0
  private var failed: XLSXWriteError?
  private var closed = false
  private var rowCells: [Int] = []

  /// Opens a workbook that will replace `path` when closed. Nothing appears at `path` until then.
  /// - Throws: ``XLSXWriteError/Code/io`` if the temporary file cannot be created in the folder.
  public convenience init(path: String, options: WorkbookOptions = WorkbookOptions()) throws {
    let zip = try ZIPPackage(path: path, level: options.compressionLevel,
                             modified: options.properties.created ?? DateTimeParts.now())
    self.init(package: zip, path: path, options: options)
  }

  /// Opens a workbook written into `memory` instead of a file (a reply's attachment, an HTTP body):
  /// after ``close()`` the sink holds the whole `.xlsx`. `name` stands for the workbook in errors.
  /// Nothing is written to disk; memory grows with the compressed workbook.
  public convenience init(memory: MemorySink, name: String, options: WorkbookOptions = WorkbookOptions()) {
    let zip = ZIPPackage(memory: memory, name: name, level: options.compressionLevel,
                         modified: options.properties.created ?? DateTimeParts.now())
    self.init(package: zip, path: name, options: options)
  }

  private init(package zip: ZIPPackage, path: String, options: WorkbookOptions) {
    self.path = path
    self.options = options
    package = options.compressOnOwnThread ? ThreadedPackage(zip) : zip
    sharedStrings = options.sharedStrings ? SharedStringTable() : nil
    dateStyles = (styles.id(for: CellStyle(numberFormat: options.dateFormat)),
                  styles.id(for: CellStyle(numberFormat: options.dateTimeFormat)),
                  styles.id(for: CellStyle(numberFormat: "h:mm:ss")),
                  styles.id(for: CellStyle(numberFormat: "[h]:mm:ss")))
  }

  deinit {
    if !closed { package.abort() }
  }

  // MARK: Styles

  /// Registers a style and returns its id; equal styles get the same id. Colours must be `RRGGBB` hex.
  /// Styles can be added at any time before ``close()``.
  public func addStyle(_ style: CellStyle) -> StyleID { styles.id(for: style) }

  /// Like ``addStyle(_:)`` but checks the colours first.
  /// - Throws: ``XLSXWriteError/Code/invalidArgument`` for a colour that is not 6 or 8 hex digits.
  public func addCheckedStyle(_ style: CellStyle) throws -> StyleID {
    for c in [style.fontColor, style.fillColor].compactMap({ $0 }) where !StyleRegistry.isValidColor(c) {
      throw XLSXWriteError(.invalidArgument, "colour \"\(c)\" is not RRGGBB hex", location: .init(file: path))
    }
    return styles.id(for: style)
  }

  // MARK: Sheets

  /// Checks a sheet name against Excel's rules: 1–31 characters, none of `[ ] : * ? / \`, not
  /// starting or ending with `'`, not `History`. Chinese characters are fine.
  /// - Throws: ``XLSXWriteError/Code/invalidSheetName`` saying which rule the name breaks.
  public static func validateSheetName(_ name: String) throws {
    func bad(_ why: String) -> XLSXWriteError {
      XLSXWriteError(.invalidSheetName, "sheet name \"\(name)\" \(why)", location: .init(sheet: name))
    }
    let n = name.utf16.count
    if n == 0 { throw bad("is empty") }
    if n > 31 { throw bad("has \(n) characters; Excel allows at most 31") }
    if let c = name.first(where: { "[]:*?/\\".contains($0) }) { throw bad("contains \"\(c)\", which Excel does not allow") }
    if name.hasPrefix("'") || name.hasSuffix("'") { throw bad("starts or ends with an apostrophe") }
    if name.lowercased() == "history" { throw bad("is reserved by Excel") }
    if name.unicodeScalars.contains(where: { $0.value < 0x20 }) { throw bad("contains a control character") }
  }

  /// The row height (points) that wrapped `text` needs in a cell (or merged range) `width` characters
  /// wide: applications fit rows without a height themselves, but not rows whose wrapped text is in
  /// merged cells, so those need one that is never too small. CJK characters count two; explicit line
  /// breaks start new lines; a tenth of the width is kept for padding.
  public static func wrappedHeight(_ text: String, width: Double, lineHeight: Double = 15) -> Double {
    var lines = 0.0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var w = 0.0
      for ch in line.unicodeScalars { w += ch.value >= 0x2E80 ? 2 : 1 }
      lines += max(1, (w / max(1, width * 0.9)).rounded(.up))
    }
    return max(1, lines) * lineHeight + 4
  }

  /// A reference to a cell or range on a sheet for formulas, links and list sources: `'问题清单'!A1`.
  public static func reference(sheet: String, _ ref: String) -> String {
    var quoted = "'"
    for ch in sheet { quoted.append(ch); if ch == "'" { quoted.append("'") } }
    return quoted + "'!" + ref
  }

  /// Starts a sheet; the previous sheet, if any, must have been ended. The name is checked
  /// (Excel's rules, case-insensitively unique) before anything is written.
  /// - Throws: ``XLSXWriteError/Code/invalidSheetName``, ``XLSXWriteError/Code/duplicateSheetName``,
  ///   ``XLSXWriteError/Code/invalidState`` when a sheet is still open.
  public func beginSheet(name: String, options sheetOptions: SheetOptions = SheetOptions()) throws {
    try checkUsable()
    guard current == nil else {
      throw XLSXWriteError(.invalidState, "sheet \"\(current!.name)\" is still open; call endSheet() first",
                           location: .init(file: path, sheet: name))
    }
    try Self.validateSheetName(name)
    let key = name.lowercased()
    guard !sheetKeys.contains(key) else {
      throw XLSXWriteError(.duplicateSheetName, "a sheet named \"\(name)\" already exists (names are compared ignoring case)",
                           location: .init(file: path, sheet: name))
    }
    for (c, s) in sheetOptions.columnStyles where c < 0 || c >= CellAddress.maxColumns || s.rawValue >= styles.xfs.count {
      throw XLSXWriteError(.invalidArgument, "column style for column \(c) is out of range", location: .init(file: path, sheet: name))
    }
    if let t = sheetOptions.tabColor, !StyleRegistry.isValidColor(t) {
      throw XLSXWriteError(.invalidArgument, "tab colour \"\(t)\" is not RRGGBB hex", location: .init(file: path, sheet: name))
    }
    sheetKeys.insert(key)
    let index = sheets.count + 1
    let selected = !sheetOptions.hidden && !sheets.contains { !$0.hidden }
    var printTitles: String?
    if let rows = sheetOptions.pageSetup?.repeatRows {
      guard rows.lowerBound >= 0, rows.upperBound < CellAddress.maxRows else {
        throw XLSXWriteError(.invalidArgument, "rows to repeat on every page are out of range", location: .init(file: path, sheet: name))
      }
      printTitles = Self.reference(sheet: name, "$\(rows.lowerBound + 1):$\(rows.upperBound + 1)")
    }
    sheets.append(.init(name: name, hidden: sheetOptions.hidden, filterDatabase: nil, printTitles: printTitles))
    let sheet = WorksheetWriter(name: name, index: index, options: sheetOptions, tabSelected: selected,
                                sharedStrings: sharedStrings, dateSystem: options.dateSystem,
                                dateStyles: dateStyles, output: package)
    current = sheet
    try guarded { try package.beginEntry("xl/worksheets/sheet\(index).xml", large: options.zip64) }
  }

  /// Freezes the top `rows` rows and left `columns` columns. Must come before rows are flushed
  /// (while the first ``SheetOptions/autoWidthRows`` rows are held back, or before any row).
  public func freezePanes(rows: Int, columns: Int = 0) throws {
    let s = try headPending("freezePanes")
    guard rows >= 0, columns >= 0, rows < CellAddress.maxRows, columns < CellAddress.maxColumns else {
      throw XLSXWriteError(.invalidArgument, "cannot freeze \(rows) rows and \(columns) columns", location: s.location())
    }
    s.freezeRows = rows
    s.freezeColumns = columns
  }

  /// Sets explicit widths (in characters) by zero-based column; they win over measured widths.
  /// Must come before rows are flushed, like ``freezePanes(rows:columns:)``.
  public func setColumnWidths(_ widths: [Int: Double]) throws {
    let s = try headPending("setColumnWidths")
    for (c, w) in widths {
      guard c >= 0, c < CellAddress.maxColumns, w >= 0, w <= 255 else {
        throw XLSXWriteError(.invalidArgument, "width \(w) for column \(c + 1) is out of range (0–255)", location: s.location(column: c))
      }
      s.columnWidths[c] = w
    }
  }

  /// Writes the rows held back for width measuring and everything before them. Called
  /// automatically; useful to bound latency.
  public func flushHead() throws {
    let s = try open("flushHead")
    try guarded { try s.writeHead() }
  }

  // MARK: Rows

  /// The zero-based index of the last row written on the open sheet (-1 before the first, or with no sheet open).
  public var lastRowWritten: Int { current?.lastRow ?? -1 }

  /// Writes a row of typed cells starting at column A (`.empty` cells are skipped).
  /// - Parameters:
  ///   - styles: per-cell style ids by position (nil or missing: the column's style, else the default;
  ///     dates get the workbook's date format).
  ///   - height: row height in points (e.g. for a wrapped header).
  ///   - rowIndex: zero-based row; nil writes the row after the last one written.
  /// - Throws: ``XLSXWriteError`` with `.invalidNumber`, `.textTooLong`, `.invalidArgument` (bad date or error
  ///   value), `.rowOutOfOrder` or `.outOfRange`, before anything of the row is written.
  public func writeRow(_ cells: [CellInput], styles cellStyles: [StyleID?] = [], height: Double? = nil,
                       at rowIndex: Int? = nil) throws {
    let s = try open("writeRow")
    let r = rowIndex ?? (s.lastRow + 1)
    try precheck(cells, sheet: s, row: r, styles: cellStyles)
    try guarded {
      try s.beginRow(r, height: height, hidden: false)
      for (c, cell) in cells.enumerated() {
        let st = c < cellStyles.count ? cellStyles[c] : nil
        switch cell {
        case .empty: continue
        case .text(var t): try t.withUTF8 { try s.text($0, column: c, style: st) }
        case .number(var t): try t.withUTF8 { try s.number(text: $0, column: c, style: st) }
        case .double(let d): try s.number(d, column: c, style: st)
        case .int(let i): try s.number(Double(i), column: c, style: st)
        case .bool(let b): try s.bool(b, column: c, style: st)
        case .date(let y, let m, let d):
          try s.date(serial: options.dateSystem.serial(year: y, month: m, day: d)!, kind: .dateTime, column: c, style: st)
        case .dateTime(let y, let mo, let d, let h, let mi, let se):
          let serial = options.dateSystem.serial(year: y, month: mo, day: d, hour: h, minute: mi, second: se)!
          try s.date(serial: serial, kind: .dateTime, column: c, style: st)
        case .formula(let f, let cached): try s.formula(f, cached: cached, column: c, style: st)
        case .error(let e): try s.error(e, column: c, style: st)
        }
      }
      try s.endRow()
    }
  }

  /// Writes a row of styled cells without values (`<c r="B4" s="3"/>`), e.g. a template's data area
  /// whose cells are unlocked and formatted before anything is typed into them. A nil style skips the cell.
  public func writeBlankRow(styles cellStyles: [StyleID?], height: Double? = nil, at rowIndex: Int? = nil) throws {
    let s = try open("writeBlankRow")
    let r = rowIndex ?? (s.lastRow + 1)
    try precheck([], sheet: s, row: r, styles: cellStyles)
    guard cellStyles.count <= CellAddress.maxColumns else {
      throw XLSXWriteError(.outOfRange, "row \(r + 1) with \(cellStyles.count) cells is past Excel's limits", location: s.location(row: r))
    }
    try guarded {
      try s.beginRow(r, height: height, hidden: false)
      for (c, st) in cellStyles.enumerated() { if let st { try s.blank(column: c, style: st) } }
      try s.endRow()
    }
  }

  /// Writes a `Tabular.Row` as read from a CSV or XLSX reader, so a reader can be piped into the writer.
  ///
  /// `.number` cells keep their original text when it is a plain decimal number (else their value),
  /// `.date` cells get the date, time or duration format, `.formulaWithoutValue` cells are written as
  /// formulas, `.empty` cells are skipped unless `styles` gives them a style (then a styled blank
  /// cell is written, e.g. to fill an empty required cell). `row.isHidden` is kept.
  /// - Parameters:
  ///   - rowIndex: zero-based row; nil writes the row after the last one written (`row.index` is not used,
  ///     since readers number rows in their source, not in the output).
  ///   - styles: style by zero-based column (nil or missing: the column's style).
  public func write(row: Row, at rowIndex: Int? = nil, styles cellStyles: [StyleID?] = []) throws {
    let s = try open("write(row:)")
    let r = rowIndex ?? (s.lastRow + 1)
    guard r > s.lastRow else {
      throw XLSXWriteError(.rowOutOfOrder, "row \(r + 1) comes after row \(s.lastRow + 1) was written", location: s.location(row: r))
    }
    for c in row.cells {
      if c.column < 0 || Int(c.column) >= CellAddress.maxColumns || r >= CellAddress.maxRows {
        throw XLSXWriteError(.outOfRange, "cell is past Excel's limits", location: s.location(row: r, column: Int(c.column)))
      }
      if c.kind == .error || (c.kind == .string && c.textLength > 32_767) {
        let text = row.withText(row.cells.firstIndex { $0.column == c.column }!) { String(decoding: $0, as: UTF8.self) }
        if c.kind == .error && !excelErrorValues.contains(text) {
          throw XLSXWriteError(.invalidArgument, "\"\(text)\" is not an Excel error value", location: s.location(row: r, column: Int(c.column)))
        }
        if c.kind == .string && text.utf16.count > 32_767 {
          throw XLSXWriteError(.textTooLong, "cell text has \(text.utf16.count) characters; Excel allows 32,767",
                               location: s.location(row: r, column: Int(c.column)))
        }
      }
    }
    try guarded {
      try s.beginRow(r, height: nil, hidden: row.isHidden)
      try row.bytes.withUnsafeBufferPointer { all in
        for c in row.cells {
          let col = Int(c.column)
          let st = col < cellStyles.count ? cellStyles[col] : nil
          let text = UnsafeBufferPointer(rebasing: all[Int(c.textStart)..<Int(c.textStart + c.textLength)])
          switch c.kind {
          case .empty:
            if let st { try s.blank(column: col, style: st) }
          case .string:
            if text.isEmpty {
              if let st { try s.blank(column: col, style: st) }
              continue
            }
            try s.text(text, column: col, style: st)
          case .number:
            if XMLWriter.isPlainNumber(text) { try s.number(text: text, column: col, style: st) }
            else { try s.number(c.number, column: col, style: st) }
          case .boolean: try s.bool(c.number != 0, column: col, style: st)
          case .error: try s.error(String(decoding: text, as: UTF8.self), column: col, style: st)
          case .date: try s.date(serial: c.number, kind: c.dateKind, column: col, style: st)
          case .formulaWithoutValue:
            try s.formula(String(decoding: text, as: UTF8.self), cached: .none, column: col, style: st)
          }
        }
      }
      try s.endRow()
    }
  }

  private func precheck(_ cells: [CellInput], sheet s: WorksheetWriter, row r: Int, styles: [StyleID?]) throws {
    guard r > s.lastRow else {
      throw XLSXWriteError(.rowOutOfOrder, "row \(r + 1) comes after row \(s.lastRow + 1) was written; write rows in order",
                           location: s.location(row: r))
    }
    guard r < CellAddress.maxRows, cells.count <= CellAddress.maxColumns else {
      throw XLSXWriteError(.outOfRange, "row \(r + 1) with \(cells.count) cells is past Excel's limits", location: s.location(row: r))
    }
    for st in styles { if let st, st.rawValue >= self.styles.xfs.count {
      throw XLSXWriteError(.invalidArgument, "style id \(st.rawValue) was not registered with this workbook", location: s.location(row: r))
    } }
    for (c, cell) in cells.enumerated() {
      func bad(_ code: XLSXWriteError.Code, _ msg: String) -> XLSXWriteError {
        XLSXWriteError(code, msg, location: s.location(row: r, column: c))
      }
      switch cell {
      case .text(let t):
        if t.utf8.count > 32_767 && t.utf16.count > 32_767 {
          throw bad(.textTooLong, "cell text has \(t.utf16.count) characters; Excel allows 32,767")
        }
      case .number(var t), .formula(_, cached: .number(var t)):
        if !t.withUTF8({ XMLWriter.isPlainNumber($0) }) {
          throw bad(.invalidNumber, "\"\(t)\" is not a plain decimal number (digits, optional '-', '.' and exponent)")
        }
      case .date(let y, let m, let d):
        if !DateSystem.isValid(year: y, month: m, day: d) || options.dateSystem.serial(year: y, month: m, day: d) == nil || y > 9999 {
          throw bad(.invalidArgument, "\(y)-\(m)-\(d) is not a date Excel can hold")
        }
      case .dateTime(let y, let m, let d, let h, let mi, let se):
        if !DateSystem.isValid(year: y, month: m, day: d) || options.dateSystem.serial(year: y, month: m, day: d) == nil
          || y > 9999 || !(0..<24).contains(h) || !(0..<60).contains(mi) || !(0..<60).contains(se) {
          throw bad(.invalidArgument, "\(y)-\(m)-\(d) \(h):\(mi):\(se) is not a date and time Excel can hold")
        }
      case .error(let e), .formula(_, cached: .error(let e)):
        if !excelErrorValues.contains(e) { throw bad(.invalidArgument, "\"\(e)\" is not an Excel error value such as #N/A") }
      case .double(let d) where !d.isFinite:
        throw bad(.invalidNumber, "\(d) cannot be stored in a cell")
      default: break
      }
    }
  }

  // MARK: Sheet features

  /// Adds a comment (note) to a cell, shown by Excel and WPS on hover. Kept in memory until the sheet ends.
  public func addComment(at cell: CellAddress, text: String, author: String = "sheetgate") throws {
    let s = try open("addComment")
    try checkCell(cell, s)
    s.comments.append(CellComment(address: cell, text: text, author: author))
  }

  /// Merges a range (e.g. a title row across the table). Overlapping merges are refused.
  public func mergeCells(_ range: CellRange) throws {
    let s = try open("mergeCells")
    try checkCell(range.last, s)
    guard range.first != range.last else {
      throw XLSXWriteError(.invalidArgument, "a merged range needs at least two cells", location: s.location(row: range.first.row, column: range.first.column))
    }
    for m in s.merges where m.first.row <= range.last.row && range.first.row <= m.last.row
      && m.first.column <= range.last.column && range.first.column <= m.last.column {
      throw XLSXWriteError(.invalidArgument, "merged range \(range.a1) overlaps \(m.a1)", location: s.location(row: range.first.row, column: range.first.column))
    }
    s.merges.append(range)
  }

  /// Adds a data-validation rule (dropdown list, number, date or text-length bounds).
  /// - Throws: ``XLSXWriteError/Code/listTooLong`` when an inline list passes 255 characters (use
  ///   ``DataValidation/Rule/listRange(_:)`` with ``writeListSheet(name:lists:)``), `.invalidArgument`
  ///   for values with commas or quotes, or titles and messages longer than Excel shows.
  public func addDataValidation(_ v: DataValidation) throws {
    let s = try open("addDataValidation")
    func bad(_ code: XLSXWriteError.Code, _ msg: String) -> XLSXWriteError { XLSXWriteError(code, msg, location: s.location()) }
    guard !v.ranges.isEmpty else { throw bad(.invalidArgument, "a validation needs at least one range") }
    for r in v.ranges { try checkCell(r.last, s) }
    if case .list(let items) = v.rule {
      if items.isEmpty { throw bad(.invalidArgument, "a dropdown list needs at least one value") }
      if let i = items.first(where: { $0.contains(",") || $0.contains("\"") }) {
        throw bad(.invalidArgument, "list value \"\(i)\" contains a comma or quote; use listRange for such values")
      }
      let n = items.reduce(items.count - 1) { $0 + $1.utf16.count }
      if n > 255 { throw bad(.listTooLong, "the list has \(n) characters; Excel allows 255 inline — put the values on a (hidden) sheet and use listRange") }
    }
    if case .decimal(let lo, let hi) = v.rule {
      for b in [lo, hi].compactMap({ $0 }) where !b.utf8.withContiguousStorageIfAvailable({ XMLWriter.isPlainNumber($0) })! {
        throw bad(.invalidNumber, "bound \"\(b)\" is not a plain decimal number")
      }
    }
    for (t, limit) in [(v.promptTitle, 32), (v.errorTitle, 32), (v.prompt, 255), (v.error, 255)] {
      if let t, t.utf16.count > limit { throw bad(.invalidArgument, "\"\(t)\" is longer than Excel's \(limit) characters") }
    }
    s.validations.append(v)
  }

  /// Adds a link to a place in this workbook, e.g. `location: "'问题清单'!A1"` (a leading `#` is dropped).
  public func addHyperlink(at cell: CellAddress, location: String, display: String? = nil, tooltip: String? = nil) throws {
    let s = try open("addHyperlink")
    try checkCell(cell, s)
    let loc = location.hasPrefix("#") ? String(location.dropFirst()) : location
    guard !loc.isEmpty else { throw XLSXWriteError(.invalidArgument, "the link location is empty", location: s.location()) }
    s.hyperlinks.append((cell, loc, display, tooltip))
  }

  /// Adds an autofilter on `range` exactly.
  public func autofilter(_ range: CellRange) throws {
    let s = try open("autofilter")
    try checkCell(range.last, s)
    s.autofilter = (range, false)
  }

  /// Adds an autofilter on a header row over `columns`, extended down to the last row written.
  public func autofilter(row: Int, columns: ClosedRange<Int>) throws {
    let s = try open("autofilter")
    let range = CellRange(first: CellAddress(row: row, column: columns.lowerBound),
                          last: CellAddress(row: row, column: columns.upperBound))
    try checkCell(range.last, s)
    s.autofilter = (range, true)
  }

  /// Protects the sheet: locked cells (the default for every style without `locked: false`) cannot be edited.
  public func protect(_ protection: SheetProtection = SheetProtection()) throws {
    let s = try open("protect")
    s.protection = protection
  }

  /// Ends the current sheet: writes the merged ranges, validations, links and the comments parts.
  public func endSheet() throws {
    let s = try open("endSheet")
    try guarded {
      var rels = Relationships()
      var legacyID: String?
      if !s.comments.isEmpty {
        commentSheets += 1
        let n = commentSheets
        rels.add(type: Relationships.comments, target: "../comments\(n).xml")
        legacyID = rels.add(type: Relationships.vmlDrawing, target: "../drawings/vmlDrawing\(n).vml")
      }
      try s.finish(legacyDrawingRelID: legacyID)
      try package.endEntry()
      contentTypes.add(part: "/xl/worksheets/sheet\(s.index).xml", type: ContentTypes.worksheet)
      if let r = s.autofilterRange {
        let abs = "$" + CellAddress.columnName(r.first.column) + "$" + String(r.first.row + 1) + ":$"
          + CellAddress.columnName(r.last.column) + "$" + String(r.last.row + 1)
        sheets[s.index - 1].filterDatabase = Self.reference(sheet: s.name, abs)
      }
      if let legacyID {
        _ = legacyID
        let n = commentSheets
        try writePart("xl/comments\(n).xml") { CommentsPart.write(s.comments, into: &$0) }
        try writePart("xl/drawings/vmlDrawing\(n).vml") { VMLDrawing.write(s.comments, sheetNumber: n, into: &$0) }
        try writePart("xl/worksheets/_rels/sheet\(s.index).xml.rels") { rels.write(into: &$0) }
        contentTypes.add(part: "/xl/comments\(n).xml", type: ContentTypes.comments)
        contentTypes.hasVML = true
      }
    }
    current = nil
  }

  /// Writes a hidden sheet holding each list in its own column (A, B, …) and returns the absolute
  /// range of each, ready for ``DataValidation/Rule/listRange(_:)``: `'代码表'!$A$1:$A$300`.
  /// No other sheet may be open.
  public func writeListSheet(name: String, lists: [[String]]) throws -> [String] {
    try beginSheet(name: name, options: SheetOptions(hidden: true, autoWidth: false))
    let height = lists.map(\.count).max() ?? 0
    for r in 0..<height {
      try writeRow(lists.map { r < $0.count ? CellInput.text($0[r]) : .empty })
    }
    try endSheet()
    return lists.enumerated().map { (c, l) in
      let col = CellAddress.columnName(c)
      return Self.reference(sheet: name, "$\(col)$1:$\(col)$\(max(1, l.count))")
    }
  }

  // MARK: Closing

  /// Ends the open sheet, writes the shared strings, styles, workbook and properties parts, and renames
  /// the finished file into place. The writer cannot be used afterwards.
  /// - Throws: ``XLSXWriteError/Code/noVisibleSheet`` or `.invalidState` (no sheets): the file is not
  ///   written; `.io` when writing fails: the previous file is untouched.
  public func close() throws {
    try checkUsable()
    if current != nil { try endSheet() }
    guard !sheets.isEmpty else { throw fail(XLSXWriteError(.invalidState, "a workbook needs at least one sheet", location: .init(file: path))) }
    guard sheets.contains(where: { !$0.hidden }) else {
      throw fail(XLSXWriteError(.noVisibleSheet, "every sheet is hidden; Excel needs at least one visible sheet", location: .init(file: path)))
    }
    try guarded {
      var wbRels = Relationships()
      for i in sheets.indices { wbRels.add(type: Relationships.worksheet, target: "worksheets/sheet\(i + 1).xml") }
      wbRels.add(type: Relationships.styles, target: "styles.xml")
      if let sst = sharedStrings {
        try package.beginEntry("xl/sharedStrings.xml", large: options.zip64)
        var w = XMLWriter(capacity: 320 * 1024)
        try sst.write(into: &w, chunk: 256 * 1024) { w in
          try w.withUnsafeBytes { try package.write($0) }
          w.removeAll()
        }
        try package.endEntry()
        sst.release()
        wbRels.add(type: Relationships.sharedStrings, target: "sharedStrings.xml")
        contentTypes.add(part: "/xl/sharedStrings.xml",
                         type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
      }
      let styles = self.styles
      try writePart("xl/styles.xml") { styles.write(into: &$0) }
      let sheets = self.sheets
      let date1904 = options.dateSystem == .excel1904
      try writePart("xl/workbook.xml") { WorkbookPart.write(sheets: sheets, date1904: date1904, into: &$0) }
      try writePart("xl/_rels/workbook.xml.rels") { wbRels.write(into: &$0) }
      let props = options.properties
      try writePart("docProps/core.xml") { DocProps.writeCore(props, into: &$0) }
      try writePart("docProps/app.xml") { DocProps.writeApp(props, sheetNames: sheets.map(\.name), into: &$0) }
      var root = Relationships()
      root.add(type: Relationships.officeDocument, target: "xl/workbook.xml")
      root.add(type: Relationships.coreProperties, target: "docProps/core.xml")
      root.add(type: Relationships.extendedProperties, target: "docProps/app.xml")
      if !props.custom.isEmpty {
        try writePart("docProps/custom.xml") { DocProps.writeCustom(props.custom, into: &$0) }
        root.add(type: Relationships.customProperties, target: "docProps/custom.xml")
        contentTypes.add(part: "/docProps/custom.xml", type: DocProps.customType)
      }
      try writePart("_rels/.rels") { root.write(into: &$0) }
      contentTypes.add(part: "/xl/workbook.xml", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
      contentTypes.add(part: "/xl/styles.xml", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")
      contentTypes.add(part: "/docProps/core.xml", type: DocProps.coreType)
      contentTypes.add(part: "/docProps/app.xml", type: DocProps.appType)
      let ct = contentTypes
      try writePart("[Content_Types].xml") { ct.write(into: &$0) }
      try package.commit()
    }
    closed = true
  }

  /// Throws the workbook away: the temporary file is removed and the destination is untouched.
  public func discard() {
    package.abort()
    closed = true
  }

  // MARK: Helpers

  private func writePart(_ name: String, _ body: (inout XMLWriter) -> Void) throws {
    var w = XMLWriter(capacity: 4096)
    body(&w)
    try package.beginEntry(name, large: false)
    try w.withUnsafeBytes { try package.write($0) }
    try package.endEntry()
  }

  private func checkUsable() throws {
    if let failed { throw failed }
    if closed { throw XLSXWriteError(.invalidState, "the workbook was already closed", location: .init(file: path)) }
  }

  private func open(_ what: String) throws -> WorksheetWriter {
    try checkUsable()
    guard let s = current else {
      throw XLSXWriteError(.invalidState, "\(what) needs an open sheet; call beginSheet(name:) first", location: .init(file: path))
    }
    return s
  }

  private func headPending(_ what: String) throws -> WorksheetWriter {
    let s = try open(what)
    guard !s.headWritten else {
      throw XLSXWriteError(.invalidState, "\(what) must come before the sheet's first rows are flushed", location: s.location())
    }
    return s
  }

  private func checkCell(_ a: CellAddress, _ s: WorksheetWriter) throws {
    guard a.row >= 0, a.column >= 0, a.row < CellAddress.maxRows, a.column < CellAddress.maxColumns else {
      throw XLSXWriteError(.outOfRange, "cell is past Excel's limits", location: s.location(row: a.row, column: a.column))
    }
  }

  /// Runs a step that writes bytes; any error ends the workbook (the temporary file is removed).
  private func guarded(_ body: () throws -> Void) throws {
    do { try body() } catch let e as XLSXWriteError {
      throw fail(e)
    } catch {
      throw fail(XLSXWriteError(.io, "\(error)", location: .init(file: path)))
    }
  }

  private func fail(_ e: XLSXWriteError) -> XLSXWriteError {
    var e = e
    if e.location.file == nil { e.location.file = path }
    failed = e
    package.abort()
    return e
  }
}

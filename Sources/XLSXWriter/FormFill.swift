import ByteIO
import Tabular
import XMLStream
import ZIP

/// Fills an organisation's own `.xlsx` form with rows, the way EasyExcel's template fill does: a
/// template row whose cells say `{.字段}` is written once per row in its own styles, `{period}`,
/// `{agency}`, `{generated}` and other single placeholders are replaced, and the rows below the
/// template row (a `合计` row, the `填表人：` footer) move down with their merged ranges, formulas'
/// references, conditional formats and validations.
///
/// ```swift
/// let form = try FormTemplate(path: "汇总表模板.xlsx")      // finds the placeholders; nothing written yet
/// let fill = try form.begin(output: "汇总表.xlsx", values: ["period": "2023"])
/// try fill.writeRow([.text("乌审旗司法局"), .number("32")])     // one cell per `form.listFields`
/// try fill.finish()                                          // renames the finished file into place
/// ```
///
/// Only the sheet with the template row is rewritten; every other part of the package (styles, shared
/// strings, drawings, other sheets, printer settings) is copied unchanged (inflated and deflated again:
/// the bytes of each part are identical). The new cells are inline strings, so the shared-strings part
/// stays as it was. The sheet part itself is parsed with expat once, in memory (a form is small); the
/// rows are streamed: each is written and deflated as it arrives.
///
/// Not supported, and left as they are: references to the rows below from rows above the template
/// row, and merged cells inside the template row (they are not repeated). A `calcChain.xml` is
/// dropped (with its relationship and content type) so the application rebuilds it.
public final class FormTemplate {
  /// Why a template cannot be used, before anything is written.
  public struct Problem: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
      /// No `{…}` placeholder in any sheet.
      case noPlaceholder = "no-placeholder"
      /// Placeholders for single values but no template row (`{.字段}`) for the list.
      case noTemplateRow = "no-template-row"
      /// A single placeholder that is not `{period}`, `{agency}` or `{generated}`.
      case unknownPlaceholder = "unknown-placeholder"
      /// A placeholder whose value was not given (`{period}` without `--period`).
      case missingValue = "missing-value"
      /// The template row names a field the rows do not have.
      case unknownField = "unknown-field"
      /// The file is not a readable workbook.
      case unreadable
    }
    public var kind: Kind
    /// The placeholder or field concerned, the cell (`汇总表!C5`), or the reader's message.
    public var name: String
    public var cell: String
    public var description: String { "\(kind.rawValue): \(name) \(cell)" }
    public init(kind: Kind, name: String, cell: String) { self.kind = kind; self.name = name; self.cell = cell }
  }

  /// A cell of the template row.
  struct TemplateCell {
    var column: Int
    /// The start tag's attributes other than `r`.
    var attributes: [(String, String)]
    /// `{.字段}`: the index in `listFields`; nil for a cell copied as it is.
    var field: Int?
    /// The element's content (`<f>…</f><v>…</v>`) for copied cells, formulas' row references to the template row moved per row.
    var formula: String?
    var inner: [UInt8]
  }

  /// The template's path.
  public let path: String
  /// The field names of the template row's `{.字段}` cells, in column order, as written.
  public private(set) var listFields: [String] = []
  /// The single placeholders used (`period`, `agency`, `generated`), each once.
  public private(set) var singles: [String] = []
  /// The worksheet part with the template row (`xl/worksheets/sheet1.xml`).
  public let sheetPart: String

  let archive: ZIPArchive
  let part: [UInt8]
  let scan: SheetScan
  let strings: [Int: String]
  let date1904: Bool

  static let knownSingles: Set<String> = ["period", "agency", "generated"]

  /// Reads the template and finds its placeholders.
  /// - Throws: ``Problem`` (`.noPlaceholder`, `.noTemplateRow`, `.unknownPlaceholder`, `.unreadable`).
  public init(path: String) throws {
    self.path = path
    let a: ZIPArchive
    do {
      a = try ZIPArchive(path: path)
    } catch {
      throw Problem(kind: .unreadable, name: "\(error)", cell: "")
    }
    archive = a
    func read(_ name: String) throws -> [UInt8]? {
      guard let e = a.entry(named: name) else { return nil }
      do { return try a.readAll(e) } catch { throw Problem(kind: .unreadable, name: "\(name): \(error)", cell: "") }
    }
    // Shared strings: only those with a placeholder are kept.
    var strings: [Int: String] = [:]
    if let sst = try read("xl/sharedStrings.xml") {
      do { strings = try FormTemplate.placeholderStrings(sst) } catch {
        throw Problem(kind: .unreadable, name: "xl/sharedStrings.xml: \(error)", cell: "")
      }
    }
    self.strings = strings
    let wbXML = try read("xl/workbook.xml") ?? []
    date1904 = FormTemplate.contains(wbXML, "date1904=\"1\"") || FormTemplate.contains(wbXML, "date1904=\"true\"")
    let sheets = a.entries.map(\.name).filter { $0.hasPrefix("xl/worksheets/") && $0.hasSuffix(".xml") && !$0.contains("/_rels/") }
      .sorted { a, b in (a.count, a) < (b.count, b) }
    var chosen: (String, [UInt8], SheetScan)?
    var singlesOnly: (String, [UInt8], SheetScan)?
    for name in sheets {
      guard let bytes = try read(name) else { continue }
      let s = SheetScan(bytes: bytes, strings: strings)
      do { try s.run(entry: name) } catch { throw Problem(kind: .unreadable, name: "\(name): \(error)", cell: "") }
      if s.templateRow != nil { chosen = (name, bytes, s); break }
      if !s.placeholders.isEmpty && singlesOnly == nil { singlesOnly = (name, bytes, s) }
    }
    if chosen == nil, let s = singlesOnly {
      throw Problem(kind: .noTemplateRow, name: s.2.placeholders.first!.text, cell: s.2.placeholders.first!.cell)
    }
    guard let (name, bytes, s) = chosen else { throw Problem(kind: .noPlaceholder, name: "", cell: "") }
    sheetPart = name
    part = bytes
    scan = s
    listFields = s.listFields
    var singles: [String] = []
    for p in s.placeholders {
      for n in FormTemplate.singleNames(in: p.text) where !singles.contains(n) {
        guard FormTemplate.knownSingles.contains(n) else { throw Problem(kind: .unknownPlaceholder, name: "{\(n)}", cell: p.cell) }
        singles.append(n)
      }
    }
    self.singles = singles
  }

  /// The first cell that uses the single placeholder `name` (`period`), e.g. `A2`.
  public func cellOfPlaceholder(_ name: String) -> String {
    scan.placeholders.first { FormTemplate.singleNames(in: $0.text).contains(name) }?.cell ?? ""
  }

  /// The cell of the template row that names list field `i` (`C5`).
  public func cellOfField(_ i: Int) -> String {
    guard let row = scan.templateRow, let c = row.cells.first(where: { $0.field == i }) else { return "" }
    return CellAddress(row: row.number - 1, column: c.column).a1
  }

  /// Starts the output: copies every other part, writes the sheet down to the template row.
  /// - Parameter values: the single placeholders' values by name (`period`, `agency`, `generated`).
  /// - Throws: ``Problem`` `.missingValue` for a used placeholder without a value (nothing is written),
  ///   `XLSXWriteError` `.io` when writing fails.
  public func begin(output: String, values: [String: String]) throws -> FormFill {
    for n in singles where values[n] == nil {
      let cell = scan.placeholders.first { FormTemplate.singleNames(in: $0.text).contains(n) }?.cell ?? ""
      throw Problem(kind: .missingValue, name: "{\(n)}", cell: cell)
    }
    return try FormFill(template: self, output: output, values: values)
  }

  // MARK: Parsing helpers

  /// `{name}` placeholders (not `{.field}`) in a text.
  static func singleNames(in text: String) -> [String] {
    var out: [String] = []
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "{") {
      let after = rest[rest.index(after: open)...]
      guard let close = after.firstIndex(of: "}") else { break }
      let name = String(after[..<close])
      if !name.hasPrefix("."), !name.isEmpty, !name.contains("{") { out.append(name) }
      rest = after[after.index(after: close)...]
    }
    return out
  }

  /// The one `{.field}` a cell's whole text is, or nil.
  static func listField(_ text: String) -> String? {
    var t = Substring(text)
    while let f = t.first, f == " " || f == "\u{3000}" { t.removeFirst() }
    while let l = t.last, l == " " || l == "\u{3000}" { t.removeLast() }
    guard t.hasPrefix("{."), t.hasSuffix("}"), t.count > 3 else { return nil }
    let name = t.dropFirst(2).dropLast()
    return name.contains("{") || name.contains("}") ? nil : String(name)
  }

  static func contains(_ hay: [UInt8], _ needle: StaticString) -> Bool {
    let n = needle.utf8CodeUnitCount
    guard hay.count >= n else { return false }
    return needle.withUTF8Buffer { nb in
      var i = 0
      while i + n <= hay.count {
        if hay[i] == nb[0] {
          var j = 1
          while j < n && hay[i + j] == nb[j] { j += 1 }
          if j == n { return true }
        }
        i += 1
      }
      return false
    }
  }

  /// Index → text of the shared strings that contain `{`.
  static func placeholderStrings(_ xml: [UInt8]) throws -> [Int: String] {
    let reader = XMLEventReader.memory(xml, entry: "xl/sharedStrings.xml")
    var out: [Int: String] = [:]
    var index = -1
    var text = ""
    var inT = false
    var phonetic = 0
    while true {
      let e = try reader.nextEvent()
      if e == .endDocument { break }
      switch e {
      case .startElement:
        if reader.name.isLocal("si") { index += 1; text = "" }
        else if reader.name.isLocal("rPh") { phonetic += 1 }
        else if reader.name.isLocal("t") { inT = true }
      case .endElement:
        if reader.name.isLocal("si") { if text.contains("{") { out[index] = text } }
        else if reader.name.isLocal("rPh") { phonetic -= 1 }
        else if reader.name.isLocal("t") { inT = false }
      case .text:
        if inT && phonetic == 0 { text += reader.textString }
      default: break
      }
    }
    return out
  }
}

extension XMLEventReader {
  /// A reader over bytes held in memory.
  static func memory(_ bytes: [UInt8], entry: String) -> XMLEventReader {
    var offset = 0
    return XMLEventReader(entry: entry) { buf in
      let n = min(buf.count, bytes.count - offset)
      if n > 0 {
        bytes.withUnsafeBytes { src in buf.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n) }
        offset += n
      }
      return n
    }
  }
}

// MARK: The sheet scan

/// One pass of expat over the form's worksheet part: where each row starts and ends, the template
/// row, and the byte ranges that change when rows move (row and cell tags, formulas, ranges).
final class SheetScan: XMLHandler {
  enum EditKind {
    /// A start tag re-written with its row numbers moved: `r` (rows, cells), `ref`/`sqref` ranges.
    case tag(name: String, attributes: [(String, String)], selfClosing: Bool, rowAttribute: String?, rangeAttribute: String?, expand: Bool)
    /// A formula's text.
    case formula(String)
    /// A cell whose shared or inline string holds single placeholders: written as an inline string.
    case placeholderCell(attributes: [(String, String)], text: String)
    /// A formula cell's cached value (`<v>…</v>`): dropped when the formula's references move, so
    /// no reader shows a stale total (applications calculate a formula without a value on load).
    case cachedValue(formula: String)
  }
  struct Edit { var range: Range<Int>; var kind: EditKind }
  struct Placeholder { var text: String; var cell: String }
  struct TemplateRow {
    var number: Int
    var range: Range<Int>
    var attributes: [(String, String)]
    var cells: [FormTemplate.TemplateCell]
  }

  let bytes: [UInt8]
  let strings: [Int: String]
  var parser: XMLStreamParser!
  var edits: [Edit] = []
  var placeholders: [Placeholder] = []
  var listFields: [String] = []
  var templateRow: TemplateRow?

  // State while parsing.
  private var rowStart = 0
  private var rowNumber = 0
  private var rowAttributes: [(String, String)] = []
  private var rowSelfClosing = false
  private var rowCells: [FormTemplate.TemplateCell] = []
  private var rowHasField = false
  private var rowEdits: [Edit] = []
  private var inRow = false
  private var cellStart = 0
  private var cellTagEnd = 0
  private var cellAttributes: [(String, String)] = []
  private var cellSelfClosing = false
  private var cellType = ""
  private var inCell = false
  private var inV = false
  private var vStart = 0
  private var vRange: Range<Int>?
  private var vText = ""
  private var inF = false
  private var fStart = 0
  private var fText = ""
  private var inIS = false
  private var isText = ""
  private var cellFormula: String?
  private var lastColumn = -1

  init(bytes: [UInt8], strings: [Int: String]) {
    self.bytes = bytes
    self.strings = strings
  }

  func run(entry: String) throws {
    let p = XMLStreamParser(entry: entry, bytes: bytes)
    parser = p
    p.setHandler(self)
    while try p.parse() {}
    parser = nil
  }

  private func attrs(_ a: XMLAttributes) -> [(String, String)] {
    a.map { (String(decoding: $0.name.qualified, as: UTF8.self), String(decoding: $0.value, as: UTF8.self)) }
  }

  private var tagRange: Range<Int> { parser.byteOffset..<(parser.byteOffset + parser.eventByteCount) }

  private func isSelfClosing(_ r: Range<Int>) -> Bool {
    r.count >= 2 && bytes[r.upperBound - 2] == UInt8(ascii: "/") && bytes[r.upperBound - 1] == UInt8(ascii: ">")
  }

  func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    let r = tagRange
    if name.isLocal("row") {
      inRow = true
      rowStart = r.lowerBound
      rowAttributes = attrs(attributes)
      rowNumber = Int(rowAttributes.first { $0.0 == "r" }?.1 ?? "") ?? (rowNumber + 1)
      rowSelfClosing = isSelfClosing(r)
      rowCells = []
      rowHasField = false
      rowEdits = [Edit(range: r, kind: .tag(name: "row", attributes: rowAttributes, selfClosing: rowSelfClosing,
                                            rowAttribute: "r", rangeAttribute: nil, expand: false))]
      lastColumn = -1
      if rowSelfClosing { endRow(end: r.upperBound) }
    } else if name.isLocal("c") {
      inCell = true
      cellStart = r.lowerBound
      cellTagEnd = r.upperBound
      cellAttributes = attrs(attributes)
      cellSelfClosing = isSelfClosing(r)
      cellType = cellAttributes.first { $0.0 == "t" }?.1 ?? "n"
      vText = ""; isText = ""; cellFormula = nil; vRange = nil
      if cellSelfClosing { endCell(end: r.upperBound) }
    } else if inCell && name.isLocal("v") {
      inV = true
      vStart = r.lowerBound
    } else if inCell && name.isLocal("is") {
      inIS = true
    } else if inCell && name.isLocal("f") {
      inF = true
      fStart = r.upperBound
      fText = ""
      let a = attrs(attributes)
      if a.contains(where: { $0.0 == "ref" }) {
        add(Edit(range: r, kind: .tag(name: "f", attributes: a, selfClosing: isSelfClosing(r), rowAttribute: nil, rangeAttribute: "ref", expand: true)))
      }
      if isSelfClosing(r) { inF = false }
    } else if name.isLocal("mergeCell") {
      add(Edit(range: r, kind: .tag(name: "mergeCell", attributes: attrs(attributes), selfClosing: isSelfClosing(r),
                                    rowAttribute: nil, rangeAttribute: "ref", expand: false)))
    } else if name.isLocal("dimension") || name.isLocal("hyperlink") {
      add(Edit(range: r, kind: .tag(name: String(decoding: name.qualified, as: UTF8.self), attributes: attrs(attributes),
                                    selfClosing: isSelfClosing(r), rowAttribute: nil, rangeAttribute: "ref", expand: true)))
    } else if name.isLocal("conditionalFormatting") || name.isLocal("dataValidation") {
      add(Edit(range: r, kind: .tag(name: String(decoding: name.qualified, as: UTF8.self), attributes: attrs(attributes),
                                    selfClosing: isSelfClosing(r), rowAttribute: nil, rangeAttribute: "sqref", expand: true)))
    }
  }

  func endElement(_ name: XMLName) {
    if name.isLocal("row") {
      if inRow && !rowSelfClosing { endRow(end: parser.byteOffset + parser.eventByteCount) }
    } else if name.isLocal("c") {
      if inCell && !cellSelfClosing { endCell(end: parser.byteOffset + parser.eventByteCount) }
    } else if name.isLocal("v") {
      inV = false
      vRange = vStart..<(parser.byteOffset + parser.eventByteCount)
    } else if name.isLocal("is") {
      inIS = false
    } else if name.isLocal("f") {
      if inF {
        inF = false
        cellFormula = fText
        add(Edit(range: fStart..<parser.byteOffset, kind: .formula(fText)))
      }
    }
  }

  func characters(_ text: UnsafeBufferPointer<UInt8>) {
    if inF { fText += String(decoding: text, as: UTF8.self) }
    else if inV { vText += String(decoding: text, as: UTF8.self) }
    else if inIS { isText += String(decoding: text, as: UTF8.self) }
  }

  private func add(_ e: Edit) {
    if inRow { rowEdits.append(e) } else { edits.append(e) }
  }

  private func endCell(end: Int) {
    inCell = false
    let ref = cellAttributes.first { $0.0 == "r" }?.1
    let column = ref.flatMap { CellAddress($0)?.column } ?? (lastColumn + 1)
    lastColumn = column
    var text: String?
    if cellType == "s", let i = Int(vText), let s = strings[i] { text = s }
    if cellType == "inlineStr", isText.contains("{") { text = isText }
    if cellType == "str", vText.contains("{"), cellFormula == nil { text = vText }
    let cell = CellAddress(row: rowNumber - 1, column: column).a1
    let others = cellAttributes.filter { $0.0 != "r" && $0.0 != "t" }
    if let t = text, let field = FormTemplate.listField(t) {
      rowHasField = true
      listFields.append(field)
      rowCells.append(.init(column: column, attributes: others, field: listFields.count - 1, formula: nil, inner: []))
      return
    }
    if let t = text, !FormTemplate.singleNames(in: t).isEmpty {
      placeholders.append(Placeholder(text: t, cell: cell))
      // Drop the cell's own edits (its formula) and replace the whole element.
      rowEdits.removeAll { $0.range.lowerBound >= cellStart }
      rowEdits.append(Edit(range: cellStart..<end, kind: .placeholderCell(attributes: cellAttributes.filter { $0.0 != "t" }, text: t)))
      rowCells.append(.init(column: column, attributes: others, field: nil, formula: nil, inner: []))
      return
    }
    if let f = cellFormula, let v = vRange {
      rowEdits.append(Edit(range: v, kind: .cachedValue(formula: f)))
    }
    if cellAttributes.contains(where: { $0.0 == "r" }) {
      rowEdits.append(Edit(range: cellStart..<cellTagEnd, kind: .tag(name: "c", attributes: cellAttributes, selfClosing: cellSelfClosing,
                                                                     rowAttribute: "r", rangeAttribute: nil, expand: false)))
    }
    let inner = cellSelfClosing ? [] : Array(bytes[cellTagEnd..<max(cellTagEnd, end - 4)])
    rowCells.append(.init(column: column, attributes: cellAttributes.filter { $0.0 != "r" }, field: nil, formula: cellFormula, inner: inner))
  }

  private func endRow(end: Int) {
    inRow = false
    if rowHasField && templateRow == nil {
      templateRow = TemplateRow(number: rowNumber, range: rowStart..<end, attributes: rowAttributes.filter { $0.0 != "r" && $0.0 != "spans" },
                                cells: rowCells)
    } else {
      if rowHasField { listFields.removeLast(rowCells.filter { $0.field != nil }.count) }
      edits.append(contentsOf: rowEdits)
    }
    rowEdits = []
  }
}

// MARK: Writing

/// The output of a ``FormTemplate``: rows streamed into the template row's place.
public final class FormFill {
  let template: FormTemplate
  let values: [String: String]
  let file: AtomicFileWriter
  let zip: ZIPWriter
  private var w = XMLWriter(capacity: 256 * 1024)
  private var written = 0
  private var finished = false
  /// The next row number (1-based) to write.
  private var nextRow: Int
  private let dateSystem: DateSystem

  /// The rows written so far.
  public var rowCount: Int { written }

  init(template: FormTemplate, output: String, values: [String: String]) throws {
    self.template = template
    self.values = values
    dateSystem = template.date1904 ? .excel1904 : .excel1900
    guard let t = template.scan.templateRow else { throw FormTemplate.Problem(kind: .noTemplateRow, name: "", cell: "") }
    nextRow = t.number
    do { file = try AtomicFileWriter(path: output) } catch {
      throw XLSXWriteError(.io, error.description, location: .init(file: output))
    }
    zip = ZIPWriter(sink: file)
    do {
      try copyParts()
      try zip.beginEntry(name: template.sheetPart, method: .deflate(level: 6))
      try writeSegment(0..<t.range.lowerBound, shift: 0, templateRow: t.number)
    } catch {
      file.abort()
      throw error
    }
  }

  deinit { if !finished { file.abort() } }

  /// Every entry but the rewritten sheet, its bytes unchanged; a calculation chain is dropped.
  private func copyParts() throws {
    let a = template.archive
    let hasCalcChain = a.entry(named: "xl/calcChain.xml") != nil
    for e in a.entries where e.name != template.sheetPart && !e.isDirectory {
      if hasCalcChain && e.name == "xl/calcChain.xml" { continue }
      var data = try a.readAll(e)
      if hasCalcChain && (e.name == "[Content_Types].xml" || e.name == "xl/_rels/workbook.xml.rels") {
        data = Self.removingElements(mentioning: "calcChain", in: data)
      }
      try zip.beginEntry(name: e.name, method: e.method == 0 ? .stored : .deflate(level: 6))
      try zip.write(data)
      try zip.endEntry()
    }
  }

  /// `xml` without the empty elements (`<Override …/>`, `<Relationship …/>`) whose tag mentions `word`.
  static func removingElements(mentioning word: String, in xml: [UInt8]) -> [UInt8] {
    let w = Array(word.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(xml.count)
    var i = 0
    while i < xml.count {
      if xml[i] == UInt8(ascii: "<"), let close = xml[i...].firstIndex(of: UInt8(ascii: ">")),
         close > i + 1, xml[close - 1] == UInt8(ascii: "/") {
        let tag = xml[i...close]
        var found = false
        if tag.count >= w.count {
          var k = tag.startIndex
          while k + w.count <= tag.endIndex { if Array(tag[k..<(k + w.count)]) == w { found = true; break }; k += 1 }
        }
        if found { i = close + 1; continue }
      }
      out.append(xml[i]); i += 1
    }
    return out
  }

  /// Writes one row in the template row's styles: `cells[i]` fills `listFields[i]`.
  public func writeRow(_ cells: [CellInput]) throws {
    guard let t = template.scan.templateRow else { return }
    let r = nextRow
    guard r <= CellAddress.maxRows else {
      throw XLSXWriteError(.outOfRange, "row \(r) is past Excel's last row 1,048,576", location: .init(file: file.destination))
    }
    w.raw("<row r=\""); w.integer(r); w.raw("\"")
    for (n, v) in t.attributes { w.raw(" "); w.raw(n); w.raw("=\""); w.attributeText(v); w.raw("\"") }
    w.raw(">")
    for c in t.cells {
      let ref = CellAddress.columnName(c.column) + String(r)
      let style = c.attributes.first { $0.0 == "s" }?.1
      if let f = c.field {
        let value = f < cells.count ? cells[f] : .empty
        w.raw("<c r=\""); w.raw(ref); w.raw("\"")
        if let style { w.raw(" s=\""); w.raw(style); w.raw("\"") }
        switch value {
        case .text(let s) where !s.isEmpty:
          w.raw(" t=\"inlineStr\"><is><t xml:space=\"preserve\">"); w.ooxmlText(s); w.raw("</t></is></c>")
        case .number(let s):
          var s = s
          if s.withUTF8({ XMLWriter.isPlainNumber($0) }) { w.raw("><v>"); w.raw(s); w.raw("</v></c>") }
          else { w.raw(" t=\"inlineStr\"><is><t>"); w.ooxmlText(s); w.raw("</t></is></c>") }
        case .int(let i): w.raw("><v>"); w.integer(i); w.raw("</v></c>")
        case .double(let d): w.raw("><v>"); w.double(d); w.raw("</v></c>")
        case .date(let y, let m, let d):
          if let serial = dateSystem.serial(year: y, month: m, day: d) { w.raw("><v>"); w.double(serial); w.raw("</v></c>") }
          else { w.raw("/>") }
        case .bool(let b): w.raw(b ? " t=\"b\"><v>1</v></c>" : " t=\"b\"><v>0</v></c>")
        default: w.raw("/>")
        }
      } else {
        // A copied cell: its formula's references to the template row follow the row.
        w.raw("<c r=\""); w.raw(ref); w.raw("\"")
        for (n, v) in c.attributes { w.raw(" "); w.raw(n); w.raw("=\""); w.attributeText(v); w.raw("\"") }
        if c.inner.isEmpty { w.raw("/>"); continue }
        w.raw(">")
        if let f = c.formula {
          let moved = FormulaRefs.moveRow(f, from: t.number, to: r)
          w.raw("<f>"); w.text(moved); w.raw("</f>")
          // The cached value is left out: the application recalculates.
        } else {
          c.inner.withUnsafeBufferPointer { w.raw(bytes: $0) }
        }
        w.raw("</c>")
      }
    }
    w.raw("</row>")
    nextRow += 1
    written += 1
    if w.count >= 256 * 1024 { try drain() }
  }

  /// Writes the rows below the template row, moved down, and renames the finished file into place.
  public func finish() throws {
    guard let t = template.scan.templateRow else { return }
    do {
      if written == 0 { try writeRow([]) }
      let shift = written - 1
      try writeSegment(t.range.upperBound..<template.part.count, shift: shift, templateRow: t.number)
      try drain()
      try zip.endEntry()
      try zip.finish()
      try file.commit()
      finished = true
    } catch {
      file.abort()
      finished = true
      throw error
    }
  }

  /// Throws the output away; the destination is untouched.
  public func discard() {
    file.abort()
    finished = true
  }

  private func drain() throws {
    if w.count > 0 {
      try w.withUnsafeBytes { try zip.write($0) }
      w.removeAll()
    }
  }

  /// Copies `range` of the sheet part with its edits applied; rows after the template row move down by `shift`.
  private func writeSegment(_ range: Range<Int>, shift: Int, templateRow tr: Int) throws {
    let bytes = template.part
    var pos = range.lowerBound
    let edits = template.scan.edits.filter { $0.range.lowerBound >= range.lowerBound && $0.range.upperBound <= range.upperBound }
      .sorted { $0.range.lowerBound < $1.range.lowerBound }
    for e in edits where e.range.lowerBound >= pos {
      bytes.withUnsafeBufferPointer { w.raw(bytes: UnsafeBufferPointer(rebasing: $0[pos..<e.range.lowerBound])) }
      pos = e.range.upperBound
      switch e.kind {
      case .formula(let f):
        w.text(FormulaRefs.shift(f, after: tr, by: shift, expand: true))
      case .tag(let name, let attributes, let selfClosing, let rowAttr, let rangeAttr, let expand):
        // `<dimension>` precedes the rows, before their number is known: it is optional, so it goes.
        if name == "dimension" || name.hasSuffix(":dimension") { continue }
        w.raw("<"); w.raw(name)
        for (n, v) in attributes {
          var value = v
          if n == rowAttr {
            if let row = Int(v) { value = String(row > tr ? row + shift : row) }
            else if let a = CellAddress(v) { value = CellAddress(row: a.row + 1 > tr ? a.row + shift : a.row, column: a.column).a1 }
          } else if n == rangeAttr {
            value = v.split(separator: " ").map { FormulaRefs.shiftRange(String($0), after: tr, by: shift, expand: expand) }.joined(separator: " ")
          }
          w.raw(" "); w.raw(n); w.raw("=\""); w.attributeText(value); w.raw("\"")
        }
        w.raw(selfClosing ? "/>" : ">")
      case .cachedValue(let f):
        if FormulaRefs.shift(f, after: tr, by: shift, expand: true) == f {
          bytes.withUnsafeBufferPointer { w.raw(bytes: UnsafeBufferPointer(rebasing: $0[e.range])) }
        }
      case .placeholderCell(let attributes, let text):
        var filled = text
        for (k, v) in values { filled = FormFill.replacing("{\(k)}", with: v, in: filled) }
        w.raw("<c")
        for (n, v) in attributes {
          var value = v
          if n == "r", let a = CellAddress(v), a.row + 1 > tr { value = CellAddress(row: a.row + shift, column: a.column).a1 }
          w.raw(" "); w.raw(n); w.raw("=\""); w.attributeText(value); w.raw("\"")
        }
        w.raw(" t=\"inlineStr\"><is><t xml:space=\"preserve\">"); w.ooxmlText(filled); w.raw("</t></is></c>")
      }
      if w.count >= 256 * 1024 { try drain() }
    }
    if pos < range.upperBound {
      bytes.withUnsafeBufferPointer { w.raw(bytes: UnsafeBufferPointer(rebasing: $0[pos..<range.upperBound])) }
    }
    try drain()
  }

  static func replacing(_ what: String, with: String, in s: String) -> String {
    guard !what.isEmpty else { return s }
    var out = ""
    var rest = Substring(s)
    while let r = rest.range(of: what) {
      out += rest[..<r.lowerBound]
      out += with
      rest = rest[r.upperBound...]
    }
    return out + rest
  }
}

extension Substring {
  fileprivate func range(of needle: String) -> Range<Substring.Index>? {
    guard !needle.isEmpty else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
      i = index(after: i)
    }
    return nil
  }
}

// MARK: References

/// Moves row numbers in A1 references of formulas and ranges (same-sheet references; references to
/// other sheets, names and strings are left alone).
enum FormulaRefs {
  /// A reference token: `$A$5`, `B12`; returns (column part, row, absolute-row flag, end index).
  private static func scanRef(_ s: [Character], _ i: Int) -> (col: String, row: Int, rowDollar: Bool, end: Int)? {
    var j = i
    var col = ""
    if j < s.count, s[j] == "$" { col.append("$"); j += 1 }
    let colStart = j
    while j < s.count, s[j].isASCII, s[j].isUppercase || s[j].isLowercase { col.append(s[j]); j += 1 }
    guard j - colStart >= 1, j - colStart <= 3 else { return nil }
    var dollar = false
    if j < s.count, s[j] == "$" { dollar = true; j += 1 }
    let rowStart = j
    while j < s.count, s[j].isASCII, s[j].isNumber { j += 1 }
    guard j > rowStart, let row = Int(String(s[rowStart..<j])) else { return nil }
    // Not a function name or a longer identifier (LOG10(…), Sheet1!…).
    if j < s.count, s[j].isLetter || s[j] == "(" || s[j] == "_" || s[j] == "!" { return nil }
    return (col, row, dollar, j)
  }

  /// Applies `map(row, isRangeStart, isRangeEnd, rangeStart, rangeEnd)` to each same-sheet reference.
  private static func rewrite(_ f: String, _ map: (_ row: Int, _ part: Int, _ other: Int?) -> Int) -> String {
    let s = Array(f)
    var out = ""
    var i = 0
    while i < s.count {
      let ch = s[i]
      if ch == "\"" {
        var j = i + 1
        while j < s.count { if s[j] == "\"" { if j + 1 < s.count && s[j + 1] == "\"" { j += 2; continue }; break }; j += 1 }
        out += String(s[i...min(j, s.count - 1)]); i = j + 1; continue
      }
      if ch == "'" {
        var j = i + 1
        while j < s.count && s[j] != "'" { j += 1 }
        // A quoted sheet name: copy it and the reference after it unchanged.
        var k = j + 1
        if k < s.count, s[k] == "!" {
          k += 1
          while k < s.count, s[k] == "$" || s[k].isLetter || s[k].isNumber || s[k] == ":" { k += 1 }
        }
        out += String(s[i..<min(k, s.count)]); i = k; continue
      }
      let prev: Character? = i > 0 ? s[i - 1] : nil
      let boundary = prev == nil || !(prev!.isLetter || prev!.isNumber || prev! == "_" || prev! == "." || prev! == "$" || prev! == "!")
      if boundary, (ch == "$" || ch.isLetter), let a = scanRef(s, i) {
        // An identifier followed by `!` is a sheet name: skip the whole qualified reference.
        if a.end < s.count, s[a.end] == ":", let b = scanRef(s, a.end + 1) {
          let r1 = map(a.row, 1, b.row), r2 = map(b.row, 2, a.row)
          out += a.col + (a.rowDollar ? "$" : "") + String(r1) + ":" + b.col + (b.rowDollar ? "$" : "") + String(r2)
          i = b.end; continue
        }
        out += a.col + (a.rowDollar ? "$" : "") + String(map(a.row, 0, nil))
        i = a.end; continue
      }
      if ch.isLetter || ch.isNumber || ch == "_" {
        // Copy a whole identifier or number (so `SHEET1!A1` or `LOG10` is not split into a reference).
        var j = i
        while j < s.count, s[j].isLetter || s[j].isNumber || s[j] == "_" || s[j] == "." { j += 1 }
        if j < s.count, s[j] == "!" {
          j += 1
          while j < s.count, s[j] == "$" || s[j].isLetter || s[j].isNumber || s[j] == ":" { j += 1 }
        }
        out += String(s[i..<j]); i = j; continue
      }
      out.append(ch); i += 1
    }
    return out
  }

  /// Rows after `tr` move down by `k`; with `expand`, a range that starts at or above the template row
  /// and ends at or below it grows by `k` (a `SUM(E5:E5)` over the template row covers every row written).
  static func shift(_ f: String, after tr: Int, by k: Int, expand: Bool) -> String {
    guard k != 0 else { return f }
    return rewrite(f) { row, part, other in
      switch part {
      case 2: return (row > tr || (expand && row == tr && (other ?? row) <= tr)) ? row + k : row
      default: return row > tr ? row + k : row
      }
    }
  }

  /// One range or cell (`A5:H5`, `C7`) moved like ``shift(_:after:by:expand:)``.
  static func shiftRange(_ r: String, after tr: Int, by k: Int, expand: Bool) -> String {
    shift(r, after: tr, by: k, expand: expand)
  }

  /// References to row `from` become row `to` (a template row's own formulas, copied to each row).
  static func moveRow(_ f: String, from: Int, to: Int) -> String {
    guard from != to else { return f }
    return rewrite(f) { row, _, _ in row == from ? to : row }
  }
}

import XMLStream

/// Watches a worksheet part's head — everything before the rows — while the sequential parser
/// reads it, to decide whether the rows after it can be cut into pieces (`ParallelRowReader`).
///
/// Keeps the bytes handed to the parser (up to `maxBytes`) and the names of the open elements,
/// forwarding every event to the reader. Used only until the `<sheetData>` start tag.
final class HeadRecorder: XMLHandler {
  static let maxBytes = 4 << 20

  private(set) var bytes: [UInt8] = []
  private var keeping: Bool
  private var open: [[UInt8]] = []
  private var overflowed = false
  unowned(unsafe) var reader: XMLHandler?

  init(keeping: Bool) { self.keeping = keeping }

  func record(_ chunk: UnsafeRawBufferPointer) {
    guard keeping else { return }
    if bytes.count + chunk.count > HeadRecorder.maxBytes {
      overflowed = true
      bytes = []
      keeping = false
    } else {
      bytes.append(contentsOf: chunk)
    }
  }

  /// Stops keeping bytes (the head is over).
  func stop() { keeping = false }

  func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    open.append(Array(name.qualified))
    reader?.startElement(name, attributes)
  }

  func endElement(_ name: XMLName) {
    if !open.isEmpty { open.removeLast() }
    reader?.endElement(name)
  }

  func characters(_ text: UnsafeBufferPointer<UInt8>) { reader?.characters(text) }

  struct Plan {
    /// The bytes already read after the `<sheetData>` start tag.
    var rest: [UInt8]
    /// Their position in the part.
    var start: (line: Int, column: Int, offset: Int)
    /// The prefix of `sheetData` with its colon, or empty.
    var prefix: [UInt8]
    /// Start tags of the open elements, e.g. `<worksheet><sheetData>`.
    var wrapper: [UInt8]
  }

  /// The plan for cutting the rows, or nil when the head rules it out: it was not kept whole,
  /// `<sheetData/>` is empty, or the head is not plain UTF-8 without DTD, comments or CDATA.
  /// - Parameter headEnd: the offset just after the `<sheetData>` start tag.
  func plan(headEnd: Int) -> Plan? {
    guard !overflowed, headEnd >= 2, headEnd <= bytes.count, bytes[headEnd - 2] != UInt8(ascii: "/"),
          let sheetData = open.last, XMLName.localName(of: sheetData) == Array("sheetData".utf8) else { return nil }
    let ok = bytes.withUnsafeBytes { RowSplitter.headAllowsSplitting(UnsafeRawBufferPointer(rebasing: $0[0..<headEnd])) }
    guard ok else { return nil }
    var line = 1, column = 1
    bytes.withUnsafeBytes { RowSplitter.advance(line: &line, column: &column, over: $0.baseAddress!, count: headEnd) }
    var wrapper: [UInt8] = []
    for name in open { wrapper += [UInt8(ascii: "<")] + name + [UInt8(ascii: ">")] }
    let prefix = Array(sheetData.prefix(sheetData.count - "sheetData".utf8.count))
    return Plan(rest: Array(bytes[headEnd...]), start: (line, column, headEnd), prefix: prefix, wrapper: wrapper)
  }
}

extension XMLName {
  /// The local part of a qualified name given as bytes.
  static func localName(of qualified: [UInt8]) -> [UInt8] {
    guard let colon = qualified.lastIndex(of: UInt8(ascii: ":")) else { return qualified }
    return Array(qualified[(colon + 1)...])
  }
}

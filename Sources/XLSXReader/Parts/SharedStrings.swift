import XMLStream

/// The shared-strings table (`xl/sharedStrings.xml`, ECMA-376 Part 1 §18.4.9), stored as one
/// contiguous UTF-8 buffer plus an end-offset per string — no `[String]`.
///
/// Reading rules: rich-text runs (`<r><t>`) are concatenated, phonetic runs (`<rPh>`) and their
/// properties are excluded, `_xHHHH_` escapes are decoded (`_x005F_` escapes the underscore),
/// and each `<t>` keeps its surrounding white space only with `xml:space="preserve"`.
///
/// ### Memory
/// The UTF-8 text of every string plus 4 bytes per string. The buffer is reserved up front from
/// the part's uncompressed size so it never grows by copying (untouched reserved pages cost no RSS).
public struct SharedStrings: Sendable {
  /// All strings' UTF-8 bytes, back to back.
  @usableFromInline var bytes: [UInt8] = []
  /// `ends[i]` is the end offset of string `i` in `bytes`; string `i` starts at `ends[i-1]` (or 0).
  @usableFromInline var ends: [UInt32] = []

  public init() {}

  /// The number of strings.
  public var count: Int { ends.count }

  /// Calls `body` with the UTF-8 bytes of string `index`, or returns nil when out of range.
  @inlinable
  public func withString<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
    guard index >= 0, index < ends.count else { return nil }
    let start = index == 0 ? 0 : Int(ends[index - 1])
    let end = Int(ends[index])
    return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
  }

  /// String `index` (allocates), or nil when out of range.
  public subscript(index: Int) -> String? {
    withString(index) { String(decoding: $0, as: UTF8.self) }
  }

  /// Reads the table from a parser. `sizeHint` is the part's uncompressed size (for reserving).
  static func read(_ parser: XMLStreamParser, sizeHint: Int) throws -> SharedStrings {
    let h = SharedStringsHandler(parser: parser, sizeHint: sizeHint)
    parser.setHandler(h)
    while try parser.parse() {}
    return h.table
  }
}

/// Push handler building `SharedStrings`. Depths: inside `<si>`, inside `<rPh>`, inside `<t>`.
final class SharedStringsHandler: XMLHandler {
  var table = SharedStrings()
  unowned let parser: XMLStreamParser
  private var inItem = false
  private var phoneticDepth = 0
  private var inText = false
  private var itemStart = 0
  private var runStart = 0
  private var runPreserves = false

  init(parser: XMLStreamParser, sizeHint: Int) {
    self.parser = parser
    // Text is at most the XML size; the reservation is virtual memory until written.
    table.bytes.reserveCapacity(min(max(sizeHint, 1024), 1 << 31))
  }

  func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    let local = name.localName
    if local.count == 1, local[0] == UInt8(ascii: "t") {
      inText = inItem && phoneticDepth == 0
      runStart = table.bytes.count
      runPreserves = attributes.value(qualified: "xml:space").map { XMLBytes.equal($0, "preserve") } ?? false
    } else if XMLBytes.equal(local, "si") {
      inItem = true
      itemStart = table.bytes.count
    } else if XMLBytes.equal(local, "rPh") {
      phoneticDepth += 1
    } else if XMLBytes.equal(local, "sst") {
      if let v = attributes.value("uniqueCount"), let n = parseDecimal(v) {
        table.ends.reserveCapacity(min(n, 1 << 26))
      }
    }
  }

  func endElement(_ name: XMLName) {
    let local = name.localName
    if local.count == 1, local[0] == UInt8(ascii: "t") {
      if inText && !runPreserves { trimXMLSpace(&table.bytes, from: runStart) }
      inText = false
    } else if XMLBytes.equal(local, "si") {
      inItem = false
      decodeEscapes(&table.bytes, from: itemStart)
      guard table.bytes.count <= Int(UInt32.max) else {
        parser.fail(parser.error(.handler, "the shared-strings table is larger than 4 GiB"))
        return
      }
      table.ends.append(UInt32(table.bytes.count))
    } else if XMLBytes.equal(local, "rPh") {
      phoneticDepth -= 1
    }
  }

  func characters(_ text: UnsafeBufferPointer<UInt8>) {
    if inText { table.bytes.append(contentsOf: text) }
  }
}

/// Removes leading and trailing XML white space (space, tab, CR, LF) from `bytes[start...]`.
///
/// A `<t>` element without `xml:space="preserve"` (XML 1.0 §2.10) has its surrounding white space
/// dropped, as Excel, openpyxl and calamine do; interior white space is kept.
@inlinable
func trimXMLSpace(_ bytes: inout [UInt8], from start: Int) {
  @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
  var end = bytes.count
  while end > start && isSpace(bytes[end - 1]) { end -= 1 }
  if end < bytes.count { bytes.removeSubrange(end...) }
  var first = start
  while first < end && isSpace(bytes[first]) { first += 1 }
  if first > start { bytes.removeSubrange(start..<first) }
}

/// Parses an unsigned decimal integer (at most 18 digits), or nil.
@inlinable
func parseDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
  guard !b.isEmpty, b.count <= 18 else { return nil }
  var n = 0
  for c in b {
    let d = c &- 0x30
    guard d < 10 else { return nil }
    n = n &* 10 &+ Int(d)
  }
  return n
}

/// Decodes OOXML `_xHHHH_` escapes (ECMA-376 Part 1 §22.9.2.19, ST_Xstring) in `bytes[start...]`
/// in place. `_x005F_` yields `_`, so `_x005F_x0041_` reads as the literal `_x0041_`.
/// UTF-16 surrogate pairs written as two escapes are combined; a lone surrogate becomes U+FFFD.
@inlinable
func decodeEscapes(_ bytes: inout [UInt8], from start: Int) {
  // Fast exit: no `_x` in the range.
  var i = start
  let n = bytes.count
  var found = false
  while i + 6 < n {
    if bytes[i] == 0x5F && bytes[i + 1] == 0x78 { found = true; break }
    i += 1
  }
  guard found else { return }
  var r = i
  var w = i
  func hex(_ at: Int) -> UInt32? {
    guard at + 6 < bytes.count, bytes[at] == 0x5F, bytes[at + 1] == 0x78, bytes[at + 6] == 0x5F else { return nil }
    var v: UInt32 = 0
    for k in 2..<6 {
      let c = bytes[at + k]
      let d: UInt8
      switch c {
      case 0x30...0x39: d = c - 0x30
      case 0x41...0x46: d = c - 0x41 + 10
      case 0x61...0x66: d = c - 0x61 + 10
      default: return nil
      }
      v = v << 4 | UInt32(d)
    }
    return v
  }
  while r < n {
    if bytes[r] == 0x5F, var v = hex(r) {
      r += 7
      if v >= 0xD800 && v < 0xDC00 {
        if let low = hex(r), low >= 0xDC00 && low < 0xE000 {
          v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
          r += 7
        } else {
          v = 0xFFFD
        }
      } else if v >= 0xDC00 && v < 0xE000 {
        v = 0xFFFD
      }
      // Encode v as UTF-8 at w (never longer than the 7 bytes consumed).
      if v < 0x80 {
        bytes[w] = UInt8(v); w += 1
      } else if v < 0x800 {
        bytes[w] = UInt8(0xC0 | (v >> 6)); bytes[w + 1] = UInt8(0x80 | (v & 0x3F)); w += 2
      } else if v < 0x10000 {
        bytes[w] = UInt8(0xE0 | (v >> 12)); bytes[w + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
        bytes[w + 2] = UInt8(0x80 | (v & 0x3F)); w += 3
      } else {
        bytes[w] = UInt8(0xF0 | (v >> 18)); bytes[w + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
        bytes[w + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); bytes[w + 3] = UInt8(0x80 | (v & 0x3F)); w += 4
      }
    } else {
      bytes[w] = bytes[r]
      w += 1
      r += 1
    }
  }
  bytes.removeLast(n - w)
}

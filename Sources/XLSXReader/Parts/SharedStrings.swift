import XMLStream

/// The shared-strings table (`xl/sharedStrings.xml`, ECMA-376 Part 1 §18.4.9), stored as one
/// contiguous UTF-8 buffer plus an end-offset per string — no `[String]` — or, for a large
/// table, in an unlinked temporary file (`isSpilled`).
///
/// Reading rules: rich-text runs (`<r><t>`) are concatenated, phonetic runs (`<rPh>`) and their
/// properties are excluded, `_xHHHH_` escapes are decoded (`_x005F_` escapes the underscore),
/// and each `<t>` keeps its surrounding white space only with `xml:space="preserve"`.
///
/// ### Memory
/// The table is the one part of a workbook that grows with its rows (a ledger's names, ID and
/// certificate numbers are mostly distinct), so a large one is not kept in memory.
///
/// - Below the spill threshold (the part's uncompressed size under `defaultSpillThreshold`,
///   16 MiB, or the threshold given to `Workbook.init`): the UTF-8 text of every string plus
///   4 bytes per string. The buffer is reserved up front from the part's uncompressed size so it
///   never grows by copying (untouched reserved pages cost no RSS).
/// - At or above it, *spilled*: while the part is parsed, strings are written in blocks of 256
///   to a temporary file in `$TMPDIR` (else `/tmp`) that is unlinked as soon as it is created, so
///   it has no name and nothing is left behind, even after a crash; the file is closed when the
///   last copy of the table is dropped. Building holds one block and a 1 MiB write buffer. Sheet
///   readers then read blocks back through a cache per parsing thread (`SharedStringCache`: 128
///   blocks, about 1 MiB for a ledger, plus 2 MiB for strings repeated across the table); a
///   reader whose cells refer to the strings in an order the cache cannot follow loads the whole
///   table into memory once, shared by all readers of the workbook. If the temporary file cannot
///   be created the table is kept in memory; if writing it fails (a full disk), opening the
///   workbook throws `.temporaryFile`.
public struct SharedStrings: Sendable {
  /// All strings' UTF-8 bytes, back to back (empty when spilled).
  @usableFromInline var bytes: [UInt8] = []
  /// `ends[i]` is the end offset of string `i` in `bytes`; string `i` starts at `ends[i-1]` (or 0).
  @usableFromInline var ends: [UInt32] = []
  /// The table in its temporary file, when spilled.
  @usableFromInline var spilled: SpilledStrings?

  /// Tables whose part is at least this large (uncompressed, 16 MiB) are spilled to a temporary file.
  public static let defaultSpillThreshold = 16 << 20

  public init() {}

  init(spilled: SpilledStrings) {
    self.spilled = spilled
  }

  /// The number of strings.
  public var count: Int { spilled?.count ?? ends.count }

  /// True when the table is kept in a temporary file rather than in memory.
  public var isSpilled: Bool { spilled != nil }

  /// Calls `body` with the UTF-8 bytes of string `index`, or returns nil when out of range.
  ///
  /// A spilled table reads the string's block from its file on every call (sheet readers use a
  /// `SharedStringCache` instead); it also returns nil when the file cannot be read.
  @inlinable
  public func withString<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
    if let spilled { return try spilled.withString(index, body) }
    guard index >= 0, index < ends.count else { return nil }
    let start = index == 0 ? 0 : Int(ends[index - 1])
    let end = Int(ends[index])
    return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
  }

  /// String `index` (allocates), or nil when out of range.
  public subscript(index: Int) -> String? {
    withString(index) { String(decoding: $0, as: UTF8.self) }
  }

  /// Reads the table from a parser. `sizeHint` is the part's uncompressed size (for reserving);
  /// the table is spilled to a temporary file when it is at least `spillThreshold`.
  /// - Throws: the parser's errors; `TemporaryFileError` when the temporary file cannot be written.
  static func read(_ parser: XMLStreamParser, sizeHint: Int,
                   spillThreshold: Int = SharedStrings.defaultSpillThreshold) throws -> SharedStrings {
    let h = SharedStringsHandler(parser: parser, sizeHint: sizeHint, spillThreshold: spillThreshold)
    parser.setHandler(h)
    while try parser.parse() {}
    return try h.finish()
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
  /// Spill mode: where complete blocks go. `table` then stages one block (ends relative to it).
  private var spill: SpillWriter?

  init(parser: XMLStreamParser, sizeHint: Int, spillThreshold: Int) {
    self.parser = parser
    if sizeHint >= spillThreshold, let writer = SpillWriter.create() {
      spill = writer
      table.bytes.reserveCapacity(64 << 10)
      table.ends.reserveCapacity(SpilledStrings.blockSize)
    } else {
      // Text is at most the XML size; the reservation is virtual memory until written.
      table.bytes.reserveCapacity(min(max(sizeHint, 1024), 1 << 31))
    }
  }

  /// The table, once the parser has finished: in spill mode, the staged last block is written.
  func finish() throws -> SharedStrings {
    guard let spill else { return table }
    try spill.append(ends: table.ends, bytes: table.bytes)
    table = SharedStrings()
    return SharedStrings(spilled: try spill.finish())
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
      if spill == nil, let v = attributes.value("uniqueCount"), let n = parseDecimal(v) {
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
      if let spill, table.ends.count == SpilledStrings.blockSize {
        do {
          try spill.append(ends: table.ends, bytes: table.bytes)
        } catch {
          parser.fail(error)
        }
        table.bytes.removeAll(keepingCapacity: true)
        table.ends.removeAll(keepingCapacity: true)
      }
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

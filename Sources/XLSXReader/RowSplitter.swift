import ByteIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds places where the inflated `<sheetData>` of a worksheet can be cut so that each piece
/// holds whole rows and can be parsed by its own expat parser.
///
/// A cut is made just before a row start tag: `<` + the sheet's element prefix + `row` followed
/// by white space, `>` or `/`. Inside a well-formed element a literal `<` is markup, except in
/// comments, CDATA sections and processing instructions; a piece containing `<!` or `<?` is
/// therefore never split (the reader parses the rest of the part sequentially), and neither is
/// anything from the end of `<sheetData>` on.
struct RowSplitter {
  /// `<` + prefix (with its colon) + `row`.
  let rowTag: [UInt8]
  /// `</` + prefix + `sheetData`.
  let endTag: [UInt8]

  /// - Parameter prefix: the qualified-name prefix of `<sheetData>` including its colon (`x:`),
  ///   or empty.
  init(prefix: [UInt8]) {
    rowTag = [UInt8(ascii: "<")] + prefix + Array("row".utf8)
    endTag = Array("</".utf8) + prefix + Array("sheetData".utf8)
  }

  /// The offset of the last row start tag in `bytes[1..<count]` (a cut at 0 would make an empty
  /// piece), or nil when there is none.
  func lastRowStart(_ bytes: UnsafeRawPointer, count: Int) -> Int? {
    let p = bytes.assumingMemoryBound(to: UInt8.self)
    let m = rowTag.count
    var i = count - m - 1  // room for the delimiter after the tag name
    while i >= 1 {
      if p[i] == UInt8(ascii: "<") && matches(p + i) { return i }
      i -= 1
    }
    return nil
  }

  @inline(__always)
  private func matches(_ p: UnsafePointer<UInt8>) -> Bool {
    let m = rowTag.count
    for k in 1..<m where p[k] != rowTag[k] { return false }
    let d = p[m]
    return d == 0x20 || d == 0x09 || d == 0x0A || d == 0x0D || d == UInt8(ascii: ">") || d == UInt8(ascii: "/")
  }

  /// True when `bytes[0..<count]` may hold markup that makes cutting at a `<row` unsafe or
  /// wrong: a comment, CDATA section, DOCTYPE or processing instruction (`<!`, `<?`), or the end
  /// of `<sheetData>`.
  func needsSequential(_ bytes: UnsafeRawPointer, count: Int) -> Bool {
    ByteSearch.find(RowSplitter.bang, pivot: 1, in: bytes, count: count) != nil
      || ByteSearch.find(RowSplitter.question, pivot: 1, in: bytes, count: count) != nil
      || ByteSearch.find(endTag, pivot: endTag.count - 4, in: bytes, count: count) != nil  // the `D`
  }

  private static let bang: [UInt8] = Array("<!".utf8)
  private static let question: [UInt8] = Array("<?".utf8)

  /// Whether the part's head (everything before the rows) allows cutting: UTF-8 (no BOM other
  /// than UTF-8's, no other declared encoding) and no DOCTYPE, comment or CDATA (a DTD could
  /// declare default attributes that a piece parsed on its own would not see).
  static func headAllowsSplitting(_ head: UnsafeRawBufferPointer) -> Bool {
    guard let base = head.baseAddress else { return false }
    if head.count >= 2 && (head[0] == 0xFE || head[0] == 0xFF || head[0] == 0 || head[1] == 0) { return false }
    if ByteSearch.find(bang, pivot: 1, in: base, count: head.count) != nil { return false }
    // An XML declaration's encoding must be UTF-8 (any case, with or without the hyphen).
    let decl: [UInt8] = Array("<?xml".utf8)
    var start = 0
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { start = 3 }
    guard head.count >= start + decl.count, memcmp(base + start, decl, decl.count) == 0 else { return true }
    var end = start
    while end + 1 < head.count && !(head[end] == UInt8(ascii: "?") && head[end + 1] == UInt8(ascii: ">")) { end += 1 }
    let needle: [UInt8] = Array("encoding".utf8)
    guard let at = ByteSearch.find(needle, pivot: 0, in: base + start, count: end - start) else { return true }
    var i = start + at + needle.count
    while i < end && (head[i] == 0x20 || head[i] == 0x09 || head[i] == UInt8(ascii: "=")) { i += 1 }
    guard i < end, head[i] == UInt8(ascii: "\"") || head[i] == UInt8(ascii: "'") else { return false }
    let quote = head[i]
    i += 1
    var name: [UInt8] = []
    while i < end && head[i] != quote && name.count < 16 {
      if head[i] != UInt8(ascii: "-") && head[i] != UInt8(ascii: "_") { name.append(head[i] | 0x20) }
      i += 1
    }
    return name == Array("utf8".utf8)
  }

  /// The 1-based line and column (in bytes) just after `bytes[0..<count]`, continuing from
  /// `line`/`column`.
  static func advance(line: inout Int, column: inout Int, over bytes: UnsafeRawPointer, count: Int) {
    var from = 0
    var lastNewline = -1
    while from < count, let hit = memchr(bytes + from, 0x0A, count - from) {
      let pos = UnsafeRawPointer(hit) - bytes
      line += 1
      lastNewline = pos
      from = pos + 1
    }
    if lastNewline >= 0 { column = count - lastNewline } else { column += count }
  }
}

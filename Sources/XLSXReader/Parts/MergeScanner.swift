import ByteIO
import Tabular
import XMLStream

/// Finds a sheet's merged ranges before its rows are read.
///
/// `<mergeCells>` comes after `<sheetData>` (ECMA-376 Part 1 §18.3.1.99), but a streaming reader
/// must know the merges before it emits the first row. The scanner reads the inflated part once
/// with `memchr` looking for a `<mergeCells` (or `<prefix:mergeCells`) tag — no XML parsing of the
/// rows — and parses only the tail from that tag with expat.
///
/// ### Cost and memory
/// One extra inflate of the part plus a `memchr` pass (measured: see the package README/bench);
/// memory is one chunk plus the tail from `<mergeCells>` to the end of the part (capped).
enum MergeScanner {
  /// The largest tail (from `<mergeCells` to the end of the part) that is parsed.
  static let maxTail = 64 << 20

  /// Scans a part given as a byte source.
  static func scan(source: XMLStreamParser.Source, entry: String) throws -> [CellRange] {
    let chunk = 256 << 10
    let carry = 32
    var buf = [UInt8](repeating: 0, count: chunk + carry)
    var kept = 0
    var tail: [UInt8]? = nil
    let needle: [UInt8] = Array("mergeCells".utf8)
    while true {
      let n = try buf.withUnsafeMutableBytes { raw in
        try source(UnsafeMutableRawBufferPointer(rebasing: raw[kept..<(kept + chunk)]))
      }
      if n == 0 { break }
      let total = kept + n
      if tail != nil {
        tail!.append(contentsOf: buf[kept..<total])
        if tail!.count > maxTail { throw XMLError(code: .handler, entry: entry, line: 0, column: 0, byteOffset: 0,
                                                   detail: "the merged-cells section is larger than \(maxTail) bytes") }
        kept = 0
        continue
      }
      if let start = findTag(buf, count: total, needle: needle) {
        tail = Array(buf[start..<total])
        kept = 0
        continue
      }
      // Keep the last bytes so a tag split across chunks is found.
      let keep = min(carry, total)
      buf.withUnsafeMutableBytes { raw in
        raw.baseAddress!.copyMemory(from: raw.baseAddress! + (total - keep), byteCount: keep)
      }
      kept = keep
    }
    guard let tail else { return [] }
    return parseTail(tail, entry: entry)
  }

  /// Scans a part held in memory.
  static func scan(_ xml: [UInt8]) -> [CellRange] {
    let needle: [UInt8] = Array("mergeCells".utf8)
    guard let start = findTag(xml, count: xml.count, needle: needle) else { return [] }
    return parseTail(Array(xml[start...]), entry: "")
  }

  /// The offset of the `<` of the first `<mergeCells` / `<p:mergeCells` tag in `buf[0..<count]`.
  private static func findTag(_ buf: [UInt8], count: Int, needle: [UInt8]) -> Int? {
    buf.withUnsafeBytes { raw -> Int? in
      guard let base = raw.baseAddress else { return nil }
      var from = 0
      while from < count {
        guard let rel = ByteSearch.find(needle, pivot: 5, in: base + from, count: count - from) else { return nil }
        let pos = from + rel
        // Walk back over an optional `prefix:` to a `<`.
        var j = pos - 1
        if j >= 0 && raw[j] == UInt8(ascii: ":") {
          j -= 1
          while j >= 0 && j > pos - 40 && isNameByte(raw[j]) { j -= 1 }
        }
        if j >= 0 && raw[j] == UInt8(ascii: "<") { return j }
        from = pos + 1
      }
      return nil
    }
  }

  private static func isNameByte(_ b: UInt8) -> Bool {
    (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || (b >= 0x30 && b <= 0x39)
      || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
  }

  /// Parses `<mergeCells>…</mergeCells>…rest of the part` and collects the refs. Whatever follows
  /// `</mergeCells>` (including the unmatched `</worksheet>`) is not parsed.
  private static func parseTail(_ tail: [UInt8], entry: String) -> [CellRange] {
    let parser = XMLStreamParser(entry: entry, bytes: tail)
    let h = MergeHandler(parser: parser)
    parser.setHandler(h)
    _ = try? parser.parse()  // suspends at </mergeCells>; malformed XML is reported by the row pass
    return h.ranges
  }
}

/// Collects `mergeCell/@ref` until `</mergeCells>`.
private final class MergeHandler: XMLHandler {
  var ranges: [CellRange] = []
  unowned let parser: XMLStreamParser
  init(parser: XMLStreamParser) { self.parser = parser }

  func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    if name.isLocal("mergeCell"), let ref = attributes.value("ref"), let r = CellRange(a1: ref) {
      ranges.append(r)
    }
  }

  func endElement(_ name: XMLName) {
    if name.isLocal("mergeCells") { parser.suspend() }
  }

  func characters(_ text: UnsafeBufferPointer<UInt8>) {}
}

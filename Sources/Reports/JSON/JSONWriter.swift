/// The one JSON writer of sheetgate, on bytes: strings are escaped straight from UTF-8, numbers
/// are written shortest-round-trip, and the buffer is handed to `flush` whenever it passes 64 KiB,
/// so `sheetgate cat` prints a million-row sheet in constant memory. `pretty` indents by two
/// spaces and writes `"key" : value`, as Foundation's pretty printer does.
public struct JSONWriter {
  public private(set) var buffer: [UInt8] = []
  private let flushHandler: ([UInt8]) -> Void
  /// Per open container: whether it has a member yet (so the next one needs a comma).
  private var needsComma: [Bool] = [false]
  /// True right after a key: the value follows on the same line, without a comma.
  private var afterKey = false
  private let pretty: Bool

  public init(pretty: Bool = false, flush: @escaping ([UInt8]) -> Void) {
    self.pretty = pretty
    flushHandler = flush
    buffer.reserveCapacity(1 << 16)
  }

  public mutating func flush() {
    if !buffer.isEmpty { flushHandler(buffer); buffer.removeAll(keepingCapacity: true) }
  }

  private mutating func maybeFlush() { if buffer.count >= 1 << 16 { flush() } }

  private mutating func newline(depth: Int) {
    buffer.append(UInt8(ascii: "\n"))
    for _ in 0..<depth { buffer.append(0x20); buffer.append(0x20) }
  }

  private mutating func separator() {
    if afterKey { afterKey = false; return }
    let top = needsComma.count - 1
    if needsComma[top] { buffer.append(UInt8(ascii: ",")) }
    needsComma[top] = true
    if pretty && top > 0 { newline(depth: top) }
  }

  private mutating func close(_ byte: UInt8) {
    let hadMembers = needsComma.removeLast()
    if pretty && hadMembers { newline(depth: needsComma.count - 1) }
    buffer.append(byte)
    maybeFlush()
  }

  public mutating func beginObject() { separator(); buffer.append(UInt8(ascii: "{")); needsComma.append(false) }
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  public mutating func beginArray() { separator(); buffer.append(UInt8(ascii: "[")); needsComma.append(false) }
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  /// Writes `"key":` inside an object; the value call that follows adds no comma.
  public mutating func key(_ k: String) {
    separator()
    var k = k
    k.withUTF8 { appendEscaped($0) }
    if pretty { buffer.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20]) } else { buffer.append(UInt8(ascii: ":")) }
    afterKey = true
  }

  /// Writes `"key":` from UTF-8 bytes (no String made: `cat --json` writes one per cell).
  public mutating func key(utf8 k: UnsafeBufferPointer<UInt8>) {
    separator()
    appendEscaped(k)
    if pretty { buffer.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20]) } else { buffer.append(UInt8(ascii: ":")) }
    afterKey = true
  }

  public mutating func string(_ s: String) {
    separator()
    var s = s
    s.withUTF8 { appendEscaped($0) }
  }

  public mutating func string(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    separator()
    appendEscaped(bytes)
  }

  public mutating func number(_ d: Double) {
    separator()
    if d.isFinite {
      if d == d.rounded(), abs(d) < 1e15 {
        appendDigits(Int64(d))
        buffer.append(UInt8(ascii: "."))
        buffer.append(UInt8(ascii: "0"))
      } else {
        buffer.append(contentsOf: Array(d.description.utf8))
      }
    } else {
      buffer.append(contentsOf: Array("null".utf8))
    }
  }

  /// Appends the decimal digits of `v` without making a String.
  private mutating func appendDigits(_ v: Int64) {
    if v < 0 { buffer.append(UInt8(ascii: "-")) }
    var m = v.magnitude
    if m == 0 { buffer.append(UInt8(ascii: "0")); return }
    let start = buffer.count
    while m > 0 { buffer.append(UInt8(truncatingIfNeeded: m % 10) &+ 0x30); m /= 10 }
    buffer[start...].reverse()
  }

  public mutating func integer(_ i: Int) { separator(); buffer.append(contentsOf: Array(String(i).utf8)) }
  public mutating func bool(_ b: Bool) { separator(); buffer.append(contentsOf: Array((b ? "true" : "false").utf8)) }
  public mutating func null() { separator(); buffer.append(contentsOf: Array("null".utf8)) }
  public mutating func raw(_ s: String) { buffer.append(contentsOf: Array(s.utf8)) }

  private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

  private mutating func appendEscaped(_ s: UnsafeBufferPointer<UInt8>) {
    buffer.append(UInt8(ascii: "\""))
    var runStart = 0
    var i = 0
    while i < s.count {
      let c = s[i]
      if c >= 0x20 && c != 0x22 && c != 0x5C { i += 1; continue }
      if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<i])) }
      buffer.append(UInt8(ascii: "\\"))
      switch c {
      case 0x22: buffer.append(0x22)
      case 0x5C: buffer.append(0x5C)
      case 0x0A: buffer.append(UInt8(ascii: "n"))
      case 0x0D: buffer.append(UInt8(ascii: "r"))
      case 0x09: buffer.append(UInt8(ascii: "t"))
      default:
        buffer.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(c >> 4)], Self.hex[Int(c & 15)]])
      }
      i += 1
      runStart = i
    }
    if runStart < s.count { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<s.count])) }
    buffer.append(UInt8(ascii: "\""))
  }
}

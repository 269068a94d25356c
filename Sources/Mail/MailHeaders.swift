/// One header field as it stands in a message.
public struct MailHeaderField: Sendable, Hashable {
  /// The field name as written (`Subject`, `content-type`); compare with ``MailHeaders`` lookups,
  /// which ignore case.
  public var name: String
  /// The field's bytes exactly as in the message: name, colon, value, folded lines and their line
  /// breaks. Kept for provenance.
  public var raw: [UInt8]
  /// The value unfolded (line breaks before white space removed) and trimmed, still encoded.
  public var value: [UInt8]

  /// The value as text: RFC 2047 encoded words decoded, raw 8-bit bytes read as UTF-8 or else GB18030.
  public var text: String { EncodedWords.decode(value[...]) }
}

/// The header fields of a message or a MIME part, in order.
public struct MailHeaders: Sendable, Hashable {
  /// The fields in the order they appear.
  public var fields: [MailHeaderField]
  /// The header block's bytes as in the message (up to, not including, the blank line).
  public var raw: [UInt8]

  public init(fields: [MailHeaderField] = [], raw: [UInt8] = []) {
    self.fields = fields
    self.raw = raw
  }

  /// The first field called `name` (ASCII case ignored).
  public subscript(_ name: String) -> MailHeaderField? {
    let key = Array(name.utf8)
    return fields.first { Array($0.name.utf8).equalsIgnoringCase(key) }
  }

  /// Every field called `name` (ASCII case ignored), in order.
  public func all(_ name: String) -> [MailHeaderField] {
    let key = Array(name.utf8)
    return fields.filter { Array($0.name.utf8).equalsIgnoringCase(key) }
  }

  /// The decoded text of the first field called `name`.
  public func text(_ name: String) -> String? { self[name]?.text }
}

/// The result of splitting a part into its header block and body.
struct HeaderBlock {
  var headers: MailHeaders
  /// Where the body starts.
  var bodyStart: Int
  /// Whether a blank line ended the headers (false: the part ended, or a non-header line began the body).
  var sawBlankLine: Bool
}

enum HeaderParser {
  /// Reads header fields from `b[start..<end]` (RFC 5322 §2.2, with folding over CRLF or bare LF).
  ///
  /// A line that is neither a field nor a continuation ends the header block and starts the body, as
  /// Python's parser does; a leading mbox `From ` line is skipped. At most `maxFields` fields are kept.
  static func parse(_ b: [UInt8], start: Int, end: Int, maxFields: Int = 1000) -> HeaderBlock {
    var fields: [MailHeaderField] = []
    var i = start
    var fieldStart = -1, fieldColon = -1, fieldEnd = -1
    var bodyStart = end
    var sawBlank = false

    func flush() {
      guard fieldStart >= 0, fields.count < maxFields else { fieldStart = -1; return }
      let name = utf8String(b[fieldStart..<fieldColon]).trimmingASCIIWhitespace()
      var value: [UInt8] = []
      var k = fieldColon + 1
      while k < fieldEnd {
        let c = b[k]
        if c == ASCII.cr || c == ASCII.lf { k += 1; continue }
        value.append(c)
        k += 1
      }
      let trimmed = Array(value[...].trimmed())
      fields.append(MailHeaderField(name: name, raw: Array(b[fieldStart..<fieldEnd]), value: trimmed))
      fieldStart = -1
    }

    var first = true
    while i < end {
      let le = lineEnd(b, from: i, end: end)
      let ce = contentEnd(b, lineStart: i, lineEnd: le)
      if ce == i && le > i && (b[le - 1] == ASCII.lf) {
        flush(); bodyStart = le; sawBlank = true; break
      }
      if ASCII.isWSP(b[i]) {
        if fieldStart >= 0 { fieldEnd = le }
        i = le; first = false
        continue
      }
      // A field: a name of printable ASCII, then a colon.
      var k = i
      while k < ce, b[k] != ASCII.colon, b[k] > 0x20, b[k] < 0x7F { k += 1 }
      var colon = k
      while colon < ce, ASCII.isWSP(b[colon]) { colon += 1 }  // `Subject :` (obsolete syntax)
      if k > i, colon < ce, b[colon] == ASCII.colon {
        flush()
        fieldStart = i; fieldColon = colon; fieldEnd = le
        i = le; first = false
        continue
      }
      if first, hasPrefix(b, at: i, end: ce, Array("From ".utf8)) { i = le; first = false; continue }
      flush(); bodyStart = i; break
    }
    if i >= end { flush(); bodyStart = end }
    let rawEnd = sawBlank ? max(start, bodyStart - blankLineLength(b, before: bodyStart, start: start)) : bodyStart
    return HeaderBlock(headers: MailHeaders(fields: fields, raw: Array(b[start..<max(start, rawEnd)])),
                       bodyStart: bodyStart, sawBlankLine: sawBlank)
  }

  private static func blankLineLength(_ b: [UInt8], before i: Int, start: Int) -> Int {
    if i - 2 >= start, b[i - 2] == ASCII.cr { return 2 }
    return 1
  }
}

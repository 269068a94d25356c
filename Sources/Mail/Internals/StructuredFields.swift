// Structured header values: Content-Type / Content-Disposition with RFC 2231 parameters,
// address lists, message identifiers.

/// A `type/subtype` or disposition value with its parameters, names lowercased, values decoded.
struct ParameterizedValue {
  /// The main value, lowercased (`multipart/mixed`, `attachment`).
  var value: String
  /// Decoded parameters (RFC 2231 sections joined and decoded; plain values with encoded words or
  /// raw 8-bit bytes decoded too).
  var parameters: [String: String]
  /// Parameters whose raw value held bytes that could not be decoded cleanly.
  var undecodable: Set<String> = []

  subscript(_ name: String) -> String? { parameters[name] }

  /// Parses `value; name=token; name="quoted"; name*=charset'lang'%XX; name*0*=…`.
  static func parse(_ v: [UInt8]) -> ParameterizedValue {
    var i = 0
    let end = v.count
    var mainEnd = 0
    while mainEnd < end, v[mainEnd] != ASCII.semicolon { mainEnd += 1 }
    let main = utf8String(stripComments(v[0..<mainEnd]).trimmed()).lowercased()
    i = mainEnd
    var plain: [String: [UInt8]] = [:]
    struct Section { var number: Int; var encoded: Bool; var bytes: [UInt8] }
    var sectioned: [String: [Section]] = [:]
    var count = 0
    while i < end, count < 64 {
      // Skip `;` and white space.
      while i < end, v[i] == ASCII.semicolon || ASCII.isWhitespace(v[i]) { i += 1 }
      if i >= end { break }
      let nameStart = i
      while i < end, v[i] != ASCII.equals, v[i] != ASCII.semicolon { i += 1 }
      let rawName = utf8String(v[nameStart..<i].trimmed()).lowercased()
      guard i < end, v[i] == ASCII.equals else { continue }
      i += 1
      while i < end, ASCII.isWhitespace(v[i]) { i += 1 }
      var value: [UInt8] = []
      if i < end, v[i] == ASCII.quote {
        i += 1
        while i < end, v[i] != ASCII.quote {
          if v[i] == ASCII.backslash, i + 1 < end { i += 1 }
          value.append(v[i]); i += 1
        }
        i += 1
        while i < end, v[i] != ASCII.semicolon { i += 1 }  // anything after the closing quote
      } else {
        let s = i
        while i < end, v[i] != ASCII.semicolon { i += 1 }
        value = Array(v[s..<i].trimmed())
      }
      count += 1
      guard !rawName.isEmpty else { continue }
      // `name*N*`, `name*N`, `name*` or `name`.
      var name = rawName
      var encoded = false
      if name.hasSuffix("*") { encoded = true; name.removeLast() }
      var number: Int? = nil
      if let star = name.lastIndex(of: "*") {
        let digits = name[name.index(after: star)...]
        if !digits.isEmpty, digits.count < 4, digits.allSatisfy(\.isASCII), let n = Int(digits) {
          number = n
          name = String(name[..<star])
        }
      }
      if number == nil && !encoded {
        if plain[name] == nil { plain[name] = value }
      } else {
        var list = sectioned[name, default: []]
        let n = number ?? 0
        if !list.contains(where: { $0.number == n }) { list.append(Section(number: n, encoded: encoded, bytes: value)) }
        sectioned[name] = list
      }
    }
    var result = ParameterizedValue(value: main, parameters: [:])
    for (name, raw) in plain {
      let text = EncodedWords.decode(raw[...])
      result.parameters[name] = text
      if text.contains("\u{FFFD}") { result.undecodable.insert(name) }
    }
    for (name, sections) in sectioned {
      let ordered = sections.sorted { $0.number < $1.number }
      var charset: String? = nil
      var bytes: [UInt8] = []
      for (k, s) in ordered.enumerated() {
        var piece = s.bytes[...]
        if k == 0 && s.encoded {
          // charset'language'value
          if let q1 = piece.firstIndex(of: ASCII.apostrophe),
             let q2 = piece[(q1 + 1)...].firstIndex(of: ASCII.apostrophe) {
            charset = utf8String(piece[piece.startIndex..<q1])
            piece = piece[(q2 + 1)...]
          }
        }
        bytes += s.encoded ? percentDecode(piece) : Array(piece)
      }
      let text: String
      if charset == nil || charset!.isEmpty {
        text = EncodedWords.decode(bytes[...])
      } else {
        text = Charsets.decode(bytes, charset: charset)
      }
      result.parameters[name] = text
      if text.contains("\u{FFFD}") { result.undecodable.insert(name) } else { result.undecodable.remove(name) }
    }
    return result
  }

  static func percentDecode(_ s: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
      if s[i] == ASCII.percent, i + 2 < s.endIndex, let h = ASCII.hexValue(s[i + 1]), let l = ASCII.hexValue(s[i + 2]) {
        out.append(h << 4 | l); i += 3
      } else {
        out.append(s[i]); i += 1
      }
    }
    return out
  }

  /// The bytes without RFC 5322 comments (`(…)`, nested, outside quoted strings).
  static func stripComments(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    guard s.contains(ASCII.openParen) else { return s }
    var out: [UInt8] = []
    var depth = 0, inQuote = false
    var i = s.startIndex
    while i < s.endIndex {
      let c = s[i]
      if inQuote {
        out.append(c)
        if c == ASCII.backslash, i + 1 < s.endIndex { out.append(s[i + 1]); i += 2; continue }
        if c == ASCII.quote { inQuote = false }
      } else if depth > 0 {
        if c == ASCII.backslash { i += 2; continue }
        if c == ASCII.openParen { depth += 1 } else if c == ASCII.closeParen { depth -= 1 }
      } else if c == ASCII.openParen {
        depth = 1
      } else {
        if c == ASCII.quote { inQuote = true }
        out.append(c)
      }
      i += 1
    }
    return out[...]
  }
}

/// A mailbox: an address and the display name before it.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
  /// The display name, decoded (`乌审旗市场监督管理局`), or nil.
  public var name: String?
  /// The address (`scjgj@wsq.gov.cn`).
  public var address: String

  public init(name: String? = nil, address: String) {
    self.name = name
    self.address = address
  }

  public var description: String { name.map { "\($0) <\(address)>" } ?? address }

  /// The domain part of the address (after the last `@`), or nil.
  public var domain: String? {
    guard let at = address.lastIndex(of: "@") else { return nil }
    let d = address[address.index(after: at)...]
    return d.isEmpty ? nil : String(d)
  }

  /// Parses an address list (`From`, `To`, `Cc`): display names quoted or not, encoded words, raw
  /// GBK bytes, `addr (Name)` comments and groups.
  static func parseList(_ v: [UInt8]) -> [MailAddress] {
    var pieces: [ArraySlice<UInt8>] = []
    var depthAngle = 0, depthParen = 0, inQuote = false
    var start = 0
    var i = 0
    while i < v.count {
      let c = v[i]
      if inQuote {
        if c == ASCII.backslash { i += 2; continue }
        if c == ASCII.quote { inQuote = false }
      } else if depthParen > 0 {
        if c == ASCII.openParen { depthParen += 1 } else if c == ASCII.closeParen { depthParen -= 1 }
      } else {
        switch c {
        case ASCII.quote: inQuote = true
        case ASCII.openParen: depthParen = 1
        case ASCII.lt: depthAngle += 1
        case ASCII.gt: depthAngle = max(0, depthAngle - 1)
        case ASCII.comma where depthAngle == 0, ASCII.semicolon where depthAngle == 0:
          pieces.append(v[start..<i]); start = i + 1
        case ASCII.colon where depthAngle == 0:
          // A group's name (`部门: a@x, b@y;`): dropped, unless the piece already holds an address.
          if !v[start..<i].contains(ASCII.at) { start = i + 1 }
        default: break
        }
      }
      i += 1
    }
    pieces.append(v[start..<v.count])
    if pieces.count > 500 { pieces = Array(pieces.prefix(500)) }
    return pieces.compactMap(parseOne)
  }

  private static func parseOne(_ p: ArraySlice<UInt8>) -> MailAddress? {
    let piece = p.trimmed()
    guard !piece.isEmpty else { return nil }
    // The last `<…>` outside quotes holds the address.
    var inQuote = false
    var lt: Int? = nil, gt: Int? = nil
    var i = piece.startIndex
    while i < piece.endIndex {
      let c = piece[i]
      if c == ASCII.backslash && inQuote { i += 2; continue }
      if c == ASCII.quote { inQuote.toggle() } else if !inQuote && c == ASCII.lt { lt = i; gt = nil } else if !inQuote && c == ASCII.gt, lt != nil { gt = i }
      i += 1
    }
    if let lt {
      let close = gt ?? piece.endIndex
      var addr = piece[(lt + 1)..<close].trimmed()
      if let colon = addr.lastIndex(of: ASCII.colon), addr.first == ASCII.at { addr = addr[(colon + 1)...] }  // route
      let name = phrase(piece[piece.startIndex..<lt])
      let address = utf8String(addr)
      if address.isEmpty && name == nil { return nil }
      return MailAddress(name: name, address: address)
    }
    // `addr (Name)` or a bare address.
    var comment: [UInt8] = []
    var depth = 0
    for c in piece {
      if c == ASCII.openParen { depth += 1; if depth == 1 { continue } }
      if c == ASCII.closeParen, depth > 0 { depth -= 1; if depth == 0 { continue } }
      if depth > 0 { comment.append(c) }
    }
    let bare = ParameterizedValue.stripComments(piece).trimmed()
    let address = utf8String(bare.filter { $0 != ASCII.quote })
    if address.isEmpty { return nil }
    let name = comment.isEmpty ? nil : EncodedWords.decode(comment[...]).trimmingASCIIWhitespace()
    return MailAddress(name: name?.isEmpty == true ? nil : name, address: address)
  }

  /// A display name: quotes removed (backslash escapes honoured), comments dropped, encoded words
  /// decoded (also inside quotes, as Outlook writes them), raw bytes read as UTF-8 or GB18030.
  static func phrase(_ s: ArraySlice<UInt8>) -> String? {
    var out: [UInt8] = []
    var inQuote = false
    var depth = 0
    var i = s.startIndex
    while i < s.endIndex {
      let c = s[i]
      if inQuote {
        if c == ASCII.backslash, i + 1 < s.endIndex { out.append(s[i + 1]); i += 2; continue }
        if c == ASCII.quote { inQuote = false } else { out.append(c) }
      } else if depth > 0 {
        if c == ASCII.openParen { depth += 1 } else if c == ASCII.closeParen { depth -= 1 }
      } else if c == ASCII.quote {
        inQuote = true
      } else if c == ASCII.openParen {
        depth = 1
      } else {
        out.append(c)
      }
      i += 1
    }
    let text = EncodedWords.decode(out[...].trimmed()).trimmingASCIIWhitespace()
    return text.isEmpty ? nil : text
  }
}

enum MessageIDs {
  /// The identifiers in a `Message-ID`, `In-Reply-To` or `References` value, without angle brackets.
  static func parse(_ v: [UInt8]) -> [String] {
    var ids: [String] = []
    var i = 0
    var sawAngle = false
    while i < v.count, ids.count < 200 {
      if v[i] == ASCII.lt {
        guard let close = v[(i + 1)...].firstIndex(of: ASCII.gt) else { break }
        let id = v[(i + 1)..<close].filter { !ASCII.isWhitespace($0) }
        if !id.isEmpty { ids.append(utf8String(id)) }
        sawAngle = true
        i = close + 1
        continue
      }
      i += 1
    }
    if !sawAngle {
      // Identifiers without brackets (broken clients): white space separated words holding `@`.
      for word in v.split(whereSeparator: ASCII.isWhitespace) where word.contains(ASCII.at) && ids.count < 200 {
        ids.append(utf8String(word))
      }
    }
    return ids
  }
}

// RFC 2047 encoded words, both ways, and the rule for raw 8-bit header bytes.

enum EncodedWords {
  /// Decodes header text that may hold encoded words and raw 8-bit bytes.
  ///
  /// White space between two encoded words is dropped (RFC 2047 §6.2); adjacent words in the same
  /// charset are joined as bytes before decoding, so a character split across words (as some
  /// clients split GBK and UTF-8 names) comes out whole. A malformed word stays as text. Text outside
  /// words follows ``Charsets/decodeRaw(_:)``.
  static func decode(_ input: ArraySlice<UInt8>) -> String {
    var out = ""
    var text: [UInt8] = []
    // The run of adjacent words in one charset, joined as bytes.
    var runCharset: String? = nil
    var run: [UInt8] = []
    func flushRun() {
      if let cs = runCharset { out += Charsets.decode(run, charset: cs) }
      runCharset = nil
      run.removeAll()
    }
    var i = input.startIndex
    let end = input.endIndex
    while i < end {
      if input[i] == ASCII.equals, i + 1 < end, input[i + 1] == ASCII.question,
         let (charset, bytes, next) = parseWord(input, at: i) {
        if runCharset != nil, text.allSatisfy(ASCII.isWhitespace) { text.removeAll() }
        if !text.isEmpty { flushRun(); out += Charsets.decodeRaw(text); text.removeAll() }
        if let cs = runCharset, cs.lowercased() != charset.lowercased() { flushRun() }
        if runCharset == nil { runCharset = charset }
        run += bytes
        i = next
        continue
      }
      text.append(input[i])
      i += 1
    }
    flushRun()
    if !text.isEmpty { out += Charsets.decodeRaw(text) }
    return out
  }

  /// Parses `=?charset?B|Q?text?=` at `i`; nil when it is not a well-formed word.
  private static func parseWord(_ b: ArraySlice<UInt8>, at i: Int) -> (String, [UInt8], Int)? {
    let end = b.endIndex
    var j = i + 2
    let csStart = j
    while j < end, b[j] != ASCII.question {
      let c = b[j]
      if c <= 0x20 || c >= 0x7F || j - csStart > 40 { return nil }
      j += 1
    }
    guard j < end, j > csStart, j + 2 < end, b[j + 2] == ASCII.question else { return nil }
    let charset = utf8String(b[csStart..<j])
    let enc = ASCII.lower(b[j + 1])
    guard enc == 0x62 || enc == 0x71 else { return nil }  // b, q
    let textStart = j + 3
    var k = textStart
    // The encoded text ends at the first `?=`; it holds no line breaks and is bounded in length.
    while k + 1 < end {
      if b[k] == ASCII.question && b[k + 1] == ASCII.equals { break }
      if b[k] == ASCII.cr || b[k] == ASCII.lf || k - textStart > 2000 { return nil }
      k += 1
    }
    guard k + 1 < end else { return nil }
    let encoded = b[textStart..<k]
    let bytes: [UInt8]
    if enc == 0x62 {
      guard !encoded.contains(where: ASCII.isWhitespace), let d = Base64.decode(encoded) else { return nil }
      bytes = d
    } else {
      var d: [UInt8] = []
      var q = encoded.startIndex
      while q < encoded.endIndex {
        let c = encoded[q]
        if c == ASCII.underscore { d.append(ASCII.space); q += 1; continue }
        if c == ASCII.equals, q + 2 < encoded.endIndex,
           let h = ASCII.hexValue(encoded[q + 1]), let l = ASCII.hexValue(encoded[q + 2]) {
          d.append(h << 4 | l); q += 3; continue
        }
        d.append(c); q += 1
      }
      bytes = d
    }
    return (charset, bytes, k + 2)
  }

  // MARK: Writing

  /// UTF-8 B-words for `text`, each at most `maxWordLength` characters (RFC 2047 §2: 75) and never
  /// splitting a character; the first word may be given less room (`firstWordLength`), to fit
  /// after a header's name on its line.
  static func encodeWords(_ text: String, firstWordLength: Int = 75, maxWordLength: Int = 75) -> [[UInt8]] {
    let prefix = Array("=?UTF-8?B?".utf8), suffix = Array("?=".utf8)
    func budget(_ length: Int) -> Int { max(3, (length - prefix.count - suffix.count) / 4 * 3) }
    var words: [[UInt8]] = []
    var chunk: [UInt8] = []
    var limit = budget(firstWordLength)
    for scalar in text.unicodeScalars {
      let u = Array(String(scalar).utf8)
      if chunk.count + u.count > limit && !chunk.isEmpty {
        words.append(prefix + Base64.encode(chunk) + suffix)
        chunk.removeAll()
        limit = budget(maxWordLength)
      }
      chunk += u
    }
    if !chunk.isEmpty || words.isEmpty { words.append(prefix + Base64.encode(chunk) + suffix) }
    return words
  }
}

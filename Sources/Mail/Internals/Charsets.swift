import CSV

/// Charset names as mail uses them (MIME `charset=`, RFC 2047 words, RFC 2231 values) mapped onto
/// CSV's decoders: GB2312 and GBK decode as GB18030 (their superset), Big5 and Latin-1 through iconv.
enum Charsets {
  /// The decoder for a MIME charset name, or nil when neither sheetgate nor iconv knows it.
  /// `us-ascii` and an empty name give nil: such bytes follow the raw-bytes rule instead.
  static func encoding(named raw: String) -> CSVEncoding? {
    var name = raw.lowercased()
    // RFC 2231 §5: a language may follow the charset in an encoded word (`utf-8*zh`).
    if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
    name = name.trimmingASCIIWhitespace()
    switch name {
    case "", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "8bit", "default": return nil
    case "utf-8", "utf8", "x-utf-8": return .utf8
    case "gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "x-euc-cn", "csgb2312", "gb_2312-80", "ms936",
         "windows-936", "x-mac-chinesesimp", "eucgb2312_cn", "euc_cn", "gb_2312", "936":
      return .gb18030
    case "big5", "big-5", "x-big5", "cp950", "csbig5": return CSVEncoding(name: name, decoding: .iconv("BIG5"))
    case "big5-hkscs", "big5hkscs": return CSVEncoding(name: name, decoding: .iconv("BIG5-HKSCS"))
    case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1": return CSVEncoding(name: name, decoding: .iconv("ISO-8859-1"))
    case "windows-1252", "cp1252": return CSVEncoding(name: name, decoding: .iconv("CP1252"))
    default:
      // Other charsets mail really uses, through iconv. A name from a message reaches iconv only
      // when it is one of these families: the rest follow the raw-bytes rule.
      guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), name.utf8.count < 40,
            otherFamilies.contains(where: { name.hasPrefix($0) }) else { return nil }
      return CSVEncoding.named(name)
    }
  }

  static let otherFamilies = ["iso-8859-", "iso8859-", "windows-125", "cp125", "koi8-", "shift_jis", "shift-jis",
                              "sjis", "cp932", "euc-jp", "euc-kr", "cp949", "ks_c_5601", "iso-2022-jp", "iso-2022-kr",
                              "utf-16", "utf-32", "tis-620", "windows-874", "cp874", "gb18030", "macintosh"]

  /// Decodes `bytes` in a declared charset; an unknown charset, or bytes invalid in it, fall back to
  /// ``decodeRaw(_:)``.
  static func decode(_ bytes: [UInt8], charset: String?) -> String {
    if let charset, let enc = encoding(named: charset) {
      if let s = TextDecoding.decode(bytes, as: enc) { return s }
      // Mislabelled text is common (GBK sent as "utf-8" by old clients): try the raw rule first.
      let raw = decodeRaw(bytes)
      if !raw.contains("\u{FFFD}") { return raw }
      return TextDecoding.decode(bytes, as: enc, replacingInvalid: true).text
    }
    return decodeRaw(bytes)
  }

  /// Bytes with no declared charset (raw 8-bit headers, ZIP names without the UTF-8 flag): valid
  /// UTF-8 stays UTF-8, anything else decodes as GB18030 (what Chinese Windows writes), and bytes
  /// invalid even there become U+FFFD.
  static func decodeRaw(_ bytes: some Collection<UInt8>) -> String {
    let a = Array(bytes)
    if a.allSatisfy({ $0 < 0x80 }) || TextDecoding.isValidUTF8(a) { return utf8String(a) }
    return TextDecoding.decode(a, as: .gb18030, replacingInvalid: true).text
  }
}

extension String {
  /// The string without leading and trailing ASCII white space.
  func trimmingASCIIWhitespace() -> String {
    let u = Array(utf8)
    var lo = 0, hi = u.count
    while lo < hi, ASCII.isWhitespace(u[lo]) { lo += 1 }
    while hi > lo, ASCII.isWhitespace(u[hi - 1]) { hi -= 1 }
    return lo == 0 && hi == u.count ? self : utf8String(u[lo..<hi])
  }
}

/// A text encoding of a CSV file, as detected or as named by the caller.
///
/// `name` uses the names of Python's codecs that the corpus's expected files use (`utf-8`,
/// `utf-8-sig`, `utf-16`, `gb18030`, `shift_jis`, `latin-1`), or the override exactly as given.
public struct CSVEncoding: Hashable, Sendable, CustomStringConvertible {
  /// How bytes become UTF-8.
  public enum Decoding: Hashable, Sendable {
    /// UTF-8: validated in place, no copy.
    case utf8
    /// GB18030 (and its subsets GBK, GB2312): table-driven fast path.
    case gb18030
    /// Any other encoding, through iconv under this name.
    case iconv(String)
  }

  /// The reported name (`utf-8-sig`, `gb18030`, …).
  public var name: String
  /// The decoding path.
  public var decoding: Decoding
  /// Bytes of byte-order mark at the start of the file (0, 2 or 3).
  public var bomLength: Int

  public init(name: String, decoding: Decoding, bomLength: Int = 0) {
    self.name = name
    self.decoding = decoding
    self.bomLength = bomLength
  }

  public var description: String { name }

  /// UTF-8 without BOM.
  public static let utf8 = CSVEncoding(name: "utf-8", decoding: .utf8)
  /// GB18030 (also reads GBK and GB2312).
  public static let gb18030 = CSVEncoding(name: "gb18030", decoding: .gb18030)

  /// The encoding for a caller-supplied name (`--encoding`): any name iconv knows.
  ///
  /// UTF-8 and GB18030 family names map to the fast paths; a UTF-8 BOM is still skipped.
  /// Returns nil when iconv does not know the name.
  public static func named(_ name: String) -> CSVEncoding? {
    let key = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
    switch key {
    case "utf-8", "utf8", "utf-8-sig": return CSVEncoding(name: name, decoding: .utf8)
    case "gb18030", "gbk", "gb2312", "cp936", "euc-cn": return CSVEncoding(name: name, decoding: .gb18030)
    case "latin-1", "latin1": return CSVEncoding(name: name, decoding: .iconv("ISO-8859-1"))
    case "utf-16": return CSVEncoding(name: name, decoding: .iconv("UTF-16"))
    default:
      guard Iconv.isKnown(name) else { return nil }
      return CSVEncoding(name: name, decoding: .iconv(name))
    }
  }

  /// Detects the encoding of a file from its first bytes.
  ///
  /// Order: a BOM (UTF-8, UTF-16 LE/BE); UTF-16 without BOM when every other byte is NUL; valid
  /// UTF-8; GB18030 when its two-byte codes look like Chinese text; Latin-1 when the non-ASCII
  /// bytes stand alone between ASCII (Western European text); Shift_JIS when the bytes are valid
  /// Shift_JIS but read poorly as GB18030; otherwise GB18030 (an undecodable byte is then reported
  /// with its offset while reading). UTF-8 that is valid in the prefix but invalid later is
  /// reported as an error while reading, not re-detected.
  ///
  /// - Parameters:
  ///   - prefix: the first bytes of the file (64 KiB is plenty).
  ///   - isWholeFile: true when `prefix` is the entire file (a truncated sequence at its end is then an error).
  public static func detect(_ prefix: UnsafeRawBufferPointer, isWholeFile: Bool) -> CSVEncoding {
    let n = prefix.count
    guard n > 0, let base = prefix.baseAddress else { return .utf8 }
    let p = base.assumingMemoryBound(to: UInt8.self)
    if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
      return CSVEncoding(name: "utf-8-sig", decoding: .utf8, bomLength: 3)
    }
    if n >= 2, p[0] == 0xFF, p[1] == 0xFE { return CSVEncoding(name: "utf-16", decoding: .iconv("UTF-16LE"), bomLength: 2) }
    if n >= 2, p[0] == 0xFE, p[1] == 0xFF { return CSVEncoding(name: "utf-16", decoding: .iconv("UTF-16BE"), bomLength: 2) }
    if let utf16 = utf16WithoutBOM(p, n) { return utf16 }
    let stats = ByteStats(p, n, isWholeFile: isWholeFile)
    if stats.utf8Valid || (stats.utf8Multibyte > 0 && stats.utf8Multibyte >= 4 * stats.utf8Invalid) { return .utf8 }
    if stats.gbValid && stats.gbPairs > 0 && stats.gbCorePairs * 2 >= stats.gbPairs { return .gb18030 }
    if stats.high > 0 && stats.isolatedHigh * 10 >= stats.high * 8 { return CSVEncoding(name: "latin-1", decoding: .iconv("ISO-8859-1")) }
    if stats.sjisValid { return CSVEncoding(name: "shift_jis", decoding: .iconv("SHIFT_JIS")) }
    return .gb18030
  }

  private static func utf16WithoutBOM(_ p: UnsafePointer<UInt8>, _ n: Int) -> CSVEncoding? {
    let m = min(n, 4096) & ~1
    guard m >= 4 else { return nil }
    var zeroEven = 0, zeroOdd = 0
    for i in 0..<m where p[i] == 0 { if i & 1 == 0 { zeroEven += 1 } else { zeroOdd += 1 } }
    let pairs = m / 2
    if zeroOdd * 10 >= pairs * 4 && zeroEven * 10 < pairs { return CSVEncoding(name: "utf-16-le", decoding: .iconv("UTF-16LE")) }
    if zeroEven * 10 >= pairs * 4 && zeroOdd * 10 < pairs { return CSVEncoding(name: "utf-16-be", decoding: .iconv("UTF-16BE")) }
    return nil
  }
}

/// Counts over a prefix that the detector weighs.
private struct ByteStats {
  var utf8Valid = true, utf8Multibyte = 0, utf8Invalid = 0
  var gbValid = true, gbPairs = 0, gbCorePairs = 0
  var sjisValid = true
  var high = 0, isolatedHigh = 0

  init(_ p: UnsafePointer<UInt8>, _ n: Int, isWholeFile: Bool) {
    // UTF-8.
    var v = UTF8Validator()
    var i = 0
    while i < n {
      let step = v.validate(UnsafeRawBufferPointer(start: p + i, count: n - i))
      guard let e = step.errorAt else { break }
      utf8Valid = false
      i = max(i + e + 1, i + 1)
    }
    if v.isInsideSequence && isWholeFile { utf8Valid = false }
    // Complete multibyte sequences versus stray high bytes.
    i = 0
    while i < n {
      let b = p[i]
      if b < 0x80 { i += 1; continue }
      let len = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0
      if len == 0 || i + len > n { i += 1; if len == 0 || isWholeFile { utf8Invalid += 1 }; continue }
      var ok = true
      for k in 1..<len where p[i + k] & 0xC0 != 0x80 { ok = false }
      if ok { utf8Multibyte += 1; i += len } else { utf8Invalid += 1; i += 1 }
    }
    // GB18030 structure.
    i = 0
    while i < n {
      let b = p[i]
      if b < 0x80 { i += 1; continue }
      if b == 0x80 || b == 0xFF { gbValid = false; break }
      if i + 1 >= n { if isWholeFile { gbValid = false }; break }
      let t = p[i + 1]
      if t >= 0x40 && t != 0x7F && t != 0xFF {
        gbPairs += 1
        if b >= 0xA1 && b <= 0xF7 && t >= 0xA1 { gbCorePairs += 1 }
        i += 2
      } else if t >= 0x30 && t <= 0x39 {
        if i + 3 >= n { if isWholeFile { gbValid = false }; break }
        if p[i + 2] < 0x81 || p[i + 2] == 0xFF || p[i + 3] < 0x30 || p[i + 3] > 0x39 { gbValid = false; break }
        i += 4
      } else {
        gbValid = false; break
      }
    }
    // Shift_JIS structure.
    i = 0
    while i < n {
      let b = p[i]
      if b < 0x80 || (b >= 0xA1 && b <= 0xDF) { i += 1; continue }
      if (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC) {
        if i + 1 >= n { if isWholeFile { sjisValid = false }; break }
        let t = p[i + 1]
        if t < 0x40 || t == 0x7F || t > 0xFC { sjisValid = false; break }
        i += 2
      } else {
        sjisValid = false; break
      }
    }
    // Isolated high bytes (Latin-1 text: é between ASCII letters).
    for j in 0..<n where p[j] >= 0x80 {
      high += 1
      let before = j == 0 || p[j - 1] < 0x80
      let after = j + 1 >= n || p[j + 1] < 0x80
      if before && after { isolatedHigh += 1 }
    }
  }
}

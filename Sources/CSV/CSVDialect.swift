/// How the records of a CSV file end.
public enum CSVLineEndings: String, Sendable, CustomStringConvertible {
  /// LF (Unix).
  case lf
  /// CR LF (Windows, RFC 4180).
  case crlf
  /// A lone CR (classic Mac).
  case cr

  public var description: String { rawValue }
  /// The bytes of this line ending.
  public var bytes: [UInt8] {
    switch self { case .lf: return [0x0A]; case .crlf: return [0x0D, 0x0A]; case .cr: return [0x0D] }
  }
}

/// Dialect sniffing over a sample of a file's text (UTF-8 bytes), outside the hot path.
public enum CSVDialect {
  /// The delimiters `sniffDelimiter` chooses among, in order of preference on a tie.
  public static let sniffedDelimiters: [Unicode.Scalar] = [",", "\t", ";", "|"]
  /// The full-width comma U+FF0C, used only when the caller asks for it (it is common inside Chinese text).
  public static let fullWidthComma: Unicode.Scalar = "\u{FF0C}"

  /// Picks the delimiter whose count per record, outside quotes, is the most consistent over the
  /// first records of `sample` (at most `maxRecords`), among `candidates`.
  ///
  /// A candidate must occur at least once per record in its most common count; when none does,
  /// the answer is `,`. Ties go to the earlier candidate. Memory: O(records × candidates) counters.
  public static func sniffDelimiter(_ sample: UnsafeRawBufferPointer,
                                    candidates: [Unicode.Scalar] = sniffedDelimiters,
                                    maxRecords: Int = 100) -> Unicode.Scalar {
    guard let base = sample.baseAddress, sample.count > 0, !candidates.isEmpty else { return "," }
    let p = base.assumingMemoryBound(to: UInt8.self)
    let n = sample.count
    let single = candidates.map { $0.value < 0x80 ? UInt8($0.value) : 0 }
    var counts: [[Int]] = []
    var current = [Int](repeating: 0, count: candidates.count)
    var inQuotes = false
    var i = 0
    var recordHasBytes = false
    while i < n && counts.count < maxRecords {
      let b = p[i]
      if b == 0x22 {
        inQuotes.toggle()
      } else if !inQuotes && (b == 0x0A || b == 0x0D) {
        if recordHasBytes { counts.append(current) }
        current = [Int](repeating: 0, count: candidates.count)
        recordHasBytes = false
        i += 1
        continue
      } else if !inQuotes {
        for (k, d) in single.enumerated() where d != 0 && d == b { current[k] += 1 }
        if b == 0xEF, i + 2 < n, p[i + 1] == 0xBC, p[i + 2] == 0x8C,
           let k = candidates.firstIndex(of: fullWidthComma) {
          current[k] += 1
        }
      }
      recordHasBytes = true
      i += 1
    }
    if recordHasBytes && i >= n && counts.count < maxRecords { counts.append(current) }
    guard !counts.isEmpty else { return "," }
    var best: Unicode.Scalar = ","
    var bestScore = 0.0
    for k in candidates.indices {
      var freq: [Int: Int] = [:]
      for c in counts { freq[c[k], default: 0] += 1 }
      guard let (mode, hits) = freq.filter({ $0.key > 0 }).max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) })
      else { continue }
      _ = mode
      let score = Double(hits) / Double(counts.count)
      if score > bestScore { bestScore = score; best = candidates[k] }
    }
    return best
  }

  /// The most frequent line ending in `sample` (ties: CR LF, then LF, then CR); LF when there is none.
  public static func detectLineEndings(_ sample: UnsafeRawBufferPointer) -> CSVLineEndings {
    guard let base = sample.baseAddress else { return .lf }
    let p = base.assumingMemoryBound(to: UInt8.self)
    let n = sample.count
    var crlf = 0, cr = 0, lf = 0
    var i = 0
    while i < n {
      let b = p[i]
      if b == 0x0D {
        if i + 1 < n && p[i + 1] == 0x0A { crlf += 1; i += 2; continue }
        if i + 1 < n { cr += 1 }
      } else if b == 0x0A {
        lf += 1
      }
      i += 1
    }
    if crlf == 0 && cr == 0 && lf == 0 { return .lf }
    if crlf >= lf && crlf >= cr { return .crlf }
    if lf >= cr { return .lf }
    return .cr
  }
}

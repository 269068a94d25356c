import Tabular

/// Collects diagnostics for one file, keeping at most `limit` of them.
///
/// Counts by severity and by code go on after the limit, so a report can still say
/// "3,412 errors" while listing the first 1,000; `isPartial` is then true.
///
/// - Complexity: `add` is amortised O(1). Memory is O(limit) diagnostics plus one counter per code.
public struct DiagnosticCollector: Sendable {
  /// The default number of diagnostics kept per file.
  public static let defaultLimit = 1000

  /// How many diagnostics are kept at most.
  public let limit: Int
  /// The kept diagnostics, in the order they were added.
  public private(set) var diagnostics: [Diagnostic] = []
  /// True once a diagnostic was counted but not kept.
  public private(set) var isPartial = false
  private var severityCounts = SeverityCounts()
  /// Counts by code, in first-seen order: a ledger has a handful of codes, so a short list
  /// (compared by slug, usually the same static string) is cheaper per finding than hashing.
  private var codeCounts: [(code: DiagnosticCode, count: Int)] = []

  /// How many diagnostics of each code were added (kept or not).
  public var countsByCode: [DiagnosticCode: Int] {
    var d: [DiagnosticCode: Int] = [:]
    for (c, n) in codeCounts { d[c, default: 0] += n }
    return d
  }

  /// Makes an empty collector that keeps at most `limit` diagnostics (at least 0).
  public init(limit: Int = DiagnosticCollector.defaultLimit) {
    self.limit = max(0, limit)
  }

  /// Adds a diagnostic: counts it, and keeps it while under the limit.
  public mutating func add(_ d: Diagnostic) {
    tally(d.code, d.severity)
    if diagnostics.count < limit {
      diagnostics.append(d)
    } else {
      isPartial = true
    }
  }

  /// Counts a finding that would not be kept (the collector is full) without building its diagnostic.
  ///
  /// Same effect as `add(Diagnostic(code: code, severity: severity))` once `diagnostics.count >= limit`.
  public mutating func addUnkept(_ code: DiagnosticCode, _ severity: Severity) {
    tally(code, severity)
    if diagnostics.count < limit {
      diagnostics.append(Diagnostic(code: code, severity: severity))
    } else {
      isPartial = true
    }
  }

  private mutating func addCount(_ code: DiagnosticCode, _ n: Int) {
    if let i = codeCounts.firstIndex(where: { $0.code == code }) { codeCounts[i].count += n } else { codeCounts.append((code, n)) }
  }

  @inline(__always)
  private mutating func tally(_ code: DiagnosticCode, _ severity: Severity) {
    severityCounts[Int(severity.rawValue)] += 1
    for i in codeCounts.indices where codeCounts[i].code == code {
      codeCounts[i].count += 1
      return
    }
    codeCounts.append((code, 1))
  }

  /// Adds several diagnostics.
  public mutating func add<S: Sequence>(contentsOf s: S) where S.Element == Diagnostic {
    for d in s { add(d) }
  }

  /// How many diagnostics of `severity` were added, including those not kept.
  public func count(_ severity: Severity) -> Int { severityCounts[Int(severity.rawValue)] }

  /// How many diagnostics were added in all, including those not kept.
  public var totalCount: Int { severityCounts.total }

  /// True when no `error` was added.
  public var isValid: Bool { count(.error) == 0 }

  /// Moves the kept diagnostics and counts of `other` into this collector (for per-sheet collectors).
  public mutating func merge(_ other: DiagnosticCollector) {
    for d in other.diagnostics { add(d) }
    // Counts of diagnostics `other` did not keep.
    for s in Severity.allCases {
      let kept = other.diagnostics.lazy.filter { $0.severity == s }.count
      let extra = other.count(s) - kept
      if extra > 0 { severityCounts[Int(s.rawValue)] += extra; isPartial = true }
    }
    for (code, n) in other.countsByCode {
      let kept = other.diagnostics.lazy.filter { $0.code == code }.count
      if n > kept { addCount(code, n - kept) }
    }
    if other.isPartial { isPartial = true }
  }
}

/// How serious a finding is.
///
/// `policy` is kept apart from `error` so a report can say "the data is well formed, but
/// this officer has fewer than 60 training hours" without counting the row as invalid.
public enum Severity: UInt8, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
  /// Information only (a schema was chosen, a footer was skipped).
  case info = 0
  /// A compliance finding against policy (training hours, staffing ratios); the data itself is valid.
  case policy = 1
  /// Suspicious or normalised data that is still usable.
  case warning = 2
  /// Bad data: the cell or row cannot be accepted as it is.
  case error = 3

  /// The lower-case name used in schemas and JSON reports (`error`, `warning`, `policy`, `info`).
  public var description: String {
    switch self {
    case .info: return "info"
    case .policy: return "policy"
    case .warning: return "warning"
    case .error: return "error"
    }
  }

  /// Parses the lower-case name; returns nil for anything else.
  public init?(name: String) {
    switch name.lowercased() {
    case "info": self = .info
    case "policy": self = .policy
    case "warning", "warn": self = .warning
    case "error": self = .error
    default: return nil
    }
  }

  public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
}

/// One counter per severity, indexed by `Severity.rawValue`, held inline: findings are counted
/// once each, millions of times on a large file, and an array would check its buffer's
/// uniqueness on every increment.
public struct SeverityCounts: Sendable, Hashable {
  private var info = 0, policy = 0, warning = 0, error = 0

  public init() {}

  /// The counter of the severity whose raw value is `i` (0 for an unknown value; setting one is ignored).
  public subscript(i: Int) -> Int {
    @inline(__always) get {
      switch i {
      case 0: return info
      case 1: return policy
      case 2: return warning
      case 3: return error
      default: return 0
      }
    }
    @inline(__always) set {
      switch i {
      case 0: info = newValue
      case 1: policy = newValue
      case 2: warning = newValue
      case 3: error = newValue
      default: break
      }
    }
  }

  /// All counters added up.
  public var total: Int { info + policy + warning + error }
}

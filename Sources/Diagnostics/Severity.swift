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

import Foundation
import Tabular

/// The list of agencies (本级行政执法部门名单) that `单位` columns are checked against.
///
/// Lookup normalises both sides (spaces removed, full-width folded, `（盖章）` dropped) and
/// answers an exact match, a suggestion for a near miss, or nothing. Near misses, in order:
/// the 简称 (optionally with the banner prefix in front), a name missing or adding a
/// banner/bureau character (旗, 局…) or the banner prefix, the smallest edit distance on
/// characters within `max(1, length / 5)`, and finally an abbreviation: the typed characters
/// found in order in a 单位名称 or 简称 (`苏左旗应急管理局` in `苏尼特左旗应急管理局`, `达茂旗司法局`
/// in `达尔罕茂明安联合旗司法局`), scored and answered with a confidence (`abbreviation`).
///
/// - Complexity: exact lookups are O(1) (a dictionary); suggestions are O(entries × length²).
public struct AgencyRoster: Sendable {
  /// One agency.
  public struct Entry: Sendable, Hashable {
    public var name: String
    public var shortName: String?
    public var creditCode: String?

    public init(name: String, shortName: String? = nil, creditCode: String? = nil) {
      self.name = name
      self.shortName = shortName
      self.creditCode = creditCode
    }
  }

  /// The answer for a looked-up name.
  public enum Match: Sendable, Hashable {
    /// The name is on the roster (after normalisation); the canonical name.
    case exact(String)
    /// Not on the roster, but close to this canonical name; `reason` is `short-name`,
    /// `prefix`, `containment` or `edit-distance`.
    case suggestion(String, reason: String)
    /// Not on the roster, but its characters appear in this order in these canonical names
    /// (one, or several that fit equally well, in roster order): a clerk's abbreviation.
    /// `confidence` is the match's score in percent (`abbreviationScore`), at least
    /// `abbreviationThreshold`.
    case abbreviation([String], confidence: Int)
    case none
  }

  public private(set) var entries: [Entry]
  private var byKey: [String: Int] = [:]
  private var byShortKey: [String: Int] = [:]

  /// Makes a roster from entries.
  public init(entries: [Entry]) {
    self.entries = entries
    for (i, e) in entries.enumerated() {
      byKey[Self.key(e.name)] = byKey[Self.key(e.name)] ?? i
      if let s = e.shortName, !s.isEmpty { byShortKey[Self.key(s)] = byShortKey[Self.key(s)] ?? i }
    }
  }

  /// Makes a roster from rows of a roster sheet whose header is row `headerRow`'s
  /// columns 单位名称, 简称, 统一社会信用代码 (matched by the `agency-roster` schema's titles and aliases).
  /// Rows before and including the header are skipped by the caller; `columns` maps fields to columns.
  public init(rows: [Row], nameColumn: Int, shortNameColumn: Int?, creditCodeColumn: Int?) {
    var list: [Entry] = []
    for r in rows {
      guard let i = r.cellIndex(column: nameColumn) else { continue }
      let name = r.text(i).trimmingSpaces
      if name.isEmpty { continue }
      let short = shortNameColumn.flatMap { r.cellIndex(column: $0) }.map { r.text($0).trimmingSpaces }
      let code = creditCodeColumn.flatMap { r.cellIndex(column: $0) }.map { r.text($0).trimmingSpaces }
      list.append(Entry(name: name, shortName: short?.isEmpty == true ? nil : short,
                        creditCode: code?.isEmpty == true ? nil : code))
    }
    self.init(entries: list)
  }

  /// The comparison key: no spaces, full-width folded, brackets unified, `（盖章）` removed.
  static func key(_ s: String) -> String {
    var out = ""
    for ch in TextNormalization.folded(s) where !ch.isWhitespace {
      switch ch {
      case "（": out.append("(")
      case "）": out.append(")")
      default: out.append(ch)
      }
    }
    for stamp in ["(盖章)", "(公章)", "(章)"] { out = out.replacingOccurrences(of: stamp, with: "") }
    return out
  }

  /// Looks a name up.
  public func lookup(_ name: String) -> Match {
    let k = Self.key(name)
    if k.isEmpty { return .none }
    if let i = byKey[k] { return .exact(entries[i].name) }
    if let i = byShortKey[k] { return .suggestion(entries[i].name, reason: "short-name") }
    // A banner prefix followed by a short name: 乌审旗 + 市场监管局.
    for e in entries {
      guard let s = e.shortName.map(Self.key), !s.isEmpty, k.hasSuffix(s) else { continue }
      let prefix = String(k.dropLast(s.count))
      if !prefix.isEmpty, Self.key(e.name).hasPrefix(prefix) { return .suggestion(e.name, reason: "short-name") }
    }
    // The name without the banner prefix, or with a prefix the roster lacks.
    var contained: [Int] = []
    for (i, e) in entries.enumerated() {
      let ek = Self.key(e.name)
      if k.count >= 4, ek.hasSuffix(k) || k.hasSuffix(ek) { contained.append(i) }
    }
    if contained.count == 1 { return .suggestion(entries[contained[0]].name, reason: "prefix") }
    // Smallest edit distance, unique.
    let kc = Array(k)
    var best = Int.max
    var bestIndex: [Int] = []
    for (i, e) in entries.enumerated() {
      let ec = Array(Self.key(e.name))
      guard abs(ec.count - kc.count) <= 3 else { continue }
      let d = Self.editDistance(kc, ec)
      if d < best { best = d; bestIndex = [i] } else if d == best { bestIndex.append(i) }
    }
    if bestIndex.count == 1, best <= max(1, kc.count / 5) {
      return .suggestion(entries[bestIndex[0]].name, reason: "edit-distance")
    }
    // An abbreviation: the characters in order inside a name or short name.
    guard kc.count >= 4 else { return .none }
    var top = 0
    var fits: [Int] = []
    for (i, e) in entries.enumerated() {
      var score = Self.abbreviationScore(kc, Array(Self.key(e.name)))
      if let short = e.shortName { score = max(score, Self.abbreviationScore(kc, Array(Self.key(short)))) }
      if score > top { top = score; fits = [i] } else if score == top, score > 0 { fits.append(i) }
    }
    if top >= Self.abbreviationThreshold { return .abbreviation(fits.map { entries[$0].name }, confidence: top) }
    return .none
  }

  /// The lowest `abbreviationScore` that is suggested (percent).
  public static let abbreviationThreshold = 60

  /// How well `typed` abbreviates `name`, in percent: 0 unless every typed character appears in
  /// `name` in order and the first characters agree (banner abbreviations keep the first:
  /// 苏左旗, 达茂旗); else the share of characters the two have in common, `2·|typed| ÷ (|typed| +
  /// |name|)` (`苏左旗应急管理局` for `苏尼特左旗应急管理局`: 89; `达茂旗司法局` for
  /// `达尔罕茂明安联合旗司法局`: 67).
  public static func abbreviationScore(_ typed: [Character], _ name: [Character]) -> Int {
    guard !typed.isEmpty, typed.count < name.count, typed.first == name.first else { return 0 }
    var j = 0
    for ch in typed {
      while j < name.count && name[j] != ch { j += 1 }
      if j == name.count { return 0 }
      j += 1
    }
    return (200 * typed.count) / (typed.count + name.count)
  }

  /// Levenshtein distance on characters.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&prev, &cur)
    }
    return prev[b.count]
  }
}

import Foundation

/// The corpus comparison rules (the corpus READMEs: `xlsx-oracle/1` and `xls-oracle/1` share them),
/// used by the `.xlsx` reader's conformance test and by the `.xls` one that runs `cat --json`.
public enum CorpusComparison {
  /// Compares one cell: `["n", x]` with a relative tolerance of 1e-12, `["d", iso, serial]` by iso text
  /// and serial within 2e-8, `["b", v]` by truth, anything else (`s`, `e`) by its text.
  public static func same(_ a: [Any], _ e: [Any]) -> Bool {
    guard let at = a.first as? String, let et = e.first as? String, at == et, a.count == e.count else { return false }
    switch at {
    case "n":
      guard let x = number(a[1]), let y = number(e[1]) else { return false }
      return x == y || abs(x - y) <= 1e-12 * max(abs(x), abs(y))
    case "b":
      guard let x = truth(a[1]), let y = truth(e[1]) else { return false }
      return x == y
    case "d":
      guard let x = number(a[2]), let y = number(e[2]) else { return false }
      return (a[1] as? String) == (e[1] as? String) && abs(x - y) <= 2e-8
    default:
      return (a[1] as? String) == (e[1] as? String)
    }
  }

  static func number(_ v: Any) -> Double? {
    if let d = v as? Double { return d }
    if let i = v as? Int { return Double(i) }
    return (v as? NSNumber)?.doubleValue
  }

  static func truth(_ v: Any) -> Bool? {
    if let b = v as? Bool { return b }
    return (v as? NSNumber)?.boolValue
  }

  /// A merged range as the comparison sees it: a one-cell merge `A6` is `A6:A6`.
  public static func normalizedRange(_ r: String) -> String { r.contains(":") ? r : r + ":" + r }

  /// The differences between actual and expected sheets (`name`, `visible`, `merged`, `cells`,
  /// `disputed`): sheet names and order, visibility, merged ranges, every listed cell, and no cell
  /// that is not listed. Empty when they match.
  public static func compareSheets(expected: [[String: Any]], actual: [[String: Any]]) -> [String] {
    let en = expected.map { $0["name"] as? String ?? "" }
    let an = actual.map { $0["name"] as? String ?? "" }
    if en != an { return ["sheets \(an) != expected \(en)"] }
    var problems: [String] = []
    for (e, a) in zip(expected, actual) {
      let sheet = e["name"] as? String ?? ""
      if (e["visible"] as? String) != (a["visible"] as? String) {
        problems.append("\(sheet): visible \(a["visible"] ?? "") != \(e["visible"] ?? "")")
      }
      let em = Set(((e["merged"] as? [String]) ?? []).map(normalizedRange))
      let am = Set(((a["merged"] as? [String]) ?? []).map(normalizedRange))
      if em != am { problems.append("\(sheet): merged \(am.sorted()) != \(em.sorted())") }
      let disputed = Set(((e["disputed"] as? [String: Any]) ?? [:]).keys)
      let ec = (e["cells"] as? [String: [Any]]) ?? [:]
      let ac = (a["cells"] as? [String: [Any]]) ?? [:]
      for (ref, ev) in ec.sorted(by: { $0.key < $1.key }) where !disputed.contains(ref) {
        guard let av = ac[ref] else { problems.append("\(sheet)!\(ref): missing, expected \(ev)"); continue }
        if !same(av, ev) { problems.append("\(sheet)!\(ref): \(av) != expected \(ev)") }
      }
      for (ref, av) in ac.sorted(by: { $0.key < $1.key }) where ec[ref] == nil && !disputed.contains(ref) {
        problems.append("\(sheet)!\(ref): unexpected \(av)")
      }
    }
    return problems
  }
}

/// Matches header labels to the fields of one ledger.
///
/// Every field's title, aliases and name are normalised with `HeaderLabel` once, when the
/// matcher is built. A one-row label matches a field when its key equals one of those keys.
///
/// A two-row label (a parent such as `培训学时`, merged over several columns, above a child
/// such as `公共法律知识`) is tried in this order, first match wins:
/// 1. `parent/child` (`培训学时/公共法律知识`), as an alias may spell it;
/// 2. `parent+child` concatenated (`培训学时公共法律知识`);
/// 3. the contained-title rule: a key equal to the child plus a suffix of the parent
///    (`公共法律知识` + `学时` = `公共法律知识学时`, `合计` + `学时` = `合计学时`), or a prefix of
///    the parent plus the child (`培训` + `日期`); when several keys fit, the longest wins;
/// 4. the child alone (`公共法律知识`, when an alias says so).
/// The unit hint is the child's unit, else the parent's.
struct LabelMatcher {
  /// Normalised key → field index.
  private var index: [String: Int] = [:]
  /// All (key, field) pairs, for the contained-title rule.
  private var keys: [(key: String, field: Int)] = []

  init(_ ledger: LedgerLabels) {
    for (i, f) in ledger.fields.enumerated() {
      for spelling in [f.title] + f.aliases + [f.name] {
        let l = HeaderLabel(spelling)
        for k in [l.key, HeaderLabel.fold(spelling)] where !k.isEmpty {
          if index[k] == nil { index[k] = i }
          keys.append((k, i))
        }
      }
    }
  }

  /// The field a one-row label names, or nil.
  func match(_ label: HeaderLabel) -> Int? {
    guard !label.key.isEmpty else { return nil }
    return index[label.key]
  }

  /// The field a two-row label names, or nil (see the type's rules).
  func match(parent: HeaderLabel, child: HeaderLabel) -> Int? {
    if parent.key.isEmpty || parent.key == child.key { return match(child) }
    if child.key.isEmpty { return match(parent) }
    if let f = index[parent.key + "/" + child.key] { return f }
    if let f = index[parent.key + child.key] { return f }
    var best: (length: Int, field: Int)?
    let c = child.key
    let pScalars = Array(parent.key.unicodeScalars)
    for (k, f) in keys where k.count > c.count {
      var fits = false
      if k.hasPrefix(c) {
        let rest = String(k.unicodeScalars.dropFirst(c.unicodeScalars.count))
        fits = parent.key.hasSuffix(rest)
      }
      if !fits, k.hasSuffix(c) {
        let rest = String(k.unicodeScalars.dropLast(c.unicodeScalars.count))
        fits = parent.key.hasPrefix(rest) && rest.unicodeScalars.count <= pScalars.count
      }
      if fits, best == nil || k.count > best!.length { best = (k.count, f) }
    }
    if let best { return best.field }
    return index[c]
  }
}

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
struct LabelMatcher: Sendable {
  /// Normalised key → field index.
  private var index: [String: Int] = [:]
  /// All (key, field) pairs as UTF-8 bytes with their character counts, for the contained-title
  /// rule. Prefix and suffix tests on UTF-8 bytes of two valid strings always end on character
  /// boundaries, so they give the same answers as on Strings without walking grapheme clusters
  /// (which made recognition the largest cost of validating a small file).
  private var keys: [(key: [UInt8], characters: Int, field: Int)] = []
  /// Indices into `keys` by the key's first and by its last Unicode scalar: a key can contain a
  /// child label only if it starts or ends with it, so only these keys are tried.
  private var byFirst: [Unicode.Scalar: [Int]] = [:]
  private var byLast: [Unicode.Scalar: [Int]] = [:]

  init(_ ledger: LedgerLabels) { self.init(fields: ledger.fields) }

  /// A matcher over `fields` (a field's index is its position there). Built over the fields of every
  /// ledger, it answers nil exactly when each ledger's own matcher does: every rule only asks whether
  /// some key of the ledger fits the label, so a label no key of any ledger fits matches no ledger.
  init(fields: [FieldLabels]) {
    for (i, f) in fields.enumerated() {
      for spelling in [f.title] + f.aliases + [f.name] {
        let l = HeaderLabel(spelling)
        for k in [l.key, HeaderLabel.fold(spelling)] where !k.isEmpty {
          if index[k] == nil { index[k] = i }
          if let first = k.unicodeScalars.first, let last = k.unicodeScalars.last {
            byFirst[first, default: []].append(keys.count)
            byLast[last, default: []].append(keys.count)
          }
          keys.append((Array(k.utf8), k.count, i))
        }
      }
    }
  }

  /// The field a one-row label names, or nil.
  ///
  /// A key can equal the label only if some key starts with the label's first scalar: that cheap
  /// test turns away most cells that are not labels (data rows in the header buffer) before the
  /// String is hashed.
  func match(_ label: HeaderLabel) -> Int? {
    guard let first = label.key.unicodeScalars.first, byFirst[first] != nil else { return nil }
    return index[label.key]
  }

  /// The field a two-row label names, or nil (see the type's rules). Rules 1, 2 and 4 look a key up
  /// only when some key starts with the label's first scalar (as in ``match(_:)``).
  func match(parent: HeaderLabel, child: HeaderLabel) -> Int? {
    if parent.key.isEmpty || parent.key == child.key { return match(child) }
    if child.key.isEmpty { return match(parent) }
    guard let pFirst = parent.key.unicodeScalars.first,
          let cFirst = child.key.unicodeScalars.first, let cLast = child.key.unicodeScalars.last else { return nil }
    if byFirst[pFirst] != nil {
      if let f = index[parent.key + "/" + child.key] { return f }
      if let f = index[parent.key + child.key] { return f }
    }
    let startingWithChild = byFirst[cFirst], endingWithChild = byLast[cLast]
    if startingWithChild == nil && endingWithChild == nil { return nil }
    var best: (length: Int, field: Int)?
    let c = Array(child.key.utf8)
    let p = Array(parent.key.utf8)
    for candidates in [startingWithChild, endingWithChild] {
    for ki in candidates ?? [] {
      let (k, characters, f) = keys[ki]
      guard k.count > c.count else { continue }
      var fits = false
      if k.starts(with: c) {
        // key = child + a suffix of the parent
        let rest = k[c.count...]
        fits = rest.count <= p.count && p[(p.count - rest.count)...].elementsEqual(rest)
      }
      if !fits, k[(k.count - c.count)...].elementsEqual(c) {
        // key = a prefix of the parent + child
        fits = p.starts(with: k[..<(k.count - c.count)])
      }
      if fits, best == nil || characters > best!.length { best = (characters, f) }
    }
    }
    if let best { return best.field }
    return startingWithChild == nil ? nil : index[child.key]
  }
}

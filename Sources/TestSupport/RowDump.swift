import Tabular

extension Row {
  /// The row as one line of text for comparing readers: `prefix`, then every cell's column, kind,
  /// formula flag, text and number. Rows that dump alike were read alike.
  public func dumpLine(prefix: String) -> String {
    var s = "\(prefix)\(index)\(isHidden ? "h" : ""):"
    for (k, c) in cells.enumerated() {
      s += " \(c.column)=\(c.kind)/\(c.isFormula):\(text(k))#\(c.number)"
    }
    return s
  }
}

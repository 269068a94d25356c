import Tabular

/// How a read cell is shown as text (CSV output, previews): numbers keep their original digits,
/// dates print as `2023-07-13` (with ` HH:MM:SS` when they carry a time), booleans as TRUE/FALSE.
public enum CellText {
  /// Appends the display text of cell `i` of `row` to `out`.
  public static func append(_ row: Row, _ i: Int, dateSystem: DateSystem, to out: inout [UInt8]) {
    let c = row.cells[i]
    switch c.kind {
    case .empty, .formulaWithoutValue:
      return
    case .string, .number, .error:
      row.withText(i) { out.append(contentsOf: $0) }
    case .boolean:
      out.append(contentsOf: c.number != 0 ? Array("TRUE".utf8) : Array("FALSE".utf8))
    case .date:
      guard let comps = dateSystem.components(serial: c.number) else {
        row.withText(i) { out.append(contentsOf: $0) }
        return
      }
      switch c.dateKind {
      case .dateTime:
        var s = comps.isoDate
        if comps.hour != 0 || comps.minute != 0 || comps.second != 0 { s += " " + comps.isoTime }
        out.append(contentsOf: Array(s.utf8))
      case .timeOfDay:
        out.append(contentsOf: Array(comps.isoTime.utf8))
      case .duration:
        let iso = dateSystem.isoString(serial: c.number, kind: .duration) ?? ""
        out.append(contentsOf: Array(iso.utf8))
      }
    }
  }

  /// The display texts of a row, positionally (blank columns are "").
  public static func texts(of row: Row, dateSystem: DateSystem) -> [String] {
    var result = Array(repeating: "", count: row.width)
    var buf: [UInt8] = []
    for i in 0..<row.cells.count {
      buf.removeAll(keepingCapacity: true)
      append(row, i, dateSystem: dateSystem, to: &buf)
      result[Int(row.cells[i].column)] = String(decoding: buf, as: UTF8.self)
    }
    return result
  }
}

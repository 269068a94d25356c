/// Where something was found: attached to every thrown read error and every diagnostic.
///
/// Only the fields that apply are set: a ZIP error has `file` and `entry`; a cell finding has
/// `file`, `sheet`, `row` and `column`; a CSV encoding error has `byteOffset` and `line`.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public var file: String?
  /// Sheet name (XLSX) — nil for CSV.
  public var sheet: String?
  /// ZIP entry (part) name, e.g. `xl/worksheets/sheet1.xml`.
  public var entry: String?
  /// Zero-based row index.
  public var row: Int?
  /// Zero-based column index.
  public var column: Int?
  /// 1-based line in the file or part (XML or CSV).
  public var line: Int?
  /// Byte offset in the file or the uncompressed part.
  public var byteOffset: Int?

  public init(file: String? = nil, sheet: String? = nil, entry: String? = nil, row: Int? = nil,
              column: Int? = nil, line: Int? = nil, byteOffset: Int? = nil) {
    self.file = file; self.sheet = sheet; self.entry = entry; self.row = row
    self.column = column; self.line = line; self.byteOffset = byteOffset
  }

  /// The A1 reference when row and column are both known, e.g. `D17`.
  public var a1: String? {
    guard let row, let column else { return nil }
    return CellAddress(row: row, column: column).a1
  }

  /// `file` › `sheet`!`D17` (entry, line, byte) — the parts that are known.
  public var description: String {
    var parts: [String] = []
    if let file { parts.append(file) }
    if let sheet {
      if let a1 { parts.append("\(sheet)!\(a1)") } else { parts.append(sheet) }
    } else if let a1 {
      parts.append(a1)
    } else if let row {
      parts.append("row \(row + 1)")
    }
    if let entry { parts.append(entry) }
    if let line { parts.append("line \(line)") }
    if let byteOffset { parts.append("byte \(byteOffset)") }
    return parts.joined(separator: ", ")
  }
}

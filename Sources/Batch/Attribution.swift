import ByteIO
import Foundation
import Intake
import Schema
import Tabular

/// Which agency sent a message, and how that was decided.
public enum Attribution: Sendable, Hashable {
  /// The sender's address is in the roster's 邮箱 column.
  case mailbox(String)
  /// The file names it (填报单位 line or the agency column); decided while reading.
  case file
  /// The attachment's file name contains one roster name (or short name) and no other.
  case fileName(String)
  /// The sender's display name is a roster name (or a clear variant of one).
  case displayName(String)
  /// Several roster agencies fit; listed for the clerk, nothing guessed.
  case ambiguous([String])
  /// Nothing fits; listed for the clerk.
  case unknown

  /// The agency decided before reading, when there is one.
  var agency: String? {
    switch self {
    case .mailbox(let a), .fileName(let a), .displayName(let a): return a
    default: return nil
    }
  }

  /// How it was decided, for the log.
  var how: String {
    switch self {
    case .mailbox: return "mailbox"
    case .file: return "file"
    case .fileName: return "file-name"
    case .displayName: return "display-name"
    case .ambiguous: return "ambiguous"
    case .unknown: return "unknown"
    }
  }
}

/// The roster's 邮箱 column: sender address → agency. Read from the roster file beside the names
/// (`单位名称` and `邮箱`, `电子邮箱`, `联系邮箱`, `邮箱地址` or `email` in the same header row; several
/// addresses in one cell separated by `;`, `，`, `、` or spaces).
public struct RosterMailboxes: Sendable {
  /// Lowercased address → the agencies listing it (more than one: ambiguous).
  public private(set) var agencies: [String: [String]] = [:]
  /// Agency → its addresses, in roster order (for reminders).
  public private(set) var addresses: [String: [String]] = [:]

  public init() {}

  /// Reads the 邮箱 column of the roster at `path`; a roster without one gives an empty map.
  /// - Throws: ``InputProblem`` when the file cannot be read.
  public init(path: String) throws {
    let opened = try OpenedFile.open(path: path)
    var v = Finder()
    try opened.walk(&v)
    for (name, cell) in v.pairs {
      for a in Self.split(cell) {
        if !(agencies[a]?.contains(name) ?? false) { agencies[a, default: []].append(name) }
        if !(addresses[name]?.contains(a) ?? false) { addresses[name, default: []].append(a) }
      }
    }
  }

  /// Adds one address (tests and the command line).
  public mutating func add(address: String, agency: String) {
    let a = address.lowercased()
    if !(agencies[a]?.contains(agency) ?? false) { agencies[a, default: []].append(agency) }
    if !(addresses[agency]?.contains(a) ?? false) { addresses[agency, default: []].append(a) }
  }

  public var isEmpty: Bool { agencies.isEmpty }

  static func split(_ cell: String) -> [String] {
    cell.split(whereSeparator: { ";；,，、 \u{3000}\n\t".contains($0) })
      .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<>")).lowercased() }
      .filter { $0.contains("@") }
  }

  /// Finds the first header row holding a name column and a mail column, then reads the pairs below it.
  private struct Finder: SheetVisitor {
    var pairs: [(String, String)] = []
    static let nameTitles: Set<String> = ["单位名称", "单位", "部门名称", "执法部门"]
    static let mailTitles: Set<String> = ["邮箱", "电子邮箱", "联系邮箱", "邮箱地址", "电子邮件", "email", "e-mail", "邮件地址"]

    mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
      var row = Row()
      var nameCol: Int?, mailCol: Int?
      var scanned = 0
      while try sheet.rows.nextRow(into: &row) {
        if let n = nameCol, let m = mailCol {
          guard let ni = row.cellIndex(column: n), let mi = row.cellIndex(column: m) else { continue }
          let name = row.text(ni).trimmingCharacters(in: .whitespacesAndNewlines)
          let mail = row.text(mi)
          if !name.isEmpty && !mail.isEmpty { pairs.append((name, mail)) }
          continue
        }
        scanned += 1
        if scanned > 20 { break }
        var n: Int?, m: Int?
        for i in row.cells.indices {
          let t = row.text(i).filter { !$0.isWhitespace }.lowercased()
          if Self.nameTitles.contains(t), n == nil { n = Int(row.cells[i].column) }
          if Self.mailTitles.contains(t), m == nil { m = Int(row.cells[i].column) }
        }
        if n != nil && m != nil { nameCol = n; mailCol = m }
      }
      return pairs.isEmpty
    }
  }
}

/// Decides the agency of a message before its files are read, in the documented order.
struct AgencyAttributor {
  let roster: AgencyRoster?
  let mailboxes: RosterMailboxes

  /// - Parameters:
  ///   - sender: the sender's address.
  ///   - displayName: the sender's display name.
  ///   - fileNames: the spreadsheet attachments' names.
  ///   - fileAgencies: the agencies the files name in their 填报单位 lines (nil entries: none).
  func attribute(sender: String?, displayName: String?, fileNames: [String], fileAgencies: [String?]) -> Attribution {
    if let s = sender?.lowercased(), let list = mailboxes.agencies[s] {
      return list.count == 1 ? .mailbox(list[0]) : .ambiguous(list)
    }
    if fileAgencies.contains(where: { $0 != nil }) { return .file }
    guard let roster else { return .unknown }
    var fromNames = Set<String>()
    for f in fileNames {
      let hits = Self.namesIn(f, roster: roster)
      if hits.count > 1 { return .ambiguous(hits.sorted()) }
      fromNames.formUnion(hits)
    }
    if fromNames.count == 1 { return .fileName(fromNames.first!) }
    if fromNames.count > 1 { return .ambiguous(fromNames.sorted()) }
    if let d = displayName, !d.isEmpty {
      switch roster.lookup(d) {
      case .exact(let n), .suggestion(let n, _): return .displayName(n)
      case .abbreviation, .none: break  // an abbreviation is a guess: the clerk decides
      }
    }
    return .unknown
  }

  /// Roster agencies whose full name, or short name with the banner prefix, appears in `fileName`;
  /// a full name wins over the short names it contains.
  static func namesIn(_ fileName: String, roster: AgencyRoster) -> Set<String> {
    var hay = fileName
    return hay.withUTF8 { namesIn(utf8: $0, roster: roster) }
  }

  /// ``namesIn(_:roster:)`` on the name's UTF-8 bytes (UTF-8 is self-synchronising, so a byte match is a match
  /// of whole characters).
  private static func namesIn(utf8 hay: UnsafeBufferPointer<UInt8>, roster: AgencyRoster) -> Set<String> {
    func contains(_ needle: String) -> Bool { ByteSearch.contains(Array(needle.utf8), in: hay) }
    var full = Set<String>()
    for e in roster.entries where contains(e.name) { full.insert(e.name) }
    // 乌审旗市场监督管理局 contains 乌审旗市场监督管理局 only, but a roster listing both 乌审旗X局 and
    // 乌审旗X局某分局 would hit both: keep the longest names.
    full = full.filter { n in !full.contains { $0 != n && $0.contains(n) } }
    if !full.isEmpty { return full }
    var short = Set<String>()
    for e in roster.entries {
      if let s = e.shortName, s.count >= 3, contains(s) { short.insert(e.name) }
    }
    return short
  }
}

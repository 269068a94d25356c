/// One `key：value` pair found in a line above the header or in a footer.
public struct MetadataEntry: Sendable, Hashable {
  /// The key as written, whitespace removed, e.g. `填报单位`.
  public var key: String
  /// The value, trimmed, with seal marks such as `（盖章）` removed.
  public var value: String
  /// Zero-based sheet row.
  public var row: Int
  /// Zero-based column of the cell holding the pair.
  public var column: Int

  /// Creates an entry.
  public init(key: String, value: String, row: Int, column: Int) {
    self.key = key
    self.value = value
    self.row = row
    self.column = column
  }
}

/// What a submission says about itself outside the table.
///
/// Sources, in order of trust:
/// - **Metadata lines** above the header: `填报单位：X（盖章）  填报日期：2023年10月8日`,
///   `联系人：`, `联系电话：` (full-width or half-width colon, several pairs on one line or
///   spread across the cells of one row). Empty values (`联系人：` alone) are kept as entries
///   but do not fill the typed properties.
/// - **Footer lines**: `填表人：赵敏  联系电话：0477-2521381`, `审核人：…`.
/// - **Title rows**: the agency, only when the title starts with a known agency name or with a
///   name ending in an institution suffix (局, 委员会, 办公室, 人民政府, 中心, 大队, 支队, 院, 所,
///   站, 街道办事处, 镇人民政府, 苏木) — `乌审旗市场监督管理局2023年度…台账`.
/// - **The file name**: the same rule, applied to each part of the name split at `_ - 、 空格`.
///   A bare region such as `乌审旗` in `乌审旗_执法人员培训学时台账.xlsx` is *not* taken as the
///   agency: it names the banner, not the submitting agency, and a wrong agency is worse than
///   none (the validator reports a missing agency instead). It becomes `region` when it ends in
///   旗, 县, 区, 市 or 盟.
public struct SubmissionMetadata: Sendable, Hashable {
  /// Where the agency was found.
  public enum AgencySource: String, Sendable, Hashable {
    case metadataLine = "metadata-line"
    case title
    case fileName = "file-name"
    case footer
    /// The template marker (`sheetgate.agency`): exact.
    case templateMarker = "template-marker"
  }

  /// The submitting agency (`填报单位`, `报送单位`, `单位名称`…), seal marks removed.
  public var agency: String?
  /// Where `agency` came from.
  public var agencySource: AgencySource?
  /// The report date as written (`填报日期`, `报送日期`, `填报时间`).
  public var reportDate: String?
  /// The contact person (`联系人`).
  public var contact: String?
  /// The phone number (`联系电话`, `电话`, `手机`).
  public var phone: String?
  /// The person who filled the form (`填表人`, `填报人`, `制表人`).
  public var filler: String?
  /// The reviewer (`审核人`, `负责人`).
  public var reviewer: String?
  /// A region taken from the file name (`乌审旗`), never used as the agency.
  public var region: String?
  /// The period the template marker names (`sheetgate.period`), if any.
  public var period: String?
  /// Every pair found, in reading order.
  public var entries: [MetadataEntry] = []

  /// Creates empty metadata.
  public init() {}

  /// Adds the pairs of one line and fills the typed properties that are still empty.
  mutating func add(_ found: [MetadataEntry], fromFooter: Bool) {
    for e in found {
      entries.append(e)
      guard !e.value.isEmpty else { continue }
      switch MetadataParser.role(of: e.key) {
      case .agency?:
        if agency == nil {
          agency = e.value
          agencySource = fromFooter ? .footer : .metadataLine
        }
      case .date?: if reportDate == nil { reportDate = e.value }
      case .contact?: if contact == nil { contact = e.value }
      case .phone?: if phone == nil { phone = e.value }
      case .filler?: if filler == nil { filler = e.value }
      case .reviewer?: if reviewer == nil { reviewer = e.value }
      case nil: break
      }
    }
  }
}

/// Parses `key：value` pairs and agency names. Works on header-buffer and footer text only.
enum MetadataParser {
  enum Role { case agency, date, contact, phone, filler, reviewer }

  static let roles: [(String, Role)] = [
    ("填报单位", .agency), ("报送单位", .agency), ("单位名称", .agency), ("填报部门", .agency), ("单位", .agency),
    ("填报日期", .date), ("报送日期", .date), ("填报时间", .date), ("填表日期", .date), ("日期", .date),
    ("联系人", .contact), ("联系电话", .phone), ("电话", .phone), ("手机", .phone), ("手机号码", .phone),
    ("填表人", .filler), ("填报人", .filler), ("制表人", .filler), ("审核人", .reviewer), ("负责人", .reviewer),
  ]

  /// The role of a key; a bracketed remark is ignored (`审核人(签字)` is a reviewer).
  static func role(of key: String) -> Role? {
    let bare = key.firstIndex(of: "(").map { String(key[..<$0]) } ?? key
    return roles.first { $0.0 == bare }?.1
  }

  static let sealMarks = ["(盖章)", "（盖章）", "(公章)", "（公章）", "(签章)", "（签章）", "(签字)", "（签字）"]

  /// The pairs in `text` (one cell). A key is the run of non-space characters before a colon
  /// (`：` or `:`; a `:` between digits, as in `09:12:52`, or before `/` is not one), at most 10
  /// characters, with a known key preferred when one ends there; the value runs to the start of
  /// the next key or the end.
  static func entries(in text: String, row: Int, column: Int) -> [MetadataEntry] {
    let s = Array(text.unicodeScalars)
    var colons: [Int] = []
    for (i, c) in s.enumerated() where c == ":" || c == "\u{FF1A}" {
      // A half-width colon between digits is a time (09:12:52), before `/` a URL scheme.
      if c == ":", i > 0, i + 1 < s.count,
         (s[i - 1].properties.numericType != nil && s[i + 1].properties.numericType != nil) || s[i + 1] == "/" {
        continue
      }
      colons.append(i)
    }
    if colons.isEmpty { return [] }
    // Find each key's start, scanning back from its colon over non-space scalars.
    var spans: [(keyStart: Int, colon: Int)] = []
    var floor = 0
    for colon in colons {
      var k = colon
      while k > floor, !s[k - 1].properties.isWhitespace, s[k - 1] != ":", s[k - 1] != "\u{FF1A}" { k -= 1 }
      if colon - k > 10 || colon == k {
        // A time such as 09:12:52 or a long sentence: not a key unless a known key ends here.
        let before = String(String.UnicodeScalarView(s[k..<colon]))
        guard let known = roles.map(\.0).filter({ before.hasSuffix($0) }).max(by: { $0.count < $1.count }) else { continue }
        k = colon - known.unicodeScalars.count
      } else {
        // Several pairs without spaces: `X局填报日期：…` — split off a known key at the end.
        let before = String(String.UnicodeScalarView(s[k..<colon]))
        if role(of: before) == nil,
           let known = roles.map(\.0).filter({ before.hasSuffix($0) && before != $0 }).max(by: { $0.count < $1.count }),
           !spans.isEmpty {
          k = colon - known.unicodeScalars.count
        }
      }
      spans.append((k, colon))
      floor = colon + 1
    }
    var out: [MetadataEntry] = []
    for (n, span) in spans.enumerated() {
      let end = n + 1 < spans.count ? spans[n + 1].keyStart : s.count
      let key = HeaderLabel.fold(String(String.UnicodeScalarView(s[span.keyStart..<span.colon])))
      var value = HeaderGrid.trimmed(String(String.UnicodeScalarView(s[(span.colon + 1)..<max(span.colon + 1, end)])))
      for mark in sealMarks where value.hasSuffix(mark) {
        value = HeaderGrid.trimmed(String(value.dropLast(mark.count)))
      }
      out.append(MetadataEntry(key: key, value: value, row: row, column: column))
    }
    return out
  }

  static let institutionSuffixes = [
    "街道办事处", "镇人民政府", "人民政府", "委员会", "办公室", "管理局", "执法局", "中心", "大队", "支队", "局", "委", "院",
    "所", "站", "苏木", "办",
  ]
  static let regionSuffixes: Set<Character> = ["旗", "县", "区", "市", "盟"]

  /// An agency named at the start of `text`: a known agency (longest first), else the longest
  /// prefix of 3–30 characters, before a digit or a ledger word, ending in an institution suffix.
  static func agency(inTitle text: String, known: [String]) -> String? {
    let t = HeaderLabel.fold(text)
    if let k = known.filter({ !$0.isEmpty && t.hasPrefix(HeaderLabel.fold($0)) }).max(by: { $0.count < $1.count }) {
      return k
    }
    var prefix = ""
    for ch in t {
      if ch.isNumber || ch == "(" { break }
      prefix.append(ch)
      if prefix.count > 30 { return nil }
    }
    var best: String?
    var candidate = ""
    for ch in prefix {
      candidate.append(ch)
      if candidate.count >= 3, institutionSuffixes.contains(where: { candidate.hasSuffix($0) }) { best = candidate }
    }
    return best
  }

  /// The parts of a file name, without directory and extension, split at `_ - 、 ` and spaces.
  static func fileNameParts(_ path: String) -> [String] {
    var name = Substring(path)
    if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) { name = name[name.index(after: slash)...] }
    if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = name[..<dot] }
    return name.split(whereSeparator: { "_-－—、 \u{3000}".contains($0) }).map(String.init)
  }

  /// Fills `agency` (or `region`) from the title lines and the file name, when still empty.
  static func completeAgency(_ m: inout SubmissionMetadata, titles: [String], context: SheetContext) {
    if m.agency == nil {
      for t in titles {
        if let a = agency(inTitle: t, known: context.knownAgencies) {
          m.agency = a
          m.agencySource = .title
          break
        }
      }
    }
    guard let file = context.fileName else { return }
    for part in fileNameParts(file) {
      if m.agency == nil, let a = agency(inTitle: part, known: context.knownAgencies), a == part || a.count >= 3 {
        m.agency = a
        m.agencySource = .fileName
      } else if m.region == nil, let last = part.last, regionSuffixes.contains(last), part.count <= 8 {
        m.region = part
      }
    }
  }
}

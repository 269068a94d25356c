import Recognition
import Schema
import Tabular
import XLSXWriter

/// `sheetgate template`: a workbook made from a schema that a filer cannot easily get wrong.
///
/// The data sheet has the ledger's title (merged), the `填报单位：` / `填报日期：` line, a bold header
/// with frozen panes, and a data area of ``Options/rows`` rows carrying one data validation per
/// column (dropdowns for enums and the roster, whole-number / decimal / date bounds, text lengths),
/// an input message saying what goes in and an error message saying what was wrong. Columns of
/// identifiers are formatted as text (`@`) so Excel keeps every digit. The title, the metadata line
/// the clerk pre-filled and the header are locked (sheet protection without a password); the data
/// area is not. A `填表说明` sheet explains every field and rule in Chinese; long dropdown lists sit
/// on a hidden `代码表` sheet. The workbook's custom properties carry the marker recognition reads
/// back (`TemplateMarker`).
public enum TemplateJob {
  /// What to pre-fill and how big the data area is.
  public struct Options: Sendable {
    /// The agency the template is for: pre-filled in `填报单位：` and in the marker.
    public var agency: String?
    /// The period (`2023`): in the title and the marker.
    public var period: String?
    /// The roster: the agency column gets a dropdown of its names when the schema has a roster foreign key.
    public var roster: AgencyRoster?
    /// Data rows below the header (default 200).
    public var rows: Int
    /// The creation time written in the document properties (nil: now). Tests fix it.
    public var created: DateTimeParts?

    public init(agency: String? = nil, period: String? = nil, roster: AgencyRoster? = nil, rows: Int = 200,
                created: DateTimeParts? = nil) {
      self.agency = agency; self.period = period; self.roster = roster; self.rows = rows; self.created = created
    }
  }

  /// The most data rows a template may have.
  public static let maxRows = 100_000
  /// Zero-based rows of the layout.
  public static let titleRow = 0, metadataRow = 1, headerRow = 2, firstDataRow = 3
  /// The instructions sheet's name.
  public static let instructionsSheet = "填表说明"
  /// The hidden sheet holding long dropdown lists.
  public static let listSheet = "代码表"

  /// Writes the template for `schema` to `path` (atomically).
  /// - Throws: ``UsageProblem``-style errors are the caller's; this throws `XLSXWriteError` when writing fails.
  public static func write(schema: TableSchema, options: Options, to path: String) throws {
    let plan = Plan(schema: schema, options: options)
    var props = DocumentProperties(title: plan.title, subject: schema.name, author: "sheetgate",
                                   comments: "由 sheetgate 按表结构「\(schema.name)」生成的填报模板",
                                   created: options.created ?? DateTimeParts.now())
    props.custom = plan.marker.properties.map { CustomProperty(name: $0.name, value: $0.value) }
    let wb = try WorkbookWriter(path: path, options: WorkbookOptions(properties: props))
    do {
      try writeDataSheet(wb, plan)
      try writeInstructions(wb, plan)
      if !plan.longLists.isEmpty { _ = try wb.writeListSheet(name: listSheet, lists: plan.longLists) }
      try wb.close()
    } catch {
      wb.discard()
      throw error
    }
  }

  /// A short fingerprint of what a filer's columns depend on (names, titles, types, formats, required,
  /// enums): `sheetgate.schemaVersion`. FNV-1a 64, hex.
  public static func schemaVersion(_ schema: TableSchema) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    func add(_ s: String) {
      for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
      h = (h ^ 0x1F) &* 0x100_0000_01b3
    }
    add(schema.name)
    for f in schema.fields {
      add(f.name); add(f.title ?? ""); add(f.type.rawValue); add(f.format.rawValue)
      add(f.constraints.required ? "1" : "0")
      add((f.constraints.enumValues ?? []).map(\.description).joined(separator: ","))
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  // MARK: Plan

  /// Everything decided from the schema before a byte is written.
  struct Plan {
    let schema: TableSchema
    let options: Options
    let title: String
    let sheetName: String
    let marker: TemplateMarker
    /// Per field: its dropdown values (nil: none).
    var lists: [[String]?] = []
    /// Lists too long to write inline, in `代码表` column order; `listColumn[field]` is the column.
    var longLists: [[String]] = []
    var listColumn: [Int: Int] = [:]

    init(schema: TableSchema, options: Options) {
      self.schema = schema
      self.options = options
      let base = schema.title ?? schema.name
      if let p = options.period, !p.isEmpty {
        title = p.allSatisfy(\.isNumber) ? "\(p)年度\(base)" : "\(p)\(base)"
      } else {
        title = base
      }
      sheetName = TemplateJob.sheetName(base)
      marker = TemplateMarker(ledger: schema.name, schemaVersion: TemplateJob.schemaVersion(schema),
                              agency: options.agency, period: options.period)
      let rosterField = Set(schema.foreignKeys.filter { $0.resource == "agency-roster" }.flatMap(\.fields))
      for (i, f) in schema.fields.enumerated() {
        var list: [String]?
        if let e = f.constraints.enumValues { list = e.map(\.description) }
        else if f.type == .boolean { list = ["是", "否"] }
        else if rosterField.contains(i), let r = options.roster, !r.entries.isEmpty { list = r.entries.map(\.name) }
        if let l = list {
          let inline = l.reduce(l.count - 1) { $0 + $1.utf16.count } <= 255 && !l.contains { $0.contains(",") || $0.contains("\"") }
          if !inline {
            listColumn[i] = longLists.count
            longLists.append(l)
          }
        }
        lists.append(list)
      }
    }

    var columns: Int { schema.fields.count }
    var lastDataRow: Int { TemplateJob.firstDataRow + max(1, options.rows) - 1 }
  }

  /// A sheet name from a title: Excel's forbidden characters dropped, at most 31 characters.
  static func sheetName(_ title: String) -> String {
    var s = String(title.filter { !"[]:*?/\\".contains($0) })
    while s.utf16.count > 31 { s.removeLast() }
    while s.hasPrefix("'") { s.removeFirst() }
    while s.hasSuffix("'") { s.removeLast() }
    if s.isEmpty || s == TemplateJob.instructionsSheet || s == TemplateJob.listSheet || s.lowercased() == "history" { return "填报表" }
    return s
  }

  /// True for columns whose values are identifiers Excel would mangle as numbers.
  static func isTextColumn(_ f: Field) -> Bool {
    f.type == .string || f.type == .any
  }

  static func width(_ f: Field) -> Double {
    let title = f.displayName
    var w = 0.0
    for ch in title.unicodeScalars { w += ch.value >= 0x2E80 ? 2 : 1 }
    var floor = 8.0
    switch f.format {
    case .idCard, .creditCode: floor = 22
    case .docNumber: floor = 24
    case .certNumber, .mobile, .phone: floor = 16
    default: break
    }
    switch f.type {
    case .date, .datetime: floor = max(floor, 12)
    case .string where f.format == .default && f.constraints.enumValues == nil: floor = max(floor, 16)
    default: break
    }
    if let e = f.constraints.enumValues {
      for v in e { var n = 0.0; for ch in v.description.unicodeScalars { n += ch.value >= 0x2E80 ? 2 : 1 }; floor = max(floor, n + 4) }
    }
    return min(60, max(floor, w + 3))
  }

  // MARK: The data sheet

  static func writeDataSheet(_ wb: WorkbookWriter, _ plan: Plan) throws {
    let schema = plan.schema
    let n = plan.columns
    let titleStyle = wb.addStyle(CellStyle(bold: true, fontSize: 16, horizontal: .center, vertical: .center))
    let metaLocked = wb.addStyle(CellStyle(vertical: .center))
    let metaOpen = wb.addStyle(CellStyle(fillColor: "FFF2CC", vertical: .center, locked: false))
    let header = wb.addStyle(CellStyle(bold: true, fillColor: "D9D9D9", border: true, horizontal: .center,
                                       vertical: .center, wrap: true))
    let requiredHeader = wb.addStyle(CellStyle(bold: true, fontColor: "C00000", fillColor: "D9D9D9", border: true,
                                               horizontal: .center, vertical: .center, wrap: true))
    var columnStyles: [Int: StyleID] = [:]
    var widths: [Int: Double] = [:]
    for (i, f) in schema.fields.enumerated() {
      var format: String?
      if isTextColumn(f) { format = "@" }
      switch f.type {
      case .date: format = "yyyy-mm-dd"
      case .datetime: format = "yyyy-mm-dd hh:mm"
      case .time: format = "hh:mm"
      case .integer, .year: format = "0"
      default: break
      }
      columnStyles[i] = wb.addStyle(CellStyle(border: true, vertical: .center, wrap: isTextColumn(f) && f.format == .default,
                                              numberFormat: format, locked: false))
      widths[i] = width(f)
    }
    var setup = PageSetup(landscape: n > 6, repeatRows: headerRow...headerRow)
    setup.centerHorizontally = true
    var opts = SheetOptions(freezeRows: firstDataRow, columnWidths: widths, autoWidth: false)
    opts.pageSetup = setup
    opts.columnStyles = [:]
    try wb.beginSheet(name: plan.sheetName, options: opts)

    // Title (merged across the table) and the metadata line.
    try wb.writeRow([.text(plan.title)] + Array(repeating: CellInput.empty, count: max(0, n - 1)),
                    styles: [titleStyle] + Array(repeating: titleStyle, count: max(0, n - 1)), height: 32)
    if n > 1 { try wb.mergeCells(CellRange(first: CellAddress(row: titleRow, column: 0), last: CellAddress(row: titleRow, column: n - 1))) }
    let half = max(1, n / 2)
    let agencyText = "填报单位：" + (plan.options.agency ?? "")
    var meta = [CellInput](repeating: .empty, count: n)
    var metaStyles = [StyleID?](repeating: nil, count: n)
    let agencyStyle = plan.options.agency == nil ? metaOpen : metaLocked
    meta[0] = .text(agencyText)
    for c in 0..<half { metaStyles[c] = agencyStyle }
    if n > 1 {
      meta[half] = .text("填报日期：")
      for c in half..<n { metaStyles[c] = metaOpen }
    }
    try wb.writeRow(meta, styles: metaStyles, height: 22)
    if half > 1 { try wb.mergeCells(CellRange(first: CellAddress(row: metadataRow, column: 0), last: CellAddress(row: metadataRow, column: half - 1))) }
    if n - half > 1 { try wb.mergeCells(CellRange(first: CellAddress(row: metadataRow, column: half), last: CellAddress(row: metadataRow, column: n - 1))) }

    // Header: required fields in dark red.
    try wb.writeRow(schema.fields.map { .text($0.displayName) },
                    styles: schema.fields.map { $0.constraints.required ? requiredHeader : header }, height: 36)

    // The data area: empty cells carrying the column's unlocked style, so they stay editable and keep their format.
    let blankRow = (0..<n).map { columnStyles[$0] }
    for r in firstDataRow...plan.lastDataRow {
      try wb.writeBlankRow(styles: blankRow, at: r)
    }

    // One validation per column over the data area.
    for (i, f) in schema.fields.enumerated() {
      let range = CellRange(first: CellAddress(row: firstDataRow, column: i), last: CellAddress(row: plan.lastDataRow, column: i))
      if let v = validation(for: f, index: i, range: range, plan: plan) { try wb.addDataValidation(v) }
    }
    var protection = SheetProtection()
    protection.allowFormatColumns = true
    protection.allowFormatRows = true
    try wb.protect(protection)
    try wb.endSheet()
  }

  /// The rule, input message and error message for one column.
  static func validation(for f: Field, index: Int, range: CellRange, plan: Plan) -> DataValidation? {
    let c = f.constraints
    var rule: DataValidation.Rule?
    var errorStyle = DataValidation.ErrorStyle.stop
    if let list = plan.lists[index] {
      if let col = plan.listColumn[index] {
        let name = CellAddress.columnName(col)
        rule = .listRange(WorkbookWriter.reference(sheet: listSheet, "$\(name)$1:$\(name)$\(max(1, list.count))"))
      } else {
        rule = .list(list)
      }
      // Synonyms (`网络学习` for `网络培训`) are accepted by the validator: warn, do not refuse.
      // Booleans accept Y/N, √/× and the like too. Roster names are refused when not listed.
      if !f.enumSynonyms.isEmpty || f.type == .boolean { errorStyle = .warning }
    } else {
      switch f.type {
      case .integer:
        rule = .wholeNumber(min: c.minimum.flatMap(intBound), max: c.maximum.flatMap(intBound))
      case .number:
        rule = .decimal(min: c.minimum.flatMap(decimalBound), max: c.maximum.flatMap(decimalBound))
      case .year:
        rule = .wholeNumber(min: c.minimum.flatMap(intBound) ?? 1900, max: c.maximum.flatMap(intBound) ?? 2100)
      case .date:
        rule = .date(from: c.minimum.flatMap(dateBound) ?? DateTimeComponents(year: 1950, month: 1, day: 1),
                     to: c.maximum.flatMap(dateBound) ?? DateTimeComponents(year: 2099, month: 12, day: 31))
        // A month on its own (`2023年12月`) is valid for month-precision dates but is text to Excel.
        if f.monthPrecision { errorStyle = .warning }
      case .string:
        switch f.format {
        case .idCard: rule = .textLength(min: 15, max: 18)
        case .creditCode: rule = .textLength(min: 18, max: 18)
        case .mobile: rule = .textLength(min: 11, max: 11)
        default:
          if c.minLength != nil || c.maxLength != nil { rule = .textLength(min: c.minLength, max: c.maxLength) }
        }
      default: break
      }
      if let r = rule, case .decimal(nil, nil) = r { rule = .decimal(min: "-1E+15", max: "1E+15") }
      if let r = rule, case .wholeNumber(nil, nil) = r { rule = .wholeNumber(min: -2_000_000_000, max: 2_000_000_000) }
    }
    let prompt = clip(inputMessage(f, plan: plan, index: index), 255)
    let error = clip(errorMessage(f, plan: plan, index: index), 255)
    // A column without a rule still gets its input message (an "any value" rule carries it).
    var v = DataValidation(ranges: [range], rule: rule ?? .textLength(min: 0, max: 32_767),
                           promptTitle: clip(f.displayName + (c.required ? "（必填）" : ""), 32), prompt: prompt,
                           errorTitle: clip(f.displayName + "填写有误", 32), error: error)
    v.errorStyle = errorStyle
    return v
  }

  static func intBound(_ v: TypedValue) -> Int? {
    switch v {
    case .integer(let i): return Int(i)
    case .year(let y): return y
    case .decimal(let d): return Int(d.description.split(separator: ".").first ?? "")
    default: return nil
    }
  }

  static func decimalBound(_ v: TypedValue) -> String? { v.decimal?.description }

  static func dateBound(_ v: TypedValue) -> DateTimeComponents? {
    if case .date(let d) = v { return DateTimeComponents(year: d.year, month: d.month, day: d.day) }
    return nil
  }

  static func clip(_ s: String, _ n: Int) -> String {
    var out = ""
    var count = 0
    for ch in s {
      let u = String(ch).utf16.count
      if count + u > n { break }
      out.append(ch); count += u
    }
    return out
  }

  // MARK: Words for the filer

  /// `数字`, `日期（2023-06-15）`, `身份证号（18位）`…
  static func typeWords(_ f: Field) -> String {
    switch f.format {
    case .idCard: return "18位身份证号（文本）"
    case .creditCode: return "18位统一社会信用代码（文本）"
    case .mobile: return "11位手机号码"
    case .phone: return "电话号码（如 0477-2521381 或手机号）"
    case .docNumber: return "文号（如 乌政办发〔2023〕15号）"
    case .certNumber: return "执法证号（文本，保留全部数字）"
    case .personName: return "姓名（汉字，少数民族姓名用“·”分隔）"
    case .email: return "电子邮箱"
    case .uri: return "网址"
    default: break
    }
    switch f.type {
    case .integer: return "整数"
    case .number: return "数字"
    case .boolean: return "是/否"
    case .date: return f.monthPrecision ? "日期（2023-06-15，或只填年月 2023年6月）" : "日期（如 2023-06-15）"
    case .datetime: return "日期时间（如 2023-06-15 14:30）"
    case .time: return "时间（如 14:30）"
    case .year: return "四位年份（如 2023）"
    case .yearmonth: return "年月（如 2023-06）"
    case .string, .any: return "文字"
    }
  }

  static func boundsWords(_ f: Field) -> String? {
    let c = f.constraints
    var parts: [String] = []
    if let lo = c.minimum, let hi = c.maximum { parts.append("\(lo)～\(hi)") }
    else if let lo = c.minimum { parts.append("不小于 \(lo)") }
    else if let hi = c.maximum { parts.append("不大于 \(hi)") }
    if let lo = c.minLength, let hi = c.maxLength { parts.append("\(lo)～\(hi)个字") }
    else if let hi = c.maxLength { parts.append("不超过\(hi)个字") }
    else if let lo = c.minLength { parts.append("至少\(lo)个字") }
    return parts.isEmpty ? nil : parts.joined(separator: "，")
  }

  /// An example value that the schema accepts.
  static func example(_ f: Field, plan: Plan, index: Int) -> String {
    if let l = plan.lists[index], let first = l.first { return first }
    switch f.format {
    case .idCard:
      let first17 = "15062719900307123"
      return first17 + String(IDCard.checkCharacter(for: first17) ?? "X")
    case .creditCode:
      let first17 = "11152700MB1234567"
      return first17 + String(CreditCode.checkCharacter(for: first17) ?? "0")
    case .mobile: return "13904771234"
    case .phone: return "0477-2521381"
    case .docNumber: return "乌政办发〔2023〕15号"
    case .certNumber: return "15060020230001"
    case .personName: return "王伟"
    case .email: return "fzb@example.gov.cn"
    case .uri: return "https://www.example.gov.cn"
    default: break
    }
    switch f.type {
    case .integer:
      if let lo = f.constraints.minimum.flatMap(intBound) { return String(max(lo, 1)) }
      return "1"
    case .number:
      if let hi = f.constraints.maximum?.decimal, hi < ExactDecimal(32) { return hi.description }
      return "32"
    case .boolean: return "是"
    case .date: return "2023-06-15"
    case .datetime: return "2023-06-15 14:30"
    case .time: return "14:30"
    case .year: return "2023"
    case .yearmonth: return "2023-06"
    case .string, .any:
      if f.name == "agency" || f.displayName.hasSuffix("单位") || f.displayName.hasSuffix("部门") {
        return plan.options.agency ?? plan.options.roster?.entries.first?.name ?? "某某局"
      }
      return "（按实际填写）"
    }
  }

  static func inputMessage(_ f: Field, plan: Plan, index: Int) -> String {
    var s = f.constraints.required ? "必填。" : "选填。"
    if let l = plan.lists[index] {
      s += "请从下拉列表中选择"
      if plan.listColumn[index] == nil { s += "：" + l.joined(separator: "、") }
      s += "。"
    } else {
      s += "填写" + typeWords(f) + "。"
    }
    if let b = boundsWords(f) { s += "范围：" + b + "。" }
    s += "示例：" + example(f, plan: plan, index: index)
    return s
  }

  static func errorMessage(_ f: Field, plan: Plan, index: Int) -> String {
    if let l = plan.lists[index] {
      return "「\(f.displayName)」只能从下拉列表中选择" + (plan.listColumn[index] == nil ? "：" + l.joined(separator: "、") : "") + "。"
    }
    var s = "「\(f.displayName)」应填写" + typeWords(f)
    if let b = boundsWords(f) { s += "，范围" + b }
    return s + "。"
  }

  // MARK: 填表说明

  static func writeInstructions(_ wb: WorkbookWriter, _ plan: Plan) throws {
    let schema = plan.schema
    let title = wb.addStyle(CellStyle(bold: true, fontSize: 14))
    let header = wb.addStyle(CellStyle(bold: true, fillColor: "D9D9D9", border: true, horizontal: .center, vertical: .center, wrap: true))
    let cell = wb.addStyle(CellStyle(border: true, vertical: .top, wrap: true, numberFormat: "@"))
    let section = wb.addStyle(CellStyle(bold: true))
    let body = wb.addStyle(CellStyle(vertical: .top, wrap: true))
    var opts = SheetOptions(columnWidths: [0: 20, 1: 8, 2: 30, 3: 34, 4: 24, 5: 40], autoWidth: false)
    opts.pageSetup = PageSetup(landscape: true, repeatRows: 2...2)
    try wb.beginSheet(name: instructionsSheet, options: opts)
    try wb.writeRow([.text("《\(plan.title)》填表说明")], styles: [title], height: 24)
    let intro = "请在「\(plan.sheetName)」工作表第\(firstDataRow + 1)行起逐行填写，每行一条记录；表头和标题已锁定，不要改名、删列或插入列。选中单元格可看到填写提示。"
    try wb.writeRow([.text(intro)], styles: [body], height: wrappedHeight(intro, width: 156))
    try wb.mergeCells(CellRange(first: CellAddress(row: 1, column: 0), last: CellAddress(row: 1, column: 5)))
    try wb.writeRow([.text("项目"), .text("必填"), .text("类型和格式"), .text("可选值或范围"), .text("示例"), .text("说明")],
                    styles: Array(repeating: header, count: 6))
    for (i, f) in schema.fields.enumerated() {
      var allowed = plan.lists[i].map { l in l.count > 20 ? l.prefix(20).joined(separator: "、") + "等\(l.count)项（见下拉列表）" : l.joined(separator: "、") } ?? ""
      if let b = boundsWords(f) { allowed += allowed.isEmpty ? b : "；" + b }
      var notes: [String] = []
      if let d = f.description { notes.append(d) }
      if !f.enumSynonyms.isEmpty { notes.append("也接受：" + f.enumSynonyms.keys.sorted().joined(separator: "、")) }
      if schema.uniqueAcrossAgencies.contains(i) { notes.append("同一期间内不得由两个单位重复报送") }
      if f.fillMerged { notes.append("可合并单元格，合并区域内各行视为同一值") }
      if isTextColumn(f), f.format != .default { notes.append("单元格已设为文本格式，请勿改为数字，以免丢失位数") }
      let row: [CellInput] = [.text(f.displayName), .text(f.constraints.required ? "是" : "否"), .text(typeWords(f)),
                              .text(allowed), .text(example(f, plan: plan, index: i)), .text(notes.joined(separator: "；"))]
      try wb.writeRow(row, styles: Array(repeating: cell, count: 6))
    }
    try wb.writeRow([])
    try wb.writeRow([.text("填报规则")], styles: [section])
    var lines: [String] = []
    for k in schema.uniqueKeys {
      lines.append("「" + k.map { schema.fields[$0].displayName }.joined(separator: "」+「") + "」不得重复。")
    }
    for fk in schema.foreignKeys where fk.resource == "agency-roster" {
      lines.append("「" + fk.fields.map { schema.fields[$0].displayName }.joined(separator: "、") + "」须填写本级行政执法部门名单中的单位全称。")
    }
    for r in schema.rules {
      let kind: String
      switch r.severity {
      case .policy: kind = "政策要求（未达到的单独列出，不影响报送）"
      case .warning: kind = "提示"
      default: kind = "必须满足"
      }
      lines.append("\(r.message)。【\(kind)】")
    }
    for a in schema.aggregates {
      lines.append("\(a.message)。【按单位汇总检查】")
    }
    if lines.isEmpty { lines.append("无额外规则。") }
    for (n, l) in lines.enumerated() {
      try wb.writeRow([.text("\(n + 1). " + l)], styles: [body], height: wrappedHeight(l, width: 156))
      let r = wb.lastRowWritten
      try wb.mergeCells(CellRange(first: CellAddress(row: r, column: 0), last: CellAddress(row: r, column: 5)))
    }
    try wb.writeRow([])
    try wb.writeRow([.text("示例行")], styles: [section])
    let example = schema.fields.enumerated().map { "\($0.element.displayName)：\(Self.example($0.element, plan: plan, index: $0.offset))" }
    let exampleText = example.joined(separator: "；")
    try wb.writeRow([.text(exampleText)], styles: [body], height: wrappedHeight(exampleText, width: 156))
    let r = wb.lastRowWritten
    try wb.mergeCells(CellRange(first: CellAddress(row: r, column: 0), last: CellAddress(row: r, column: 5)))
    try wb.endSheet()
  }

  static func wrappedHeight(_ text: String, width: Double) -> Double {
    WorkbookWriter.wrappedHeight(text, width: width, lineHeight: 16)
  }
}

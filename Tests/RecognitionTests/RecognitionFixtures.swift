import Foundation
import Recognition
import Tabular

/// Ledger labels as the built-in schemas will describe them, with aliases seen in submissions.
enum Ledgers {
  static let training = LedgerLabels(
    name: "training-hours", title: "执法人员培训（轮训）学时台账", keywords: ["培训", "学时", "轮训"],
    fields: [
      FieldLabels(name: "seq", title: "序号", aliases: ["编号"]),
      FieldLabels(name: "agency", title: "单位", aliases: ["单位名称", "所属单位", "执法单位", "工作单位"], required: true,
                  fillMerged: true),
      FieldLabels(name: "name", title: "姓名", required: true),
      FieldLabels(name: "cert_no", title: "执法证号", aliases: ["执法证件号", "执法证编号", "执法证件号码"]),
      FieldLabels(name: "id_no", title: "身份证号", aliases: ["身份证号码", "公民身份号码"]),
      FieldLabels(name: "position", title: "职务", aliases: ["职级", "职务职级"]),
      FieldLabels(name: "public_hours", title: "公共法律知识学时", aliases: ["培训学时/公共法律知识", "公共法律知识"],
                  required: true),
      FieldLabels(name: "industry_hours", title: "行业法律知识学时", aliases: ["培训学时/行业法律知识", "行业法律知识"],
                  required: true),
      FieldLabels(name: "total_hours", title: "合计学时", aliases: ["培训学时/合计", "学时合计", "总学时"], required: true),
      FieldLabels(name: "method", title: "培训方式", aliases: ["培训形式"]),
      FieldLabels(name: "date", title: "培训日期", aliases: ["培训时间"]),
      FieldLabels(name: "remarks", title: "备注"),
    ])

  /// The training ledger without the `培训学时/…` aliases: two-row labels must match through
  /// the contained-title rule.
  static var trainingWithoutSlashAliases: LedgerLabels {
    var l = training
    for i in l.fields.indices { l.fields[i].aliases.removeAll { $0.contains("/") || $0 == "公共法律知识" || $0 == "行业法律知识" } }
    return l
  }

  static let discretion = LedgerLabels(
    name: "discretion-benchmarks", title: "行政裁量权基准统计表", keywords: ["裁量", "裁量权基准"],
    fields: [
      FieldLabels(name: "seq", title: "序号"),
      FieldLabels(name: "agency", title: "部门", aliases: ["单位", "实施部门", "执法部门"], required: true, fillMerged: true),
      FieldLabels(name: "category", title: "行为类别", aliases: ["执法类别", "职权类别"], required: true),
      FieldLabels(name: "offence", title: "违法行为", aliases: ["违法行为名称"], required: true),
      FieldLabels(name: "basis", title: "法律依据", aliases: ["处罚依据", "设定依据"], required: true),
      FieldLabels(name: "level", title: "裁量阶次", aliases: ["裁量等级", "裁量档次"], required: true),
      FieldLabels(name: "circumstances", title: "适用情形", aliases: ["适用条件", "情形"]),
      FieldLabels(name: "fine_min", title: "罚款下限（元）", aliases: ["罚款最低额", "罚款金额下限"]),
      FieldLabels(name: "fine_max", title: "罚款上限（元）", aliases: ["罚款最高额", "罚款金额上限"]),
      FieldLabels(name: "published", title: "公布日期", aliases: ["公布时间"]),
      FieldLabels(name: "filing", title: "备案情况", aliases: ["是否备案"]),
    ])

  static let normativeValid = LedgerLabels(
    name: "normative-documents-valid", title: "规范性文件目录（继续有效）", keywords: ["规范性文件", "继续有效"],
    fields: [
      FieldLabels(name: "seq", title: "序号"),
      FieldLabels(name: "doc_title", title: "文件名称", aliases: ["文件标题", "规范性文件名称"], required: true),
      FieldLabels(name: "doc_number", title: "文号", aliases: ["发文字号", "文件编号"], required: true),
      FieldLabels(name: "issuer", title: "制定机关", aliases: ["发文机关", "制定单位"], required: true),
      FieldLabels(name: "issued", title: "发布日期", aliases: ["印发日期", "发文日期"], required: true),
      FieldLabels(name: "valid_until", title: "有效期至", aliases: ["有效期"], required: true),
      FieldLabels(name: "filing", title: "备案情况", aliases: ["是否备案"]),
    ])

  static let normativeRepealed = LedgerLabels(
    name: "normative-documents-repealed", title: "规范性文件目录（宣布失效）", keywords: ["规范性文件", "宣布失效", "失效"],
    fields: [
      FieldLabels(name: "seq", title: "序号"),
      FieldLabels(name: "doc_title", title: "文件名称", aliases: ["文件标题", "规范性文件名称"], required: true),
      FieldLabels(name: "doc_number", title: "文号", aliases: ["发文字号", "文件编号"], required: true),
      FieldLabels(name: "issuer", title: "制定机关", aliases: ["发文机关", "制定单位"], required: true),
      FieldLabels(name: "issued", title: "发布日期", aliases: ["印发日期", "发文日期"], required: true),
      FieldLabels(name: "repealed", title: "失效日期", aliases: ["废止日期"], required: true),
      FieldLabels(name: "reason", title: "修改或失效理由", aliases: ["失效理由", "废止理由"]),
      FieldLabels(name: "filing", title: "备案情况", aliases: ["是否备案"]),
    ])

  static let all = [training, discretion, normativeValid, normativeRepealed]
}

/// A value for a hand-built cell.
enum V {
  case s(String)
  case n(Double, String)
}

/// Builds a `Row` from (column, value) pairs, as the XLSX reader would deliver it.
func makeRow(_ index: Int, _ cells: [(Int, V)]) -> Row {
  var r = Row()
  r.index = index
  for (c, v) in cells.sorted(by: { $0.0 < $1.0 }) {
    switch v {
    case .s(let t): r.append(column: c, kind: .string, string: t)
    case .n(let x, let t): r.append(column: c, kind: .number, number: x, string: t)
    }
  }
  return r
}

/// Builds a row of strings starting at column A; empty strings are left out.
func textRow(_ index: Int, _ texts: [String]) -> Row {
  makeRow(index, texts.enumerated().filter { !$0.element.isEmpty }.map { ($0.offset, V.s($0.element)) })
}

/// A `RowSource` over rows in memory.
struct ArraySource: RowSource {
  var rows: [Row]
  var position = 0
  init(_ rows: [Row]) { self.rows = rows }
  mutating func nextRow(into row: inout Row) throws -> Bool {
    guard position < rows.count else { return false }
    row = rows[position]
    position += 1
    return true
  }
}

func ranges(_ a1: [String]) -> [CellRange] { a1.compactMap { CellRange($0) } }

/// The training-hours sheet of `samples/乌审旗_执法人员培训学时台账.xlsx`, cell for cell.
enum TrainingSheet {
  static let merged = ranges(["K3:K4", "C3:C4", "B3:B4", "A3:A4", "A1:L1", "E3:E4", "L3:L4", "F3:F4", "D3:D4", "J3:J4",
                              "B8:B9", "G3:I3", "B5:B7"])

  static var rows: [Row] {
    var rows: [Row] = []
    rows.append(textRow(0, ["2023年度行政执法人员培训（轮训）学时台账"]))
    rows.append(makeRow(1, [(0, .s("填报单位：乌审旗司法局（盖章）")), (8, .s("填报日期：2023年10月8日"))]))
    rows.append(textRow(2, ["序号", "单位", "姓名", "执法证号", "身份证号", "职务", "培训学时", "", "", "培训方式", "培训日期", "备注"]))
    rows.append(makeRow(3, [(6, .s("公共法律知识")), (7, .s("行业法律知识")), (8, .s("合计"))]))
    let officers: [(String?, String, String, String, String, Double, Double, String, V)] = [
      ("乌审旗市场监督管理局", "王建国", "15062619000123", "150626198703152316", "科长", 32.5, 30, "集中轮训", .n(45120, "45120")),
      (nil, "乌力吉·巴特尔", "15062619000124", "15062619900101123X", "执法队员", 30, 34, "网络培训", .s("2023年7月20日")),
      (nil, "李秀英", "15062619000125", "150626199205084527", "一级科员", 28, 30, "集中轮训", .s("2023.8.1")),
      ("乌审旗综合行政执法局", "张磊", "15062621000031", "150626198811203412", "队长", 40, 36.5, "执法能力比赛", .n(45171, "45171")),
      (nil, "斯琴高娃", "15062621000032", "150626199512240026", "执法队员", 30, 30, "网络培训", .s("20230915")),
    ]
    for (i, o) in officers.enumerated() {
      var cells: [(Int, V)] = [(0, .n(Double(i + 1), String(i + 1))), (2, .s(o.1)), (3, .s(o.2)), (4, .s(o.3)), (5, .s(o.4)),
                               (6, .n(o.5, fmt(o.5))), (7, .n(o.6, fmt(o.6))), (8, .n(o.5 + o.6, fmt(o.5 + o.6))),
                               (9, .s(o.7)), (10, o.8)]
      if let a = o.0 { cells.append((1, .s(a))) }
      rows.append(makeRow(4 + i, cells))
    }
    rows.append(makeRow(9, [(0, .s("合计")), (6, .n(160.5, "160.5"))]))
    rows.append(makeRow(11, [(0, .s("填表人：赵敏")), (5, .s("联系电话：0477-2521381"))]))
    return rows
  }

  static func fmt(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}

/// The repository root (two levels above this file's folder).
let recognitionRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

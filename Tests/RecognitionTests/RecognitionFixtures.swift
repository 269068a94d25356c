import Foundation
import Intake
import Recognition
import Schema
import Tabular

/// The labels recognition matches against, made from the built-in schemas through the same
/// adapter the walker uses (`LedgerLabels(schema:)`), so the tests follow the schemas as shipped.
enum BuiltinLabels {
  static func labels(_ name: String) -> LedgerLabels {
    do { return LedgerLabels(schema: try BuiltinSchemas.load(named: name)) } catch { fatalError("built-in schema \(name): \(error)") }
  }

  static let training = labels("training-hours")
  static let discretion = labels("discretion-benchmarks")
  static let normativeValid = labels("normative-documents-valid")
  static let normativeRepealed = labels("normative-documents-repealed")

  /// The training ledger without its two-row (`培训学时/…`) and bare (`公共法律知识`) aliases: two-row
  /// labels must then match through the contained-title rule.
  static var trainingWithoutSlashAliases: LedgerLabels {
    var l = training
    for i in l.fields.indices {
      l.fields[i].aliases.removeAll { $0.contains("/") || $0.hasPrefix("公共法律知识") || $0.hasPrefix("行业法律知识") || $0 == "合计" }
    }
    return l
  }

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

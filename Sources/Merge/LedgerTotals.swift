import Schema

/// The ledger's own totals for one agency in `汇总`, accumulated row by row (O(1) memory per agency).
///
/// The training-hours ledger (a `total_hours` field) gets the supervisor's figures: officers, total
/// hours, officers under 60 h and the compliance rate (≥ 30 h public law, ≥ 30 h industry law and
/// ≥ 60 h in all, the annual training rule). Any other ledger gets the sum of each `number` field.
struct LedgerTotals {
  private let schema: TableSchema
  private let totalIndex: Int?
  private let publicIndex: Int?
  private let industryIndex: Int?
  private let numberFields: [Int]
  private(set) var sums: [ExactDecimal]
  private(set) var rows = 0
  private(set) var under60 = 0
  private(set) var compliant = 0

  init(schema: TableSchema) {
    self.schema = schema
    totalIndex = schema.fieldIndex(named: "total_hours")
    publicIndex = schema.fieldIndex(named: "public_hours")
    industryIndex = schema.fieldIndex(named: "industry_hours")
    numberFields = totalIndex != nil ? [totalIndex!] : schema.fields.indices.filter { schema.fields[$0].type == .number }
    sums = Array(repeating: .zero, count: numberFields.count)
  }

  /// The extra `汇总` column titles.
  var header: [String] {
    if totalIndex != nil { return ["培训人数", "总学时", "不足60学时人数", "达标人数", "达标率"] }
    return numberFields.map { schema.fields[$0].displayName + "合计" }
  }

  mutating func add(_ values: [String]) {
    rows += 1
    for (k, f) in numberFields.enumerated() where f < values.count {
      if let d = ExactDecimal(values[f]), let s = sums[k].adding(d) { sums[k] = s }
    }
    guard let t = totalIndex else { return }
    func hours(_ i: Int?) -> ExactDecimal? { i.flatMap { $0 < values.count ? ExactDecimal(values[$0]) : nil } }
    let total = hours(t) ?? .zero
    if total < ExactDecimal(60) { under60 += 1 }
    let thirty = ExactDecimal(30)
    if !(total < ExactDecimal(60)), !((hours(publicIndex) ?? .zero) < thirty), !((hours(industryIndex) ?? .zero) < thirty) {
      compliant += 1
    }
  }

  /// The extra `汇总` cells, matching ``header``.
  var cells: [MergeCell] {
    if totalIndex != nil {
      let rate: MergeCell = rows == 0 ? .empty : .text(Self.percent(compliant, of: rows))
      return [.number(String(rows)), .number(sums[0].normalized.description), .number(String(under60)),
              .number(String(compliant)), rate]
    }
    return sums.map { .number($0.normalized.description) }
  }

  mutating func merge(_ other: LedgerTotals) {
    rows += other.rows; under60 += other.under60; compliant += other.compliant
    for k in sums.indices { if let s = sums[k].adding(other.sums[k]) { sums[k] = s } }
  }

  /// `87.5%`, one decimal, computed in integers.
  static func percent(_ part: Int, of whole: Int) -> String {
    let tenths = (part * 1000 + whole / 2) / whole
    return "\(tenths / 10).\(tenths % 10)%"
  }
}

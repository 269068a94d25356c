extension BuiltinSchemas {
  /// 行政裁量权基准统计表.
  static let discretionBenchmarks = #"""
name: discretion-benchmarks
title: 行政裁量权基准统计表
keywords: [裁量权基准, 裁量基准, 行政裁量权, 裁量阶次]
missingValues: ["", "无", "/", "—"]
fields:
  - {name: seq, title: 序号, type: integer, aliases: [编号], constraints: {minimum: 1}}
  - {name: agency, title: 部门, type: string, fillMerged: true, aliases: [单位, 执法部门, 实施部门], constraints: {required: true}}
  - name: category
    title: 行为类别
    type: string
    aliases: [执法类别, 行政行为类别, 类别]
    fillMerged: true
    enumSynonyms: {行政处罚: [处罚], 行政许可: [许可], 行政检查: [检查], 行政强制: [强制]}
    constraints: {required: true, enum: [行政处罚, 行政许可, 行政确认, 行政征收征用, 行政给付, 行政强制, 行政检查]}
  - {name: violation, title: 违法行为, type: string, fillMerged: true, aliases: [违法行为名称, 事项名称], constraints: {required: true}}
  - {name: legal_basis, title: 法律依据, type: string, fillMerged: true, aliases: [设定依据, 处罚依据, 法律法规依据]}
  - name: tier
    title: 裁量阶次
    type: string
    aliases: [裁量等级, 裁量档次, 阶次]
    enumSynonyms: {减轻: [减轻处罚], 从轻: [从轻处罚], 一般: [一般处罚], 从重: [从重处罚]}
    constraints: {required: true, enum: [不予处罚, 减轻, 从轻, 一般, 从重]}
  - {name: circumstances, title: 适用情形, type: string, aliases: [适用条件, 情形]}
  - {name: fine_min, title: 罚款下限(元), type: number, aliases: [罚款下限, 罚款下限（元）, 下限（元）, 最低罚款], constraints: {minimum: 0}}
  - {name: fine_max, title: 罚款上限(元), type: number, aliases: [罚款上限, 罚款上限（元）, 上限（元）, 最高罚款], constraints: {minimum: 0}}
  - {name: published_on, title: 公布日期, type: date, aliases: [发布日期, 公布时间]}
  - name: filing
    title: 备案情况
    type: string
    aliases: [是否备案, 备案]
    enumSynonyms: {已备案: [是, 已, √], 未备案: [否, 未, ×]}
    constraints: {enum: [已备案, 未备案]}
foreignKeys:
  - fields: agency
    reference: {resource: agency-roster, fields: 单位名称}
rules:
  - name: fine-range
    expression: fine_min <= fine_max
    severity: error
    message: 罚款下限不能大于罚款上限
    message_en: the minimum fine must not exceed the maximum fine
  - name: no-fine-when-exempt
    expression: not (tier == "不予处罚" and coalesce(fine_max, 0) > 0)
    severity: warning
    message: 裁量阶次为“不予处罚”时不应填写罚款金额
    message_en: a no-penalty tier should carry no fine
"""#
}

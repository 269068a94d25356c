extension BuiltinSchemas {
  static let agencyFK = """

    foreignKeys:
      - fields: agency
        reference: {resource: agency-roster, fields: 单位名称}
    """

  /// 不予（免予）/ 减轻（从轻）行政处罚、免予行政强制事项清单.
  static let penaltyExemptionLists = #"""
name: penalty-exemption-lists
title: 不予（免予）、减轻（从轻）行政处罚及免予行政强制事项清单
keywords: [不予处罚, 免予处罚, 减轻处罚, 从轻处罚, 免予行政强制, 四张清单, 事项清单]
fields:
  - {name: seq, title: 序号, type: integer, constraints: {minimum: 1}}
  - {name: agency, title: 部门, type: string, fillMerged: true, aliases: [单位, 执法部门, 实施部门], constraints: {required: true}}
  - {name: violation, title: 违法行为, type: string, aliases: [违法行为名称, 事项名称], constraints: {required: true}}
  - {name: legal_basis, title: 法律依据, type: string, aliases: [依据, 法律法规依据], constraints: {required: true}}
  - {name: circumstances, title: 适用情形, type: string, aliases: [适用条件, 情形], constraints: {required: true}}
  - name: list_type
    title: 清单类型
    type: string
    aliases: [类型, 清单类别]
    enumSynonyms: {不予处罚: [不予行政处罚], 免予处罚: [免予行政处罚], 减轻处罚: [减轻行政处罚], 从轻处罚: [从轻行政处罚]}
    constraints: {required: true, enum: [不予处罚, 免予处罚, 减轻处罚, 从轻处罚, 免予行政强制]}
uniqueKeys:
  - [agency, violation, list_type]
"""# + agencyFK

  /// 重大执法决定法制审核事项目录清单.
  static let majorDecisionReviewCatalog = #"""
name: major-decision-review-catalog
title: 重大执法决定法制审核事项目录清单
keywords: [重大执法决定, 法制审核, 事项目录]
fields:
  - {name: seq, title: 序号, type: integer, constraints: {minimum: 1}}
  - {name: agency, title: 执法部门, type: string, fillMerged: true, aliases: [部门, 单位], constraints: {required: true}}
  - {name: item, title: 事项名称, type: string, aliases: [审核事项, 事项], constraints: {required: true}}
  - name: category
    title: 执法类别
    type: string
    aliases: [行为类别, 类别]
    constraints: {required: true, enum: [行政处罚, 行政许可, 行政确认, 行政征收征用, 行政给付, 行政强制, 行政检查]}
  - {name: standard, title: 审核标准, type: string, aliases: [审核内容], constraints: {required: true}}
  - {name: legal_basis, title: 法律依据, type: string, aliases: [依据]}
uniqueKeys:
  - [agency, item]
"""# + agencyFK

  /// 重点执法领域突出问题整治台账.
  static let keyAreaRectification = #"""
name: key-area-rectification
title: 重点执法领域突出问题整治台账
keywords: [重点执法领域, 突出问题, 专项整治, 整治台账]
fields:
  - {name: seq, title: 序号, type: integer, constraints: {minimum: 1}}
  - name: area
    title: 执法领域
    type: string
    fillMerged: true
    aliases: [领域, 重点领域]
    constraints: {required: true, enum: [食品药品, 医疗保障, 公共卫生, 自然资源, 生态环境, 安全生产, 劳动保障, 城市管理, 金融服务, 教育培训, 交通运输, 农业农村, 文化旅游, 市场监管, 其他]}
  - {name: problem, title: 问题描述, type: string, aliases: [存在问题, 突出问题], constraints: {required: true}}
  - {name: measures, title: 整改措施, type: string, aliases: [整治措施], constraints: {required: true}}
  - {name: agency, title: 责任单位, type: string, aliases: [单位, 责任部门], constraints: {required: true}}
  - {name: deadline, title: 完成时限, type: date, precision: month, aliases: [整改时限, 完成时间]}
  - name: status
    title: 整改状态
    type: string
    aliases: [整改情况, 完成情况]
    enumSynonyms: {已完成: [完成, 已整改, 已办结], 整改中: [正在整改, 推进中, 进行中], 未整改: [未完成]}
    constraints: {enum: [已完成, 整改中, 未整改]}
"""# + agencyFK

  /// 行政处罚案卷评查汇总表.
  static let caseFileReview = #"""
name: case-file-review
title: 行政处罚案卷评查汇总表
keywords: [案卷评查, 评查得分, 案卷]
fields:
  - {name: seq, title: 序号, type: integer, constraints: {minimum: 1}}
  - {name: agency, title: 执法部门, type: string, fillMerged: true, aliases: [部门, 单位], constraints: {required: true}}
  - {name: case, title: 案卷名称, type: string, aliases: [案号, 案卷名称/案号, 案件名称], constraints: {required: true}}
  - {name: score, title: 评查得分, type: number, aliases: [得分, 分数], constraints: {required: true, minimum: 0, maximum: 100}}
  - name: grade
    title: 等次
    type: string
    aliases: [评查等次, 等级]
    enumSynonyms: {优秀: [优], 良好: [良], 合格: [及格], 不合格: [不及格]}
    constraints: {required: true, enum: [优秀, 良好, 合格, 不合格]}
rules:
  - name: grade-matches-score
    expression: (grade == "优秀" and score >= 90) or (grade == "良好" and score >= 80 and score < 90) or (grade == "合格" and score >= 60 and score < 80) or (grade == "不合格" and score < 60)
    severity: error
    message: 等次与评查得分不一致（优秀≥90，良好80–89，合格60–79，不合格<60）
"""# + agencyFK

  /// 执法委托情况统计表.
  static let enforcementEntrustment = #"""
name: enforcement-entrustment
title: 执法委托情况统计表
keywords: [执法委托, 受委托组织, 委托事项]
fields:
  - {name: agency, title: 委托机关, type: string, fillMerged: true, aliases: [委托单位, 委托部门], constraints: {required: true}}
  - {name: entrusted, title: 受委托组织, type: string, aliases: [受委托单位], constraints: {required: true}}
  - {name: matters, title: 委托事项, type: string, constraints: {required: true}}
  - {name: basis, title: 委托依据, type: string, aliases: [依据]}
  - {name: term_end, title: 委托期限, type: date, precision: month, aliases: [委托期限至, 期限]}
  - name: filing
    title: 备案情况
    type: string
    enumSynonyms: {已备案: [是, 已, √], 未备案: [否, 未, ×]}
    constraints: {enum: [已备案, 未备案]}
"""# + agencyFK

  /// 行政执法监督平台案件录入情况.
  static let platformCaseEntry = #"""
name: platform-case-entry
title: 行政执法监督平台案件录入情况
keywords: [监督平台, 案件录入, 录入率]
fields:
  - {name: agency, title: 部门, type: string, aliases: [单位, 执法部门], constraints: {required: true}}
  - {name: closed, title: 办结案件数, type: integer, aliases: [办结数, 办结案件], constraints: {required: true, minimum: 0}}
  - {name: entered, title: 已录入数, type: integer, aliases: [录入数, 已录入案件数], constraints: {required: true, minimum: 0}}
  - {name: rate, title: 录入率, type: number, aliases: [录入率(%), 录入率（%）], constraints: {minimum: 0, maximum: 100}}
rules:
  - name: entered-le-closed
    expression: entered <= closed
    severity: error
    message: 已录入数不能大于办结案件数
  - name: rate-consistent
    expression: approx(rate, round(entered * 100 / closed, 1), 0.1) or closed == 0
    severity: error
    message: 录入率应等于已录入数÷办结案件数×100（保留一位小数）
"""# + agencyFK

  /// 行政执法部门自查自纠台账 / 整改台账.
  static let selfInspectionRectification = #"""
name: self-inspection-rectification
title: 行政执法部门自查自纠整改台账
keywords: [自查自纠, 整改台账, 问题清单]
fields:
  - {name: seq, title: 序号, type: integer, constraints: {minimum: 1}}
  - {name: problem, title: 问题, type: string, aliases: [存在问题, 问题描述], constraints: {required: true}}
  - {name: measures, title: 整改措施, type: string, constraints: {required: true}}
  - {name: owner, title: 责任人, type: string, format: person-name, aliases: [责任领导]}
  - {name: deadline, title: 完成时限, type: date, precision: month, aliases: [整改时限]}
  - name: status
    title: 完成情况
    type: string
    aliases: [整改情况]
    enumSynonyms: {已完成: [完成, 已整改], 整改中: [正在整改, 推进中, 进行中], 未完成: [未整改]}
    constraints: {enum: [已完成, 整改中, 未完成]}
"""#

  /// 分管领导、联络员回执表.
  static let liaisonReceipt = #"""
name: liaison-receipt
title: 分管领导、联络员回执表
keywords: [回执, 联络员, 分管领导]
fields:
  - {name: agency, title: 单位, type: string, fillMerged: true, aliases: [单位名称, 部门], constraints: {required: true}}
  - {name: name, title: 姓名, type: string, format: person-name, constraints: {required: true}}
  - {name: role, title: 职务, type: string}
  - {name: office_phone, title: 办公电话, type: string, format: phone, aliases: [座机, 联系电话]}
  - {name: mobile, title: 手机, type: string, format: mobile, aliases: [手机号码, 手机号], constraints: {required: true}}
"""# + agencyFK

  /// 工作任务推进表 (monthly, due the 25th).
  static let taskProgress = #"""
name: task-progress
title: 工作任务推进表
keywords: [任务推进, 推进表, 工作任务]
fields:
  - {name: task, title: 任务, type: string, aliases: [工作任务, 重点任务], constraints: {required: true}}
  - {name: progress, title: 完成情况, type: string, aliases: [推进情况, 进展情况], constraints: {required: true}}
  - {name: problems, title: 存在问题, type: string}
  - {name: next_steps, title: 下步计划, type: string, aliases: [下一步计划, 下步工作计划]}
  - {name: reported_on, title: 报送日期, type: date, aliases: [报送时间, 填报日期]}
rules:
  - name: due-25th
    expression: day(reported_on) <= 25
    severity: warning
    message: 应于每月25日前报送
"""#

  /// 法制审核人员配备 (seed 004): 法制审核人员不少于执法人员总数的 5%.
  static let staffing = #"""
name: staffing
title: 行政执法人员及法制审核人员配备情况表
keywords: [法制审核人员, 执法人员数, 人员配备]
fields:
  - {name: agency, title: 单位, type: string, fillMerged: true, aliases: [单位名称, 部门], constraints: {required: true}}
  - {name: name, title: 姓名, type: string, format: person-name}
  - name: role
    title: 岗位
    type: string
    aliases: [人员类别, 类别, 职责]
    enumSynonyms: {法制审核: [法制审核人员, 法制审核员], 执法: [执法人员, 行政执法人员]}
    constraints: {enum: [执法, 法制审核]}
  - {name: officers, title: 执法人员数, type: integer, aliases: [执法人员总数, 在编执法人员数], constraints: {minimum: 0}}
  - {name: reviewers, title: 法制审核人员数, type: integer, aliases: [法制审核人数], constraints: {minimum: 0}}
rules:
  - name: reviewers-5-percent
    expression: reviewers * 20 >= officers
    severity: policy
    message: 法制审核人员不少于本单位执法人员总数的5%
aggregates:
  - name: reviewers-5-percent-per-agency
    groupBy: agency
    expression: count(role == "法制审核") >= 0.05 * count(role == "执法") or count(role == "执法") == 0
    severity: policy
    message: 法制审核人员不少于本单位执法人员总数的5%
"""# + agencyFK

  /// 本级行政执法部门名单 (the roster every 单位 column is checked against).
  static let agencyRoster = #"""
name: agency-roster
title: 本级行政执法部门名单
keywords: [执法部门名单, 部门名单, 单位名单]
fields:
  - {name: 单位名称, title: 单位名称, type: string, aliases: [单位, 部门名称, 机关名称], constraints: {required: true, unique: true}}
  - {name: 简称, title: 简称, type: string, aliases: [单位简称]}
  - {name: 统一社会信用代码, title: 统一社会信用代码, type: string, format: credit-code, aliases: [信用代码, 社会信用代码], constraints: {unique: true}}
"""#
}

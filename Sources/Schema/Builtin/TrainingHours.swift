extension BuiltinSchemas {
  /// 执法人员培训（轮训）学时台账 (seeds 000, 003, 004).
  static let trainingHours = #"""
name: training-hours
title: 执法人员培训学时台账
description: 行政执法人员公共法律知识和行业法律知识培训学时统计
keywords: [培训学时, 轮训, 学时台账, 执法人员培训, 执法人员轮训情况表]
missingValues: ["", "无", "/", "—", "-"]
fields:
  - name: seq
    title: 序号
    type: integer
    aliases: [编号, 序]
    constraints: {minimum: 1}
  - name: agency
    title: 单位
    type: string
    aliases: [单位名称, 所在单位, 执法部门, 工作单位, 部门, 填报单位]
    fillMerged: true
    constraints: {required: true}
  - name: name
    title: 姓名
    type: string
    format: person-name
    aliases: [执法人员姓名, 人员姓名]
    constraints: {required: true}
  - name: cert_number
    title: 执法证号
    type: string
    format: cert-number
    aliases: [执法证件号, 执法证件号码, 执法证编号, 行政执法证号, 证件号码]
  - name: id_number
    title: 身份证号
    type: string
    format: id-card
    aliases: [身份证号码, 公民身份号码, 身份证件号码]
    acrossAgencies: unique
  - name: role
    title: 职务
    type: string
    aliases: [职务职级, 职务（职级）, 岗位]
  - name: public_hours
    title: 公共法律知识学时
    type: number
    aliases: [公共法律知识, 公共法律知识培训学时, 公共法律知识学时（学时）, 公共法律知识（学时）, 公共法律]
    constraints: {required: true, minimum: 0, maximum: 1000}
  - name: industry_hours
    title: 行业法律知识学时
    type: number
    aliases: [行业法律知识, 行业法律知识培训学时, 行业法律知识学时（学时）, 行业法律知识（学时）, 业务知识学时, 专业法律知识学时]
    constraints: {required: true, minimum: 0, maximum: 1000}
  - name: total_hours
    title: 合计学时
    type: number
    aliases: [合计, 总学时, 学时合计, 合计（学时）, 累计学时]
    constraints: {required: true, minimum: 0, maximum: 2000}
  - name: method
    title: 培训方式
    type: string
    aliases: [培训形式, 学习方式]
    enumSynonyms:
      集中轮训: [集中培训, 轮训, 集中学习]
      网络培训: [网络学习, 网上培训, 线上培训, 在线学习]
      执法能力比赛: [能力比赛, 执法比赛, 比赛]
    constraints: {enum: [集中轮训, 网络培训, 执法能力比赛]}
  - name: trained_on
    title: 培训日期
    type: date
    precision: month
    aliases: [培训时间, 日期]
  - name: note
    title: 备注
    type: string
    aliases: [说明]
uniqueKeys:
  - [agency, cert_number]
  - [id_number]
foreignKeys:
  - fields: agency
    reference: {resource: agency-roster, fields: 单位名称}
rules:
  - name: total-is-sum
    expression: total_hours == public_hours + industry_hours
    severity: error
    message: 合计学时应等于公共法律知识学时与行业法律知识学时之和
    message_en: total hours must equal public-law hours plus industry-law hours
  - name: identity-present
    expression: present(cert_number) or present(id_number)
    severity: error
    message: 执法证号和身份证号至少填写一项
    message_en: give the certificate number or the ID card number
  - name: public-law-30
    expression: public_hours >= 30
    severity: policy
    message: 公共法律知识培训不少于30学时
    message_en: at least 30 hours of public-law training a year
  - name: industry-law-30
    expression: industry_hours >= 30
    severity: policy
    message: 行业法律知识培训不少于30学时
    message_en: at least 30 hours of industry-law training a year
  - name: total-60
    expression: total_hours >= 60
    severity: policy
    message: 每人每年培训不少于60学时
    message_en: at least 60 training hours a year
"""#
}

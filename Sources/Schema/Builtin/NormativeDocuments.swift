extension BuiltinSchemas {
  static func normativeDocuments(name: String, title: String, keywords: String, extraFields: String, extraRules: String) -> String {
    #"""
name: \#(name)
title: \#(title)
keywords: [\#(keywords), 规范性文件]
missingValues: ["", "无", "/", "—"]
fields:
  - {name: seq, title: 序号, type: integer, aliases: [编号], constraints: {minimum: 1}}
  - {name: doc_title, title: 文件名称, type: string, aliases: [规范性文件名称, 文件标题, 名称], constraints: {required: true}}
  - {name: doc_number, title: 文号, type: string, format: doc-number, aliases: [发文字号, 文件编号, 发文文号], constraints: {required: true}}
  - {name: issuer, title: 制定机关, type: string, fillMerged: true, aliases: [发文机关, 制定单位, 起草单位, 发布机关]}
  - {name: issued_on, title: 发布日期, type: date, aliases: [印发日期, 发文日期, 发布时间, 公布日期]}
\#(extraFields)
  - name: filing
    title: 备案情况
    type: string
    aliases: [是否备案, 备案]
    enumSynonyms: {已备案: [是, 已, √], 未备案: [否, 未, ×]}
    constraints: {enum: [已备案, 未备案]}
  - {name: note, title: 备注, type: string}
uniqueKeys:
  - [doc_number]
exclusive:
  - name: one-list-per-document
    lists: [normative-documents-valid, normative-documents-amended, normative-documents-repealed]
    keys: [[doc_number], [doc_title, issued_on]]
    message: 同一文件只能列入继续有效、修改、宣布失效中的一个清单
rules:
  - name: doc-year-matches
    expression: doc_year(doc_number) == year(issued_on)
    severity: warning
    message: 文号中的年份与发布日期的年份不一致
    message_en: the year in the document number differs from the year it was issued
\#(extraRules)
"""#
  }

  /// 规范性文件目录（继续有效）.
  static let normativeDocumentsValid = normativeDocuments(
    name: "normative-documents-valid", title: "继续有效的规范性文件目录", keywords: "继续有效, 现行有效",
    extraFields: "  - {name: valid_until, title: 有效期至, type: date, aliases: [有效期, 有效期限], missingValues: [\"\", 长期, 长期有效, 永久, 无]}",
    extraRules: """
      - name: valid-after-issue
        expression: valid_until >= issued_on
        severity: error
        message: 有效期至不能早于发布日期
    """)

  /// 规范性文件目录（修改）.
  static let normativeDocumentsAmended = normativeDocuments(
    name: "normative-documents-amended", title: "修改的规范性文件目录", keywords: "修改, 拟修改",
    extraFields: "  - {name: reason, title: 修改理由, type: string, aliases: [修改或失效理由, 修改原因, 理由], constraints: {required: true}}",
    extraRules: "")

  /// 规范性文件目录（宣布失效）.
  static let normativeDocumentsRepealed = normativeDocuments(
    name: "normative-documents-repealed", title: "宣布失效的规范性文件目录", keywords: "宣布失效, 废止, 失效",
    extraFields: """
      - {name: repealed_on, title: 失效日期, type: date, aliases: [废止日期, 失效时间]}
      - {name: reason, title: 失效理由, type: string, aliases: [修改或失效理由, 失效原因, 废止理由, 理由], constraints: {required: true}}
    """,
    extraRules: """
      - name: repeal-after-issue
        expression: repealed_on >= issued_on
        severity: error
        message: 失效日期不能早于发布日期
    """)
}

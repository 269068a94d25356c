/// A field's type (Frictionless Table Schema types sheetgate supports).
public enum FieldType: String, Sendable, Hashable, CaseIterable {
  case string
  case integer
  case number
  case boolean
  case date
  case time
  case datetime
  case year
  case yearmonth
  /// Any value, kept as text.
  case any
}

/// A field's format: how a value of its type must look.
///
/// `default` is Frictionless's no-op; the others are sheetgate's Chinese-government formats.
/// Frictionless's `email` and `uri` for strings are accepted and checked loosely.
public enum FieldFormat: String, Sendable, Hashable, CaseIterable {
  case `default` = "default"
  /// 居民身份证号 (GB 11643).
  case idCard = "id-card"
  /// 统一社会信用代码 (GB 32100-2015).
  case creditCode = "credit-code"
  /// An 11-digit mobile number starting with 1.
  case mobile
  /// A landline (with or without area code and extension) or a mobile number.
  case phone
  /// A document number such as `乌政办发〔2022〕115号`.
  case docNumber = "doc-number"
  /// An enforcement certificate number (执法证号), kept as text.
  case certNumber = "cert-number"
  /// A person's name: CJK with a middle dot, or Latin.
  case personName = "person-name"
  /// An e-mail address (Frictionless).
  case email
  /// A URI (Frictionless).
  case uri
  /// Frictionless's `any` date format (accepted as default).
  case any
}

/// A normalisation step applied to cell text before coercion.
public enum NormalizeStep: String, Sendable, Hashable, CaseIterable {
  /// Strip leading/trailing spaces including U+3000 and NBSP.
  case trim
  /// Fold full-width ASCII forms (`１２３`, `ＡＢ`) and the ideographic space to ASCII.
  case nfkc
  /// Normalise document-number year brackets (`[]`, `（）`, `【】`…) to 〔〕.
  case docNumberBrackets
}

/// Something wrong with a message or one of its attachments that parsing survived.
///
/// Every problem has a stable ``code`` (a slug for logs, JSON and the diagnostics catalog) and a
/// message in English and in Chinese; the Chinese text is written for the agency's filer, since a
/// reply quotes it.
public struct MailProblem: Sendable, Hashable, CustomStringConvertible {
  /// A stable problem code.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A base64 body has bytes outside the alphabet or a broken end.
    public static let invalidBase64 = Code("mail-invalid-base64")
    /// A multipart body ends without its closing boundary (the message was cut short).
    public static let missingClosingBoundary = Code("mail-missing-closing-boundary")
    /// A multipart part has no boundary parameter; its body is kept as one part.
    public static let missingBoundary = Code("mail-missing-boundary")
    /// Multipart or forwarded messages nest deeper than ``MailLimits/maxDepth``.
    public static let nestingTooDeep = Code("mail-nesting-too-deep")
    /// More parts than ``MailLimits/maxParts``.
    public static let tooManyParts = Code("mail-too-many-parts")
    /// The header block never ends (no blank line before the message ends).
    public static let truncatedHeaders = Code("mail-truncated-headers")
    /// An attachment is larger than ``MailLimits/maxAttachmentBytes``.
    public static let attachmentTooLarge = Code("mail-attachment-too-large")
    /// A ZIP attachment inflates to more than ``MailLimits/maxZipInflatedBytes`` or lists more than
    /// ``MailLimits/maxZipEntries`` entries.
    public static let archiveTooLarge = Code("mail-archive-too-large")
    /// A ZIP attachment cannot be read (not a ZIP, truncated, CRC errors …).
    public static let damagedArchive = Code("mail-damaged-archive")
    /// A ZIP holds a ZIP holding a ZIP: only one level of nesting is expanded.
    public static let archiveNestedTooDeep = Code("mail-archive-nested-too-deep")
    /// A file is protected with a password.
    public static let encryptedFile = Code("mail-encrypted-file")
    /// A RAR or 7-Zip archive.
    public static let unsupportedArchive = Code("mail-unsupported-archive")
    /// `winmail.dat` (Outlook's TNEF): the real attachments are inside, unreadable here.
    public static let tnefAttachment = Code("mail-tnef-attachment")
    /// The whole message is encrypted or signed opaquely (S/MIME `application/pkcs7-mime`).
    public static let encryptedMessage = Code("mail-encrypted-message")
    /// An attachment's name could not be decoded cleanly (some characters are replaced).
    public static let undecodableName = Code("mail-undecodable-name")
  }

  /// The problem's code.
  public var code: Code
  /// The MIME part it concerns (`1.2`), or nil for the whole message.
  public var part: String?
  /// The attachment's (sanitised) name, when it concerns one.
  public var fileName: String?
  /// What was found, in English.
  public var english: String
  /// What was found and what to do, in Chinese.
  public var chinese: String

  public init(code: Code, part: String? = nil, fileName: String? = nil, english: String, chinese: String) {
    self.code = code
    self.part = part
    self.fileName = fileName
    self.english = english
    self.chinese = chinese
  }

  public var description: String {
    "\(code)" + (part.map { " [part \($0)]" } ?? "") + (fileName.map { " \"\($0)\"" } ?? "") + ": \(english)"
  }
}

extension MailProblem {
  static func make(_ code: Code, part: String?, file: String?, detail: String = "") -> MailProblem {
    let f = file ?? "附件"
    let fe = file.map { "\"\($0)\"" } ?? "an attachment"
    let (en, zh): (String, String)
    switch code {
    case .invalidBase64 where file == nil:
      (en, zh) = ("Part \(part ?? "") of the message is damaged: its base64 encoding is invalid; please send the message again.",
                  "邮件的第 \(part ?? "") 部分在传输中损坏（base64 编码无效），无法读取，请重新发送。")
    case .invalidBase64:
      (en, zh) = ("\(fe) is damaged: its base64 encoding is invalid\(detail); please send it again.",
                  "附件“\(f)”在传输中损坏（base64 编码无效），无法读取，请重新发送。")
    case .missingClosingBoundary:
      (en, zh) = ("The message ends before its last MIME boundary; it may have been cut short.",
                  "邮件结构不完整（缺少结束边界），可能在传输中被截断；如附件读取有误，请重新发送。")
    case .missingBoundary:
      (en, zh) = ("A multipart part has no boundary, or its boundary never appears; its contents could not be separated.",
                  "邮件的多部分结构缺少分隔符，部分内容无法识别，请重新发送。")
    case .nestingTooDeep:
      (en, zh) = ("The message nests parts or forwarded messages too deeply\(detail); deeper parts were not read.",
                  "邮件嵌套层级过多（多次转发或多层结构），更深层的内容未读取，请直接发送附件。")
    case .tooManyParts:
      (en, zh) = ("The message has too many parts\(detail); the rest were not read.",
                  "邮件包含的部分过多，其余内容未读取，请分多封邮件发送。")
    case .truncatedHeaders:
      (en, zh) = ("The message has no body: its header block never ends; it may have been cut short.",
                  "邮件不完整（只有邮件头，没有正文和附件），可能在传输中被截断，请重新发送。")
    case .attachmentTooLarge:
      (en, zh) = ("\(fe) is larger than the limit\(detail); it was not read.",
                  "附件“\(f)”超过大小上限，未读取；请删去无关内容后重新发送，或分多个文件发送。")
    case .archiveTooLarge:
      (en, zh) = ("The archive \(fe) unpacks to too much data or too many files\(detail); it was not read in full.",
                  "压缩包“\(f)”解压后过大或文件过多，未完整读取；请直接发送表格文件。")
    case .damagedArchive:
      (en, zh) = ("The archive \(fe) cannot be read\(detail).",
                  "压缩包“\(f)”已损坏，无法解压，请重新压缩后发送，或直接发送表格文件。")
    case .archiveNestedTooDeep:
      (en, zh) = ("\(fe) is an archive inside an archive inside an archive; only one level of nesting is opened.",
                  "“\(f)”是多层嵌套的压缩包，未解压；请直接发送表格文件。")
    case .encryptedFile:
      (en, zh) = ("\(fe) is protected with a password; please resend it without a password.",
                  "“\(f)”设置了密码，无法读取；请取消密码后重新发送。")
    case .unsupportedArchive:
      (en, zh) = ("\(fe) is a RAR or 7-Zip archive, which cannot be opened here; please send the files themselves or a ZIP.",
                  "“\(f)”是 RAR 或 7z 压缩包，无法读取；请直接发送表格文件，或使用 ZIP 格式压缩。")
    case .tnefAttachment:
      (en, zh) = ("\(fe) is Outlook's winmail.dat (TNEF): the attachments inside cannot be read; please resend with plain-text or HTML mail format.",
                  "附件“\(f)”是 Outlook 的 winmail.dat 格式，其中的附件无法读取；请将邮件格式改为“HTML”或“纯文本”后重新发送。")
    case .encryptedMessage:
      (en, zh) = ("The message is encrypted (S/MIME); please resend it unencrypted.",
                  "邮件已加密，无法读取；请不加密重新发送。")
    case .undecodableName:
      (en, zh) = ("The name of \(fe) could not be decoded cleanly; some characters were replaced.",
                  "附件“\(f)”的文件名编码无法完整识别，部分字符已替换。")
    default:
      (en, zh) = (code.rawValue + detail, code.rawValue + detail)
    }
    return MailProblem(code: code, part: part, fileName: file, english: en, chinese: zh)
  }
}

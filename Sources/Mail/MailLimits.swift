/// Caps that keep a hostile or broken message from exhausting memory or time.
///
/// The defaults suit what agencies send: a message of a few workbooks, perhaps zipped, perhaps
/// forwarded once or twice.
public struct MailLimits: Sendable, Equatable {
  /// The most bytes a whole message may have (as received, before decoding). Default 64 MiB: a
  /// mail provider's 50 MB attachment limit, base64-encoded, with room to spare. A larger message is
  /// refused with ``MailError/Code/messageTooLarge``.
  public var maxMessageBytes: Int
  /// The most bytes one attachment may decode or inflate to. Default 32 MiB (a 100,000-row ledger
  /// is about 6 MiB as xlsx). A larger attachment is listed as unreadable with
  /// ``MailProblem/Code/attachmentTooLarge``.
  public var maxAttachmentBytes: Int
  /// The most bytes the entries of one ZIP attachment (nested ZIPs included) may inflate to in
  /// total. Default 256 MiB.
  public var maxZipInflatedBytes: Int
  /// The most entries one ZIP attachment may list. Default 1,000.
  public var maxZipEntries: Int
  /// The deepest nesting of multiparts and forwarded messages. Default 16; Python's and Thunderbird's
  /// messages rarely go past 5.
  public var maxDepth: Int
  /// The most MIME parts one message may have. Default 2,000.
  public var maxParts: Int

  public init(maxMessageBytes: Int = 64 << 20, maxAttachmentBytes: Int = 32 << 20,
              maxZipInflatedBytes: Int = 256 << 20, maxZipEntries: Int = 1_000,
              maxDepth: Int = 16, maxParts: Int = 2_000) {
    self.maxMessageBytes = maxMessageBytes
    self.maxAttachmentBytes = maxAttachmentBytes
    self.maxZipInflatedBytes = maxZipInflatedBytes
    self.maxZipEntries = maxZipEntries
    self.maxDepth = maxDepth
    self.maxParts = maxParts
  }

  /// The defaults.
  public static let `default` = MailLimits()
}

/// A message that cannot be parsed at all. Everything short of this is a ``MailProblem`` recorded
/// on the message.
public struct MailError: Error, Sendable, Hashable, CustomStringConvertible {
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    /// The message is larger than ``MailLimits/maxMessageBytes``.
    public static let messageTooLarge = Code("mail-message-too-large")
    /// The message is empty.
    public static let emptyMessage = Code("mail-empty-message")
  }

  public var code: Code
  /// English text naming the cap or the cause.
  public var english: String
  /// Chinese text for the clerk or the sender.
  public var chinese: String

  public var description: String { "\(code): \(english)" }

  static func tooLarge(_ size: Int, _ cap: Int) -> MailError {
    MailError(code: .messageTooLarge,
              english: "The message has \(size) bytes, more than the limit of \(cap) bytes (MailLimits.maxMessageBytes).",
              chinese: "邮件大小为 \(size) 字节，超过上限 \(cap) 字节（MailLimits.maxMessageBytes），未读取；请分多封邮件发送。")
  }

  static let empty = MailError(code: .emptyMessage, english: "The message is empty.", chinese: "邮件内容为空。")
}

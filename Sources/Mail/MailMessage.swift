/// A received message: its identity, its text, its attachments classified, and what was wrong.
///
/// ```swift
/// let message = try MailMessage.parse(bytes)
/// for a in message.attachments where a.kind.isSpreadsheet {
///   // a.fileName is safe as a path component; a.bytes are the file.
/// }
/// ```
public struct MailMessage: Sendable {
  /// The top-level header fields, raw bytes kept.
  public var headers: MailHeaders
  /// `Message-ID`, without angle brackets.
  public var messageID: String?
  /// The first mailbox of `From`.
  public var from: MailAddress?
  /// `Reply-To` mailboxes (replies go there when present).
  public var replyTo: [MailAddress]
  /// `To` mailboxes.
  public var to: [MailAddress]
  /// `Cc` mailboxes.
  public var cc: [MailAddress]
  /// `Subject`, decoded.
  public var subject: String?
  /// `Date` as written.
  public var dateText: String?
  /// `Date` parsed, when it makes sense.
  public var date: MailDate?
  /// `In-Reply-To` identifiers, without angle brackets.
  public var inReplyTo: [String]
  /// `References` identifiers, without angle brackets.
  public var references: [String]
  /// The first `text/plain` body of the message itself (not of forwarded messages), decoded.
  public var textBody: String?
  /// The first `text/html` body of the message itself, decoded.
  public var htmlBody: String?
  /// Every attachment, including those of forwarded messages and those taken out of ZIP archives,
  /// in the order they appear. Inline images, signatures and the message's own text are not here.
  public var attachments: [MailAttachment]
  /// Messages forwarded as attachments (`message/rfc822`), in order, nested ones included.
  public var forwarded: [ForwardedMessage]
  /// Every MIME part, depth first.
  public var parts: [MailPart]
  /// What was wrong but survived.
  public var problems: [MailProblem]
  /// The message's size in bytes.
  public var size: Int

  /// The attachments that are spreadsheets.
  public var spreadsheets: [MailAttachment] { attachments.filter { $0.kind.isSpreadsheet } }

  /// Parses a message (RFC 5322 + MIME).
  ///
  /// Only an empty message or one over ``MailLimits/maxMessageBytes`` throws; anything else broken is
  /// parsed as far as it goes and recorded in ``problems``.
  /// - Throws: ``MailError`` with ``MailError/Code/messageTooLarge`` (naming the cap) or
  ///   ``MailError/Code/emptyMessage``.
  public static func parse(_ bytes: [UInt8], limits: MailLimits = .default) throws(MailError) -> MailMessage {
    guard bytes.count <= limits.maxMessageBytes else { throw .tooLarge(bytes.count, limits.maxMessageBytes) }
    guard bytes.contains(where: { !ASCII.isWhitespace($0) }) else { throw .empty }
    var parser = MessageParser(limits: limits)
    return parser.parseMessage(bytes)
  }

  /// Parses a message held in memory the caller owns (a mapped file); the bytes are copied once,
  /// after the size check. Throws as the `[UInt8]` form.
  public static func parse(_ bytes: UnsafeRawBufferPointer, limits: MailLimits = .default) throws(MailError) -> MailMessage {
    guard bytes.count <= limits.maxMessageBytes else { throw .tooLarge(bytes.count, limits.maxMessageBytes) }
    return try parse(Array(bytes), limits: limits)
  }
}

/// A forwarded message found inside another.
public struct ForwardedMessage: Sendable, Hashable {
  /// Its MIME part number in the outer message.
  public var part: String
  public var subject: String?
  public var from: MailAddress?
  public var dateText: String?
  public var messageID: String?
  /// How deep it is: 1 for a message forwarded in the received one.
  public var depth: Int
}

/// One MIME part, as listed in ``MailMessage/parts``.
public struct MailPart: Sendable, Hashable {
  /// The part number (`""` for the top, then `1`, `1.2` …). A forwarded message's root part has the
  /// number of the `message/rfc822` part holding it, and its parts continue from there (`3.1`, `3.2`).
  public var number: String
  /// The content type, lowercased (`multipart/mixed`).
  public var contentType: String
  /// `attachment`, `inline` or nil.
  public var disposition: String?
  /// The decoded file name (`filename`, else `name`), unsanitised, or nil.
  public var fileName: String?
  /// The `Content-ID`, without angle brackets.
  public var contentID: String?
  /// The decoded body's size (0 for multiparts).
  public var size: Int
  /// The part's own header fields.
  public var headers: MailHeaders
}

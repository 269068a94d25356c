import Foundation
import GRDB

/// One message an unattended run (`sheetgate run`) handled: its identity, what became of it and the
/// reply drafted for it. The message's submissions are in `submission` (by their files' SHA-256).
public struct MessageRecord: Sendable, Hashable {
  /// `Message-ID` without angle brackets, or nil when the message had none.
  public var messageID: String?
  /// SHA-256 of the message's raw bytes (hex): the record's identity.
  public var sha256: String
  /// Where the message came from (the file in the inbox, for the log).
  public var source: String
  /// The sender's address and display name.
  public var sender: String?
  public var senderName: String?
  /// `Date` as written.
  public var date: String?
  public var subject: String?
  /// The agency the message was attributed to, or nil (listed for the clerk).
  public var agency: String?
  /// `accepted`, `invalid`, `no-ledger`, `unreadable`, `duplicate` (see `Batch`).
  public var outcome: String
  /// The reply draft's file name in the outbox Maildir, or nil when no reply was drafted.
  public var replyFile: String?
  /// When the reply was handed to the send command and it exited 0 (ISO 8601), or nil.
  public var replySentAt: String?
  /// When the message was recorded (ISO 8601).
  public var processedAt: String

  public init(messageID: String?, sha256: String, source: String, sender: String?, senderName: String?, date: String?,
              subject: String?, agency: String?, outcome: String, replyFile: String?, replySentAt: String? = nil,
              processedAt: String) {
    self.messageID = messageID; self.sha256 = sha256; self.source = source; self.sender = sender
    self.senderName = senderName; self.date = date; self.subject = subject; self.agency = agency
    self.outcome = outcome; self.replyFile = replyFile; self.replySentAt = replySentAt; self.processedAt = processedAt
  }
}

extension SubmissionStore {
  /// The `message` table (migration `v5-messages`).
  static func createMessageTable(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE message (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT, sha256 TEXT NOT NULL UNIQUE, source TEXT NOT NULL DEFAULT '',
        sender TEXT, sender_name TEXT, date TEXT, subject TEXT, agency TEXT,
        outcome TEXT NOT NULL, reply_file TEXT, reply_sent_at TEXT, processed_at TEXT NOT NULL);
      CREATE INDEX message_message_id ON message(message_id);
      """)
  }

  /// The message recorded with these raw bytes' SHA-256, or nil.
  public func message(sha256: String) throws -> MessageRecord? {
    try db.read { db in try GRDB.Row.fetchOne(db, sql: "SELECT * FROM message WHERE sha256 = ?", arguments: [sha256]).map(Self.messageRecord) }
  }

  /// The first message recorded with this Message-ID, or nil.
  public func message(messageID: String) throws -> MessageRecord? {
    try db.read { db in
      try GRDB.Row.fetchOne(db, sql: "SELECT * FROM message WHERE message_id = ? ORDER BY id LIMIT 1", arguments: [messageID])
        .map(Self.messageRecord)
    }
  }

  /// Every message recorded, oldest first.
  public func messages() throws -> [MessageRecord] {
    try db.read { db in try GRDB.Row.fetchAll(db, sql: "SELECT * FROM message ORDER BY id").map(Self.messageRecord) }
  }

  /// Records a message (one transaction). A message whose SHA-256 is recorded already is left as it
  /// was: recording is idempotent.
  /// - Returns: true when the record is new.
  @discardableResult
  public func recordMessage(_ m: MessageRecord) throws -> Bool {
    try db.write { db in
      try db.execute(sql: """
        INSERT OR IGNORE INTO message (message_id, sha256, source, sender, sender_name, date, subject, agency, outcome,
                                       reply_file, reply_sent_at, processed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [m.messageID, m.sha256, m.source, m.sender, m.senderName, m.date, m.subject, m.agency, m.outcome,
                         m.replyFile, m.replySentAt, m.processedAt])
      return db.changesCount > 0
    }
  }

  /// Records that the reply to the message with this SHA-256 was sent.
  public func markReplySent(sha256: String, at time: String) throws {
    try db.write { db in
      try db.execute(sql: "UPDATE message SET reply_sent_at = ? WHERE sha256 = ?", arguments: [time, sha256])
    }
  }

  static func messageRecord(_ r: GRDB.Row) -> MessageRecord {
    MessageRecord(messageID: r["message_id"], sha256: r["sha256"], source: r["source"], sender: r["sender"],
                  senderName: r["sender_name"], date: r["date"], subject: r["subject"], agency: r["agency"],
                  outcome: r["outcome"], replyFile: r["reply_file"], replySentAt: r["reply_sent_at"],
                  processedAt: r["processed_at"])
  }
}

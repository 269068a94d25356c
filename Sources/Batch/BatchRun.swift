import ByteIO
import Foundation
import Intake
import Mail
import Merge
import Pipeline
import Schema
import Store
import Tabular
import ThreadKit

/// One unattended run (`sheetgate run`): every new message of the inbox recognised, validated,
/// stored and answered; the consolidated workbooks rebuilt; a summary for the clerk.
///
/// Messages are handled in an order that makes a run killed at any instant and run again end exactly
/// as one uninterrupted run (DESIGN-NOTES: "The cron run"). In batches, in Maildir name order:
/// 1. each message is staged on any core (``stage(path:stored:)``): a message whose SHA-256 the store
///    records is only finished (moved to `cur/`); otherwise parsed, each spreadsheet read once
///    (validated, encoded, reported), the agency decided and the reply rendered;
/// 2. the batch's drafts are delivered to the outbox under names made from the messages' SHA-256
///    (delivering one again replaces it), then synced;
/// 3. message by message, its spreadsheets are stored (one transaction per file, a file already stored
///    skipped) and the message recorded (Message-ID, SHA-256, sender, date, subject, outcome, the
///    draft's name); then synced;
/// 4. the messages move from `new/` to `cur/` with `:2,S`.
/// Then replies recorded but not yet sent are piped to the send command, each recorded as sent when it
/// exits 0, and the consolidated workbooks are rebuilt from the store (each replaced atomically).
public final class BatchRun: @unchecked Sendable {  // @unchecked: staging threads only read its immutable configuration and the store (GRDB serialises access); commits run on the calling thread
  public struct Options: Sendable {
    /// Draft reminders to roster agencies with nothing valid for an open collection.
    public var remind: Bool
    /// "Today" (`2023-08-15`, China time) for deadlines; nil for the real date.
    public var today: String?
    /// The caps on a message and its attachments (``MailLimits``: 64 MiB a message, 32 MiB an attachment).
    public var limits: MailLimits
    public init(remind: Bool = false, today: String? = nil, limits: MailLimits = .default) {
      self.remind = remind
      self.today = today
      self.limits = limits
    }
  }

  /// What happened to one message (one JSON line of the log).
  public struct MessageReport: Sendable {
    public var source: String
    public var messageID: String?
    public var sha256: String
    public var sender: String?
    public var senderName: String?
    public var subject: String?
    public var date: String?
    public var outcome: MessageOutcome
    public var agency: String?
    public var attribution: String
    /// Candidates when the sender is ambiguous.
    public var candidates: [String]
    public var attachments: [AttachmentResult]
    public var problems: [String]
    public var reply: String?
    /// True when this run only finished what an earlier run had recorded.
    public var resumed: Bool
  }

  /// What the clerk is told after a run.
  public struct Summary: Sendable {
    public var messages: [MessageReport] = []
    /// Plain files (no mail) stored: name and status.
    public var files: [AttachmentResult] = []
    public var remindersDrafted: [String] = []
    public var sent = 0
    /// Replies a killed run's send command delivered (it marked its success): recorded now, not sent again.
    public var sentBefore: [String] = []
    /// Replies sent again because an earlier attempt was cut off with its command (they may arrive twice,
    /// with the same Message-ID).
    public var resent: [String] = []
    public var sendFailures: [String] = []
    /// Per collection: title, period, deadline, agencies still missing.
    public var missing: [(title: String, period: String?, deadline: String?, agencies: [String])] = []
    public var outputs: [String] = []
    public var lockedOut = false

    public var attachmentCount: Int { messages.reduce(0) { $0 + $1.attachments.count } + files.count }
    public var validCount: Int { (messages.flatMap(\.attachments) + files).filter { $0.status == .valid }.count }
    public var invalidCount: Int { (messages.flatMap(\.attachments) + files).filter { $0.status == .invalid }.count }
    public var badMail: [MessageReport] { messages.filter { [.noLedger, .unreadable].contains($0.outcome) } }
    /// Messages that needed an answer but have no address to send it to (no `From`).
    public var unanswerable: [MessageReport] {
      messages.filter { !$0.resumed && $0.reply == nil && $0.outcome != .duplicate && $0.outcome != .automatic }
    }
    public var unknownSenders: [MessageReport] {
      messages.filter { !$0.resumed && ($0.attribution == "unknown" || $0.attribution == "ambiguous") && $0.outcome != .duplicate && $0.outcome != .automatic }
    }
  }

  public let config: BatchConfig
  public let options: Options
  /// The roster, collections, ledgers and store, and the one path of a spreadsheet to the store (shared with `sheetgate serve`).
  let desk: SubmissionDesk
  var store: SubmissionStore { desk.store }
  var roster: AgencyRoster? { desk.roster }
  let mailboxes: RosterMailboxes
  var collections: [(BatchConfig.Collection, TableSchema)] { desk.collections }
  var validateJob: ValidateJob { desk.validateJob }
  /// Made once (it loads the ledgers' titles); each message's reports go to a copy for its work folder.
  var reportWriter: ReportWriter { desk.reportWriter }
  let inbox: Maildir?
  let outbox: Maildir
  let log: RunLog
  let workRoot: String

  /// Opens everything the run needs.
  /// - Throws: ``ConfigError`` for a roster or schema that cannot be used, ``BatchError`` for folders.
  public init(config: BatchConfig, options: Options = Options()) throws {
    self.config = config
    self.options = options
    let fm = FileManager.default
    for d in [config.state, config.output, config.state + "/work"] {
      do { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) } catch {
        throw BatchError("\(d): cannot create the folder: \(error.localizedDescription)", "\(d)：无法创建目录：\(error.localizedDescription)")
      }
    }
    workRoot = config.state + "/work"
    desk = try SubmissionDesk(config: config, reports: workRoot)
    if let r = config.roster {
      do { mailboxes = try RosterMailboxes(path: r) } catch let p as InputProblem {
        throw ConfigError("the roster cannot be read: \(p.message)", "部门名单无法读取：\(p.messageZH)", file: r)
      } catch let u as UsageProblem {
        throw ConfigError(u.message, u.messageZH, file: r)
      }
    } else {
      mailboxes = RosterMailboxes()
    }
    if let m = config.maildir {
      let md = Maildir(path: m)
      guard md.exists else {
        throw ConfigError("\(m) is not a Maildir (it needs new/, cur/ and tmp/)", "\(m) 不是 Maildir 邮箱目录（应包含 new、cur、tmp 三个子目录）")
      }
      inbox = md
    } else {
      inbox = nil
    }
    outbox = Maildir(path: config.outbox)
    do { try outbox.create() } catch {
      throw BatchError("\(config.outbox): cannot create the outbox Maildir: \(error)", "\(config.outbox)：无法创建发件草稿目录：\(error)")
    }
    log = RunLog(path: config.state + "/run.log")
  }

  static func names(_ folder: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] }

  /// The lock file's path.
  public static func lockPath(_ config: BatchConfig) -> String { config.state + "/lock" }

  /// Runs once. The caller holds the lock (``RunLock``).
  /// - Throws: ``BatchError`` when the store, the outbox or the output cannot be written; a message
  ///   that cannot be read is a result, never an error.
  public func run() throws -> Summary {
    var summary = Summary()
    // What a killed run left half made: its work folders and unfinished drafts (a draft is delivered
    // again, under the same name, when its message is handled again).
    for n in BatchRun.names(workRoot) { try? FileManager.default.removeItem(atPath: workRoot + "/" + n) }
    for n in BatchRun.names(outbox.path + "/tmp") where n.hasPrefix("sheetgate-") { unlink(outbox.path + "/tmp/" + n) }
    if let inbox {
      let names = try inbox.newMessages()
      try handleInBatches(names.map { inbox.path + "/new/" + $0 }) { path, report in
        try self.log.append(report)
        try inbox.markSeen((path as NSString).lastPathComponent, sync: false)
        summary.messages.append(report)
      }
    }
    if let eml = config.emlFolder {
      let names = ((try? FileManager.default.contentsOfDirectory(atPath: eml)) ?? []).filter { $0.lowercased().hasSuffix(".eml") }.sorted()
      try handleInBatches(names.map { eml + "/" + $0 }) { _, report in
        if report.resumed { return }  // an .eml stays in its folder: seen before, nothing to say
        try self.log.append(report)
        summary.messages.append(report)
      }
    }
    if let folder = config.filesFolder { summary.files = try storeFiles(in: folder) }
    summary.outputs = try export(into: &summary)
    if options.remind { summary.remindersDrafted = try remind(missing: summary.missing) }
    try sendPending(into: &summary)
    return summary
  }

  // MARK: One message

  /// A message read, validated and answered in memory, not yet committed (``stage(path:stored:)``).
  struct StagedMessage: @unchecked Sendable {  // @unchecked: made on a staging thread, then handed to the committing thread once (OrderedWorkers)
    var path: String
    var report: MessageReport
    /// The store recorded this message before this run's staging began.
    var recorded = false
    var automatic = false
    var files: [MergeJob.StagedFile] = []
    var job: MergeJob?
    var receivedAt = ""
    var draft: [UInt8]?
    /// The draft written and synced into the outbox's `tmp/` while staging; delivered (renamed) at commit.
    var draftFile: String?
    var replyName: String?
    /// The files written into the run's work folder for this message (its spreadsheets, to be read).
    var workFiles: [String] = []
  }

  /// Removes the files a message wrote into the work folder.
  static func removeWork(_ s: StagedMessage) {
    for f in s.workFiles { unlink(f) }
  }

  /// The start of the names of a message's files in the work folder: its digest and a hash of its path. The path
  /// is unique in a run, so two copies of one message (the same bytes) staged at once never share a name.
  /// Files of their own rather than a folder per message: making and removing a folder per message cost as
  /// much as writing the attachment (DESIGN-NOTES: The run's work files).
  func workStem(sha: String, path: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for b in path.utf8 { h = (h ^ UInt64(b)) &* 0x0100_0000_01b3 }
    let tag = String(h, radix: 16)
    return workRoot + "/" + String(sha.prefix(16)) + "-" + String(repeating: "0", count: 16 - tag.count) + tag
  }

  /// Writes `bytes` to a new file at `path` (no sync: the file lives only while its message is staged).
  static func writeFile(_ path: String, _ bytes: [UInt8]) throws(ByteIOError) {
    let f = try FileSink(path: path, bufferSize: 1)  // one write(2) of the whole attachment, no copy
    try f.write(bytes)
    try f.close()
  }

  /// Handles `paths` (messages) in batches: messages are staged on every core (parse, validate, report,
  /// draft: nothing shared is written) by workers that run ahead of the commits (``OrderedWorkers``, a
  /// window of two batches), so that staging and committing overlap; each batch is then committed one
  /// message at a time in order (``commit(_:)``), `done` called after each commit. Memory stays bounded by
  /// the window.
  ///
  /// A message is staged against the store as it was when the run began (which files it holds), as a
  /// batch was before; whatever a commit must know of the messages before it (the same bytes or the same
  /// Message-ID again, a file stored since) it looks up at commit time.
  func handleInBatches(_ paths: [String], _ done: (String, MessageReport) throws -> Void) throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let batch = max(2, cores * Self.messagesPerCore)
    let stored = (try? store.storedDigests()) ?? []
    // Twice as many staging threads as cores: each draft is fsynced by the thread that made it, and a thread
    // waiting for the disk would otherwise leave its core idle (DESIGN-NOTES: The cron run, faster).
    let workers = OrderedWorkers(count: paths.count, threads: 2 * cores, window: 2 * batch, name: "sheetgate-run") { [self] i in
      try self.stage(path: paths[i], stored: stored)
    }
    defer { workers.stop() }
    var start = 0
    while start < paths.count {
      let chunk = start..<min(paths.count, start + batch)
      start = chunk.upperBound
      var staged: [StagedMessage] = []
      for i in chunk { if let s = try workers.take(i) { staged.append(s) } }  // nil: taken by another reader
      // Which of them will be answered: not a message recorded before, not a second copy (same bytes or
      // same Message-ID) of one before it in this batch or in the store.
      var shas = Set<String>(), ids = Set<String>()
      for i in staged.indices where !staged[i].recorded {
        let r = staged[i].report
        if shas.contains(r.sha256) { staged[i].draft = nil }
        if try store.message(sha256: r.sha256) != nil { staged[i].draft = nil }
        if let id = r.messageID {
          let before = try store.message(messageID: id)
          if ids.contains(id) || before != nil { staged[i].draft = nil }
          ids.insert(id)
        }
        shas.insert(r.sha256)
      }
      // 1. The drafts (each written and synced while staging) renamed into new/, then the folder synced
      //    once: durable before the store says they exist. A draft not to be sent is removed.
      var delivered = false
      for s in staged where !s.recorded {
        guard let name = s.replyName else { continue }
        if let file = s.draftFile {
          guard s.draft != nil else { unlink(file); continue }
          try outbox.publish(file, as: name)
        } else if let draft = s.draft {
          try outbox.deliver(draft, name: name, sync: true, syncFolder: false)
        } else {
          continue
        }
        delivered = true
      }
      if delivered { FileSync.folder(outbox.path + "/new") }
      // 2. The submissions and the records, message by message, then the store's write-ahead log is
      //    synced once: its commits are durable before any message leaves new/.
      var reports: [MessageReport] = []
      for s in staged { reports.append(try commit(s)) }
      FileSync.file(config.store + "-wal")
      // 3. Each message to cur/, the log.
      for (s, r) in zip(staged, reports) { try done(s.path, r) }
    }
  }

  /// Messages committed together per core: each batch's drafts and store commits are synced once.
  static let messagesPerCore = 8

  /// The first half of handling one message (run on any thread; writes only its own work folder):
  /// parse it, validate and encode each spreadsheet (one reading), write the reports, decide the agency,
  /// render the reply. Returns nil when the file is gone.
  func stage(path: String, stored: Set<String>) throws -> StagedMessage? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let raw = [UInt8](data)
    var h = SHA256()
    h.update(raw)
    let sha = h.finalizeHex()
    if let done = try store.message(sha256: sha) {
      return StagedMessage(path: path, report: Self.resumedReport(done, source: path), recorded: true)
    }
    let message: MailMessage
    var problems: [String] = []
    var unreadable = false
    do {
      message = try MailMessage.parse(raw, limits: options.limits)
    } catch {
      // Too large or empty: the headers alone still say whom to answer.
      problems.append(error.chinese)
      unreadable = true
      message = (try? MailMessage.parse(Self.headerBlock(raw) + Array("\r\n".utf8))) ?? Self.emptyMessage(size: raw.count)
    }
    var staged = StagedMessage(path: path, report: MessageReport(
      source: path, messageID: message.messageID, sha256: sha, sender: message.from?.address, senderName: message.from?.name,
      subject: message.subject, date: message.dateText, outcome: unreadable ? .unreadable : .noLedger, agency: nil,
      attribution: "unknown", candidates: [], attachments: [], problems: problems, reply: nil, resumed: false))
    // A copy of a message handled before, or a robot's: nothing to read (``commit(_:)`` records it).
    if let id = message.messageID, try store.message(messageID: id) != nil { return staged }
    if Self.isAutomatic(message) {
      staged.automatic = true
      staged.report.outcome = .automatic
      return staged
    }

    // The message's spreadsheets are read from files in the work folder (the readers take a path), named by
    // `workStem`; their annotated workbooks stay in memory until they are the reply's attachments. What a
    // killed run left there is removed when the next run starts.
    let stem = workStem(sha: sha, path: path)

    // Who sent it, as far as the sender and the names tell (the files' own 填报单位 come with the reading).
    let attributor = AgencyAttributor(roster: roster, mailboxes: mailboxes)
    let sheetNames = message.attachments.filter { $0.kind.isSpreadsheet }.map(\.fileName)
    let before = attributor.attribute(sender: message.from?.address, displayName: message.from?.name, fileNames: sheetNames, fileAgencies: [])
    let job: MergeJob
    switch before {
    case .mailbox(let a): job = desk.job(agency: a)
    case .fileName(let a), .displayName(let a): job = desk.job(fallback: a)
    default: job = desk.job()
    }
    staged.job = job
    staged.receivedAt = BatchDates.iso(message.date) ?? MergeJob.now()

    // Read each spreadsheet once: validated, encoded for the store, reported; list the rest.
    var results: [AttachmentResult] = []
    var namedAgencies: [String?] = []
    var storedAgencies: [String?] = []
    var writer = reportWriter.forBytes()
    var reports: [ReplyAttachment] = []
    for p in message.problems where p.fileName == nil { staged.report.problems.append(p.chinese) }
    for (index, a) in message.attachments.enumerated() {
      var r = AttachmentResult(name: a.fileName, status: .other)
      switch a.kind {
      case .coverLetter: r.status = .coverLetter
      case .other: r.status = .other
      case .unsupported:
        r.status = .unsupported
        r.problem = message.problems.first { $0.fileName == a.fileName }?.chinese ?? "无法读取，请直接发送 Excel 表格（.xlsx）。"
      case .spreadsheet:
        let path = stem + "-" + String(index)
        staged.workFiles.append(path)
        do { try BatchRun.writeFile(path, a.bytes) } catch {
          throw BatchError("\(path): cannot write the attachment: \(error)", "\(path)：无法写入附件：\(error)")
        }
        let checked = try desk.check(path: path, name: a.fileName, job: job, skipping: stored, writer: &writer, report: .memory)
        if let made = checked.reportBytes {
          reports.append(ReplyAttachment(fileName: made.name, contentType: ReplyAttachment.xlsxType, bytes: made.bytes))
        }
        staged.files.append(checked.staged)
        namedAgencies += checked.staged.namedAgencies
        storedAgencies += checked.staged.agencies
        r = checked.result
      }
      results.append(r)
    }
    staged.report.attachments = results

    // Who sent it, now that the files have spoken.
    let attribution = attributor.attribute(sender: message.from?.address, displayName: message.from?.name,
                                           fileNames: sheetNames, fileAgencies: namedAgencies)
    staged.report.attribution = attribution.how
    if case .ambiguous(let c) = attribution { staged.report.candidates = c }
    staged.report.agency = attribution.agency
    if case .file = attribution {
      let named = Set(storedAgencies.compactMap { $0 })
      if named.count == 1 { staged.report.agency = named.first } else if named.count > 1 {
        staged.report.attribution = "ambiguous"
        staged.report.candidates = named.sorted()
      }
    }
    if !unreadable {
      if results.contains(where: { $0.status == .invalid }) {
        staged.report.outcome = .invalid
      } else if results.contains(where: { $0.status == .valid }) {
        staged.report.outcome = .accepted
      } else {
        staged.report.outcome = .noLedger
      }
    }

    // The reply, under a name made from the message's hash.
    if message.from != nil {
      let text = ReplyText(agency: staged.report.agency, originalSubject: message.subject, originalDate: message.date.map(Self.chineseDate),
                           outcome: staged.report.outcome, attachments: results, messageProblems: staged.report.problems,
                           deadlines: deadlines, bureau: config.senderName ?? "司法局")
      var reply = ReplyMessage(replyingTo: message, from: MailAddress(name: config.senderName, address: config.senderAddress),
                               subject: text.subject, textBody: text.plain, htmlBody: text.html, attachments: reports)
      reply.messageID = "reply-\(sha.prefix(32))@" + (MailAddress(address: config.senderAddress).domain ?? "sheetgate.invalid")
      var rng = SplitMix64(seed: UInt64(sha.prefix(16), radix: 16) ?? 1)
      let draft = reply.render(using: &rng)
      staged.replyName = "sheetgate-reply-\(sha.prefix(32))"
      // Written and synced here, on the staging thread; only the rename is left for the commit.
      staged.draftFile = try outbox.writeTemporary(draft, name: staged.replyName!)
      staged.draft = []
    }
    return staged
  }

  /// The second half, in message order: the draft delivered, the spreadsheets stored, the message recorded.
  func commit(_ s: StagedMessage) throws -> MessageReport {
    defer { BatchRun.removeWork(s) }
    if s.recorded { return s.report }
    var report = s.report
    // The same bytes twice in one batch: the first is recorded now.
    if let done = try store.message(sha256: report.sha256) { return Self.resumedReport(done, source: s.path) }
    // A second copy of a message already handled (same Message-ID, other bytes): recorded, not answered.
    if let id = report.messageID, let first = try store.message(messageID: id) {
      report.outcome = .duplicate
      report.agency = first.agency
      report.attribution = "recorded"
      report.attachments = []
      report.problems.append("与已处理的邮件 Message-ID 相同（\(first.source)），未重复处理。")
      try record(report, reply: nil)
      return report
    }
    // The draft was delivered before (``handleInBatches(_:_:)``).
    if s.draft != nil, let name = s.replyName { report.reply = name }
    if let job = s.job {
      for f in s.files {
        do { _ = try job.store(f, into: store, receivedAt: s.receivedAt) } catch {
          throw BatchError("\(config.store): cannot store the submissions of \(s.path): \(error)", "\(config.store)：无法保存邮件 \(s.path) 的报送：\(error)")
        }
      }
    }
    try record(report, reply: report.reply)
    return report
  }

  static func resumedReport(_ done: MessageRecord, source: String) -> MessageReport {
    MessageReport(source: source, messageID: done.messageID, sha256: done.sha256, sender: done.sender, senderName: done.senderName,
                  subject: done.subject, date: done.date, outcome: MessageOutcome(rawValue: done.outcome) ?? .accepted,
                  agency: done.agency, attribution: "recorded", candidates: [], attachments: [], problems: [],
                  reply: done.replyFile, resumed: true)
  }

  /// The period of the collections when they share one, else nil (each file's own).
  private var collectionPeriod: String? { desk.collectionPeriod }

  /// Records a handled message in the store.
  private func record(_ r: MessageReport, reply: String?) throws {
    let m = MessageRecord(messageID: r.messageID, sha256: r.sha256, source: r.source, sender: r.sender, senderName: r.senderName,
                          date: r.date, subject: r.subject, agency: r.agency, outcome: r.outcome.rawValue, replyFile: reply,
                          processedAt: BatchDates.nowISO())
    do { try store.recordMessage(m) } catch {
      throw BatchError("\(config.store): cannot record the message \(r.source): \(error)", "\(config.store)：无法记录邮件 \(r.source)：\(error)")
    }
  }

  private var deadlines: [String: String] {
    var d: [String: String] = [:]
    for (c, s) in collections { if let dl = c.deadline { d[s.name] = dl } }
    return d
  }

  private var collectionTitles: String { desk.collectionTitles }

  /// Auto-replies, bounces and list mail (RFC 3834): never answered.
  static func isAutomatic(_ m: MailMessage) -> Bool {
    if let a = m.headers.text("Auto-Submitted")?.lowercased(), !a.isEmpty, a != "no" { return true }
    if let p = m.headers.text("Precedence")?.lowercased(), ["bulk", "junk", "list", "auto_reply"].contains(p) { return true }
    let from = m.from?.address.lowercased() ?? ""
    return from.hasPrefix("mailer-daemon@") || from.hasPrefix("postmaster@")
  }

  /// The header block of a message too large to parse (up to the first blank line, at most 256 KiB).
  static func headerBlock(_ raw: [UInt8]) -> [UInt8] {
    let limit = min(raw.count, 256 << 10)
    var i = 0
    while i < limit {
      if raw[i] == 10 {
        if i + 1 < limit, raw[i + 1] == 10 { return Array(raw[0...i]) }
        if i + 2 < limit, raw[i + 1] == 13, raw[i + 2] == 10 { return Array(raw[0...i]) }
      }
      i += 1
    }
    return Array(raw[0..<limit])
  }

  static func emptyMessage(size: Int) -> MailMessage {
    // Parsing a header line cannot fail.
    (try? MailMessage.parse(Array("X-Sheetgate: unreadable\r\n\r\n.\r\n".utf8)))!
  }

  /// `2023年7月25日` in the sender's time.
  static func chineseDate(_ d: MailDate) -> String {
    let t = Date(timeIntervalSince1970: TimeInterval(d.secondsSince1970))
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(secondsFromGMT: d.utcOffsetMinutes * 60) ?? TimeZone(secondsFromGMT: 8 * 3600)!
    let c = cal.dateComponents([.year, .month, .day], from: t)
    return "\(c.year!)年\(c.month!)月\(c.day!)日"
  }

  // MARK: Plain files

  /// Validates and stores each spreadsheet of a plain folder not stored before; reports go to
  /// `<output>/校验结果/`.
  func storeFiles(in folder: String) throws -> [AttachmentResult] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { n in
      [".xlsx", ".xlsm", ".csv", ".xls"].contains { n.lowercased().hasSuffix($0) } && !n.hasPrefix("~$") && !n.hasPrefix(".")
    }.sorted()
    var out: [AttachmentResult] = []
    let reports = config.output + "/校验结果"
    var writer: ReportWriter?
    for name in names {
      let path = folder + "/" + name
      guard let digest = try? SHA256.hex(ofFileAt: path), try !store.contains(sha256: digest) else { continue }
      var r = AttachmentResult(name: name, status: .valid)
      do {
        let result = try validateJob.run(path: path)
        r.errors = result.tables.reduce(0) { $0 + $1.stats.errors }
        r.rows = result.tables.reduce(0) { $0 + $1.stats.rows }
        r.status = r.errors == 0 ? .valid : .invalid
        if writer == nil { writer = try ReportWriter(folder: reports, job: validateJob) }
        r.report = try writer?.writeWorkbook(for: result, path: path)
      } catch let p as InputProblem {
        r.status = .unreadable
        r.problem = p.messageZH
      }
      let job = MergeJob(options: MergeJob.Options(roster: roster, period: collections.first?.0.period), ledgers: validateJob.ledgers)
      _ = try job.ingest(paths: [path], into: store)
      out.append(r)
    }
    return out
  }

  // MARK: After the messages

  /// Rebuilds the consolidated workbooks from the store (each replaced atomically) and fills in who is missing.
  func export(into summary: inout Summary) throws -> [String] {
    var outputs: [String] = []
    let targets: [(String, [TableSchema], Consolidation.Options, BatchConfig.Collection?)]
    if collections.isEmpty {
      targets = [(config.output + "/汇总.xlsx", validateJob.ledgers.schemas,
                  Consolidation.Options(roster: roster, duplicates: .report), nil)]
    } else {
      targets = collections.map { c, s in
        let name = (s.title ?? s.name) + (c.period.map { "_\($0)" } ?? "") + "_汇总.xlsx"
        return (config.output + "/" + name, [s], Consolidation.Options(roster: roster, duplicates: .report, ledgers: [s.name], period: c.period), c)
      }
    }
    for (path, schemas, opts, c) in targets {
      do {
        let (outcome, files) = try MergeJob.export(from: store, schemas: schemas, options: opts, output: path, format: .xlsx)
        outputs += files
        if let c, roster != nil {
          let s = schemas[0]
          summary.missing.append((s.title ?? s.name, c.period, c.deadline, outcome.notSubmitted[s.name] ?? []))
        }
      } catch {
        throw BatchError("\(path): the consolidated workbook cannot be written (the previous one is unchanged): \(error)",
                         "\(path)：汇总表无法写入（原文件未改动）：\(error)")
      }
    }
    return outputs
  }

  /// Drafts one reminder per missing agency and open collection (deadline not passed), once a day.
  func remind(missing: [(title: String, period: String?, deadline: String?, agencies: [String])]) throws -> [String] {
    let today = options.today ?? BatchDates.today()
    var drafted: [String] = []
    let known = try store.messages()
    for m in missing {
      if let d = m.deadline, d < today { continue }
      for agency in m.agencies {
        let addresses = mailboxes.addresses[agency] ?? known.last(where: { $0.agency == agency && $0.sender != nil }).map { [$0.sender!] } ?? []
        guard !addresses.isEmpty else { continue }
        var h = SHA256()
        h.update(Array("\(agency)|\(m.title)|\(m.period ?? "")|\(today)".utf8))
        let key = h.finalizeHex()
        let name = "sheetgate-remind-\(key.prefix(32))"
        if try store.message(sha256: "remind:" + key) != nil || outbox.find(name) != nil { continue }
        let text = ReminderText(agency: agency, ledgerTitle: m.title, period: m.period, deadline: m.deadline, bureau: config.senderName ?? "司法局")
        var msg = ReplyMessage(from: MailAddress(name: config.senderName, address: config.senderAddress),
                               to: addresses.map { MailAddress(name: agency, address: $0) }, subject: text.subject, textBody: text.plain)
        msg.messageID = "remind-\(key.prefix(32))@" + (MailAddress(address: config.senderAddress).domain ?? "sheetgate.invalid")
        var rng = SplitMix64(seed: UInt64(key.prefix(16), radix: 16) ?? 1)
        try outbox.deliver(msg.render(using: &rng), name: name)
        try store.recordMessage(MessageRecord(messageID: nil, sha256: "remind:" + key, source: "reminder", sender: addresses.first,
                                              senderName: agency, date: nil, subject: text.subject, agency: agency, outcome: "reminder",
                                              replyFile: name, processedAt: BatchDates.nowISO()))
        drafted.append(agency)
      }
    }
    return drafted
  }

  /// Pipes each recorded reply not yet sent to the send command; recorded as sent when it exits 0.
  ///
  /// Before the command starts, the intent is recorded and synced (``SendMarkers``); the command runs in a
  /// wrapper that marks its success itself. A reply whose earlier attempt was cut off by a killed run is
  /// therefore not sent again when that attempt succeeded (the mark says so; it is recorded now), nor while
  /// it is still running (left for the next run); only when it neither succeeded nor is running is it sent
  /// again, which is the remaining window of a reply sent twice (at least once, not at most once:
  /// DESIGN-NOTES, "Sending at least once").
  func sendPending(into summary: inout Summary) throws {
    guard let command = config.send else { return }
    let markers = SendMarkers(state: config.state)
    for m in try store.messages() where m.replyFile != nil && m.replySentAt == nil {
      let name = m.replyFile!
      switch markers.earlier(name) {
      case .sent:
        try store.markReplySent(sha256: m.sha256, at: BatchDates.nowISO())
        markers.clear(name)
        summary.sentBefore.append(name)
        continue
      case .running:
        summary.sendFailures.append("\(name)：上次运行启动的发送命令仍在运行，结果将在下次运行时记录")
        continue
      case .interrupted:
        summary.resent.append(name)
      case .none:
        break
      }
      guard let path = outbox.find(name) else {
        summary.sendFailures.append("\(name)：草稿不在发件目录中，未发送")
        continue
      }
      let messageID = (try? MailMessage.parse(Self.headerBlock(Array(FileManager.default.contents(atPath: path) ?? Data())) + Array("\r\n".utf8)))?.messageID
      try markers.writeIntent(name, messageID: messageID)
      switch Sender.send(file: path, command: command, timeout: config.sendTimeout, markers: markers.files(name)) {
      case .success:
        try store.markReplySent(sha256: m.sha256, at: BatchDates.nowISO())
        markers.clear(name)
        summary.sent += 1
      case .failure(let why):
        // A command that exited 0 after the timeout stopped the wait has marked itself sent: kept for the next run.
        if markers.earlier(name) != .sent { markers.clear(name) }
        summary.sendFailures.append("\(name)：\(why)")
      }
    }
  }
}

extension BatchDates {
  /// A mail date as ISO 8601 (UTC).
  static func iso(_ d: MailDate?) -> String? {
    guard let d else { return nil }
    return Timestamp.iso8601(seconds: Int64(d.secondsSince1970))
  }
}

import ArgumentParser
import Batch
import Foundation

/// `sheetgate run`: unattended from the mailbox (cron, a systemd timer).
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Process the agencies' mail unattended: validate, store, answer, consolidate.",
    discussion: """
      Every new message of the Maildir (and every .eml file, every spreadsheet of a plain folder) is read: each
      spreadsheet attachment is recognised, validated and stored (a later valid submission from the same agency for
      the same ledger and period replaces the earlier one); a reply draft with the annotated report goes to the
      outbox Maildir (and to the send command, when configured); the message moves from new/ to cur/. Then the
      consolidated workbooks are rebuilt from the store and a summary is printed. A run killed at any moment and
      started again ends as one uninterrupted run would. Only one run at a time: a second one exits with status 5.
      Exit status: 0 every message handled and valid; 1 invalid submissions, bad mail, unknown senders or unsent
      replies; 2 usage or configuration; 3 the store, outbox or output could not be written; 4 internal error;
      5 another run is active.
      Examples:
        sheetgate run --config /etc/sheetgate/sheetgate.yaml
        sheetgate run --maildir ~/Maildir --roster 名单.xlsx --store 台账.sqlite --outbox 回复草稿 --output 汇总
      """)

  @Option(help: "The configuration file (YAML).")
  var config: String?

  @Option(help: "A Maildir to take new messages from.")
  var maildir: String?

  @Option(help: "A folder of .eml files or of spreadsheets (no mail).")
  var inbox: String?

  @Option(help: "The agency roster (本级行政执法部门名单), optionally with a 邮箱 column.")
  var roster: String?

  @Option(help: "The SQLite store.")
  var store: String?

  @Option(help: "The Maildir reply drafts go to.")
  var outbox: String?

  @Option(help: "The folder of consolidated workbooks.")
  var output: String?

  @Option(help: "The folder of the lock and the log (default: .sheetgate beside the store).")
  var state: String?

  @Option(help: "The ledger collected (a built-in name or a schema file).")
  var schema: String?

  @Option(help: "The period submissions are filed under (e.g. 2023).")
  var period: String?

  @Option(help: "The deadline quoted in replies and reminders (e.g. 2023-08-15).")
  var deadline: String?

  @Option(help: "The bureau's address on replies.")
  var from: String?

  @Option(help: "A sendmail-compatible command drafts are piped to (e.g. \"msmtp -t\").")
  var send: String?

  @Flag(help: "Also draft reminders to roster agencies with nothing valid for an open collection.")
  var remind = false

  @Option(help: .hidden)
  var today: String?

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let chinese = global.chinese
    let cfg = try configuration(chinese: chinese)
    let lockPath = BatchRun.lockPath(cfg)
    let lock: RunLock
    do {
      try FileManager.default.createDirectory(atPath: cfg.state, withIntermediateDirectories: true)
      guard let l = try RunLock(path: lockPath) else {
        let pid = RunLock.holder(path: lockPath).map { " (pid \($0))" } ?? ""
        throw StatusError(code: ExitStatus.anotherRun,
                          message: chinese ? "另一个 sheetgate run 正在运行\(pid)（锁文件：\(lockPath)），本次未做任何处理。"
                            : "another sheetgate run is active\(pid) (lock: \(lockPath)); nothing done.")
      }
      lock = l
    } catch let e as StatusError { throw e } catch let e as BatchError {
      throw StatusError(code: ExitStatus.unreadableInput, message: e.text(chinese: chinese))
    }
    defer { withExtendedLifetime(lock) {} }
    let summary: BatchRun.Summary
    do {
      let batch = try BatchRun(config: cfg, options: .init(remind: remind, today: today))
      summary = try batch.run()
    } catch let e as ConfigError {
      throw StatusError(code: ExitStatus.usage, message: e.text(chinese: chinese))
    } catch let e as BatchError {
      throw StatusError(code: ExitStatus.unreadableInput, message: e.text(chinese: chinese))
    }
    RunSummaryText.print(summary, chinese: chinese, quiet: global.quiet)
    let troubled = summary.invalidCount > 0 || !summary.badMail.isEmpty || !summary.unknownSenders.isEmpty
      || !summary.sendFailures.isEmpty || summary.files.contains { $0.status != .valid } || !summary.unanswerable.isEmpty
    if troubled { throw ExitCode(ExitStatus.findings) }
  }

  /// The configuration file, or one made from the flags.
  func configuration(chinese: Bool) throws -> BatchConfig {
    if let config {
      let flags: [(String, String?)] = [("--maildir", maildir), ("--inbox", inbox), ("--roster", roster), ("--store", store),
                                        ("--outbox", outbox), ("--output", output), ("--schema", schema), ("--period", period),
                                        ("--send", send), ("--state", state), ("--from", from), ("--deadline", deadline)]
      if let given = flags.first(where: { $0.1 != nil }) {
        throw StatusError.usage(chinese ? "\(given.0) 不能与 --config 同时使用：请写入配置文件。"
                                        : "\(given.0) cannot be combined with --config; put it in the configuration file.")
      }
      do { return try BatchConfig.load(path: config) } catch let e as ConfigError {
        throw StatusError.usage(e.text(chinese: chinese))
      }
    }
    var missing: [String] = []
    if maildir == nil && inbox == nil { missing.append("--maildir") }
    if store == nil { missing.append("--store") }
    if outbox == nil { missing.append("--outbox") }
    if output == nil { missing.append("--output") }
    guard missing.isEmpty, let store, let outbox, let output else {
      throw StatusError.usage(chinese ? "缺少 \(missing.joined(separator: "、"))（或使用 --config 配置文件）。"
                                      : "missing \(missing.joined(separator: ", ")) (or use --config).")
    }
    var emlFolder: String?, filesFolder: String?
    if let inbox {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []
      if names.contains(where: { $0.lowercased().hasSuffix(".eml") }) { emlFolder = inbox } else { filesFolder = inbox }
    }
    if let deadline, deadline.split(separator: "-").count != 3 {
      throw StatusError.usage(chinese ? "--deadline “\(deadline)” 格式不正确，应如 2023-08-15。" : "--deadline '\(deadline)' is not a date like 2023-08-15.")
    }
    let stateFolder = state ?? (((store as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".sheetgate"))
    var cfg = BatchConfig(maildir: maildir, emlFolder: emlFolder, filesFolder: filesFolder, roster: roster,
                          collections: schema.map { [.init(schema: $0, period: period, deadline: deadline)] } ?? [],
                          store: store, output: output, outbox: outbox, state: stateFolder, send: send)
    if let from { cfg.senderAddress = from }
    return cfg
  }
}

/// What the clerk sees after a run.
enum RunSummaryText {
  static func print(_ s: BatchRun.Summary, chinese zh: Bool, quiet: Bool) {
    var out = ""
    if !quiet {
      for m in s.messages where !m.resumed {
        let who = m.agency ?? m.sender ?? "?"
        let subject = m.subject ?? ""
        out += "\(outcomeLabel(m.outcome, zh))  \(who)  \(subject)\n"
        for a in m.attachments {
          out += "    \(a.name)：\(statusLabel(a.status, zh))"
          if !a.ledgers.isEmpty { out += zh ? "（\(a.ledgers.joined(separator: "、"))，\(a.rows) 行，\(a.errors) 处错误）" : " (\(a.ledgers.joined(separator: ", ")), \(a.rows) rows, \(a.errors) errors)" }
          if let p = a.problem { out += "  " + p }
          out += "\n"
        }
        for p in m.problems { out += "    " + p + "\n" }
      }
      for f in s.files {
        out += "\(f.name)：\(statusLabel(f.status, zh))\(f.problem.map { "  " + $0 } ?? "")\n"
      }
    }
    let fresh = s.messages.filter { !$0.resumed }
    if zh {
      out += "邮件 \(fresh.count) 封（续办 \(s.messages.count - fresh.count) 封），附件 \(s.attachmentCount) 个：校验通过 \(s.validCount)，未通过 \(s.invalidCount)，"
        + "无可识别台账的邮件 \(s.badMail.count) 封。\n"
    } else {
      out += "\(fresh.count) messages (\(s.messages.count - fresh.count) resumed), \(s.attachmentCount) attachments: \(s.validCount) valid, "
        + "\(s.invalidCount) invalid; \(s.badMail.count) messages without a usable ledger.\n"
    }
    if !s.unknownSenders.isEmpty {
      out += zh ? "无法确定报送单位的发件人（请人工核对）：\n" : "senders whose agency could not be decided (check by hand):\n"
      for m in s.unknownSenders {
        let who = [m.senderName, m.sender.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        let cands = m.candidates.isEmpty ? "" : (zh ? "（可能是：\(m.candidates.joined(separator: "、"))）" : " (could be: \(m.candidates.joined(separator: ", ")))")
        out += "    \(who)  \(m.subject ?? "")\(cands)\n"
      }
    }
    if !s.unanswerable.isEmpty {
      out += zh ? "无法回复（邮件没有发件人地址，请人工处理）：\n" : "cannot be answered (no sender address; handle by hand):\n"
      for m in s.unanswerable { out += "    \(m.source)  \(m.subject ?? "")\n" }
    }
    for m in s.missing {
      let when = m.deadline.map { zh ? "，截止 \($0)" : ", due \($0)" } ?? ""
      let p = m.period.map { zh ? "\($0)年度" : "\($0) " } ?? ""
      if m.agencies.isEmpty {
        out += zh ? "\(p)\(m.title)\(when)：全部单位已报送。\n" : "\(p)\(m.title)\(when): every agency has submitted.\n"
      } else {
        out += zh ? "\(p)\(m.title)\(when)：尚未报送 \(m.agencies.count) 家：\(m.agencies.joined(separator: "、"))\n"
          : "\(p)\(m.title)\(when): \(m.agencies.count) still missing: \(m.agencies.joined(separator: ", "))\n"
      }
    }
    if !s.remindersDrafted.isEmpty {
      out += (zh ? "已起草催报邮件：" : "reminders drafted: ") + s.remindersDrafted.joined(separator: zh ? "、" : ", ") + "\n"
    }
    if s.sent > 0 { out += zh ? "已发送回复 \(s.sent) 封。\n" : "\(s.sent) replies sent.\n" }
    if !s.sentBefore.isEmpty {
      out += zh ? "上次运行中断前已发出的回复 \(s.sentBefore.count) 封，已补记为已发送，未重复发送。\n"
        : "\(s.sentBefore.count) replies sent by an interrupted earlier run: recorded as sent, not sent again.\n"
    }
    for r in s.resent {
      out += zh ? "重新发送：\(r)（上次发送被中断，对方可能收到两封相同 Message-ID 的回复）\n"
        : "sent again: \(r) (an earlier attempt was interrupted; the agency may receive it twice, with the same Message-ID)\n"
    }
    for f in s.sendFailures { out += (zh ? "未发送：" : "not sent: ") + f + "\n" }
    out += (zh ? "汇总表：" : "consolidated: ") + s.outputs.joined(separator: ", ") + "\n"
    Output.stdout.write(out)
  }

  static func outcomeLabel(_ o: MessageOutcome, _ zh: Bool) -> String {
    switch o {
    case .accepted: return zh ? "已接收" : "accepted"
    case .invalid: return zh ? "校验未通过" : "invalid"
    case .noLedger: return zh ? "无可识别台账" : "no ledger"
    case .unreadable: return zh ? "邮件无法读取" : "unreadable"
    case .duplicate: return zh ? "重复邮件" : "duplicate"
    case .automatic: return zh ? "自动邮件，未回复" : "automatic, not answered"
    }
  }

  static func statusLabel(_ s: AttachmentResult.Status, _ zh: Bool) -> String {
    switch s {
    case .valid: return zh ? "校验通过" : "valid"
    case .invalid: return zh ? "校验未通过" : "invalid"
    case .unrecognized: return zh ? "未识别出台账" : "no ledger recognised"
    case .unreadable: return zh ? "无法读取" : "unreadable"
    case .unsupported: return zh ? "无法打开，已请对方重发" : "cannot be opened; resend asked"
    case .coverLetter: return zh ? "报送函" : "cover letter"
    case .other: return zh ? "其他文件，未处理" : "other file, ignored"
    }
  }
}

import Diagnostics
import Foundation
import Mail

/// What one attachment of a message came to.
public struct AttachmentResult: Sendable {
  public enum Status: String, Sendable {
    /// Recognised and valid: stored.
    case valid
    /// Recognised with errors: stored as invalid, the agency must resend.
    case invalid
    /// A spreadsheet in which no collected ledger was recognised.
    case unrecognized
    /// A spreadsheet that cannot be read (damaged, encrypted, an Excel 2.x–4.0 worksheet …).
    case unreadable
    /// A file that cannot be opened here (RAR, 7z, winmail.dat, password, over the cap, bad base64).
    case unsupported
    /// A cover letter (报送函): listed.
    case coverLetter = "cover-letter"
    /// Anything else: listed, ignored.
    case other
  }

  public var name: String
  public var status: Status
  /// The ledgers recognised (titles), the rows and the findings' counts.
  public var ledgers: [String] = []
  public var rows = 0
  public var errors = 0
  public var warnings = 0
  public var policy = 0
  /// The first findings, rendered for the filer (at most ten).
  public var findings: [String] = []
  /// What is wrong and what to do, for statuses other than valid and invalid.
  public var problem: String?
  /// The report file attached to the reply (`…_校验结果.xlsx` / `…_校验通过.xlsx`).
  public var report: String?
  /// The schema names recognised, for deadlines.
  public var schemas: [String] = []

  public init(name: String, status: Status) {
    self.name = name
    self.status = status
  }
}

/// The outcome of a whole message, which chooses the reply's subject.
public enum MessageOutcome: String, Sendable {
  /// Every ledger in it is valid.
  case accepted
  /// A ledger in it has errors.
  case invalid
  /// No ledger could be recognised (no attachment, unreadable, unsupported, unknown spreadsheet).
  case noLedger = "no-ledger"
  /// The message itself cannot be read (empty, over the cap).
  case unreadable
  /// Its Message-ID was processed before (a second copy with other bytes).
  case duplicate
  /// An automatic message (bounce, auto-reply): recorded, never answered.
  case automatic
}

/// Writes the reply's subject and bodies in Chinese.
struct ReplyText {
  var agency: String?
  var originalSubject: String?
  var originalDate: String?
  var outcome: MessageOutcome
  var attachments: [AttachmentResult]
  /// Message-level problems (Chinese), such as a missing closing boundary.
  var messageProblems: [String]
  /// Deadline per schema name (`2023-08-15`).
  var deadlines: [String: String]
  var bureau: String

  var subject: String {
    let prefix: String
    switch outcome {
    case .accepted: prefix = "【已接收】"
    case .invalid: prefix = "【校验未通过，请修改后重新报送】"
    default: prefix = "【未收到可识别的台账，请重新报送】"
    }
    let original = (originalSubject ?? "").trimmingCharacters(in: .whitespaces)
    let stripped = Self.stripReplyPrefixes(original)
    return prefix + (stripped.isEmpty ? (agency.map { $0 + "报送的台账" } ?? "报送的台账") : stripped)
  }

  static func stripReplyPrefixes(_ s: String) -> String {
    var t = s
    var changed = true
    while changed {
      changed = false
      for p in ["Re:", "RE:", "re:", "回复：", "回复:", "答复：", "Fw:", "FW:", "转发：", "【已接收】", "【校验未通过，请修改后重新报送】",
                "【未收到可识别的台账，请重新报送】"] where t.hasPrefix(p) {
        t = String(t.dropFirst(p.count)).trimmingCharacters(in: .whitespaces)
        changed = true
      }
    }
    return t
  }

  /// The deadline that applies: the earliest among the ledgers concerned, else among all collections.
  var deadline: String? {
    let concerned = Set(attachments.flatMap(\.schemas)).compactMap { deadlines[$0] }
    return (concerned.isEmpty ? Array(deadlines.values) : concerned).min()
  }

  /// The lines of the letter; `html` wraps them.
  private var paragraphs: [(text: String, items: [String])] {
    var out: [(String, [String])] = []
    let when = originalDate.map { "于\($0)" } ?? ""
    let what = originalSubject.map { "《\(Self.stripReplyPrefixes($0))》" } ?? ""
    switch outcome {
    case .accepted:
      out.append(("您单位\(when)报送的邮件\(what)已收到，所附台账校验通过，已接收。", []))
    case .invalid:
      out.append(("您单位\(when)报送的邮件\(what)已收到。所附台账校验未通过，请按下列说明修改后重新报送：", []))
    default:
      out.append(("您单位\(when)发来的邮件\(what)已收到，但其中没有可以识别的台账，请按下列说明重新报送：", []))
    }
    var n = 0
    for a in attachments {
      n += 1
      let ledger = a.ledgers.isEmpty ? "" : "（\(a.ledgers.joined(separator: "、"))，\(a.rows) 行）"
      switch a.status {
      case .valid:
        var s = "\(n). 附件“\(a.name)”\(ledger)：校验通过，已接收。"
        if a.warnings + a.policy > 0 { s += "另有 \(a.warnings + a.policy) 条提示，详见附件“\(a.report ?? "")”，请核对。" }
        out.append((s, []))
      case .invalid:
        var s = "\(n). 附件“\(a.name)”\(ledger)：发现 \(a.errors) 处错误"
        if a.warnings > 0 { s += "、\(a.warnings) 处警告" }
        s += "，未能接收。"
        var items = a.findings
        if a.errors + a.warnings > a.findings.count { items.append("……其余问题见附件“\(a.report ?? "")”。") }
        out.append((s, items))
        if let r = a.report {
          out.append(("   请打开附件“\(r)”，按“问题清单”工作表逐项修改（出错的单元格已标红并加批注），改好后重新报送完整的台账。", []))
        }
      case .unrecognized, .unreadable, .unsupported:
        out.append(("\(n). 附件“\(a.name)”：\(a.problem ?? "无法识别。")", []))
      case .coverLetter:
        out.append(("\(n). 附件“\(a.name)”：报送函，已收悉。", []))
      case .other:
        out.append(("\(n). 附件“\(a.name)”：不是台账文件，未处理。", []))
      }
    }
    if attachments.isEmpty {
      out.append(("邮件中没有附件。请将填好的台账（Excel 表格 .xlsx 或 CSV 文件）作为附件重新发送。", []))
    }
    for p in messageProblems { out.append((p, [])) }
    if outcome != .accepted {
      if let d = deadline {
        out.append(("请于\(BatchDates.chinese(d))前重新报送。", []))
      } else {
        out.append(("请尽快重新报送。", []))
      }
    }
    let reports = attachments.contains { $0.report != nil }
    out.append(("本邮件由\(bureau)台账校验系统自动发出\(reports ? "，附件为校验结果" : "")。", []))
    return out
  }

  var plain: String {
    var s = (agency ?? "报送单位") + "：\n\n"
    for (p, items) in paragraphs {
      s += p + "\n"
      for i in items { s += "   - " + i + "\n" }
      s += "\n"
    }
    return s + bureau + "\n"
  }

  var html: String {
    func esc(_ t: String) -> String {
      var o = ""
      for c in t {
        switch c {
        case "&": o += "&amp;"
        case "<": o += "&lt;"
        case ">": o += "&gt;"
        case "\"": o += "&quot;"
        default: o.append(c)
        }
      }
      return o
    }
    var s = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
    s += "<title>\(esc(subject))</title></head><body style=\"font-family:sans-serif;line-height:1.6\">"
    s += "<p>\(esc(agency ?? "报送单位"))：</p>"
    for (p, items) in paragraphs {
      s += "<p>\(esc(p))</p>"
      if !items.isEmpty { s += "<ul>" + items.map { "<li>\(esc($0))</li>" }.joined() + "</ul>" }
    }
    s += "<p>\(esc(bureau))</p></body></html>\n"
    return s
  }

  /// A finding as one line for the filer: where, what, what to do.
  static func finding(_ d: Diagnostic) -> String {
    let r = MessageCatalog.render(d, lang: .zhCN)
    var whereText = ""
    if let sheet = d.location.sheet { whereText += "工作表“\(sheet)”" }
    if let a1 = d.location.a1 { whereText += "\(a1) 单元格" } else if let row = d.location.row { whereText += "第\(row + 1)行" }
    var s = (whereText.isEmpty ? "" : whereText + "：") + r.message
    if !r.hint.isEmpty { s += "（" + r.hint + "）" }
    return s
  }
}

/// A reminder to an agency that has not submitted.
struct ReminderText {
  var agency: String
  var ledgerTitle: String
  var period: String?
  var deadline: String?
  var bureau: String

  var subject: String { "【催报】请报送\(period.map { "\($0)年度" } ?? "")\(ledgerTitle)" }

  var plain: String {
    var s = "\(agency)：\n\n截至目前，尚未收到您单位报送的\(period.map { "\($0)年度" } ?? "")\(ledgerTitle)（或所报台账校验未通过）。"
    if let d = deadline { s += "报送截止日期为\(BatchDates.chinese(d))，" }
    s += "请按模板填写后，以 Excel 表格（.xlsx）或 CSV 文件作为附件回复本邮件报送。\n\n本邮件由\(bureau)台账校验系统自动发出。\n\n\(bureau)\n"
    return s
  }
}

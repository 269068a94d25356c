import Foundation
import Tabular
import Yams

/// What `sheetgate run` works on: where mail comes in, the roster, the collections, the store, where the
/// consolidated workbooks and the reply drafts go, who replies, and how replies are sent.
///
/// Loaded from YAML (``load(path:)``; every mistake is a ``ConfigError`` with file:line:column) or built
/// from the command line's flags. Relative paths in a file are relative to the file's folder.
public struct BatchConfig: Sendable {
  /// A ledger the bureau is collecting for one period, with its deadline.
  public struct Collection: Sendable, Hashable {
    /// A built-in schema's name or a schema file's path.
    public var schema: String
    /// The period submissions are filed under (`2023`); nil takes each file's own.
    public var period: String?
    /// The deadline (`2023-08-15`), quoted in replies and reminders; nil for none.
    public var deadline: String?
    public init(schema: String, period: String? = nil, deadline: String? = nil) {
      self.schema = schema; self.period = period; self.deadline = deadline
    }
  }

  /// A Maildir (`new/`, `cur/`, `tmp/`) whose new messages are processed and moved to `cur/`.
  public var maildir: String?
  /// A folder of `.eml` files, processed once each (never moved).
  public var emlFolder: String?
  /// A folder of spreadsheets, validated and stored without mail (no replies).
  public var filesFolder: String?
  /// The agency roster (本级行政执法部门名单), optionally with a 邮箱 column.
  public var roster: String?
  /// The collections; empty means every built-in ledger, periods from the files.
  public var collections: [Collection]
  /// The SQLite store.
  public var store: String
  /// The folder of consolidated workbooks.
  public var output: String
  /// The Maildir reply drafts are written to.
  public var outbox: String
  /// The folder holding the lock, the log and the work in progress.
  public var state: String
  /// The bureau's address and display name on replies.
  public var senderAddress: String
  public var senderName: String?
  /// A sendmail-compatible command a draft is piped to (`msmtp -t`); nil drafts only.
  public var send: String?
  /// Seconds the send command may take before it is stopped (the reply stays unsent).
  public var sendTimeout: Double
  /// The portal's settings (`serve:`), for `sheetgate serve`.
  public var serve = Serve()

  /// The `serve:` section: where `sheetgate serve` listens and its limits.
  public struct Serve: Sendable, Hashable {
    /// The address and port it binds (127.0.0.1:8080: put nginx with TLS in front of it).
    public var host = "127.0.0.1"
    public var port = 8080
    /// The address agencies reach it at (`https://…`), for their links; nil: `http://host:port`.
    public var baseURL: String?
    /// Session cookies marked `Secure`; nil: when `baseURL` is https.
    public var secureCookies: Bool?
    /// The largest upload accepted, in MiB.
    public var maxUploadMB = 20
    /// Uploads one agency link may make in a minute.
    public var uploadsPerMinute = 30
    /// Threads validating uploads, and how many uploads may wait for them.
    public var workers = 2
    public var queue = 64
    public init() {}

    /// The link base agencies reach.
    public var base: String { (baseURL ?? "http://\(host):\(port)").trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
    /// Whether cookies carry `Secure`.
    public var secure: Bool { secureCookies ?? base.lowercased().hasPrefix("https://") }
  }

  public init(maildir: String? = nil, emlFolder: String? = nil, filesFolder: String? = nil, roster: String? = nil,
              collections: [Collection] = [], store: String, output: String, outbox: String, state: String,
              senderAddress: String = "sheetgate@localhost", senderName: String? = nil, send: String? = nil,
              sendTimeout: Double = 120) {
    self.maildir = maildir; self.emlFolder = emlFolder; self.filesFolder = filesFolder; self.roster = roster
    self.collections = collections; self.store = store; self.output = output; self.outbox = outbox; self.state = state
    self.senderAddress = senderAddress; self.senderName = senderName; self.send = send; self.sendTimeout = sendTimeout
  }

  /// Every key a configuration file may hold, for the error on an unknown one.
  static let keys = ["inbox", "roster", "collections", "store", "output", "outbox", "state", "sender", "send", "send_timeout", "serve"]
  static let serveKeys = ["host", "port", "base_url", "secure_cookies", "max_upload_mb", "uploads_per_minute", "workers", "queue"]

  /// Loads a configuration file.
  /// - Parameter mail: false for `sheetgate serve`, which needs no inbox, outbox or output (the state folder
  ///   then defaults to `.sheetgate` beside the store, the others to folders in it).
  /// - Throws: ``ConfigError`` naming the file, line and column of the first mistake.
  public static func load(path: String, mail: Bool = true) throws -> BatchConfig {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError("cannot read the configuration file", "无法读取配置文件", file: path)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError("the configuration file is not UTF-8 text", "配置文件不是 UTF-8 文本", file: path)
    }
    let base = (path as NSString).deletingLastPathComponent
    var loader = ConfigLoader(file: path, base: base.isEmpty ? "." : base, mail: mail)
    return try loader.load(text)
  }
}

/// A configuration that cannot be used: what is wrong, in English and Chinese, and where.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
  public var english: String
  public var chinese: String
  public var file: String?
  public var line: Int?
  public var column: Int?

  public init(_ english: String, _ chinese: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
    self.english = english; self.chinese = chinese; self.file = file; self.line = line; self.column = column
  }

  /// `file:line:column: message`.
  public func text(chinese zh: Bool) -> String {
    var s = file ?? "<config>"
    if let line { s += ":\(line)" }
    if let column { s += ":\(column)" }
    return s + ": " + (zh ? chinese : english)
  }

  public var description: String { text(chinese: false) }
}

/// Walks the YAML node tree (which keeps line/column marks) into a ``BatchConfig``.
private struct ConfigLoader {
  let file: String
  let base: String
  let mail: Bool

  func error(_ en: String, _ zh: String, _ node: Node?) -> ConfigError {
    ConfigError(en, zh, file: file, line: node?.mark?.line, column: node?.mark?.column)
  }

  func mapping(_ node: Node, _ what: String, allowed: [String]) throws -> [String: (key: Node, value: Node)] {
    guard case .mapping(let m) = node else {
      throw error("\(what) must be a mapping of keys to values", "“\(what)”应为“键: 值”形式的映射", node)
    }
    var out: [String: (key: Node, value: Node)] = [:]
    for (k, v) in m {
      guard let key = k.string else { throw error("a key must be text", "键应为文本", k) }
      guard allowed.contains(key) else {
        throw error("unknown key '\(key)' in \(what) (known: \(allowed.joined(separator: ", ")))",
                    "“\(what)”中有未知的键“\(key)”（可用的键：\(allowed.joined(separator: "、"))）", k)
      }
      if out[key] != nil { throw error("'\(key)' is given twice", "键“\(key)”重复出现", k) }
      out[key] = (k, v)
    }
    return out
  }

  func string(_ node: Node?, _ key: String) throws -> String? {
    guard let node else { return nil }
    if case .scalar(let s) = node {
      if s.string.isEmpty || s.string == "~" || s.string == "null" { return nil }
      return s.string
    }
    throw error("'\(key)' must be a single value", "“\(key)”应为单个值", node)
  }

  func path(_ node: Node?, _ key: String) throws -> String? {
    guard let s = try string(node, key) else { return nil }
    let expanded = s.hasPrefix("~/") ? NSHomeDirectory() + s.dropFirst(1) : s
    return expanded.hasPrefix("/") ? expanded : base + "/" + expanded
  }

  func required(_ m: [String: (key: Node, value: Node)], _ key: String, in root: Node, path isPath: Bool = true) throws -> String {
    let v = isPath ? try path(m[key]?.value, key) : try string(m[key]?.value, key)
    guard let v else {
      throw error("'\(key)' is required", "缺少必填的键“\(key)”", m[key]?.value ?? root)
    }
    return v
  }

  mutating func load(_ text: String) throws -> BatchConfig {
    let root: Node
    do {
      guard let n = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
        throw ConfigError("the configuration file is empty", "配置文件为空", file: file)
      }
      root = n
    } catch let e as YamlError {
      switch e {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
        throw ConfigError("not valid YAML: \(problem)", "YAML 格式错误：\(problem)", file: file, line: mark.line, column: mark.column)
      default:
        throw ConfigError("not valid YAML: \(e)", "YAML 格式错误：\(e)", file: file)
      }
    }
    let m = try mapping(root, "the configuration", allowed: BatchConfig.keys)
    var c: BatchConfig
    if mail {
      c = BatchConfig(store: try required(m, "store", in: root), output: try required(m, "output", in: root),
                      outbox: try required(m, "outbox", in: root), state: try required(m, "state", in: root))
    } else {
      let store = try required(m, "store", in: root)
      let state = try path(m["state"]?.value, "state") ?? (store as NSString).deletingLastPathComponent + "/.sheetgate"
      c = BatchConfig(store: store, output: try path(m["output"]?.value, "output") ?? state + "/output",
                      outbox: try path(m["outbox"]?.value, "outbox") ?? state + "/outbox", state: state)
    }
    if let sv = m["serve"]?.value { c.serve = try serve(sv) }
    if !mail && m["inbox"] == nil {
      // `sheetgate serve` reads no mail.
    } else {
      try inbox(m, root, into: &c)
    }
    try rest(m, root, into: &c)
    return c
  }

  func int(_ node: Node, _ key: String, _ range: ClosedRange<Int>) throws -> Int {
    guard let s = try string(node, key), let v = Int(s), range.contains(v) else {
      throw error("'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                  "“\(key)”应为 \(range.lowerBound) 到 \(range.upperBound) 之间的整数", node)
    }
    return v
  }

  func serve(_ node: Node) throws -> BatchConfig.Serve {
    let sm = try mapping(node, "serve", allowed: BatchConfig.serveKeys)
    var s = BatchConfig.Serve()
    if let v = sm["host"]?.value { s.host = try string(v, "host") ?? s.host }
    if let v = sm["port"]?.value { s.port = try int(v, "port", 1...65535) }
    if let v = sm["base_url"]?.value {
      guard let u = try string(v, "base_url"), u.hasPrefix("http://") || u.hasPrefix("https://") else {
        throw error("'base_url' must start with http:// or https://", "“base_url”应以 http:// 或 https:// 开头", v)
      }
      s.baseURL = u
    }
    if let v = sm["secure_cookies"]?.value {
      switch try string(v, "secure_cookies")?.lowercased() {
      case "true", "yes", "on": s.secureCookies = true
      case "false", "no", "off": s.secureCookies = false
      default: throw error("'secure_cookies' must be true or false", "“secure_cookies”应为 true 或 false", v)
      }
    }
    if let v = sm["max_upload_mb"]?.value { s.maxUploadMB = try int(v, "max_upload_mb", 1...1024) }
    if let v = sm["uploads_per_minute"]?.value { s.uploadsPerMinute = try int(v, "uploads_per_minute", 1...100_000) }
    if let v = sm["workers"]?.value { s.workers = try int(v, "workers", 1...64) }
    if let v = sm["queue"]?.value { s.queue = try int(v, "queue", 1...10_000) }
    return s
  }

  func inbox(_ m: [String: (key: Node, value: Node)], _ root: Node, into c: inout BatchConfig) throws {
    guard let inbox = m["inbox"]?.value else {
      throw error("'inbox' is required (maildir, eml and/or files)", "缺少必填的键“inbox”（maildir、eml 或 files）", root)
    }
    let im = try mapping(inbox, "inbox", allowed: ["maildir", "eml", "files"])
    c.maildir = try path(im["maildir"]?.value, "maildir")
    c.emlFolder = try path(im["eml"]?.value, "eml")
    c.filesFolder = try path(im["files"]?.value, "files")
    if c.maildir == nil && c.emlFolder == nil && c.filesFolder == nil {
      throw error("'inbox' names no folder: give maildir, eml or files", "“inbox”未指定任何目录：请填写 maildir、eml 或 files", inbox)
    }
  }

  func rest(_ m: [String: (key: Node, value: Node)], _ root: Node, into c: inout BatchConfig) throws {
    c.roster = try path(m["roster"]?.value, "roster")
    if let s = m["sender"]?.value {
      if case .scalar = s {
        c.senderAddress = try string(s, "sender") ?? c.senderAddress
      } else {
        let sm = try mapping(s, "sender", allowed: ["address", "name"])
        guard let a = try string(sm["address"]?.value, "address") else {
          throw error("'sender' needs an 'address'", "“sender”缺少“address”（发件地址）", s)
        }
        guard a.contains("@"), !a.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
          throw error("'\(a)' is not a mail address", "“\(a)”不是有效的邮箱地址", sm["address"]?.value)
        }
        c.senderAddress = a
        c.senderName = try string(sm["name"]?.value, "name")
      }
    }
    c.send = try string(m["send"]?.value, "send")
    if let t = m["send_timeout"]?.value {
      guard let s = try string(t, "send_timeout"), let v = Double(s), v > 0 else {
        throw error("'send_timeout' must be a number of seconds", "“send_timeout”应为秒数", t)
      }
      c.sendTimeout = v
    }
    if let cols = m["collections"]?.value {
      guard case .sequence(let seq) = cols else {
        throw error("'collections' must be a list", "“collections”应为列表（每项以“- ”开头）", cols)
      }
      for item in seq {
        let cm = try mapping(item, "collections", allowed: ["schema", "period", "deadline"])
        guard let schema = try string(cm["schema"]?.value, "schema") else {
          throw error("a collection needs a 'schema'", "每项收集任务都需要“schema”（台账名称或模式文件）", item)
        }
        let resolved = schema.hasSuffix(".yaml") || schema.hasSuffix(".yml") || schema.hasSuffix(".json")
          ? (schema.hasPrefix("/") ? schema : base + "/" + schema) : schema
        let deadline = try string(cm["deadline"]?.value, "deadline")
        if let d = deadline, BatchDates.parseDay(d) == nil {
          throw error("deadline '\(d)' is not a date like 2023-08-15", "截止日期“\(d)”格式不正确，应如 2023-08-15", cm["deadline"]?.value)
        }
        c.collections.append(.init(schema: resolved, period: try string(cm["period"]?.value, "period"), deadline: deadline))
      }
    }
  }
}

/// Dates as the run writes and compares them.
enum BatchDates {
  /// `2023-08-15` → (2023, 8, 15), else nil.
  static func parseDay(_ s: String) -> (Int, Int, Int)? {
    let parts = s.split(separator: "-")
    guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
          (1900...2999).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
    return (y, m, d)
  }

  /// `2023-08-15` → `2023年8月15日`.
  static func chinese(_ s: String) -> String {
    guard let (y, m, d) = parseDay(s) else { return s }
    return "\(y)年\(m)月\(d)日"
  }

  /// Today in China (UTC+8) as `2023-08-15`.
  static func today(now: Date = Date()) -> String {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
    let c = cal.dateComponents([.year, .month, .day], from: now)
    return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
  }

  /// Now as ISO 8601 (UTC).
  static func nowISO() -> String { Timestamp.now() }
}

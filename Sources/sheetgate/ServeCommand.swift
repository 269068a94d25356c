import ArgumentParser
import Batch
import Foundation
import Portal

/// `sheetgate serve`: the submission portal on the bureau's intranet (DESIGN-NOTES: The portal).
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the submission portal: agencies upload through private links, the bureau watches who is missing.",
    discussion: """
      Uses the same configuration, store and validation as `sheetgate run`: an upload and a mailed attachment make the same
      kind of record. Binds 127.0.0.1:8080 unless told otherwise; put nginx with TLS in front of it (README).
      Examples:
        sheetgate serve --config /etc/sheetgate/sheetgate.yaml
        sheetgate serve --roster 名单.xlsx --store 台账.sqlite --collect training-hours:2023:2023-08-15 --port 8080
        sheetgate serve links --config sheetgate.yaml --base-url https://tb.sfj.example.gov.cn
        sheetgate serve passwd --config sheetgate.yaml
      """,
    subcommands: [ServeStart.self, ServeLinks.self, ServePasswd.self, ServeRevoke.self],
    defaultSubcommand: ServeStart.self)
}

/// Where the portal's configuration comes from: a file, or the flags.
struct ServeOptions: ParsableArguments {
  @Option(help: "The configuration file (YAML, as `sheetgate run` reads it, with a `serve:` section).")
  var config: String?

  @Option(help: "The agency roster (本级行政执法部门名单).")
  var roster: String?

  @Option(help: "The SQLite store (shared with `sheetgate run` and `merge --store`).")
  var store: String?

  @Option(help: "A collection: SCHEMA:PERIOD[:DEADLINE] (e.g. training-hours:2023:2023-08-15); repeatable.")
  var collect: [String] = []

  @Option(help: "The folder of uploads, reports and work (default: .sheetgate beside the store).")
  var state: String?

  @Option(help: "The address to bind (default 127.0.0.1).")
  var host: String?

  @Option(help: "The port (default 8080).")
  var port: Int?

  @OptionGroup var global: GlobalOptions

  func configuration() throws -> BatchConfig {
    let zh = global.chinese
    var cfg: BatchConfig
    if let config {
      let flags: [(String, Bool)] = [("--roster", roster != nil), ("--store", store != nil), ("--collect", !collect.isEmpty), ("--state", state != nil)]
      if let given = flags.first(where: { $0.1 }) {
        throw StatusError.usage(zh ? "\(given.0) 不能与 --config 同时使用：请写入配置文件。" : "\(given.0) cannot be combined with --config; put it in the configuration file.")
      }
      do { cfg = try BatchConfig.load(path: config, mail: false) } catch let e as ConfigError {
        throw StatusError.usage(e.text(chinese: zh))
      }
    } else {
      guard let store else {
        throw StatusError.usage(zh ? "缺少 --store（或使用 --config 配置文件）。" : "missing --store (or use --config).")
      }
      var cols: [BatchConfig.Collection] = []
      for c in collect {
        let parts = c.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts[0].isEmpty else {
          throw StatusError.usage(zh ? "--collect “\(c)” 应为 台账:期间[:截止日期]，如 training-hours:2023:2023-08-15。"
                                     : "--collect '\(c)' must be SCHEMA:PERIOD[:DEADLINE], e.g. training-hours:2023:2023-08-15.")
        }
        let deadline = parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil
        if let d = deadline, d.split(separator: "-").count != 3 {
          throw StatusError.usage(zh ? "--collect 的截止日期“\(d)”格式不正确，应如 2023-08-15。" : "--collect deadline '\(d)' is not a date like 2023-08-15.")
        }
        cols.append(.init(schema: parts[0], period: parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil, deadline: deadline))
      }
      let st = state ?? ((store as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".sheetgate")
      cfg = BatchConfig(roster: roster, collections: cols, store: store, output: st + "/output", outbox: st + "/outbox", state: st)
    }
    if let host { cfg.serve.host = host }
    if let port {
      guard (1...65535).contains(port) else { throw StatusError.usage(zh ? "--port 应在 1 到 65535 之间。" : "--port must be 1 to 65535.") }
      cfg.serve.port = port
    }
    return cfg
  }

  /// Opens the portal, configuration errors as usage errors.
  func portal() throws -> Portal {
    let cfg = try configuration()
    do { return try Portal(config: cfg) } catch let e as ConfigError {
      throw StatusError.usage(e.text(chinese: global.chinese))
    } catch let e as BatchError {
      throw StatusError(code: ExitStatus.unreadableInput, message: e.text(chinese: global.chinese))
    }
  }
}

struct ServeStart: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "start", abstract: "Run the portal (the default).")

  @OptionGroup var options: ServeOptions

  func run() throws {
    let portal = try options.portal()
    let s = portal.config.serve
    if !options.global.quiet {
      Output.error(options.global.chinese
        ? "sheetgate serve：正在监听 http://\(s.host):\(s.port)（单位链接：sheetgate serve links；管理：\(s.base)/admin）"
        : "sheetgate serve: listening on http://\(s.host):\(s.port) (agency links: sheetgate serve links; admin: \(s.base)/admin)")
    }
    if (try? portal.desk.store.setting("admin-password")) == nil {
      Output.error(options.global.chinese ? "提示：尚未设置管理员密码，请运行 sheetgate serve passwd。" : "note: no admin password yet; run sheetgate serve passwd.")
    }
    do { try portal.runBlocking() } catch {
      throw StatusError(code: ExitStatus.unreadableInput, message: options.global.chinese ? "无法启动服务：\(error)" : "cannot serve: \(error)")
    }
  }
}

struct ServeLinks: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "links", abstract: "Print each roster agency's private link (name, tab, link) and write them to a workbook.")

  @OptionGroup var options: ServeOptions

  @Option(help: "The address agencies reach the portal at (default: serve.base_url, else http://HOST:PORT).")
  var baseURL: String?

  @Option(help: "The workbook of links to write (default: 报送链接.xlsx).")
  var xlsx: String = "报送链接.xlsx"

  func run() throws {
    var cfg = try options.configuration()
    if let baseURL {
      guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
        throw StatusError.usage(options.global.chinese ? "--base-url 应以 http:// 或 https:// 开头。" : "--base-url must start with http:// or https://.")
      }
      cfg.serve.baseURL = baseURL
    }
    let portal: Portal
    do { portal = try Portal(config: cfg) } catch let e as ConfigError {
      throw StatusError.usage(e.text(chinese: options.global.chinese))
    }
    defer { portal.shutdown() }
    guard portal.desk.roster != nil else {
      throw StatusError.usage(options.global.chinese ? "没有部门名单：请在配置中给出 roster（或 --roster）。" : "no roster: give roster in the configuration (or --roster).")
    }
    let links = try portal.links()
    var out = ""
    for l in links { out += "\(l.agency)\t\(l.link)\n" }
    Output.stdout.write(out)
    try LinksWorkbook.write(links, to: xlsx)
    if !options.global.quiet {
      Output.error(options.global.chinese ? "已写入 \(xlsx)（\(links.count) 个单位）" : "wrote \(xlsx) (\(links.count) agencies)")
    }
  }
}

struct ServePasswd: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "passwd", abstract: "Set the admin password (read from the terminal, or the first line of stdin); stored as a salted scrypt hash.")

  @OptionGroup var options: ServeOptions

  func run() throws {
    let zh = options.global.chinese
    let password: String
    if isatty(0) != 0 {
      guard let a = getpass(zh ? "管理员密码：" : "admin password: ").map({ String(cString: $0) }),
            let b = getpass(zh ? "再输入一次：" : "again: ").map({ String(cString: $0) }), a == b else {
        throw StatusError.usage(zh ? "两次输入的密码不一致，未修改。" : "the passwords differ; nothing changed.")
      }
      password = a
    } else {
      password = readLine(strippingNewline: true) ?? ""
    }
    guard password.count >= 8 else {
      throw StatusError.usage(zh ? "密码至少 8 个字符，未修改。" : "the password needs at least 8 characters; nothing changed.")
    }
    let portal = try options.portal()
    defer { portal.shutdown() }
    try portal.setAdminPassword(password)
    if !options.global.quiet { Output.error(zh ? "管理员密码已设置。" : "admin password set.") }
  }
}

struct ServeRevoke: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "revoke", abstract: "Revoke an agency's link (the next `serve links` gives it a new one).")

  @OptionGroup var options: ServeOptions

  @Option(help: "The agency (its roster name).")
  var agency: String

  func run() throws {
    let portal = try options.portal()
    defer { portal.shutdown() }
    let n = try portal.revoke(agency: agency)
    guard n > 0 else {
      throw StatusError.usage(options.global.chinese ? "“\(agency)”没有有效的链接。" : "'\(agency)' has no live link.")
    }
    if !options.global.quiet { Output.error(options.global.chinese ? "已作废“\(agency)”的链接。" : "revoked the link of '\(agency)'.") }
  }
}

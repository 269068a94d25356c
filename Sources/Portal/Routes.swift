import Batch
import Foundation
import HTTPTypes
import Hummingbird
import Store
import ThreadKit

/// The request context: Hummingbird's basics plus the peer's address (for the audit log and login limits).
public struct PortalContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  /// `ip:port` of the connection's peer (nginx in front: also `X-Real-IP`, recorded beside it).
  public let peer: String
  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    peer = source.channel.remoteAddress.map { "\($0.ipAddress ?? "?")" } ?? ""
  }
  /// Uploads are read by the route itself, against the configured cap.
  public var maxUploadSize: Int { 1 << 30 }
}

extension Portal {
  /// The HTTP application on `config.serve`'s address.
  public func application() -> some ApplicationProtocol {
    let router = Router(context: PortalContext.self)
    router.addMiddleware { SecurityHeaders() }
    routes(router)
    return Application(router: router, configuration: .init(address: .hostname(config.serve.host, port: config.serve.port),
                                                             serverName: nil))
  }

  /// Runs the server until the process is stopped (SIGINT/SIGTERM end it gracefully).
  public func run() async throws {
    try await application().runService()
  }

  /// Runs the server from synchronous code (the command line): blocks the calling thread until the server ends.
  public func runBlocking() throws {
    let done = Locked<Result<Void, any Error>?>(nil)
    Task { [self] in
      do { try await run(); done.update { $0 = .success(()) } } catch { done.update { $0 = .failure(error) } }
    }
    let result = done.wait(until: { $0 != nil }) { $0! }
    shutdown()
    try result.get()
  }

  // MARK: Routes

  func routes(_ router: Router<PortalContext>) {
    router.get("/") { _, _ in
      Self.html(Pages.message("台账报送", "请使用司法局发给本单位的专属链接打开报送页面。司法局工作人员请从 /admin 登录。"))
    }

    // Agencies: everything under /a/<token>, nothing visible without a live token.
    router.get("/a/:token") { [self] _, ctx in
      guard let (token, agency) = agencyOf(ctx) else { return Self.notFound() }
      return Self.html(Pages.agencyPage(portal: self, agency: agency, token: token, csrf: uploadCSRF(token)))
    }
    router.post("/a/:token/upload") { [self] request, ctx in
      try await upload(request, ctx)
    }
    router.get("/a/:token/report/:ref") { [self] request, ctx in
      guard let (_, agency) = agencyOf(ctx), let ref = ctx.parameters.get("ref"),
            let u = try? desk.store.upload(ref: ref), u.agency == agency, let path = reportPath(ref: ref) else { return Self.notFound() }
      try audit(actor: "agency:" + agency, action: "download", detail: "report \(u.fileName)", address: address(request, ctx))
      return try Self.file(path, name: Self.reportName(u))
    }
    router.get("/a/:token/template/:index") { [self] _, ctx in
      guard let (_, agency) = agencyOf(ctx), let i = ctx.parameters.get("index", as: Int.self), collections().indices.contains(i) else { return Self.notFound() }
      let c = collections()[i]
      let tmp = folder + "/work/template-" + PortalSecurity.randomHex(bytes: 8) + ".xlsx"
      defer { unlink(tmp) }
      try Template.write(c.schema, agency: agency, period: c.period, roster: desk.roster, to: tmp)
      return try Self.file(tmp, name: "\(c.schema.title ?? c.schema.name)_模板.xlsx")
    }

    // The bureau.
    router.get("/admin/login") { _, _ in
      let pre = PortalSecurity.randomHex(bytes: 16)
      var r = Self.html(Pages.login(csrf: self.loginCSRF(pre)))
      r.setCookie(self.cookie("sg_pre", pre))
      return r
    }
    router.post("/admin/login") { [self] request, ctx in
      try await login(request, ctx)
    }
    router.post("/admin/logout") { [self] request, ctx in
      let form = try await Self.form(request)
      guard let session = request.cookies["sg_session"]?.value, sessions.isValid(session),
            PortalSecurity.checkFormToken(form["csrf"], secret: secret, purpose: "admin|" + session) else { return Self.forbidden() }
      sessions.remove(session)
      try audit(actor: "admin", action: "logout", detail: "", address: address(request, ctx))
      var r = Self.redirect("/admin/login")
      r.setCookie(cookie("sg_session", "", maxAge: 0))
      return r
    }
    router.get("/admin") { [self] request, _ in
      guard let session = adminSession(request) else { return Self.redirect("/admin/login") }
      let q = request.uri.queryParameters
      let status: String? = q.get("status").map { s in String(s) }
      let search: String? = q.get("q").map { s in String(s) }
      let collection: Int? = q.get("collection").flatMap { s in Int(s) }
      return Self.html(Pages.dashboard(portal: self, csrf: adminCSRF(session), filter: status, collection: collection, search: search))
    }
    router.get("/admin/agency") { [self] request, _ in
      guard let session = adminSession(request) else { return Self.redirect("/admin/login") }
      guard let raw = request.uri.queryParameters.get("name") else { return Self.notFound() }
      return Self.html(Pages.agencyDetail(portal: self, agency: String(raw), csrf: adminCSRF(session)))
    }
    router.get("/admin/audit") { [self] request, _ in
      guard let session = adminSession(request) else { return Self.redirect("/admin/login") }
      return Self.html(Pages.audit(portal: self, csrf: adminCSRF(session)))
    }
    router.get("/admin/report/:ref") { [self] request, ctx in
      guard adminSession(request) != nil else { return Self.redirect("/admin/login") }
      guard let ref = ctx.parameters.get("ref"), let u = try? desk.store.upload(ref: ref), let path = reportPath(ref: ref) else { return Self.notFound() }
      try audit(actor: "admin", action: "download", detail: "report \(u.agency) \(u.fileName)", address: address(request, ctx))
      return try Self.file(path, name: Self.reportName(u))
    }
    router.get("/admin/consolidated/:index") { [self] request, ctx in
      guard adminSession(request) != nil else { return Self.redirect("/admin/login") }
      guard let i = ctx.parameters.get("index", as: Int.self), collections().indices.contains(i) else { return Self.notFound() }
      let c = collections()[i]
      let tmp = folder + "/work/consolidated-" + PortalSecurity.randomHex(bytes: 8) + ".xlsx"
      defer { unlink(tmp) }
      try await queue.submit { [self] in try writeConsolidated(index: i, to: tmp) }
      try audit(actor: "admin", action: "download", detail: "consolidated \(c.title)", address: address(request, ctx))
      return try Self.file(tmp, name: "\(c.schema.title ?? c.schema.name)\(c.period.map { "_\($0)" } ?? "")_汇总.xlsx")
    }
    router.get("/admin/missing/:index") { [self] request, ctx in
      guard adminSession(request) != nil else { return Self.redirect("/admin/login") }
      guard let i = ctx.parameters.get("index", as: Int.self), collections().indices.contains(i) else { return Self.notFound() }
      let c = collections()[i]
      let tmp = folder + "/work/missing-" + PortalSecurity.randomHex(bytes: 8) + ".xlsx"
      defer { unlink(tmp) }
      try writeMissing(index: i, to: tmp)
      try audit(actor: "admin", action: "export", detail: "未报送 \(c.title)", address: address(request, ctx))
      return try Self.file(tmp, name: "\(c.schema.title ?? c.schema.name)\(c.period.map { "_\($0)" } ?? "")_未报送单位.xlsx")
    }
    router.post("/admin/collection/:index") { [self] request, ctx in
      guard let session = adminSession(request) else { return Self.redirect("/admin/login") }
      let form = try await Self.form(request)
      guard PortalSecurity.checkFormToken(form["csrf"], secret: secret, purpose: "admin|" + session) else { return Self.forbidden() }
      guard let i = ctx.parameters.get("index", as: Int.self), collections().indices.contains(i),
            let action = form["action"], action == "open" || action == "close" else { return Self.notFound() }
      try setCollection(i, open: action == "open")
      try audit(actor: "admin", action: "collection", detail: "\(action) \(collections()[i].title)", address: address(request, ctx))
      return Self.redirect("/admin")
    }
  }

  // MARK: Agency side

  /// The token of the route and its agency, when the token is live.
  func agencyOf(_ ctx: PortalContext) -> (String, String)? {
    guard let token = ctx.parameters.get("token"), let agency = agency(forToken: token) else { return nil }
    return (token, agency)
  }

  func uploadCSRF(_ token: String) -> String { PortalSecurity.formToken(secret: secret, purpose: "upload|" + token) }
  func loginCSRF(_ pre: String) -> String { PortalSecurity.formToken(secret: secret, purpose: "login|" + pre) }
  func adminCSRF(_ session: String) -> String { PortalSecurity.formToken(secret: secret, purpose: "admin|" + session) }

  func address(_ request: Request, _ ctx: PortalContext) -> String {
    if let real = request.headers[HTTPField.Name("X-Real-IP")!] { return "\(real) via \(ctx.peer)" }
    return ctx.peer
  }

  func upload(_ request: Request, _ ctx: PortalContext) async throws -> Response {
    guard let (token, agency) = agencyOf(ctx) else { return Self.notFound() }
    let who = "agency:" + agency
    let from = address(request, ctx)
    func page(_ status: HTTPResponse.Status, _ notice: String?, results: [UploadResult]? = nil) -> Response {
      var r = Self.html(Pages.agencyPage(portal: self, agency: agency, token: token, csrf: uploadCSRF(token), results: results, notice: notice))
      r.status = status
      return r
    }
    guard uploadLimiter.allow(token) else {
      try audit(actor: who, action: "rejected", detail: "rate limit", address: from)
      var r = page(.tooManyRequests, "上传过于频繁（每分钟最多 \(uploadLimiter.limit) 次），请稍后再试。")
      r.headers[.retryAfter] = "60"
      return r
    }
    let cap = maxUploadBytes
    if let len = request.headers[.contentLength].flatMap({ Int($0) }), len > cap + (64 << 10) {
      try audit(actor: who, action: "rejected", detail: "too large: \(len) bytes", address: from)
      return page(.contentTooLarge, "文件过大：每次上传不超过 \(config.serve.maxUploadMB) MB。")
    }
    let body: ByteBuffer
    do { body = try await request.body.collect(upTo: cap + (64 << 10)) } catch {
      try audit(actor: who, action: "rejected", detail: "too large", address: from)
      return page(.contentTooLarge, "文件过大：每次上传不超过 \(config.serve.maxUploadMB) MB。")
    }
    guard let boundary = MultipartForm.boundary(contentType: request.headers[.contentType]),
          let form = MultipartForm.parse(Array(buffer: body), boundary: boundary) else {
      return page(.badRequest, "上传的内容无法识别，请通过本页的表单选择文件上传。")
    }
    guard PortalSecurity.checkFormToken(form.field("csrf"), secret: secret, purpose: "upload|" + token) else {
      try audit(actor: who, action: "rejected", detail: "csrf", address: from)
      return page(.forbidden, "页面已过期，请刷新本页后重新上传。")
    }
    let files = form.files
    guard !files.isEmpty else { return page(.badRequest, "请选择要上传的文件。") }
    guard files.allSatisfy({ $0.bytes.count <= cap }) else {
      return page(.contentTooLarge, "文件过大：每个文件不超过 \(config.serve.maxUploadMB) MB。")
    }
    var results: [UploadResult] = []
    for f in files {
      let name = Self.displayName(f.fileName ?? "")
      let bytes = f.bytes
      do {
        let r = try await queue.submit { [self] in try process(bytes: bytes, fileName: name, agency: agency) }
        results.append(r)
        try audit(actor: who, action: "upload", detail: "\(name) \(r.record.status) rows=\(r.record.rows) errors=\(r.record.errors) ref=\(r.record.ref)",
                  address: from)
      } catch is UploadQueue.Full {
        var r = page(.serviceUnavailable, "服务器正忙，请一分钟后重新上传（未上传的文件：\(name)）。", results: results.isEmpty ? nil : results)
        r.headers[.retryAfter] = "30"
        return r
      }
    }
    return page(.ok, nil, results: results)
  }

  /// A filer's file name for display and the record: the last path component, control characters removed, at most 200 characters.
  static func displayName(_ raw: String) -> String {
    let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
    let clean = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 })).prefix(200)
    return clean.isEmpty ? "未命名文件" : String(clean)
  }

  static func reportName(_ u: UploadRecord) -> String {
    let stem = (u.fileName as NSString).deletingPathExtension
    return stem + (u.status == "valid" ? "_校验通过.xlsx" : "_校验结果.xlsx")
  }

  // MARK: Admin side

  func adminSession(_ request: Request) -> String? {
    guard let s = request.cookies["sg_session"]?.value, sessions.isValid(s) else { return nil }
    return s
  }

  func login(_ request: Request, _ ctx: PortalContext) async throws -> Response {
    let from = address(request, ctx)
    let form = try await Self.form(request)
    let pre = request.cookies["sg_pre"]?.value ?? ""
    let fresh = PortalSecurity.randomHex(bytes: 16)
    func again(_ status: HTTPResponse.Status, _ error: String) -> Response {
      var r = Self.html(Pages.login(csrf: loginCSRF(fresh), error: error))
      r.status = status
      r.setCookie(cookie("sg_pre", fresh))
      return r
    }
    guard !pre.isEmpty, PortalSecurity.checkFormToken(form["csrf"], secret: secret, purpose: "login|" + pre) else {
      try audit(actor: "anonymous", action: "rejected", detail: "login csrf", address: from)
      return again(.forbidden, "页面已过期，请重新输入密码。")
    }
    guard loginLimiter.allow(ctx.peer) else {
      try audit(actor: "anonymous", action: "login-failed", detail: "rate limit", address: from)
      return again(.tooManyRequests, "尝试次数过多，请一分钟后再试。")
    }
    guard let hash = try desk.store.setting("admin-password") else {
      return again(.forbidden, "尚未设置管理员密码：请在服务器上运行 sheetgate serve passwd。")
    }
    let password = form["password"] ?? ""
    let ok = try await queue.submit { PortalSecurity.verifyPassword(password, hash: hash) }
    guard ok else {
      try audit(actor: "anonymous", action: "login-failed", detail: "", address: from)
      return again(.forbidden, "密码不正确。")
    }
    let session = sessions.create()
    try audit(actor: "admin", action: "login", detail: "", address: from)
    var r = Self.redirect("/admin")
    r.setCookie(cookie("sg_session", session))
    r.setCookie(cookie("sg_pre", "", maxAge: 0))
    return r
  }

  /// A session cookie: HttpOnly, SameSite=Strict, Secure when the portal is reached over TLS.
  func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
    Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: config.serve.secure, httpOnly: true, sameSite: .strict)
  }

  // MARK: Responses

  static func html(_ s: String) -> Response {
    Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: s)))
  }

  static func notFound() -> Response {
    var r = html(Pages.message("未找到", "链接无效或已失效。请向司法局索取新的报送链接。"))
    r.status = .notFound
    return r
  }

  static func forbidden() -> Response {
    var r = html(Pages.message("请求被拒绝", "页面已过期或请求无效，请返回刷新后重试。"))
    r.status = .forbidden
    return r
  }

  static func redirect(_ to: String) -> Response {
    Response(status: .seeOther, headers: [.location: to])
  }

  /// A file as a download named `name` (RFC 6266: an ASCII fallback and the UTF-8 name).
  static func file(_ path: String, name: String) throws -> Response {
    guard let data = FileManager.default.contents(atPath: path) else { return notFound() }
    let encoded = name.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? "download.xlsx"
    return Response(status: .ok, headers: [
      .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      .contentDisposition: "attachment; filename=\"download.xlsx\"; filename*=UTF-8''\(encoded)",
    ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  /// An `application/x-www-form-urlencoded` body (at most 64 KiB).
  static func form(_ request: Request) async throws -> [String: String] {
    let body = try await request.body.collect(upTo: 64 << 10)
    var out: [String: String] = [:]
    for pair in String(buffer: body).split(separator: "&") {
      let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
      let k = decode(kv[0])
      if out[k] == nil { out[k] = kv.count > 1 ? decode(kv[1]) : "" }
    }
    return out
  }
}

/// Headers on every response: no caching, no referrer (agency links carry their token), no framing, no
/// script or style from anywhere but the page itself.
struct SecurityHeaders: RouterMiddleware {
  typealias Context = PortalContext
  func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
    var r = try await next(request, context)
    r.headers[.cacheControl] = "no-store"
    r.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    r.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
    r.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    r.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    return r
  }
}

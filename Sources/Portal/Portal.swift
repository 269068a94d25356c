import Batch
import Crypto
import Foundation
import Merge
import Pipeline
import Schema
import Store
import ThreadKit

/// `sheetgate serve`'s state: the configuration, the ``SubmissionDesk`` shared with `sheetgate run` (roster,
/// collections, ledgers, store), the agency tokens, the admin sessions, the rate limits and the upload queue.
/// The HTTP side is in `Routes.swift`, the pages in `Pages.swift`.
public final class Portal: @unchecked Sendable {  // @unchecked: immutable after init but for the desk's store (GRDB serialises it) and ThreadKit-locked tables
  public let config: BatchConfig
  public let desk: SubmissionDesk
  /// Where uploads and their reports are kept (`<state>/portal/`); names are made here, never by a client.
  public let folder: String
  let secret: SymmetricKey
  let tokens = TokenTable()
  let sessions = SessionTable()
  let uploadLimiter: RateLimiter
  let loginLimiter = RateLimiter(limit: 10)
  let queue: UploadQueue
  /// Serialises the check-then-store of uploads (two uploads of the same bytes at once store one).
  let commitLock = Lock()
  /// The upload cap in bytes.
  var maxUploadBytes: Int { config.serve.maxUploadMB << 20 }

  /// Opens the desk (roster, collections, store) and the portal's folders.
  /// - Throws: ``ConfigError`` or ``BatchError`` as `sheetgate run` does.
  public init(config: BatchConfig) throws {
    self.config = config
    folder = config.state + "/portal"
    for d in [folder + "/uploads", folder + "/reports", folder + "/work"] {
      do { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) } catch {
        throw BatchError("\(d): cannot create the folder: \(error.localizedDescription)", "\(d)：无法创建目录：\(error.localizedDescription)")
      }
    }
    desk = try SubmissionDesk(config: config, reports: folder + "/work")
    // The forms' secret survives restarts (pages open in a browser stay usable).
    if let s = try desk.store.setting("portal-secret"), let bytes = Self.unhex(s), bytes.count == 32 {
      secret = SymmetricKey(data: bytes)
    } else {
      let s = PortalSecurity.randomHex(bytes: 32)
      try desk.store.setSetting("portal-secret", s)
      secret = SymmetricKey(data: Self.unhex(s)!)
    }
    uploadLimiter = RateLimiter(limit: config.serve.uploadsPerMinute)
    queue = UploadQueue(threads: config.serve.workers, capacity: config.serve.queue)
    try reloadTokens()
    // Half-written uploads of a killed server (never answered) are removed.
    for n in (try? FileManager.default.contentsOfDirectory(atPath: folder + "/work")) ?? [] {
      try? FileManager.default.removeItem(atPath: folder + "/work/" + n)
    }
  }

  /// Stops the upload threads after the queued uploads.
  public func shutdown() { queue.shutdown() }

  static func unhex(_ s: String) -> [UInt8]? {
    let u = Array(s.utf8)
    guard u.count % 2 == 0 else { return nil }
    func v(_ c: UInt8) -> UInt8? {
      switch c {
      case 48...57: return c - 48
      case 97...102: return c - 87
      case 65...70: return c - 55
      default: return nil
      }
    }
    var out: [UInt8] = []
    var i = 0
    while i < u.count {
      guard let a = v(u[i]), let b = v(u[i + 1]) else { return nil }
      out.append(a << 4 | b)
      i += 2
    }
    return out
  }

  // MARK: Agencies and links

  /// The roster's agencies, in roster order (empty without a roster).
  public var agencies: [String] { desk.roster?.entries.map(\.name) ?? [] }

  /// Gives every roster agency a token (keeping live ones) and returns (agency, link) in roster order.
  public func links() throws -> [(agency: String, link: String)] {
    var out: [(String, String)] = []
    for a in agencies {
      let t = try desk.store.ensureToken(agency: a, token: PortalSecurity.randomHex(bytes: 16), at: MergeJob.now())
      out.append((a, config.serve.base + "/a/" + t))
    }
    try reloadTokens()
    return out
  }

  /// Revokes an agency's link (a new one is made by the next ``links()``); returns how many were revoked.
  @discardableResult
  public func revoke(agency: String) throws -> Int {
    let n = try desk.store.revokeTokens(agency: agency, at: MergeJob.now())
    try reloadTokens()
    try audit(actor: "admin", action: "revoke", detail: agency, address: "")
    return n
  }

  /// Re-reads the live tokens from the store.
  public func reloadTokens() throws {
    tokens.replace(try desk.store.agencyTokens().filter { $0.revokedAt == nil }.map { ($0.token, $0.agency) })
  }

  /// The agency a link token belongs to (live tokens only, compared in constant time), or nil.
  public func agency(forToken token: String) -> String? {
    // Re-read once on a miss: `serve links` run beside a running server adds tokens.
    if let a = tokens.agency(for: token) { return a }
    try? reloadTokens()
    return tokens.agency(for: token)
  }

  // MARK: Collections

  /// One collection as the pages show it.
  public struct CollectionView: Sendable {
    public var index: Int
    public var schema: TableSchema
    public var period: String?
    public var deadline: String?
    public var open: Bool
    public var title: String { (schema.title ?? schema.name) + (period.map { "（\($0)）" } ?? "") }
    var key: String { "closed:\(schema.name):\(period ?? "")" }
  }

  /// The collections with whether each is open.
  public func collections() -> [CollectionView] {
    desk.collections.enumerated().map { i, c in
      var v = CollectionView(index: i, schema: c.1, period: c.0.period, deadline: c.0.deadline, open: true)
      v.open = ((try? desk.store.setting(v.key)) ?? nil) == nil
      return v
    }
  }

  /// Opens or closes a collection (a closed one takes no uploads).
  public func setCollection(_ index: Int, open: Bool) throws {
    let cols = collections()
    guard cols.indices.contains(index) else { return }
    try desk.store.setSetting(cols[index].key, open ? nil : MergeJob.now())
  }

  // MARK: Audit

  func audit(actor: String, action: String, detail: String, address: String) throws {
    try desk.store.audit(AuditEntry(at: MergeJob.now(), actor: actor, action: action, detail: detail, address: address))
  }

  // MARK: Uploads

  /// One file of an upload after checking (and storing, unless refused).
  public struct UploadResult: Sendable {
    public var record: UploadRecord
    public var checked: SubmissionDesk.CheckedFile?
    /// Why it was not taken (a closed collection…), when it was not.
    public var refused: String?
  }

  /// Checks and stores one uploaded file for `agency` (runs on a worker thread): the bytes go to a file named
  /// by a random reference, the desk checks them (``SubmissionDesk/check(path:name:job:skipping:writer:report:)``,
  /// as for a mailed attachment), writes the annotated workbook under the same reference, and stores them
  /// with the upload's record. Returns once both are committed.
  func process(bytes: [UInt8], fileName: String, agency: String) throws -> UploadResult {
    let ref = PortalSecurity.randomHex(bytes: 16)
    let work = folder + "/work/" + ref
    let path = folder + "/uploads/" + ref
    defer { try? FileManager.default.removeItem(atPath: work) }
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    // Written under the work folder, then renamed: a kill never leaves half an upload under uploads/.
    let tmp = work + "/upload"
    guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
      throw BatchError("\(tmp): cannot write the upload", "\(tmp)：无法写入上传的文件")
    }
    try FileManager.default.moveItem(atPath: tmp, toPath: path)
    let digest = try Store.SHA256.hex(ofFileAt: path)
    let job = desk.job(agency: agency)
    let stored: Set<String> = try desk.store.contains(sha256: digest) ? [digest] : []
    var writer = try desk.reportWriter.inFolder(work)
    let reportPath = folder + "/reports/" + ref + ".xlsx"
    let checked = try desk.check(path: path, name: fileName, job: job, skipping: stored, writer: &writer, report: .file(reportPath))
    var record = UploadRecord(ref: ref, agency: agency, fileName: fileName, sha256: digest, receivedAt: MergeJob.now(),
                              status: checked.result.status.rawValue, ledgers: checked.result.ledgers.joined(separator: "、"),
                              rows: checked.result.rows, errors: checked.result.errors, warnings: checked.result.warnings,
                              problem: checked.result.problem ?? "", hasReport: checked.reportPath != nil)
    // A ledger of a closed collection is not taken.
    let open = collections()
    let closed = checked.result.schemas.filter { s in open.contains { $0.schema.name == s && !$0.open } }
    if !checked.result.schemas.isEmpty && closed.count == checked.result.schemas.count {
      record.status = "closed"
      record.problem = "该台账的收集已关闭，不再接收报送。如需补报，请联系司法局。"
      try commitLock.withLock { try desk.store.recordUpload(record) }
      return UploadResult(record: record, checked: checked, refused: record.problem)
    }
    try commitLock.withLock {
      let outcome = try desk.commit(checked, job: job, receivedAt: record.receivedAt)
      record.alreadyStored = outcome.alreadyStored
      try desk.store.recordUpload(record)
    }
    return UploadResult(record: record, checked: checked, refused: nil)
  }

  /// The annotated workbook (or receipt) of an upload.
  func reportPath(ref: String) -> String? {
    guard ref.utf8.count == 32, ref.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
    let p = folder + "/reports/" + ref + ".xlsx"
    return FileManager.default.fileExists(atPath: p) ? p : nil
  }
}

extension Portal {
  /// Stores the admin password as a salted scrypt hash (``PortalSecurity/hashPassword(_:parameters:)``).
  public func setAdminPassword(_ password: String, parameters: PortalSecurity.KDFParameters = .init()) throws {
    try desk.store.setSetting("admin-password", try PortalSecurity.hashPassword(password, parameters: parameters))
    try audit(actor: "admin", action: "passwd", detail: "", address: "")
  }
}

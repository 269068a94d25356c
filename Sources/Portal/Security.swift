import Crypto
import Foundation
import ThreadKit
import _CryptoExtras

/// The portal's secrets: agency tokens, the admin password's hash, CSRF tokens, sessions, rate limits.
public enum PortalSecurity {
  /// `count` random bytes from the system's cryptographic generator, as lowercase hex.
  public static func randomHex(bytes count: Int = 16) -> String {
    let key = SymmetricKey(size: SymmetricKeySize(bitCount: count * 8))
    return key.withUnsafeBytes { hex($0) }
  }

  static func hex<B: Sequence>(_ bytes: B) -> String where B.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Compares two byte strings in time that depends only on their lengths (never on where they differ).
  public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
    let n = max(a.count, b.count)
    for i in 0..<n {
      let x = i < a.count ? a[i] : 0
      let y = i < b.count ? b[i] : 0
      diff |= x ^ y
    }
    return diff == 0
  }

  // MARK: The admin password (scrypt)

  /// scrypt's cost: N = 2^15, r = 8, p = 1 (32 MiB, about a tenth of a second), a 16-byte salt, a 32-byte key.
  public struct KDFParameters: Sendable, Hashable {
    public var rounds = 1 << 15
    public var blockSize = 8
    public var parallelism = 1
    public init() {}
  }

  /// `scrypt$N$r$p$<salt hex>$<key hex>` for `password` with a new random salt.
  public static func hashPassword(_ password: String, parameters: KDFParameters = KDFParameters()) throws -> String {
    let salt = randomHex(bytes: 16)
    let key = try derive(password, salt: salt, parameters)
    return "scrypt$\(parameters.rounds)$\(parameters.blockSize)$\(parameters.parallelism)$\(salt)$\(key)"
  }

  /// True when `password` matches a hash made by ``hashPassword(_:parameters:)`` (keys compared in constant time).
  public static func verifyPassword(_ password: String, hash: String) -> Bool {
    let parts = hash.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
          n >= 2, n <= 1 << 20, r >= 1, r <= 32, p >= 1, p <= 16 else { return false }
    var params = KDFParameters()
    params.rounds = n; params.blockSize = r; params.parallelism = p
    guard let key = try? derive(password, salt: parts[4], params) else { return false }
    return constantTimeEquals(Array(key.utf8), Array(parts[5].utf8))
  }

  private static func derive(_ password: String, salt: String, _ p: KDFParameters) throws -> String {
    let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: Array(salt.utf8), outputByteCount: 32,
                                       rounds: p.rounds, blockSize: p.blockSize, parallelism: p.parallelism)
    return key.withUnsafeBytes { hex($0) }
  }

  // MARK: CSRF

  /// HMAC-SHA256 of `purpose` under the portal's secret, as 32 hex digits: the CSRF token of a form bound to
  /// an agency link, a login attempt or a session.
  public static func formToken(secret: SymmetricKey, purpose: String) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Array(purpose.utf8), using: secret)
    return String(hex(mac).prefix(32))
  }

  /// Checks a submitted form token in constant time.
  public static func checkFormToken(_ given: String?, secret: SymmetricKey, purpose: String) -> Bool {
    guard let given else { return false }
    return constantTimeEquals(Array(given.utf8), Array(formToken(secret: secret, purpose: purpose).utf8))
  }
}

/// Admin sessions, in memory (a restart asks for the password again): a random 128-bit id → expiry.
final class SessionTable: Sendable {
  private let sessions = Locked<[String: Double]>([:])
  let lifetime: Double

  init(lifetime: Double = 8 * 3600) { self.lifetime = lifetime }

  func create(now: Double = Date().timeIntervalSince1970) -> String {
    let id = PortalSecurity.randomHex(bytes: 16)
    sessions.withLock { s in
      s = s.filter { $0.value > now }
      s[id] = now + lifetime
    }
    return id
  }

  /// True when `id` names a live session (compared in constant time against each).
  func isValid(_ id: String?, now: Double = Date().timeIntervalSince1970) -> Bool {
    guard let id else { return false }
    let given = Array(id.utf8)
    return sessions.withLock { s in
      var found = false
      for (k, expiry) in s where expiry > now {
        if PortalSecurity.constantTimeEquals(Array(k.utf8), given) { found = true }
      }
      return found
    }
  }

  func remove(_ id: String?) {
    guard let id else { return }
    _ = sessions.withLock { $0.removeValue(forKey: id) }
  }
}

/// At most `limit` events per key in any 60 seconds (a sliding window).
final class RateLimiter: Sendable {
  private let events = Locked<[String: [Double]]>([:])
  let limit: Int
  let window: Double

  init(limit: Int, window: Double = 60) { self.limit = limit; self.window = window }

  /// Counts one event for `key`; false (not counted) when the key is at its limit.
  func allow(_ key: String, count: Int = 1, now: Double = Date().timeIntervalSince1970) -> Bool {
    events.withLock { e in
      var list = e[key, default: []].filter { $0 > now - window }
      guard list.count + count <= limit else { e[key] = list; return false }
      for _ in 0..<count { list.append(now) }
      e[key] = list
      return true
    }
  }
}

/// The live agency tokens, looked up in constant time per token (every token compared, none skipped).
final class TokenTable: Sendable {
  private let tokens = Locked<[(token: [UInt8], agency: String)]>([])

  func replace(_ live: [(token: String, agency: String)]) {
    tokens.withLock { $0 = live.map { (Array($0.token.utf8), $0.agency) } }
  }

  /// The agency whose live token `token` is, or nil.
  func agency(for token: String) -> String? {
    let given = Array(token.utf8)
    return tokens.withLock { list in
      var found: String?
      for t in list where PortalSecurity.constantTimeEquals(t.token, given) { found = t.agency }
      return found
    }
  }
}

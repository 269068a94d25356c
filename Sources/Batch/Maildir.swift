import ByteIO
import Foundation

/// A Maildir (`new/`, `cur/`, `tmp/`): the inbox the run takes messages from and the outbox its reply
/// drafts go to. Delivery follows the Maildir convention: write into `tmp/`, sync, rename into `new/`.
public struct Maildir: Sendable {
  public let path: String

  public init(path: String) { self.path = path }

  /// Creates `new/`, `cur/` and `tmp/` when missing.
  public func create() throws {
    for sub in ["new", "cur", "tmp"] {
      try FileManager.default.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
    }
  }

  /// Whether the folder has the three subfolders.
  public var exists: Bool {
    var isDir: ObjCBool = false
    return ["new", "cur", "tmp"].allSatisfy {
      FileManager.default.fileExists(atPath: path + "/" + $0, isDirectory: &isDir) && isDir.boolValue
    }
  }

  /// The file names in `new/`, sorted (Maildir names start with the delivery time, so this is the
  /// order of arrival for one delivering agent); hidden files skipped.
  public func newMessages() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path + "/new").filter { !$0.hasPrefix(".") }.sorted()
  }

  /// Moves a message from `new/` to `cur/` marked seen (`:2,S`); a message already moved is left alone.
  /// With `sync` the two folders are synced (else the caller syncs, or a lost move only means the
  /// message is seen again and finished as recorded).
  public func markSeen(_ name: String, sync: Bool = true) throws {
    let from = path + "/new/" + name
    let base = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
    let to = path + "/cur/" + base + ":2,S"
    guard FileManager.default.fileExists(atPath: from) else { return }
    guard rename(from, to) == 0 else {
      throw BatchError.system(from, errno, "cannot move the message to \(to)")
    }
    if sync {
      FileSync.folder(path + "/cur")
      FileSync.folder(path + "/new")
    }
  }

  /// Delivers `bytes` as `name` into `new/` (written to `tmp/`, synced, renamed). Delivering the same
  /// name again replaces the draft: a draft's name is deterministic, so a run that is interrupted and
  /// run again never leaves two drafts of one reply.
  /// Without `sync` the file is not synced; without `syncFolder` the folder is not (the caller syncs it
  /// once for many drafts).
  public func deliver(_ bytes: [UInt8], name: String, sync: Bool = true, syncFolder syncsFolder: Bool = true) throws {
    let tmp = path + "/tmp/" + name
    try write(bytes, to: tmp, sync: sync)
    let dest = path + "/new/" + name
    guard rename(tmp, dest) == 0 else {
      throw BatchError.system(tmp, errno, "cannot move the draft to \(dest)")
    }
    if sync && syncsFolder { FileSync.folder(path + "/new") }
  }

  /// The first half of a delivery, for a caller that writes on one thread and delivers on another:
  /// writes `bytes` into `tmp/` under `name` and a suffix of its own (two writers of one name never
  /// share a file) and syncs it. Returns the temporary file's path, for ``publish(_:as:)``.
  public func writeTemporary(_ bytes: [UInt8], name: String) throws -> String {
    let tmp = path + "/tmp/" + name + "." + String(UInt64.random(in: 0 ... .max), radix: 36)
    try write(bytes, to: tmp, sync: true)
    return tmp
  }

  /// Writes `bytes` to the new file `tmp` and, with `sync`, syncs it; on failure removes it.
  private func write(_ bytes: [UInt8], to tmp: String, sync: Bool) throws {
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw BatchError.system(tmp, errno, "cannot write the draft") }
    var off = 0
    while off < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
      if n < 0 {
        if errno == EINTR { continue }
        let e = errno
        close(fd)
        unlink(tmp)
        throw BatchError.system(tmp, e, "cannot write the draft")
      }
      off += n
    }
    guard !sync || fsync(fd) == 0 else {
      let e = errno
      close(fd)
      unlink(tmp)
      throw BatchError.system(tmp, e, "cannot sync the draft")
    }
    close(fd)
  }

  /// The second half: renames a file written by ``writeTemporary(_:name:)`` into `new/` as `name`
  /// (replacing a draft of that name). The caller syncs `new/`.
  public func publish(_ temporary: String, as name: String) throws {
    let dest = path + "/new/" + name
    guard rename(temporary, dest) == 0 else {
      throw BatchError.system(temporary, errno, "cannot move the draft to \(dest)")
    }
  }

  /// The path of a delivered message `name`, in `new/` or (moved by a mail agent) `cur/`, or nil.
  public func find(_ name: String) -> String? {
    let n = path + "/new/" + name
    if FileManager.default.fileExists(atPath: n) { return n }
    if let cur = try? FileManager.default.contentsOfDirectory(atPath: path + "/cur"),
       let hit = cur.first(where: { $0 == name || $0.hasPrefix(name + ":") }) {
      return path + "/cur/" + hit
    }
    return nil
  }
}

/// The run's exclusive lock: `flock(LOCK_EX | LOCK_NB)` on a file in the state folder, held for the
/// life of the process (the system releases it when the process ends, also after kill -9).
public final class RunLock {
  public let path: String
  private let fd: Int32

  /// Takes the lock, or returns nil when another process holds it.
  /// - Throws: ``BatchError`` when the lock file cannot be opened.
  public init?(path: String) throws {
    self.path = path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw BatchError.system(path, errno, "cannot open the lock file") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      return nil
    }
    self.fd = fd
    // The holder's process id, for the clerk who wonders which run is active.
    _ = ftruncate(fd, 0)
    let pid = Array("\(getpid())\n".utf8)
    _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
  }

  /// The process id written by the holder, when readable.
  public static func holder(path: String) -> String? {
    (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}

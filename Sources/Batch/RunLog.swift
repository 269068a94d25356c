import Foundation
import Reports

/// The run's log: one JSON line per message, appended to `<state>/run.log`.
///
/// Members are written in key order, absent values left out; written with the reports' byte-level
/// ``JSONWriter`` (Foundation's `JSONSerialization` over `[String: Any]` was most of the committing
/// thread's own work).
struct RunLog {
  let path: String

  /// The line of one message (without its newline).
  static func line(_ r: BatchRun.MessageReport, time: String) -> [UInt8] {
    var o: [(String, JSONValue)] = [
      ("time", .string(time)), ("source", .string(r.source)), ("sha256", .string(r.sha256)),
      ("outcome", .string(r.outcome.rawValue)), ("attribution", .string(r.attribution)), ("resumed", .bool(r.resumed)),
    ]
    func add(_ k: String, _ v: String?) { if let v { o.append((k, .string(v))) } }
    add("message_id", r.messageID)
    add("sender", r.sender)
    add("sender_name", r.senderName)
    add("subject", r.subject)
    add("date", r.date)
    add("agency", r.agency)
    add("reply", r.reply)
    if !r.candidates.isEmpty { o.append(("candidates", .array(r.candidates.map { .string($0) }))) }
    if !r.problems.isEmpty { o.append(("problems", .array(r.problems.map { .string($0) }))) }
    o.append(("attachments", .array(r.attachments.map { a -> JSONValue in
      var x: [(String, JSONValue)] = [("name", .string(a.name)), ("status", .string(a.status.rawValue))]
      if !a.ledgers.isEmpty {
        x += [("ledgers", .array(a.ledgers.map { .string($0) })), ("rows", .int(a.rows)), ("errors", .int(a.errors)),
              ("warnings", .int(a.warnings))]
      }
      if let p = a.problem { x.append(("problem", .string(p))) }
      if let rep = a.report { x.append(("report", .string(rep))) }
      return .object(x)
    })))
    var w = JSONWriter(flush: { _ in })
    JSONValue.object(o).write(to: &w, sortingKeys: true)
    return w.buffer
  }

  func append(_ r: BatchRun.MessageReport) throws {
    var data = Self.line(r, time: BatchDates.nowISO())
    data.append(10)
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw BatchError.system(path, errno, "cannot open the log") }
    defer { close(fd) }
    // One write of one line: O_APPEND keeps lines whole.
    let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    if n != data.count { throw BatchError.system(path, errno, "cannot write the log") }
  }
}

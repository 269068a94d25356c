import Foundation

/// The run's log: one JSON line per message, appended to `<state>/run.log`.
struct RunLog {
  let path: String

  func append(_ r: BatchRun.MessageReport) throws {
    var o: [String: Any] = [
      "time": BatchDates.nowISO(), "source": r.source, "sha256": r.sha256, "outcome": r.outcome.rawValue,
      "attribution": r.attribution, "resumed": r.resumed,
    ]
    o["message_id"] = r.messageID
    o["sender"] = r.sender
    o["sender_name"] = r.senderName
    o["subject"] = r.subject
    o["date"] = r.date
    o["agency"] = r.agency
    o["reply"] = r.reply
    if !r.candidates.isEmpty { o["candidates"] = r.candidates }
    if !r.problems.isEmpty { o["problems"] = r.problems }
    o["attachments"] = r.attachments.map { a -> [String: Any] in
      var x: [String: Any] = ["name": a.name, "status": a.status.rawValue]
      if !a.ledgers.isEmpty { x["ledgers"] = a.ledgers; x["rows"] = a.rows; x["errors"] = a.errors; x["warnings"] = a.warnings }
      if let p = a.problem { x["problem"] = p }
      if let rep = a.report { x["report"] = rep }
      return x
    }
    var data = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])
    data.append(10)
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw BatchError.system(path, errno, "cannot open the log") }
    defer { close(fd) }
    // One write of one line: O_APPEND keeps lines whole.
    let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    if n != data.count { throw BatchError.system(path, errno, "cannot write the log") }
  }
}

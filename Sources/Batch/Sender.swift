import ByteIO
import Foundation

/// Pipes a draft to a sendmail-compatible command (`msmtp -t`, `/usr/sbin/sendmail -t -i`) run by
/// `/bin/sh -c`; the reply counts as sent only when the command exits 0 within the timeout.
///
/// With `markers` (``SendMarkers``) the command runs inside a small shell wrapper that first writes its
/// own process id (`<name>.pid`) and, the moment the command exits 0, an empty `<name>.sent` file. The
/// wrapper is a child of sheetgate, not part of it: when sheetgate is killed while the command runs, the
/// command and the wrapper go on, and the `.sent` file records the success that sheetgate no longer can.
enum Sender {
  enum Result {
    case success
    case failure(String)
  }

  /// The wrapper: `$1` is the pid file, `$2` the sent marker, `$SHEETGATE_SEND_COMMAND` the clerk's command
  /// (run by a second `sh -c`, exactly as without the wrapper). `$0` names it in `ps` and in `/proc`.
  static let wrapper = """
    echo $$ > "$1"
    /bin/sh -c "$SHEETGATE_SEND_COMMAND"
    s=$?
    if [ "$s" -eq 0 ]; then : > "$2"; fi
    exit "$s"
    """

  static func send(file: String, command: String, timeout: Double, markers: SendMarkers.Files? = nil) -> Result {
    guard let input = FileHandle(forReadingAtPath: file) else { return .failure("无法读取草稿 \(file)") }
    defer { try? input.close() }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    if let markers {
      p.arguments = ["-c", wrapper, SendMarkers.wrapperName, markers.pid, markers.sent]
      var env = ProcessInfo.processInfo.environment
      env["SHEETGATE_SEND_COMMAND"] = command
      p.environment = env
    } else {
      p.arguments = ["-c", command]
    }
    p.standardInput = input
    // stderr goes to an unlinked scratch file, so a talkative command never blocks on a full pipe.
    let errPath = NSTemporaryDirectory() + "/sheetgate-send-\(getpid())-\(UInt64.random(in: 0 ... .max))"
    FileManager.default.createFile(atPath: errPath, contents: nil)
    guard let err = FileHandle(forUpdatingAtPath: errPath) else { return .failure("无法创建临时文件 \(errPath)") }
    unlink(errPath)
    defer { try? err.close() }
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    do { try p.run() } catch {
      return .failure("发送命令无法启动（\(command)）：\(error.localizedDescription)")
    }
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning {
      p.terminate()
      usleep(200_000)
      if p.isRunning { kill(p.processIdentifier, SIGKILL) }
      p.waitUntilExit()
      return .failure("发送命令超过 \(Int(timeout)) 秒未结束，已停止（\(command)），将在下次运行时重试")
    }
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      try? err.seek(toOffset: 0)
      let data = (try? err.read(upToCount: 500)) ?? Data()
      let text = String(decoding: data ?? Data(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      return .failure("发送命令退出码 \(p.terminationStatus)（\(command)）\(text.isEmpty ? "" : "：" + text)，将在下次运行时重试")
    }
    return .success
  }
}

/// What a send left behind in `<state>/send/`, so that a run killed while a reply was being sent does not
/// send it again when the earlier attempt went through (DESIGN-NOTES: "The cron run", "Sending at least once").
///
/// Per reply (the draft's name): `<name>.intent` (written and synced by sheetgate before the command starts:
/// the reply's Message-ID and the time), `<name>.pid` (written by the wrapper, ``Sender/wrapper``, before it
/// runs the command) and `<name>.sent` (written by the wrapper the moment the command exits 0). All three are
/// removed once the store records the reply as sent, or the attempt as failed.
struct SendMarkers {
  static let wrapperName = "sheetgate-send"
  let folder: String

  struct Files {
    var intent: String
    var pid: String
    var sent: String
  }

  /// What an earlier attempt left for one reply.
  enum Earlier: Equatable {
    /// No attempt, or every attempt ended and was recorded.
    case none
    /// The command exited 0, but the run that started it did not live to record it.
    case sent
    /// The command of an earlier, killed run is still running (its wrapper is alive).
    case running
    /// An attempt began and neither finished nor failed while a run watched: its outcome is unknown.
    case interrupted(messageID: String?)
  }

  init(state: String) {
    folder = state + "/send"
  }

  func files(_ name: String) -> Files {
    Files(intent: folder + "/" + name + ".intent", pid: folder + "/" + name + ".pid", sent: folder + "/" + name + ".sent")
  }

  /// Records, durably, that the reply is about to be sent.
  func writeIntent(_ name: String, messageID: String?) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let f = files(name)
    unlink(f.pid)
    unlink(f.sent)
    let text = "message-id: \(messageID ?? "")\nstarted: \(BatchDates.nowISO())\n"
    guard FileManager.default.createFile(atPath: f.intent, contents: Data(text.utf8)) else {
      throw BatchError("\(f.intent): cannot record the reply about to be sent", "\(f.intent)：无法记录即将发送的回复")
    }
    FileSync.file(f.intent)
    FileSync.folder(folder)
  }

  /// What an earlier attempt at `name` left.
  func earlier(_ name: String) -> Earlier {
    let f = files(name)
    let fm = FileManager.default
    if fm.fileExists(atPath: f.sent) { return .sent }
    if let text = try? String(contentsOfFile: f.pid, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
      Self.isWrapper(pid: pid, pidFile: f.pid)
    {
      // The wrapper may have written `.sent` between the two checks.
      return fm.fileExists(atPath: f.sent) ? .sent : .running
    }
    guard let intent = try? String(contentsOfFile: f.intent, encoding: .utf8) else { return .none }
    let id = intent.split(separator: "\n").first { $0.hasPrefix("message-id: ") }.map { String($0.dropFirst(12)) }
    return .interrupted(messageID: id?.isEmpty == false ? id : nil)
  }

  /// Forgets the attempts at `name` (after the store recorded the outcome).
  func clear(_ name: String) {
    let f = files(name)
    for p in [f.sent, f.pid, f.intent] { unlink(p) }
  }

  /// True when process `pid` is a send wrapper started for this pid file (not another process that
  /// reuses the number): its command line is `/bin/sh -c <wrapper> sheetgate-send <pid file> …`.
  static func isWrapper(pid: Int32, pidFile: String) -> Bool {
    guard pid > 0, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
    let args = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    return args.contains(wrapperName) && args.contains(pidFile)
  }
}

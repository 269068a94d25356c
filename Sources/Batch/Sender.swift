import Foundation

/// Pipes a draft to a sendmail-compatible command (`msmtp -t`, `/usr/sbin/sendmail -t -i`) run by
/// `/bin/sh -c`; the reply counts as sent only when the command exits 0 within the timeout.
enum Sender {
  enum Result {
    case success
    case failure(String)
  }

  static func send(file: String, command: String, timeout: Double) -> Result {
    guard let input = FileHandle(forReadingAtPath: file) else { return .failure("无法读取草稿 \(file)") }
    defer { try? input.close() }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
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

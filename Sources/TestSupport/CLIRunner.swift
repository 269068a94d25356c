import Foundation
import ThreadKit

/// Runs the built `sheetgate` binary the way a clerk would, and captures what it printed.
public struct CLIResult {
  public var status: Int32
  public var stdout: String
  public var stderr: String
  public var stdoutBytes: Data
}

public enum CLIRunner {
  /// The folder with the built products (`.build/debug` or `.build/release`): the test bundle's folder.
  public static var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      return bundle.bundleURL.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  }

  public static var binary: URL { productsDirectory.appendingPathComponent("sheetgate") }

  /// Runs `sheetgate args…` in `directory` with `LANG` set (Chinese by default) and no stdin.
  public static func run(_ args: [String], in directory: String? = nil, lang: String = "zh_CN.UTF-8",
                         environment: [String: String] = [:]) throws -> CLIResult {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    env["LANG"] = lang
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Read both pipes concurrently so a large output cannot dead-lock the child.
    let errHandle = err.fileHandleForReading
    let errJob = BackgroundJob { errHandle.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = errJob.join()
    p.waitUntilExit()
    return CLIResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
  }

  /// A fresh temporary folder for one test, removed when the test process exits (kept when
  /// `SHEETGATE_KEEP_TEMP` is set, to look at what a failing test left).
  public static func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sheetgate-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    TemporaryFolders.remember(dir.path)
    return dir.path
  }
}

/// The temporary folders the tests made, removed at exit.
enum TemporaryFolders {
  private static let folders = Locked<[String]>([])
  private static let registered = Locked(false)

  static func remember(_ path: String) {
    folders.withLock { $0.append(path) }
    let first = registered.withLock { r -> Bool in
      defer { r = true }
      return !r
    }
    if first, ProcessInfo.processInfo.environment["SHEETGATE_KEEP_TEMP"] == nil {
      atexit { TemporaryFolders.removeAll() }
    }
  }

  static func removeAll() {
    for f in folders.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: f) }
  }
}

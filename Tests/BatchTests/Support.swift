import Foundation
import TestSupport
import XCTest

@testable import Batch

/// Paths and helpers the batch tests share.
enum BatchFixtures {
  static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let repository = testsFolder.deletingLastPathComponent().deletingLastPathComponent().path
  static let samples = repository + "/samples"
  static let roster = samples + "/本级行政执法部门名单.xlsx"
  static let mailboxScript = testsFolder.appendingPathComponent("Fixtures/make_mailbox.py").path

  /// Python with the standard library (`$SHEETGATE_PYTHON`, else `python3`), or a skip.
  static func python() throws -> String {
    var candidates: [String] = []
    if let p = ProcessInfo.processInfo.environment["SHEETGATE_PYTHON"], !p.isEmpty { candidates.append(p) }
    candidates.append("python3")
    for c in candidates {
      if let r = try? PythonReaders.run([c, "-c", "import email.policy, zipfile, json"]), r.status == 0 { return c }
    }
    throw XCTSkip("no Python 3 (tried \(candidates.joined(separator: ", "))); set SHEETGATE_PYTHON")
  }

  /// Runs `python args…`; returns stdout or throws with stderr.
  @discardableResult
  static func runPython(_ args: [String], python: String? = nil) throws -> String {
    let p = try python ?? Self.python()
    let r = try PythonReaders.run([p] + args)
    guard r.status == 0 else { throw PythonFailed(description: "python \(args.first ?? "") failed (\(r.status)): \(r.stderr)") }
    return r.stdout
  }

  /// A fresh temporary folder, removed when the test ends.
  static func folder(_ test: XCTestCase) throws -> String {
    let d = NSTemporaryDirectory() + "sheetgate-batch-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
    return d
  }

  /// A configuration over `root`: Maildir `root/mail`, everything else beside it.
  static func config(_ root: String, roster: String? = BatchFixtures.roster, collections: [BatchConfig.Collection] = []) -> BatchConfig {
    BatchConfig(maildir: root + "/mail", roster: roster, collections: collections, store: root + "/store.sqlite",
                output: root + "/out", outbox: root + "/outbox", state: root + "/state",
                senderAddress: "sfj@wsq.gov.cn", senderName: "乌审旗司法局")
  }

  /// The file names in a folder, sorted; empty when it does not exist.
  static func names(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
  }
}

struct PythonFailed: Error, CustomStringConvertible { var description: String }

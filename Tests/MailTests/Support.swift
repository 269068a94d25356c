import Foundation
import TestSupport
import ThreadKit
import XCTest

@testable import Mail

/// Python with its standard `email` package: `$SHEETGATE_PYTHON` when set, else `python3` (as
/// `PythonReaders` finds it, but needing only the standard library).
enum MailPython {
  static let python: (path: String?, reason: String) = {
    var candidates: [String] = []
    if let p = ProcessInfo.processInfo.environment["SHEETGATE_PYTHON"], !p.isEmpty { candidates.append(p) }
    candidates.append("python3")
    for c in candidates {
      if let r = try? PythonReaders.run([c, "-c", "import email.policy, zipfile, json"]), r.status == 0 { return (c, "") }
    }
    return (nil, "no Python 3 with the email package (tried \(candidates.joined(separator: ", "))); set SHEETGATE_PYTHON")
  }()

  /// The interpreter, or an `XCTSkip` naming why there is none.
  static func require() throws -> String {
    guard let p = python.path else { throw XCTSkip(python.reason) }
    return p
  }

  /// Runs `script` (a file path) with arguments; returns stdout or throws with stderr.
  static func run(file: String, _ arguments: [String]) throws -> String {
    let p = try require()
    let r = try PythonReaders.run([p, file] + arguments)
    guard r.status == 0 else { throw PythonFailed(description: "python failed (\(r.status)): \(r.stderr)") }
    return r.stdout
  }

  /// Runs inline `code` with arguments.
  static func run(code: String, _ arguments: [String]) throws -> String {
    let p = try require()
    let r = try PythonReaders.run([p, "-c", code] + arguments)
    guard r.status == 0 else { throw PythonFailed(description: "python failed (\(r.status)): \(r.stderr)") }
    return r.stdout
  }
}

struct PythonFailed: Error, CustomStringConvertible { var description: String }

enum Fixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sheetgate-mail-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The messages `make_messages.py` writes, generated once per test process.
  static func pythonMessages() throws -> URL {
    try Generated.shared.directory()
  }

  final class Generated: Sendable {
    static let shared = Generated()
    private let made = Locked<URL?>(nil)
    func directory() throws -> URL {
      try made.withLock { made in
        if let made { return made }
        let dir = try Fixtures.temporaryDirectory()
        _ = try MailPython.run(file: Fixtures.directory.appendingPathComponent("make_messages.py").path, [dir.path])
        made = dir
        return dir
      }
    }
  }

  static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
}

extension AttachmentKind {
  /// The manifest's short name for a kind.
  var label: String {
    switch self {
    case .spreadsheet(.xlsx): return "xlsx"
    case .spreadsheet(.csv): return "csv"
    case .spreadsheet(.legacyWorkbook): return "legacy"
    case .spreadsheet(.namedOnly): return "named-only"
    case .coverLetter: return "cover"
    case .unsupported(.rar): return "rar"
    case .unsupported(.sevenZip): return "7z"
    case .unsupported(.tnef): return "tnef"
    case .unsupported(.encrypted): return "encrypted"
    case .unsupported(let r): return "unsupported-\(r.rawValue)"
    case .other: return "other"
    }
  }
}

/// Bytes of a string.
func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Bytes from hex.
func hex(_ s: String) -> [UInt8] {
  var out: [UInt8] = []
  var it = s.unicodeScalars.makeIterator()
  while let h = it.next(), let l = it.next() {
    out.append(UInt8(String([Character(h), Character(l)]), radix: 16)!)
  }
  return out
}

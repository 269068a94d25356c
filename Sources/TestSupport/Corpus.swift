import Foundation
import XCTest

/// Locates the conformance corpus and the repository for tests.
///
/// The corpus (real-world workbooks and CSV files, each with a `.expected.json`) is not part of the
/// repository: the tests that read it take its folder from the environment variable
/// `SHEETGATE_CORPUS` and are skipped, with a message saying so, when the variable is unset or names
/// no folder. `.ci/run` sets it.
public enum Corpus {
  /// The environment variable that names the corpus folder.
  public static let environmentVariable = "SHEETGATE_CORPUS"

  /// The environment variable that names the `.xls` conformance corpus folder.
  public static let xlsEnvironmentVariable = "SHEETGATE_CORPUS_XLS"

  /// The `.xls` corpus folder named by `SHEETGATE_CORPUS_XLS`, or an `XCTSkip` saying why it is not there.
  public static func requireXLSFolder() throws -> String {
    let value = ProcessInfo.processInfo.environment[xlsEnvironmentVariable] ?? ""
    guard !value.isEmpty else {
      throw XCTSkip("\(xlsEnvironmentVariable) is not set: .xls corpus tests skipped (set it to the .xls corpus folder; .ci/run does)")
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw XCTSkip("the .xls conformance corpus is not at \(xlsEnvironmentVariable)=\(value): no such folder; .xls corpus tests skipped")
    }
    return value
  }

  /// The repository root for a test file path such as `<root>/Tests/XLSXReaderTests/X.swift`.
  public static func repositoryRoot(filePath: String) -> String {
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false)
    if let i = parts.lastIndex(of: "Tests") { parts.removeSubrange(i...) }
    return parts.joined(separator: "/")
  }

  /// The corpus folder named by `SHEETGATE_CORPUS`, or nil when the variable is unset, empty or
  /// names no folder.
  public static var folder: String? {
    guard let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty else { return nil }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory), isDirectory.boolValue else {
      return nil
    }
    return value
  }

  /// Why the corpus tests are skipped (nil when the corpus is there).
  public static var unavailableReason: String? {
    guard folder == nil else { return nil }
    if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
      return "the conformance corpus is not at \(environmentVariable)=\(value): no such folder; corpus tests skipped"
    }
    return "\(environmentVariable) is not set: corpus tests skipped (set it to the conformance corpus folder; .ci/run does)"
  }

  /// The corpus folder, or an `XCTSkip` that says why it is not available.
  public static func requireFolder() throws -> String {
    guard let folder else { throw XCTSkip(unavailableReason ?? "the conformance corpus is not available") }
    return folder
  }

  /// The path of one corpus file; an `XCTSkip` when the corpus is not available, and an error (the
  /// test fails) when the corpus is there without that file.
  public static func requireFile(_ name: String) throws -> String {
    let folder = try requireFolder()
    let path = folder + "/" + name
    guard FileManager.default.fileExists(atPath: path) else { throw MissingFile(name: name, folder: folder) }
    return path
  }

  /// A file the tests need is not in the corpus folder.
  public struct MissingFile: Error, CustomStringConvertible {
    public var name: String
    public var folder: String
    public var description: String { "\(name) is not in the corpus at \(folder)" }
  }
}

import CSV
import Foundation
import Tabular
import XCTest

/// The repository root, from this file's path (Tests/CSVTests/Helpers.swift).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The cells of a row as strings.
func fields(_ row: Row) -> [String] { (0..<row.cells.count).map { row.text($0) } }

/// Reads every record of `reader`.
func readAll(_ reader: inout CSVRowReader) throws -> [[String]] {
  var row = Row()
  var out: [[String]] = []
  while try reader.nextRow(into: &row) { out.append(fields(row)) }
  return out
}

/// Reads all records from bytes.
func readAll(bytes: [UInt8], options: CSVRowReader.Options = .init()) throws -> [[String]] {
  var r = try CSVRowReader(bytes: bytes, options: options)
  return try readAll(&r)
}

/// A temporary folder removed at the end of the test.
func temporaryFolder(_ test: XCTestCase) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("csvtests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
  return url
}

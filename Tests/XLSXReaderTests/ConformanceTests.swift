import Foundation
import XCTest
import Tabular
import TestSupport
@testable import XLSXReader

/// Runs every workbook of the conformance corpus (the folder `SHEETGATE_CORPUS` names; skipped without
/// it) through the reader and compares with its `.expected.json` (rules in the corpus's `README.md`).
final class ConformanceTests: XCTestCase {
  /// Files whose expected values are themselves arguable, with the reason. Keep this list short
  /// and specific: the holdout corpus is checked the same way, so fix causes, not files.
  static let knownDifferences: [String: String] = [:]

  func testCorpus() throws { try runCorpus(threading: Workbook.Threading()) }

  /// The same corpus with every sheet's rows cut into small pieces parsed on two threads
  /// (`ParallelRowReader`), which large parts use.
  func testCorpusReadInPieces() throws {
    for options in [ParallelRowReader.Options(pieceSize: 200, slots: 3, workers: 1),
                    ParallelRowReader.Options(pieceSize: 4096, slots: 2, workers: 2)] {
      try runCorpus(threading: Workbook.Threading(threshold: 0, options: options))
    }
  }

  private func runCorpus(threading: Workbook.Threading) throws {
    let dir = try Corpus.requireFolder()
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter {
      $0.hasSuffix(".xlsx") || $0.hasSuffix(".xlsm") || $0.hasSuffix(".xltx")
    }.sorted()
    XCTAssertGreaterThan(names.count, 50, "corpus not found at \(dir)")
    var matched = 0
    var failures: [(String, [String])] = []
    for name in names {
      let expectedPath = dir + "/" + name + ".expected.json"
      guard let data = FileManager.default.contents(atPath: expectedPath),
            let expected = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
      let problems = Self.check(path: dir + "/" + name, expected: expected, threading: threading)
      if problems.isEmpty {
        matched += 1
      } else {
        failures.append((name, problems))
      }
    }
    let total = matched + failures.count
    print("XLSX conformance: \(matched)/\(total) files match")
    for (name, problems) in failures {
      let known = Self.knownDifferences[name].map { " [known: \($0)]" } ?? ""
      print("  ✗ \(name)\(known): \(problems.count) problem(s)")
      for p in problems.prefix(6) { print("      \(p)") }
    }
    let unknown = failures.filter { Self.knownDifferences[$0.0] == nil }
    XCTAssertTrue(unknown.isEmpty, "unexpected differences in: \(unknown.map(\.0))")
    XCTAssertGreaterThanOrEqual(Double(matched), 0.97 * Double(total), "fewer than 97% of the corpus files match")
  }

  /// Returns the differences between the reader's output and the expected JSON (empty = match).
  static func check(path: String, expected: [String: Any], threading: Workbook.Threading = Workbook.Threading()) -> [String] {
    let agreement = expected["agreement"] as? String ?? "full"
    let workbook: Workbook
    do {
      workbook = try Workbook(path: path, threading: threading)
    } catch {
      return expectedFailure(error, agreement: agreement) ? [] : ["open failed: \(error)"]
    }
    var problems: [String] = []
    var actualSheets: [[String: Any]] = []
    do {
      for (i, info) in workbook.sheets.enumerated() {
        let reader = try workbook.sheetReader(at: i)
        var cells: [String: [Any]] = [:]
        var row = Row()
        let merges = reader.mergedRanges
        while try reader.nextRow(into: &row) {
          for (k, c) in row.cells.enumerated() {
            let addr = CellAddress(row: row.index, column: Int(c.column))
            if isBlankForPeers(row: row, cell: k) { continue }
            if merges.contains(where: { $0.contains(addr) && $0.first != addr }) { continue }
            cells[addr.a1] = render(row: row, cell: k, system: workbook.dateSystem)
          }
        }
        actualSheets.append(["name": info.name, "visible": info.visibility.rawValue,
                             "merged": merges.map(\.a1), "cells": cells])
      }
    } catch {
      return expectedFailure(error, agreement: agreement) ? [] : ["read failed: \(error)"]
    }
    if agreement == "both-fail" { return ["expected an error, but the file was read"] }
    let expectedSheets = expected["sheets"] as? [[String: Any]] ?? []
    problems += CorpusComparison.compareSheets(expected: expectedSheets, actual: actualSheets)
    return problems
  }

  /// `both-fail`: any clear read error; `calamine-only-corrupt`: a damaged-container (CRC) error.
  static func expectedFailure(_ error: XLSXReadError, agreement: String) -> Bool {
    switch agreement {
    case "both-fail": return !error.detail.isEmpty
    case "calamine-only-corrupt": return error.code == .container && error.detail.contains("crc")
    default: return false
    }
  }

  /// "Blank" as the corpus defines it (both reference readers show no value): a formula without a
  /// cached value (the reader reports it as `.formulaWithoutValue`, a diagnostic for Validation),
  /// and a formula whose cached value is the empty string (`t="str"` with `<v/>`). An empty shared
  /// string or inline string is a value, `["s", ""]`.
  static func isBlankForPeers(row: Row, cell k: Int) -> Bool {
    let c = row.cells[k]
    if c.kind == .formulaWithoutValue { return true }
    return c.isFormula && c.kind == .string && c.textLength == 0
  }

  /// The corpus form of a cell: `["s", text]`, `["n", 1.5]`, `["b", true]`, `["e", "#N/A"]`,
  /// `["d", iso, serial]`; a formula without value is `["f", formula]` (never in the corpus).
  static func render(row: Row, cell k: Int, system: DateSystem) -> [Any] {
    let c = row.cells[k]
    switch c.kind {
    case .string: return ["s", row.text(k)]
    case .number: return ["n", c.number]
    case .boolean: return ["b", c.number != 0]
    case .error: return ["e", row.text(k)]
    case .date: return ["d", system.isoString(serial: c.number, kind: c.dateKind) ?? "?", c.number]
    case .formulaWithoutValue: return ["f", row.text(k)]
    case .empty: return ["empty"]
    }
  }
}

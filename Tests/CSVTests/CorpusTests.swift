import CSV
import Foundation
import Tabular
import TestSupport
import XCTest

/// Every CSV file in the conformance corpus (`SHEETGATE_CORPUS`; skipped without it), read with `CSVRowReader` and compared with the rows,
/// encoding and delimiter Python's csv module produced (`csv-oracle/1`).
final class CorpusTests: XCTestCase {
  /// Expected values that are arguable, with the reason. Only the named key is skipped.
  static let knownDifferences: [String: (key: String, reason: String)] = [
    // The oracle counted raw bytes: in UTF-16 a CR LF is 0D 00 0A 00, so it saw lone CRs. The
    // decoded text has CR LF, which is what the reader reports.
    "duckdb__utf16.csv": ("line_endings", "oracle looked at UTF-16 bytes, not text"),
  ]

  func testEveryCorpusCSVMatchesItsExpectedRows() throws {
    let corpusFolder = URL(fileURLWithPath: try Corpus.requireFolder())
    let names = try FileManager.default.contentsOfDirectory(atPath: corpusFolder.path)
      .filter { $0.hasSuffix(".csv") && FileManager.default.fileExists(atPath: corpusFolder.appendingPathComponent($0 + ".expected.json").path) }
      .sorted()
    XCTAssertGreaterThanOrEqual(names.count, 17, "corpus not found at \(corpusFolder.path)")
    for name in names {
      let path = corpusFolder.appendingPathComponent(name).path
      let data = try Data(contentsOf: URL(fileURLWithPath: path + ".expected.json"))
      guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            json["format"] as? String == "csv-oracle/1",
            let rows = json["rows"] as? [[String]] else {
        XCTFail("\(name): unreadable expected file"); continue
      }
      var reader: CSVRowReader
      do { reader = try CSVRowReader(path: path) } catch { XCTFail("\(name): \(error)"); continue }
      let got: [[String]]
      do { got = try readAll(&reader) } catch { XCTFail("\(name): \(error)"); continue }
      let skip = Self.knownDifferences[name]?.key
      XCTAssertEqual(reader.encoding, json["encoding"] as? String, "\(name): encoding")
      XCTAssertEqual(String(reader.delimiter), json["delimiter"] as? String, "\(name): delimiter")
      if skip != "line_endings" {
        XCTAssertEqual(reader.lineEndings.rawValue, json["line_endings"] as? String, "\(name): line endings")
      }
      if let enc = json["encoding"] as? String, enc.hasPrefix("utf-8") {
        XCTAssertEqual(reader.hasBOM, json["bom"] as? Bool, "\(name): BOM")
      }
      XCTAssertEqual(got.count, rows.count, "\(name): record count")
      for (i, (g, e)) in zip(got, rows).enumerated() where g != e {
        XCTFail("\(name): record \(i) differs: got \(g), expected \(e)")
        break
      }
    }
  }
}

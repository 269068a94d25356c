import Foundation
import TestSupport
import XCTest
@testable import ZIP

/// Every workbook in the conformance corpus (`SHEETGATE_CORPUS`; skipped without it): opens, and every entry inflates with a correct CRC,
/// except the files whose expected JSON says they are corrupt.
final class CorpusTests: XCTestCase {
  struct Workbook {
    var path: String
    var agreement: String
  }

  func workbooks() throws -> [Workbook] {
    let folder = try Paths.corpus()
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    return try names.filter { [".xlsx", ".xlsm", ".xltx"].contains(where: $0.hasSuffix) }.map { name in
      let json = folder.appendingPathComponent(name + ".expected.json")
      var agreement = "full"
      if let data = try? Data(contentsOf: json),
         let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
         let value = object["agreement"] as? String {
        agreement = value
      }
      return Workbook(path: folder.appendingPathComponent(name).path, agreement: agreement)
    }
  }

  func testEveryWorkbookInflates() throws {
    let books = try workbooks()
    XCTAssertGreaterThan(books.count, 50)
    var corruptSeen = 0
    for book in books {
      let name = (book.path as NSString).lastPathComponent
      switch book.agreement {
      case "both-fail":
        do {
          let archive = try ZIPArchive(path: book.path)
          for entry in archive.entries { _ = try archive.readAll(entry) }
          // Some both-fail files are valid ZIPs whose XML is broken; the ZIP layer may then succeed.
        } catch {
          XCTAssertTrue(error.description.contains(name), "\(error)")
        }
      case "calamine-only-corrupt":
        corruptSeen += 1
        let archive = try ZIPArchive(path: book.path)
        var errors: [ZIPError] = []
        for entry in archive.entries {
          do { _ = try archive.readAll(entry) } catch { errors.append(error) }
        }
        XCTAssertTrue(errors.contains { $0.code == .crcMismatch }, "\(name) should fail a CRC check: \(errors)")
        let integrity: Set<ZIPError.Code> = [.crcMismatch, .sizeMismatch, .inflateFailed, .corruptLocalHeader]
        for error in errors {
          XCTAssertTrue(integrity.contains(error.code), "\(error)")
          let entry = try XCTUnwrap(error.entry)
          XCTAssertTrue(error.description.contains("\"\(entry)\""), "\(error)")
          XCTAssertTrue(error.description.contains(name), "\(error)")
        }
      default:
        let archive: ZIPArchive
        do { archive = try ZIPArchive(path: book.path) } catch {
          XCTFail("\(name): \(error)")
          continue
        }
        XCTAssertNotNil(archive.entry(named: "[Content_Types].xml"), name)
        for entry in archive.entries {
          do {
            let bytes = try archive.readAll(entry)
            XCTAssertEqual(UInt64(bytes.count), entry.uncompressedSize, "\(name) \(entry.name)")
          } catch { XCTFail("\(name): \(error)") }
        }
      }
    }
    XCTAssertEqual(corruptSeen, 2)
  }
}

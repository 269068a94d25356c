import Foundation
import FuzzTargets
import XCTest

/// Every input a fuzz target once crashed, hung or exhausted memory on is kept under
/// `Fixtures/<target>/` and replayed here through the same function the fuzzer calls: the test fails by
/// crashing (or by exceeding the time asserted) if a fix regresses.
final class FuzzReplayTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  func testEveryFixtureFolderNamesATarget() throws {
    let folders = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { !$0.hasPrefix(".") }
    for folder in folders {
      XCTAssertTrue(FuzzTargets.names.contains(folder), "Fixtures/\(folder) is not a fuzz target")
    }
  }

  func testFixturesReplayQuickly() throws {
    var replayed = 0
    for target in FuzzTargets.names {
      let folder = Self.fixtures.appendingPathComponent(target)
      guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
      for file in files.sorted() where !file.hasPrefix(".") && !file.hasSuffix(".md") {
        let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(file)))
        let start = Date()
        let known = bytes.withUnsafeBytes { FuzzTargets.run(target, $0) }
        XCTAssertTrue(known)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "\(target)/\(file) took too long")
        replayed += 1
      }
    }
    print("replayed \(replayed) fuzz findings")
  }

  /// The degenerate inputs every target meets first.
  func testEmptyAndTinyInputs() {
    for target in FuzzTargets.names {
      for input: [UInt8] in [[], [0], [0xFF, 0xFE], Array("PK\u{3}\u{4}".utf8), Array("<a>".utf8), Array("a,b\n1".utf8)] {
        XCTAssertTrue(input.withUnsafeBytes { FuzzTargets.run(target, $0) })
      }
    }
    XCTAssertFalse([UInt8]().withUnsafeBytes { FuzzTargets.run("no-such-target", $0) })
  }
}

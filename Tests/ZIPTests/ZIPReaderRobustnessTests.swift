import ByteIO
import Foundation
import XCTest
@testable import ZIP

/// Hostile input: every truncation and many byte flips must throw a ZIPError or succeed, never trap or hang.
final class ZIPReaderRobustnessTests: XCTestCase {
  /// Opens the archive and reads every entry; returns nil on success or the ZIPError thrown.
  func readEverything(_ bytes: [UInt8], limits: ZIPLimits = ZIPLimits(maxEntryBytes: 1 << 20)) -> ZIPError? {
    do {
      let archive = try ZIPArchive(source: MemorySource(bytes, name: "fuzz.zip"), limits: limits)
      for entry in archive.entries { _ = try archive.readAll(entry) }
      return nil
    } catch {
      return error
    }
  }

  func fixtureBytes(_ name: String) throws -> [UInt8] {
    try Array(Data(contentsOf: Paths.fixtures.appendingPathComponent(name)))
  }

  func testTruncationAtEveryOffset() throws {
    for fixture in ["deflated.zip", "data-descriptor.zip", "zip64.zip", "backslash-names.zip"] {
      let bytes = try fixtureBytes(fixture)
      XCTAssertNil(readEverything(bytes), fixture)
      var failures = 0
      for cut in 0..<bytes.count {
        if let error = readEverything(Array(bytes[0..<cut])) {
          failures += 1
          XCTAssertFalse(error.description.isEmpty)
        }
      }
      // Only a cut inside the end record's comment-free tail could ever succeed, and these archives end
      // with their end record, so every cut must fail.
      XCTAssertEqual(failures, bytes.count, fixture)
    }
  }

  func testByteFlipsNeverTrap() throws {
    for fixture in ["deflated.zip", "zip64.zip", "data-descriptor.zip"] {
      let original = try fixtureBytes(fixture)
      var state: UInt64 = 0x1234_5678
      var outcomes: [String: Int] = [:]
      // Every byte of the end records and directory, plus random bytes elsewhere, each set to several values.
      let tailStart = max(0, original.count - 700)
      var positions = Array(tailStart..<original.count)
      for _ in 0..<400 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        positions.append(Int(state >> 33) % original.count)
      }
      for position in positions {
        for value: UInt8 in [0x00, 0xFF, original[position] ^ 0x01, 0x7F] where value != original[position] {
          var bytes = original
          bytes[position] = value
          let key = readEverything(bytes)?.code.rawValue ?? "ok"
          outcomes[key, default: 0] += 1
        }
      }
      XCTAssertGreaterThan(outcomes.count, 2, "\(fixture): \(outcomes)")
    }
  }

  func testHostileDirectoryValues() throws {
    let original = try fixtureBytes("deflated.zip")
    let eocd = try XCTUnwrap(findLast(original, [0x50, 0x4B, 0x05, 0x06]))
    // Huge entry count, huge directory size, huge offset.
    for (field, width) in [(10, 2), (12, 4), (16, 4)] {
      var bytes = original
      for i in 0..<width { bytes[eocd + field + i] = 0xFF }
      XCTAssertNotNil(readEverything(bytes), "field at +\(field)")
    }
    // A central header whose name length points past the directory.
    var bytes = original
    let cd = try XCTUnwrap(findLast(original, [0x50, 0x4B, 0x01, 0x02]))
    bytes[cd + 28] = 0xFF
    bytes[cd + 29] = 0xFF
    XCTAssertEqual(readEverything(bytes)?.code, .corruptCentralDirectory)
    // A local header offset pointing past the end of the file.
    bytes = original
    for i in 0..<4 { bytes[cd + 42 + i] = 0xEE }
    XCTAssertEqual(readEverything(bytes)?.code, .truncated)
  }
}

import ByteIO
import Foundation
import TestSupport
import XCTest
@testable import ZIP

/// Fixture and corpus locations, derived from this file's path (never hardcoded).
enum Paths {
  /// `Tests/ZIPTests/Fixtures`.
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  /// The repository root (two levels above `Tests/ZIPTests`).
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  /// The conformance corpus (the folder `SHEETGATE_CORPUS` names), or an `XCTSkip` without it.
  static func corpus() throws -> URL { URL(fileURLWithPath: try Corpus.requireFolder()) }

  static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
}

/// What `make_fixtures.py` says each fixture holds.
struct ManifestEntry {
  var name: String
  var size: UInt64
  var crc32: UInt32
  var content: [UInt8]?
}

enum Manifest {
  static func entries(_ fixture: String) throws -> [ManifestEntry] {
    let data = try Data(contentsOf: Paths.fixtures.appendingPathComponent("manifest.json"))
    let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let list = try XCTUnwrap(root[fixture] as? [[String: Any]], "manifest has no \(fixture)")
    return try list.map { item in
      ManifestEntry(
        name: try XCTUnwrap(item["name"] as? String),
        size: UInt64(try XCTUnwrap(item["size"] as? Int)),
        crc32: UInt32(try XCTUnwrap(item["crc32"] as? Int)),
        content: (item["hex"] as? String).map(hexBytes))
    }
  }

  static func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = hex.utf8.makeIterator()
    while let a = it.next(), let b = it.next() {
      out.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16) ?? 0)
    }
    return out
  }
}

/// Reads a whole entry through `read(into:)`, each call's buffer sized by `sizer`.
func readEntry(_ archive: ZIPArchive, _ entry: ZIPEntry, sizer: inout ChunkingVerifier.Sizer) throws -> [UInt8] {
  var reader = try archive.openEntry(entry)
  var out: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let size = sizer.next(wholeSize: buffer.count)
    let n = try buffer.withUnsafeMutableBytes { raw in
      try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<min(size, raw.count)]))
    }
    if n == 0 { break }
    out.append(contentsOf: buffer[0..<n])
  }
  return out
}

/// Asserts that `body` throws a ``ZIPError`` with `code`, and returns it.
@discardableResult
func assertZIPError<T>(_ code: ZIPError.Code, file: StaticString = #filePath, line: UInt = #line,
                       _ body: () throws -> T) -> ZIPError? {
  do {
    _ = try body()
    XCTFail("expected ZIPError \(code), got success", file: file, line: line)
  } catch let error as ZIPError {
    XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
    return error
  } catch {
    XCTFail("expected ZIPError \(code), got \(error)", file: file, line: line)
  }
  return nil
}

/// Deterministic pseudo-random bytes that compress somewhat (XML-like text mixed with noise).
func sampleBytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
  var state = seed
  var out: [UInt8] = []
  out.reserveCapacity(count)
  let words = Array("<row r=\"1\"><c t=\"s\"><v>12</v></c></row> 数据 ".utf8)
  while out.count < count {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    if state >> 60 < 3 {
      out.append(UInt8(truncatingIfNeeded: state >> 33))
    } else {
      out.append(words[Int(state >> 40) % words.count])
    }
  }
  return out
}

import ByteIO
import Foundation
import Glibc
import XCTest

/// `TemporaryFile`: nameless scratch files written in order and read back by offset.
final class TemporaryFileTests: XCTestCase {
  func testFileIsUnlinkedAtOnceAndReadsBackWhatWasAppended() throws {
    let folder = try scratchFolder(for: self)
    let file = try XCTUnwrap(TemporaryFile.create(prefix: "sheetgate-test", in: folder))
    XCTAssertEqual(file.directory, folder)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "no name is left in the folder")
    let a = sampleBytes(count: 70_000, seed: 3)
    let b = sampleBytes(count: 123, seed: 4)
    XCTAssertEqual(a.withUnsafeBytes { file.append($0) }, 0)
    XCTAssertEqual(b.withUnsafeBytes { file.append($0) }, 0)
    XCTAssertEqual(file.size, 70_123)
    // 150 bytes across the two appends: the last 50 of the first and the first 100 of the second.
    var back = [UInt8](repeating: 0, count: 150)
    XCTAssertEqual(back.withUnsafeMutableBytes { file.read(into: $0.baseAddress!, byteCount: 150, at: 69_950) }, 0)
    XCTAssertEqual(back, Array(a[69_950...]) + Array(b[..<100]))
  }

  func testReadingPastTheEndIsEIO() throws {
    let file = try XCTUnwrap(TemporaryFile.create(prefix: "sheetgate-test", in: try scratchFolder(for: self)))
    XCTAssertEqual([UInt8](repeating: 1, count: 10).withUnsafeBytes { file.append($0) }, 0)
    var back = [UInt8](repeating: 0, count: 8)
    XCTAssertEqual(back.withUnsafeMutableBytes { file.read(into: $0.baseAddress!, byteCount: 8, at: 5) }, EIO)
    XCTAssertEqual(back.withUnsafeMutableBytes { file.read(into: $0.baseAddress!, byteCount: 5, at: 5) }, 0)
    XCTAssertEqual(Array(back[..<5]), [1, 1, 1, 1, 1])
  }

  /// The size limit makes the file "full": an append that would pass it fails with ENOSPC and
  /// leaves the size unchanged; smaller appends still fit.
  func testSizeLimitActsAsAFullDisk() throws {
    let file = try XCTUnwrap(TemporaryFile.create(prefix: "sheetgate-test", in: try scratchFolder(for: self)))
    file.sizeLimit = 100
    XCTAssertEqual(sampleBytes(count: 60).withUnsafeBytes { file.append($0) }, 0)
    XCTAssertEqual(sampleBytes(count: 41).withUnsafeBytes { file.append($0) }, ENOSPC)
    XCTAssertEqual(file.size, 60)
    XCTAssertEqual(sampleBytes(count: 40).withUnsafeBytes { file.append($0) }, 0)
    XCTAssertEqual(file.size, 100)
    XCTAssertEqual([UInt8(0)].withUnsafeBytes { file.append($0) }, ENOSPC)
  }

  func testMissingFolderGivesNil() throws {
    let folder = try scratchFolder(for: self)
    XCTAssertNil(TemporaryFile.create(prefix: "x", in: folder + "/no/such/folder"))
  }

  func testDefaultFolderFollowsTMPDIR() {
    let saved = getenv("TMPDIR").map { String(cString: $0) }
    defer { if let saved { setenv("TMPDIR", saved, 1) } else { unsetenv("TMPDIR") } }
    setenv("TMPDIR", "/var/tmp", 1)
    XCTAssertEqual(TemporaryFile.defaultDirectory, "/var/tmp")
    unsetenv("TMPDIR")
    XCTAssertEqual(TemporaryFile.defaultDirectory, "/tmp")
  }
}

import ByteIO
import Foundation
import TestSupport
import XCTest
@testable import ZIP

/// Reading archives written by Python's zipfile (`Fixtures/make_fixtures.py`).
final class ZIPReaderTests: XCTestCase {
  /// Every entry of `fixture` reads back with the manifest's names, sizes, CRCs and contents, under every
  /// output-buffer chunking.
  func checkFixture(_ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let archive = try ZIPArchive(path: Paths.fixture(fixture))
    let expected = try Manifest.entries(fixture)
    XCTAssertEqual(archive.entries.map(\.name), expected.map(\.name), file: file, line: line)
    for (entry, want) in zip(archive.entries, expected) {
      XCTAssertEqual(entry.uncompressedSize, want.size, entry.name, file: file, line: line)
      XCTAssertEqual(entry.crc32, want.crc32, entry.name, file: file, line: line)
      let chunkings: [ChunkingVerifier.Chunking] = want.size > 50_000
        ? [.fixed(7), .random(seed: 3, maxSize: 5000), .whole] : ChunkingVerifier.standardChunkings
      let bytes = try ChunkingVerifier.verifyPulling(chunkings: chunkings, expected: want.content) { sizer in
        try readEntry(archive, entry, sizer: &sizer)
      }
      XCTAssertEqual(UInt64(bytes.count), want.size, entry.name, file: file, line: line)
      XCTAssertEqual(try archive.readAll(entry), bytes, entry.name, file: file, line: line)
    }
  }

  func testDeflated() throws { try checkFixture("deflated.zip") }
  func testStored() throws { try checkFixture("stored.zip") }
  func testDataDescriptors() throws {
    try checkFixture("data-descriptor.zip")
    let archive = try ZIPArchive(path: Paths.fixture("data-descriptor.zip"))
    XCTAssertTrue(archive.entries.allSatisfy(\.hasDataDescriptor))
  }
  func testZIP64ExtraFieldsAndEndRecords() throws { try checkFixture("zip64.zip") }
  func testCommentContainingEndSignature() throws { try checkFixture("comment.zip") }
  func testPrependedBytes() throws { try checkFixture("prepended.zip") }

  func testChineseNamesAndFlags() throws {
    let archive = try ZIPArchive(path: Paths.fixture("deflated.zip"))
    let entry = try XCTUnwrap(archive.entry(named: "数据/表一.txt"))
    XCTAssertEqual(entry.flags & (1 << 11), 1 << 11)
    XCTAssertEqual(String(decoding: try archive.readAll(entry), as: UTF8.self), "填报单位：某某局\n合计 123\n")
    XCTAssertTrue(try XCTUnwrap(archive.entry(named: "folder/")).isDirectory)
    XCTAssertEqual(try archive.readAll(named: "empty.txt"), [])
  }

  func testBackslashAndCaseTolerantLookup() throws {
    try checkFixture("backslash-names.zip")
    let archive = try ZIPArchive(path: Paths.fixture("backslash-names.zip"))
    XCTAssertEqual(archive.entry(named: "xl/workbook.xml")?.name, "xl\\workbook.xml")
    XCTAssertEqual(archive.entry(named: "/XL/Worksheets/Sheet1.xml")?.name, "xl\\worksheets\\sheet1.xml")
    XCTAssertEqual(try archive.readAll(named: "XL/WORKBOOK.XML"), Array("<workbook/>".utf8))
    XCTAssertNil(archive.entry(named: "xl/styles.xml"))
    let error = assertZIPError(.entryNotFound) { try archive.openEntry(named: "xl/styles.xml") }
    XCTAssertEqual(error?.entry, "xl/styles.xml")
    XCTAssertTrue(error?.description.contains("xl/styles.xml") ?? false)
  }

  func testCorruptCRCNamesTheEntry() throws {
    let archive = try ZIPArchive(path: Paths.fixture("corrupt-crc.zip"))
    let entry = try XCTUnwrap(archive.entry(named: "data.txt"))
    let error = assertZIPError(.crcMismatch) { try archive.readAll(entry) }
    XCTAssertEqual(error?.entry, "data.txt")
    XCTAssertTrue(error?.description.contains("\"data.txt\"") ?? false, error?.description ?? "")
    XCTAssertTrue(error?.description.contains("corrupt-crc.zip") ?? false, error?.description ?? "")
    // Once failed, the reader keeps failing rather than pretending to be at the end.
    var reader = try archive.openEntry(entry)
    var buffer = [UInt8](repeating: 0, count: 4096)
    assertZIPError(.crcMismatch) {
      while try buffer.withUnsafeMutableBytes({ try reader.read(into: $0) }) > 0 {}
    }
    assertZIPError(.crcMismatch) { try buffer.withUnsafeMutableBytes { try reader.read(into: $0) } }
  }

  func testZipBombStoppedAtCap() throws {
    let limits = ZIPLimits(maxEntryBytes: 1 << 20)
    let archive = try ZIPArchive(path: Paths.fixture("bomb.zip"), limits: limits)
    let entry = try XCTUnwrap(archive.entry(named: "bomb.xml"))
    // The honest bomb declares 64 MiB: refused before inflating anything.
    let early = assertZIPError(.entryTooLarge) { try archive.openEntry(entry) }
    XCTAssertEqual(early?.entry, "bomb.xml")
    XCTAssertTrue(early?.description.contains("1048576") ?? false, early?.description ?? "")
    // With the default caps it reads fully and correctly.
    let fine = try ZIPArchive(path: Paths.fixture("bomb.zip"))
    XCTAssertEqual(try fine.readAll(named: "bomb.xml").count, 64 << 20)
  }

  func testLyingZipBombStoppedOnActualBytes() throws {
    // Declares 1,000 bytes, inflates to 64 MiB: the cap applies to the bytes actually inflated.
    let archive = try ZIPArchive(path: Paths.fixture("lying-bomb.zip"), limits: ZIPLimits(maxEntryBytes: 1 << 20))
    let entry = try XCTUnwrap(archive.entry(named: "bomb.xml"))
    XCTAssertEqual(entry.uncompressedSize, 1000)
    var reader = try archive.openEntry(entry)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    let error = assertZIPError(.entryTooLarge) {
      while try buffer.withUnsafeMutableBytes({ try reader.read(into: $0) }) > 0 {}
    }
    XCTAssertEqual(error?.entry, "bomb.xml")
    XCTAssertTrue(error?.description.contains("1048576") ?? false, error?.description ?? "")
    XCTAssertLessThanOrEqual(reader.bytesRead, (1 << 20) + 64 * 1024, "stopped within one buffer of the cap")
    // Under the default caps it inflates fully and then fails the size check (its CRC is right).
    let lenient = try ZIPArchive(path: Paths.fixture("lying-bomb.zip"))
    let mismatch = assertZIPError(.sizeMismatch) { try lenient.readAll(named: "bomb.xml") }
    XCTAssertTrue(mismatch?.description.contains("67108864") ?? false, mismatch?.description ?? "")
  }

  func testArchiveTotalCap() throws {
    let limits = ZIPLimits(maxEntryBytes: 1 << 20, maxArchiveBytes: 20_000)
    let archive = try ZIPArchive(path: Paths.fixture("stored.zip"), limits: limits)
    let sheet = try XCTUnwrap(archive.entry(named: "xl/worksheets/sheet1.xml"))
    XCTAssertGreaterThan(sheet.uncompressedSize, 20_000)
    let error = assertZIPError(.archiveTooLarge) { try archive.readAll(sheet) }
    XCTAssertEqual(error?.entry, sheet.name)
  }

  func testTooManyEntries() throws {
    let error = assertZIPError(.tooManyEntries) {
      try ZIPArchive(path: Paths.fixture("deflated.zip"), limits: ZIPLimits(maxEntries: 3))
    }
    XCTAssertTrue(error?.description.contains("deflated.zip") ?? false)
  }

  func testTruncatedArchive() {
    let error = assertZIPError(.truncated) { try ZIPArchive(path: Paths.fixture("truncated.zip")) }
    XCTAssertTrue(error?.description.contains("truncated.zip") ?? false)
  }

  func testNotAZip() throws {
    assertZIPError(.notAZip) { try ZIPArchive(source: MemorySource(Array("a,b,c\n1,2,3\n".utf8), name: "x.csv")) }
    assertZIPError(.notAZip) { try ZIPArchive(source: MemorySource([], name: "empty.xlsx")) }
    var cfb: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    cfb += [UInt8](repeating: 0, count: 600)
    let error = assertZIPError(.notAZip) { try ZIPArchive(source: MemorySource(cfb, name: "secret.xlsx")) }
    XCTAssertTrue(error?.description.contains("encrypted") ?? false, error?.description ?? "")
    assertZIPError(.io) { try ZIPArchive(path: Paths.fixture("no-such-file.zip")) }
  }

  func testUnsupportedMethodAndEncryption() throws {
    var bytes = try Array(Data(contentsOf: Paths.fixtures.appendingPathComponent("corrupt-crc.zip")))
    let cd = try XCTUnwrap(findLast(bytes, [0x50, 0x4B, 0x01, 0x02]))
    bytes[cd + 10] = 12  // bzip2
    var archive = try ZIPArchive(source: MemorySource(bytes, name: "m.zip"))
    assertZIPError(.unsupportedMethod) { try archive.readAll(archive.entries[0]) }
    bytes[cd + 10] = 0
    bytes[cd + 8] |= 1  // encrypted
    archive = try ZIPArchive(source: MemorySource(bytes, name: "e.zip"))
    let error = assertZIPError(.encryptedEntry) { try archive.readAll(archive.entries[0]) }
    XCTAssertEqual(error?.entry, "data.txt")
  }
}

func findLast(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
  guard haystack.count >= needle.count else { return nil }
  var i = haystack.count - needle.count
  while i >= 0 {
    if Array(haystack[i..<i + needle.count]) == needle { return i }
    i -= 1
  }
  return nil
}

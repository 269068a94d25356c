import ByteIO
import Foundation
import TestSupport
import XCTest
@testable import ZIP

/// Writer → reader round trips, and our archives checked by Python's zipfile.
final class ZIPWriterTests: XCTestCase {
  typealias Item = (name: String, method: ZIPWriter.Method, bytes: [UInt8])

  func build(_ items: [Item], large: Bool = false, chunk: Int = 1000) throws -> [UInt8] {
    let sink = MemorySink()
    let writer = ZIPWriter(sink: sink)
    for item in items {
      try writer.beginEntry(name: item.name, method: item.method, modified: (2024, 5, 17, 13, 45, 30), large: large)
      var at = 0
      while at < item.bytes.count {
        let end = min(item.bytes.count, at + chunk)
        try writer.write(Array(item.bytes[at..<end]))
        at = end
      }
      try writer.endEntry()
    }
    try writer.finish()
    XCTAssertEqual(writer.bytesWritten, UInt64(sink.bytes.count))
    return sink.bytes
  }

  func checkRoundTrip(_ items: [Item], large: Bool = false) throws -> [UInt8] {
    let bytes = try build(items, large: large)
    let archive = try ZIPArchive(source: MemorySource(bytes, name: "roundtrip.zip"))
    XCTAssertEqual(archive.entries.map(\.name), items.map(\.name))
    for (entry, item) in zip(archive.entries, items) {
      XCTAssertTrue(entry.hasDataDescriptor)
      XCTAssertEqual(entry.method, item.method == .stored ? 0 : 8)
      let chunkings: [ChunkingVerifier.Chunking] = item.bytes.count > 20_000
        ? [.fixed(7), .random(seed: 9, maxSize: 9000), .whole] : ChunkingVerifier.standardChunkings
      try ChunkingVerifier.verifyPulling(chunkings: chunkings, expected: item.bytes) { sizer in
        try readEntry(archive, entry, sizer: &sizer)
      }
    }
    try checkWithPython(bytes, names: items.map(\.name))
    return bytes
  }

  func testRoundTrips() throws {
    let xml = sampleBytes(count: 200_000)
    _ = try checkRoundTrip([
      ("[Content_Types].xml", .deflate(level: 6), Array("<Types/>".utf8)),
      ("xl/worksheets/sheet1.xml", .deflate(level: 6), xml),
      ("xl/media/image1.png", .stored, sampleBytes(count: 5000, seed: 7)),
      ("数据/汇总表.xml", .deflate(level: 1), Array("填报单位：某某局".utf8)),
      ("empty-deflated.txt", .deflate(level: 9), []),
      ("empty-stored.txt", .stored, []),
      ("level0.bin", .deflate(level: 0), sampleBytes(count: 3000, seed: 3)),
      ("folder/", .stored, []),
    ])
  }

  func testLevelOneUsesTheFastDeflaterAndReadsBack() throws {
    // Level 1 is ISA-L's deflate: its streams must read back through zlib (the reader) and
    // Python's zipfile, whatever the size: empty, one byte, buffer-sized, large text, random bytes.
    var random = SystemRandomNumberGenerator()
    let noise = (0..<1_000_000).map { _ in UInt8.random(in: 0...255, using: &random) }
    _ = try checkRoundTrip([
      ("empty.xml", .deflate(level: 1), []),
      ("one.xml", .deflate(level: 1), [0x3C]),
      ("buffer.xml", .deflate(level: 1), sampleBytes(count: 65_536, seed: 5)),
      ("xl/worksheets/sheet1.xml", .deflate(level: 1), sampleBytes(count: 3_000_000, seed: 11)),
      ("noise.bin", .deflate(level: 1), noise),
      ("after.xml", .deflate(level: 6), sampleBytes(count: 10_000, seed: 2)),
      ("again.xml", .deflate(level: 1), sampleBytes(count: 70_000, seed: 4)),
    ])
    guard case .fast = try EntryDeflater(level: 1) else { return XCTFail("level 1 should use ISA-L") }
    guard case .zlib = try EntryDeflater(level: 6) else { return XCTFail("level 6 should use zlib") }
  }

  func testLargeFlagWritesZIP64LocalFields() throws {
    let bytes = try checkRoundTrip([("a.xml", .deflate(level: 6), sampleBytes(count: 10_000)),
                                    ("b.bin", .stored, sampleBytes(count: 100))], large: true)
    // Local header: sizes saturated, ZIP64 extra present; descriptor carries 8-byte sizes.
    XCTAssertEqual(Array(bytes[18..<26]), [UInt8](repeating: 0xFF, count: 8))
    XCTAssertEqual(Array(bytes[30 + 5..<30 + 5 + 2]), [0x01, 0x00])
  }

  func testEmptyArchive() throws {
    let bytes = try build([])
    XCTAssertEqual(bytes.count, 22)
    let archive = try ZIPArchive(source: MemorySource(bytes))
    XCTAssertEqual(archive.entries.count, 0)
    try checkWithPython(bytes, names: [])
  }

  func testManyEntriesUseZIP64EndRecords() throws {
    let sink = MemorySink()
    let writer = ZIPWriter(sink: sink)
    let count = 70_000
    for i in 0..<count {
      try writer.beginEntry(name: "e\(i)", method: .stored)
      if i % 1000 == 0 { try writer.write([UInt8(i % 251)]) }
      try writer.endEntry()
    }
    try writer.finish()
    XCTAssertNotNil(findLast(sink.bytes, [0x50, 0x4B, 0x06, 0x06]), "ZIP64 end record")
    let archive = try ZIPArchive(source: MemorySource(sink.bytes), limits: ZIPLimits(maxEntries: count))
    XCTAssertEqual(archive.entries.count, count)
    XCTAssertEqual(try archive.readAll(named: "e69000"), [UInt8(69000 % 251)])
    XCTAssertEqual(try archive.readAll(named: "e69001"), [])
    try checkWithPython(sink.bytes, names: nil, expectedCount: count)
  }

  func testExactNameWinsOverCaseInsensitive() throws {
    let bytes = try build([("Data.xml", .stored, Array("upper".utf8)), ("data.xml", .stored, Array("lower".utf8))])
    let archive = try ZIPArchive(source: MemorySource(bytes, name: "two.zip"))
    XCTAssertEqual(try archive.readAll(named: "data.xml"), Array("lower".utf8))
    XCTAssertEqual(try archive.readAll(named: "Data.xml"), Array("upper".utf8))
    XCTAssertEqual(try archive.readAll(named: "DATA.XML"), Array("upper".utf8))
  }

  func testMisuseIsReported() throws {
    let writer = ZIPWriter(sink: MemorySink())
    assertZIPError(.misuse) { try writer.write([1]) }
    assertZIPError(.misuse) { try writer.endEntry() }
    try writer.beginEntry(name: "a", method: .stored)
    assertZIPError(.misuse) { try writer.beginEntry(name: "b", method: .stored) }
    assertZIPError(.misuse) { try writer.finish() }
    try writer.endEntry()
    let duplicate = assertZIPError(.misuse) { try writer.beginEntry(name: "a", method: .stored) }
    XCTAssertEqual(duplicate?.entry, "a")
    assertZIPError(.misuse) { try writer.beginEntry(name: "", method: .stored) }
    assertZIPError(.deflateFailed) { try writer.beginEntry(name: "c", method: .deflate(level: 42)) }
    try writer.finish()
    assertZIPError(.misuse) { try writer.finish() }
  }

  func testSinkFailureBecomesIOError() throws {
    final class FullDisk: ByteSink {
      var bytesWritten: UInt64 = 0
      func write(_ bytes: UnsafeRawBufferPointer) throws(ByteIOError) {
        if bytesWritten + UInt64(bytes.count) > 100 {
          throw ByteIOError(code: .write, path: "out.xlsx", reason: "No space left on device (errno 28)", errno: 28)
        }
        bytesWritten += UInt64(bytes.count)
      }
    }
    let writer = ZIPWriter(sink: FullDisk())
    try writer.beginEntry(name: "sheet.xml", method: .stored)
    let error = assertZIPError(.io) { try writer.write(sampleBytes(count: 1000)) }
    XCTAssertEqual(error?.entry, "sheet.xml")
    XCTAssertTrue(error?.description.contains("No space left") ?? false, error?.description ?? "")
  }

  func testAtomicFileEndToEnd() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("zipwriter-\(UInt32.random(in: 0...UInt32.max)).zip").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let out = try AtomicFileWriter(path: path)
    let zipWriter = ZIPWriter(sink: out)
    let sheet = sampleBytes(count: 300_000, seed: 11)
    try zipWriter.beginEntry(name: "xl/worksheets/sheet1.xml")
    try sheet.withUnsafeBytes { try zipWriter.write($0) }
    try zipWriter.endEntry()
    try zipWriter.finish()
    try out.commit()
    let archive = try ZIPArchive(path: path)
    XCTAssertEqual(try archive.readAll(named: "xl/worksheets/sheet1.xml"), sheet)
  }

  func testDOSTimestamp() throws {
    let bytes = try build([("t.txt", .stored, [1])])
    let entry = try ZIPArchive(source: MemorySource(bytes)).entries[0]
    XCTAssertEqual(entry.dosDate >> 9, 2024 - 1980)
    XCTAssertEqual(entry.dosDate >> 5 & 0xF, 5)
    XCTAssertEqual(entry.dosDate & 0x1F, 17)
    XCTAssertEqual(entry.dosTime >> 11, 13)
    XCTAssertEqual(entry.dosTime >> 5 & 0x3F, 45)
    XCTAssertEqual(entry.dosTime & 0x1F, 15)
  }

  /// Has Python's zipfile list and CRC-check the archive (skipped when no Python is installed).
  func checkWithPython(_ bytes: [UInt8], names: [String]?, expectedCount: Int? = nil) throws {
    let candidates = [Paths.repositoryRoot.deletingLastPathComponent().appendingPathComponent("venv/bin/python").path,
                      "/usr/bin/python3", "/usr/local/bin/python3"]
    guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      return
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UInt32.random(in: 0...UInt32.max)).zip")
    try Data(bytes).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let script = """
      import json, sys, zipfile
      z = zipfile.ZipFile(sys.argv[1])
      bad = z.testzip()
      print(json.dumps({"bad": bad, "names": z.namelist()}, ensure_ascii=False))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script, file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "python zipfile rejected the archive")
    let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: output) as? [String: Any])
    XCTAssertTrue(result["bad"] is NSNull, "python found a bad CRC in \(result["bad"] ?? "")")
    let listed = try XCTUnwrap(result["names"] as? [String])
    if let names { XCTAssertEqual(listed, names) }
    if let expectedCount { XCTAssertEqual(listed.count, expectedCount) }
  }
}

/// The CRC-32 every entry is checked and written with (ISA-L's) against the definition, bit by bit.
final class CRC32Tests: XCTestCase {
  /// The reflected CRC-32 of ZIP, gzip and PNG (polynomial 0xEDB88320), one bit at a time.
  static func reference(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
      c ^= UInt32(b)
      for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
    }
    return ~c
  }

  func testMatchesTheDefinitionWholeAndInPieces() {
    XCTAssertEqual(Array("123456789".utf8).withUnsafeBytes { zipCRC32(0, $0) }, 0xCBF4_3926)
    XCTAssertEqual([UInt8]().withUnsafeBytes { zipCRC32(0, $0) }, 0)
    var rng = SystemRandomNumberGenerator()
    for n in [1, 2, 3, 15, 16, 17, 63, 64, 65, 255, 256, 1000, 4096, 70_001] {
      let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
      let whole = bytes.withUnsafeBytes { zipCRC32(0, $0) }
      XCTAssertEqual(whole, Self.reference(bytes), "\(n) bytes")
      let cut = Int.random(in: 0...n, using: &rng)
      let first = bytes[..<cut].withUnsafeBytes { zipCRC32(0, $0) }
      XCTAssertEqual(bytes[cut...].withUnsafeBytes { zipCRC32(first, $0) }, whole, "\(n) bytes cut at \(cut)")
    }
  }
}

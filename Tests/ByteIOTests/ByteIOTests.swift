import ByteIO
import Foundation
import XCTest

/// ByteIO: sources, sinks and atomic replacement.
final class ByteIOTests: XCTestCase {
  var folder: String = ""

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("byteio-\(UInt64.random(in: 0...UInt64.max))").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: folder)
  }

  func contents(_ path: String) throws -> [UInt8] { try Array(Data(contentsOf: URL(fileURLWithPath: path))) }
  func leftovers() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
  }

  func testFileAndMemorySourcesAgree() throws {
    let bytes = sampleBytes(count: 100_000)
    let path = folder + "/data.bin"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let file = try FileSource(path: path)
    let memory = MemorySource(bytes)
    XCTAssertEqual(file.size, 100_000)
    for (offset, count) in [(0, 10), (99_990, 50), (50_000, 30_000), (100_000, 5), (200_000, 5)] {
      XCTAssertEqual(try file.readBytes(at: UInt64(offset), count: count),
                     try memory.readBytes(at: UInt64(offset), count: count), "\(offset)")
    }
    XCTAssertEqual(try file.readBytes(at: 99_990, count: 50).count, 10)
  }

  func testMissingFileErrorNamesThePath() {
    XCTAssertThrowsError(try FileSource(path: folder + "/missing.xlsx")) { error in
      let e = error as? ByteIOError
      XCTAssertEqual(e?.code, .openForReading)
      XCTAssertEqual(e?.errno, ENOENT)
      XCTAssertTrue(e?.description.contains("missing.xlsx") ?? false, "\(error)")
      XCTAssertTrue(e?.description.contains("No such file") ?? false, "\(error)")
    }
    XCTAssertThrowsError(try FileSource(path: folder)) { error in
      XCTAssertEqual((error as? ByteIOError)?.code, .openForReading)
    }
  }

  func testFileSinkBuffersAndWritesEverything() throws {
    let path = folder + "/out.bin"
    let sink = try FileSink(path: path, bufferSize: 1000)
    var expected: [UInt8] = []
    for size in [1, 999, 5, 3000, 0, 700, 301] {
      let chunk = sampleBytes(count: size, seed: UInt64(size))
      try sink.write(chunk)
      expected += chunk
    }
    XCTAssertEqual(sink.bytesWritten, UInt64(expected.count))
    try sink.close()
    XCTAssertEqual(try contents(path), expected)
    XCTAssertThrowsError(try sink.write([1])) { XCTAssertEqual(($0 as? ByteIOError)?.code, .closed) }
  }

  func testAtomicCommitReplaces() throws {
    let path = folder + "/report.xlsx"
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    let writer = try AtomicFileWriter(path: path, bufferSize: 16)
    XCTAssertTrue(writer.temporaryPath.hasPrefix(folder + "/.report.xlsx.tmp-"))
    let new = sampleBytes(count: 10_000)
    try writer.write(new)
    XCTAssertEqual(try contents(path), Array("old".utf8), "untouched until commit")
    try writer.commit()
    XCTAssertEqual(try contents(path), new)
    XCTAssertEqual(try leftovers(), [])
    XCTAssertThrowsError(try writer.write([1]))
  }

  func testAtomicAbortAndThrowLeaveOldFile() throws {
    let path = folder + "/report.xlsx"
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    let aborted = try AtomicFileWriter(path: path)
    try aborted.write(Array("partial".utf8))
    aborted.abort()
    XCTAssertEqual(try contents(path), Array("old".utf8))
    XCTAssertEqual(try leftovers(), [])

    struct Interrupted: Error {}
    func produce() throws {
      let writer = try AtomicFileWriter(path: path)
      try writer.write(sampleBytes(count: 300_000))
      XCTAssertEqual(try leftovers().count, 1)
      throw Interrupted()
    }
    XCTAssertThrowsError(try produce())
    XCTAssertEqual(try contents(path), Array("old".utf8))
    XCTAssertEqual(try leftovers(), [], "the temporary file is removed when the writer is released")
  }

  func testAtomicWriterCreatesNewFileAndFailsInMissingFolder() throws {
    let path = folder + "/new.csv"
    let writer = try AtomicFileWriter(path: path)
    try writer.write(Array("a,b\n".utf8))
    try writer.commit()
    XCTAssertEqual(try contents(path), Array("a,b\n".utf8))
    XCTAssertThrowsError(try AtomicFileWriter(path: folder + "/no/such/folder/x.xlsx")) { error in
      XCTAssertEqual((error as? ByteIOError)?.code, .openForWriting)
      XCTAssertTrue("\(error)".contains("x.xlsx"), "\(error)")
    }
  }

  func testMemorySink() throws {
    let sink = MemorySink()
    try sink.write([1, 2, 3])
    try sink.write([])
    XCTAssertEqual(sink.bytes, [1, 2, 3])
    XCTAssertEqual(sink.bytesWritten, 3)
  }
}

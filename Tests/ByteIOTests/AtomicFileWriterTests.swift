import ByteIO
import Foundation
import XCTest

/// `AtomicFileWriter` when things go wrong: the destination keeps its old content, no partial file
/// appears, and the temporary file is gone.
final class AtomicFileWriterTests: XCTestCase {
  private func entries(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
  }

  /// The rename fails (the destination is a folder that is not empty): the error names the
  /// destination, the folder is untouched and the temporary file is removed.
  func testFailedRenameLeavesNoPartialFileAndNoTemporaryFile() throws {
    let folder = try scratchFolder(for: self)
    let destination = folder + "/汇总.xlsx"
    try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
    try Data("keep".utf8).write(to: URL(fileURLWithPath: destination + "/inside.txt"))
    let writer = try AtomicFileWriter(path: destination, bufferSize: 64)
    try writer.write(sampleBytes(count: 5_000))
    XCTAssertTrue(FileManager.default.fileExists(atPath: writer.temporaryPath), "written under the temporary name")
    XCTAssertThrowsError(try writer.commit()) { error in
      let e = error as? ByteIOError
      XCTAssertEqual(e?.code, .rename, "\(error)")
      XCTAssertEqual(e?.path, destination)
      XCTAssertNotEqual(e?.errno, 0)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: writer.temporaryPath), "the temporary file is removed")
    XCTAssertEqual(try entries(folder), ["汇总.xlsx"], "nothing else is left in the folder")
    XCTAssertEqual(try entries(destination), ["inside.txt"])
    XCTAssertEqual(try contents(destination + "/inside.txt"), Array("keep".utf8))
    // The writer is finished: further writes and commits are refused.
    XCTAssertThrowsError(try writer.write([1])) { XCTAssertEqual(($0 as? ByteIOError)?.code, .closed) }
    XCTAssertThrowsError(try writer.commit()) { XCTAssertEqual(($0 as? ByteIOError)?.code, .closed) }
  }

  /// Nothing is visible at the destination before `commit()`, however much was written, and the
  /// temporary file sits beside it (same folder, so the rename stays on one file system).
  func testNoFileAtTheDestinationBeforeCommit() throws {
    let folder = try scratchFolder(for: self)
    let destination = folder + "/new.csv"
    let writer = try AtomicFileWriter(path: destination, bufferSize: 1024)
    let bytes = sampleBytes(count: 100_000, seed: 7)
    try writer.write(bytes)
    XCTAssertEqual(writer.bytesWritten, 100_000)
    XCTAssertFalse(FileManager.default.fileExists(atPath: destination))
    XCTAssertEqual((writer.temporaryPath as NSString).deletingLastPathComponent, folder)
    XCTAssertEqual(try entries(folder).count, 1)
    try writer.commit()
    XCTAssertEqual(try contents(destination), bytes)
    XCTAssertEqual(try entries(folder), ["new.csv"])
    // Committing and then aborting changes nothing.
    writer.abort()
    XCTAssertEqual(try contents(destination), bytes)
  }

  /// A write after `abort()` is refused and the destination never appears.
  func testAbortBeforeAnyCommitLeavesNothing() throws {
    let folder = try scratchFolder(for: self)
    let destination = folder + "/x.xlsx"
    let writer = try AtomicFileWriter(path: destination)
    try writer.write(Array("partial".utf8))
    writer.abort()
    XCTAssertThrowsError(try writer.write([1])) { XCTAssertEqual(($0 as? ByteIOError)?.code, .closed) }
    XCTAssertThrowsError(try writer.commit()) { XCTAssertEqual(($0 as? ByteIOError)?.code, .closed) }
    XCTAssertEqual(try entries(folder), [])
  }
}

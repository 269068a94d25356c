import ByteIO
import XCTest
@testable import ZIP

/// An entry past 4 GiB, written and read back without 4 GiB of memory or disk: the sink keeps only small
/// writes (headers, descriptors, directory) and checks that large writes are zeros; the source serves zeros
/// everywhere else.
final class ZIP64LargeEntryTests: XCTestCase {
  final class SparseZeros: ByteSink, RandomAccessSource {
    var segments: [(offset: UInt64, bytes: [UInt8])] = []
    var bytesWritten: UInt64 = 0
    var nonZeroBulk = false
    var name: String { "sparse.zip" }
    var size: UInt64 { bytesWritten }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ByteIOError) {
      if bytes.count <= 4096 {
        segments.append((bytesWritten, Array(bytes)))
      } else if bytes.first != 0 || bytes.last != 0 || bytes[bytes.count / 2] != 0 {
        nonZeroBulk = true
      }
      bytesWritten += UInt64(bytes.count)
    }

    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ByteIOError) -> Int {
      guard offset < size else { return 0 }
      let n = Int(min(UInt64(buffer.count), size - offset))
      let out = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
      out.initializeMemory(as: UInt8.self, repeating: 0)
      for segment in segments {
        let start = max(offset, segment.offset)
        let end = min(offset + UInt64(n), segment.offset + UInt64(segment.bytes.count))
        guard start < end else { continue }
        for i in start..<end { out[Int(i - offset)] = segment.bytes[Int(i - segment.offset)] }
      }
      return n
    }
  }

  func testStoredEntryPastFourGiB() throws {
    let sparse = SparseZeros()
    let writer = ZIPWriter(sink: sparse)
    try writer.beginEntry(name: "big.bin", method: .stored, large: true)
    let chunk = [UInt8](repeating: 0, count: 1 << 20)
    let total: UInt64 = (4 << 30) + (3 << 20)
    var written: UInt64 = 0
    try chunk.withUnsafeBytes { raw in
      while written < total {
        try writer.write(raw)
        written += UInt64(raw.count)
      }
    }
    try writer.endEntry()
    try writer.beginEntry(name: "after.txt", method: .deflate(level: 6))
    try writer.write(Array("past the 4 GiB mark".utf8))
    try writer.endEntry()
    try writer.finish()
    XCTAssertFalse(sparse.nonZeroBulk)

    let archive = try ZIPArchive(source: sparse, limits: ZIPLimits(maxEntryBytes: 8 << 30, maxArchiveBytes: 8 << 30))
    let big = try XCTUnwrap(archive.entry(named: "big.bin"))
    XCTAssertEqual(big.uncompressedSize, total)
    XCTAssertEqual(big.compressedSize, total)
    let after = try XCTUnwrap(archive.entry(named: "after.txt"))
    XCTAssertGreaterThan(after.localHeaderOffset, UInt64(UInt32.max))
    XCTAssertEqual(try archive.readAll(after), Array("past the 4 GiB mark".utf8))

    var reader = try archive.openEntry(big)
    var buffer = [UInt8](repeating: 0, count: 4 << 20)
    var count: UInt64 = 0
    while true {
      let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
      if n == 0 { break }
      count += UInt64(n)
    }
    XCTAssertEqual(count, total, "CRC and size checked at the end")
  }
}

import Foundation
import XCTest

/// Deterministic pseudo-random bytes (a linear congruential generator), so a failure reproduces.
func sampleBytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
  var state = seed
  var out: [UInt8] = []
  out.reserveCapacity(count)
  while out.count < count {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    out.append(UInt8(truncatingIfNeeded: state >> 33))
  }
  return out
}

/// A fresh folder under the system's temporary folder, removed when `test` ends.
func scratchFolder(for test: XCTestCase) throws -> String {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("byteio-\(UInt64.random(in: 0...UInt64.max))").path
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
  return folder
}

/// The bytes of the file at `path`.
func contents(_ path: String) throws -> [UInt8] { try Array(Data(contentsOf: URL(fileURLWithPath: path))) }

import Crypto
import Foundation

/// SHA-256, fed in chunks; identifies a submitted file's (and a message's) bytes in the store.
///
/// A thin wrapper over swift-crypto's SHA-256 (BoringSSL's assembly, with the CPU's SHA extensions where it
/// has them), kept so that callers need only the store's vocabulary: `update`, then the lowercase hex digest.
/// It replaced a hand-written FIPS 180-4 implementation (DESIGN-NOTES: "SHA-256 from swift-crypto").
/// O(1) memory.
package struct SHA256 {
  private var hasher = Crypto.SHA256()

  package init() {}

  /// Adds bytes to the message.
  package mutating func update(_ bytes: UnsafeRawBufferPointer) {
    hasher.update(bufferPointer: bytes)
  }

  /// Adds bytes to the message.
  package mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
    if let done: Void = bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
      return done
    }
    Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) }
  }

  /// Finishes and returns the digest as lowercase hex.
  package mutating func finalizeHex() -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in hasher.finalize() {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The hex digest of a file's bytes, read in 1 MiB chunks.
  /// - Throws: the file's read error.
  package static func hex(ofFileAt path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      chunk.withUnsafeBytes { hasher.update($0) }
    }
    return hasher.finalizeHex()
  }
}

import ByteIO
import ThreadKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A shared-strings table kept in an unlinked temporary file instead of memory (see
/// `SharedStrings`, "Memory").
///
/// Layout: the strings are grouped in blocks of 256 consecutive strings (block = index >> 8).
/// Block `b` starts at `blockOffsets[b]` and holds `n` little-endian `UInt32` end offsets,
/// relative to the start of the block's text, followed by the UTF-8 text of its `n` strings
/// (`n` = 256 except in the last block). `blockOffsets` has one more entry: the end of the file.
///
/// Immutable once built, so one instance is shared by every thread reading the workbook: reads
/// are `pread`s, which do not move a file position. The file is a `TemporaryFile`: it has no
/// name, and its space is freed when it is closed, or when the process ends, however it ends.
///
/// The whole table can be loaded into memory once (`loadAll`), shared by all threads, for
/// workbooks whose cells refer to the strings in an order the block cache cannot follow
/// (see `SharedStringCache`).
@usableFromInline
final class SpilledStrings: Sendable {
  static let blockShift = 8
  static let blockSize = 1 << blockShift

  /// The unlinked temporary file; closed on `deinit`.
  let file: TemporaryFile
  /// The number of strings.
  let count: Int
  /// The file offset of each block, plus the end of the file.
  let blockOffsets: [UInt64]
  /// The folder the file was created in (for error messages).
  var directory: String { file.directory }

  /// The table loaded into memory, or whether loading it failed.
  private let image = Locked<(image: SpilledImage?, failed: Bool)>((nil, false))

  init(file: TemporaryFile, count: Int, blockOffsets: [UInt64]) {
    self.file = file
    self.count = count
    self.blockOffsets = blockOffsets
  }

  /// The number of strings in block `block`.
  @inline(__always)
  func stringCount(inBlock block: Int) -> Int {
    min(SpilledStrings.blockSize, count - block << SpilledStrings.blockShift)
  }

  /// The size in bytes of block `block` (end table and text).
  @inline(__always)
  func byteCount(ofBlock block: Int) -> Int {
    Int(blockOffsets[block + 1] - blockOffsets[block])
  }

  /// Reads `byteCount` bytes at `offset` into `buffer`: 0, or the `errno` of the failure
  /// (`EIO` when the file is shorter than its blocks say).
  @inline(__always)
  func read(into buffer: UnsafeMutableRawPointer, byteCount: Int, at offset: UInt64) -> Int32 {
    file.read(into: buffer, byteCount: byteCount, at: offset)
  }

  /// The whole table in memory, loaded by the first caller and shared by all; nil when it could
  /// not be loaded (the caller keeps reading blocks from the file).
  func loadAll() -> SpilledImage? {
    image.withLock { state in
      if state.image == nil && !state.failed {
        let size = Int(blockOffsets[blockOffsets.count - 1])
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, 1))
        if read(into: bytes, byteCount: size, at: 0) == 0 {
          state.image = SpilledImage(bytes: bytes, byteCount: size)
        } else {
          bytes.deallocate()
          state.failed = true
        }
      }
      return state.image
    }
  }

  /// The loaded table, if some reader has loaded it.
  var loadedImage: SpilledImage? { image.withLock { $0.image } }

  /// Locates string `k` of a block whose `n` strings and `byteCount` bytes are at `block`:
  /// the text's start and length, or nil when the end table does not fit the block (the file
  /// changed under the reader).
  @inline(__always)
  static func locate(_ k: Int, n: Int, block: UnsafePointer<UInt8>, byteCount: Int) -> (start: Int, count: Int)? {
    let raw = UnsafeRawPointer(block)
    let start = k == 0 ? 0 : Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: (k - 1) << 2, as: UInt32.self)))
    let end = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: k << 2, as: UInt32.self)))
    let text = n << 2
    guard start <= end, text + end <= byteCount else { return nil }
    return (text + start, end - start)
  }

  /// String `index` (in range) in the table loaded into memory; nil when the end table does not fit its block.
  @inline(__always)
  func string(_ index: Int, in image: SpilledImage) -> UnsafeBufferPointer<UInt8>? {
    let block = index >> SpilledStrings.blockShift
    let base = image.bytes + Int(blockOffsets[block])
    guard let (start, length) = SpilledStrings.locate(index & (SpilledStrings.blockSize - 1),
                                                      n: stringCount(inBlock: block), block: base,
                                                      byteCount: byteCount(ofBlock: block))
    else { return nil }
    return UnsafeBufferPointer(start: base + start, count: length)
  }

  /// Calls `body` with string `index`; nil when out of range or when the file cannot be read.
  /// The slow path (a read of the string's block per call), for callers without a cache.
  @usableFromInline
  func withString<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
    guard index >= 0, index < count else { return nil }
    let block = index >> SpilledStrings.blockShift
    let k = index & (SpilledStrings.blockSize - 1)
    if let image = loadedImage {
      guard let text = string(index, in: image) else { return nil }
      return try body(text)
    }
    let n = stringCount(inBlock: block)
    let size = byteCount(ofBlock: block)
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, 1))
    defer { buffer.deallocate() }
    guard size >= n << 2, read(into: buffer, byteCount: size, at: blockOffsets[block]) == 0,
          let (start, length) = SpilledStrings.locate(k, n: n, block: buffer, byteCount: size) else { return nil }
    return try body(UnsafeBufferPointer(start: buffer + start, count: length))
  }
}

/// A spilled table's file loaded into memory (same layout), immutable and shared by all threads.
final class SpilledImage: @unchecked Sendable {  // @unchecked: the bytes behind the pointer are written once, before the image is shared, and only read after
  let bytes: UnsafeMutablePointer<UInt8>
  let byteCount: Int

  init(bytes: UnsafeMutablePointer<UInt8>, byteCount: Int) {
    self.bytes = bytes
    self.byteCount = byteCount
  }

  deinit { bytes.deallocate() }
}

/// Why the temporary file of a spilled shared-strings table could not be written or read.
struct TemporaryFileError: Error, CustomStringConvertible {
  enum Operation { case write, read }
  var operation: Operation
  var code: Int32
  var directory: String

  var description: String {
    let reason = String(cString: strerror(code))
    switch operation {
    case .write:
      return "the shared-strings table is too large to keep in memory and could not be written to a temporary "
        + "file in \(directory) (\(reason)); the temporary folder is full or not writable: free space there or set "
        + "TMPDIR to a folder with free space, then read the file again"
    case .read:
      return "the shared-strings table kept in a temporary file in \(directory) could not be read back (\(reason)); "
        + "the temporary folder's disk failed or is unreliable: set TMPDIR to a local folder with free space and "
        + "read the file again"
    }
  }
}

/// Builds a `SpilledStrings` file: blocks are staged in a ~1 MiB buffer and appended to a
/// `TemporaryFile`, which `finish()` hands over.
final class SpillWriter {
  /// The buffer is written out once it holds at least this many bytes.
  static let bufferSize = 1 << 20

  private let file: TemporaryFile
  var directory: String { file.directory }
  private var buffer: [UInt8] = []
  private var blockOffsets: [UInt64] = []
  /// Bytes of the file so far (written and buffered).
  private var size: UInt64 = 0
  private var count = 0

  private init(file: TemporaryFile) {
    self.file = file
    buffer.reserveCapacity(SpillWriter.bufferSize + (64 << 10))
  }

  /// Creates the temporary file; nil when it cannot be created.
  static func create() -> SpillWriter? {
    TemporaryFile.create(prefix: "sheetgate-strings").map(SpillWriter.init(file:))
  }

  /// Adds one block: `ends` (offsets relative to the start of `bytes`) and the text.
  func append(ends: [UInt32], bytes: [UInt8]) throws {
    guard !ends.isEmpty else { return }
    blockOffsets.append(size)
    #if _endian(little)
    ends.withUnsafeBytes { buffer.append(contentsOf: $0) }
    #else
    for e in ends { withUnsafeBytes(of: e.littleEndian) { buffer.append(contentsOf: $0) } }
    #endif
    buffer.append(contentsOf: bytes)
    size += UInt64(ends.count << 2 + bytes.count)
    count += ends.count
    if buffer.count >= SpillWriter.bufferSize { try flush() }
  }

  /// Writes the buffer to the file.
  private func flush() throws {
    let error = buffer.withUnsafeBytes { file.append($0) }
    guard error == 0 else { throw TemporaryFileError(operation: .write, code: error, directory: directory) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is buffered and hands the file over.
  func finish() throws -> SpilledStrings {
    try flush()
    buffer = []
    blockOffsets.append(size)
    return SpilledStrings(file: file, count: count, blockOffsets: blockOffsets)
  }
}

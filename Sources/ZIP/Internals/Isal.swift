import CIsal

/// A raw deflate stream (no zlib or gzip wrapper) compressed by Intel ISA-L's igzip at its level 1:
/// the writer's compressor for level 1, the level the merge writes its large consolidated
/// workbooks at.
///
/// On a 47 MB consolidated sheet ISA-L's level 1 took 0.065 s and wrote 7.54 MB, where zlib's
/// level 1 took 0.197 s and wrote 7.98 MB (DESIGN-NOTES). Its output is a standard deflate
/// stream: any inflater reads it (the reader, which uses zlib, reads it in the tests).
final class FastDeflater {
  private let stream: UnsafeMutablePointer<isal_zstream>
  private let levelBuffer: UnsafeMutableRawPointer
  private let levelBufferSize = Int(isal_level1_default_buffer_size())
  private let output: UnsafeMutableRawBufferPointer
  /// The level this deflater stands for (1).
  let level: Int32 = 1

  init(outputCapacity: Int = 64 * 1024) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: isal_zstream())
    levelBuffer = .allocate(byteCount: levelBufferSize, alignment: 16)
    output = .allocate(byteCount: max(64, outputCapacity), alignment: 16)
    start()
  }

  deinit {
    stream.deinitialize(count: 1)
    stream.deallocate()
    levelBuffer.deallocate()
    output.deallocate()
  }

  private func start() {
    isal_deflate_init(stream)
    stream.pointee.level = 1
    stream.pointee.level_buf = levelBuffer.assumingMemoryBound(to: UInt8.self)
    stream.pointee.level_buf_size = UInt32(levelBufferSize)
    stream.pointee.flush = UInt16(NO_FLUSH)
  }

  /// Starts a new, independent stream.
  func reset() { start() }

  /// Compresses `input`, passing each filled stretch of the output buffer to `emit`; `finish` ends the stream.
  func deflate(
    _ input: UnsafeRawBufferPointer, finish: Bool, emit: (UnsafeRawBufferPointer) throws(ZIPError) -> Void
  ) throws(ZIPError) {
    var base = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
    var left = input.count
    repeat {
      let n = min(left, Int(UInt32.max >> 1))
      stream.pointee.next_in = base
      stream.pointee.avail_in = UInt32(n)
      let lastSlice = n == left
      stream.pointee.end_of_stream = finish && lastSlice ? 1 : 0
      while true {
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(output.count)
        let r = isal_deflate(stream)
        guard r == COMP_OK else { throw ZIPError(.deflateFailed, detail: "ISA-L deflate failed (code \(r))") }
        let produced = output.count - Int(stream.pointee.avail_out)
        if produced > 0 { try emit(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
        if stream.pointee.end_of_stream != 0 {
          if stream.pointee.internal_state.state == ZSTATE_END { break }
        } else if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 {
          break
        }
      }
      base = base.map { $0 + n }
      left -= n
    } while left > 0
  }
}

/// CRC-32 (the ZIP/gzip polynomial) of `bytes`, continuing from `crc`; start with 0. The same values as
/// zlib's `crc32` (checked in `ZIPTests`), from ISA-L's folding implementation (PCLMULQDQ), several
/// times faster than Debian's zlib 1.2.13: every byte a workbook inflates to, or is written from, passes here.
@inline(__always)
func zipCRC32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
  guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
  return crc32_gzip_refl(crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
}

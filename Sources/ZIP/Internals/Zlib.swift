// The only file in the ZIP module that touches zlib (ARCHITECTURE.md: where C is touched).
//
// Raw deflate streams (no zlib or gzip wrapper) are what ZIP stores, so both directions use
// windowBits = -MAX_WBITS. The `z_stream` lives in a heap allocation owned by a class, because zlib keeps a
// pointer back to it (`strm->state->strm`) and Swift may move a struct stored inline.

import CZlib

/// The outcome of one inflate step.
enum InflateStep {
  /// Produced this many bytes (possibly 0 when more input is needed).
  case progress(Int)
  /// The deflate stream is complete; the last bytes produced are counted.
  case end(Int)
  /// zlib reported corrupt data; the message is zlib's.
  case failed(String)
}

/// A raw-inflate stream with one long-lived input buffer.
///
/// Memory: zlib's state (about 7 KiB plus a 32 KiB window) and the input buffer, allocated once.
final class RawInflater {
  private let stream: UnsafeMutablePointer<z_stream>
  /// The input buffer; ``refill(_:)`` fills it from the archive.
  let input: UnsafeMutableRawBufferPointer
  private(set) var isReady = false

  init(inputCapacity: Int) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    input = .allocate(byteCount: max(16, inputCapacity), alignment: 16)
  }

  deinit {
    if isReady { inflateEnd(stream) }
    stream.deinitialize(count: 1)
    stream.deallocate()
    input.deallocate()
  }

  /// Starts (or restarts) a raw deflate stream. Returns zlib's message on failure.
  func start() -> String? {
    let r: Int32
    if isReady {
      r = inflateReset(stream)
    } else {
      r = inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    }
    guard r == Z_OK else { return "zlib could not start inflating (code \(r))" }
    isReady = true
    stream.pointee.next_in = nil
    stream.pointee.avail_in = 0
    return nil
  }

  /// Bytes of input not yet consumed.
  var pendingInput: Int { Int(stream.pointee.avail_in) }

  /// Declares that the first `count` bytes of ``input`` hold fresh input.
  func refill(_ count: Int) {
    stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_in = uInt(count)
  }

  /// Inflates pending input into `output`.
  func inflate(into output: UnsafeMutableRawBufferPointer) -> InflateStep {
    guard let out = output.baseAddress, output.count > 0 else { return .progress(0) }
    let capacity = min(output.count, Int(UInt32.max >> 1))
    stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = uInt(capacity)
    let r = CZlib.inflate(stream, Z_NO_FLUSH)
    let produced = capacity - Int(stream.pointee.avail_out)
    switch r {
    case Z_STREAM_END: return .end(produced)
    case Z_OK, Z_BUF_ERROR: return .progress(produced)
    default:
      let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(r)"
      return .failed(message)
    }
  }
}

/// A raw-deflate stream writing into one reusable output buffer.
///
/// Memory: zlib's state (about 256 KiB at the default memLevel 8) and the output buffer, allocated once.
final class RawDeflater {
  private let stream: UnsafeMutablePointer<z_stream>
  private let output: UnsafeMutableRawBufferPointer
  /// The compression level the stream was made with (0–9, or -1 for zlib's default, 6).
  let level: Int32

  /// Makes a stream; throws ``ZIPError/Code/deflateFailed`` when zlib refuses the level.
  init(level: Int32, outputCapacity: Int = 64 * 1024) throws(ZIPError) {
    // Everything is set up in locals first: once the stored properties are set, a throw would run deinit.
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let r = deflateInit2_(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                          ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard r == Z_OK else {
      stream.deinitialize(count: 1)
      stream.deallocate()
      throw ZIPError(.deflateFailed, detail: "zlib refused compression level \(level) (code \(r))")
    }
    self.stream = stream
    self.output = .allocate(byteCount: max(64, outputCapacity), alignment: 16)
    self.level = level
  }

  deinit {
    deflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
    output.deallocate()
  }

  /// Starts a new, independent stream with the same level.
  func reset() { deflateReset(stream) }

  /// How a ``deflate(_:flush:emit:)`` call ends its input.
  enum Flush {
    /// More input follows; zlib may hold bytes back.
    case none
    /// Emit everything so far, ending on a byte boundary, and keep the window (`Z_SYNC_FLUSH`).
    case sync
    /// Like `.sync`, but forget the window so the next block stands alone (`Z_FULL_FLUSH`).
    case full
    /// End the deflate stream (`Z_FINISH`).
    case finish

    var zlibValue: Int32 {
      switch self {
      case .none: return Z_NO_FLUSH
      case .sync: return Z_SYNC_FLUSH
      case .full: return Z_FULL_FLUSH
      case .finish: return Z_FINISH
      }
    }
  }

  /// Compresses `input`, passing each filled stretch of the output buffer to `emit`.
  func deflate(
    _ input: UnsafeRawBufferPointer, flush: Flush, emit: (UnsafeRawBufferPointer) throws(ZIPError) -> Void
  ) throws(ZIPError) {
    var base = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
    var left = input.count
    repeat {
      let n = min(left, Int(UInt32.max >> 1))
      stream.pointee.next_in = base
      stream.pointee.avail_in = uInt(n)
      let lastSlice = n == left
      let mode = lastSlice ? flush.zlibValue : Z_NO_FLUSH
      while true {
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let r = CZlib.deflate(stream, mode)
        if r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR {
          throw ZIPError(.deflateFailed, detail: "zlib deflate failed (code \(r))")
        }
        let produced = output.count - Int(stream.pointee.avail_out)
        if produced > 0 { try emit(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
        if r == Z_STREAM_END { break }
        // Done with this slice once zlib took all input and did not fill the output buffer.
        if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { break }
      }
      base = base.map { $0 + n }
      left -= n
    } while left > 0
  }
}

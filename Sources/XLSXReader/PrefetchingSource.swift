import ThreadKit

/// A byte source that inflates ahead on a second thread: inflating overlaps parsing.
///
/// A producer thread fills `count` buffers of `bufferSize` bytes from `upstream` (e.g. a ZIP entry
/// reader); `read(into:)` hands the bytes out in order on the caller's thread. The upstream is handed
/// over to the producer thread and used only there, so it must not be shared with other readers.
/// An upstream error is delivered, in order, after the bytes that preceded it.
///
/// ### The hand-off
/// Two ThreadKit channels of byte arrays: `free` (empty buffers, all `count` at the start) and
/// `filled` (in order; closed after the last bytes, or failed with the upstream's error). A buffer
/// belongs to whoever took it from a channel, so the bytes are never shared; arrays move between the
/// threads without a copy. Releasing the source closes both channels and joins the thread.
///
/// ### Memory
/// `count × bufferSize` bytes (default 4 × 256 KiB) plus the upstream's own buffers.
final class PrefetchingSource {
  typealias Upstream = (UnsafeMutableRawBufferPointer) throws -> Int

  private let free: Channel<[UInt8]>
  private let filled: Channel<Filled>
  private var job: BackgroundJob<Void>?
  // Consumer-only state.
  private var current = Filled(bytes: [], count: 0)
  private var offset = 0
  private var ended = false

  struct Filled: Sendable {
    var bytes: [UInt8]
    var count: Int
  }

  init(bufferSize: Int = 256 << 10, count: Int = 4, upstream: sending @escaping Upstream) {
    let free = Channel<[UInt8]>(capacity: count)
    let filled = Channel<Filled>(capacity: count)
    for _ in 0..<count { _ = try? free.send([UInt8](repeating: 0, count: bufferSize)) }
    self.free = free
    self.filled = filled
    job = BackgroundJob(name: "sheetgate-inflate") {
      PrefetchingSource.produce(upstream, free: free, filled: filled)
    }
  }

  deinit {
    filled.close()
    free.close()
    job?.join()
  }

  /// Producer loop (second thread): fill the next free buffer completely, hand it over, repeat.
  private static func produce(_ upstream: Upstream, free: Channel<[UInt8]>, filled: Channel<Filled>) {
    while var buffer = try? free.receive() {
      var n = 0
      var failure: Error?
      var ended = false
      buffer.withUnsafeMutableBytes { base in
        while n < base.count {
          do {
            let k = try upstream(UnsafeMutableRawBufferPointer(rebasing: base[n...]))
            if k <= 0 { ended = true; break }
            n += k
          } catch {
            failure = error
            break
          }
        }
      }
      guard (try? filled.send(Filled(bytes: buffer, count: n))) == true else { return }  // released early
      if let failure {
        filled.fail(failure)
        return
      }
      if ended {
        filled.close()
        return
      }
    }
  }

  /// Copies the next bytes into `buffer`; 0 at the end. Rethrows the upstream's error (once) in order.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let dst = buffer.baseAddress, buffer.count > 0 else { return 0 }
    while true {
      let available = current.count - offset
      if available > 0 {
        let n = min(available, buffer.count)
        current.bytes.withUnsafeBytes { dst.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
      }
      if ended { return 0 }
      // Give the used buffer back (dropping this side's reference first) and take the next one.
      if !current.bytes.isEmpty {
        let used = current.bytes
        current = Filled(bytes: [], count: 0)
        _ = try? free.send(used)
      }
      offset = 0
      do {
        guard let next = try filled.receive() else {
          ended = true
          return 0
        }
        current = next
      } catch {
        ended = true
        throw error
      }
    }
  }
}

import ByteIO
import Foundation
import Merge
import ThreadKit

/// One input file after the worker-thread stage of ``MergeJob/ingest(paths:into:receivedAt:)``: read,
/// validated and encoded, waiting to be stored in input order.
struct PreparedFile: Sendable {
  enum Content: Sendable {
    /// A file with these bytes is in the store already: nothing to do.
    case stored
    /// Recognised tables, in sheet order.
    case tables([PreparedTable])
    /// No table: the file could not be read, or no sheet looked like a ledger.
    case unusable(SubmissionStatus, String)
  }
  var path: String
  var name: String
  /// Hex SHA-256 of the bytes; empty when the file could not be read at all.
  var digest: String
  var content: Content
}

/// One recognised table, its rows encoded back to back (``RowCodec/encodeBinary(_:into:)``) with their
/// key hashes, and what the store records about it.
///
/// About 150 bytes per row of a training-hours ledger: a 500-row file is 75 KB in flight.
struct PreparedTable: Sendable {
  /// Where one row's blob and key hashes end in ``bytes`` and ``keys`` (each starts where the previous ends).
  struct RowEntry: Sendable {
    var number: Int
    var valid: Bool
    var end: Int
    var keysEnd: Int
  }
  var sheet: String?
  var ledger: String
  var bytes: [UInt8] = []
  var rows: [RowEntry] = []
  /// Key hashes of the error-free rows (``Consolidation/keyHash(_:number:values:)``).
  var keys: [Int64] = []
  var agency: String?
  var period = ""
  var errors = 0
  var warnings = 0
  var rowCount = 0
  var validRows = 0
  var reason = ""
  /// The rows moved out of memory so far, in order before those in ``bytes``/``rows``/``keys`` (a large
  /// table: ``SpilledRows``); nil while the table is small.
  var spilled: SpilledRows?
  /// Rows (zero-based sheet index) counted error-free at their row that the validator found to be repeats
  /// of a unique key only at the end of the table (its key set had moved to a temporary file): stored as
  /// rows with errors, without key hashes, as they would have been had the repeat been known at the row.
  var invalidatedAtEnd: Set<Int> = []

  /// Moves the rows held in memory (past ``MergeJob/Options/spillBytes``) to the temporary file (created on first use). When the file cannot be
  /// created or written, the rows stay in memory and the table keeps them there from then on.
  mutating func spill() {
    if spilled == nil {
      guard let f = TemporaryFile.create(prefix: "sheetgate-rows") else { spillRefused = true; return }
      spilled = SpilledRows(file: f)
    }
    guard spilled!.append(rows: rows, bytes: bytes, keys: keys) else { spillRefused = true; return }
    rows.removeAll(keepingCapacity: true)
    bytes.removeAll(keepingCapacity: true)
    keys.removeAll(keepingCapacity: true)
  }
  /// The temporary folder could not take the rows: keep them in memory.
  var spillRefused = false

  /// Calls `body` with every row in order: its number, whether it is stored as error-free, its blob and
  /// its key hashes (none for a row with errors).
  /// - Throws: ``ByteIOError`` when a spilled segment cannot be read back; `body`'s errors.
  func forEachRow(_ body: (_ number: Int, _ valid: Bool, _ blob: UnsafeRawBufferPointer, _ keys: ArraySlice<Int64>) throws -> Void) throws {
    func each(_ rows: [RowEntry], _ bytes: [UInt8], _ keys: [Int64]) throws {
      try bytes.withUnsafeBytes { all in
        var start = 0, keyStart = 0
        for r in rows {
          let late = !invalidatedAtEnd.isEmpty && invalidatedAtEnd.contains(r.number - 1)
          try body(r.number, r.valid && !late, UnsafeRawBufferPointer(rebasing: all[start..<r.end]),
                   late ? keys[keyStart..<keyStart] : keys[keyStart..<r.keysEnd])
          start = r.end; keyStart = r.keysEnd
        }
      }
    }
    if let spilled { try spilled.forEachSegment(each) }
    try each(rows, bytes, keys)
  }
}

/// The rows of a large table in an unlinked temporary file (ByteIO's `TemporaryFile`), so that a merge's
/// memory does not grow with a file's rows: segments of whole rows (their entries, blob bytes and key
/// hashes, each array as it was in memory), read back one segment at a time when the table is stored.
final class SpilledRows: @unchecked Sendable {  // @unchecked: appended on the worker that reads the table, read back on the storing thread after the hand-off (OrderedWorkers)
  struct Segment {
    var offset: UInt64
    var rows: Int
    var bytes: Int
    var keys: Int
  }
  let file: TemporaryFile
  private(set) var segments: [Segment] = []

  init(file: TemporaryFile) { self.file = file }

  /// Appends one segment; false when the file could not take it (nothing recorded then).
  func append(rows: [PreparedTable.RowEntry], bytes: [UInt8], keys: [Int64]) -> Bool {
    let at = file.size
    let ok = rows.withUnsafeBytes { file.append($0) } == 0 && bytes.withUnsafeBytes { file.append($0) } == 0
      && keys.withUnsafeBytes { file.append($0) } == 0
    if ok { segments.append(Segment(offset: at, rows: rows.count, bytes: bytes.count, keys: keys.count)) }
    return ok
  }

  /// Reads the segments back in order, one at a time.
  func forEachSegment(_ body: ([PreparedTable.RowEntry], [UInt8], [Int64]) throws -> Void) throws {
    var rows: [PreparedTable.RowEntry] = [], bytes: [UInt8] = [], keys: [Int64] = []
    for s in segments {
      rows = Array(repeating: PreparedTable.RowEntry(number: 0, valid: false, end: 0, keysEnd: 0), count: s.rows)
      bytes = Array(repeating: 0, count: s.bytes)
      keys = Array(repeating: 0, count: s.keys)
      var at = s.offset
      var failure: Int32 = 0
      rows.withUnsafeMutableBytes { b in
        if b.count > 0 { failure = file.read(into: b.baseAddress!, byteCount: b.count, at: at) }
        at += UInt64(b.count)
      }
      if failure == 0 {
        bytes.withUnsafeMutableBytes { b in
          if b.count > 0 { failure = file.read(into: b.baseAddress!, byteCount: b.count, at: at) }
          at += UInt64(b.count)
        }
      }
      if failure == 0 {
        keys.withUnsafeMutableBytes { b in
          if b.count > 0 { failure = file.read(into: b.baseAddress!, byteCount: b.count, at: at) }
        }
      }
      guard failure == 0 else {
        throw ByteIOError(code: .read, path: file.directory + "/sheetgate-rows-…",
                          reason: String(cString: strerror(failure)), errno: failure)
      }
      try body(rows, bytes, keys)
    }
  }
}

/// The merge's file workers: ThreadKit's `OrderedWorkers` (results strictly in input order, a bounded
/// window ahead of the storing thread, `stop()` joins every thread). `work` runs on the workers and must
/// touch nothing shared except through its result (in the merge: the job's immutable options, schemas
/// and recogniser, and a private reader per file).
typealias OrderedWorkers<T: Sendable> = ThreadKit.OrderedWorkers<T>

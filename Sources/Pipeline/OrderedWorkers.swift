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
}

/// The merge's file workers: ThreadKit's `OrderedWorkers` (results strictly in input order, a bounded
/// window ahead of the storing thread, `stop()` joins every thread). `work` runs on the workers and must
/// touch nothing shared except through its result (in the merge: the job's immutable options, schemas
/// and recogniser, and a private reader per file).
typealias OrderedWorkers<T: Sendable> = ThreadKit.OrderedWorkers<T>

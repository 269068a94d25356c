/// The rows a source handed out, kept compactly so that they can be handed out again: a second pass over
/// a sheet without reading its file again (`sheetgate run` copies each submission into the annotated
/// workbook from the rows its validation read).
///
/// ```swift
/// let recording = RowRecording(byteLimit: 8 << 20)
/// var rows = RecordingRows(base: reader, recording: recording)
/// while try rows.nextRow(into: &row) { … }
/// if recording.isUsable { var again = recording.replay(); … }
/// ```
///
/// ### Memory
/// Each row's cells and text bytes, back to back (about 400 bytes a row of a training-hours ledger); past
/// `byteLimit` recording stops and the recording is not usable (read the file again instead).
// @unchecked Sendable: recorded by the one thread that reads the sheet, replayed after it is handed over.
public final class RowRecording: @unchecked Sendable {
  struct Entry {
    var index: Int
    var line: Int
    var isHidden: Bool
    var cellsEnd: Int
    var bytesEnd: Int
  }
  private var entries: [Entry] = []
  private var cells: [Cell] = []
  private var bytes: [UInt8] = []
  /// The most cell and text bytes recorded before recording gives up.
  public let byteLimit: Int
  /// The source said it had no more rows.
  public private(set) var reachedEnd = false
  /// Recording stopped at the limit.
  public private(set) var overflowed = false

  public init(byteLimit: Int = 8 << 20) {
    self.byteLimit = byteLimit
  }

  /// True when every row of the source is recorded.
  public var isUsable: Bool { reachedEnd && !overflowed }

  /// Rows recorded.
  public var count: Int { entries.count }

  func record(_ row: Row) {
    guard !overflowed else { return }
    if bytes.count + row.bytes.count + (cells.count + row.cells.count) * MemoryLayout<Cell>.stride > byteLimit {
      overflowed = true
      entries = []
      cells = []
      bytes = []
      return
    }
    cells.append(contentsOf: row.cells)
    bytes.append(contentsOf: row.bytes)
    entries.append(Entry(index: row.index, line: row.line, isHidden: row.isHidden, cellsEnd: cells.count, bytesEnd: bytes.count))
  }

  func markEnd() { reachedEnd = true }

  /// A source that hands out the recorded rows again, as the original source did.
  public func replay() -> RecordedRows { RecordedRows(recording: self) }

  func fill(_ i: Int, into row: inout Row) {
    row.removeAll()
    let e = entries[i]
    let cellsStart = i == 0 ? 0 : entries[i - 1].cellsEnd
    let bytesStart = i == 0 ? 0 : entries[i - 1].bytesEnd
    row.index = e.index
    row.line = e.line
    row.isHidden = e.isHidden
    row.cells.append(contentsOf: cells[cellsStart..<e.cellsEnd])
    row.bytes.append(contentsOf: bytes[bytesStart..<e.bytesEnd])
  }
}

/// The rows of a ``RowRecording``, in the order they were recorded.
public struct RecordedRows: RowSource {
  let recording: RowRecording
  var next = 0

  public mutating func nextRow(into row: inout Row) throws -> Bool {
    guard next < recording.count else { return false }
    recording.fill(next, into: &row)
    next += 1
    return true
  }
}

/// A source that records every row it hands out (``RowRecording``).
public struct RecordingRows<Base: RowSource>: RowSource {
  public var base: Base
  public let recording: RowRecording

  public init(base: Base, recording: RowRecording) {
    self.base = base
    self.recording = recording
  }

  public mutating func nextRow(into row: inout Row) throws -> Bool {
    if try base.nextRow(into: &row) {
      recording.record(row)
      return true
    }
    recording.markEnd()
    return false
  }
}

import Tabular

// ADVICE FOR HACKERS
//
// This is the innermost CSV parser. It sees UTF-8 bytes only (transcoding happens before it), does
// no I/O and allocates nothing of its own: field bytes go straight into the caller's `Row`, which
// keeps its storage between records (after csv-core's `read_field`).
//
// The grammar is what Python's `csv` module accepts with the default `excel` dialect on text opened
// with `newline=''` (the corpus's expected rows were produced that way), which is RFC 4180 plus the
// leniencies Excel's own files need:
//   * a record ends at CR LF, at a lone LF, or at a lone CR (old Mac files);
//   * an empty physical line is an empty record (zero fields), as Python returns `[]`;
//   * a quote opens a quoted field only as the first byte of a field; elsewhere in an unquoted
//     field it is data (`a"b` is `a"b`);
//   * inside quotes, delimiters, CR and LF are data and `""` is one quote;
//   * after a closing quote, anything other than a delimiter, quote or line break is data and the
//     field continues unquoted (`"ab"c` is `abc`);
//   * NUL is data;
//   * at end of input an open record is closed, even inside an unterminated quote.
//
// States (`State`):
//   startRecord    nothing of the record seen yet. An LF right after the CR that ended the previous
//                  record is swallowed here (`prevCR`), so CR LF is one terminator even when the
//                  two bytes arrive in different chunks. CR/LF here make an empty record.
//   startField     at the first byte of a field (after a delimiter, or at record start). A quote
//                  goes to `quoted`; anything else is handed to `unquoted` without consuming it.
//   unquoted       copying an unquoted field. Special bytes: the delimiter's first byte, CR, LF.
//   quoted         copying a quoted field. Special bytes: quote, CR and LF (the last two only so
//                  that physical lines are counted; they are data).
//   quoteInQuoted  just saw a quote inside a quoted field.
//   delimiterPart  matched the first `partial` bytes of a multi-byte delimiter (the full-width comma
//                  U+FF0C is EF BC 8C). The pending bytes are a prefix of the delimiter, so on a
//                  mismatch they are re-emitted from the delimiter itself, never from the input; the
//                  tokenizer therefore always consumes its whole input. This works because the
//                  delimiter is one UTF-8 encoded scalar, which cannot overlap itself.
//
// Invariants:
//   * `fieldStart` is the offset in `row.bytes` where the current field's text begins.
//   * `column` is the index the current field will get; a field is appended with `appendCell`
//     when it ends, so `row.cells` is positional and dense (empty fields are empty strings).
//   * `line` is the 1-based physical line of the next byte; CR, LF and CR LF each count once,
//     inside quotes too. `recordLine` is the line where the current record started.
//   * `feed` returns as soon as a record ends, so the caller sees one record per `Row`.
//
// Speed: the two copying states scan for their special bytes in a tight loop over a raw pointer
// and copy each run with one `append(contentsOf:)`. For ASCII delimiters a single comparison
// against the largest special byte rejects almost every byte. Adding a state means updating
// `feed`, `finish`, and the reference tokenizer in the tests that checks this one.

/// A streaming, allocation-free CSV tokenizer over UTF-8 bytes that fills a `Row` one record at a time.
///
/// Feed it chunks of any size with `feed(_:into:)`; it keeps its state across chunk boundaries.
/// Call `finish(into:)` once at end of input to close a final record that has no line break.
///
/// ```swift
/// var t = CSVTokenizer()
/// var row = Row()
/// let p = bytes.withUnsafeBytes { t.feed($0, into: &row) }   // p.recordEnded == true for "a,b\n"
/// ```
///
/// - Complexity: O(n) in the input; no allocation besides growth of the caller's `Row`.
public struct CSVTokenizer: Sendable {
  /// How much of a chunk `feed` used, and whether the record in the row is complete.
  public struct Progress: Sendable, Equatable {
    /// Bytes of the chunk consumed. Less than the chunk only when `recordEnded` is true.
    public var consumed: Int
    /// True when `row` now holds a complete record.
    public var recordEnded: Bool
  }

  @usableFromInline enum State: UInt8, Sendable {
    case startRecord, startField, unquoted, quoted, quoteInQuoted, delimiterPart
  }

  @usableFromInline static let cr: UInt8 = 0x0D
  @usableFromInline static let lf: UInt8 = 0x0A

  // The delimiter as UTF-8 (1 to 4 bytes).
  @usableFromInline let d0: UInt8, d1: UInt8, d2: UInt8, d3: UInt8
  @usableFromInline let delimiterLength: Int
  @usableFromInline let quote: UInt8
  @usableFromInline let maxSpecial: UInt8

  @usableFromInline var state: State = .startRecord
  @usableFromInline var prevCR = false
  @usableFromInline var partial = 0
  @usableFromInline var column = 0
  @usableFromInline var fieldStart = 0
  /// The 1-based physical line of the next byte to be read.
  public private(set) var line = 1
  /// The 1-based physical line where the most recent (or current) record started.
  public private(set) var recordLine = 1

  /// Creates a tokenizer for a delimiter that is one Unicode scalar (`,` `;` tab `|` or `，`) and
  /// an ASCII quote character.
  public init(delimiter: Unicode.Scalar = ",", quote: UInt8 = 0x22) {
    var enc: [UInt8] = []
    enc.reserveCapacity(4)
    UTF8.encode(delimiter) { enc.append($0) }
    let n = enc.count
    d0 = enc[0]
    d1 = n > 1 ? enc[1] : 0
    d2 = n > 2 ? enc[2] : 0
    d3 = n > 3 ? enc[3] : 0
    delimiterLength = n
    self.quote = quote
    maxSpecial = max(d0, quote, Self.cr, Self.lf)
  }

  /// Forgets any partial record and starts again at line 1.
  public mutating func reset() {
    state = .startRecord; prevCR = false; partial = 0; column = 0; fieldStart = 0
    line = 1; recordLine = 1
  }

  @inline(__always) @usableFromInline func delimiterByte(_ i: Int) -> UInt8 {
    switch i { case 0: return d0; case 1: return d1; case 2: return d2; default: return d3 }
  }

  @inline(__always) @usableFromInline mutating func countLineBreak(_ b: UInt8) {
    if b == Self.cr { line &+= 1; prevCR = true } else { if !prevCR { line &+= 1 }; prevCR = false }
  }

  @inline(__always) @usableFromInline mutating func endField(_ row: inout Row) {
    row.appendCell(column: column, kind: .string, number: 0, textStart: fieldStart)
    column &+= 1
    fieldStart = row.bytes.count
  }

  /// Tokenizes bytes from `input` into `row` until a record ends or the input runs out.
  ///
  /// Field text is appended to `row` (which the caller empties between records). When
  /// `recordEnded` is true the row is complete and `consumed` may be less than `input.count`:
  /// feed the rest next time.
  public mutating func feed(_ input: UnsafeRawBufferPointer, into row: inout Row) -> Progress {
    guard let base = input.baseAddress else { return Progress(consumed: 0, recordEnded: false) }
    let p = base.assumingMemoryBound(to: UInt8.self)
    let n = input.count
    let cr = Self.cr, lf = Self.lf
    let d0 = self.d0, q = self.quote, maxSpecial = self.maxSpecial
    var i = 0
    while i < n {
      switch state {
      case .startRecord:
        let b = p[i]
        if b == lf && prevCR { prevCR = false; i &+= 1; continue }
        recordLine = line
        column = 0
        fieldStart = row.bytes.count
        if b == cr || b == lf {
          countLineBreak(b)
          return Progress(consumed: i &+ 1, recordEnded: true)
        }
        state = .startField

      case .startField:
        if p[i] == q {
          state = .quoted
          prevCR = false
          i &+= 1
        } else if delimiterLength == 1 {
          // The common case: a run of unquoted fields. Their bytes are copied in one piece, the
          // delimiters between them included (no cell covers those), instead of field by field.
          // Their cells are gathered on the stack and appended together too.
          let spanStart = i
          let base = row.bytes.count &- spanStart
          var fieldBegin = i
          var j = i
          var nextIsQuoted = false
          var pending = 0
          withUnsafeTemporaryAllocation(of: Cell.self, capacity: 32) { cells in
            while j < n {
              let b = p[j]
              if b > maxSpecial { j &+= 1; continue }
              if b == d0 {
                if pending == cells.count {
                  row.cells.append(contentsOf: UnsafeBufferPointer(rebasing: cells[0..<pending]))
                  pending = 0
                }
                cells.initializeElement(at: pending, to: Cell(column: Int32(truncatingIfNeeded: column), kind: .string,
                                      textStart: Int32(truncatingIfNeeded: base &+ fieldBegin),
                                      textLength: Int32(truncatingIfNeeded: j &- fieldBegin)))
                pending &+= 1
                column &+= 1
                j &+= 1
                fieldBegin = j
                if j < n && p[j] == q { nextIsQuoted = true; break }
                continue
              }
              if b == cr || b == lf { break }
              j &+= 1
            }
            if pending > 0 { row.cells.append(contentsOf: UnsafeBufferPointer(rebasing: cells[0..<pending])) }
          }
          if j > spanStart {
            row.bytes.append(contentsOf: UnsafeBufferPointer(start: p + spanStart, count: j &- spanStart))
            prevCR = false
          }
          fieldStart = base &+ fieldBegin
          i = j
          if nextIsQuoted || (i == n && fieldBegin == n) {
            // The next field starts with a quote, or is still to come in the next input.
            state = .startField
          } else if i == n {
            state = .unquoted
          } else {
            // A line break ends the last field and the record.
            let b = p[i]
            i &+= 1
            endField(&row)
            countLineBreak(b)
            state = .startRecord
            return Progress(consumed: i, recordEnded: true)
          }
        } else {
          state = .unquoted
        }

      case .unquoted:
        var j = i
        while j < n {
          let b = p[j]
          if b > maxSpecial { j &+= 1; continue }
          if b == d0 || b == cr || b == lf { break }
          j &+= 1
        }
        if j > i {
          row.bytes.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j &- i))
          prevCR = false
        }
        i = j
        if i == n { break }
        let b = p[i]
        i &+= 1
        if b == d0 {
          if delimiterLength == 1 {
            endField(&row)
            state = .startField
          } else {
            partial = 1
            state = .delimiterPart
          }
          prevCR = false
        } else {
          endField(&row)
          countLineBreak(b)
          state = .startRecord
          return Progress(consumed: i, recordEnded: true)
        }

      case .quoted:
        var j = i
        while j < n {
          let b = p[j]
          if b > maxSpecial { j &+= 1; continue }
          if b == q || b == cr || b == lf { break }
          j &+= 1
        }
        if j > i {
          row.bytes.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j &- i))
          prevCR = false
        }
        i = j
        if i == n { break }
        let b = p[i]
        i &+= 1
        if b == q {
          state = .quoteInQuoted
          prevCR = false
        } else {
          row.bytes.append(b)
          countLineBreak(b)
        }

      case .quoteInQuoted:
        let b = p[i]
        if b == q {
          row.bytes.append(q)
          state = .quoted
          i &+= 1
        } else if b == cr || b == lf {
          i &+= 1
          endField(&row)
          countLineBreak(b)
          state = .startRecord
          return Progress(consumed: i, recordEnded: true)
        } else if b == d0 && delimiterLength == 1 {
          i &+= 1
          endField(&row)
          state = .startField
        } else {
          // Data after a closing quote (or the start of a multi-byte delimiter): continue unquoted.
          state = .unquoted
        }

      case .delimiterPart:
        let b = p[i]
        if b == delimiterByte(partial) {
          partial &+= 1
          i &+= 1
          if partial == delimiterLength {
            partial = 0
            endField(&row)
            state = .startField
          }
        } else {
          for k in 0..<partial { row.bytes.append(delimiterByte(k)) }
          partial = 0
          state = .unquoted
        }
      }
    }
    return Progress(consumed: n, recordEnded: false)
  }

  /// Closes the record in progress at end of input; returns true when `row` holds a final record.
  ///
  /// A record is open when any byte of it was seen after the last line break, including an
  /// unterminated quoted field (kept, as Python's non-strict reader does).
  public mutating func finish(into row: inout Row) -> Bool {
    switch state {
    case .startRecord:
      return false
    case .delimiterPart:
      for k in 0..<partial { row.bytes.append(delimiterByte(k)) }
      partial = 0
      endField(&row)
    case .startField, .unquoted, .quoted, .quoteInQuoted:
      endField(&row)
    }
    state = .startRecord
    prevCR = false
    return true
  }
}

import CFB
import Tabular

/// BIFF record identifiers ([MS-XLS] §2.3; BIFF5 uses the same numbers for these).
enum RecordID {
  static let bof: UInt16 = 0x0809
  static let eof: UInt16 = 0x000A
  static let boundSheet: UInt16 = 0x0085
  static let codePage: UInt16 = 0x0042
  static let dateMode: UInt16 = 0x0022
  static let filePass: UInt16 = 0x002F
  static let format: UInt16 = 0x041E
  static let xf: UInt16 = 0x00E0
  static let sst: UInt16 = 0x00FC
  static let continueRecord: UInt16 = 0x003C
  static let labelSST: UInt16 = 0x00FD
  static let label: UInt16 = 0x0204
  static let rString: UInt16 = 0x00D6
  static let number: UInt16 = 0x0203
  static let rk: UInt16 = 0x027E
  static let mulRK: UInt16 = 0x00BD
  static let boolErr: UInt16 = 0x0205
  static let formula: UInt16 = 0x0006
  static let string: UInt16 = 0x0207
  static let row: UInt16 = 0x0208
  static let mergedCells: UInt16 = 0x00E5
  static let dimensions: UInt16 = 0x0200
  // BOF records of BIFF2, BIFF3 and BIFF4 (a bare stream from Excel 2.x–4.0).
  static let bof2: UInt16 = 0x0009
  static let bof3: UInt16 = 0x0209
  static let bof4: UInt16 = 0x0409
}

/// Reads BIFF records one at a time from a stream: a 4-byte header (id, length), then the body.
///
/// The body stays in the stream's buffer until the next call: `body` gives a view of it, no copy.
struct RecordReader {
  let stream: CFBStream
  let file: String?
  /// The current record's id, length and stream offset (of its header).
  var id: UInt16 = 0
  var length = 0
  var offset = 0
  private var pending = 0

  init(stream: CFBStream, file: String?) {
    self.stream = stream
    self.file = file
  }

  /// Reads the next record's header and makes its body available; false at the end of the stream.
  @inline(__always)
  mutating func next() throws(XLSReadError) -> Bool {
    do {
      if pending > 0 { try stream.skip(pending); pending = 0 }
      if stream.remaining < 4 { return false }
      if !(try stream.ensure(4)) { return false }
      let (i, n) = stream.withBytes(4) { b in
        (UInt16(b[0]) | UInt16(b[1]) << 8, Int(b[2]) | Int(b[3]) << 8)
      }
      offset = stream.position
      try stream.skip(4)
      guard n <= stream.remaining, try stream.ensure(n) else {
        throw XLSReadError(code: .record, location: location,
                           detail: "record 0x\(hex(i)) at byte \(offset) declares \(n) bytes but the stream has only "
                             + "\(stream.remaining) left (the file is truncated)")
      }
      id = i
      length = n
      pending = n
      return true
    } catch let e as CFBError {
      throw XLSReadError.container(e, file: file)
    } catch let e as XLSReadError {
      throw e
    } catch {
      throw XLSReadError(code: .record, location: location, detail: "\(error)")
    }
  }

  /// The id of the record after the current one, without moving; nil at the end of the stream.
  mutating func peekNextID() throws(XLSReadError) -> UInt16? {
    do {
      guard stream.remaining >= pending + 4, try stream.ensure(pending + 4) else { return nil }
    } catch { throw XLSReadError.container(error, file: file) }
    let p = pending
    return stream.withBytes(p + 4) { b in UInt16(b[p]) | UInt16(b[p + 1]) << 8 }
  }

  /// Calls `body` with the current record's body.
  @inline(__always)
  func body<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(stream.bytes(length))
  }

  /// The current record's body, valid until the next record is read.
  @inline(__always)
  var bytes: UnsafeRawBufferPointer { stream.bytes(length) }

  /// Moves to stream offset `target` (a BOUNDSHEET's BOF).
  mutating func seek(to target: Int) throws(XLSReadError) {
    pending = 0
    do { try stream.seek(to: target) } catch { throw XLSReadError.container(error, file: file) }
  }

  /// The place of the current record.
  var location: SourceLocation { SourceLocation(file: file, entry: stream.name, byteOffset: offset) }

  /// A damaged-record error at the current record.
  func damaged(_ what: String, sheet: String? = nil, row: Int? = nil, column: Int? = nil) -> XLSReadError {
    XLSReadError(code: .record,
                 location: SourceLocation(file: file, sheet: sheet, entry: stream.name, row: row, column: column, byteOffset: offset),
                 detail: "\(recordName(id)) record at byte \(offset): \(what)")
  }
}

func hex(_ v: UInt16) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// The record's name as [MS-XLS] spells it, for messages.
func recordName(_ id: UInt16) -> String {
  switch id {
  case RecordID.bof: return "BOF"
  case RecordID.boundSheet: return "BOUNDSHEET"
  case RecordID.sst: return "SST"
  case RecordID.continueRecord: return "CONTINUE"
  case RecordID.labelSST: return "LABELSST"
  case RecordID.label: return "LABEL"
  case RecordID.rString: return "RSTRING"
  case RecordID.number: return "NUMBER"
  case RecordID.rk: return "RK"
  case RecordID.mulRK: return "MULRK"
  case RecordID.boolErr: return "BOOLERR"
  case RecordID.formula: return "FORMULA"
  case RecordID.string: return "STRING"
  case RecordID.mergedCells: return "MERGEDCELLS"
  case RecordID.format: return "FORMAT"
  case RecordID.xf: return "XF"
  case RecordID.row: return "ROW"
  default: return "0x" + hex(id)
  }
}

extension UnsafeRawBufferPointer {
  @inline(__always) func u16(_ o: Int) -> Int { Int(self[o]) | Int(self[o + 1]) << 8 }
  @inline(__always) func u32(_ o: Int) -> UInt32 {
    UInt32(self[o]) | UInt32(self[o + 1]) << 8 | UInt32(self[o + 2]) << 16 | UInt32(self[o + 3]) << 24
  }
  @inline(__always) func f64(_ o: Int) -> Double {
    Double(bitPattern: UInt64(u32(o)) | UInt64(u32(o + 4)) << 32)
  }
}

/// The value of an RK number ([MS-XLS] §2.5.217): a 30-bit integer or the top 30 bits of a
/// double, optionally divided by 100.
@inline(__always)
func rkValue(_ rk: UInt32) -> Double {
  var v: Double
  if rk & 2 != 0 {
    v = Double(Int32(bitPattern: rk) >> 2)
  } else {
    v = Double(bitPattern: UInt64(rk & 0xFFFF_FFFC) << 32)
  }
  if rk & 1 != 0 { v /= 100 }
  return v
}

/// The text of a BIFF error code ([MS-XLS] §2.5.10 BErr).
func errorText(_ code: UInt8) -> String {
  switch code {
  case 0x00: return "#NULL!"
  case 0x07: return "#DIV/0!"
  case 0x0F: return "#VALUE!"
  case 0x17: return "#REF!"
  case 0x1D: return "#NAME?"
  case 0x24: return "#NUM!"
  case 0x2A: return "#N/A"
  case 0x2B: return "#GETTING_DATA"
  default: return "#N/A"
  }
}

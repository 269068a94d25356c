import ByteIO
import Tabular

/// Writes rows as CSV to a file (atomically: temp file + rename) or to a sink closure.
///
/// Minimal quoting: a field is quoted when it contains the delimiter, a quote, CR or LF, when it
/// starts or ends with a space or tab, or when it is the only field of a record and empty (so it
/// is not read back as a blank line). Quotes inside are doubled. With `safe` on, a field starting
/// with `=` `+` `-` `@`, tab, CR or their full-width forms `＝ ＋ － ＠` gets a leading `'` so that
/// spreadsheet programs do not run it as a formula.
///
/// ```swift
/// let w = try CSVWriter(path: "汇总.csv", options: .init(bom: true, safe: true))
/// try w.write(fields: ["序号", "姓名"])
/// try w.finish()
/// ```
///
/// Memory: one 64 KiB UTF-8 buffer plus one transcoding buffer when the encoding is not UTF-8 (and, for
/// a file, ByteIO's 4 KiB file buffer: full 64 KiB flushes go straight to the file).
/// A file is written through ByteIO's `AtomicFileWriter`: the destination appears only when `finish()`
/// succeeds (flush, `fsync`, rename, `fsync` of the folder); an error or dropping the writer unfinished
/// removes the temporary file.
public final class CSVWriter {
  /// Output options.
  public struct Options: Sendable {
    /// Output encoding: `utf-8` (default), `gb18030`, or any name iconv knows.
    public var encoding: String
    /// Write a UTF-8 BOM (Excel needs it to open Chinese UTF-8 correctly). Only for UTF-8.
    public var bom: Bool
    /// The field delimiter.
    public var delimiter: Unicode.Scalar
    /// The record terminator.
    public var lineEnding: CSVLineEndings
    /// Neutralise formula injection (see the type's documentation).
    public var safe: Bool

    public init(encoding: String = "utf-8", bom: Bool = false, delimiter: Unicode.Scalar = ",",
                lineEnding: CSVLineEndings = .crlf, safe: Bool = false) {
      self.encoding = encoding
      self.bom = bom
      self.delimiter = delimiter
      self.lineEnding = lineEnding
      self.safe = safe
    }
  }

  private enum Target {
    case file(AtomicFileWriter)
    case sink((UnsafeRawBufferPointer) throws -> Void)
  }

  private let target: Target
  private let name: String
  private let options: Options
  private let converter: Iconv?
  private var buffer: [UInt8] = []
  private var converted: [UInt8] = []
  private let delimiterBytes: [UInt8]
  private let eol: [UInt8]
  private var records = 0
  private var closed = false
  private static let flushThreshold = 64 * 1024

  /// Creates a writer whose output replaces `path` when `finish()` succeeds.
  /// - Throws: `CSVWriteError` when the encoding is unknown or the temporary file cannot be created.
  public convenience init(path: String, options: Options = Options()) throws(CSVWriteError) {
    let converter = try Self.makeConverter(options, name: path)
    let file: AtomicFileWriter
    do {
      file = try AtomicFileWriter(path: path, bufferSize: 4096)
    } catch {
      throw CSVWriteError(code: .cannotCreate, file: path,
                          detail: "cannot create a temporary file next to it (\(error.reason)); check that the folder exists and is writable")
    }
    self.init(target: .file(file), name: path, options: options, converter: converter)
  }

  /// Creates a writer that hands encoded bytes to `sink`; `name` appears in errors.
  public convenience init(name: String, options: Options = Options(),
                          sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws(CSVWriteError) {
    let converter = try Self.makeConverter(options, name: name)
    self.init(target: .sink(sink), name: name, options: options, converter: converter)
  }

  private init(target: Target, name: String, options: Options, converter: Iconv?) {
    self.target = target
    self.name = name
    self.options = options
    self.converter = converter
    var d: [UInt8] = []
    UTF8.encode(options.delimiter) { d.append($0) }
    delimiterBytes = d
    eol = options.lineEnding.bytes
    buffer.reserveCapacity(Self.flushThreshold + 4096)
    if converter == nil && options.bom { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
  }

  private static func makeConverter(_ options: Options, name: String) throws(CSVWriteError) -> Iconv? {
    let key = String(options.encoding.lowercased().map { $0 == "_" ? "-" : $0 })
    if key == "utf-8" || key == "utf8" || key == "utf-8-sig" { return nil }
    let cname = key == "latin-1" || key == "latin1" ? "ISO-8859-1" : options.encoding
    guard let cv = Iconv(from: "UTF-8", to: cname) else {
      throw CSVWriteError(code: .unknownEncoding, file: name,
                          detail: "the encoding '\(options.encoding)' is not known; use UTF-8, GB18030 or another name iconv knows")
    }
    return cv
  }

  /// Writes one record from strings.
  public func write(fields: [String]) throws(CSVWriteError) {
    try checkOpen()
    for (i, f) in fields.enumerated() {
      if i > 0 { buffer.append(contentsOf: delimiterBytes) }
      var s = f
      s.withUTF8 { appendField($0, onlyField: fields.count == 1) }
    }
    try endRecord()
  }

  /// Writes one record from a row: every column from 0 to the row's width, blank columns empty.
  public func write(_ row: Row) throws(CSVWriteError) {
    try checkOpen()
    let width = row.width
    var ci = 0
    row.bytes.withUnsafeBufferPointer { all in
      for col in 0..<width {
        if col > 0 { buffer.append(contentsOf: delimiterBytes) }
        while ci < row.cells.count && Int(row.cells[ci].column) < col { ci += 1 }
        if ci < row.cells.count && Int(row.cells[ci].column) == col {
          let c = row.cells[ci]
          let s = Int(c.textStart), e = Int(c.textStart + c.textLength)
          if s >= 0, e <= all.count, s <= e {
            appendField(UnsafeBufferPointer(rebasing: all[s..<e]), onlyField: width == 1)
          }
        } else if width == 1 {
          appendField(UnsafeBufferPointer(start: nil, count: 0), onlyField: true)
        }
      }
    }
    try endRecord()
  }

  /// Flushes everything and, for a file, renames the temporary file over the destination.
  public func finish() throws(CSVWriteError) {
    try checkOpen()
    do throws(CSVWriteError) {
      try flush()
      if case .file(let f) = target {
        do { try f.commit() } catch { throw CSVWriteError(code: .ioError, file: name, detail: Self.detail(error)) }
      }
      closed = true
    } catch {
      closed = true
      throw error
    }
  }

  /// What failed on the file and what to do, for a `CSVWriteError`'s detail.
  private static func detail(_ error: ByteIOError) -> String {
    switch error.code {
    case .write: return "writing failed (\(error.reason)); check free disk space"
    case .sync: return "fsync failed (\(error.reason))"
    case .rename: return "cannot replace the file (\(error.reason)); check permissions"
    default: return error.description
    }
  }

  private func checkOpen() throws(CSVWriteError) {
    if closed { throw CSVWriteError(code: .closed, file: name, detail: "the writer is already finished or failed") }
  }

  private func endRecord() throws(CSVWriteError) {
    buffer.append(contentsOf: eol)
    records += 1
    if buffer.count >= Self.flushThreshold {
      do throws(CSVWriteError) { try flush() } catch { closed = true; throw error }
    }
  }

  private func needsQuotes(_ f: UnsafeBufferPointer<UInt8>, onlyField: Bool) -> Bool {
    guard let first = f.first, let last = f.last else { return onlyField }
    if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
    let d0 = delimiterBytes[0]
    for (i, b) in f.enumerated() where b == 0x22 || b == 0x0D || b == 0x0A || b == d0 {
      if b != d0 || delimiterBytes.count == 1 { return true }
      if i + delimiterBytes.count <= f.count && Array(f[i..<i + delimiterBytes.count]) == delimiterBytes { return true }
    }
    return false
  }

  private func isFormulaStart(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let b = f.first else { return false }
    switch b {
    case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: return true
    case 0xEF:
      // ＝ U+FF1D, ＋ U+FF0B, － U+FF0D, ＠ U+FF20: EF BC 9D / 8B / 8D, EF BC A0.
      return f.count >= 3 && f[1] == 0xBC && (f[2] == 0x9D || f[2] == 0x8B || f[2] == 0x8D || f[2] == 0xA0)
    default: return false
    }
  }

  private func appendField(_ f: UnsafeBufferPointer<UInt8>, onlyField: Bool) {
    let prefix = options.safe && isFormulaStart(f)
    let quote = needsQuotes(f, onlyField: onlyField && !prefix) || (prefix && (f.last == 0x20 || f.last == 0x09))
    if quote { buffer.append(0x22) }
    if prefix { buffer.append(0x27) }
    if quote {
      var start = 0
      for (i, b) in f.enumerated() where b == 0x22 {
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: f[start...i]))
        buffer.append(0x22)
        start = i + 1
      }
      buffer.append(contentsOf: UnsafeBufferPointer(rebasing: f[start...]))
      buffer.append(0x22)
    } else {
      buffer.append(contentsOf: f)
    }
  }

  private func flush() throws(CSVWriteError) {
    guard !buffer.isEmpty else { return }
    if let cv = converter {
      if converted.count < buffer.count * 4 + 16 { converted = [UInt8](repeating: 0, count: buffer.count * 4 + 16) }
      var consumed = 0
      var produced = 0
      var stop: Iconv.Stop?
      buffer.withUnsafeBytes { input in
        converted.withUnsafeMutableBytes { out in
          while consumed < input.count {
            let step = cv.convert(UnsafeRawBufferPointer(rebasing: input[consumed...]),
                                  into: UnsafeMutableRawBufferPointer(rebasing: out[produced...]))
            consumed += step.consumed
            produced += step.produced
            if step.stop != nil { stop = step.stop; break }
          }
        }
      }
      if stop != nil {
        let bad = buffer.withUnsafeBufferPointer { b -> String in
          let end = min(consumed + 4, b.count)
          return String(decoding: UnsafeBufferPointer(rebasing: b[consumed..<end]), as: UTF8.self)
        }
        let record = records - buffer[consumed...].filter { $0 == eol.last }.count + 1
        throw CSVWriteError(code: .unencodable, file: name, record: record,
                            detail: "the text '\(bad.prefix(1))' cannot be written in \(options.encoding); write UTF-8 instead")
      }
      try emit(converted, count: produced)
    } else {
      try emit(buffer, count: buffer.count)
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private func emit(_ bytes: [UInt8], count: Int) throws(CSVWriteError) {
    switch target {
    case .file(let f):
      var failure: ByteIOError?
      bytes.withUnsafeBytes { b in
        do throws(ByteIOError) { try f.write(UnsafeRawBufferPointer(rebasing: b[0..<count])) } catch { failure = error }
      }
      if let failure { throw CSVWriteError(code: .ioError, file: name, detail: Self.detail(failure)) }
    case .sink(let sink):
      do {
        try bytes.withUnsafeBytes { b in try sink(UnsafeRawBufferPointer(rebasing: b[0..<count])) }
      } catch {
        throw CSVWriteError(code: .ioError, file: name, detail: "the output sink failed: \(error)")
      }
    }
  }
}

import ByteIO
import Glibc
import Tabular

/// A record whose field count differs from the header's (the first record's).
public struct CSVRaggedRecord: Hashable, Sendable {
  /// Zero-based record index (the header is record 0).
  public var index: Int
  /// 1-based physical line where the record starts.
  public var line: Int
  /// Number of fields in the record.
  public var width: Int

  public init(index: Int, line: Int, width: Int) {
    self.index = index
    self.line = line
    self.width = width
  }
}

/// Reads a CSV file as rows of `.string` cells: detects the encoding and dialect, transcodes to
/// UTF-8 in chunks and tokenizes, one record per `nextRow(into:)` call.
///
/// Every field becomes a cell, empty ones as empty strings, so `cells[i].column == i`. A blank
/// line is a record with no cells. `row.index` is the record index (0-based) and `row.line` the
/// 1-based physical line where the record starts. Ragged records are returned as they are and
/// counted in `raggedRecordCount` (the first `Options.raggedRecordLimit` are listed).
///
/// ```swift
/// var reader = try CSVRowReader(path: "台账.csv")
/// var row = Row()
/// while try reader.nextRow(into: &row) { print(row.text(0)) }
/// ```
///
/// Memory: one read buffer (256 KiB), one transcoding buffer when the file is not UTF-8 (1 MiB),
/// the caller's row and a 94 KiB GB18030 table shared by all readers: constant in the file size.
///
/// - Throws: `CSVReadError` when the file cannot be opened or read, when the encoding override
///   is unknown, and at the first byte sequence that does not decode (rows before it are returned first).
public struct CSVRowReader: RowSource {
  /// Reading options.
  public struct Options: Sendable {
    /// An encoding name iconv knows (`GBK`, `Shift_JIS`, `latin-1`…), or nil to detect.
    public var encoding: String?
    /// The delimiter, or nil to sniff among `,` `;` tab `|`. Pass `CSVDialect.fullWidthComma` for `，`.
    public var delimiter: Unicode.Scalar?
    /// How many ragged records to list in `raggedRecords` (all are counted).
    public var raggedRecordLimit: Int
    /// Read buffer size in bytes (tests use small sizes to exercise chunk boundaries).
    public var bufferSize: Int

    public init(encoding: String? = nil, delimiter: Unicode.Scalar? = nil, raggedRecordLimit: Int = 100,
                bufferSize: Int = 256 * 1024) {
      self.encoding = encoding
      self.delimiter = delimiter
      self.raggedRecordLimit = raggedRecordLimit
      self.bufferSize = bufferSize
    }
  }

  /// The file name used in error locations.
  public let fileName: String
  /// The encoding (detected, or the override's name).
  public let encoding: String
  /// The full detected or named encoding.
  public let detectedEncoding: CSVEncoding
  /// True when the file starts with a byte-order mark.
  public let hasBOM: Bool
  /// The field delimiter.
  public let delimiter: Unicode.Scalar
  /// The dominant line ending in the first 64 KiB of text.
  public let lineEndings: CSVLineEndings
  /// Fields in the first record (the header), once it has been read.
  public private(set) var headerWidth: Int?
  /// Records read so far.
  public private(set) var recordCount = 0
  /// Records read so far whose width differs from `headerWidth` (blank lines excluded).
  public private(set) var raggedRecordCount = 0
  /// The first ragged records (up to `Options.raggedRecordLimit`).
  public private(set) var raggedRecords: [CSVRaggedRecord] = []

  private var tokenizer: CSVTokenizer
  private let engine: ReadEngine
  private let raggedLimit: Int

  /// Opens `path` for reading. Reads the first chunk to detect the encoding and dialect.
  public init(path: String, options: Options = Options()) throws(CSVReadError) {
    let input: FileSource
    do {
      input = try FileSource(path: path)
    } catch {
      let code: CSVReadError.Code = error.errno == ENOENT ? .fileNotFound : .cannotOpen
      let detail = error.errno == EISDIR ? "the path is not a regular file (a folder, a pipe or a device), not a CSV file"
        : "cannot open the file (\(error.reason)); check the path and its permissions"
      throw CSVReadError(code: code, location: SourceLocation(file: path), detail: detail)
    }
    try self.init(source: .file(input), name: path, options: options)
  }

  /// Reads CSV from bytes in memory (tests, small inputs); `name` appears in error locations.
  public init(bytes: [UInt8], name: String = "<memory>", options: Options = Options()) throws(CSVReadError) {
    try self.init(source: .memory(bytes), name: name, options: options)
  }

  private init(source: ReadEngine.Source, name: String, options: Options) throws(CSVReadError) {
    fileName = name
    raggedLimit = options.raggedRecordLimit
    let engine = ReadEngine(source: source, name: name, bufferSize: max(options.bufferSize, 16))
    try engine.fillRaw()
    let prefix = UnsafeRawBufferPointer(rebasing: engine.rawBytes[0..<min(engine.rawEnd, 64 * 1024)])
    var enc: CSVEncoding
    if let override = options.encoding {
      guard var named = CSVEncoding.named(override) else {
        throw CSVReadError(code: .unknownEncoding, location: SourceLocation(file: name),
                           detail: "the encoding '\(override)' is not known; use a name such as UTF-8, GB18030, GBK, Shift_JIS or latin-1")
      }
      if named.decoding == .utf8, prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF {
        named.bomLength = 3
      }
      enc = named
    } else {
      enc = CSVEncoding.detect(prefix, isWholeFile: engine.sourceExhausted)
    }
    detectedEncoding = enc
    encoding = enc.name
    hasBOM = enc.bomLength > 0
    try engine.start(encoding: enc)
    try engine.decodeNext()
    let sample = engine.sample(maxBytes: 64 * 1024)
    delimiter = options.delimiter ?? CSVDialect.sniffDelimiter(sample)
    lineEndings = CSVDialect.detectLineEndings(sample)
    tokenizer = CSVTokenizer(delimiter: delimiter)
    self.engine = engine
  }

  /// Fills `row` with the next record and returns true, or returns false at the end of the file.
  ///
  /// - Throws: `CSVReadError` (`.encodingError` with the byte offset and line, or `.ioError`).
  public mutating func nextRow(into row: inout Row) throws -> Bool {
    try next(into: &row)
  }

  /// `nextRow(into:)` with a typed error.
  public mutating func next(into row: inout Row) throws(CSVReadError) -> Bool {
    row.removeAll()
    while true {
      if engine.windowPos < engine.windowEnd {
        let chunk = UnsafeRawBufferPointer(rebasing: engine.window[engine.windowPos..<engine.windowEnd])
        let progress = tokenizer.feed(chunk, into: &row)
        engine.windowPos += progress.consumed
        if progress.recordEnded { finishRecord(&row); return true }
        continue
      }
      if var error = engine.pendingError {
        error.location.line = tokenizer.line
        engine.pendingError = nil
        engine.failed = true
        throw error
      }
      if engine.failed { return false }
      if engine.finished {
        if tokenizer.finish(into: &row) { finishRecord(&row); return true }
        return false
      }
      try engine.decodeNext()
    }
  }

  private mutating func finishRecord(_ row: inout Row) {
    row.index = recordCount
    row.line = tokenizer.recordLine
    let width = row.cells.count
    if let h = headerWidth {
      if width != h && width != 0 {
        raggedRecordCount += 1
        if raggedRecords.count < raggedLimit {
          raggedRecords.append(CSVRaggedRecord(index: recordCount, line: row.line, width: width))
        }
      }
    } else if width > 0 {
      headerWidth = width
    }
    recordCount += 1
  }
}

import ByteIO
import CSV
import Foundation
import Intake
import Mail
import Schema
import Tabular
import XLSReader
import XMLStream
import ZIP

/// The parsers that read bytes from outside the bureau, each as one function from arbitrary bytes to
/// "read or refused". A target may throw (a refusal is the right answer to most inputs); it must not
/// crash, hang or allocate without bound. `SheetFuzz` drives these under libFuzzer (`scripts/fuzz.sh`),
/// and `FuzzTests` replays every input that once crashed one of them.
public enum FuzzTargets {
  /// Target names, in the order `scripts/fuzz.sh` runs them.
  public static let names = ["zip", "xml", "workbook", "csv", "schema-yaml", "schema-json", "rules", "mime", "xls"]

  /// Runs target `name` on `bytes`. Returns false for an unknown name.
  @discardableResult
  public static func run(_ name: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
    switch name {
    case "zip": zip(bytes)
    case "xml": xml(bytes)
    case "workbook": workbook(bytes)
    case "csv": csv(bytes)
    case "schema-yaml", "schema-json": schema(bytes)
    case "rules": rules(bytes)
    case "mime": mime(bytes)
    case "xls": _ = try? XLSWorkbook.readAll(bytes: Array(bytes))
    default: return false
    }
    return true
  }

  /// Small caps so that a fuzzer's input cannot ask for gigabytes: the limits users get by default are
  /// tested elsewhere; here the point is that every limit is enforced, not how large it is.
  static let zipLimits = ZIPLimits(maxEntryBytes: 8 << 20, maxArchiveBytes: 32 << 20, maxEntries: 2_000)

  /// The ZIP container: the central directory, then every entry inflated to its end.
  static func zip(_ bytes: UnsafeRawBufferPointer) {
    guard let archive = try? ZIPArchive(source: MemorySource(Array(bytes)), name: "fuzz.zip", limits: zipLimits)
    else { return }
    for entry in archive.entries.prefix(64) {
      _ = try? archive.readAll(entry)
    }
  }

  /// XMLStream: every event to the end of the document.
  static func xml(_ bytes: UnsafeRawBufferPointer) {
    let reader = XMLEventReader(entry: "fuzz.xml", bytes: Array(bytes), chunkSize: 4096)
    var events = 0
    while events < 1_000_000, let kind = try? reader.nextEvent() {
      if kind == .endDocument { break }
      if kind == .text { _ = reader.textString }
      events += 1
    }
  }

  /// `xls`: the Compound File container and the BIFF8/BIFF5 records of a legacy workbook, every row of
  /// every worksheet (`XLSWorkbook.readAll`).

  /// A whole workbook (or CSV, or whatever the sniffer makes of it) through Intake: opened by its bytes,
  /// every sheet walked, each table recognised against the built-in ledgers and read to its last row.
  static func workbook(_ bytes: UnsafeRawBufferPointer) {
    let path = scratchFile(bytes)
    defer { unlink(path) }
    var options = OpenedFile.Options()
    options.zipLimits = zipLimits
    guard let file = try? OpenedFile.open(path: path, options: options) else { return }
    var drain = DrainSheets()
    try? file.walk(&drain)
    var tables = DrainTables()
    try? file.walkTables(ledgers, visitor: &tables)
  }

  /// The CSV reader with transcoding: the encoding is sniffed; the first byte also picks a forced
  /// encoding so that GBK and GB18030 decoding see arbitrary bytes too.
  static func csv(_ bytes: UnsafeRawBufferPointer) {
    var options = CSVRowReader.Options()
    if let first = bytes.first {
      options.encoding = [nil, "gbk", "gb18030", "utf-16le", "big5", nil][Int(first) % 6]
      options.delimiter = [nil, ",", "\t", ";"][Int(first >> 4) % 4]
    }
    guard var reader = try? CSVRowReader(bytes: Array(bytes), name: "fuzz.csv", options: options) else { return }
    var row = Row()
    var n = 0
    while n < 1_000_000, (try? reader.next(into: &row)) == true { n += 1 }
  }

  /// The schema loader (YAML and JSON: Yams reads both) and, when it loads, its validator built once.
  static func schema(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? TableSchema(yaml: text, file: "fuzz.yaml")
  }

  /// The rule-expression language: the input is one rule's expression in a schema with a field of each
  /// type; when it compiles, it is evaluated on rows of nulls, numbers, text and dates.
  static func rules(_ bytes: UnsafeRawBufferPointer) {
    let expression = String(decoding: bytes, as: UTF8.self)
    var escaped = ""
    for u in expression.unicodeScalars {
      switch u {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case _ where u.value < 0x20: escaped += String(format: "\\u%04x", u.value)
      default: escaped.unicodeScalars.append(u)
      }
    }
    let json = """
      {"fields": [{"name": "n", "type": "number"}, {"name": "i", "type": "integer"}, {"name": "s", "type": "string"},
                  {"name": "d", "type": "date"}, {"name": "b", "type": "boolean"}],
       "rules": [{"name": "r", "expression": "\(escaped)"}]}
      """
    guard let schema = try? TableSchema(yaml: json, file: "fuzz.json") else { return }
    let date = LocalDate(year: 2023, month: 2, day: 28).map(TypedValue.date) ?? .null
    let rows: [[TypedValue]] = [
      [.null, .null, .null, .null, .null],
      [.decimal(ExactDecimal(7)), .integer(-3), .string("乌审旗"), date, .boolean(true)],
      [.decimal(ExactDecimal(0)), .integer(Int64.max), .string(""), date, .boolean(false)],
    ]
    for rule in schema.rules {
      for row in rows where row.count == schema.fields.count { _ = rule.check(row) }
    }
  }

  /// MIME: the message, its parts, forwarded messages and ZIP attachments, and every attachment's name.
  static func mime(_ bytes: UnsafeRawBufferPointer) {
    var limits = MailLimits.default
    limits.maxMessageBytes = 8 << 20
    guard let message = try? MailMessage.parse(bytes, limits: limits) else { return }
    for a in message.attachments { _ = a.fileName.utf8.count + a.bytes.count }
    _ = message.subject?.utf8.count
  }

  static let ledgers = Ledgers(schemas: BuiltinSchemas.names.compactMap { try? BuiltinSchemas.load(named: $0) })

  /// The workbook target reads through the same file-based path users run, from a file in /dev/shm
  /// (or the temporary folder) named after the process, rewritten for each input.
  static func scratchFile(_ bytes: UnsafeRawBufferPointer) -> String {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = "\(folder)/sheetgate-fuzz-\(getpid())"
    let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    if fd >= 0 {
      var off = 0
      while off < bytes.count {
        let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
        if n <= 0 { break }
        off += n
      }
      close(fd)
    }
    return path
  }
}

struct DrainSheets: SheetVisitor {
  mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
    var row = Row()
    var n = 0
    while n < 2_000_000, try sheet.rows.nextRow(into: &row) { n += 1 }
    return true
  }
}

struct DrainTables: TableVisitor {
  mutating func visit<Rows: RowSource>(_ table: inout TableInput<Rows>) throws -> Bool {
    var row = Row()
    var n = 0
    while n < 2_000_000, try table.reader.nextRow(into: &row) { n += 1 }
    _ = table.recognitionDiagnostics()
    return true
  }
}

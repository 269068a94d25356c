import Foundation
import Tabular

/// What a file really is, decided by its bytes, never by its extension (DESIGN.md §2).
public enum InputFormat: Equatable, Sendable {
  /// An OOXML workbook in a ZIP container (.xlsx, .xlsm, .xltx — whatever it is named).
  case xlsx
  /// Delimited text (CSV/TSV) in some text encoding.
  case csv
}

/// Why a file cannot be read, with the text a clerk or filer needs: what it is and what to do.
///
/// Every problem names the file; cell- or entry-level problems carry a `SourceLocation` too.
/// The CLI exits with 3 for these (DESIGN.md §9).
public struct InputProblem: Error, CustomStringConvertible, Sendable {
  /// Stable slug, shared with the diagnostics catalog (`legacy-xls`, `encrypted-workbook`…).
  public var code: String
  public var file: String
  public var location: SourceLocation?
  /// English explanation including what to do.
  public var message: String
  /// Chinese explanation including what to do (for the clerk and the agencies).
  public var messageZH: String

  public init(code: String, file: String, location: SourceLocation? = nil, message: String, messageZH: String) {
    self.code = code; self.file = file; self.location = location; self.message = message; self.messageZH = messageZH
  }

  public var description: String { "\(file): \(message)" }

  /// The message in the requested language.
  public func text(chinese: Bool) -> String {
    let place = location.map { $0.description } ?? file
    return chinese ? "\(place)：\(messageZH)" : "\(place): \(message)"
  }
}

/// Decides a file's format from its first bytes.
public enum Sniffer {
  /// Reads the file's head and classifies it; throws `InputProblem` for every kind of file
  /// that is not a readable spreadsheet (empty, legacy .xls, encrypted, HTML saved as .xls…).
  public static func sniff(path: String) throws -> InputFormat {
    let name = (path as NSString).lastPathComponent
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw InputProblem(code: "file-not-found", file: path,
                         message: "no such file; check the path.",
                         messageZH: "找不到该文件，请检查路径。")
    }
    if isDir.boolValue {
      throw InputProblem(code: "not-a-file", file: path, message: "this is a folder, not a file.",
                         messageZH: "这是一个文件夹，不是文件。")
    }
    guard let fh = FileHandle(forReadingAtPath: path) else {
      throw InputProblem(code: "io-error", file: path, message: "cannot open the file for reading (permissions?).",
                         messageZH: "无法打开该文件（请检查文件权限）。")
    }
    defer { try? fh.close() }
    let head = [UInt8]((try? fh.read(upToCount: 8192)) ?? Data())
    return try classify(head: head, name: name, path: path) {
      try? fh.seek(toOffset: 0)
      return [UInt8]((try? fh.read(upToCount: 32 << 20)) ?? Data())
    }
  }

  /// Classifies from the head bytes; `whole` fetches up to 32 MiB when a CFB directory must be read.
  static func classify(head: [UInt8], name: String, path: String, whole: () throws -> [UInt8]) throws -> InputFormat {
    if head.isEmpty {
      throw InputProblem(code: "empty-file", file: path, message: "the file is empty (0 bytes); ask the sender to send it again.",
                         messageZH: "文件为空（0 字节），请联系报送单位重新发送。")
    }
    if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06])
      || head.starts(with: [0x50, 0x4B, 0x07, 0x08]) {
      return .xlsx
    }
    if head.starts(with: CompoundFile.magic) {
      switch CompoundFile.classify(try whole()) {
      case .encryptedPackage:
        throw InputProblem(code: "encrypted-workbook", file: path,
                           message: "the workbook is password-protected (encrypted); ask the sender to remove the password (File › Info › Protect Workbook) and send it again.",
                           messageZH: "该工作簿设置了打开密码（已加密），无法读取。请报送单位在 Excel/WPS 中取消密码（文件 › 信息 › 保护工作簿）后重新报送。")
      case .legacyWorkbook:
        throw InputProblem(code: "legacy-xls", file: path,
                           message: "this is a legacy Excel 97–2003 workbook (.xls, BIFF); open it in Excel or WPS and save it as .xlsx (Excel Workbook), then submit again.",
                           messageZH: "这是旧版 Excel 97-2003 工作簿（.xls），请用 Excel 或 WPS 打开后“另存为” .xlsx（Excel 工作簿）格式再报送。")
      case .other(let streams):
        let list = streams.prefix(5).joined(separator: ", ")
        throw InputProblem(code: "not-a-spreadsheet", file: path,
                           message: "this is an OLE compound file (streams: \(list)), not a workbook; save the table as .xlsx or .csv.",
                           messageZH: "这是 OLE 复合文档（可能是 Word/旧版 Office 文件），不是电子表格。请将表格另存为 .xlsx 或 .csv 后报送。")
      }
    }
    if head.starts(with: Array("%PDF".utf8)) {
      throw InputProblem(code: "not-a-spreadsheet", file: path,
                         message: "this is a PDF document, not a spreadsheet; send the table itself as .xlsx or .csv.",
                         messageZH: "这是 PDF 文件，不是电子表格。请报送 .xlsx 或 .csv 格式的表格原件。")
    }
    let text = asciiLowerPrefix(head)
    if text.contains("<html") || text.contains("<!doctype html") || text.contains("<table") || text.hasPrefix("mime-version:") {
      throw InputProblem(code: "html-disguised", file: path,
                         message: "this is a web page (HTML) saved with a spreadsheet name; open it in Excel or WPS and save it as .xlsx (Excel Workbook), then submit again.",
                         messageZH: "该文件实际是网页（HTML）格式，只是扩展名为表格。请用 Excel 或 WPS 打开后“另存为” .xlsx 格式再报送。")
    }
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet") {
      throw InputProblem(code: "xml-spreadsheet-2003", file: path,
                         message: "this is an XML Spreadsheet 2003 file; open it in Excel or WPS and save it as .xlsx, then submit again.",
                         messageZH: "该文件是 XML 电子表格 2003 格式，请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送。")
    }
    if looksBinary(head) {
      throw InputProblem(code: "not-a-spreadsheet", file: path,
                         message: "this file is neither a workbook (.xlsx) nor a text table (.csv); send the table as .xlsx or .csv.",
                         messageZH: "无法识别该文件：既不是 .xlsx 工作簿，也不是 .csv 文本表格。请以 .xlsx 或 .csv 格式报送。")
    }
    _ = name
    return .csv
  }

  private static func asciiLowerPrefix(_ b: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(min(b.count, 2048))
    var start = 0
    if b.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    for byte in b[start..<min(b.count, 2048)] {
      // Drop NULs so UTF-16 text still matches its ASCII markers.
      if byte == 0 { continue }
      out.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
    }
    return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// True for bytes that are not text in any encoding a CSV could be in: control bytes other
  /// than tab/CR/LF/FF, outside a UTF-16 pattern.
  static func looksBinary(_ b: [UInt8]) -> Bool {
    if b.starts(with: [0xFF, 0xFE]) || b.starts(with: [0xFE, 0xFF]) { return false }
    let n = min(b.count, 4096)
    var zeros = 0
    var controls = 0
    for i in 0..<n {
      let c = b[i]
      if c == 0 { zeros += 1 } else if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D && c != 0x0C { controls += 1 }
    }
    // UTF-16 without BOM: about every other byte is NUL, in a regular pattern.
    if zeros > n / 4 {
      var evenZeros = 0, oddZeros = 0
      for i in 0..<n where b[i] == 0 { if i % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 } }
      if max(evenZeros, oddZeros) > 9 * (evenZeros + oddZeros) / 10 { return false }
      return true
    }
    return controls > n / 20
  }
}

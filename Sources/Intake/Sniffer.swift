import Diagnostics
import Foundation
import Tabular

/// What a file really is, decided by its bytes, never by its extension.
public enum InputFormat: Equatable, Sendable {
  /// An OOXML workbook in a ZIP container (.xlsx, .xlsm, .xltx — whatever it is named).
  case xlsx
  /// Delimited text (CSV/TSV) in some text encoding.
  case csv
  /// A Compound File (OLE2): a legacy Excel 97–2003 / 5.0 workbook (`.xls`, BIFF8/BIFF5) — or an
  /// encrypted `.xlsx` or another Office document, which opening the container tells apart.
  case xls
}

/// Decides a file's format from its first bytes.
public enum Sniffer {
  /// Reads the file's head and classifies it; throws `InputProblem` for every kind of file
  /// that is not a readable spreadsheet (empty, an Excel 2.x–4.0 worksheet, HTML or XML Spreadsheet saved as .xls, PDF…).
  public static func sniff(path: String) throws -> InputFormat {
    let name = (path as NSString).lastPathComponent
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw InputProblem(.fileNotFound, file: path)
    }
    if isDir.boolValue {
      throw InputProblem(.notAFile, file: path)
    }
    guard let fh = FileHandle(forReadingAtPath: path) else {
      throw InputProblem(.cannotOpenFile, file: path)
    }
    defer { try? fh.close() }
    let head = [UInt8]((try? fh.read(upToCount: 8192)) ?? Data())
    return try classify(head: head, name: name, path: path)
  }

  /// The BIFF version (2, 3 or 4) of a bare worksheet stream from Excel 2.x–4.0: a BOF record
  /// (0x0009, 0x0209 or 0x0409, 4–16 bytes long) at byte 0 with a worksheet, chart or macro type.
  static func bareBIFFVersion(_ b: [UInt8]) -> Int? {
    guard b.count >= 8, b[0] == 0x09, b[3] == 0 else { return nil }
    let length = Int(b[2])
    guard length >= 4, length <= 16 else { return nil }
    let type = Int(b[6]) | Int(b[7]) << 8
    guard [0x0010, 0x0020, 0x0040, 0x0100].contains(type) else { return nil }
    switch b[1] {
    case 0x00: return 2
    case 0x02: return 3
    case 0x04: return 4
    default: return nil
    }
  }

  /// Classifies from the head bytes.
  static func classify(head: [UInt8], name: String, path: String) throws -> InputFormat {
    if head.isEmpty {
      throw InputProblem(.emptyFile, file: path)
    }
    if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06])
      || head.starts(with: [0x50, 0x4B, 0x07, 0x08]) {
      return .xlsx
    }
    if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      // The container's directory says what it holds (XLSWorkbook: Workbook/Book, EncryptedPackage, other).
      return .xls
    }
    if let version = bareBIFFVersion(head) {
      throw InputProblem(.excel4Worksheet, file: path, parameters: [DiagnosticParameter("detail", "BIFF\(version)")])
    }
    if head.starts(with: Array("%PDF".utf8)) {
      throw InputProblem(.pdfDocument, file: path)
    }
    let text = asciiLowerPrefix(head)
    if text.contains("<html") || text.contains("<!doctype html") || text.contains("<table") || text.hasPrefix("mime-version:") {
      throw InputProblem(.htmlDisguised, file: path)
    }
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet") {
      throw InputProblem(.xmlSpreadsheet2003, file: path)
    }
    if looksBinary(head) {
      throw InputProblem(.notASpreadsheet, file: path)
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

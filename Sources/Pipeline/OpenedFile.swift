import CSV
import Foundation
import ZIP
import Tabular
import XLSXReader

/// A spreadsheet opened for reading, whatever its format: one job's view of its input.
///
/// `open(path:)` sniffs the bytes (never the extension), opens the workbook or the CSV, and turns
/// every reader error into an `InputProblem` that names the file and says what to do.
public enum OpenedFile {
  case workbook(Workbook)
  case csv(path: String, options: CSVRowReader.Options)

  /// Options that apply when the input turns out to be CSV.
  public struct Options: Sendable {
    public var csvEncoding: String?
    public var csvDelimiter: Unicode.Scalar?
    /// Caps on what a workbook may inflate to (a zip bomb is stopped at the cap, naming the part).
    public var zipLimits: ZIPLimits
    public init(csvEncoding: String? = nil, csvDelimiter: Unicode.Scalar? = nil, zipLimits: ZIPLimits = OpenedFile.configuredLimits) {
      self.csvEncoding = csvEncoding
      self.csvDelimiter = csvDelimiter
      self.zipLimits = zipLimits
    }
  }

  /// The caps in force: the defaults (1 GiB per part, 4 GiB per workbook), or
  /// `SHEETGATE_MAX_PART_MB` / `SHEETGATE_MAX_WORKBOOK_MB` from the environment.
  public static var configuredLimits: ZIPLimits {
    let env = ProcessInfo.processInfo.environment
    var l = ZIPLimits.default
    if let mb = env["SHEETGATE_MAX_PART_MB"].flatMap(UInt64.init), mb > 0 { l.maxEntryBytes = mb << 20 }
    if let mb = env["SHEETGATE_MAX_WORKBOOK_MB"].flatMap(UInt64.init), mb > 0 { l.maxArchiveBytes = mb << 20 }
    return l
  }

  public static func open(path: String, options: Options = Options()) throws -> OpenedFile {
    switch try Sniffer.sniff(path: path) {
    case .xlsx:
      do {
        return .workbook(try Workbook(path: path, limits: options.zipLimits))
      } catch {
        throw InputProblem(error, file: path)
      }
    case .csv:
      let o = CSVRowReader.Options(encoding: options.csvEncoding, delimiter: options.csvDelimiter)
      // Open once now so encoding problems surface before any output is written.
      do { _ = try CSVRowReader(path: path, options: o) } catch { throw InputProblem(error, file: path) }
      return .csv(path: path, options: o)
    }
  }
}

extension InputProblem {
  /// Wraps a reader's error (XLSX, ZIP, CSV) as an input problem with English and Chinese text.
  public init(_ error: Error, file: String) {
    if let p = error as? InputProblem { self = p; return }
    if let x = error as? XLSXReadError {
      let zh: String
      switch x.code {
      case .encrypted: zh = "该工作簿设置了打开密码（已加密），无法读取。请报送单位取消密码后重新报送。"
      case .legacyXLS: zh = "这是旧版 Excel 97-2003 工作簿（.xls），请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送。"
      case .container: zh = "文件已损坏（压缩包结构或校验错误），无法完整读取。请报送单位重新保存并发送。详情：\(x.detail)"
      case .malformedXML: zh = "工作簿内部内容损坏（XML 格式错误）。请用 Excel 或 WPS 打开并重新保存后报送。详情：\(x.detail)"
      case .limitExceeded: zh = "文件超出安全上限（可能是恶意构造的压缩炸弹），已停止读取。详情：\(x.detail)"
      case .notAWorkbook: zh = "该压缩包不是 Excel 工作簿（.xlsx）。请以 .xlsx 或 .csv 格式报送表格。"
      case .temporaryFile:
        zh = "工作簿的共享字符串表较大，需写入临时文件夹，但临时文件无法写入或读取（临时文件夹已满、不可写或磁盘故障）。"
          + "请清理临时文件夹空间，或将环境变量 TMPDIR 设为有足够空间的本地文件夹后重试。详情：\(x.detail)"
      default: zh = "无法读取该工作簿：\(x.detail)"
      }
      self.init(code: x.code.slug, file: file, location: x.location, message: x.detail, messageZH: zh)
      return
    }
    if let c = error as? CSVReadError {
      self.init(code: "csv-\(c.code)", file: file, location: c.location, message: c.detail,
                messageZH: "无法读取该 CSV 文件：\(c.detail)。如为其他编码，请用 --encoding 指定，或另存为 UTF-8 后重试。")
      return
    }
    self.init(code: "unreadable", file: file, message: "\(error)", messageZH: "无法读取：\(error)")
  }
}

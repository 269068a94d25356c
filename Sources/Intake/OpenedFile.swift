import CSV
import Foundation
import Tabular
import XLSXReader
import XLSReader
import XMLStream
import ZIP

/// A spreadsheet opened for reading, whatever its format: the start of every walk.
///
/// ``open(path:options:)`` sniffs the bytes (never the extension), opens the workbook or the CSV,
/// and turns every reader error into an ``InputProblem`` that names the file and says what to do.
/// ``walk(_:sheets:knownAgencies:)`` then hands each sheet to a ``SheetVisitor``, and
/// ``walkTables(_:visitor:knownAgencies:)`` each recognised table to a ``TableVisitor``.
///
/// A new format is one more case here and one more branch in the walk (legacy `.xls` is
/// ``xls(_:)``): the visitors do not change.
public enum OpenedFile {
  case workbook(Workbook)
  /// A legacy Excel workbook (`.xls`, BIFF8/BIFF5 in a Compound File).
  case xls(XLSWorkbook)
  case csv(path: String, options: CSVRowReader.Options)

  /// Options that apply while opening and reading.
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

  /// Opens `path` by its bytes.
  /// - Throws: ``InputProblem`` for a file that is missing, empty, not a spreadsheet, encrypted,
  ///   an Excel 2.x–4.0 worksheet, damaged, or a CSV whose encoding cannot be read.
  public static func open(path: String, options: Options = Options()) throws -> OpenedFile {
    switch try Sniffer.sniff(path: path) {
    case .xlsx:
      do {
        return .workbook(try Workbook(path: path, limits: options.zipLimits))
      } catch {
        throw InputProblem(error, file: path)
      }
    case .xls:
      do {
        return .xls(try XLSWorkbook(path: path))
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

  /// The path the file was opened from.
  public var path: String {
    switch self {
    case .workbook(let wb): return wb.path
    case .xls(let wb): return wb.path
    case .csv(let p, _): return p
    }
  }

  /// The format the bytes showed.
  public var format: InputFormat {
    switch self {
    case .workbook: return .xlsx
    case .xls: return .xls
    case .csv: return .csv
    }
  }

  /// The date system of the file's serial dates (CSV: 1900).
  public var dateSystem: DateSystem {
    switch self {
    case .workbook(let wb): return wb.dateSystem
    case .xls(let wb): return wb.dateSystem
    case .csv: return .excel1900
    }
  }
}

/// The last path component of `path` (`inbox/培训.xlsx` → `培训.xlsx`), without Foundation's bridging.
public func lastPathComponent(_ path: String) -> String {
  path.split(separator: "/").last.map(String.init) ?? path
}

extension InputProblem {
  /// `error` as the reader reported it, as an ``InputProblem`` for `file` when it is a reading
  /// error (XLSX, ZIP, XML, CSV), unchanged otherwise — a visitor's own errors (writing an output,
  /// the store) pass through a walk as they were thrown.
  public static func fromReading(_ error: Error, file: String) -> Error {
    switch error {
    case is InputProblem: return error
    case is XLSXReadError, is XLSReadError, is CSVReadError, is ZIPError, is XMLError: return InputProblem(error, file: file)
    default: return error
    }
  }
}

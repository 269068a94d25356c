import CSV
import Diagnostics
import Tabular
import XLSReader
import XLSXReader

/// Why a file cannot be read, with the text a clerk or filer needs: what it is and what to do.
///
/// Every problem names the file; cell- or entry-level problems carry a `SourceLocation` too. The
/// text comes from the Diagnostics message catalog (zh-CN and English), keyed by ``code``; the
/// command line exits with status 3 for these.
public struct InputProblem: Error, CustomStringConvertible, Sendable {
  /// Stable slug with an entry in the message catalog (`legacy-xls`, `encrypted-workbook`…).
  public var code: DiagnosticCode
  /// The file as the caller named it.
  public var file: String
  /// Where inside the file, when known (a ZIP entry, a sheet, a cell, a line).
  public var location: SourceLocation?
  /// Values the catalog's templates use (`detail`, `streams`, `sheet`, `sheets`…).
  public var parameters: [DiagnosticParameter]

  /// Makes a problem; its text is rendered from the catalog entry of `code`.
  public init(_ code: DiagnosticCode, file: String, location: SourceLocation? = nil, parameters: [DiagnosticParameter] = []) {
    self.code = code
    self.file = file
    self.location = location
    self.parameters = parameters
  }

  /// The problem as a diagnostic (severity error), for reports that list unreadable files.
  public var diagnostic: Diagnostic {
    Diagnostic(code: code, severity: .error, location: location ?? SourceLocation(file: file), parameters: parameters)
  }

  /// What is wrong and what to do, in `lang`, without the place.
  public func message(_ lang: MessageLanguage) -> String {
    let r = MessageCatalog.render(diagnostic, lang: lang)
    // Sentences end once: a detail from a reader often ends with its own full stop.
    func closed(_ s: String) -> String {
      guard let last = s.last else { return s }
      if "。．.!?！？）)".contains(last) { return s }
      return s + (lang == .zhCN ? "。" : ".")
    }
    if r.hint.isEmpty { return closed(r.message) }
    return lang == .zhCN ? closed(r.message) + closed(r.hint) : r.message + "; " + closed(r.hint)
  }

  /// English explanation including what to do.
  public var message: String { message(.en) }
  /// Chinese explanation including what to do (for the clerk and the agencies).
  public var messageZH: String { message(.zhCN) }

  public var description: String { "\(file): \(message)" }

  /// The place (file, or entry/sheet/cell) and the message in `lang`.
  public func text(lang: MessageLanguage) -> String {
    let place = location.map { $0.description } ?? file
    return lang == .zhCN ? "\(place)：\(message(lang))" : "\(place): \(message(lang))"
  }

  /// The message in the requested language.
  public func text(chinese: Bool) -> String { text(lang: chinese ? .zhCN : .en) }
}

extension InputProblem {
  /// Wraps any error met while reading `file` (XLSX, ZIP, CSV, I/O) as an input problem; an
  /// ``InputProblem`` passes through unchanged. The one place reader errors become user text.
  public init(_ error: Error, file: String) {
    if let p = error as? InputProblem { self = p; return }
    if let x = error as? XLSXReadError {
      let code: DiagnosticCode
      switch x.code {
      case .encrypted: code = .encryptedWorkbook
      case .legacyXLS: code = .legacyXLS
      case .container: code = .damagedContainer
      case .malformedXML: code = .malformedXML
      case .limitExceeded: code = .limitExceeded
      case .notAWorkbook: code = .notAWorkbook
      case .temporaryFile: code = .temporaryFile
      default: code = .unreadableWorkbook
      }
      self.init(code, file: file, location: x.location, parameters: [DiagnosticParameter("detail", x.detail)])
      return
    }
    if let x = error as? XLSReadError {
      switch x.code {
      case .encrypted:
        self.init(.encryptedWorkbook, file: file, location: x.location)
      case .noWorkbookStream:
        self.init(.oleDocument, file: file, parameters: [DiagnosticParameter("streams", x.detail)])
      case .unsupportedVersion:
        self.init(.excel4Worksheet, file: file, location: x.location, parameters: [DiagnosticParameter("detail", x.detail)])
      default:
        self.init(.damagedXLS, file: file, location: x.location, parameters: [DiagnosticParameter("detail", x.detail)])
      }
      return
    }
    if let c = error as? CSVReadError {
      self.init(.unreadableCSV, file: file, location: c.location,
                parameters: [DiagnosticParameter("detail", c.detail)])
      return
    }
    self.init(.unreadable, file: file, parameters: [DiagnosticParameter("detail", "\(error)")])
  }
}

/// A stable identifier for a kind of finding, spelled as a slug such as `type-error`.
///
/// A struct rather than an enum so new codes can be added without breaking callers. Slugs that
/// mean the same as Frictionless's reuse its spelling, so a JSON report reads like a Frictionless
/// report.
public struct DiagnosticCode: Hashable, Sendable, Comparable, CustomStringConvertible,
  ExpressibleByStringLiteral
{
  /// The slug, e.g. `type-error`.
  public let slug: String

  /// Makes a code from its slug.
  public init(_ slug: String) { self.slug = slug }

  /// Makes a code from a string literal.
  public init(stringLiteral value: String) { self.slug = value }

  public var description: String { slug }

  public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.slug < b.slug }

  // MARK: Frictionless codes

  /// A cell's value cannot be read as the field's type or format.
  public static let typeError = DiagnosticCode("type-error")
  /// A cell breaks a field constraint (`required`, `minimum`, `enum`, `pattern`, …).
  public static let constraintError = DiagnosticCode("constraint-error")
  /// A value repeats in a `unique` field.
  public static let uniqueError = DiagnosticCode("unique-error")
  /// A primary key repeats or is incomplete.
  public static let primaryKey = DiagnosticCode("primary-key")
  /// A value is not in the referenced list (for example the agency roster).
  public static let foreignKey = DiagnosticCode("foreign-key")
  /// A schema field has no column in the header.
  public static let missingLabel = DiagnosticCode("missing-label")
  /// A header column matches no schema field.
  public static let extraLabel = DiagnosticCode("extra-label")
  /// A header cell is empty.
  public static let blankLabel = DiagnosticCode("blank-label")
  /// Two header cells have the same label.
  public static let duplicateLabel = DiagnosticCode("duplicate-label")
  /// A plain Table Schema's header (matched by position): the label differs from its field's name.
  public static let incorrectLabel = DiagnosticCode("incorrect-label")
  /// A row with no value in any cell.
  public static let blankRow = DiagnosticCode("blank-row")
  /// A row has fewer cells than the header.
  public static let missingCell = DiagnosticCode("missing-cell")
  /// A row has more cells than the header.
  public static let extraCell = DiagnosticCode("extra-cell")
  /// A row rule from the schema failed.
  public static let rowConstraint = DiagnosticCode("row-constraint")
  /// The file's bytes are not valid in the detected encoding.
  public static let encodingError = DiagnosticCode("encoding-error")
  /// The file is not in the format its name or content claims.
  public static let formatError = DiagnosticCode("format-error")

  // MARK: sheetgate codes

  /// A long number (ID card, certificate) was stored as a number and has lost digits.
  public static let numberLostPrecision = DiagnosticCode("number-lost-precision")
  /// A formula cell has no cached value (the file was never recalculated).
  public static let formulaWithoutValue = DiagnosticCode("formula-without-value")
  /// A vertically merged cell's value was copied to the rows below it.
  public static let mergedCellFilled = DiagnosticCode("merged-cell-filled")
  /// A document number's brackets were normalised to 〔〕.
  public static let docNumberNormalized = DiagnosticCode("doc-number-normalized")
  /// A value was normalised (trimmed, full-width characters folded, middle dot unified).
  public static let valueNormalized = DiagnosticCode("value-normalized")
  /// No header row could be found for any known ledger.
  public static let headerNotFound = DiagnosticCode("header-not-found")
  /// The schema chosen for a sheet, and why.
  public static let schemaChosen = DiagnosticCode("schema-chosen")
  /// The ledger, agency and period were taken from the workbook's template marker (a returned template).
  public static let templateRecognized = DiagnosticCode("template-recognized")
  /// The template marker names another ledger than the sheet holds.
  public static let templateMarkerMismatch = DiagnosticCode("template-marker-mismatch")
  /// Footer lines (填表人, 联系电话) after the data were skipped.
  public static let footerSkipped = DiagnosticCode("footer-skipped")
  /// The file is a legacy binary `.xls` workbook.
  public static let legacyXLS = DiagnosticCode("legacy-xls")
  /// The workbook is password-protected (encrypted).
  public static let encryptedWorkbook = DiagnosticCode("encrypted-workbook")
  /// The file is neither XLSX nor CSV.
  public static let notASpreadsheet = DiagnosticCode("not-a-spreadsheet")
  /// The file is empty.
  public static let emptyFile = DiagnosticCode("empty-file")
  /// The file is damaged and cannot be read.
  public static let corruptFile = DiagnosticCode("corrupt-file")
  /// A per-group rule (per agency) failed.
  public static let aggregateConstraint = DiagnosticCode("aggregate-constraint")
  /// A compliance rule (hours, ratios) is not met.
  public static let policyViolation = DiagnosticCode("policy-violation")
  /// A sheet is hidden.
  public static let hiddenSheet = DiagnosticCode("hidden-sheet")
  /// A row is hidden.
  public static let hiddenRow = DiagnosticCode("hidden-row")
  /// A row's cell count differs from its neighbours'.
  public static let raggedRow = DiagnosticCode("ragged-row")
  /// A value is close to a roster entry; the canonical name is suggested.
  public static let foreignKeySuggestion = DiagnosticCode("foreign-key-suggestion")
  /// A legacy 15-digit ID card number was found.
  public static let legacyIDCard = DiagnosticCode("legacy-id-card")
  /// The collector stopped keeping findings after its limit.
  public static let limitReached = DiagnosticCode("limit-reached")
  /// An agency on the roster has not submitted.
  public static let notSubmitted = DiagnosticCode("not-submitted")
  /// A check could not be completed (its temporary file could not be read back).
  public static let checkIncomplete = DiagnosticCode("check-incomplete")
  /// A rule could not be evaluated for a row or group although its values are there (division
  /// by zero, overflow, a value that is not a number): reported, never passed.
  public static let ruleNotEvaluated = DiagnosticCode("rule-not-evaluated")
  /// A record is listed in two lists that exclude each other (a document both 继续有效 and 宣布失效).
  public static let exclusiveListing = DiagnosticCode("exclusive-listing")
  /// A value that must be unique across agencies was submitted by two (the same officer's 身份证号).
  public static let duplicateAcrossAgencies = DiagnosticCode("duplicate-across-agencies")

  // MARK: Input problems (a file that cannot be read at all; `InputProblem` in Intake)

  /// The path names no file.
  public static let fileNotFound = DiagnosticCode("file-not-found")
  /// The path names a folder where a file was expected.
  public static let notAFile = DiagnosticCode("not-a-file")
  /// The file exists but cannot be opened (permissions).
  public static let cannotOpenFile = DiagnosticCode("cannot-open-file")
  /// An OLE compound file that holds no workbook (a Word or other Office document).
  public static let oleDocument = DiagnosticCode("ole-document")
  /// A PDF document sent where a spreadsheet was expected.
  public static let pdfDocument = DiagnosticCode("pdf-document")
  /// A web page (HTML) saved with a spreadsheet's name.
  public static let htmlDisguised = DiagnosticCode("html-disguised")
  /// An XML Spreadsheet 2003 file.
  public static let xmlSpreadsheet2003 = DiagnosticCode("xml-spreadsheet-2003")
  /// The workbook's ZIP container is damaged (bad headers, CRC mismatch).
  public static let damagedContainer = DiagnosticCode("damaged-container")
  /// A part of the workbook is not well-formed XML, or was refused.
  public static let malformedXML = DiagnosticCode("malformed-xml")
  /// A part or the workbook exceeds a safety cap (a ZIP or XML bomb).
  public static let limitExceeded = DiagnosticCode("limit-exceeded")
  /// A ZIP archive that is not an Excel workbook.
  public static let notAWorkbook = DiagnosticCode("not-a-workbook")
  /// A temporary file the reader needs could not be written or read.
  public static let temporaryFile = DiagnosticCode("temporary-file")
  /// The workbook could not be read for another reason (named in `detail`).
  public static let unreadableWorkbook = DiagnosticCode("unreadable-workbook")
  /// A text table could not be read (encoding, I/O).
  public static let unreadableCSV = DiagnosticCode("unreadable-csv")
  /// A file could not be read for a reason no other code names.
  public static let unreadable = DiagnosticCode("unreadable")
  /// A sheet asked for by name or number is not in the workbook.
  public static let noSuchSheet = DiagnosticCode("no-such-sheet")
  /// A legacy `.xls` workbook whose Compound File container or BIFF records are damaged.
  public static let damagedXLS = DiagnosticCode("damaged-xls")
  /// A bare Excel 2.x–4.0 worksheet stream (BIFF2–4, no Compound File container), which is not read.
  public static let excel4Worksheet = DiagnosticCode("excel4-worksheet")

  /// Every code this module defines, in slug order.
  public static let all: [DiagnosticCode] = [
    typeError, constraintError, uniqueError, primaryKey, foreignKey, missingLabel, extraLabel, blankLabel,
    duplicateLabel, incorrectLabel, blankRow, missingCell, extraCell, rowConstraint, encodingError, formatError,
    numberLostPrecision, formulaWithoutValue, mergedCellFilled, docNumberNormalized, valueNormalized,
    headerNotFound, schemaChosen, templateRecognized, templateMarkerMismatch, footerSkipped, legacyXLS, encryptedWorkbook, notASpreadsheet, emptyFile,
    corruptFile, aggregateConstraint, policyViolation, hiddenSheet, hiddenRow, raggedRow,
    foreignKeySuggestion, legacyIDCard, limitReached, notSubmitted, checkIncomplete, ruleNotEvaluated,
    exclusiveListing, duplicateAcrossAgencies,
    fileNotFound, notAFile, cannotOpenFile, oleDocument, pdfDocument, htmlDisguised, xmlSpreadsheet2003, damagedContainer, malformedXML, limitExceeded, notAWorkbook, temporaryFile, unreadableWorkbook, unreadableCSV, unreadable, noSuchSheet,
    damagedXLS, excel4Worksheet,
  ].sorted()
}

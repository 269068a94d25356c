import Tabular

/// Settings for a whole workbook.
public struct WorkbookOptions: Sendable {
  /// Write text as shared strings (the default, what Excel writes and WPS expects) or inline.
  /// Shared strings keep one copy of each distinct string in memory until the workbook closes;
  /// inline strings keep nothing, so memory stays flat however many rows are written.
  public var sharedStrings: Bool = true
  /// zlib compression level, 0 (stored) … 9; 6 is zlib's default, 1 is ~4× faster and ~30 % larger.
  public var compressionLevel: Int32 = 6
  /// Compress and write the archive on a thread of its own, so deflate overlaps with making the XML
  /// (one more thread and up to about 1 MiB of queued part bytes). The output is the same.
  public var compressOnOwnThread: Bool = false
  /// The date system serials are written in.
  public var dateSystem: DateSystem = .excel1900
  /// Document properties (title, author, created…).
  public var properties = DocumentProperties()
  /// Write worksheet entries with ZIP64 headers so they may pass 4 GiB uncompressed.
  public var zip64: Bool = false
  /// Number format applied to `.date` cells without an explicit style.
  public var dateFormat: String = "yyyy-mm-dd"
  /// Number format applied to `.dateTime` cells without an explicit style.
  public var dateTimeFormat: String = "yyyy-mm-dd hh:mm:ss"

  /// Default options: shared strings, zlib level 6, 1900 date system.
  public init(sharedStrings: Bool = true, compressionLevel: Int32 = 6, compressOnOwnThread: Bool = false,
              properties: DocumentProperties = .init()) {
    self.sharedStrings = sharedStrings
    self.compressionLevel = compressionLevel
    self.compressOnOwnThread = compressOnOwnThread
    self.properties = properties
  }
}

/// Settings for one sheet, given to ``WorkbookWriter/beginSheet(name:options:)``.
public struct SheetOptions: Sendable {
  /// Hidden sheet (`state="hidden"`), e.g. for the source of long dropdown lists.
  public var hidden: Bool = false
  /// Rows frozen at the top (1 freezes a header row).
  public var freezeRows: Int = 0
  /// Columns frozen at the left.
  public var freezeColumns: Int = 0
  /// Explicit column widths in characters by zero-based column; these win over measured widths.
  public var columnWidths: [Int: Double] = [:]
  /// Measure column widths from the first ``autoWidthRows`` rows (CJK characters count double).
  /// Those rows are held back (as XML, not as values) until measured, since `<cols>` precedes the rows.
  public var autoWidth: Bool = true
  /// How many rows to measure for ``autoWidth``.
  public var autoWidthRows: Int = 100
  /// Largest measured width, in characters.
  public var maxAutoWidth: Double = 60
  /// Default style per zero-based column: used for cells without an explicit style, and for the column.
  public var columnStyles: [Int: StyleID] = [:]
  /// Tab colour as `RRGGBB`.
  public var tabColor: String?
  /// How the sheet prints (paper, orientation, fit to width, repeated header rows, footer); nil
  /// leaves the application's defaults.
  public var pageSetup: PageSetup?

  /// Default options: visible, nothing frozen, widths measured from the first 100 rows.
  public init(hidden: Bool = false, freezeRows: Int = 0, freezeColumns: Int = 0, columnWidths: [Int: Double] = [:],
              autoWidth: Bool = true) {
    self.hidden = hidden
    self.freezeRows = freezeRows
    self.freezeColumns = freezeColumns
    self.columnWidths = columnWidths
    self.autoWidth = autoWidth
  }
}

/// How a sheet prints (`pageSetup`, `printOptions`, `headerFooter`, `sheetPr/pageSetUpPr` and the
/// `_xlnm.Print_Titles` defined name; ECMA-376 Part 1 §18.3.1.63, §18.3.1.46, §18.2.6).
public struct PageSetup: Sendable, Hashable {
  /// Landscape (wide tables) or portrait.
  public var landscape: Bool
  /// Paper size code: 9 is A4 (ECMA-376 Part 1 §18.3.1.63 `paperSize`).
  public var paperSize: Int
  /// Scale every column onto one page's width (pages run on downwards as needed).
  public var fitToWidth: Bool
  /// Zero-based rows printed at the top of every page (the header), nil for none.
  public var repeatRows: ClosedRange<Int>?
  /// The footer in Excel's header/footer codes; the default centres `第 N 页，共 M 页`.
  public var footer: String?
  /// Print the sheet's gridlines.
  public var gridLines: Bool
  /// Centre the printed table horizontally.
  public var centerHorizontally: Bool

  /// The page number footer: `第 &P 页，共 &N 页`, centred.
  public static let pageNumberFooter = "&C第 &P 页，共 &N 页"

  /// A4, fitted to one page wide, page numbers in the footer.
  public init(landscape: Bool = true, paperSize: Int = 9, fitToWidth: Bool = true, repeatRows: ClosedRange<Int>? = nil,
              footer: String? = PageSetup.pageNumberFooter, gridLines: Bool = false, centerHorizontally: Bool = false) {
    self.landscape = landscape
    self.paperSize = paperSize
    self.fitToWidth = fitToWidth
    self.repeatRows = repeatRows
    self.footer = footer
    self.gridLines = gridLines
    self.centerHorizontally = centerHorizontally
  }
}

/// Sheet protection (`sheetProtection`, ECMA-376 Part 1 §18.3.1.85): locked cells cannot be edited.
/// Cells are locked unless their style says `locked: false`.
public struct SheetProtection: Sendable, Hashable {
  /// Optional password, stored as Excel's legacy 16-bit hash (a deterrent, not security).
  public var password: String?
  public var allowSelectLockedCells = true
  public var allowSelectUnlockedCells = true
  public var allowFormatCells = false
  public var allowFormatColumns = false
  public var allowFormatRows = false
  public var allowInsertRows = false
  public var allowDeleteRows = false
  public var allowSort = false
  public var allowAutoFilter = false

  /// Protection with Excel's defaults: only selecting cells is allowed.
  public init(password: String? = nil) { self.password = password }

  /// Excel's legacy password hash (as libxlsxwriter's `lxw_hash_password`), upper-case hex.
  static func hash(_ password: String) -> String {
    let bytes = Array(password.utf8)
    var hash: UInt32 = 0
    for (i, b) in bytes.enumerated() where i < 255 {
      var letter = UInt32(b) << UInt32(i + 1)
      let low = letter & 0x7FFF
      let high = (letter & (0x7FFF << 15)) >> 15
      letter = low | high
      hash ^= letter
    }
    hash ^= UInt32(bytes.count)
    hash ^= 0xCE4B
    return String(hash & 0xFFFF, radix: 16, uppercase: true)
  }
}

/// A data-validation rule on a range (`dataValidation`, ECMA-376 Part 1 §18.3.1.32): dropdown lists,
/// number and date bounds, with an input prompt and an error message.
public struct DataValidation: Sendable, Hashable {
  /// What values are allowed.
  public enum Rule: Sendable, Hashable {
    /// A dropdown of these values, written inline (at most 255 characters in all, no commas in values).
    case list([String])
    /// A dropdown whose values come from a range, e.g. `'代码表'!$A$1:$A$300` (see
    /// ``WorkbookWriter/writeListSheet(name:lists:)``). Use this for long lists.
    case listRange(String)
    /// Whole numbers between the bounds (either may be nil).
    case wholeNumber(min: Int?, max: Int?)
    /// Decimal numbers between the bounds, given as decimal text.
    case decimal(min: String?, max: String?)
    /// Dates between the bounds (year, month, day).
    case date(from: DateTimeComponents?, to: DateTimeComponents?)
    /// Text whose length is between the bounds.
    case textLength(min: Int?, max: Int?)
  }

  /// How Excel reacts to a bad value.
  public enum ErrorStyle: String, Sendable, Hashable { case stop, warning, information }

  public var ranges: [CellRange]
  public var rule: Rule
  public var allowBlank = true
  /// Show the dropdown arrow for list rules.
  public var showDropdown = true
  /// Title and text shown when the cell is selected (≤ 32 and ≤ 255 characters).
  public var promptTitle: String?
  public var prompt: String?
  /// Title and text of the message shown for a bad value (≤ 32 and ≤ 255 characters).
  public var errorTitle: String?
  public var error: String?
  public var errorStyle: ErrorStyle = .stop

  /// Makes a rule for `ranges`.
  public init(ranges: [CellRange], rule: Rule, promptTitle: String? = nil, prompt: String? = nil,
              errorTitle: String? = nil, error: String? = nil) {
    self.ranges = ranges
    self.rule = rule
    self.promptTitle = promptTitle
    self.prompt = prompt
    self.errorTitle = errorTitle
    self.error = error
  }
}

/// A typed cell value for ``WorkbookWriter/writeRow(_:styles:height:at:)``.
///
/// Numbers given as text (`.number("32.50")`) are written exactly as given when they are plain
/// decimal numbers, so exact decimals never pick up binary floating-point noise.
public enum CellInput: Sendable, Hashable {
  /// Text. Shared string by default, inline string when the workbook is set to inline strings.
  case text(String)
  /// A number given as its decimal text (`"32.50"`, `"15062719000123"`, `"-1.5E3"`), written verbatim.
  /// Text that is not a plain number is an ``XLSXWriteError/Code/invalidNumber`` error.
  case number(String)
  /// A binary floating-point number, written in its shortest round-trip form.
  case double(Double)
  /// An integer.
  case int(Int)
  /// A boolean (`t="b"`).
  case bool(Bool)
  /// A calendar date, written as a serial in the workbook's date system with a date format.
  case date(year: Int, month: Int, day: Int)
  /// A date and time of day, written as a serial with a date-time format.
  case dateTime(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
  /// A formula (with or without a leading `=`) and the value Excel would show before recalculating.
  case formula(String, cached: FormulaValue)
  /// An error value such as `#N/A` or `#DIV/0!`.
  case error(String)
  /// No cell (skipped). A `.text("")` is skipped too.
  case empty
}

/// The cached result of a formula cell.
public enum FormulaValue: Sendable, Hashable {
  /// No cached value: readers that do not calculate see none (Excel and LibreOffice recalculate).
  case none
  /// A number given as decimal text, written verbatim.
  case number(String)
  /// A binary floating-point number.
  case double(Double)
  /// Text (`t="str"`).
  case text(String)
  /// A boolean.
  case bool(Bool)
  /// An error value such as `#N/A`.
  case error(String)
}

/// Excel's error values, the only ones readers accept in `t="e"` cells.
let excelErrorValues: Set<String> = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                                     "#GETTING_DATA"]

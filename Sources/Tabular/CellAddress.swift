/// A cell position in a sheet: zero-based row and column indices.
///
/// `CellAddress(row: 16, column: 3).a1 == "D17"`. Parsing works on bytes so the XLSX
/// reader can decode `r="D17"` attributes without building a `String`.
public struct CellAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Zero-based row index (A1 is row 0).
  public var row: Int
  /// Zero-based column index (column A is 0).
  public var column: Int

  /// Excel's limits: 1,048,576 rows and 16,384 columns (XFD).
  public static let maxRows = 1_048_576
  public static let maxColumns = 16_384

  public init(row: Int, column: Int) {
    self.row = row
    self.column = column
  }

  /// Parses an A1 reference such as `D17` or `$D$17` (ASCII, case-insensitive letters).
  /// Returns `nil` for anything else, including out-of-range references.
  public init?<C: Collection>(a1 bytes: C) where C.Element == UInt8 {
    var col = 0
    var row = 0
    var letters = 0
    var digits = 0
    var i = bytes.startIndex
    if i < bytes.endIndex, bytes[i] == UInt8(ascii: "$") { i = bytes.index(after: i) }
    while i < bytes.endIndex {
      var b = bytes[i]
      if b >= 0x61 && b <= 0x7A { b -= 0x20 }
      guard b >= 0x41 && b <= 0x5A else { break }
      col = col * 26 + Int(b - 0x40)
      letters += 1
      if letters > 3 { return nil }
      i = bytes.index(after: i)
    }
    if i < bytes.endIndex, bytes[i] == UInt8(ascii: "$") { i = bytes.index(after: i) }
    while i < bytes.endIndex {
      let b = bytes[i]
      guard b >= 0x30 && b <= 0x39 else { return nil }
      row = row * 10 + Int(b - 0x30)
      digits += 1
      if digits > 7 { return nil }
      i = bytes.index(after: i)
    }
    guard letters > 0, digits > 0, row >= 1, row <= Self.maxRows, col <= Self.maxColumns else { return nil }
    self.row = row - 1
    self.column = col - 1
  }

  /// Parses an A1 reference given as a string.
  public init?(_ a1: String) {
    self.init(a1: Array(a1.utf8))
  }

  /// The A1 reference (`E5`), made in one buffer: the findings sheet of a reply makes one per finding.
  public var a1: String {
    var out: [UInt8] = []
    out.reserveCapacity(12)
    Self.appendColumnLetters(column, to: &out)
    let letters = out.count
    var r = row + 1
    repeat {
      out.append(UInt8(48 + r % 10))
      r /= 10
    } while r > 0
    out[letters...].reverse()
    return String(decoding: out, as: UTF8.self)
  }

  public var description: String { a1 }

  /// The column letters for a zero-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
  public static func columnName(_ column: Int) -> String {
    var letters: [UInt8] = []
    appendColumnLetters(column, to: &letters)
    return String(decoding: letters, as: UTF8.self)
  }

  /// Appends the column letters of a zero-based column index to `out`.
  private static func appendColumnLetters(_ column: Int, to out: inout [UInt8]) {
    let start = out.count
    var n = column + 1
    while n > 0 {
      out.append(UInt8(65 + (n - 1) % 26))
      n = (n - 1) / 26
    }
    // Reversed in place: decoding a `ReversedCollection` takes the generic path (dynamic casts per call).
    out[start...].reverse()
  }

  public static func < (a: CellAddress, b: CellAddress) -> Bool {
    a.row != b.row ? a.row < b.row : a.column < b.column
  }
}

/// A rectangular range of cells, inclusive on both ends, e.g. `A1:C2`.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
  public var first: CellAddress
  public var last: CellAddress

  public init(first: CellAddress, last: CellAddress) {
    self.first = CellAddress(row: min(first.row, last.row), column: min(first.column, last.column))
    self.last = CellAddress(row: max(first.row, last.row), column: max(first.column, last.column))
  }

  /// Parses `A1:C2` (or a single `A6`, which is a one-cell range).
  public init?<C: Collection>(a1 bytes: C) where C.Element == UInt8 {
    if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
      guard let a = CellAddress(a1: bytes[bytes.startIndex..<colon]),
            let b = CellAddress(a1: bytes[bytes.index(after: colon)...]) else { return nil }
      self.init(first: a, last: b)
    } else {
      guard let a = CellAddress(a1: bytes) else { return nil }
      self.init(first: a, last: a)
    }
  }

  public init?(_ a1: String) { self.init(a1: Array(a1.utf8)) }

  public var a1: String { first == last ? first.a1 : first.a1 + ":" + last.a1 }
  public var description: String { a1 }
  public var rowCount: Int { last.row - first.row + 1 }
  public var columnCount: Int { last.column - first.column + 1 }

  public func contains(_ a: CellAddress) -> Bool {
    a.row >= first.row && a.row <= last.row && a.column >= first.column && a.column <= last.column
  }
}

import Tabular

/// What kind of footer a row is, decided on its first non-blank cell's bytes.
enum FooterKind: String {
  /// `合计` / `总计`: ends the data; the row's values are kept for a later totals check.
  case totals
  /// `小计`: a subtotal between groups; skipped and reported, data goes on.
  case subtotal
  /// `填表人：` `审核人：` `负责人：` `制表人：` `填报人：`: ends the data.
  case signature

  private static let whole: [([UInt8], FooterKind)] = [
    (Array("合计".utf8), .totals), (Array("总计".utf8), .totals), (Array("小计".utf8), .subtotal),
  ]
  private static let colon: [UInt8] = [0xEF, 0xBC, 0x9A]  // ：
  private static let prefixes: [[UInt8]] = ["填表人", "审核人", "负责人", "制表人", "填报人"].map { Array($0.utf8) }

  /// The footer kind of `row`, looking at its first non-blank cell only. Whitespace (ASCII,
  /// U+3000, NBSP) is ignored, so `合  计` and `合　计：` count; `合计` must be the whole cell
  /// (up to a trailing colon), a signature word only its start.
  static func of(_ row: Row) -> FooterKind? {
    for i in row.cells.indices {
      let c = row.cells[i]
      if c.kind == .empty || c.textLength == 0 { continue }
      guard c.kind == .string else { return nil }
      return row.withText(i) { bytes -> FooterKind? in
        // Every footer word starts with a CJK character (a lead byte ≥ 0xE0) or white space;
        // data rows mostly start with a serial number, rejected here at one byte.
        if let f = bytes.first, f < 0xE0, f != 0x20, f != 0x09, f != 0x0A, f != 0x0D, f != 0xC2 { return nil }
        for (w, kind) in whole where match(bytes, w, whole: true) { return kind }
        for p in prefixes where match(bytes, p, whole: false) { return .signature }
        return nil
      }
    }
    return nil
  }
}

/// One value of the totals row (`合计`), kept so a later check can compare it with the sum.
public struct TotalValue: Sendable, Hashable {
  /// The field index in the ledger.
  public var field: Int
  /// Zero-based sheet column.
  public var column: Int
  /// The cell's text as stored (the digits of a number, or a formula's cached value).
  public var text: String
  /// The cell's kind.
  public var kind: CellKind
  /// The numeric value for number cells.
  public var number: Double?
}

/// The totals row found at the end of the data.
public struct TotalsRow: Sendable, Hashable {
  /// Zero-based sheet row.
  public var row: Int
  /// The label as written (`合计`).
  public var label: String
  /// The values in mapped columns, in field order.
  public var values: [TotalValue]
}

extension FooterKind {
  /// Compares `bytes` with `pattern`, skipping whitespace in `bytes` (ASCII, U+3000, NBSP).
  /// `whole`: the rest after the pattern may only be whitespace and one colon. No allocation.
  fileprivate static func match(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], whole: Bool) -> Bool {
    var j = 0
    var k = 0
    func skipSpace() {
      while j < bytes.count {
        let b = bytes[j]
        if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
          j += 1
        } else if b == 0xE3, j + 2 < bytes.count, bytes[j + 1] == 0x80, bytes[j + 2] == 0x80 {
          j += 3
        } else if b == 0xC2, j + 1 < bytes.count, bytes[j + 1] == 0xA0 {
          j += 2
        } else {
          return
        }
      }
    }
    while k < pattern.count {
      skipSpace()
      guard j < bytes.count, bytes[j] == pattern[k] else { return false }
      j += 1
      k += 1
    }
    guard whole else { return true }
    skipSpace()
    if j < bytes.count, bytes[j] == UInt8(ascii: ":") {
      j += 1
    } else if j + 3 <= bytes.count, bytes[j] == colon[0], bytes[j + 1] == colon[1], bytes[j + 2] == colon[2] {
      j += 3
    }
    skipSpace()
    return j == bytes.count
  }
}

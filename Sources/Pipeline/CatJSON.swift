import CSV
import Intake
import Reports
import Tabular
import XLSXReader

/// `sheetgate cat --json`: prints what was read, in the shape of the conformance corpus
/// (the corpus README): for a workbook `{"date1904", "sheets": [{"name", "visible",
/// "merged", "cells": {"A1": ["s", "text"], "B1": ["n", 1.5], "C1": ["d", iso, serial]}}]}`, for a
/// CSV `{"encoding", "delimiter", "bom", "line_endings", "rows": [[…]]}`.
///
/// Streams: one row at a time goes from the reader into the JSON buffer, which is flushed every
/// 64 KiB. A formula without a cached value is printed as `["f", formula]` and counted in
/// `formulasWithoutValue`, so it is never silently empty.
public enum CatJSON {
  public struct Summary: Sendable {
    public var formulasWithoutValue: [String] = []
  }

  public static func write(_ file: OpenedFile, sheet: String? = nil, flush: @escaping ([UInt8]) -> Void) throws -> Summary {
    var visitor = Visitor(json: JSONWriter(flush: flush))
    switch file {
    case .workbook, .xls:
      visitor.json.beginObject()
      visitor.json.key("date1904"); visitor.json.bool(file.dateSystem == .excel1904)
      visitor.json.key("sheets"); visitor.json.beginArray()
      try file.walk(&visitor, sheets: sheet)
      visitor.json.endArray()
      visitor.json.endObject()
    case .csv:
      do { try file.walk(&visitor) } catch { visitor.json.flush(); throw error }
    }
    visitor.json.raw("\n")
    visitor.json.flush()
    return visitor.summary
  }

  /// Writes each sheet as it is read.
  private struct Visitor: SheetVisitor {
    var json: JSONWriter
    var summary = Summary()

    mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
      switch sheet.kind {
      case .worksheet(let info, _): try worksheet(&sheet, name: info.name, visibility: info.visibility)
      case .legacyWorksheet(let info, _): try worksheet(&sheet, name: info.name, visibility: info.visibility)
      case .csv: try csv(&sheet)
      }
      return true
    }

    private mutating func worksheet<Rows: RowSource>(_ sheet: inout SheetInput<Rows>, name: String,
                                                     visibility: SheetVisibility) throws {
      json.beginObject()
      json.key("name"); json.string(name)
      json.key("visible"); json.string(visibility.rawValue)
      json.key("merged"); json.beginArray()
      for m in sheet.mergedRanges { json.string(m.a1) }
      json.endArray()
      json.key("cells"); json.beginObject()
      var row = Row()
      var a1: [UInt8] = []  // the cell reference, built from the column letters and the row's digits
      var digits: [UInt8] = []
      while try sheet.rows.nextRow(into: &row) {
        digits.removeAll(keepingCapacity: true)
        digits.append(contentsOf: String(row.index + 1).utf8)
        for i in 0..<row.cells.count {
          let c = row.cells[i]
          a1.removeAll(keepingCapacity: true)
          Self.appendColumnLetters(Int(c.column), to: &a1)
          a1.append(contentsOf: digits)
          switch c.kind {
          case .empty: continue
          case .string:
            key(a1); json.beginArray(); json.string("s"); row.withText(i) { json.string(utf8: $0) }; json.endArray()
          case .number:
            key(a1); json.beginArray(); json.string("n"); json.number(c.number); json.endArray()
          case .boolean:
            key(a1); json.beginArray(); json.string("b"); json.bool(c.number != 0); json.endArray()
          case .error:
            key(a1); json.beginArray(); json.string("e"); row.withText(i) { json.string(utf8: $0) }; json.endArray()
          case .date:
            key(a1); json.beginArray(); json.string("d")
            if let iso = sheet.dateSystem.isoString(serial: c.number, kind: c.dateKind) { json.string(iso) } else { json.null() }
            json.number(c.number); json.endArray()
          case .formulaWithoutValue:
            key(a1); json.beginArray(); json.string("f"); row.withText(i) { json.string(utf8: $0) }; json.endArray()
            summary.formulasWithoutValue.append("\(name)!\(String(decoding: a1, as: UTF8.self))")
          }
        }
        json.flush()
      }
      json.endObject()
      json.endObject()
    }

    private mutating func key(_ a1: [UInt8]) {
      a1.withUnsafeBufferPointer { json.key(utf8: $0) }
    }

    /// `A`…`Z`, `AA`… for a zero-based column, appended without making a String.
    static func appendColumnLetters(_ column: Int, to out: inout [UInt8]) {
      let start = out.count
      var n = column + 1
      while n > 0 {
        out.append(UInt8(65 + (n - 1) % 26))
        n = (n - 1) / 26
      }
      out[start...].reverse()
    }

    private mutating func csv<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws {
      guard let reader = sheet.rows as? CSVRowReader else { return }
      json.beginObject()
      json.key("encoding"); json.string(reader.encoding)
      json.key("delimiter"); json.string(String(Character(reader.delimiter)))
      json.key("bom"); json.bool(reader.hasBOM)
      json.key("line_endings"); json.string(reader.lineEndings.rawValue)
      json.key("rows"); json.beginArray()
      var row = Row()
      while try sheet.rows.nextRow(into: &row) {
        json.beginArray()
        for i in 0..<row.cells.count { row.withText(i) { json.string(utf8: $0) } }
        json.endArray()
        json.flush()
      }
      json.endArray()
      json.endObject()
    }
  }
}

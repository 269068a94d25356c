import CSV
import Tabular
import XLSXReader

/// `sheetgate cat --json`: prints what was read, in the shape of the conformance corpus
/// (`shared/corpus/README.md`): for a workbook `{"date1904", "sheets": [{"name", "visible",
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
    var json = JSONWriter(flush: flush)
    var summary = Summary()
    switch file {
    case .workbook(let wb):
      json.beginObject()
      json.key("date1904"); json.bool(wb.dateSystem == .excel1904)
      json.key("sheets"); json.beginArray()
      for info in try SheetSelection.sheets(of: wb, selector: sheet) {
        let reader: SheetReader
        do { reader = try wb.sheetReader(for: info) } catch { throw InputProblem(error, file: wb.path) }
        json.beginObject()
        json.key("name"); json.string(info.name)
        json.key("visible"); json.string(info.visibility.rawValue)
        json.key("merged"); json.beginArray()
        for m in reader.mergedRanges { json.string(m.a1) }
        json.endArray()
        json.key("cells"); json.beginObject()
        var row = Row()
        do {
          while try reader.nextRow(into: &row) {
            for i in 0..<row.cells.count {
              let c = row.cells[i]
              let a1 = CellAddress(row: row.index, column: Int(c.column)).a1
              switch c.kind {
              case .empty: continue
              case .string:
                json.key(a1); json.beginArray(); json.string("s"); row.withText(i) { json.string(utf8: $0) }; json.endArray()
              case .number:
                json.key(a1); json.beginArray(); json.string("n"); json.number(c.number); json.endArray()
              case .boolean:
                json.key(a1); json.beginArray(); json.string("b"); json.bool(c.number != 0); json.endArray()
              case .error:
                json.key(a1); json.beginArray(); json.string("e"); row.withText(i) { json.string(utf8: $0) }; json.endArray()
              case .date:
                json.key(a1); json.beginArray(); json.string("d")
                if let iso = wb.dateSystem.isoString(serial: c.number, kind: c.dateKind) { json.string(iso) } else { json.null() }
                json.number(c.number); json.endArray()
              case .formulaWithoutValue:
                json.key(a1); json.beginArray(); json.string("f"); row.withText(i) { json.string(utf8: $0) }; json.endArray()
                summary.formulasWithoutValue.append("\(info.name)!\(a1)")
              }
            }
            json.flush()
          }
        } catch {
          throw InputProblem(error, file: wb.path)
        }
        json.endObject()
        json.endObject()
      }
      json.endArray()
      json.endObject()
    case .csv(let path, let options):
      var reader: CSVRowReader
      do { reader = try CSVRowReader(path: path, options: options) } catch { throw InputProblem(error, file: path) }
      json.beginObject()
      json.key("encoding"); json.string(reader.encoding)
      json.key("delimiter"); json.string(String(Character(reader.delimiter)))
      json.key("bom"); json.bool(reader.hasBOM)
      json.key("line_endings"); json.string(reader.lineEndings.rawValue)
      json.key("rows"); json.beginArray()
      var row = Row()
      do {
        while try reader.next(into: &row) {
          json.beginArray()
          for i in 0..<row.cells.count { row.withText(i) { json.string(utf8: $0) } }
          json.endArray()
          json.flush()
        }
      } catch {
        json.flush()
        throw InputProblem(error, file: path)
      }
      json.endArray()
      json.endObject()
    }
    json.raw("\n")
    json.flush()
    return summary
  }
}

/// Picks sheets by name or by 1-based index (`--sheet 培训学时台账`, `--sheet 2`).
public enum SheetSelection {
  public static func sheets(of wb: Workbook, selector: String?) throws -> [SheetInfo] {
    guard let selector else { return wb.sheets }
    if let s = wb.sheet(named: selector) { return [s] }
    if let n = Int(selector), n >= 1, n <= wb.sheets.count { return [wb.sheets[n - 1]] }
    let names = wb.sheets.map { $0.name }.joined(separator: "、")
    throw InputProblem(code: "no-such-sheet", file: wb.path,
                       message: "there is no sheet \"\(selector)\"; the sheets are: \(names) (or give a number from 1 to \(wb.sheets.count)).",
                       messageZH: "没有名为「\(selector)」的工作表；现有工作表：\(names)（也可用序号 1–\(wb.sheets.count)）。")
  }
}

// ledger-check LEDGER OUT.xlsx — reads a ledger (.xlsx or .csv), validates it against the built-in
// training-hours schema, and writes a workbook listing every finding.
import Diagnostics
import Foundation
import Intake
import Pipeline
import Reports
import Schema
import Tabular
import Validation
import XLSXWriter

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
  FileHandle.standardError.write(Data("usage: ledger-check LEDGER.xlsx OUT.xlsx\n".utf8))
  exit(2)
}
let (input, output) = (arguments[1], arguments[2])

do {
  // 1. Reading: open by the bytes, walk every sheet, stream its rows.
  let file = try OpenedFile.open(path: input)
  struct RowCounter: SheetVisitor {
    var counts: [(sheet: String, rows: Int)] = []
    mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
      var row = Row()
      var n = 0
      while try sheet.rows.nextRow(into: &row) { n += 1 }
      counts.append((sheet.context.sheetName ?? "(csv)", n))
      return true
    }
  }
  var counter = RowCounter()
  try file.walk(&counter)
  for c in counter.counts { print("\(c.sheet): \(c.rows) rows") }

  // 2. Validation: recognise the ledger in each sheet and check every cell against the schema.
  let schema = try BuiltinSchemas.load(named: "training-hours")
  let result = try ValidateJob(options: .init(schema: schema)).run(path: input)
  let report = ValidationReport(tables: result.tables)
  print(report.text(lang: .en, listingInfo: false), terminator: "")

  // 3. Writing: one row per finding, streamed into a new workbook.
  let writer = try WorkbookWriter(path: output)
  let bold = writer.addStyle(.header)
  try writer.beginSheet(name: "Findings", options: SheetOptions(freezeRows: 1))
  try writer.writeRow([.text("Sheet"), .text("Cell"), .text("Field"), .text("Value"), .text("Severity"), .text("Finding")],
                      styles: Array(repeating: bold, count: 6))
  for table in result.tables {
    for d in table.diagnostics {
      let message = MessageCatalog.render(d, lang: .en).message
      try writer.writeRow([.text(d.location.sheet ?? ""), .text(d.location.a1 ?? ""), .text(d.field ?? ""),
                           .text(d.value ?? ""), .text(d.severity.description), .text(message)])
    }
  }
  try writer.endSheet()
  try writer.close()
  print("wrote \(output)")
  exit(report.isValid ? 0 : 1)
} catch let problem as InputProblem {
  FileHandle.standardError.write(Data((problem.text(lang: .en) + "\n").utf8))
  exit(3)
}

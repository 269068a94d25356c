import CSV
import Glibc
import Intake
import Pipeline
import Schema
import Tabular
import XLSReader
import XLSXReader

// SheetBench: the measured paths of sheetgate, one per process, so `bench/bench.py` can time them
// (wall time and peak RSS) side by side with the peers.
//
//   SheetBench read FILE                       read every cell of the first sheet (xlsx, xls) or of the CSV
//   SheetBench validate FILE [--schema NAME] [--roster FILE]
//                                              what `sheetgate validate` does: sniff, recognise, validate
//                                              every row (the ledger chosen among the built-in schemas
//                                              unless --schema names one), count findings
//   SheetBench write [--inline] [--level N] CSV OUT.xlsx
//                                              write the training-hours ledger CSV as a typed workbook
//
// Prints one line to stderr: what it did, rows, cells, seconds.

func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
  printToStandardError("SheetBench: \(message)\n")
  exit(2)
}

/// Visits every cell so nothing can be skipped: counts cells and text bytes, sums numbers.
struct Visit {
  var rows = 0
  var cells = 0
  var textBytes = 0
  var sum = 0.0
  mutating func add(_ row: Row) {
    rows += 1
    cells += row.cells.count
    textBytes += row.bytes.count
    for c in row.cells where c.kind == .number || c.kind == .date { sum += c.number }
  }
}

/// Milliseconds, for the phase timings.
func ms(_ seconds: Double) -> String { "\(Int((seconds * 1000).rounded()))ms" }

func read(_ path: String) throws {
  let t0 = now()
  var v = Visit()
  var row = Row()
  var phases = ""
  switch try Sniffer.sniff(path: path) {
  case .xlsx:
    let wb = try Workbook(path: path)
    let t1 = now()
    let reader = try wb.sheetReader(at: 0)
    let t2 = now()
    while try reader.nextRow(into: &row) { v.add(row) }
    phases = " open=\(ms(t1 - t0)) sheetReader=\(ms(t2 - t1)) rows=\(ms(now() - t2))"
      + " sharedStrings=\(wb.context.sharedStrings.isSpilled ? "spilled" : "memory")"
  case .xls:
    let wb = try XLSWorkbook(path: path)
    let t1 = now()
    guard let first = wb.sheets.first else { break }
    let reader = try wb.sheetReader(for: first)
    let t2 = now()
    while try reader.nextRow(into: &row) { v.add(row) }
    phases = " open=\(ms(t1 - t0)) sheetReader=\(ms(t2 - t1)) rows=\(ms(now() - t2)) version=\(wb.version.rawValue)"
  case .csv:
    var reader = try CSVRowReader(path: path)
    while try reader.next(into: &row) { v.add(row) }
  }
  let dt = now() - t0
  printToStandardError("read \(path): rows=\(v.rows) cells=\(v.cells) textBytes=\(v.textBytes) sum=\(v.sum) seconds=\(dt)\(phases)\n")
}

/// Runs `Pipeline.ValidateJob` on `path` as `sheetgate validate` does, without rendering the report.
func validate(_ path: String, schema: String?, roster: String?) throws {
  let t0 = now()
  var options = ValidateJob.Options()
  if let schema { options.schema = try SchemaCatalog.resolve(schema) }
  if let roster { options.roster = try RosterLoader.load(path: roster) }
  let result = try ValidateJob(options: options).run(path: path)
  let dt = now() - t0
  var rows = 0, errors = 0, warnings = 0, policy = 0, infos = 0, kept = 0
  for t in result.tables {
    rows += t.stats.rows
    errors += t.stats.errors
    warnings += t.stats.warnings
    policy += t.stats.policyFindings
    infos += t.stats.infos
    kept += t.diagnostics.count
  }
  printToStandardError("validate \(path): tables=\(result.tables.count) schema=\(result.tables.first?.schema ?? "-") rows=\(rows) "
        + "errors=\(errors) warnings=\(warnings) policy=\(policy) infos=\(infos) kept=\(kept) seconds=\(dt)\n")
}

var args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: SheetBench read FILE | validate FILE [--schema NAME] | write [--inline] [--level N] CSV OUT") }
args.removeFirst()
do {
  switch command {
  case "read":
    guard args.count == 1 else { fail("usage: SheetBench read FILE") }
    try read(args[0])
  case "validate":
    var schema: String?
    var roster: String?
    var rest: [String] = []
    var i = 0
    while i < args.count {
      switch args[i] {
      case "--schema", "--roster":
        guard i + 1 < args.count else { fail("\(args[i]) takes a value") }
        if args[i] == "--schema" { schema = args[i + 1] } else { roster = args[i + 1] }
        i += 1
      default: rest.append(args[i])
      }
      i += 1
    }
    guard rest.count == 1 else { fail("usage: SheetBench validate FILE [--schema NAME] [--roster FILE]") }
    try validate(rest[0], schema: schema, roster: roster)
  case "write":
    var inline = false
    var level: Int32 = 6
    var rest: [String] = []
    var i = 0
    while i < args.count {
      switch args[i] {
      case "--inline": inline = true
      case "--level":
        i += 1
        guard i < args.count, let l = Int32(args[i]) else { fail("--level takes a number 0–9") }
        level = l
      default: rest.append(args[i])
      }
      i += 1
    }
    guard rest.count == 2 else { fail("usage: SheetBench write [--inline] [--level N] CSV OUT") }
    try runWriteBench(csvPath: rest[0], outPath: rest[1], inlineStrings: inline, level: level)
  case "merge":
    try runMergeBench(args)
  default:
    fail("unknown command \(command)")
  }
} catch {
  fail("\(error)")
}

/// Writes `s` to stderr unbuffered (the C `stderr` global is not concurrency-safe in Swift 6).
func printToStandardError(_ s: String) {
  var s = s
  s.withUTF8 { b in
    var off = 0
    while off < b.count {
      let n = write(2, b.baseAddress! + off, b.count - off)
      if n <= 0 { break }
      off += n
    }
  }
}

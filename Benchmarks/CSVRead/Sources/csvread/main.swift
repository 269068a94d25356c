import CSV
import Tabular
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double { var ts = timespec(); clock_gettime(CLOCK_MONOTONIC, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 }
let args = CommandLine.arguments
let path = args[1]
let t0 = now()
var reader = try CSVRowReader(path: path, options: .init(encoding: args.count > 2 ? args[2] : nil))
var row = Row()
var rows = 0
var cells = 0
var bytes = 0
while try reader.nextRow(into: &row) { rows += 1; cells += row.cells.count; bytes += row.bytes.count }
let t = now() - t0
print("\(path): encoding \(reader.encoding) delimiter \(reader.delimiter.escaped(asASCII: true)) rows \(rows) cells \(cells) textBytes \(bytes) ragged \(reader.raggedRecordCount) time \((t * 1000).rounded() / 1000) s rows/s \(Int(Double(rows) / t))")

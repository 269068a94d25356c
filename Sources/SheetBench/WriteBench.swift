import Glibc
import Tabular
import XLSXWriter

/// Write benchmark: converts the training-hours ledger CSV (`bench/gen_ledger.py`, UTF-8, no quoted
/// fields) into a workbook with the same typed cells and formats as `bench/write_lxw.c`: integers,
/// text, 14-digit certificate and ID numbers as text (`@`), decimals (`0.0`), dates (`yyyy-mm-dd`),
/// a bold bordered header, explicit widths, a frozen header row; the mostly empty 备注 stays absent.
///
/// Rows are built in one reused `Tabular.Row` straight from the CSV bytes, so the driver allocates
/// nothing per row; memory is the writer's (see ``WorkbookWriter``) plus a 1 MiB read buffer.
/// Prints rows, seconds and the output size to stderr.
public func runWriteBench(csvPath: String, outPath: String, inlineStrings: Bool, level: Int32) throws {
  guard let f = fopen(csvPath, "rb") else {
    throw XLSXWriteError(.io, "cannot open \(csvPath): \(String(cString: strerror(errno)))")
  }
  defer { fclose(f) }
  var start = timespec()
  clock_gettime(CLOCK_MONOTONIC, &start)

  var opts = WorkbookOptions(sharedStrings: !inlineStrings, compressionLevel: level)
  opts.properties = DocumentProperties(title: "执法人员培训学时台账", author: "SheetBench")
  let wb = try WorkbookWriter(path: outPath, options: opts)
  let header = wb.addStyle(CellStyle(bold: true, border: true, horizontal: .center))
  let datef = wb.addStyle(CellStyle(numberFormat: "yyyy-mm-dd"))
  let decf = wb.addStyle(CellStyle(numberFormat: "0.0"))
  let textf = wb.addStyle(CellStyle(numberFormat: "@"))
  var sheet = SheetOptions(freezeRows: 1, autoWidth: false)
  let widths: [Double] = [6, 10, 36, 18, 22, 14, 10, 10, 10, 12, 12, 12]
  for (c, w) in widths.enumerated() { sheet.columnWidths[c] = w }
  sheet.columnStyles = [3: textf, 4: textf]
  try wb.beginSheet(name: "培训学时台账", options: sheet)

  let kinds: [CellKind] = [.number, .string, .string, .string, .string, .string, .number, .number, .number,
                           .string, .date, .string]
  let styles: [StyleID?] = [nil, nil, nil, textf, textf, nil, decf, decf, decf, nil, datef, nil]
  let headerStyles = [StyleID?](repeating: header, count: 12)
  var row = Row()
  var rows = 0
  let bufSize = 1 << 20
  var buf = [UInt8](repeating: 0, count: bufSize)
  var carry: [UInt8] = []

  func emit(_ l: UnsafeBufferPointer<UInt8>) throws {
    var n = l.count
    while n > 0 && (l[n - 1] == 0x0D || l[n - 1] == 0x0A) { n -= 1 }
    row.removeAll()
    var col = 0
    var fieldStart = 0
    var i = 0
    while i <= n {
      if i == n || l[i] == 0x2C {
        let field = UnsafeBufferPointer(rebasing: l[fieldStart..<i])
        if !field.isEmpty {
          if rows == 0 {
            row.append(column: col, kind: .string, text: UnsafeRawBufferPointer(field))
          } else {
            let kind = col < kinds.count ? kinds[col] : .string
            switch kind {
            case .number:
              row.append(column: col, kind: .number, number: 0, text: UnsafeRawBufferPointer(field))
            case .date:
              // yyyy-mm-dd
              var parts = [0, 0, 0]
              var p = 0
              for b in field { if b == 0x2D { p += 1 } else if p < 3 { parts[p] = parts[p] * 10 + Int(b - 0x30) } }
              let serial = DateSystem.excel1900.serial(year: parts[0], month: parts[1], day: parts[2]) ?? 0
              row.append(column: col, kind: .date, number: serial, text: UnsafeRawBufferPointer(start: nil, count: 0))
            default:
              row.append(column: col, kind: .string, text: UnsafeRawBufferPointer(field))
            }
          }
        }
        col += 1
        fieldStart = i + 1
      }
      i += 1
    }
    try wb.write(row: row, styles: rows == 0 ? headerStyles : styles)
    rows += 1
  }

  while true {
    let got = buf.withUnsafeMutableBytes { fread($0.baseAddress, 1, bufSize, f) }
    if got == 0 { break }
    try buf.withUnsafeBufferPointer { all in
      var s = 0
      for i in 0..<got where all[i] == 0x0A {
        if carry.isEmpty {
          try emit(UnsafeBufferPointer(rebasing: all[s..<i]))
        } else {
          carry.append(contentsOf: UnsafeBufferPointer(rebasing: all[s..<i]))
          try carry.withUnsafeBufferPointer { try emit($0) }
          carry.removeAll(keepingCapacity: true)
        }
        s = i + 1
      }
      carry.append(contentsOf: UnsafeBufferPointer(rebasing: all[s..<got]))
    }
  }
  if !carry.isEmpty { try carry.withUnsafeBufferPointer { try emit($0) } }
  try wb.endSheet()
  try wb.close()
  var end = timespec()
  clock_gettime(CLOCK_MONOTONIC, &end)
  let secs = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
  var st = stat()
  stat(outPath, &st)
  let msg = "write-bench rows=\(rows - 1) seconds=\(secs) bytes=\(st.st_size) inline=\(inlineStrings) level=\(level)\n"
  printToStandardError(msg)
}

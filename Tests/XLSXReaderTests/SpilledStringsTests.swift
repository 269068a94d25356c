import ByteIO
import Foundation
import Glibc
import Tabular
import TestSupport
import XCTest
import XMLStream
import ZIP
@testable import XLSXReader

/// Shared-strings tables kept in a temporary file (`SharedStrings.isSpilled`) read exactly as the
/// same tables kept in memory.
final class SpilledStringsTests: XCTestCase {
  func read(_ xml: [UInt8], plan: ChunkPlan = .whole, spillThreshold: Int) throws -> SharedStrings {
    let src = ChunkedBytes(xml, plan: plan)
    let parser = XMLStreamParser(entry: "xl/sharedStrings.xml", chunkSize: 64, source: src.makeSource())
    return try SharedStrings.read(parser, sizeHint: xml.count, spillThreshold: spillThreshold)
  }

  /// Every string of `table` by `withString` and through a cache (in `order`).
  func strings(_ table: SharedStrings, order: [Int]? = nil, window: Int = 1 << 16) -> [[UInt8]] {
    var out = [[UInt8]](repeating: [], count: table.count)
    if let spilled = table.spilled {
      let cache = SharedStringCache(table: spilled, window: window)
      for i in order ?? Array(0..<table.count) {
        var bytes: [UInt8] = [0xEE]  // appended after what is there
        XCTAssertEqual(cache.append(i, to: &bytes), 0)
        out[i] = Array(bytes.dropFirst())
      }
      for i in 0..<table.count {
        XCTAssertEqual(table.withString(i) { Array($0) }, out[i], "withString \(i)")
      }
    } else {
      for i in 0..<table.count { out[i] = table.withString(i) { Array($0) } ?? [] }
    }
    return out
  }

  static let richItems = [
    "<si><t>plain</t></si>",
    "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">Bold </t></r><r><t>tail</t></r></si>",
    "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh><phoneticPr fontId=\"1\"/></si>",
    "<si><t>line1_x000D__x000A_line2</t></si>",
    "<si><t>_x005F_x0041_ and _x0041_ and _xD83D__xDE00_</t></si>",
    "<si><t>  trimmed  </t></si>",
    "<si><t xml:space=\"preserve\">  kept  </t></si>",
    "<si><t/></si>",
    "<si></si>",
    "<si><t>执法证号 15062719000123</t></si>",
  ]

  func sst(_ items: [String]) -> [UInt8] {
    Array(("<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      + "count=\"\(items.count)\" uniqueCount=\"\(items.count)\">" + items.joined() + "</sst>").utf8)
  }

  func testSpilledTableMatchesTheTableInMemory() throws {
    // Counts below, at and around block boundaries (256 strings) and not multiples of 256.
    for count in [0, 1, 10, 255, 256, 257, 600, 1031] {
      let items = (0..<count).map { Self.richItems[$0 % Self.richItems.count] }
      let xml = sst(items)
      let expected = strings(try read(xml, spillThreshold: .max))
      for plan in count <= 257 ? ChunkPlan.standard : [.random(seed: 7, max: 999), .whole] {
        let spilled = try read(xml, plan: plan, spillThreshold: 0)
        XCTAssertTrue(spilled.isSpilled)
        XCTAssertEqual(spilled.count, count, "\(count) \(plan)")
        XCTAssertEqual(strings(spilled), expected, "\(count) \(plan)")
        XCTAssertEqual(strings(spilled, order: (0..<count).reversed()), expected, "\(count) \(plan) reversed")
        XCTAssertNil(spilled[count])
        XCTAssertNil(spilled[-1])
      }
    }
    let small = try read(sst(Self.richItems), spillThreshold: .max)
    XCTAssertFalse(small.isSpilled)
    XCTAssertEqual(small[4], "_x0041_ and A and 😀")
  }

  func testLongStrings() throws {
    // A string longer than a block, than the cache's buffers and than the 1 MiB write buffer,
    // between short ones; another one as the last string.
    let long = String(repeating: "长字符串_x0041_", count: 70_000)  // ~1.5 MB of XML
    var items = (0..<300).map { "<si><t>s\($0)</t></si>" }
    items.insert("<si><t>\(long)</t></si>", at: 200)
    items.append("<si><r><t>\(long)</t></r><r><t>end</t></r></si>")
    let xml = sst(items)
    let expected = strings(try read(xml, spillThreshold: .max))
    let spilled = try read(xml, plan: .random(seed: 3, max: 70_000), spillThreshold: 0)
    XCTAssertTrue(spilled.isSpilled)
    XCTAssertEqual(spilled.count, 302)
    XCTAssertEqual(spilled[200]?.count, 70_000 * "长字符串A".count)
    XCTAssertEqual(strings(spilled), expected)
    XCTAssertEqual(strings(spilled, order: (0..<302).reversed()), expected)
  }

  func testThresholdIsThePartSize() throws {
    let xml = sst(Self.richItems)
    XCTAssertTrue(try read(xml, spillThreshold: xml.count).isSpilled)
    XCTAssertFalse(try read(xml, spillThreshold: xml.count + 1).isSpilled)
    XCTAssertEqual(SharedStrings.defaultSpillThreshold, 16 << 20)
  }

  /// 40 blocks of distinct strings: the block cache and repeated-strings level, by access order.
  func table(count: Int) throws -> (spilled: SharedStrings, expected: [[UInt8]]) {
    let xml = sst((0..<count).map { "<si><t>string \($0) \(String(repeating: "值", count: $0 % 17))</t></si>" })
    let expected = strings(try read(xml, spillThreshold: .max))
    return (try read(xml, spillThreshold: 0), expected)
  }

  func testAccessOrdersAndTheAdaptiveFallback() throws {
    let (spilled, expected) = try table(count: 300 * 256 + 77)
    guard let file = spilled.spilled else { return XCTFail("not spilled") }
    var seed: UInt64 = 0x243F6A8885A308D3
    func next() -> Int { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return Int(seed >> 1) }
    let n = spilled.count
    // In table order: one read per block, never the fallback.
    let inOrder = SharedStringCache(table: file, window: 4096)
    // Random order over 300 blocks (the cache holds 128): most lookups read, so the whole table
    // is loaded once the window sees too many reads.
    let random = SharedStringCache(table: file, window: 4096)
    // Mostly new strings, a quarter repeats of 3,000 strings spread over the table (like names):
    // each is read once, then kept (the window is the default 65,536 lookups).
    let mixed = SharedStringCache(table: file, window: 1 << 16)
    let names = (0..<3000).map { _ in next() % n }
    for i in 0..<n {
      var a: [UInt8] = []
      XCTAssertEqual(inOrder.append(i, to: &a), 0)
      XCTAssertEqual(a, expected[i])
      let r = next() % n
      var b: [UInt8] = []
      XCTAssertEqual(random.append(r, to: &b), 0)
      XCTAssertEqual(b, expected[r], "random \(r)")
      let m = i % 4 == 0 ? names[next() % names.count] : i
      var c: [UInt8] = []
      XCTAssertEqual(mixed.append(m, to: &c), 0)
      XCTAssertEqual(c, expected[m], "mixed \(m)")
    }
    XCTAssertFalse(inOrder.servesFromMemory)
    XCTAssertTrue(random.servesFromMemory)
    XCTAssertFalse(mixed.servesFromMemory)
    // The loaded table is shared: a new cache past its own limit uses the same copy.
    let image = file.loadedImage
    XCTAssertNotNil(image)
    let another = SharedStringCache(table: file, window: 8)
    for _ in 0..<2000 {
      let r = next() % n
      var b: [UInt8] = []
      XCTAssertEqual(another.append(r, to: &b), 0)
      XCTAssertEqual(b, expected[r])
    }
    XCTAssertTrue(another.servesFromMemory)
    XCTAssertTrue(file.loadedImage === image)
    // withString serves from the loaded table too.
    XCTAssertEqual(spilled.withString(n - 1) { Array($0) }, expected[n - 1])
  }

  func testNoTemporaryFolderKeepsTheTableInMemory() throws {
    let saved = getenv("TMPDIR").map { String(cString: $0) }
    setenv("TMPDIR", "/nonexistent-folder-for-sheetgate-tests", 1)
    defer { if let saved { setenv("TMPDIR", saved, 1) } else { unsetenv("TMPDIR") } }
    let xml = sst(Self.richItems)
    let table = try read(xml, spillThreshold: 0)
    XCTAssertFalse(table.isSpilled)
    XCTAssertEqual(strings(table), strings(try read(xml, spillThreshold: .max)))
  }

  func testAFullTemporaryFolderIsAClearError() throws {
    // A file size limit makes write(2) fail with EFBIG, as a full disk fails with ENOSPC.
    let fileSize = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
    var saved = rlimit()
    getrlimit(fileSize, &saved)
    let savedSignal = signal(SIGXFSZ, SIG_IGN)
    var limit = saved
    limit.rlim_cur = 64 << 10
    setrlimit(fileSize, &limit)
    defer {
      setrlimit(fileSize, &saved)
      signal(SIGXFSZ, savedSignal)
    }
    let xml = sst((0..<40_000).map { "<si><t>a string of about forty bytes, number \($0)</t></si>" })
    XCTAssertThrowsError(try read(xml, spillThreshold: 0)) { error in
      guard let e = error as? TemporaryFileError else { return XCTFail("\(error)") }
      XCTAssertEqual(e.operation, .write)
      let r = XLSXReadError.from(e, file: "台账.xlsx", entry: "xl/sharedStrings.xml", sheet: nil)
      XCTAssertEqual(r.code, .temporaryFile)
      XCTAssertEqual(r.location.entry, "xl/sharedStrings.xml")
      XCTAssertTrue(r.detail.contains("TMPDIR"), r.detail)
    }
  }
}

/// Sheets read with a spilled table give the rows and errors they give with the table in memory.
final class SpilledStringsReadingTests: XCTestCase {
  /// Every row of every sheet (index, hidden, cells) and the error, if any, as text.
  static func dump(_ workbook: Workbook) -> [String] {
    var out: [String] = []
    for i in 0..<workbook.sheets.count {
      do {
        let reader = try workbook.sheetReader(at: i)
        var row = Row()
        while try reader.nextRow(into: &row) {
          out.append(row.dumpLine(prefix: "\(i)/"))
        }
      } catch {
        out.append("error \(error)")
      }
    }
    return out
  }

  static func dump(path: String, spillThreshold: Int,
                   threading: Workbook.Threading = Workbook.Threading()) -> (rows: [String], spilled: Bool) {
    do {
      let wb = try Workbook(path: path, sharedStringsSpillThreshold: spillThreshold, threading: threading)
      return (dump(wb), wb.context.sharedStrings.isSpilled)
    } catch {
      return (["open error \(error)"], false)
    }
  }

  func testCorpusReadsTheSameWithSpilledStrings() throws {
    let corpus = try Corpus.requireFolder()
    let names = try FileManager.default.contentsOfDirectory(atPath: corpus).filter {
      $0.hasSuffix(".xlsx") || $0.hasSuffix(".xlsm") || $0.hasSuffix(".xltx")
    }.sorted()
    XCTAssertGreaterThan(names.count, 50, "corpus not found at \(corpus)")
    var spilledFiles = 0
    let pieces = Workbook.Threading(threshold: 0, options: ParallelRowReader.Options(pieceSize: 300, slots: 3, workers: 1))
    for name in names {
      let path = corpus + "/" + name
      let expected = Self.dump(path: path, spillThreshold: .max)
      let got = Self.dump(path: path, spillThreshold: 0)
      XCTAssertEqual(got.rows, expected.rows, name)
      if got.spilled { spilledFiles += 1 }
      // Rows cut into small pieces parsed on two threads, each with its own cache.
      XCTAssertEqual(Self.dump(path: path, spillThreshold: 0, threading: pieces).rows, expected.rows, "\(name) in pieces")
    }
    XCTAssertGreaterThan(spilledFiles, 50)
  }

  /// A workbook of `rows` rows: a sequence number, two unique IDs, a name from a pool of
  /// `names` (repeated all over the sheet), an agency and a category (repeated, low in the table).
  /// Shared strings in order of first appearance, or shuffled.
  static func writeLedger(path: String, rows: Int, names: Int, shuffled: Bool) throws {
    var seed: UInt64 = 0x9E3779B97F4A7C15
    func next() -> Int { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return Int(seed >> 1) }
    var table: [String] = []
    var index: [String: Int] = [:]
    func id(_ s: String) -> Int {
      if let i = index[s] { return i }
      index[s] = table.count
      table.append(s)
      return table.count - 1
    }
    var cells: [[Int]] = []
    cells.reserveCapacity(rows)
    for r in 0..<rows {
      cells.append([id("ID-\(r)-\(next() % 1000)"), id("证号 \(r * 7)"), id("姓名 \(next() % names)"),
                    id("某某市某某区第\(next() % 40)执法局"), id(["培训", "考试", "复训 _x0041_"][next() % 3])])
    }
    var order = Array(0..<table.count)  // order[i]: the position of string i in the part
    if shuffled {
      for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, next() % (i + 1)) }
    }
    var items = [String](repeating: "", count: table.count)
    for (i, s) in table.enumerated() { items[order[i]] = "<si><t>\(s)</t></si>" }
    var sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      + "<sheetData>"
    for (r, row) in cells.enumerated() {
      sheet += "<row r=\"\(r + 1)\"><c r=\"A\(r + 1)\"><v>\(r + 1)</v></c>"
      for (k, i) in row.enumerated() {
        let col = ["B", "C", "D", "E", "F"][k]
        sheet += "<c r=\"\(col)\(r + 1)\" t=\"s\"><v>\(order[i])</v></c>"
      }
      sheet += "</row>"
    }
    sheet += "</sheetData></worksheet>"
    let ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    let parts: [(String, String)] = [
      ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        + "</Types>"),
      ("_rels/.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(ns)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
      ("xl/workbook.xml", "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        + "xmlns:r=\"\(ns)\"><sheets><sheet name=\"台账\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
      ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(ns)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"\(ns)/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"),
      ("xl/sharedStrings.xml", "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        + "uniqueCount=\"\(items.count)\">" + items.joined() + "</sst>"),
      ("xl/worksheets/sheet1.xml", sheet),
    ]
    let sink = MemorySink()
    let writer = ZIPWriter(sink: sink)
    for (name, text) in parts {
      try writer.beginEntry(name: name, method: .deflate(level: 1))
      try writer.write(Array(text.utf8))
      try writer.endEntry()
    }
    try writer.finish()
    try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
  }

  func testGeneratedLedgerReadInPieces() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sheetgate-spill-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sequential = Workbook.Threading(threshold: .max, options: nil)
    for shuffled in [false, true] {
      let path = dir + "/ledger-\(shuffled).xlsx"
      // 30,000 rows: ~3 MiB of sheet XML, ~96,000 strings (375 blocks; the cache holds 128).
      try Self.writeLedger(path: path, rows: 30_000, names: 4000, shuffled: shuffled)
      let expected = Self.dump(path: path, spillThreshold: .max, threading: sequential)
      XCTAssertFalse(expected.spilled)
      XCTAssertEqual(expected.rows.count, 30_000)
      XCTAssertTrue(expected.rows[29_999].contains("姓名"), expected.rows[29_999])
      XCTAssertEqual(Self.dump(path: path, spillThreshold: 0, threading: sequential).rows, expected.rows,
                     "sequential, shuffled \(shuffled)")
      for options in [ParallelRowReader.Options(), ParallelRowReader.Options(pieceSize: 64 << 10, slots: 4, workers: 2)] {
        let wb = try Workbook(path: path, sharedStringsSpillThreshold: 0,
                              threading: Workbook.Threading(threshold: 0, options: options))
        XCTAssertTrue(wb.context.sharedStrings.isSpilled)
        XCTAssertEqual(Self.dump(wb), expected.rows, "\(options), shuffled \(shuffled)")
        // Strings in order of first appearance are served by the caches; shuffled ones are
        // loaded into memory once, shared by the reader's threads.
        XCTAssertEqual(wb.context.sharedStrings.spilled?.loadedImage != nil, shuffled, "\(options)")
      }
    }
  }

  /// A spilled table for sheet-level tests: strings "s0", "s1", … "s599".
  func spilledContext() throws -> WorkbookContext {
    let xml = Array(("<sst>" + (0..<600).map { "<si><t>s\($0)</t></si>" }.joined() + "</sst>").utf8)
    let parser = XMLStreamParser(entry: "xl/sharedStrings.xml", source: ChunkedBytes(xml, plan: .whole).makeSource())
    let sst = try SharedStrings.read(parser, sizeHint: xml.count, spillThreshold: 0)
    XCTAssertTrue(sst.isSpilled)
    return WorkbookContext(sharedStrings: sst)
  }

  func read(_ xml: String, context: WorkbookContext, parallel: ParallelRowReader.Options?) -> ([String], XLSXReadError?) {
    var out: [String] = []
    do {
      let reader = try SheetReader(sheetXML: Array(xml.utf8), context: context, sheetName: "S", chunkSize: 1000,
                                   parallel: parallel)
      var row = Row()
      while try reader.nextRow(into: &row) {
        out.append("\(row.index): " + (0..<row.cells.count).map { row.text($0) }.joined(separator: ","))
      }
      return (out, nil)
    } catch {
      return (out, error)
    }
  }

  func sheet(rows: Int, badAt: Int? = nil) -> String {
    var s = "<worksheet><sheetData>"
    for r in 1...rows {
      s += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"s\"><v>\(r == badAt ? 600 : (r * 37) % 600)</v></c>"
        + "<c r=\"B\(r)\" t=\"s\"><v>\(r % 3)</v></c></row>"
    }
    return s + "</sheetData></worksheet>"
  }

  func testBadSharedStringIndexIsReportedAsInMemory() throws {
    let spilled = try spilledContext()
    var memory = SharedStrings()
    for i in 0..<600 {
      memory.bytes += Array("s\(i)".utf8)
      memory.ends.append(UInt32(memory.bytes.count))
    }
    let inMemory = WorkbookContext(sharedStrings: memory)
    let xml = sheet(rows: 400, badAt: 333)
    for parallel in [nil, ParallelRowReader.Options(pieceSize: 200, slots: 3, workers: 1)] {
      let expected = read(xml, context: inMemory, parallel: parallel)
      let got = read(xml, context: spilled, parallel: parallel)
      XCTAssertEqual(got.0, expected.0)
      XCTAssertEqual(got.0.count, 332)
      XCTAssertEqual(got.1?.code, .badSharedStringIndex)
      XCTAssertEqual(got.1?.location.a1, "A333")
      XCTAssertEqual(got.1?.location.line, expected.1?.location.line)
      XCTAssertEqual(got.1?.detail, expected.1?.detail)
    }
  }

  func testUnreadableTemporaryFileIsAClearError() throws {
    let good = try spilledContext()
    guard let file = good.sharedStrings.spilled else { return XCTFail("not spilled") }
    // The same blocks over a descriptor that cannot be read (write-only): every pread fails.
    let broken = SpilledStrings(file: TemporaryFile(adopting: open("/dev/null", O_WRONLY), directory: "/tmp"),
                                count: file.count, blockOffsets: file.blockOffsets)
    let context = WorkbookContext(sharedStrings: SharedStrings(spilled: broken))
    XCTAssertNil(context.sharedStrings[5])
    for parallel in [nil, ParallelRowReader.Options(pieceSize: 200, slots: 3, workers: 1)] {
      let (rows, error) = read(sheet(rows: 50), context: context, parallel: parallel)
      XCTAssertEqual(rows, [])
      XCTAssertEqual(error?.code, .temporaryFile)
      XCTAssertEqual(error?.location.a1, "A1")
      XCTAssertTrue(error?.detail.contains("could not be read back") == true, "\(String(describing: error))")
    }
  }
}

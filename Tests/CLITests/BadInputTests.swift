import Foundation
import TestSupport
import XCTest

/// Every kind of bad input gets exit status 3 and a clear message that names the file and says
/// what to do — never a crash, a hang or partial output (issue: sniffing and bad input).
final class BadInputTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var sample: String { root + "/samples/乌审旗_执法人员培训学时台账.xlsx" }

  private func expectUnreadable(_ path: String, contains needles: [String], lang: String = "zh_CN.UTF-8",
                                file: StaticString = #filePath, line: UInt = #line) throws {
    for command in [["inspect", path], ["cat", path, "--json"]] {
      let r = try CLIRunner.run(command, lang: lang)
      XCTAssertEqual(r.status, 3, "\(command): \(r.stderr)", file: file, line: line)
      XCTAssertTrue(r.stderr.contains((path as NSString).lastPathComponent), "names the file: \(r.stderr)", file: file, line: line)
      for n in needles {
        XCTAssertTrue(r.stderr.contains(n), "expected «\(n)» in: \(r.stderr)", file: file, line: line)
      }
      XCTAssertEqual(r.stdout, "", "no partial output", file: file, line: line)
    }
  }

  private func write(_ bytes: [UInt8], name: String) throws -> String {
    let path = try CLIRunner.temporaryDirectory() + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Rewrites one part of the sample workbook with Python's zipfile (a third-party ZIP writer).
  private func sampleWithPart(_ part: String, content: String, name: String) throws -> String {
    let dir = try CLIRunner.temporaryDirectory()
    let out = dir + "/" + name
    let script = """
      import sys, zipfile
      src, out, part, content_path = sys.argv[1:5]
      content = open(content_path, "rb").read()
      with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
          for item in zin.infolist():
              data = content if item.filename == part else zin.read(item.filename)
              zout.writestr(item, data)
      """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let contentPath = dir + "/part.xml"
    try content.write(toFile: contentPath, atomically: false, encoding: .utf8)
    p.arguments = ["python3", "-c", script, sample, out, part, contentPath]
    try p.run()
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0)
    return out
  }

  func testEmptyFile() throws {
    try expectUnreadable(try write([], name: "空文件.xlsx"), contains: ["文件为空"])
    try expectUnreadable(try write([], name: "empty.csv"), contains: ["empty"], lang: "en_US.UTF-8")
  }

  func testNotASpreadsheet() throws {
    var bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]
    var x: UInt32 = 12345
    for _ in 0..<4000 { x = x &* 1_103_515_245 &+ 12345; bytes.append(UInt8(truncatingIfNeeded: x >> 16) & 0x1F) }
    try expectUnreadable(try write(bytes, name: "程序.xlsx"), contains: ["无法识别"])
    try expectUnreadable(try write(Array("%PDF-1.7\n...".utf8), name: "扫描件.xlsx"), contains: ["PDF"])
  }

  func testTruncatedZip() throws {
    let whole = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sample)))
    try expectUnreadable(try write(Array(whole[0..<(whole.count / 2)]), name: "截断.xlsx"), contains: ["损坏"])
  }

  func testCorruptZipCRCMismatchNamesTheEntry() throws {
    let name = "poi__clusterfuzz-testcase-minimized-POIXSSFFuzzer-5937385319563264.xlsx"
    let r = try CLIRunner.run(["cat", try Corpus.requireFile(name), "--json"], lang: "en_US.UTF-8")
    XCTAssertEqual(r.status, 3, r.stderr)
    XCTAssertTrue(r.stderr.contains("CRC"), r.stderr)
    XCTAssertTrue(r.stderr.contains(".xml"), "names the entry: \(r.stderr)")
  }

  func testEncryptedWorkbook() throws {
    try expectUnreadable(try Corpus.requireFile("excelize__encryptAES.xlsx"), contains: ["密码"])
    try expectUnreadable(try Corpus.requireFile("excelize__encryptSHA1.xlsx"), contains: ["password"], lang: "en_US.UTF-8")
  }

  /// A Compound File whose directory holds a `Workbook` stream that is empty: read as `.xls`, and
  /// refused as damaged, naming the stream (a `.xls` named `.xlsx` is sniffed by its bytes all the same).
  func testEmptyWorkbookStreamInACompoundFile() throws {
    var b = [UInt8](repeating: 0, count: 512 * 3)
    func put32(_ o: Int, _ v: UInt32) { for k in 0..<4 { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
    func put16(_ o: Int, _ v: UInt16) { b[o] = UInt8(v & 0xFF); b[o + 1] = UInt8(v >> 8) }
    b.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    put16(0x18, 0x3E); put16(0x1A, 3); put16(0x1C, 0xFFFE); put16(0x1E, 9); put16(0x20, 6)
    put32(0x2C, 1); put32(0x30, 1); put32(0x38, 4096); put32(0x3C, 0xFFFF_FFFE); put32(0x44, 0xFFFF_FFFE)
    put32(0x4C, 0)
    for i in 1..<109 { put32(0x4C + 4 * i, 0xFFFF_FFFF) }
    // Sector 0 (FAT): sector 0 is a FAT sector, sector 1 (directory) ends its chain.
    put32(512, 0xFFFF_FFFD); put32(516, 0xFFFF_FFFE)
    for i in 2..<128 { put32(512 + 4 * i, 0xFFFF_FFFF) }
    func dirEntry(_ index: Int, _ name: String, type: UInt8, child: UInt32) {
      let o = 1024 + index * 128
      let units = Array(name.utf16)
      for (k, u) in units.enumerated() { put16(o + 2 * k, u) }
      put16(o + 64, UInt16((units.count + 1) * 2))
      b[o + 66] = type
      put32(o + 68, 0xFFFF_FFFF); put32(o + 72, 0xFFFF_FFFF); put32(o + 76, child)
      put32(o + 116, 0xFFFF_FFFE)
    }
    dirEntry(0, "Root Entry", type: 5, child: 1)
    dirEntry(1, "Workbook", type: 2, child: 0xFFFF_FFFF)
    try expectUnreadable(try write(b, name: "2022年台账.xls"), contains: ["已损坏", "Workbook", "另存为"])
    try expectUnreadable(try write(b, name: "renamed.xlsx"), contains: ["damaged", "Workbook stream is empty"], lang: "en_US.UTF-8")
  }

  func testHTMLSavedAsXLS() throws {
    let html = "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>序号</td><td>姓名</td></tr></table></body></html>"
    try expectUnreadable(try write(Array(html.utf8), name: "导出.xls"), contains: ["网页", "另存为"])
  }

  func testXMLBombIsRejected() throws {
    var doctype = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
    var prev = "lol"
    for i in 1...9 {
      doctype += "<!ENTITY lol\(i) \"" + String(repeating: "&\(prev);", count: 10) + "\">"
      prev = "lol\(i)"
    }
    doctype += "]>"
    let sheet = "<?xml version=\"1.0\"?>" + doctype
      + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\">"
      + "<c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
    let path = try sampleWithPart("xl/worksheets/sheet1.xml", content: sheet, name: "bomb.xlsx")
    let r = try CLIRunner.run(["cat", path, "--json"], lang: "en_US.UTF-8")
    XCTAssertEqual(r.status, 3, r.stderr)
    XCTAssertTrue(r.stderr.contains("xl/worksheets/sheet1.xml"), "names the part: \(r.stderr)")
    XCTAssertFalse(r.stdout.contains("lollollol"), "the entity was never expanded")
  }

  /// A zip bomb: a sheet part that inflates to 64 MiB from a few tens of KiB, read under an
  /// 8 MiB cap per part. It is stopped at the cap with a message naming the part — before any
  /// output is written.
  func testZipBombIsStoppedAtTheCapNamingThePart() throws {
    let sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>序号</t></is></c></row>" + String(repeating: " ", count: 64 << 20)
      + "</sheetData></worksheet>"
    let path = try sampleWithPart("xl/worksheets/sheet1.xml", content: sheet, name: "bomb64.xlsx")
    let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    XCTAssertLessThan(size, 1 << 20, "the bomb is small on disk")
    for command in [["cat", path, "--json"], ["validate", path], ["inspect", path]] {
      let r = try CLIRunner.run(command, lang: "en_US.UTF-8", environment: ["SHEETGATE_MAX_PART_MB": "8"])
      XCTAssertEqual(r.status, 3, "\(command): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains("xl/worksheets/sheet1.xml"), "names the part: \(r.stderr)")
      XCTAssertTrue(r.stderr.lowercased().contains("limit") || r.stderr.lowercased().contains("cap"), r.stderr)
      XCTAssertFalse(r.stdout.contains("\"cells\""), "no partial output")
    }
  }

  func testMalformedSheetXMLNamesThePartAndLine() throws {
    let sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\n<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c>\n</row><row></sheetData></worksheet>"
    let path = try sampleWithPart("xl/worksheets/sheet1.xml", content: sheet, name: "broken.xlsx")
    let r = try CLIRunner.run(["cat", path, "--json"], lang: "en_US.UTF-8")
    XCTAssertEqual(r.status, 3, r.stderr)
    XCTAssertTrue(r.stderr.contains("xl/worksheets/sheet1.xml"), r.stderr)
    XCTAssertTrue(r.stderr.contains("line 3"), r.stderr)
  }

  func testMissingFileIsAnInputProblem() throws {
    let r = try CLIRunner.run(["inspect", "/nonexistent/台账.xlsx"])
    XCTAssertEqual(r.status, 3)
    XCTAssertTrue(r.stderr.contains("找不到"), r.stderr)
  }

  func testUsageErrorIsStatus2() throws {
    let r = try CLIRunner.run(["inspect"])
    XCTAssertEqual(r.status, 2, r.stderr)
    XCTAssertTrue(r.stderr.contains("Usage"), r.stderr)
    let bad = try CLIRunner.run(["validate", root + "/samples/validate", "--limit-errors", "0"])
    XCTAssertEqual(bad.status, 2, bad.stderr)
  }
}

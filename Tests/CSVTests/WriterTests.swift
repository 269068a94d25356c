import CSV
import Foundation
import Tabular
import XCTest

final class WriterTests: XCTestCase {
  func write(_ rows: [[String]], to path: String, _ options: CSVWriter.Options) throws {
    let w = try CSVWriter(path: path, options: options)
    for r in rows { try w.write(fields: r) }
    try w.finish()
  }

  func testUTF8WithBOMRoundTrips() throws {
    let path = try temporaryFolder(self).appendingPathComponent("out.csv").path
    try write(Fixtures.ledgerRows, to: path, .init(bom: true))
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
    var r = try CSVRowReader(path: path)
    XCTAssertEqual(r.encoding, "utf-8-sig")
    XCTAssertEqual(r.lineEndings, .crlf)
    XCTAssertEqual(try readAll(&r), Fixtures.ledgerRows)
  }

  func testGB18030RoundTripsAndMatchesPython() throws {
    let path = try temporaryFolder(self).appendingPathComponent("out.csv").path
    try write(Fixtures.ledgerRows, to: path, .init(encoding: "GB18030"))
    var r = try CSVRowReader(path: path)
    XCTAssertEqual(r.encoding, "gb18030")
    XCTAssertEqual(try readAll(&r), Fixtures.ledgerRows)
    // Python's csv.writer made the fixture with the same minimal quoting and CR LF.
    XCTAssertEqual(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), Fixtures.ledgerGBK)
  }

  func testSafeModeNeutralisesFormulas() throws {
    let input = ["=SUM(A1:A3)", "+1", "-2", "@cmd", "\tx", "\rx", "＝1", "＋1", "－1", "＠x", "normal", " padded "]
    var out: [UInt8] = []
    let w = try CSVWriter(name: "sink", options: .init(lineEnding: .lf, safe: true)) { out += $0 }
    try w.write(fields: input)
    try w.finish()
    let back = try readAll(bytes: out)
    XCTAssertEqual(back, [input.map { $0 == "normal" || $0 == " padded " ? $0 : "'" + $0 }])
    XCTAssertTrue(String(decoding: out, as: UTF8.self).hasPrefix("'=SUM(A1:A3),'+1,'-2,'@cmd,\"'\tx\",\"'\rx\""))
  }

  func testQuotingIsMinimalAndEmptyOnlyFieldIsQuoted() throws {
    var out: [UInt8] = []
    let w = try CSVWriter(name: "sink", options: .init(delimiter: ";", lineEnding: .lf)) { out += $0 }
    try w.write(fields: ["a,b", "c;d", "say \"hi\"", " x", "y", ""])
    try w.write(fields: [""])
    var row = Row()
    row.append(column: 0, kind: .string, string: "1")
    row.append(column: 2, kind: .number, string: "3.50")
    try w.write(row)
    try w.finish()
    XCTAssertEqual(String(decoding: out, as: UTF8.self), "a,b;\"c;d\";\"say \"\"hi\"\"\";\" x\";y;\n\"\"\n1;;3.50\n")
  }

  func testUnencodableCharacterFailsAndLeavesNoFile() throws {
    let dir = try temporaryFolder(self)
    let path = dir.appendingPathComponent("latin.csv").path
    XCTAssertThrowsError(try write([["a"], ["中"]], to: path, .init(encoding: "latin-1"))) { e in
      let err = e as? CSVWriteError
      XCTAssertEqual(err?.code, .unencodable)
      XCTAssertEqual(err?.file, path)
      XCTAssertEqual(err?.record, 2)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
  }

  func testUnfinishedWriterLeavesNoFile() throws {
    let dir = try temporaryFolder(self)
    let path = dir.appendingPathComponent("partial.csv").path
    do {
      let w = try CSVWriter(path: path)
      try w.write(fields: ["a"])
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    XCTAssertThrowsError(try CSVWriter(path: "/nonexistent-dir/x.csv")) { e in
      XCTAssertEqual((e as? CSVWriteError)?.code, .cannotCreate)
    }
  }

  /// The file is replaced only by the final rename: when that fails (the destination is a folder that is
  /// not empty), `finish()` reports it against the destination and no temporary file is left behind.
  func testFailedReplaceReportsTheDestinationAndLeavesNoTemporaryFile() throws {
    let dir = try temporaryFolder(self)
    let destination = dir.appendingPathComponent("汇总.csv")
    try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
    try Data("x".utf8).write(to: destination.appendingPathComponent("keep.txt"))
    let w = try CSVWriter(path: destination.path)
    try w.write(fields: ["序号", "姓名"])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 2, "the temporary file sits beside the destination")
    XCTAssertThrowsError(try w.finish()) { e in
      let err = e as? CSVWriteError
      XCTAssertEqual(err?.code, .ioError)
      XCTAssertEqual(err?.file, destination.path)
      XCTAssertTrue(err?.detail.contains("cannot replace the file") == true, "\(e)")
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["汇总.csv"])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: destination.path), ["keep.txt"])
    XCTAssertThrowsError(try w.write(fields: ["1"])) { XCTAssertEqual(($0 as? CSVWriteError)?.code, .closed) }
  }
}

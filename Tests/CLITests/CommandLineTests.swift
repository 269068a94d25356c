import Foundation
import TestSupport
import XCTest

/// The command line's shared behaviour: version, folders, info findings, the progress line.
final class CommandLineTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples/validate" }
  var roster: String { root + "/samples/本级行政执法部门名单.xlsx" }

  func testVersion() throws {
    let r = try CLIRunner.run(["--version"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("sheetgate "), r.stdout)
  }

  func testFolderNamesWhatItSkips() throws {
    let dir = try CLIRunner.temporaryDirectory()
    try FileManager.default.copyItem(atPath: samples + "/乌审旗自然资源局_行政裁量权基准.csv", toPath: dir + "/乌审旗自然资源局_行政裁量权基准.csv")
    try Data("%PDF-1.4".utf8).write(to: URL(fileURLWithPath: dir + "/报送函.pdf"))
    try Data("PK".utf8).write(to: URL(fileURLWithPath: dir + "/说明.docx"))
    for command in [["validate", dir], ["merge", dir, "-o", dir + "/out/汇总.xlsx"]] {
      let r = try CLIRunner.run(command)
      XCTAssertNotEqual(r.status, 2, r.stderr)
      XCTAssertTrue(r.stderr.contains("跳过（不是表格文件）：\(dir)/报送函.pdf"), r.stderr)
      XCTAssertTrue(r.stderr.contains("说明.docx"), r.stderr)
    }
  }

  func testFolderWithoutSpreadsheetAndMissingPathAreUsageErrors() throws {
    let dir = try CLIRunner.temporaryDirectory()
    try Data("%PDF-1.4".utf8).write(to: URL(fileURLWithPath: dir + "/报送函.pdf"))
    let out = dir + "/汇总.xlsx"
    let merge = try CLIRunner.run(["merge", dir, "-o", out])
    XCTAssertEqual(merge.status, 2, merge.stderr)
    XCTAssertTrue(merge.stderr.contains("文件夹 \(dir) 中没有表格文件"), merge.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no empty workbook written")
    let missing = try CLIRunner.run(["validate", dir + "/不存在"], lang: "en_US.UTF-8")
    XCTAssertEqual(missing.status, 2, missing.stderr)
    XCTAssertTrue(missing.stderr.contains("no such file or folder: \(dir)/不存在"), missing.stderr)
    XCTAssertFalse(missing.stderr.contains("The operation could not be completed"), missing.stderr)
    let missingZH = try CLIRunner.run(["merge", dir + "/不存在", "-o", out])
    XCTAssertEqual(missingZH.status, 2, missingZH.stderr)
    XCTAssertTrue(missingZH.stderr.contains("找不到文件或文件夹"), missingZH.stderr)
  }

  func testInfoFindingsAreCountedUnlessVerbose() throws {
    let file = samples + "/乌审旗农牧局_执法人员培训学时统计表.csv"
    let plain = try CLIRunner.run(["validate", file])
    XCTAssertEqual(plain.status, 1, plain.stderr)
    XCTAssertTrue(plain.stdout.contains("另有 2 条提示"), plain.stdout)
    XCTAssertFalse(plain.stdout.contains("提示："), plain.stdout)
    XCTAssertTrue(plain.stdout.contains("错误："), plain.stdout)
    XCTAssertTrue(plain.stdout.contains("警告："), plain.stdout)
    let verbose = try CLIRunner.run(["validate", file, "--verbose"])
    XCTAssertTrue(verbose.stdout.contains("提示："), verbose.stdout)
    XCTAssertFalse(verbose.stdout.contains("另有 2 条提示"), verbose.stdout)
    let en = try CLIRunner.run(["validate", file, "--lang", "en"])
    XCTAssertTrue(en.stdout.contains("2 info findings"), en.stdout)
  }

  func testProgressLineOnlyOnATerminal() throws {
    // Not a terminal (a pipe): never a progress line.
    let piped = try CLIRunner.run(["validate", samples, "--roster", roster])
    XCTAssertFalse(piped.stderr.contains("已处理"), piped.stderr)
    // A terminal, through script(1): work under a second shows none either, so make it long
    // enough by validating the folder many times over; --quiet silences it.
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) not installed") }
    let many = Array(repeating: samples, count: 25)
    func underTerminal(_ extra: [String]) throws -> String {
      let command = ([CLIRunner.binary.path, "validate"] + many + ["--roster", roster, "--format", "json"] + extra)
        .map { "'" + $0 + "'" }.joined(separator: " ")
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
      p.arguments = ["-qec", command + " >/dev/null", "/dev/null"]
      var env = ProcessInfo.processInfo.environment
      env["LANG"] = "zh_CN.UTF-8"
      p.environment = env
      let pipe = Pipe()
      p.standardOutput = pipe
      p.standardInput = FileHandle.nullDevice
      try p.run()
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      return String(decoding: data, as: UTF8.self)
    }
    let shown = try underTerminal([])
    XCTAssertTrue(shown.contains("已处理 "), "a progress line on the terminal: \(shown.suffix(300))")
    let perFolder = try FileManager.default.contentsOfDirectory(atPath: samples).filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".csv") }.count
    XCTAssertTrue(shown.contains("/\(25 * perFolder) 个文件"), shown.suffix(300).description)
    let quiet = try underTerminal(["--quiet"])
    XCTAssertFalse(quiet.contains("已处理"), quiet.suffix(300).description)
  }
}

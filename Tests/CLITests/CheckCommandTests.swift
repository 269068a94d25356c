import Foundation
import TestSupport
import XCTest

/// The checks that span a row's arithmetic, several lists or files, and the roster itself, as the
/// command reports them (the per-file findings are in the goldens; this is the wording and merge).
final class CheckCommandTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples/validate" }
  var roster: String { root + "/samples/本级行政执法部门名单.xlsx" }

  func testARosterWithErrorsIsUsedAndSaysSoOnStderr() throws {
    let badRoster = samples + "/乌审旗本级行政执法部门名单_2023年更新.xlsx"
    let file = samples + "/乌审旗综合行政执法局_培训学时台账_2023.xlsx"
    let r = try CLIRunner.run(["validate", file, "--roster", badRoster])
    XCTAssertEqual(r.status, 0, "the roster's errors are not the submission's: \(r.stdout)\(r.stderr)")
    XCTAssertTrue(r.stderr.contains("有 6 处错误，仍按此名单校验"), r.stderr)
    XCTAssertTrue(r.stderr.contains("11150626MB0P884551"), "the first errors are quoted: \(r.stderr)")
    XCTAssertEqual(r.stderr.components(separatedBy: "\n  ").count - 1, 4, "three findings and a pointer to the rest: \(r.stderr)")
    let en = try CLIRunner.run(["validate", file, "--roster", badRoster, "--lang", "en"])
    XCTAssertTrue(en.stderr.contains("has 6 errors; it is used all the same"), en.stderr)
    let clean = try CLIRunner.run(["validate", file, "--roster", roster])
    XCTAssertEqual(clean.stderr, "", "a clean roster loads silently")
  }

  func testARosterSentForCheckingIsRecognised() throws {
    let r = try CLIRunner.run(["validate", samples + "/乌审旗本级行政执法部门名单_2023年更新.xlsx", "--verbose"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stdout.contains("识别为「本级行政执法部门名单」"), r.stdout)
    XCTAssertFalse(r.stdout.contains("没有找到可识别的表头"), r.stdout)
  }

  func testAFileWithoutAHeaderIsNotCalledASheet() throws {
    let dir = try CLIRunner.temporaryDirectory()
    try "甲,乙\n1,2\n".write(toFile: dir + "/杂项.csv", atomically: true, encoding: .utf8)
    let r = try CLIRunner.run(["validate", dir + "/杂项.csv"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stdout.contains("「杂项.csv」中没有找到可识别的表头"), r.stdout)
    XCTAssertFalse(r.stdout.contains("工作表「杂项.csv」"), r.stdout)
  }

  func testAbbreviationsAreSuggestedWithAConfidence() throws {
    let file = samples + "/乌审旗司法局_分管领导联络员回执表_2023.xlsx"
    let r = try CLIRunner.run(["validate", file, "--roster", roster])
    XCTAssertTrue(r.stdout.contains("「乌审旗应急管理局」（按简写匹配，把握程度85%，请核对）"), r.stdout)
    XCTAssertTrue(r.stdout.contains("「乌审旗市场监督管理局」（按简写匹配，把握程度75%，请核对）"), r.stdout)
    let en = try CLIRunner.run(["validate", file, "--roster", roster, "--lang", "en"])
    XCTAssertTrue(en.stdout.contains("\"乌审旗应急管理局\" (matched as an abbreviation, confidence 85%; please check)"), en.stdout)
  }

  func testFifteenDigitIDsGetTheirEighteenDigitForm() throws {
    let r = try CLIRunner.run(["validate", samples + "/乌审旗林业和草原局_执法人员培训学时台账_2023.xlsx", "--roster", roster])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stdout.contains("应为「150626197503021171」"), r.stdout)
  }

  func testRuleNotEvaluatedIsReportedWithItsReason() throws {
    let r = try CLIRunner.run(["validate", samples + "/乌审旗司法局_行政执法监督平台案件录入情况_2023.csv", "--roster", roster])
    XCTAssertTrue(r.stdout.contains("第9行无法按规则计算（数值超出可计算范围）"), r.stdout)
    let en = try CLIRunner.run(["validate", samples + "/乌审旗司法局_行政执法监督平台案件录入情况_2023.csv", "--roster", roster, "--lang", "en"])
    XCTAssertTrue(en.stdout.contains("could not be evaluated (a number too large to compute with)"), en.stdout)
  }

  func testMergeReportsDocumentsInTwoListsAndOfficersOfTwoAgencies() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let inputs = ["乌审旗司法局_规范性文件清理目录_2023.xlsx", "乌审旗综合行政执法局_规范性文件清理目录_2023.xlsx",
                  "乌审旗综合行政执法局_培训学时台账_2023.xlsx", "乌审旗应急管理局_执法人员培训学时台账_2023.xlsx"].map { samples + "/" + $0 }
    // Each file alone is clean.
    let each = try CLIRunner.run(["validate"] + inputs + ["--roster", roster])
    XCTAssertEqual(each.status, 0, each.stdout)
    let r = try CLIRunner.run(["merge"] + inputs + ["--roster", roster, "-o", dir + "/汇总.xlsx"])
    XCTAssertEqual(r.status, 1, "cross-file findings are errors: \(r.stdout)\(r.stderr)")
    let exclusive = r.stdout.split(separator: "\n").filter { $0.contains("exclusive-listing") }
    XCTAssertEqual(exclusive.count, 4, "乌政办发〔2020〕88号 and the 裁量权基准 opinion, at each listing: \(r.stdout)")
    XCTAssertTrue(exclusive.contains { $0.contains("乌审旗综合行政执法局_规范性文件清理目录_2023.xlsx!宣布失效  第4行") && $0.contains("乌政办发〔2020〕88号") },
                  r.stdout)
    XCTAssertTrue(exclusive.contains { $0.contains("文件名称=乌审旗人民政府关于进一步规范行政裁量权基准制定和管理工作的实施意见") }, r.stdout)
    let officers = r.stdout.split(separator: "\n").filter { $0.contains("duplicate-across-agencies") }
    XCTAssertEqual(officers.count, 1, r.stdout)
    XCTAssertTrue(officers.first?.contains("身份证号=150626198811203414") ?? false, r.stdout)
    XCTAssertTrue(officers.first?.contains("乌审旗应急管理局") ?? false, r.stdout)
  }
}

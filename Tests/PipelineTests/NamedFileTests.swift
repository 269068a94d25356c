import Foundation
import Pipeline
import TestSupport
import XCTest

/// A file saved under a name of the program's making (a mail attachment in the run's work folder) is still
/// known by the name its sender gave it: recognition reads the agency from that name, and the findings carry it.
final class NamedFileTests: XCTestCase {
  func testTheGivenNameIsWhatRecognitionAndFindingsSee() throws {
    let dir = try CLIRunner.temporaryDirectory()
    // No 填报单位 line and no agency column: only the file name can say whose ledger it is.
    let csv = """
      序号,姓名,执法证号,身份证号,职务,公共法律知识学时,行业法律知识学时,合计学时,培训方式,培训日期,备注
      1,张伟,15062719000001,150621197603239231,科员,32,30,62,集中轮训,2023-03-19,
      2,王芳,15062719000002,15062119760323923X,科员,20,30,50,网络培训,2023-04-02,

      """
    let path = dir + "/0123456789abcdef-00000000000000ff-0"
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
    let name = "乌审旗综合行政执法局_培训学时台账_2023.csv"
    let job = try ValidateJob(options: ValidateJob.Options())

    let named = try job.run(path: path, name: name)
    XCTAssertEqual(named.file, name)
    XCTAssertEqual(named.metadata.first?.agency, "乌审旗综合行政执法局")
    let findings = named.tables.flatMap(\.diagnostics)
    XCTAssertFalse(findings.isEmpty)  // the second officer is under 60 hours: a policy finding at least
    for d in findings { XCTAssertEqual(d.location.file, name, "\(d)") }

    // The same bytes known only by their path: no agency, and the path's name in the findings.
    let bare = try job.run(path: path)
    XCTAssertEqual(bare.file, "0123456789abcdef-00000000000000ff-0")
    XCTAssertNil(bare.metadata.first?.agency)
    XCTAssertEqual(bare.tables.flatMap(\.diagnostics).first?.location.file, "0123456789abcdef-00000000000000ff-0")
  }
}

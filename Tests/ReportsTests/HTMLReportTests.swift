import Foundation
@testable import Reports
import TestSupport
import XCTest

/// The HTML page and index: structure, escaping, and a real render in headless Chromium.
final class HTMLReportTests: XCTestCase {
  func testPageListsEveryFindingWithItsCellAndEscapesValues() {
    let s = ReportFixtures.submission()
    let html = HTMLReport(submission: s).render()
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    XCTAssertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    XCTAssertFalse(html.contains("<script"), "no scripts, and no unescaped value")
    XCTAssertFalse(html.contains("<link"), "no external style sheets")
    XCTAssertFalse(html.contains("src="), "no external assets")
    XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    XCTAssertTrue(html.contains("乌审旗司法局_培训&lt;台账&gt;.xlsx"))
    for f in s.findings() {
      if let a1 = f.a1 { XCTAssertTrue(html.contains(">培训学时台账!\(a1)<"), "missing \(a1)") }
      XCTAssertTrue(html.contains(HTMLEscape.text(f.message.message)), "missing \(f.message.message)")
    }
    XCTAssertTrue(html.contains("共发现 6 个问题"))
    XCTAssertTrue(html.contains("class=\"finding error\""))
    XCTAssertTrue(html.contains("class=\"finding policy\""))
    XCTAssertTrue(html.contains("<h3>第4行</h3>"))
  }

  func testIndexLinksEveryPageAndListsUnreadableFiles() {
    let s = ReportFixtures.submission()
    let index = HTMLIndex(entries: [.init(submission: s, page: "乌审旗司法局_培训<台账>_校验结果.html"),
                                    .init(unreadable: "旧表.xls", problem: "这是旧版 Excel 97-2003 工作簿（.xls）")]).render()
    XCTAssertTrue(index.contains("href=\"%E4%B9%8C"), "links are percent-encoded")
    XCTAssertTrue(index.contains("%3C%E5%8F%B0%E8%B4%A6%3E"))
    XCTAssertTrue(index.contains(">乌审旗司法局_培训&lt;台账&gt;.xlsx</a>"))
    XCTAssertTrue(index.contains("共 2 份材料：通过 0 份，未通过 1 份，无法读取 1 份"))
    XCTAssertTrue(index.contains("旧表.xls"))
    XCTAssertTrue(index.contains("执法人员培训学时台账"))
  }

  /// Renders the page at a phone's width and checks the screenshot is a real, non-blank image.
  func testChromiumRendersThePageOnAPhone() throws {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw XCTSkip("chromium is not installed (Debian: apt-get install chromium); skipping the browser render")
    }
    let dir = try ReportFixtures.temporaryDirectory()
    let page = dir + "/page.html"
    try ReportFile.write(HTMLReport(submission: ReportFixtures.submission()).render(), to: page)
    let blank = dir + "/blank.html"
    try ReportFile.write("<!DOCTYPE html><html><body></body></html>", to: blank)
    func shoot(_ html: String, _ png: String) throws -> Data {
      let r = try PythonReaders.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                     "--user-data-dir=\(dir)/profile", "--screenshot=\(png)", "--window-size=412,900",
                                     "file://" + html])
      XCTAssertEqual(r.status, 0, r.stderr)
      return try Data(contentsOf: URL(fileURLWithPath: png))
    }
    let shot = try shoot(page, dir + "/page.png")
    let empty = try shoot(blank, dir + "/blank.png")
    // PNG signature, then the IHDR chunk: width and height as big-endian 32-bit integers.
    XCTAssertEqual(Array(shot.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    XCTAssertEqual(String(decoding: shot[12..<16], as: UTF8.self), "IHDR")
    let width = shot[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let height = shot[20..<24].reduce(0) { $0 << 8 | Int($1) }
    XCTAssertEqual(width, 412)
    XCTAssertEqual(height, 900)
    XCTAssertGreaterThan(shot.count, empty.count * 4, "the page renders content, not a blank screen")
  }
}

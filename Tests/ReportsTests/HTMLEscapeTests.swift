@testable import Reports
import XCTest

final class HTMLEscapeTests: XCTestCase {
  func testEscapesMarkupAndQuotes() {
    XCTAssertEqual(HTMLEscape.text("<script>alert('x&y')</script>\""),
                   "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;&quot;")
    XCTAssertEqual(HTMLEscape.text("乌审旗交通运输局"), "乌审旗交通运输局")
  }

  func testHrefKeepsFileNameInOneSegment() {
    XCTAssertEqual(HTMLEscape.href(fileName: "a#b?c%d e.html"), "a%23b%3Fc%25d%20e.html")
    XCTAssertEqual(HTMLEscape.href(fileName: "x\"><script>.html"), "x%22%3E%3Cscript%3E.html")
  }
}

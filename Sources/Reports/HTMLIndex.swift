import Foundation

/// `index.html` over every submission of a run: file, ledger, rows, errors, warnings, policy
/// findings, pass or fail, and a link to each submission's page. Files that could not be read
/// are listed with the reason.
///
/// ```swift
/// let index = HTMLIndex(entries: [.init(submission: s, page: "培训_校验结果.html")],
///                       generatedAt: Date())
/// try ReportFile.write(index.render(), to: "out/index.html")
/// ```
///
/// - Complexity: O(number of submissions).
public struct HTMLIndex {
  /// One line of the index.
  public struct Entry: Sendable {
    /// The submission's file name.
    public var file: String
    /// Its findings, or nil when it could not be read.
    public var submission: SubmissionReport?
    /// The file name of its page in the same folder, if one was written.
    public var page: String?
    /// Why it could not be read (in Chinese), when ``submission`` is nil.
    public var problem: String?

    /// An entry for a checked submission with its page.
    public init(submission: SubmissionReport, page: String?) {
      self.file = submission.file
      self.submission = submission
      self.page = page
    }

    /// An entry for a file that could not be read.
    public init(unreadable file: String, problem: String) {
      self.file = file
      self.problem = problem
    }
  }

  /// The lines, in the order given.
  public var entries: [Entry]
  /// When the run happened.
  public var generatedAt: Date

  /// Describes the index page.
  public init(entries: [Entry], generatedAt: Date = Date()) {
    self.entries = entries
    self.generatedAt = generatedAt
  }

  /// The page as HTML text.
  public func render() -> String {
    var h = HTMLPage(title: "报送材料校验汇总")
    let checked = entries.compactMap(\.submission)
    let failed = checked.filter { !$0.isValid }.count
    let unreadable = entries.count - checked.count
    h.open("header", class: "card")
    h.line("<h1>报送材料校验汇总</h1>")
    var summary = "共 \(entries.count) 份材料：通过 \(checked.count - failed) 份，未通过 \(failed) 份"
    if unreadable > 0 { summary += "，无法读取 \(unreadable) 份" }
    h.line("<p class=\"summary\">\(summary)。</p>")
    h.line("<p class=\"meta\">校验时间：\(HTMLEscape.text(SubmissionReport.timeText(generatedAt)))</p>")
    h.close("header")
    h.line("<div class=\"scroll\"><table class=\"list\">")
    h.line("<thead><tr><th>文件</th><th>台账</th><th>行数</th><th>错误</th><th>警告</th><th>政策提示</th>"
           + "<th>结论</th></tr></thead>")
    h.line("<tbody>")
    for e in entries {
      var cells = ""
      let name = HTMLEscape.text(e.file)
      if let page = e.page {
        cells += "<td data-label=\"文件\"><a href=\"\(HTMLEscape.href(fileName: page))\">\(name)</a></td>"
      } else {
        cells += "<td data-label=\"文件\">\(name)</td>"
      }
      if let s = e.submission {
        let st = s.stats
        let ledgers = s.ledgerNames.joined(separator: "、")
        cells += "<td data-label=\"台账\">\(HTMLEscape.text(ledgers.isEmpty ? "未识别" : ledgers))</td>"
        cells += "<td class=\"num\" data-label=\"行数\">\(st.rows)</td>"
        cells += "<td class=\"num\" data-label=\"错误\">\(st.errors)</td>"
        cells += "<td class=\"num\" data-label=\"警告\">\(st.warnings)</td>"
        cells += "<td class=\"num\" data-label=\"政策提示\">\(st.policyFindings)</td>"
        cells += s.isValid ? "<td data-label=\"结论\"><span class=\"status pass\">通过</span></td>"
                           : "<td data-label=\"结论\"><span class=\"status fail\">未通过</span></td>"
      } else {
        cells += "<td data-label=\"台账\" colspan=\"5\">\(HTMLEscape.text(e.problem ?? ""))</td>"
        cells += "<td data-label=\"结论\"><span class=\"status fail\">无法读取</span></td>"
      }
      h.line("<tr>\(cells)</tr>")
    }
    h.line("</tbody></table></div>")
    h.line("<footer>点击文件名查看该份材料的问题清单。</footer>")
    return h.finish()
  }
}

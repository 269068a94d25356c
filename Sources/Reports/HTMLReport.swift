import Diagnostics
import Foundation
import Validation

/// One self-contained HTML page per submission: the summary, then the findings grouped by sheet
/// and row, each with its cell, field, value, problem and what to do, coloured by severity.
///
/// The page needs nothing but itself (inline CSS, no scripts, fonts or images), so it opens from
/// an e-mail attachment; it is laid out for a phone first (one column, 17 px text) and widens on
/// a desktop. Every piece of text from the submission is escaped.
///
/// ```swift
/// let html = HTMLReport(submission: submission).render()
/// try ReportFile.write(html, to: "out/培训_校验结果.html")
/// ```
///
/// - Complexity: O(n) in the kept findings (bounded by the collector's limit); the page is built
///   in memory.
public struct HTMLReport {
  /// The submission the page is about.
  public var submission: SubmissionReport

  /// Describes the page.
  public init(submission: SubmissionReport) { self.submission = submission }

  /// The page as HTML text.
  public func render() -> String {
    let s = submission.stats
    var h = HTMLPage(title: "\(submission.file) 校验结果")
    h.open("header", class: "card")
    h.line("<h1>报送材料校验结果</h1>")
    h.line("<p class=\"file\">\(HTMLEscape.text(submission.file))</p>")
    let pass = submission.isValid
    h.line("<p class=\"summary\"><span class=\"status \(pass ? "pass" : "fail")\">\(pass ? "校验通过" : "未通过")</span>"
           + "\(HTMLEscape.text(submission.summaryZH))</p>")
    h.line("<ul class=\"chips\">"
           + "<li class=\"error\">错误 \(s.errors)</li><li class=\"warning\">警告 \(s.warnings)</li>"
           + "<li class=\"policy\">政策提示 \(s.policyFindings)</li><li>提示 \(s.infos)</li>"
           + "<li>检查 \(s.rows) 行</li></ul>")
    let ledgers = submission.ledgerNames.joined(separator: "、")
    h.line("<p class=\"meta\"><span>台账：\(HTMLEscape.text(ledgers.isEmpty ? "未识别" : ledgers))</span>　"
           + "<span class=\"nw\">校验时间：\(HTMLEscape.text(submission.checkedAtText))</span></p>")
    h.close("header")

    let findings = submission.findings()
    var start = 0
    for (ti, t) in submission.tables.enumerated() {
      var end = start
      while end < findings.count && findings[end].table == ti { end += 1 }
      section(&h, table: t, findings: findings[start..<end])
      start = end
    }
    h.line("<footer>本页由司法局报表校验系统生成。请按“修改建议”修改原表后重新报送；如对结果有疑问，请联系司法局。</footer>")
    return h.finish()
  }

  /// One sheet: its heading and its findings, grouped by row.
  private func section(_ h: inout HTMLPage, table t: TableReport, findings: ArraySlice<ReportFinding>) {
    h.open("section")
    let sheet = t.sheet ?? submission.file
    let ledger = t.schema.map { submission.ledgerTitles[$0] ?? $0 }
    var heading = "工作表：" + HTMLEscape.text(sheet)
    if let ledger { heading += "（\(HTMLEscape.text(ledger))）" }
    h.line("<h2>\(heading)</h2>")
    let s = t.stats
    h.line("<p class=\"meta\">\(t.isValid ? "通过" : "未通过")，\(s.rows) 行，错误 \(s.errors) 个，警告 \(s.warnings) 个，"
           + "政策提示 \(s.policyFindings) 个</p>")
    if findings.isEmpty { h.line("<p>本工作表未发现问题。</p>") }
    var currentRow: Int?? = .none
    var inInfo = false
    for f in findings {
      let row = f.diagnostic.location.row
      if f.diagnostic.severity == .info && !inInfo {
        inInfo = true
        currentRow = .none
        h.line("<h3 class=\"infohead\">以下为提示信息，无需修改</h3>")
      }
      if currentRow == nil || currentRow! != row {
        currentRow = .some(row)
        h.line("<h3>\(row.map { "第\($0 + 1)行" } ?? "整表")</h3>")
      }
      finding(&h, f, sheet: t.sheet)
    }
    if t.isPartial {
      h.line("<p class=\"partial\">问题超过上限，本工作表仅列出前 \(t.diagnostics.count) 条。</p>")
    }
    h.close("section")
  }

  /// One finding as a card: severity, cell, field, value, problem and what to do.
  private func finding(_ h: inout HTMLPage, _ f: ReportFinding, sheet: String?) {
    let d = f.diagnostic
    let cls = d.severity.description
    h.open("div", class: "finding \(cls)")
    var top = "<span class=\"sev \(cls)\">\(f.severityText)</span>"
    if let a1 = f.a1 {
      let ref = sheet.map { "\($0)!\(a1)" } ?? a1
      top += "<span class=\"cell\">\(HTMLEscape.text(ref))</span>"
    } else {
      top += "<span class=\"cell\">\(HTMLEscape.text(f.placeText))</span>"
    }
    if let field = d.field, !field.isEmpty { top += "　<span class=\"field\">\(HTMLEscape.text(field))</span>" }
    if let v = d.value, !v.isEmpty { top += "　<span class=\"value\">\(HTMLEscape.text(v))</span>" }
    h.line("<div>\(top)</div>")
    h.line("<p class=\"problem\">\(HTMLEscape.text(f.message.message))</p>")
    if !f.message.hint.isEmpty { h.line("<p class=\"hint\">\(HTMLEscape.text(f.message.hint))</p>") }
    h.close("div")
  }
}

/// A small builder for the report pages: the document head with the inline style, then lines.
struct HTMLPage {
  private var out = ""

  /// Starts a page with `title` (escaped here).
  init(title: String) {
    out.reserveCapacity(16 * 1024)
    out += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    out += "<meta name=\"format-detection\" content=\"telephone=no\">\n"
    out += "<title>\(HTMLEscape.text(title))</title>\n<style>\n\(HTMLStyle.css)\n</style>\n</head>\n<body>\n<main>\n"
  }

  /// Appends a line of already-escaped HTML.
  mutating func line(_ html: String) { out += html; out += "\n" }

  /// Opens an element with an optional class.
  mutating func open(_ tag: String, class cls: String? = nil) {
    out += cls.map { "<\(tag) class=\"\($0)\">\n" } ?? "<\(tag)>\n"
  }

  /// Closes an element.
  mutating func close(_ tag: String) { out += "</\(tag)>\n" }

  /// Ends the document and returns it.
  mutating func finish() -> String {
    out += "</main>\n</body>\n</html>\n"
    return out
  }
}

import Batch
import Diagnostics
import Foundation
import Reports
import Store

/// The portal's pages: server-rendered HTML in Chinese, one inline style sheet, no external assets, readable
/// on a phone and in old browsers; the only script is a few lines that let a file be dropped on the form.
enum Pages {
  /// Escapes text for HTML content and attribute values (the reports' escaping: `& < > " '`).
  static func esc(_ s: String) -> String { HTMLEscape.text(s) }

  /// Percent-encodes a query value.
  static func query(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics) ?? ""
  }

  static let style = """
    body{font-family:"Microsoft YaHei","WenQuanYi Micro Hei",SimSun,sans-serif;margin:0;background:#f5f6f8;color:#222;font-size:15px}
    header{background:#1f4e79;color:#fff;padding:10px 16px}header h1{font-size:18px;margin:0}
    main{padding:12px 16px;max-width:1100px;margin:0 auto}
    section{background:#fff;border:1px solid #dde;border-radius:4px;padding:10px 14px;margin:12px 0}
    h2{font-size:16px;margin:4px 0 8px}table{border-collapse:collapse;width:100%;font-size:14px}
    th,td{border:1px solid #ccd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eef1f6}
    .ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}.miss{color:#8a6d00;font-weight:bold}.muted{color:#777}
    .drop{border:2px dashed #8aa;padding:18px;text-align:center;background:#fafcff}.drop.over{background:#e3f0ff}
    button,.btn{background:#1f4e79;color:#fff;border:0;padding:6px 14px;border-radius:3px;font-size:15px;text-decoration:none;display:inline-block}
    .wrap{overflow-x:auto}form.inline{display:inline}input[type=password],input[type=text],select{padding:4px;font-size:15px}
    @media (max-width:600px){th,td{font-size:13px;padding:3px}}
    """

  static func page(_ title: String, _ body: String, header: String? = nil) -> String {
    """
    <!DOCTYPE html>
    <html lang="zh-CN"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="X-UA-Compatible" content="IE=edge">
    <title>\(esc(title))</title><style>\(style)</style></head>
    <body><header><h1>\(esc(header ?? title))</h1></header><main>
    \(body)
    </main></body></html>
    """
  }

  /// A time stored as ISO 8601 (UTC) shown in China time: `2023-07-25 18:00`.
  static func time(_ iso: String) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let g = ISO8601DateFormatter()
    g.formatOptions = [.withInternetDateTime]
    guard let d = f.date(from: iso) ?? g.date(from: iso) else { return iso }
    let out = DateFormatter()
    out.locale = Locale(identifier: "en_US_POSIX")
    out.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
    out.dateFormat = "yyyy-MM-dd HH:mm"
    return out.string(from: d)
  }

  static func statusLabel(_ status: String) -> String {
    switch status {
    case "valid": return "<span class=\"ok\">通过</span>"
    case "invalid": return "<span class=\"bad\">有错误</span>"
    case "unrecognized": return "<span class=\"bad\">未识别出台账</span>"
    case "unreadable": return "<span class=\"bad\">无法读取</span>"
    case "closed": return "<span class=\"miss\">收集已关闭</span>"
    default: return esc(status)
    }
  }

  // MARK: Agency pages

  /// The script that lets a file be dropped on the upload area (old browsers use the picker).
  static let dropScript = """
    <script>
    (function(){var z=document.getElementById('drop'),f=document.getElementById('files');if(!z||!f||!window.FormData)return;
    z.ondragover=function(e){e.preventDefault();z.className='drop over';};z.ondragleave=function(){z.className='drop';};
    z.ondrop=function(e){e.preventDefault();z.className='drop';try{f.files=e.dataTransfer.files;}catch(x){return;}if(f.files.length)z.parentNode.submit();};})();
    </script>
    """

  static func agencyPage(portal: Portal, agency: String, token: String, csrf: String, results: [Portal.UploadResult]? = nil,
                         notice: String? = nil) -> String {
    var b = ""
    if let notice { b += "<section><p class=\"bad\">\(esc(notice))</p></section>" }
    if let results { b += resultsSection(results, token: token) }
    let status = portal.agencyStatus(agency)
    b += "<section><h2>本单位需报送的台账</h2><div class=\"wrap\"><table><tr><th>台账</th><th>截止日期</th><th>状态</th><th>模板</th></tr>"
    for c in portal.collections() {
      let st = status[c.index]
      let label: String
      switch st?.status {
      case .some(.valid): label = "<span class=\"ok\">已通过</span>（\(time(st!.receivedAt))）"
      case .some(.invalid): label = "<span class=\"bad\">有错误</span>，请修改后重新上传"
      default: label = "<span class=\"miss\">未报送</span>"
      }
      let closed = c.open ? "" : "<br><span class=\"muted\">收集已关闭</span>"
      b += "<tr><td>\(esc(c.title))</td><td>\(esc(c.deadline ?? "—"))</td><td>\(label)\(closed)</td>"
        + "<td><a href=\"/a/\(token)/template/\(c.index)\">下载填报模板</a><br><span class=\"muted\">列：\(esc(Template.columns(c.schema).joined(separator: "、")))</span></td></tr>"
    }
    b += "</table></div></section>"
    if portal.collections().contains(where: \.open) {
      b += """
        <section><h2>上传台账</h2>
        <form method="post" action="/a/\(token)/upload" enctype="multipart/form-data">
        <input type="hidden" name="csrf" value="\(esc(csrf))">
        <div class="drop" id="drop"><p>将 Excel 台账（.xlsx / .csv）拖到此处，或点击选择文件（可多选）</p>
        <input type="file" name="file" id="files" multiple accept=".xlsx,.xlsm,.csv,.xls"></div>
        <p><button type="submit">上传并校验</button> <span class="muted">上传后立即显示校验结果；单个文件不超过 \(portal.config.serve.maxUploadMB) MB。</span></p>
        </form></section>
        \(dropScript)
        """
    } else {
      b += "<section><p class=\"muted\">目前没有正在收集的台账。</p></section>"
    }
    let history = (try? portal.desk.store.uploads(agency: agency, limit: 50)) ?? []
    b += "<section><h2>本单位的报送记录</h2>"
    if history.isEmpty {
      b += "<p class=\"muted\">尚无报送记录。</p>"
    } else {
      b += "<div class=\"wrap\"><table><tr><th>时间</th><th>文件</th><th>结果</th><th>行数</th><th>错误</th><th>校验报告</th></tr>"
      for u in history {
        let link = u.hasReport ? "<a href=\"/a/\(token)/report/\(u.ref)\">下载</a>" : "—"
        b += "<tr><td>\(time(u.receivedAt))</td><td>\(esc(u.fileName))</td><td>\(statusLabel(u.status))</td><td>\(u.rows)</td><td>\(u.errors)</td><td>\(link)</td></tr>"
      }
      b += "</table></div>"
    }
    b += "</section>"
    return page("\(agency) · 台账报送", b, header: "台账报送 · \(agency)")
  }

  /// The verdict of each uploaded file, with its findings and its annotated workbook.
  static func resultsSection(_ results: [Portal.UploadResult], token: String?, admin: Bool = false) -> String {
    var b = "<section id=\"result\"><h2>校验结果</h2>"
    for r in results {
      let u = r.record
      b += "<h3>\(esc(u.fileName))：\(statusLabel(u.status))</h3>"
      if !u.ledgers.isEmpty { b += "<p>台账：\(esc(u.ledgers))；数据 \(u.rows) 行；错误 \(u.errors) 处；提醒 \(u.warnings) 处。</p>" }
      if u.status == "valid" { b += "<p class=\"ok\">校验通过，已收到。</p>" }
      if !u.problem.isEmpty { b += "<p class=\"bad\">\(esc(u.problem))</p>" }
      if u.hasReport, let token {
        let what = u.status == "valid" ? "下载回执" : "下载标注了问题的工作簿"
        b += "<p><a class=\"btn\" href=\"/a/\(token)/report/\(u.ref)\">\(what)</a></p>"
      }
      if let checked = r.checked, u.status == "invalid" || u.warnings > 0 {
        let diags = checked.report.tables.flatMap(\.diagnostics)
        if !diags.isEmpty {
          b += "<div class=\"wrap\"><table class=\"findings\"><tr><th>位置</th><th>级别</th><th>问题</th><th>如何修改</th></tr>"
          for d in diags.prefix(300) {
            let m = MessageCatalog.render(d, lang: .zhCN)
            var loc = d.location.sheet.map { "“\($0)” " } ?? ""
            if let a1 = d.location.a1 { loc += a1 } else if let row = d.location.row { loc += "第\(row + 1)行" }
            let level = d.severity == .error ? "<span class=\"bad\">错误</span>" : "提醒"
            b += "<tr><td>\(esc(loc))</td><td>\(level)</td><td>\(esc(m.message))</td><td>\(esc(m.hint))</td></tr>"
          }
          b += "</table></div>"
          if diags.count > 300 { b += "<p class=\"muted\">仅显示前 300 条，完整清单见标注工作簿的“问题清单”。</p>" }
        }
      }
    }
    return b + "</section>"
  }

  static func message(_ title: String, _ text: String) -> String {
    page(title, "<section><p>\(esc(text))</p></section>")
  }

  // MARK: Admin pages

  static func login(csrf: String, error: String? = nil) -> String {
    page("管理员登录", """
      <section><form method="post" action="/admin/login">
      <input type="hidden" name="csrf" value="\(esc(csrf))">
      \(error.map { "<p class=\"bad\">\(esc($0))</p>" } ?? "")
      <p><label>密码：<input type="password" name="password" autofocus></label> <button type="submit">登录</button></p>
      </form></section>
      """)
  }

  static func adminNav(csrf: String) -> String {
    """
    <div><a href="/admin">报送情况</a> · <a href="/admin/audit">审计日志</a> ·
    <form class="inline" method="post" action="/admin/logout"><input type="hidden" name="csrf" value="\(esc(csrf))"><button type="submit">退出</button></form></div>
    """
  }

  static func dashboard(portal: Portal, csrf: String, filter: String?, collection: Int?, search: String?) -> String {
    let cols = portal.collections()
    let shown = cols.filter { collection == nil || $0.index == collection }
    let matrix = portal.matrix()
    var b = adminNav(csrf: csrf)
    b += "<section><h2>收集任务</h2><div class=\"wrap\"><table><tr><th>台账</th><th>截止</th><th>已通过</th><th>有错误</th><th>未报送</th><th>状态</th><th>下载</th></tr>"
    for c in cols {
      let cells = matrix.rows.map { $0.cells[c.index] }
      let ok = cells.filter { $0.state == .passed }.count, bad = cells.filter { $0.state == .failed }.count
      let missing = cells.filter { $0.state == .missing }.count
      let toggle = """
        <form class="inline" method="post" action="/admin/collection/\(c.index)"><input type="hidden" name="csrf" value="\(esc(csrf))">\
        <input type="hidden" name="action" value="\(c.open ? "close" : "open")"><button type="submit">\(c.open ? "关闭收集" : "重新开放")</button></form>
        """
      b += "<tr><td>\(esc(c.title))</td><td>\(esc(c.deadline ?? "—"))</td><td>\(ok)</td><td>\(bad)</td><td>\(missing)</td>"
        + "<td>\(c.open ? "<span class=\"ok\">收集中</span>" : "<span class=\"muted\">已关闭</span>") \(toggle)</td>"
        + "<td><a href=\"/admin/consolidated/\(c.index)\">汇总表</a> · <a href=\"/admin/missing/\(c.index)\">未报送名单</a></td></tr>"
    }
    b += "</table></div></section>"
    b += "<section><h2>各单位报送情况</h2><form method=\"get\" action=\"/admin\">"
    b += "<select name=\"status\"><option value=\"\">全部状态</option>"
    for s in ["未报送", "有错误", "已通过"] { b += "<option\(filter == s ? " selected" : "")>\(s)</option>" }
    b += "</select> <select name=\"collection\"><option value=\"\">全部台账</option>"
    for c in cols { b += "<option value=\"\(c.index)\"\(collection == c.index ? " selected" : "")>\(esc(c.title))</option>" }
    b += "</select> <input type=\"text\" name=\"q\" placeholder=\"单位名称\" value=\"\(esc(search ?? ""))\"> <button type=\"submit\">筛选</button></form>"
    b += "<div class=\"wrap\"><table id=\"matrix\"><tr><th>单位</th>"
    for c in shown { b += "<th>\(esc(c.title))</th>" }
    b += "</tr>"
    for row in matrix.rows {
      if let q = search, !q.isEmpty, !row.agency.contains(q) { continue }
      if let f = filter, !f.isEmpty, !shown.contains(where: { row.cells[$0.index].state.label == f }) { continue }
      b += "<tr><td><a href=\"/admin/agency?name=\(query(row.agency))\">\(esc(row.agency))</a>\(row.inRoster ? "" : " <span class=\"muted\">（名单外）</span>")</td>"
      for c in shown {
        let cell = row.cells[c.index]
        switch cell.state {
        case .passed: b += "<td class=\"cell\"><span class=\"ok\">已通过</span><br>\(time(cell.receivedAt))<br>\(cell.rows) 行</td>"
        case .failed: b += "<td class=\"cell\"><span class=\"bad\">有错误</span><br>\(time(cell.receivedAt))<br>\(cell.rows) 行，\(cell.errors) 处错误</td>"
        case .missing: b += "<td class=\"cell\"><span class=\"miss\">未报送</span></td>"
        }
      }
      b += "</tr>"
    }
    b += "</table></div></section>"
    return page("报送情况", b, header: "台账报送 · 管理")
  }

  static func agencyDetail(portal: Portal, agency: String, csrf: String) -> String {
    var b = adminNav(csrf: csrf) + "<section><h2>\(esc(agency))：网页上传</h2>"
    let uploads = (try? portal.desk.store.uploads(agency: agency)) ?? []
    if uploads.isEmpty { b += "<p class=\"muted\">无</p>" } else {
      b += "<div class=\"wrap\"><table><tr><th>时间</th><th>文件</th><th>台账</th><th>结果</th><th>行数</th><th>错误</th><th>说明</th><th>报告</th></tr>"
      for u in uploads {
        let link = u.hasReport ? "<a href=\"/admin/report/\(u.ref)\">下载</a>" : "—"
        b += "<tr><td>\(time(u.receivedAt))</td><td>\(esc(u.fileName))</td><td>\(esc(u.ledgers))</td><td>\(statusLabel(u.status))</td>"
          + "<td>\(u.rows)</td><td>\(u.errors)</td><td>\(esc(u.problem))</td><td>\(link)</td></tr>"
      }
      b += "</table></div>"
    }
    b += "</section><section><h2>入库的报送（网页与邮件）</h2>"
    let subs = ((try? portal.desk.store.history(agency: agency)) ?? []).reversed()
    if subs.isEmpty { b += "<p class=\"muted\">无</p>" } else {
      b += "<div class=\"wrap\"><table><tr><th>时间</th><th>文件</th><th>台账</th><th>期间</th><th>状态</th><th>行数</th><th>错误</th><th>说明</th></tr>"
      for s in subs {
        b += "<tr><td>\(time(s.receivedAt))</td><td>\(esc(s.fileName))</td><td>\(esc(s.ledger ?? ""))</td><td>\(esc(s.period))</td>"
          + "<td>\(esc(s.status.labelZH))</td><td>\(s.rows)</td><td>\(s.errors)</td><td>\(esc(s.reason))</td></tr>"
      }
      b += "</table></div>"
    }
    return page(agency, b + "</section>", header: "台账报送 · 管理")
  }

  static func audit(portal: Portal, csrf: String) -> String {
    var b = adminNav(csrf: csrf) + "<section><h2>审计日志（最近 500 条）</h2><div class=\"wrap\"><table><tr><th>时间</th><th>操作者</th><th>操作</th><th>内容</th><th>地址</th></tr>"
    for e in (try? portal.desk.store.auditLog(limit: 500)) ?? [] {
      b += "<tr><td>\(time(e.at))</td><td>\(esc(e.actor))</td><td>\(esc(e.action))</td><td>\(esc(e.detail))</td><td>\(esc(e.address))</td></tr>"
    }
    return page("审计日志", b + "</table></div></section>", header: "台账报送 · 管理")
  }
}

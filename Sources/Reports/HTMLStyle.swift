/// The inline style sheet shared by the HTML pages: no external fonts, images or scripts, so a
/// page opens the same from an e-mail attachment, offline, on a phone or a desktop.
enum HTMLStyle {
  /// Severity colours: red for errors, amber for warnings and policy findings, grey for information.
  static let css = """
    :root{--err:#b3261e;--err-bg:#fde7e9;--warn:#8a5300;--warn-bg:#fff4ce;--pol:#7a4f00;--pol-bg:#fff0c2;\
    --info:#555;--info-bg:#eef0f3;--ok:#1e6b2e;--ok-bg:#dff3e3;--line:#d9dde3;--ink:#1f2328;--muted:#5b6470}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
    body{margin:0;padding:16px;font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",\
    "Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;font-size:17px;line-height:1.6;color:var(--ink);\
    background:#f6f7f9}
    main{max-width:960px;margin:0 auto}
    h1{font-size:1.35em;margin:.2em 0 .4em}
    h2{font-size:1.15em;margin:1.4em 0 .6em;padding-bottom:.3em;border-bottom:2px solid var(--line)}
    h3{font-size:1em;margin:1em 0 .4em;color:var(--muted)}
    .file{word-break:break-all;font-weight:600}
    .card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0 0 14px}
    .summary{font-size:1.05em}
    .status{display:inline-block;padding:2px 12px;border-radius:999px;font-weight:700;margin-right:.4em}
    .status.fail{background:var(--err-bg);color:var(--err)}
    .status.pass{background:var(--ok-bg);color:var(--ok)}
    .chips{display:flex;flex-wrap:wrap;gap:8px;margin:.6em 0 0;padding:0;list-style:none}
    .chips li{padding:4px 12px;border-radius:8px;background:var(--info-bg);font-weight:600}
    .chips .error{background:var(--err-bg);color:var(--err)}
    .chips .warning{background:var(--warn-bg);color:var(--warn)}
    .chips .policy{background:var(--pol-bg);color:var(--pol)}
    .meta{color:var(--muted);font-size:.92em;margin:.4em 0 0}
    .nw{white-space:nowrap}
    .finding{border-left:6px solid var(--info);padding:10px 12px;margin:10px 0;background:#fff;border-radius:6px;\
    border-top:1px solid var(--line);border-right:1px solid var(--line);border-bottom:1px solid var(--line)}
    .finding.error{border-left-color:var(--err)}
    .finding.warning{border-left-color:#d69e00}
    .finding.policy{border-left-color:#e0a800}
    .sev{display:inline-block;font-size:.85em;font-weight:700;padding:0 8px;border-radius:6px;margin-right:6px}
    .sev.error{background:var(--err-bg);color:var(--err)}
    .sev.warning{background:var(--warn-bg);color:var(--warn)}
    .sev.policy{background:var(--pol-bg);color:var(--pol)}
    .sev.info{background:var(--info-bg);color:var(--info)}
    .cell{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
    .field{font-weight:600}
    .value{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 6px;border-radius:4px;\
    word-break:break-all}
    .problem{margin:.3em 0 0}
    .hint{margin:.3em 0 0;color:#0b5394}
    .hint::before{content:"修改建议：";font-weight:700}
    .partial{color:var(--err);font-weight:600}
    table{border-collapse:collapse;width:100%;background:#fff}
    th,td{border:1px solid var(--line);padding:8px 10px;text-align:left;vertical-align:top}
    th{background:#eef0f3;white-space:nowrap}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
    a{color:#0b57d0}
    footer{color:var(--muted);font-size:.85em;margin:2em 0 1em;text-align:center}
    @media (max-width:600px){body{padding:10px;font-size:17px}.card{padding:12px}
    table.list thead{display:none}table.list tr{display:block;border:1px solid var(--line);border-radius:8px;\
    margin:0 0 10px;background:#fff}table.list td{display:flex;justify-content:space-between;gap:12px;border:none;\
    border-bottom:1px solid #eef0f3}table.list td::before{content:attr(data-label);font-weight:600;\
    color:var(--muted);flex:none}table.list td.num{text-align:right}}
    @media print{body{background:#fff}.card,.finding{break-inside:avoid}}
    """
}

import Diagnostics
import Tabular
import Validation

extension ValidationReport {
  /// The report as terminal text, grouped by row: for each finding the A1 reference, the
  /// field title, the value, the problem and what to do — in zh-CN unless asked otherwise.
  ///
  /// ```
  /// 培训.xlsx › 培训学时台账：3 行，2 个错误，0 个警告，1 项不符合政策要求
  ///   第17行
  ///     培训学时台账!K17  培训日期  「2023年13月1日」  错误：「培训日期」应为日期，…
  ///         → 请按 2023-07-13 或 2023年7月13日 填写
  /// ```
  ///
  /// Findings of severity `info` (the schema chosen, footers skipped, merged cells filled) are
  /// listed only with `listingInfo`; otherwise one line per table counts them.
  public func text(lang: MessageLanguage = .zhCN, listingInfo: Bool = true) -> String {
    var out = ""
    let zh = lang == .zhCN
    for t in tables {
      let place = [t.file, t.sheet].compactMap { $0 }.joined(separator: " › ")
      let s = t.stats
      if zh {
        out += "\(place)：\(t.isValid ? "通过" : "未通过")，\(s.rows) 行，\(s.errors) 个错误，\(s.warnings) 个警告，"
          + "\(s.policyFindings) 项不符合政策要求\n"
      } else {
        out += "\(place): \(t.isValid ? "valid" : "invalid"), \(s.rows) rows, \(s.errors) errors, "
          + "\(s.warnings) warnings, \(s.policyFindings) policy findings\n"
      }
      if !t.metadata.isEmpty {
        out += "  " + t.metadata.map { zh ? "\($0.key)：\($0.value)" : "\($0.key): \($0.value)" }.joined(separator: zh ? "；" : "; ") + "\n"
      }
      var currentRow: Int?? = .none
      // Shown in sheet order: whole-table findings first, then by row and column (stable).
      let ordered = t.diagnostics.enumerated().sorted { a, b in
        let ra = a.element.location.row ?? -1, rb = b.element.location.row ?? -1
        if ra != rb { return ra < rb }
        let ca = a.element.location.column ?? -1, cb = b.element.location.column ?? -1
        if ca != cb { return ca < cb }
        return a.offset < b.offset
      }.map(\.element).filter { listingInfo || $0.severity != .info }
      for d in ordered {
        if currentRow == nil || currentRow! != d.location.row {
          currentRow = .some(d.location.row)
          if let r = d.location.row {
            out += zh ? "  第\(r + 1)行\n" : "  Row \(r + 1)\n"
          } else {
            out += zh ? "  整表\n" : "  Whole table\n"
          }
        }
        let m = MessageCatalog.render(d, lang: lang)
        var parts: [String] = []
        if let a1 = d.location.a1 { parts.append(d.location.sheet.map { "\($0)!\(a1)" } ?? a1) }
        if let f = d.field { parts.append(f) }
        if let v = d.value, !v.isEmpty { parts.append(zh ? "「\(v)」" : "\"\(v)\"") }
        parts.append(Self.severityLabel(d.severity, lang) + (zh ? "：" : ": ") + m.message)
        out += "    " + parts.joined(separator: "  ") + "\n"
        if !m.hint.isEmpty { out += "        → " + m.hint + "\n" }
      }
      let infos = t.diagnostics.count { $0.severity == .info }
      if !listingInfo && infos > 0 {
        out += zh ? "  另有 \(infos) 条提示（识别结果、跳过的表尾、填充的合并单元格），加 --verbose 可列出\n"
                  : "  \(infos) info findings (what was recognised, footers skipped, merged cells filled); --verbose lists them\n"
      }
      if t.isPartial {
        out += zh ? "  （问题超过上限，仅列出前 \(t.diagnostics.count) 条）\n"
                  : "  (too many findings; only the first \(t.diagnostics.count) are listed)\n"
      }
    }
    return out
  }

  static func severityLabel(_ s: Severity, _ lang: MessageLanguage) -> String {
    switch (s, lang) {
    case (.error, .zhCN): return "错误"
    case (.warning, .zhCN): return "警告"
    case (.policy, .zhCN): return "政策"
    case (.info, .zhCN): return "提示"
    case (.error, _): return "error"
    case (.warning, _): return "warning"
    case (.policy, _): return "policy"
    case (.info, _): return "info"
    }
  }
}

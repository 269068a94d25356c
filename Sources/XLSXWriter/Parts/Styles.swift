import XMLStream

/// A cell's look: font, fill, border, alignment, number format and protection.
///
/// Register a style once with ``WorkbookWriter/addStyle(_:)`` and use the returned ``StyleID``
/// on as many cells as needed; equal styles share one `xf` record in `xl/styles.xml`.
public struct CellStyle: Hashable, Sendable {
  /// Bold font.
  public var bold: Bool
  /// Italic font.
  public var italic: Bool
  /// Font colour as `RRGGBB` hex (e.g. `"C00000"`), nil for the default.
  public var fontColor: String?
  /// Font size in points, nil for the default (11).
  public var fontSize: Double?
  /// Font name, nil for the default (Calibri).
  public var fontName: String?
  /// Solid fill colour as `RRGGBB` hex, nil for none.
  public var fillColor: String?
  /// Thin border on all four sides.
  public var border: Bool
  /// Horizontal alignment.
  public var horizontal: HorizontalAlignment?
  /// Vertical alignment.
  public var vertical: VerticalAlignment?
  /// Wrap text in the cell.
  public var wrap: Bool
  /// Number format code such as `yyyy-mm-dd`, `0.0`, `#,##0.00` or `@`; nil for General.
  public var numberFormat: String?
  /// Whether the cell is locked when the sheet is protected (Excel's default is locked).
  public var locked: Bool

  /// Makes a style; every property defaults to Excel's default look.
  public init(bold: Bool = false, italic: Bool = false, fontColor: String? = nil, fontSize: Double? = nil,
              fontName: String? = nil, fillColor: String? = nil, border: Bool = false,
              horizontal: HorizontalAlignment? = nil, vertical: VerticalAlignment? = nil, wrap: Bool = false,
              numberFormat: String? = nil, locked: Bool = true) {
    self.bold = bold; self.italic = italic; self.fontColor = fontColor; self.fontSize = fontSize
    self.fontName = fontName; self.fillColor = fillColor; self.border = border; self.horizontal = horizontal
    self.vertical = vertical; self.wrap = wrap; self.numberFormat = numberFormat; self.locked = locked
  }

  /// Bold, centred, wrapped, bordered text on a light grey fill: a ledger header.
  public static let header = CellStyle(bold: true, fillColor: "D9D9D9", border: true, horizontal: .center,
                                       vertical: .center, wrap: true)
  /// A red fill for cells with errors.
  public static let errorFill = CellStyle(fillColor: "FFC7CE")
  /// A yellow fill for cells with warnings.
  public static let warningFill = CellStyle(fillColor: "FFEB9C")
}

/// Horizontal alignment (`alignment/@horizontal`, ECMA-376 Part 1 §18.18.40).
public enum HorizontalAlignment: String, Sendable {
  case left, center, right, fill, justify
  case centerContinuous
}

/// Vertical alignment (`alignment/@vertical`, ECMA-376 Part 1 §18.18.88).
public enum VerticalAlignment: String, Sendable {
  case top, center, bottom, justify
}

/// A registered style: the index of its `xf` record in `cellXfs`. `StyleID.default` (0) is General.
public struct StyleID: Hashable, Sendable {
  /// The `c/@s` value.
  public let rawValue: Int
  /// Excel's default cell style.
  public static let `default` = StyleID(rawValue: 0)
  init(rawValue: Int) { self.rawValue = rawValue }
}

/// The style registry: de-duplicates fonts, fills, borders, number formats and `xf` records,
/// and writes `xl/styles.xml`. Memory: a few entries per distinct style.
struct StyleRegistry {
  struct Font: Hashable { var bold: Bool, italic: Bool, color: String?, size: Double?, name: String? }
  struct XF: Hashable {
    var numFmt: Int, font: Int, fill: Int, border: Int
    var horizontal: HorizontalAlignment?, vertical: VerticalAlignment?, wrap: Bool, locked: Bool
  }

  private(set) var fonts: [Font] = [Font(bold: false, italic: false, color: nil, size: nil, name: nil)]
  private var fontIndex: [Font: Int] = [:]
  /// Fill colours; index 0 is `none` and 1 is `gray125`, both required by Excel, so fill i ≥ 2 is fills[i - 2].
  private(set) var fills: [String] = []
  private var fillIndex: [String: Int] = [:]
  /// Border 0 is none, 1 is thin on all sides.
  private(set) var hasThinBorder = false
  private(set) var customFormats: [(id: Int, code: String)] = []
  private var formatIndex: [String: Int] = [:]
  private(set) var xfs: [XF] = [XF(numFmt: 0, font: 0, fill: 0, border: 0, horizontal: nil, vertical: nil,
                                   wrap: false, locked: true)]
  private var xfIndex: [XF: Int] = [:]
  private var styleIndex: [CellStyle: StyleID] = [:]

  /// Built-in number formats Excel knows by id (ECMA-376 Part 1 §18.8.30); others get ids from 164.
  static let builtinFormats: [String: Int] = [
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "0.00E+00": 11,
    "# ?/?": 12, "# ??/??": 13, "m/d/yy h:mm": 22, "h:mm": 20, "h:mm:ss": 21, "mm:ss": 45,
    "[h]:mm:ss": 46, "@": 49,
  ]

  init() { xfIndex[xfs[0]] = 0; fontIndex[fonts[0]] = 0 }

  /// The id of `style`, registering it the first time. O(1) amortised.
  mutating func id(for style: CellStyle) -> StyleID {
    if let id = styleIndex[style] { return id }
    let font = Font(bold: style.bold, italic: style.italic, color: style.fontColor.map(Self.argb),
                    size: style.fontSize, name: style.fontName)
    let fontID: Int
    if let f = fontIndex[font] { fontID = f } else { fontID = fonts.count; fonts.append(font); fontIndex[font] = fontID }
    var fillID = 0
    if let color = style.fillColor.map(Self.argb) {
      if let f = fillIndex[color] { fillID = f } else { fillID = fills.count + 2; fills.append(color); fillIndex[color] = fillID }
    }
    if style.border { hasThinBorder = true }
    var numFmt = 0
    if let code = style.numberFormat {
      if let b = Self.builtinFormats[code] { numFmt = b }
      else if let c = formatIndex[code] { numFmt = c }
      else {
        numFmt = 164 + customFormats.count
        customFormats.append((numFmt, code))
        formatIndex[code] = numFmt
      }
    }
    let xf = XF(numFmt: numFmt, font: fontID, fill: fillID, border: style.border ? 1 : 0,
                horizontal: style.horizontal, vertical: style.vertical, wrap: style.wrap, locked: style.locked)
    let id: StyleID
    if let x = xfIndex[xf] { id = StyleID(rawValue: x) } else {
      id = StyleID(rawValue: xfs.count)
      xfIndex[xf] = xfs.count
      xfs.append(xf)
    }
    styleIndex[style] = id
    return id
  }

  /// `RRGGBB` or `AARRGGBB` (with or without `#`) → upper-case `AARRGGBB`.
  static func argb(_ s: String) -> String {
    var hex = s.uppercased()
    if hex.hasPrefix("#") { hex.removeFirst() }
    return hex.utf8.count == 6 ? "FF" + hex : hex
  }

  /// True when `s` is a colour `argb` accepts: 6 or 8 hex digits, optionally after `#`.
  static func isValidColor(_ s: String) -> Bool {
    var u = Array(s.utf8)
    if u.first == UInt8(ascii: "#") { u.removeFirst() }
    guard u.count == 6 || u.count == 8 else { return false }
    return u.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
  }

  /// Writes `xl/styles.xml`.
  func write(into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">")
    if !customFormats.isEmpty {
      w.raw("<numFmts"); w.attribute("count", customFormats.count); w.raw(">")
      for f in customFormats {
        w.raw("<numFmt"); w.attribute("numFmtId", f.id); w.attribute("formatCode", f.code); w.raw("/>")
      }
      w.raw("</numFmts>")
    }
    w.raw("<fonts"); w.attribute("count", fonts.count); w.raw(">")
    for f in fonts {
      w.raw("<font>")
      if f.bold { w.raw("<b/>") }
      if f.italic { w.raw("<i/>") }
      w.raw("<sz"); w.attribute("val", f.size ?? 11); w.raw("/>")
      if let c = f.color { w.raw("<color"); w.attribute("rgb", c); w.raw("/>") }
      w.raw("<name"); w.attribute("val", f.name ?? "Calibri"); w.raw("/>")
      w.raw("<family val=\"2\"/>")
      if f.name == nil { w.raw("<scheme val=\"minor\"/>") }
      w.raw("</font>")
    }
    w.raw("</fonts>")
    w.raw("<fills"); w.attribute("count", fills.count + 2); w.raw(">")
    w.raw("<fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>")
    for c in fills {
      w.raw("<fill><patternFill patternType=\"solid\"><fgColor"); w.attribute("rgb", c)
      w.raw("/><bgColor indexed=\"64\"/></patternFill></fill>")
    }
    w.raw("</fills>")
    w.raw("<borders"); w.attribute("count", hasThinBorder ? 2 : 1); w.raw(">")
    w.raw("<border><left/><right/><top/><bottom/><diagonal/></border>")
    if hasThinBorder {
      w.raw("<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>")
      w.raw("<top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border>")
    }
    w.raw("</borders>")
    w.raw("<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>")
    w.raw("<cellXfs"); w.attribute("count", xfs.count); w.raw(">")
    for x in xfs {
      w.raw("<xf"); w.attribute("numFmtId", x.numFmt); w.attribute("fontId", x.font); w.attribute("fillId", x.fill)
      w.attribute("borderId", x.border); w.raw(" xfId=\"0\"")
      if x.numFmt != 0 { w.raw(" applyNumberFormat=\"1\"") }
      if x.font != 0 { w.raw(" applyFont=\"1\"") }
      if x.fill != 0 { w.raw(" applyFill=\"1\"") }
      if x.border != 0 { w.raw(" applyBorder=\"1\"") }
      let hasAlignment = x.horizontal != nil || x.vertical != nil || x.wrap
      if hasAlignment { w.raw(" applyAlignment=\"1\"") }
      if !x.locked { w.raw(" applyProtection=\"1\"") }
      if !hasAlignment && x.locked { w.raw("/>"); continue }
      w.raw(">")
      if hasAlignment {
        w.raw("<alignment")
        if let h = x.horizontal { w.attribute("horizontal", h.rawValue) }
        if let v = x.vertical { w.attribute("vertical", v.rawValue) }
        if x.wrap { w.raw(" wrapText=\"1\"") }
        w.raw("/>")
      }
      if !x.locked { w.raw("<protection locked=\"0\"/>") }
      w.raw("</xf>")
    }
    w.raw("</cellXfs>")
    w.raw("<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>")
    w.raw("<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/>")
    w.raw("</styleSheet>")
  }
}

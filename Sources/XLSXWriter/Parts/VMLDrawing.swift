import Tabular
import XMLStream

/// `xl/drawings/vmlDrawingN.vml`: the legacy VML shapes that make Excel and WPS draw comment boxes
/// (ECMA-376 Part 4 §19). One hidden note shape per comment, anchored beside its cell.
enum VMLDrawing {
  /// Writes the drawing for the comments of the `sheetNumber`-th sheet with comments (1-based);
  /// shape ids start at 1024 × sheetNumber + 1 as Excel numbers them.
  static func write(_ comments: [CellComment], sheetNumber: Int, into w: inout XMLWriter) {
    w.raw("<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\"")
    w.raw(" xmlns:x=\"urn:schemas-microsoft-com:office:excel\">")
    w.raw("<o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\""); w.attribute("data", sheetNumber)
    w.raw("/></o:shapelayout>")
    w.raw("<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\">")
    w.raw("<v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>")
    for (n, c) in comments.enumerated() {
      let id = 1024 * sheetNumber + 1 + n
      w.raw("<v:shape id=\"_x0000_s"); w.integer(id)
      w.raw("\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:108pt;")
      w.raw("height:59.25pt;z-index:"); w.integer(n + 1)
      w.raw(";visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\">")
      w.raw("<v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/>")
      w.raw("<v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\">")
      w.raw("<div style=\"text-align:left\"></div></v:textbox>")
      w.raw("<x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>")
      // Anchor: left column, x offset, top row, y offset, right column, x offset, bottom row, y offset.
      let row = c.address.row, col = c.address.column
      let top = row == 0 ? 0 : row - 1
      w.integer(col + 1); w.raw(", 15, "); w.integer(top); w.raw(", 10, ")
      w.integer(col + 3); w.raw(", 15, "); w.integer(top + 4); w.raw(", 4")
      w.raw("</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>"); w.integer(row)
      w.raw("</x:Row><x:Column>"); w.integer(col); w.raw("</x:Column></x:ClientData></v:shape>")
    }
    w.raw("</xml>")
  }
}

import Tabular
import XMLStream

/// A cell comment (note) as Excel and WPS show it: a yellow box with the author in bold.
struct CellComment {
  var address: CellAddress
  var text: String
  var author: String
}

/// `xl/commentsN.xml` (ECMA-376 Part 1 §18.7): the text of a sheet's comments, with their authors.
/// Excel also needs the legacy VML drawing (``VMLDrawing``) to show them.
enum CommentsPart {
  static func write(_ comments: [CellComment], into w: inout XMLWriter) {
    // Each comment's author index; comments mostly share one author, so the last one is checked first
    // (hashing every comment's author twice was most of this part's time for a reply with 700 comments).
    var authors: [String] = []
    var authorIndex: [String: Int] = [:]
    var ids: [Int] = []
    ids.reserveCapacity(comments.count)
    for c in comments {
      if let last = authors.last, last == c.author { ids.append(authors.count - 1); continue }
      if let i = authorIndex[c.author] { ids.append(i); continue }
      authorIndex[c.author] = authors.count
      ids.append(authors.count)
      authors.append(c.author)
    }
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors>")
    for a in authors { w.raw("<author>"); w.ooxmlText(a); w.raw("</author>") }
    w.raw("</authors><commentList>")
    for (c, id) in zip(comments, ids) {
      w.raw("<comment"); w.attribute("ref", c.address.a1); w.attribute("authorId", id)
      w.raw("><text><r><rPr><sz val=\"9\"/><color indexed=\"81\"/><rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>")
      var bytes = Array(c.text.utf8)
      bytes.withUnsafeMutableBufferPointer { b in
        SharedStringTable.writeT(UnsafeBufferPointer(b), into: &w)
      }
      w.raw("</r></text></comment>")
    }
    w.raw("</commentList></comments>")
  }
}

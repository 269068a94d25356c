import XMLStream

/// `[Content_Types].xml` (ECMA-376 Part 2 §10.1.2.2): the MIME type of every part.
struct ContentTypes {
  static let worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
  static let comments = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"

  /// Part names with their content type, in the order they were added.
  var overrides: [(part: String, type: String)] = []
  /// True when some sheet has comments (the `vml` default is then needed).
  var hasVML = false

  mutating func add(part: String, type: String) { overrides.append((part, type)) }

  func write(into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">")
    w.raw("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>")
    w.raw("<Default Extension=\"xml\" ContentType=\"application/xml\"/>")
    if hasVML {
      w.raw("<Default Extension=\"vml\" ContentType=\"application/vnd.openxmlformats-officedocument.vmlDrawing\"/>")
    }
    for o in overrides {
      w.raw("<Override"); w.attribute("PartName", o.part); w.attribute("ContentType", o.type); w.raw("/>")
    }
    w.raw("</Types>")
  }
}

import XMLStream

/// A `.rels` part (ECMA-376 Part 2 §9.3): relationships from one part to others, `rId1`, `rId2`… in order.
struct Relationships {
  static let officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
  static let coreProperties = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
  static let extendedProperties = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
  static let customProperties = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
  static let worksheet = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
  static let styles = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
  static let sharedStrings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
  static let comments = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
  static let vmlDrawing = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"

  private(set) var items: [(type: String, target: String)] = []

  /// Adds a relationship and returns its id (`rId1` for the first).
  @discardableResult
  mutating func add(type: String, target: String) -> String {
    items.append((type, target))
    return "rId\(items.count)"
  }

  var isEmpty: Bool { items.isEmpty }

  func write(into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">")
    for (i, r) in items.enumerated() {
      w.raw("<Relationship Id=\"rId"); w.integer(i + 1); w.raw("\"")
      w.attribute("Type", r.type); w.attribute("Target", r.target); w.raw("/>")
    }
    w.raw("</Relationships>")
  }
}

import XMLStream

/// The content types of a package (`[Content_Types].xml`, ECMA-376 Part 2 §10.1.2).
///
/// Used to find the workbook part when `_rels/.rels` is missing or does not name one, and to
/// tell worksheets from chartsheets when a relationship type is unusual.
struct ContentTypes: Sendable {
  /// `Override` entries: part name (without leading `/`, lowercased) → content type.
  var overrides: [String: String] = [:]

  static func parse(_ reader: XMLEventReader) throws -> ContentTypes {
    var ct = ContentTypes()
    while true {
      let e = try reader.nextEvent()
      if e == .endDocument { break }
      guard e == .startElement, reader.name.isLocal("Override"),
            let part = reader.attributeString("PartName"), let type = reader.attributeString("ContentType")
      else { continue }
      ct.overrides[Relationships.resolve(part, from: "").lowercased()] = type
    }
    return ct
  }

  /// The first part whose content type is a workbook main part (xlsx, xlsm, xltx, xltm).
  var workbookPart: String? {
    overrides.filter { $0.value.contains("spreadsheetml") && $0.value.hasSuffix(".main+xml") }
      .keys.sorted().first
  }
}

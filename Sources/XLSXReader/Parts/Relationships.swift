import XMLStream

/// One relationship of an OOXML package part (`_rels/*.rels`, ECMA-376 Part 2 §9.3).
struct Relationship: Sendable {
  var id: String
  /// The relationship type URI (Transitional `http://schemas.openxmlformats.org/…` or Strict
  /// `http://purl.oclc.org/ooxml/…`); compare with `isType(_:)`.
  var type: String
  /// The target as written.
  var target: String
  /// True for `TargetMode="External"` (never a part in the package).
  var isExternal: Bool

  /// True when the type ends with `/<suffix>` (works for Transitional and Strict URIs).
  func isType(_ suffix: String) -> Bool {
    type.hasSuffix("/" + suffix)
  }
}

/// Parsing of relationship parts and resolution of their targets to ZIP entry names.
enum Relationships {
  /// Reads every `<Relationship>` of a `.rels` part.
  static func parse(_ reader: XMLEventReader) throws -> [Relationship] {
    var out: [Relationship] = []
    while true {
      let e = try reader.nextEvent()
      if e == .endDocument { break }
      guard e == .startElement, reader.name.isLocal("Relationship") else { continue }
      guard let id = reader.attributeString("Id"), let type = reader.attributeString("Type"),
            let target = reader.attributeString("Target") else { continue }
      let external = reader.attributeString("TargetMode")?.lowercased() == "external"
      out.append(Relationship(id: id, type: type, target: target, isExternal: external))
    }
    return out
  }

  /// The `.rels` part of a part: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`.
  static func relsPath(of part: String) -> String {
    if let slash = part.lastIndex(of: "/") {
      return String(part[..<slash]) + "/_rels/" + String(part[part.index(after: slash)...]) + ".rels"
    }
    return "_rels/" + part + ".rels"
  }

  /// Resolves `target` relative to the folder of `source` (an entry name without leading `/`).
  ///
  /// Handles absolute targets (`/xl/worksheets/sheet1.xml`), `./` and `../` segments and
  /// backslash separators written by some producers.
  static func resolve(_ target: String, from source: String) -> String {
    let t = target.replacingBackslashes()
    var segments: [Substring]
    if t.hasPrefix("/") {
      segments = []
    } else {
      segments = source.replacingBackslashes().split(separator: "/", omittingEmptySubsequences: true)
      if !segments.isEmpty { segments.removeLast() }  // the source's file name
    }
    for seg in t.split(separator: "/", omittingEmptySubsequences: true) {
      if seg == "." { continue }
      if seg == ".." {
        if !segments.isEmpty { segments.removeLast() }
        continue
      }
      segments.append(seg)
    }
    return segments.joined(separator: "/")
  }
}

extension String {
  /// The string with `\` replaced by `/`.
  func replacingBackslashes() -> String {
    guard utf8.contains(0x5C) else { return self }
    return String(decoding: utf8.map { $0 == 0x5C ? 0x2F : $0 }, as: UTF8.self)
  }
}

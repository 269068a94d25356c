import XMLStream

/// `docProps/custom.xml` (ECMA-376 Part 1 §22.3): `<property name="…"><vt:lpwstr>value</vt:lpwstr></property>`.
/// Every value type is read as its text (`vt:lpwstr`, `vt:i4`, `vt:bool`, `vt:filetime`…); the first
/// property of a name wins. Capped at 1,000 properties and 4,096 bytes a value.
enum CustomProperties {
  static func parse(_ reader: XMLEventReader) throws -> [String: String] {
    var out: [String: String] = [:]
    var name: String?
    var value = ""
    var depth = 0
    while true {
      let e = try reader.nextEvent()
      if e == .endDocument { break }
      switch e {
      case .startElement:
        if reader.name.isLocal("property") {
          name = reader.attributeString("name")
          value = ""
          depth = reader.depth
        }
      case .text:
        if name != nil, reader.depth > depth, value.utf8.count < 4096 { value += reader.textString }
      case .endElement:
        if reader.name.isLocal("property"), let n = name {
          if out[n] == nil, out.count < 1000 { out[n] = String(value.utf8.prefix(4096)) ?? value }
          name = nil
        }
      default: break
      }
    }
    return out
  }
}

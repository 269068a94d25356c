import Glibc
import Tabular
import XMLStream

/// Document properties shown in Excel's File › Info and WPS's properties dialog
/// (`docProps/core.xml`, ECMA-376 Part 2 §11; `docProps/app.xml`, Part 1 §22.2).
public struct DocumentProperties: Sendable, Hashable {
  /// `dc:title`.
  public var title: String?
  /// `dc:subject`.
  public var subject: String?
  /// `dc:creator`, also written as `cp:lastModifiedBy`.
  public var author: String?
  /// `dc:description`.
  public var comments: String?
  /// `cp:keywords`.
  public var keywords: String?
  /// `dcterms:created` and `dcterms:modified`, as UTC calendar components; nil writes no dates.
  public var created: DateTimeParts?
  /// `Company` in `docProps/app.xml`.
  public var company: String?
  /// Custom properties (`docProps/custom.xml`, ECMA-376 Part 1 §22.3), written as text
  /// (`vt:lpwstr`) in this order: Excel shows them under File › Properties › Custom; the filer
  /// does not see them in the sheet. sheetgate's templates carry their marker here.
  public var custom: [CustomProperty] = []

  /// Makes properties; every field is optional.
  public init(title: String? = nil, subject: String? = nil, author: String? = nil, comments: String? = nil,
              keywords: String? = nil, created: DateTimeParts? = nil, company: String? = nil) {
    self.title = title; self.subject = subject; self.author = author; self.comments = comments
    self.keywords = keywords; self.created = created; self.company = company
  }
}

/// One custom document property: a name and a text value.
public struct CustomProperty: Sendable, Hashable {
  public var name: String
  public var value: String
  public init(name: String, value: String) { self.name = name; self.value = value }
}

/// A UTC date and time, written as W3CDTF `2024-06-01T08:30:00Z`.
public struct DateTimeParts: Sendable, Hashable {
  public var year, month, day, hour, minute, second: Int
  /// Makes a UTC timestamp.
  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
    self.year = year; self.month = month; self.day = day; self.hour = hour; self.minute = minute; self.second = second
  }

  /// The current UTC time from the system clock.
  public static func now() -> DateTimeParts {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    let secs = Int(ts.tv_sec)
    let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
    let rem = secs - days * 86_400
    let (y, m, d) = DateSystem.civil(fromDays: days)
    return DateTimeParts(year: y, month: m, day: d, hour: rem / 3600, minute: rem / 60 % 60, second: rem % 60)
  }

  var w3cdtf: String {
    func p(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
    return "\(p(year, 4))-\(p(month, 2))-\(p(day, 2))T\(p(hour, 2)):\(p(minute, 2)):\(p(second, 2))Z"
  }
}

enum DocProps {
  static let coreType = "application/vnd.openxmlformats-package.core-properties+xml"
  static let appType = "application/vnd.openxmlformats-officedocument.extended-properties+xml"

  static func writeCore(_ p: DocumentProperties, into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\"")
    w.raw(" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\"")
    w.raw(" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">")
    if let t = p.title { w.element("dc:title", text: t) }
    if let s = p.subject { w.element("dc:subject", text: s) }
    if let a = p.author { w.element("dc:creator", text: a) }
    if let k = p.keywords { w.element("cp:keywords", text: k) }
    if let c = p.comments { w.element("dc:description", text: c) }
    if let a = p.author { w.element("cp:lastModifiedBy", text: a) }
    if let c = p.created {
      w.raw("<dcterms:created xsi:type=\"dcterms:W3CDTF\">"); w.raw(c.w3cdtf); w.raw("</dcterms:created>")
      w.raw("<dcterms:modified xsi:type=\"dcterms:W3CDTF\">"); w.raw(c.w3cdtf); w.raw("</dcterms:modified>")
    }
    w.raw("</cp:coreProperties>")
  }

  static let customType = "application/vnd.openxmlformats-officedocument.custom-properties+xml"

  /// `docProps/custom.xml`: each property a `vt:lpwstr`, `pid` from 2 (ECMA-376 Part 1 §22.3.2.2).
  static func writeCustom(_ props: [CustomProperty], into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\"")
    w.raw(" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">")
    for (i, p) in props.enumerated() {
      w.raw("<property fmtid=\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\""); w.attribute("pid", i + 2)
      w.attribute("name", p.name); w.raw(">")
      w.element("vt:lpwstr", text: p.value)
      w.raw("</property>")
    }
    w.raw("</Properties>")
  }

  static func writeApp(_ p: DocumentProperties, sheetNames: [String], into w: inout XMLWriter) {
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    w.raw("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"")
    w.raw(" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">")
    w.raw("<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>")
    w.raw("<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>")
    w.raw("<vt:variant><vt:i4>"); w.integer(sheetNames.count); w.raw("</vt:i4></vt:variant></vt:vector></HeadingPairs>")
    w.raw("<TitlesOfParts><vt:vector"); w.attribute("size", sheetNames.count); w.raw(" baseType=\"lpstr\">")
    for n in sheetNames { w.element("vt:lpstr", text: n) }
    w.raw("</vt:vector></TitlesOfParts>")
    if let c = p.company { w.element("Company", text: c) }
    w.raw("<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>")
    w.raw("<AppVersion>12.0000</AppVersion></Properties>")
  }
}

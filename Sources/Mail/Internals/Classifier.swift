import ByteIO
import ZIP

/// Decides what an attachment is from its first bytes and its name (DESIGN-NOTES: Mail).
enum Classifier {
  enum Verdict: Equatable {
    case kind(AttachmentKind)
    /// A ZIP that is not an OOXML document: to be expanded.
    case zipArchive
  }

  static let spreadsheetExtensions: Set<String> = ["xlsx", "xlsm", "xltx", "xltm", "xls", "xlt", "et", "ett"]
  static let textExtensions: Set<String> = ["csv", "txt", "tsv"]
  static let coverLetterExtensions: Set<String> = ["doc", "docx", "dot", "dotx", "wps", "wpt", "pdf", "ofd",
                                                   "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "heic", "webp"]

  static func classify(_ b: [UInt8], name: String, contentType: String) -> Verdict {
    let ext = FileNames.pathExtension(name)
    let lowerName = name.lowercased()
    func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && b[0..<magic.count].elementsEqual(magic) }

    if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) || starts([0x50, 0x4B, 0x07, 0x08]) {
      return classifyZip(b, ext: ext)
    }
    if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      if contains(b, utf16: "EncryptedPackage") { return .kind(.unsupported(.encrypted)) }
      if ["xls", "xlt", "et", "ett"].contains(ext) { return .kind(.spreadsheet(.legacyWorkbook)) }
      if ["doc", "dot", "wps", "wpt"].contains(ext) { return .kind(.coverLetter) }
      if contains(b, utf16: "Workbook") || contains(b, utf16: "Book") { return .kind(.spreadsheet(.legacyWorkbook)) }
      if contains(b, utf16: "WordDocument") { return .kind(.coverLetter) }
      return .kind(.other)
    }
    if starts(Array("Rar!\u{1A}\u{07}".utf8)) || (ext == "rar" && b.count < 8) { return .kind(.unsupported(.rar)) }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .kind(.unsupported(.sevenZip)) }
    if starts([0x78, 0x9F, 0x3E, 0x22]) || lowerName == "winmail.dat" || contentType == "application/ms-tnef"
      || contentType == "application/vnd.ms-tnef" {
      return .kind(.unsupported(.tnef))
    }
    if ext == "rar" { return .kind(.unsupported(.rar)) }
    if ext == "7z" { return .kind(.unsupported(.sevenZip)) }
    if starts(Array("%PDF".utf8)) { return .kind(.coverLetter) }
    if starts([0xFF, 0xD8, 0xFF]) || starts([0x89, 0x50, 0x4E, 0x47]) { return .kind(.coverLetter) }
    if textExtensions.contains(ext) { return .kind(looksLikeText(b) ? .spreadsheet(.csv) : .other) }
    if spreadsheetExtensions.contains(ext) { return .kind(.spreadsheet(.namedOnly)) }
    if coverLetterExtensions.contains(ext) { return .kind(.coverLetter) }
    if ext == "zip" { return .kind(.unsupported(.damagedArchive)) }
    return .kind(.other)
  }

  private static func classifyZip(_ b: [UInt8], ext: String) -> Verdict {
    guard let archive = try? ZIPArchive(source: MemorySource(b), limits: ZIPLimits(maxEntries: 100_000)) else {
      if ["xlsx", "xlsm", "xltx", "xltm"].contains(ext) { return .kind(.spreadsheet(.xlsx)) }
      if ["docx", "dotx", "ofd"].contains(ext) { return .kind(.coverLetter) }
      return .kind(.unsupported(.damagedArchive))
    }
    var hasContentTypes = false, hasXL = false, hasWord = false, hasOFD = false
    for e in archive.entries {
      let n = e.name.replacing("\\", with: "/")
      if n == "[Content_Types].xml" { hasContentTypes = true }
      if n.hasPrefix("xl/") { hasXL = true }
      if n.hasPrefix("word/") { hasWord = true }
      if n == "OFD.xml" { hasOFD = true }
    }
    if hasXL { return .kind(.spreadsheet(.xlsx)) }
    if hasWord || hasOFD { return .kind(.coverLetter) }
    if hasContentTypes {
      if ["docx", "dotx"].contains(ext) { return .kind(.coverLetter) }
      if ["pptx"].contains(ext) { return .kind(.other) }
      return .kind(.spreadsheet(.xlsx))
    }
    if ["xlsx", "xlsm"].contains(ext) { return .kind(.spreadsheet(.xlsx)) }
    return .zipArchive
  }

  /// Whether `b` holds `name` in UTF-16LE (a Compound File directory entry's name).
  static func contains(_ b: [UInt8], utf16 name: String) -> Bool {
    let needle = name.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    guard b.count >= needle.count, let first = needle.first else { return false }
    let last = b.count - needle.count
    var i = 0
    while i <= last {
      if b[i] == first && b[i + 1] == needle[1] {
        var k = 2
        while k < needle.count && b[i + k] == needle[k] { k += 1 }
        if k == needle.count {
          // The whole directory name: followed by a NUL character.
          if i + k + 1 < b.count, b[i + k] == 0, b[i + k + 1] == 0 { return true }
        }
      }
      i += 1
    }
    return false
  }

  /// Text, not binary: no NUL bytes in the first 8 KiB (unless it starts with a UTF-16 BOM).
  static func looksLikeText(_ b: [UInt8]) -> Bool {
    if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) { return true }
    return !b.prefix(8192).contains(0)
  }
}

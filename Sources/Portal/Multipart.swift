import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts, over bytes.
///
/// Written here rather than taken from a library: the portal needs only the fields and files of one form,
/// the body is already in memory under the upload cap, and one boundary search over bytes does it
/// (DESIGN-NOTES: The portal).
struct MultipartForm {
  struct Part {
    /// The form field's name.
    var name: String
    /// The file name the browser sent (shown and recorded, never used as a path), nil for a plain field.
    var fileName: String?
    var bytes: [UInt8]
  }

  var parts: [Part] = []

  /// The value of the first plain field called `name`.
  func field(_ name: String) -> String? {
    parts.first { $0.name == name && $0.fileName == nil }.map { String(decoding: $0.bytes, as: UTF8.self) }
  }

  /// Every file part (with a file name and some bytes).
  var files: [Part] { parts.filter { $0.fileName != nil && !($0.fileName!.isEmpty && $0.bytes.isEmpty) } }

  /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header, or nil.
  static func boundary(contentType: String?) -> String? {
    guard let ct = contentType, ct.lowercased().hasPrefix("multipart/form-data") else { return nil }
    for piece in ct.split(separator: ";") {
      let kv = piece.trimmingCharacters(in: .whitespaces)
      if kv.lowercased().hasPrefix("boundary=") {
        var b = String(kv.dropFirst("boundary=".count))
        if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
        return b.isEmpty || b.utf8.count > 200 ? nil : b
      }
    }
    return nil
  }

  /// Splits `body`; nil when it is not a well-formed multipart body for `boundary`.
  static func parse(_ body: [UInt8], boundary: String) -> MultipartForm? {
    let delimiter = Array(("--" + boundary).utf8)
    var form = MultipartForm()
    guard var at = find(delimiter, in: body, from: 0) else { return nil }
    while true {
      at += delimiter.count
      // "--" after a delimiter ends the body.
      if at + 1 < body.count, body[at] == 45, body[at + 1] == 45 { return form }
      guard at + 1 < body.count, body[at] == 13, body[at + 1] == 10 else { return nil }
      at += 2
      guard let headerEnd = find([13, 10, 13, 10], in: body, from: at) else { return nil }
      let headers = String(decoding: body[at..<headerEnd], as: UTF8.self)
      let contentStart = headerEnd + 4
      guard let next = find([13, 10] + delimiter, in: body, from: contentStart) else { return nil }
      var name: String?
      var fileName: String?
      for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
        name = parameter("name", in: String(line))
        fileName = parameter("filename", in: String(line))
      }
      guard let name else { return nil }
      form.parts.append(Part(name: name, fileName: fileName, bytes: Array(body[contentStart..<next])))
      at = next + 2
    }
  }

  /// `key="value"` in a Content-Disposition line (quoted, with `\"` and `%22` as browsers write them).
  static func parameter(_ key: String, in line: String) -> String? {
    let u = Array(line.utf8)
    let k = Array("; \(key)=".utf8)
    guard let start = find(k, in: u, from: 0) else { return nil }
    var i = start + k.count
    if i < u.count, u[i] == 34 {
      i += 1
      var out: [UInt8] = []
      while i < u.count, u[i] != 34 {
        if u[i] == 92, i + 1 < u.count { i += 1 }
        out.append(u[i]); i += 1
      }
      return String(decoding: out, as: UTF8.self).replacingOccurrences(of: "%22", with: "\"")
    }
    var end = i
    while end < u.count, u[end] != 59 { end += 1 }
    return String(decoding: u[i..<end], as: UTF8.self)
  }

  /// The first index of `needle` in `hay` at or after `from`.
  static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
    guard !needle.isEmpty, hay.count >= needle.count else { return nil }
    let first = needle[0]
    var i = from
    let last = hay.count - needle.count
    return hay.withUnsafeBufferPointer { h in
      needle.withUnsafeBufferPointer { n in
        while i <= last {
          if h[i] == first {
            var j = 1
            while j < n.count && h[i + j] == n[j] { j += 1 }
            if j == n.count { return i }
          }
          i += 1
        }
        return nil
      }
    }
  }
}

/// Attachment names made safe to use as one path component.
public enum FileNames {
  /// The longest sanitised name, in UTF-8 bytes.
  public static let maxBytes = 120

  /// A name safe as a single path component on Linux and Windows.
  ///
  /// Only the last component of a path survives (`../../etc/passwd` → `passwd`). `/`, `\`, NUL, control
  /// characters (C0, DEL, C1), Windows' reserved `: * ? " < > |` and invisible direction marks
  /// (which can disguise an extension) become `_`; leading dots and white space and trailing dots and
  /// white space are removed; a reserved device name (`CON`, `NUL`, `COM1` …) gets a leading `_`. A
  /// name longer than `maxBytes` (default ``maxBytes``) UTF-8 bytes is cut at a character boundary before its extension,
  /// which is kept. An empty result becomes `fallback`.
  public static func sanitise(_ name: String, fallback: String = "attachment", maxBytes: Int = FileNames.maxBytes) -> String {
    // The last path component, either separator.
    var last = Substring(name)
    if let cut = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) { last = name[name.index(after: cut)...] }
    var scalars = String.UnicodeScalarView()
    for s in last.unicodeScalars {
      let v = s.value
      let bad = v < 0x20 || (v >= 0x7F && v <= 0x9F) || ":*?\"<>|/\\".unicodeScalars.contains(s)
        || (0x200B...0x200F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
        || v == 0xFEFF
      scalars.append(bad ? "_" : s)
    }
    var s = String(scalars)
    while let f = s.unicodeScalars.first, f == "." || f == " " || f == "\u{3000}" || f == "\t" {
      s.unicodeScalars.removeFirst()
    }
    while let l = s.unicodeScalars.last, l == "." || l == " " || l == "\u{3000}" { s.unicodeScalars.removeLast() }
    if s.isEmpty { s = fallback }
    let stem = s.split(separator: ".", maxSplits: 1).first.map(String.init)?.uppercased() ?? ""
    let reserved = ["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] }
    if reserved.contains(stem) { s = "_" + s }
    return capped(s, limit: maxBytes)
  }

  /// `s` cut to ``maxBytes`` UTF-8 bytes, keeping an extension of up to 16 bytes.
  static func capped(_ s: String, suffix: String = "", limit: Int = maxBytes) -> String {
    var ext = ""
    if let dot = s.lastIndex(of: "."), dot != s.startIndex {
      let e = String(s[dot...])
      if e.utf8.count <= 16 { ext = e }
    }
    guard s.utf8.count + suffix.utf8.count > limit else {
      return suffix.isEmpty ? s : String(s.dropLast(ext.count)) + suffix + ext
    }
    let room = limit - ext.utf8.count - suffix.utf8.count
    var stem = String.UnicodeScalarView()
    var used = 0
    for sc in s.unicodeScalars.dropLast(ext.unicodeScalars.count) {
      let n = String(sc).utf8.count
      if used + n > room { break }
      stem.append(sc); used += n
    }
    return String(stem) + suffix + ext
  }

  /// The lowercased extension without the dot (`xlsx`), or "".
  public static func pathExtension(_ name: String) -> String {
    guard let dot = name.lastIndex(of: "."), name.index(after: dot) < name.endIndex else { return "" }
    let e = name[name.index(after: dot)...]
    return e.count <= 16 ? e.lowercased() : ""
  }

  /// `name` made unique against `taken` by inserting ` (2)`, ` (3)` … before the extension.
  static func unique(_ name: String, taken: inout Set<String>) -> String {
    if taken.insert(name.lowercased()).inserted { return name }
    var n = 2
    while true {
      let candidate = capped(name, suffix: " (\(n))")
      if taken.insert(candidate.lowercased()).inserted { return candidate }
      n += 1
    }
  }
}

import Foundation

/// Escaping for text placed in HTML: every file name, sheet name, cell value and message in a
/// report is untrusted and goes through here.
public enum HTMLEscape {
  /// Escapes `& < > " '` so that `s` is inert both as element text and inside a quoted attribute.
  ///
  /// - Complexity: O(n); returns `s` unchanged (no copy) when nothing needs escaping.
  public static func text(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
      return s
    }
    var out = ""
    out.reserveCapacity(s.utf8.count + 16)
    for ch in s.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(ch)
      }
    }
    return out
  }

  /// A relative link to a file in the same folder: the name percent-encoded as a URL path
  /// segment (so `#`, `?`, `%` and spaces in file names stay part of the name), then escaped
  /// for an attribute.
  static func href(fileName: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/?#%;:")
    let encoded = fileName.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    return text(encoded)
  }
}

import ByteIO
import Foundation

/// Where the reports of one submission go, and how text reports are written.
public enum ReportFile {
  /// The stem of a submission's reports: its file name without the extension
  /// (`乌审旗农牧局_培训学时统计表.csv` → `乌审旗农牧局_培训学时统计表`); path separators and
  /// control characters are replaced, so the stem is always one file name.
  public static func stem(of file: String) -> String {
    let name = (file as NSString).lastPathComponent
    var stem = (name as NSString).deletingPathExtension
    if stem.isEmpty || stem == "." || stem == ".." { stem = name.isEmpty ? "报送材料" : "_" + name }
    return String(stem.map { ch -> Character in
      if ch == "/" || ch == "\\" || ch.unicodeScalars.contains(where: { $0.value < 0x20 }) { return "_" }
      return ch
    })
  }

  /// Makes stems unique within one run: the first submission keeps its stem, a later one with the
  /// same stem (`a.xlsx` then `a.csv`) keeps its extension in it (`a_csv`), then gets a number.
  public struct Namer {
    private var used = Set<String>()

    /// An empty namer.
    public init() {}

    /// The unique stem for `file`.
    public mutating func stem(for file: String) -> String {
      var s = ReportFile.stem(of: file)
      if used.contains(s.lowercased()) {
        let ext = (file as NSString).pathExtension
        if !ext.isEmpty { s += "_" + ext }
        let base = s
        var n = 2
        while used.contains(s.lowercased()) { s = "\(base)_\(n)"; n += 1 }
      }
      used.insert(s.lowercased())
      return s
    }
  }

  /// Writes `text` as UTF-8 to `path` atomically: a temporary file in the same folder, flushed,
  /// then renamed over `path`; on failure `path` is untouched.
  /// - Throws: ``ByteIOError`` when the file cannot be created, written or renamed.
  public static func write(_ text: String, to path: String) throws {
    let w = try AtomicFileWriter(path: path)
    do {
      var t = text
      try t.withUTF8 { try w.write(UnsafeRawBufferPointer($0)) }
      try w.commit()
    } catch {
      w.abort()
      throw error
    }
  }
}

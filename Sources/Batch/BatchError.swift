import Foundation

/// A failure of the run itself (a folder that cannot be written, the store, the send command), in
/// English and Chinese, naming the file and what to do.
public struct BatchError: Error, Sendable, CustomStringConvertible {
  public var english: String
  public var chinese: String

  public init(_ english: String, _ chinese: String) {
    self.english = english
    self.chinese = chinese
  }

  /// A system call on `path` failed with `code` (errno).
  static func system(_ path: String, _ code: Int32, _ what: String) -> BatchError {
    let reason = String(cString: strerror(code))
    return BatchError("\(path): \(what): \(reason) (errno \(code)); check that the folder exists and is writable.",
                      "\(path)：\(what)（\(reason)，errno \(code)）；请检查该目录是否存在且可写。")
  }

  public func text(chinese zh: Bool) -> String { zh ? chinese : english }
  public var description: String { english }
}

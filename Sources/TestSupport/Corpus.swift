/// Locates the shared conformance corpus and repository paths for tests.
///
/// Paths are derived from the test file's `#filePath`: the repository root is the directory
/// above `Tests/`, and the corpus is `../shared/corpus` beside the repository.
public enum Corpus {
  /// The repository root for a test file path such as `<root>/Tests/XLSXReaderTests/X.swift`.
  public static func repositoryRoot(filePath: String) -> String {
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false)
    if let i = parts.lastIndex(of: "Tests") { parts.removeSubrange(i...) }
    return parts.joined(separator: "/")
  }

  /// `<root>/../shared/corpus`.
  public static func directory(filePath: String) -> String {
    repositoryRoot(filePath: filePath) + "/../shared/corpus"
  }
}

import Foundation

/// Reads the parts of an `.xlsx` (a ZIP) with Python's `zipfile`, for tests that compare a
/// written part's exact XML, in the manner of libxlsxwriter's functional tests.
public enum XLSXPartComparer {
  /// The names of the entries, in archive order.
  public static func entryNames(_ xlsx: String) throws -> [String] {
    let out = try PythonReaders.runScript(
      "import sys, zipfile\nfor n in zipfile.ZipFile(sys.argv[1]).namelist(): print(n)", arguments: [xlsx])
    return out.split(separator: "\n").map(String.init)
  }

  /// The text of one part; also checks the entry's CRC (Python's zipfile verifies it on read).
  public static func part(_ xlsx: String, _ name: String) throws -> String {
    try PythonReaders.runScript(
      "import sys, zipfile\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode('utf-8'))",
      arguments: [xlsx, name])
  }
}

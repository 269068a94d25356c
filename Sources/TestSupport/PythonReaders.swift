import Foundation
import ThreadKit

/// Runs Python readers (openpyxl, python-calamine) and LibreOffice on files written by tests.
///
/// The interpreter is `$SHEETGATE_PYTHON` when set, else `python3`; it is used only if it can
/// import openpyxl. Each call starts one process; nothing is kept between calls.
public enum PythonReaders {
  /// The Python interpreter that has openpyxl, or nil with the reason.
  public static let python: (path: String?, reason: String) = {
    var candidates: [String] = []
    if let p = ProcessInfo.processInfo.environment["SHEETGATE_PYTHON"], !p.isEmpty { candidates.append(p) }
    candidates.append("python3")
    for c in candidates {
      if let r = try? run([c, "-c", "import openpyxl"]), r.status == 0 { return (c, "") }
    }
    return (nil, "no Python with openpyxl (tried \(candidates.joined(separator: ", "))); set SHEETGATE_PYTHON to a venv with openpyxl and python-calamine")
  }()

  /// True when `module` imports in ``python``.
  public static func has(module: String) -> Bool {
    guard let p = python.path, let r = try? run([p, "-c", "import \(module)"]) else { return false }
    return r.status == 0
  }

  /// Runs `script` with ``python`` and the given arguments; returns stdout, or throws with stderr.
  public static func runScript(_ script: String, arguments: [String]) throws -> String {
    guard let p = python.path else { throw ProcessError(message: python.reason) }
    let r = try run([p, "-c", script] + arguments)
    guard r.status == 0 else { throw ProcessError(message: "python failed (\(r.status)): \(r.stderr)") }
    return r.stdout
  }

  /// `soffice`'s path, or nil when LibreOffice is not installed.
  public static let soffice: String? = {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
      let p = "\(dir)/soffice"
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }()

  /// Converts `xlsx` to CSV with LibreOffice headless (a private profile in `workDir`), returning
  /// the CSV text and LibreOffice's stderr. `sheet` is 1-based.
  public static func libreOfficeCSV(_ xlsx: String, workDir: String, sheet: Int = 1) throws -> (csv: String, stderr: String) {
    guard let soffice else { throw ProcessError(message: "soffice not found") }
    let out = workDir + "/lo-out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    // 44 = comma, 34 = double quote, 76 = UTF-8; the 5th token selects the sheet.
    let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,\(sheet)"
    let r = try run([soffice, "-env:UserInstallation=file://\(workDir)/lo-profile", "--headless", "--norestore",
                     "--convert-to", filter, "--outdir", out, xlsx])
    guard r.status == 0 else { throw ProcessError(message: "soffice failed (\(r.status)): \(r.stderr)") }
    let base = (xlsx as NSString).lastPathComponent
    let stem = (base as NSString).deletingPathExtension
    let fm = FileManager.default
    let files = (try? fm.contentsOfDirectory(atPath: out)) ?? []
    guard let f = files.first(where: { $0.hasPrefix(stem) && $0.hasSuffix(".csv") }) else {
      throw ProcessError(message: "soffice wrote no CSV; stdout: \(r.stdout) stderr: \(r.stderr)")
    }
    let data = try String(contentsOfFile: out + "/" + f, encoding: .utf8)
    return (data, r.stderr)
  }

  /// Converts `path` with LibreOffice headless (`xlsx`, `pdf`…) into `workDir/lo-<format>/`, with a private
  /// profile in `workDir` so parallel runs do not collide. Returns the output path and LibreOffice's stderr.
  public static func libreOfficeConvert(_ path: String, to format: String, workDir: String) throws -> (path: String, stderr: String) {
    guard let soffice else { throw ProcessError(message: "soffice not found") }
    let out = workDir + "/lo-" + format
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let r = try run([soffice, "-env:UserInstallation=file://\(workDir)/lo-profile", "--headless", "--norestore",
                     "--convert-to", format, "--outdir", out, path])
    guard r.status == 0 else { throw ProcessError(message: "soffice failed (\(r.status)): \(r.stderr)") }
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    let result = out + "/" + stem + "." + format
    guard FileManager.default.fileExists(atPath: result) else {
      throw ProcessError(message: "soffice wrote no \(format); stdout: \(r.stdout) stderr: \(r.stderr)")
    }
    return (result, r.stderr)
  }

  /// `pdftotext -layout`'s text of a PDF, one string per page (poppler-utils), or nil when pdftotext is missing.
  public static func pdfPages(_ pdf: String) throws -> [String]? {
    guard (try? run(["pdftotext", "-v"]))?.status == 0 else { return nil }
    let r = try run(["pdftotext", "-layout", "-enc", "UTF-8", pdf, "-"])
    guard r.status == 0 else { throw ProcessError(message: "pdftotext failed (\(r.status)): \(r.stderr)") }
    var pages = r.stdout.components(separatedBy: "\u{0C}")
    if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
    return pages
  }

  /// An error from a helper process.
  public struct ProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  /// Runs a command (looked up in PATH) and collects its output.
  public static func run(_ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    let o = Pipe(), e = Pipe()
    p.standardOutput = o
    p.standardError = e
    try p.run()
    // Read both pipes on separate threads so a full pipe cannot block the child.
    let errHandle = e.fileHandleForReading
    let errJob = BackgroundJob { errHandle.readDataToEndOfFile() }
    let outData = o.fileHandleForReading.readDataToEndOfFile()
    let errData = errJob.join()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
  }
}

import Foundation
import Pipeline

/// `SheetBench merge DIR OUT [--store PATH] [--roster FILE]`: one timed merge of every submission in DIR
/// (cold without a store or with a new one; incremental when the store already holds most files).
func runMergeBench(_ args: [String]) throws {
  var rest: [String] = []
  var store: String?
  var roster: String?
  var i = 0
  while i < args.count {
    switch args[i] {
    case "--store": i += 1; store = i < args.count ? args[i] : nil
    case "--roster": i += 1; roster = i < args.count ? args[i] : nil
    default: rest.append(args[i])
    }
    i += 1
  }
  guard rest.count == 2 else { fail("usage: SheetBench merge DIR OUT [--store PATH] [--roster FILE]") }
  let t0 = Date()
  let job = try MergeJob(options: .init(roster: try roster.map(RosterLoader.load)))
  let files = try FileManager.default.contentsOfDirectory(atPath: rest[0]).sorted()
    .filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".csv") }.map { rest[0] + "/" + $0 }
  let r = try job.run(paths: files, output: rest[1], format: .xlsx, storePath: store)
  let dt = Date().timeIntervalSince(t0)
  let ingested = r.files.filter { !$0.alreadyStored }.count
  fputs("merge \(rest[0]): files=\(files.count) ingested=\(ingested) rows=\(r.consolidation.totalRows) "
        + "leftOut=\(r.consolidation.leftOut.count) seconds=\(String(format: "%.3f", dt)) peakRSS_MB=\(peakRSSMB())\n", stderr)
}

/// Peak resident set size of this process in MB (Linux `VmHWM`).
func peakRSSMB() -> Int {
  guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
  return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
}

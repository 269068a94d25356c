import Foundation
import Pipeline
import Store

/// `SheetBench merge DIR OUT [--store PATH] [--roster FILE]`: one timed merge of every submission in DIR
/// (cold without a store or with a new one; incremental when the store already holds most files).
/// Does what `MergeJob.run` does, in its two phases, and prints each phase's time: `ingest` (read,
/// recognise, validate, encode and store every new file) and `export` (write the workbook from the store), with each phase's CPU time (all threads) and the CPU time the storing thread spent in `ingest`.
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
  // As MergeJob.run: a temporary store when none is named.
  let (db, tempDir) = try MergeJob.openStore(store)
  defer { if let d = tempDir { try? FileManager.default.removeItem(atPath: d) } }
  let t1 = Date()
  let c1 = threadCPUSeconds()
  let p1 = processCPUSeconds()
  let outcomes = try job.ingest(paths: files, into: db)
  let t2 = Date()
  let c2 = threadCPUSeconds()
  let p2 = processCPUSeconds()
  let (consolidation, _) = try MergeJob.export(from: db, schemas: job.schemas, options: job.consolidationOptions,
                                               output: rest[1], format: .xlsx)
  let t3 = Date()
  let p3 = processCPUSeconds()
  let ingested = outcomes.filter { !$0.alreadyStored }.count
  printToStandardError("merge \(rest[0]): files=\(files.count) ingested=\(ingested) rows=\(consolidation.totalRows) "
        + "leftOut=\(consolidation.leftOut.count) seconds=\(String(format: "%.3f", t3.timeIntervalSince(t0))) "
        + "ingest=\(ms(t2.timeIntervalSince(t1))) (CPU \(ms(p2 - p1)), storing thread \(ms(c2 - c1))) "
        + "export=\(ms(t3.timeIntervalSince(t2))) (CPU \(ms(p3 - p2))) peakRSS_MB=\(peakRSSMB())\n")
}

/// CPU time of the calling thread (the one that stores while workers read), in seconds.
func threadCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// CPU time of the whole process (all threads, user and system), in seconds: steadier than wall time
/// on a shared machine.
func processCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Peak resident set size of this process in MB (Linux `VmHWM`).
func peakRSSMB() -> Int {
  guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
  return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
}

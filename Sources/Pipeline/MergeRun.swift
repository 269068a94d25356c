import Foundation
import Merge
import Schema
import Store

/// The consolidated output's file format.
public enum MergeOutputFormat: String, Sendable, CaseIterable {
  case xlsx, csv
}

extension MergeJob {
  /// What a whole merge did: per input file, and what was written.
  public struct RunResult: Sendable {
    public var files: [FileOutcome]
    public var consolidation: Consolidation.Outcome
    /// The files written (one for XLSX; one per ledger for CSV).
    public var outputs: [String]
    public init(files: [FileOutcome], consolidation: Consolidation.Outcome, outputs: [String]) {
      self.files = files; self.consolidation = consolidation; self.outputs = outputs
    }
  }

  /// Ingests `paths` into the store at `storePath` (a temporary store, removed afterwards, when nil)
  /// and writes the consolidated output from it.
  ///
  /// The output is replaced atomically: when anything fails, the previous output stays as it was.
  /// - Throws: store and output errors (an unreadable input is not an error: it is listed in `问题文件`).
  public func run(paths: [String], output: String, format: MergeOutputFormat, storePath: String?, form: FormOutput? = nil,
                  progress: ((_ done: Int, _ total: Int, _ rows: Int) -> Void)? = nil) throws -> RunResult {
    let (store, tempDir) = try Self.openStore(storePath)
    defer { if let d = tempDir { try? FileManager.default.removeItem(atPath: d) } }
    let files = try ingest(paths: paths, into: store, progress: progress)
    let (outcome, outputs) = try Self.export(from: store, schemas: schemas, options: consolidationOptions,
                                             output: output, format: format, form: form)
    return RunResult(files: files, consolidation: outcome, outputs: outputs)
  }

  /// Stored rows up to which the consolidated workbook's text is written as shared strings.
  public static let sharedStringsRowLimit = 500_000

  /// Opens the store at `storePath` (durable), or, when nil, a fresh temporary one that never
  /// syncs, in a new folder the caller removes (`temporaryFolder`) once the merge is done.
  public static func openStore(_ storePath: String?) throws -> (store: SubmissionStore, temporaryFolder: String?) {
    if let storePath { return (try SubmissionStore(path: storePath, durable: true), nil) }
    let d = NSTemporaryDirectory() + "sheetgate-merge-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    do {
      return (try SubmissionStore(path: d + "/store.sqlite", durable: false), d)
    } catch {
      try? FileManager.default.removeItem(atPath: d)
      throw error
    }
  }

  /// Writes the consolidated output of everything current in `store` (the sink on its own thread,
  /// see ``ThreadedMergeSink``), or, with `form`, the bureau's own form filled with the rows.
  /// - Returns: what was written and the output files.
  public static func export(from store: SubmissionStore, schemas: [TableSchema], options: Consolidation.Options,
                            output: String, format: MergeOutputFormat, form: FormOutput? = nil) throws -> (Consolidation.Outcome, [String]) {
    if let form {
      // The bureau's own form: one ledger's rows, streamed into its template row.
      let sink = ThreadedMergeSink(FormMergeSink(form: form, path: output))
      return (try Consolidation(schemas: schemas, options: options).write(from: store, to: sink), [output])
    }
    switch format {
    case .xlsx:
      // Past half a million stored rows the text is written inline: the shared-strings table of a million
      // rows is about 100 MiB (DESIGN-NOTES: "Merging in bounded memory").
      let stored = (try? store.allSubmissions().reduce(0) { $0 + $1.rows }) ?? 0
      let sink = ThreadedMergeSink(try XLSXMergeSink(path: output, sharedStrings: stored <= Self.sharedStringsRowLimit))
      return (try Consolidation(schemas: schemas, options: options).write(from: store, to: sink), [output])
    case .csv:
      let csv = CSVMergeSink(path: output)
      let outcome = try Consolidation(schemas: schemas, options: options).write(from: store, to: ThreadedMergeSink(csv))
      return (outcome, csv.paths)
    }
  }
}

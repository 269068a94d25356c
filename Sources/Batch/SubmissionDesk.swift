import Foundation
import Intake
import Merge
import Pipeline
import Schema
import Store

/// The one path a spreadsheet takes from its arrival to the store, whatever brought it: an attachment of a
/// message (`sheetgate run`) or an upload through an agency's link (`sheetgate serve`). Both make the same
/// kind of record: ``check(path:name:job:skipping:writer:report:)`` reads the file once (recognised,
/// validated, encoded, its annotated workbook written), ``commit(_:job:receivedAt:)`` stores it in one
/// transaction (a file whose bytes are stored already is not stored twice).
///
/// Built once from the configuration (roster, collections, ledgers, store); its methods only read it, so
/// any thread may check files at the same time. Storing goes through the store, whose writes GRDB serialises.
public final class SubmissionDesk: @unchecked Sendable {  // @unchecked: immutable after init; the store's DatabasePool serialises access, the jobs and the writer are only copied
  public let config: BatchConfig
  public let roster: AgencyRoster?
  /// The collections with their schemas, in the configuration's order.
  public let collections: [(BatchConfig.Collection, TableSchema)]
  public let validateJob: ValidateJob
  /// Made once (it loads the ledgers' titles); each caller writes through a copy for its own folder.
  public let reportWriter: ReportWriter
  public let store: SubmissionStore

  /// Opens the roster, the collections' schemas and the store; `reports` is the folder the base report writer uses.
  /// - Throws: ``ConfigError`` for a roster or schema that cannot be used, ``BatchError`` for the store.
  public init(config: BatchConfig, reports: String) throws {
    self.config = config
    if let r = config.roster {
      do { roster = try RosterLoader.load(path: r) } catch let p as InputProblem {
        throw ConfigError("the roster cannot be read: \(p.message)", "部门名单无法读取：\(p.messageZH)", file: r)
      } catch let u as UsageProblem {
        throw ConfigError(u.message, u.messageZH, file: r)
      }
    } else {
      roster = nil
    }
    var cols: [(BatchConfig.Collection, TableSchema)] = []
    for c in config.collections {
      do { cols.append((c, try SchemaCatalog.resolve(c.schema))) } catch {
        throw ConfigError("collection schema '\(c.schema)': \(error)", "收集任务的台账“\(c.schema)”无法使用：\(error)")
      }
    }
    collections = cols
    // Every built-in ledger is recognised (so that a ledger nobody asked for is named as such), plus
    // the collections' own schema files; a collection's schema replaces a built-in one of its name.
    var schemas = try SchemaCatalog.builtinLedgers()
    for (_, s) in cols {
      if let i = schemas.firstIndex(where: { $0.name == s.name }) { schemas[i] = s } else { schemas.append(s) }
    }
    validateJob = ValidateJob(options: .init(roster: roster), ledgers: Ledgers(schemas: schemas))
    reportWriter = try ReportWriter(folder: reports, job: validateJob)
    do { store = try SubmissionStore(path: config.store, durable: true) } catch {
      throw BatchError("\(config.store): the store cannot be opened: \(error)", "\(config.store)：无法打开台账存储：\(error)")
    }
  }

  /// The period of the collections when they share one, else nil (each file's own).
  public var collectionPeriod: String? {
    let periods = Set(collections.map { $0.0.period })
    return periods.count == 1 ? periods.first! : nil
  }

  /// The collections' titles, for messages (every built-in ledger's when there are none).
  public var collectionTitles: String {
    collections.isEmpty ? validateJob.ledgers.titles : collections.map { $0.1.title ?? $0.1.name }.joined(separator: "、")
  }

  /// A merge job for one message or upload: `agency` decides whom every table is filed under (a sender in the
  /// roster's 邮箱 column, an agency's link); `fallback` names the agency of a file that names none.
  public func job(agency: String? = nil, fallback: String? = nil) -> MergeJob {
    var mo = MergeJob.Options(roster: roster, period: collectionPeriod)
    mo.findingsKept = 1000
    mo.agency = agency
    mo.fallbackAgency = fallback
    return MergeJob(options: mo, ledgers: validateJob.ledgers)
  }

  /// One spreadsheet read once and judged, not yet stored.
  public struct CheckedFile: Sendable {
    /// What the store will be given (``commit(_:job:receivedAt:)``).
    public var staged: MergeJob.StagedFile
    /// The verdict as replies and pages show it (status, ledgers, rows, counts, first findings, the problem).
    public var result: AttachmentResult
    /// The validation report, one per recognised table (empty when unreadable or no ledger).
    public var report: ValidateJob.FileResult
    /// The annotated workbook (or receipt) written, when one was.
    public var reportPath: String?
    /// The annotated workbook (or receipt) and its name, when it was asked for in memory (``ReportOutput/memory``).
    public var reportBytes: (name: String, bytes: [UInt8])?
  }

  /// Where ``check(path:name:job:skipping:writer:report:)`` puts the annotated workbook.
  public enum ReportOutput: Sendable {
    /// Into the writer's folder, under a name made from the file's.
    case writerFolder
    /// At this exact path.
    case file(String)
    /// Kept as bytes in ``CheckedFile/reportBytes`` (named as in the writer's folder): a reply's attachment
    /// needs no file that is written, synced, read back and removed.
    case memory
  }

  /// Reads, validates and encodes the spreadsheet at `path` and writes its annotated workbook (the first half).
  /// - Parameters:
  ///   - name: the name the filer gave it (recorded in the store; never used as a path here).
  ///   - stored: digests already stored: such a file is read again only for its report.
  ///   - writer: the report writer of the caller's folder; it names the workbook for `.writerFolder` and `.memory`.
  ///   - output: where the annotated workbook goes (`report:`).
  /// - Throws: only the report writer's errors on disk; an unreadable file is a result.
  public func check(path: String, name: String, job: MergeJob, skipping stored: Set<String>,
                    writer: inout ReportWriter, report output: ReportOutput = .writerFolder) throws -> CheckedFile {
    var r = AttachmentResult(name: name, status: .valid)
    let file = job.stage(path: path, name: name, skipping: stored, recording: true)
    var checked = CheckedFile(staged: file, result: r, report: file.result, reportPath: nil)
    var result = file.result
    if file.isStored {
      // The same bytes were stored before (sent again): read once more, for the report.
      do { result = try validateJob.run(path: path, name: name) } catch let p as InputProblem {
        r.status = .unreadable
        r.problem = p.messageZH
        checked.result = r
        return checked
      }
      result.file = name
    } else if let (status, reason) = file.unusable {
      r.status = status == .unreadable ? .unreadable : .unrecognized
      r.problem = status == .unreadable ? reason
        : "未识别出需要报送的台账（本次收集：\(collectionTitles)）。请使用下发的模板填写，保留表头后重新发送。"
      checked.result = r
      return checked
    }
    checked.report = result
    let known = result.tables.filter { t in t.schema.map { s in collections.isEmpty || collections.contains { $0.1.name == s } } ?? false }
    r.ledgers = known.compactMap { t in t.schema.map { s in validateJob.ledgers.schemas.first { $0.name == s }?.title ?? s } }
    r.schemas = known.compactMap(\.schema)
    r.rows = known.reduce(0) { $0 + $1.stats.rows }
    r.errors = result.tables.reduce(0) { $0 + $1.stats.errors }
    r.warnings = result.tables.reduce(0) { $0 + $1.stats.warnings }
    r.policy = result.tables.reduce(0) { $0 + $1.stats.policyFindings }
    if known.isEmpty {
      r.status = .unrecognized
      let other = result.tables.compactMap { t in t.schema.flatMap { s in validateJob.ledgers.schemas.first { $0.name == s }?.title } }
      let what = other.isEmpty ? "未识别出需要报送的台账" : "其中是“\(other.joined(separator: "、"))”，不是本次收集的台账"
      r.problem = "\(what)（本次收集：\(collectionTitles)）。请使用下发的模板填写，保留表头后重新发送。"
    } else {
      r.status = r.errors == 0 ? .valid : .invalid
      r.findings = result.tables.flatMap(\.diagnostics).filter { $0.severity == .error }.prefix(10).map(ReplyText.finding)
      do {
        let recordings = file.isStored ? nil : file.recordings
        switch output {
        case .file(let reportPath):
          try writer.writeWorkbook(for: result, path: path, to: reportPath, recordings: recordings)
          checked.reportPath = reportPath
          r.report = lastPathComponent(reportPath)
        case .writerFolder:
          checked.reportPath = try writer.writeWorkbook(for: result, path: path, recordings: recordings)
          r.report = checked.reportPath.map(lastPathComponent)
        case .memory:
          let made = try writer.workbookBytes(for: result, path: path, recordings: recordings)
          checked.reportBytes = made
          r.report = made.name
        }
      } catch let p as InputProblem {
        r.status = .unreadable
        r.problem = p.messageZH
      }
    }
    checked.result = r
    return checked
  }

  /// Stores a checked file in one transaction (the second half); nothing when its bytes are stored already.
  /// - Throws: ``BatchError`` naming the store when it cannot be written.
  @discardableResult
  public func commit(_ file: CheckedFile, job: MergeJob, receivedAt: String) throws -> MergeJob.FileOutcome {
    do { return try job.store(file.staged, into: store, receivedAt: receivedAt) } catch {
      throw BatchError("\(config.store): cannot store \(file.result.name): \(error)", "\(config.store)：无法保存“\(file.result.name)”：\(error)")
    }
  }
}

import Foundation
import Intake
import Merge
import Store
import Validation

extension MergeJob {
  /// One file read, validated and encoded, not yet stored: ``ingest(paths:into:receivedAt:progress:)``'s
  /// two halves for a caller that does other work between them (`sheetgate run` drafts the reply from the
  /// same reading, then stores the file, the message's record and the reply in its own order).
  public struct StagedFile: Sendable {
    let prepared: PreparedFile
    /// The file's path and hex SHA-256 (empty when it could not be read at all).
    public var path: String { prepared.path }
    public var digest: String { prepared.digest }
    /// What validating it found, as ``ValidateJob`` reports it: one report per recognised table (none when
    /// the file is already stored, could not be read or holds no ledger).
    public var result: ValidateJob.FileResult
    /// Per table, the agency the file names itself (填报单位 line or agency column), or nil.
    public var namedAgencies: [String?]
    /// Per table, the agency it will be stored under.
    public var agencies: [String?]
    /// The file's sheets as they were read, when asked for and usable (``SheetRecordings/isUsable``): the
    /// annotated workbook is made from them instead of reading the file again.
    public var recordings: SheetRecordings?

    /// True when a file with these bytes is in the store already (storing it does nothing).
    public var isStored: Bool { if case .stored = prepared.content { return true } else { return false } }
    /// Why nothing could be read from it (unreadable, or no ledger recognised), with the status it is stored under.
    public var unusable: (status: SubmissionStatus, reason: String)? {
      if case .unusable(let s, let r) = prepared.content { return (s, r) } else { return nil }
    }
  }

  /// Reads, validates and encodes the file at `path` (the first half of ingesting it); touches no shared state.
  /// - Parameters:
  ///   - name: the file's name in the store and its report when it is not the path's last component
  ///     (`sheetgate serve` keeps an upload under a name of its own making and records the filer's name here).
  ///   - stored: digests already in the store (``SubmissionStore/storedDigests()``): such a file is not read.
  ///   - recording: keep each sheet's rows as read (``StagedFile/recordings``), up to 8 MiB a sheet.
  public func stage(path: String, name: String? = nil, skipping stored: Set<String>, recording: Bool = false) -> StagedFile {
    let name = name ?? lastPathComponent(path)
    let empty = ValidateJob.FileResult(file: name, tables: [], metadata: [])
    let digest: String
    do { digest = try SHA256.hex(ofFileAt: path) } catch {
      return StagedFile(prepared: PreparedFile(path: path, name: name, digest: "",
                                               content: .unusable(.unreadable, "无法读取文件：\(error.localizedDescription)")),
                        result: empty, namedAgencies: [], agencies: [])
    }
    if stored.contains(digest) {
      return StagedFile(prepared: PreparedFile(path: path, name: name, digest: digest, content: .stored), result: empty,
                        namedAgencies: [], agencies: [])
    }
    do {
      let recordings = recording ? SheetRecordings() : nil
      let r = try readWithReports(path: path, name: name, recordings: recordings)
      if r.tables.isEmpty {
        return StagedFile(prepared: PreparedFile(path: path, name: name, digest: digest,
                                                 content: .unusable(.unrecognized, "未找到任何台账的表头（可识别的台账：\(ledgers.titles)）")),
                          result: empty, namedAgencies: [], agencies: [])
      }
      return StagedFile(prepared: PreparedFile(path: path, name: name, digest: digest, content: .tables(r.tables)),
                        result: ValidateJob.FileResult(file: name, tables: r.reports, metadata: r.metadata),
                        namedAgencies: r.namedAgencies, agencies: r.tables.map(\.agency),
                        recordings: recordings?.isUsable == true ? recordings : nil)
    } catch let p as InputProblem {
      return StagedFile(prepared: PreparedFile(path: path, name: name, digest: digest, content: .unusable(.unreadable, p.messageZH)),
                        result: empty, namedAgencies: [], agencies: [])
    } catch {
      return StagedFile(prepared: PreparedFile(path: path, name: name, digest: digest,
                                               content: .unusable(.unreadable, "无法读取文件：\(error)")),
                        result: empty, namedAgencies: [], agencies: [])
    }
  }

  /// Stores a staged file in one transaction (the second half): nothing when its bytes are stored already.
  /// - Throws: store errors.
  public func store(_ file: StagedFile, into store: SubmissionStore, receivedAt: String = MergeJob.now()) throws -> FileOutcome {
    try save(file.prepared, into: store, receivedAt: receivedAt)
  }
}

/// The schemas of every ledger the seeds name, as YAML text compiled into the binary.
///
/// `sheetgate schema show NAME` prints `yaml(named:)`, which a clerk can copy and edit.
public enum BuiltinSchemas {
  /// The built-in schema names, in display order.
  public static let names: [String] = [
    "training-hours", "discretion-benchmarks", "normative-documents-valid", "normative-documents-amended",
    "normative-documents-repealed", "penalty-exemption-lists", "major-decision-review-catalog",
    "key-area-rectification", "case-file-review", "enforcement-entrustment", "platform-case-entry",
    "self-inspection-rectification", "liaison-receipt", "task-progress", "staffing", "agency-roster",
  ]

  /// The YAML text of a built-in schema, or nil for an unknown name.
  public static func yaml(named name: String) -> String? {
    switch name {
    case "training-hours": return trainingHours
    case "discretion-benchmarks": return discretionBenchmarks
    case "normative-documents-valid": return normativeDocumentsValid
    case "normative-documents-amended": return normativeDocumentsAmended
    case "normative-documents-repealed": return normativeDocumentsRepealed
    case "penalty-exemption-lists": return penaltyExemptionLists
    case "major-decision-review-catalog": return majorDecisionReviewCatalog
    case "key-area-rectification": return keyAreaRectification
    case "case-file-review": return caseFileReview
    case "enforcement-entrustment": return enforcementEntrustment
    case "platform-case-entry": return platformCaseEntry
    case "self-inspection-rectification": return selfInspectionRectification
    case "liaison-receipt": return liaisonReceipt
    case "task-progress": return taskProgress
    case "staffing": return staffing
    case "agency-roster": return agencyRoster
    default: return nil
    }
  }

  /// Loads a built-in schema.
  /// - Throws: `SchemaError.Code.unknownSchema` for an unknown name (a built-in that fails to load is a bug the tests catch).
  public static func load(named name: String) throws(SchemaError) -> TableSchema {
    guard let text = yaml(named: name) else {
      throw SchemaError(.unknownSchema, "no built-in schema called `\(name)` (known: \(names.joined(separator: ", ")))")
    }
    return try TableSchema(yaml: text, file: "builtin:\(name)")
  }
}

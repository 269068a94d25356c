import Diagnostics
import Recognition
import Schema
import Tabular

// The boundary between Recognition and Schema/Diagnostics, in one place.
//
// Recognition matches headers against plain `LedgerLabels` and reports what it found as
// `RecognitionNote`s; it knows neither schemas nor diagnostics, so it can be tested on its own
// and used by callers without a schema. This file is the only translation: a schema into labels,
// and every kind of note into a diagnostic (or, for the two kinds that are not findings, into
// nothing). The switch is exhaustive: a new kind of note does not compile until it is mapped here.

extension LedgerLabels {
  /// The labels Recognition matches a header against: the schema's titles, aliases, and which
  /// fields are required or filled down from merged cells.
  public init(schema: TableSchema) {
    self.init(name: schema.name, title: schema.title ?? schema.name, keywords: schema.keywords,
              fields: schema.fields.map {
                FieldLabels(name: $0.name, title: $0.title ?? $0.name, aliases: $0.aliases,
                            required: $0.constraints.required, fillMerged: $0.fillMerged)
              })
    positional = schema.isPlainTableSchema
  }
}

/// Turns recognition notes into diagnostics.
public enum RecognitionFindings {
  /// The diagnostic for `note`, or nil for the kinds that are not findings about a table.
  ///
  /// Severities: a missing required column and a duplicated column are errors; a missing optional
  /// column, an extra or blank header cell and blank rows inside the data are warnings; the schema
  /// choice, skipped footers and filled merges are information. `header-not-found` and
  /// `sheet-skipped` describe sheets that hold no table; the walker reports those itself.
  public static func diagnostic(_ note: RecognitionNote, schema: TableSchema, table: RecognizedTable,
                                file: String?, sheet: String?) -> Diagnostic? {
    let loc = SourceLocation(file: file, sheet: sheet, row: note.row, column: note.column)
    var params = note.params.sorted { $0.key < $1.key }.map { DiagnosticParameter($0.key, $0.value) }
    switch note.code {
    case .missingLabel:
      let fieldName = note.params["field"] ?? note.value
      let field = schema.fields.first { $0.name == fieldName || $0.title == fieldName }
      let required = field?.constraints.required ?? false
      return Diagnostic(code: .missingLabel, severity: required ? .error : .warning, location: loc,
                        field: field?.displayName ?? fieldName, value: note.value, parameters: params)
    case .extraLabel:
      return Diagnostic(code: .extraLabel, severity: .warning, location: loc, value: note.value, parameters: params)
    case .duplicateLabel:
      return Diagnostic(code: .duplicateLabel, severity: .error, location: loc, value: note.value, parameters: params)
    case .incorrectLabel:
      let field = note.params["field"].flatMap { n in schema.fields.first { $0.name == n } }
      return Diagnostic(code: .incorrectLabel, severity: .error, location: loc, field: field?.displayName,
                        value: note.value, parameters: params)
    case .blankLabel:
      return Diagnostic(code: .blankLabel, severity: .warning, location: loc, value: note.value, parameters: params)
    case .blankRow:
      return Diagnostic(code: .blankRow, severity: .warning, location: loc, value: note.value, parameters: params)
    case .schemaChosen:
      params.append(DiagnosticParameter("schema", schema.title ?? schema.name))
      return Diagnostic(code: .schemaChosen, severity: .info, location: loc, value: note.value, parameters: params)
    case .templateMarker:
      params.append(DiagnosticParameter("schema", schema.title ?? schema.name))
      return Diagnostic(code: .templateRecognized, severity: .info, location: loc, value: note.value, parameters: params)
    case .templateMarkerMismatch:
      if note.params["declaredTitle"] == nil { params.append(DiagnosticParameter("declaredTitle", note.params["declared"] ?? "")) }
      if note.params["foundTitle"] == nil { params.append(DiagnosticParameter("foundTitle", schema.title ?? schema.name)) }
      return Diagnostic(code: .templateMarkerMismatch, severity: .error, location: loc, value: note.value, parameters: params)
    case .footerSkipped:
      return Diagnostic(code: .footerSkipped, severity: .info, location: loc, value: note.value, parameters: params)
    case .mergedCellFilled:
      return Diagnostic(code: .mergedCellFilled, severity: .info, location: loc,
                        field: note.column.flatMap { table.field(ofColumn: $0) }.map { schema.fields[$0].displayName },
                        value: note.value, parameters: params)
    case .headerNotFound, .sheetSkipped:
      return nil
    }
  }
}

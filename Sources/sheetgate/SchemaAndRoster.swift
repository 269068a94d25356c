import Intake
import Pipeline
import Schema

/// The `--schema` and `--roster` options as `validate` and `merge` both take them.
///
/// A schema name or file that does not load, or a roster that cannot be read, is a usage
/// error (exit 2) whose message names the file, the line and column or the cell, and what to do.
struct SchemaAndRoster {
  var schema: TableSchema?
  var roster: AgencyRoster?

  /// Resolves `schema` (a built-in name or a .yaml/.json file) and loads `roster` (.xlsx or .csv).
  init(schema: String?, roster: String?, chinese: Bool) throws {
    do {
      self.schema = try schema.map(SchemaCatalog.resolve)
      self.roster = try roster.map { try RosterLoader.load(path: $0) }
    } catch let e as SchemaError {
      throw StatusError.usage("\(e)")
    } catch let u as UsageProblem {
      throw StatusError.usage(u.text(chinese: chinese))
    }
  }
}

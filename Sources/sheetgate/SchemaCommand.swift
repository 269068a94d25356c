import ArgumentParser
import Pipeline
import Schema

/// `sheetgate schema list|show|check`: the built-in ledger schemas and schema files.
struct SchemaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema",
    abstract: "List, print and check schemas (Frictionless Table Schema with sheetgate's extensions).",
    subcommands: [List.self, Show.self, Check.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in schemas.",
                                                    discussion: "Example: sheetgate schema list")
    func run() throws {
      for name in BuiltinSchemas.names {
        let s = try BuiltinSchemas.load(named: name)
        let pad = String(repeating: " ", count: max(1, 34 - name.count))
        Output.stdout.write("\(name)\(pad)\(s.title ?? "")（\(s.fields.count) 列）\n")
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a built-in schema as YAML to copy and edit.",
      discussion: "Example: sheetgate schema show training-hours > 培训学时.yaml")
    @Argument(help: "A built-in schema name.") var name: String
    @OptionGroup var global: GlobalOptions
    func run() throws {
      guard let yaml = BuiltinSchemas.yaml(named: name) else {
        throw StatusError.usage(global.chinese
          ? "没有名为「\(name)」的内置表结构；可用：\(BuiltinSchemas.names.joined(separator: "、"))"
          : "no built-in schema \"\(name)\"; available: \(BuiltinSchemas.names.joined(separator: ", "))")
      }
      Output.stdout.write(yaml.hasSuffix("\n") ? yaml : yaml + "\n")
    }
  }

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a schema file: types, formats, patterns and rule expressions.",
      discussion: "Example: sheetgate schema check 培训学时.yaml   (exit 0 when it loads, 2 with file:line:column when not)")
    @Argument(help: "A .yaml or .json schema file.") var file: String
    @OptionGroup var global: GlobalOptions
    func run() throws {
      do {
        let s = try TableSchema(contentsOfFile: file)
        Output.stdout.write(global.chinese
          ? "\(file)：表结构有效（\(s.name)，\(s.fields.count) 列，\(s.rules.count) 条行规则，\(s.aggregates.count) 条汇总规则）\n"
          : "\(file): schema is valid (\(s.name), \(s.fields.count) fields, \(s.rules.count) row rules, \(s.aggregates.count) aggregate rules)\n")
      } catch let e as SchemaError {
        throw StatusError.usage("\(e)")
      }
    }
  }
}

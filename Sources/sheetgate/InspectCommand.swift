import ArgumentParser
import Intake
import Pipeline

/// `sheetgate inspect FILE`: what is in a file before anything is checked.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show a file's sheets, visibility, dimensions, merged ranges and first rows.",
    discussion: "Example: sheetgate inspect samples/乌审旗_执法人员培训学时台账.xlsx --json")

  @Argument(help: "An .xlsx workbook or a CSV file (the format is decided by its bytes).")
  var file: String

  @Flag(help: "Print JSON instead of text.")
  var json = false

  @Option(help: "How many rows of each sheet to show.")
  var preview = 5

  @Option(help: "Text encoding of a CSV input when detection is not enough (e.g. gb18030, shift_jis, latin1).")
  var encoding: String?

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let opened = try OpenedFile.open(path: file, options: .init(csvEncoding: encoding))
    let report = try InspectReport.make(opened, path: file, previewRows: max(0, preview))
    if json { Output.stdout.write(report.json()) } else { Output.stdout.write(report.text(chinese: global.chinese)) }
  }
}

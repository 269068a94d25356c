import ArgumentParser
import Foundation
import Intake
import Pipeline

/// The `sheetgate` command: thin commands over the Pipeline and Intake libraries (ARCHITECTURE.md).
@main
struct Sheetgate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sheetgate",
    abstract: "Check agency spreadsheets against typed schemas, report back, and consolidate them.",
    discussion: """
      Exit codes: 0 all valid; 1 findings of severity error; 2 usage or configuration error;
      3 an input could not be read; 4 an internal error; 5 another `sheetgate run` is active.
      Data goes to stdout; progress and diagnostics go to stderr.
      """,
    version: sheetgateVersion,
    subcommands: [InspectCommand.self, ValidateCommand.self, ConvertCommand.self, CatCommand.self, SchemaCommand.self, TemplateCommand.self, MergeCommand.self, StoreCommand.self, RunCommand.self, ServeCommand.self])

  static func main() {
    signal(SIGPIPE, SIG_IGN)
    // Errors caught here are printed in the language the command line asked for.
    let language = Language.from(arguments: CommandLine.arguments)
    do {
      var command = try parseAsRoot()
      try command.run()
      Output.stdout.flush()
    } catch let problem as InputProblem {
      Output.stdout.flush()
      Output.error(problem.text(chinese: language.isChinese))
      Foundation.exit(ExitStatus.unreadableInput)
    } catch let usage as UsageProblem {
      Output.stdout.flush()
      Output.error(usage.text(chinese: language.isChinese))
      Foundation.exit(ExitStatus.usage)
    } catch let exit as ExitCode {
      Output.stdout.flush()
      Foundation.exit(exit.rawValue)
    } catch let status as StatusError {
      Output.stdout.flush()
      Output.error(status.message)
      Foundation.exit(status.code)
    } catch {
      Output.stdout.flush()
      let code = Sheetgate.exitCode(for: error)
      // --help and --version print and succeed.
      if code == .success { Sheetgate.exit(withError: error) }
      // Parse and validation errors of the command line: the message with usage, then status 2
      // (swift-argument-parser's own status for these is 64).
      if code == .validationFailure {
        Output.error(Sheetgate.fullMessage(for: error))
        Foundation.exit(ExitStatus.usage)
      }
      Output.error("sheetgate: internal error: \(error)")
      Foundation.exit(ExitStatus.internalError)
    }
  }
}

/// The documented exit statuses.
enum ExitStatus {
  static let valid: Int32 = 0
  static let findings: Int32 = 1
  static let usage: Int32 = 2
  static let unreadableInput: Int32 = 3
  static let internalError: Int32 = 4
  /// `sheetgate run`: another run holds the lock.
  static let anotherRun: Int32 = 5
}

/// An error that ends the command with a message and a specific exit status.
struct StatusError: Error {
  var code: Int32
  var message: String
  static func usage(_ m: String) -> StatusError { StatusError(code: ExitStatus.usage, message: m) }
  static func unreadable(_ m: String) -> StatusError { StatusError(code: ExitStatus.unreadableInput, message: m) }
}

/// The version `sheetgate --version` prints.
let sheetgateVersion = "sheetgate 0.11.0"

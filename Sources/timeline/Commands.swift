import EventLog
import Projections

/// What every command gets: where the log is, what time it is, where to print.
struct Context {
  var store: LogStore
  var now: Timestamp
  var today: Day { Day(millisecondsSinceEpoch: now.milliseconds) }
  var console: Console
  /// What the query read, for keeping its answer.
  var reading = Reading()
}

/// The log version a query read, and whether its answer may be kept.
final class Reading {
  var version: LogVersion?
  var keepable = false
}

/// One command: the table row that parses its arguments, writes its help and runs it.
struct Command: Sendable {
  var name: String
  var usage: String
  var summary: String
  var positionals: [PositionalSpec] = []
  var options: [OptionSpec] = []
  /// Paragraphs shown after the options in `--help`.
  var details: [String] = []
  var examples: [String] = []
  var run: @Sendable (ParsedArguments, Context) throws -> Int32
}

let logOption = OptionSpec(name: "log", value: "PATH", help: "the log: a .jsonl file or a folder of them (default: $TIMELINE_LOG, else ./events)")
let helpOption = OptionSpec(name: "help", short: "h", value: nil, help: "show this help")
let jsonOption = OptionSpec(name: "json", value: nil, help: "print one JSON document (the shapes in DESIGN.md)")
let orgOption = OptionSpec(name: "org", value: "ORG", help: "only this organisation")
let knownAtOption = OptionSpec(name: "known-at", value: "TIME", help: "only what the log knew then: an RFC 3339 time, or a date meaning the end of that UTC day")

/// Every command, in the order help lists them.
let commands: [Command] = [
  addCommand, retractCommand, logCommand, stateCommand, diffCommand, lineageCommand, strategyCommand, checkCommand,
  renderCommand, exportCommand, importCommand, completionCommand, manCommand, helpCommand,
]

let version = "timeline 0.1.0"

let helpCommand = Command(
  name: "help", usage: "timeline help [COMMAND]", summary: "show help for timeline or one command",
  positionals: [PositionalSpec(name: "COMMAND", help: "a command", optional: true)],
  run: { args, context in
    if let name = args.positionals.first {
      guard let command = commands.first(where: { $0.name == name }) else {
        throw UsageError("unknown command '\(name)'\(didYouMean(name, in: commands.map(\.name)))")
      }
      context.console.line(help(for: command))
    } else {
      context.console.line(mainHelp())
    }
    return 0
  })

func mainHelp() -> String {
  var lines = [
    "timeline: an event-sourced competitive-intelligence timeline",
    "",
    "Usage: timeline [--log PATH] <command> [options]",
    "",
    "Commands:",
  ]
  lines += alignedRows(commands.map { [$0.name, $0.summary] }, indent: 2)
  lines += [
    "",
    "Options for every command:",
  ]
  lines += alignedRows([logOption, helpOption].map { [$0.display, $0.help] } + [["--version", "print the version"]], indent: 2)
  lines += [
    "",
    "Dates are YYYY, YYYY-MM or YYYY-MM-DD and keep their precision.",
    "Run 'timeline <command> --help' for a command's options and examples.",
    "Exit codes: 0 ok, 64 usage, 65 bad data, 66 no log, 73 cannot create, 74 I/O error, 75 lock busy.",
  ]
  return lines.joined(separator: "\n")
}

func help(for command: Command) -> String {
  var lines = ["Usage: \(command.usage)", "", command.summary.prefix(1).uppercased() + command.summary.dropFirst() + "."]
  if !command.positionals.isEmpty {
    lines += ["", "Arguments:"]
    lines += alignedRows(command.positionals.map { [$0.name, $0.help] }, indent: 2)
  }
  lines += ["", "Options:"]
  lines += alignedRows((command.options + [logOption, helpOption]).map { [$0.display, $0.help + ($0.repeatable ? " (repeatable)" : "")] }, indent: 2)
  for paragraph in command.details { lines += ["", paragraph] }
  if !command.examples.isEmpty {
    lines += ["", "Examples:"]
    lines += command.examples.map { "  " + $0 }
  }
  return lines.joined(separator: "\n")
}

// MARK: - Shared helpers

/// Reads a query date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a partial date is the
/// end of its period, or its start when `start` is set (`--from`).
/// A date option, if given: `--from` means the start of its period, any
/// other (`--at`, `--to`) its end.
func dayOption(_ args: ParsedArguments, _ name: String) throws(UsageError) -> Day? {
  guard let text = args.value(name) else { return nil }
  return try queryDay(text, option: "--" + name, start: name == "from")
}

/// How log, strategy and export select by `--from` and `--to`: the first
/// day of the event's period lies between them (either may be absent).
func inWindow(_ firstDay: Day, from: Day?, to: Day?) -> Bool {
  (from.map { firstDay >= $0 } ?? true) && (to.map { firstDay <= $0 } ?? true)
}

func queryDay(_ text: String, option: String, start: Bool = false) throws(UsageError) -> Day {
  do {
    let date = try EventDate.parse(text)
    return start ? date.firstDay : date.lastDay
  } catch {
    throw UsageError("\(option): \(error.message)")
  }
}

/// Reads `--known-at`: an RFC 3339 time, or a date meaning the end of that UTC day (or period).
func knownAt(_ args: ParsedArguments) throws(UsageError) -> Timestamp? {
  guard let text = args.value("known-at") else { return nil }
  if text.utf8.count <= 10 {
    return Timestamp.endOf(try queryDay(text, option: "--known-at"))
  }
  do { return try Timestamp.parse(text) } catch {
    throw UsageError("--known-at: \(error.message), or a date YYYY-MM-DD")
  }
}

/// Loads the log as facts, printing what the reader left out as warnings.
func loadFacts(_ context: Context) throws(LogError) -> FactTable {
  let log = try context.store.loadFacts()
  for notice in log.notices { context.console.error("timeline: warning: \(notice)") }
  if let note = log.cacheNote { context.console.error("timeline: note: \(note)") }
  context.reading.version = log.version
  context.reading.keepable = log.notices.isEmpty && log.isLarge
  return log.table
}

/// The log's facts, or none when there is no log yet (add and import create
/// it); any other failure to read the log is an error, with its own code.
func loadFactsIfAny(_ context: Context) throws(LogError) -> FactTable {
  context.store.exists ? try loadFacts(context) : FactTable()
}

/// The queries whose answers are a function of the log, the arguments and the day.
let answerCommands: Set<String> = ["state", "diff", "lineage", "strategy", "log"]

/// Prints a JSON document, `basis` last.
func printJSON(basis: Basis, _ context: Context, _ body: (inout JSONWriter) -> Void) {
  JSONWriter.write(to: context.console.write) { w in
    body(&w)
    w.basis(basis)
  }
}

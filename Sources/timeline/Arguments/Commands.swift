import EventLog
import Projections

/// What every command gets: where the log is, what time it is, where to print.
struct Context {
  var store: LogStore
  /// The real clock, for record times.
  var now: Timestamp
  /// The day calendar dates count from (`today`, the default `--at`): the UTC
  /// date of `now`, unless `--today` or `TIMELINE_TODAY` fixes it.
  var today: Day
  var console: Console
  /// Where the log was looked for, when neither --log nor TIMELINE_LOG named it
  /// and no `events` folder was found (for the message of a query that needs one).
  var searched: String? = nil
  /// Whether --log or TIMELINE_LOG named the log (rather than the search).
  var logNamed = false
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

let logOption = OptionSpec(name: "log", value: "PATH", help: "the log: a .jsonl file or a folder of them (default: $TIMELINE_LOG, else ./events, else the nearest events folder of a parent folder up to the one holding .git)")
let todayOption = OptionSpec(name: "today", value: "DATE", help: "the day YYYY-MM-DD that today, yesterday, this month ... and the default --at count from (default: $TIMELINE_TODAY, else the UTC date); record times use the real clock")
let colorOption = OptionSpec(
  name: "color", value: "WHEN",
  help: "colour in text output: auto (default: on a terminal, unless NO_COLOR is set or TERM is dumb), always (even when NO_COLOR is set) or never",
  choices: Console.ColorMode.allCases.map(\.rawValue))
let quietOption = OptionSpec(name: "quiet", short: "q", value: nil, help: "no notes or summaries on standard error (warnings and errors are still printed)")
let noPagerOption = OptionSpec(name: "no-pager", value: nil, help: "print straight to the terminal, never through $TIMELINE_PAGER, $PAGER or less")
/// The options every command takes, before or after its name.
let globalOptions = [logOption, todayOption, colorOption, quietOption, noPagerOption, helpOption]
let periodOption = OptionSpec(name: "period", short: "p", value: "PERIOD", help: "A..B: the same as --from A --to B; either end may be left open (2025-11.., ..2025-12); one date D means its own period (-p 2025-Q4)")
let helpOption = OptionSpec(name: "help", short: "h", value: nil, help: "show this help")
let jsonOption = OptionSpec(name: "json", value: nil, help: "print one JSON document (its shape: the README, \"Commands\")")
let orgOption = OptionSpec(name: "org", value: "ORG", help: "only this organisation")
let minConfidenceOption = OptionSpec(
  name: "min-confidence", value: "C",
  help: "replay as if the log held only events of confidence C or higher (rumor, reported, confirmed); a retraction or correction below C is left out too, so its target stands",
  choices: Confidence.allCases.map(\.rawValue))
let knownAtOption = OptionSpec(name: "known-at", value: "TIME", help: "only what the log knew then: an RFC 3339 time, or a date meaning the end of that UTC day (or period)")

/// Every command, in the order help lists them.
let commands: [Command] = [
  initCommand, addCommand, retractCommand, logCommand, stateCommand, diffCommand, newsCommand, whyCommand, lineageCommand,
  strategyCommand, checkCommand,
  renderCommand, exportCommand, importCommand, completionCommand, completeCommand, manCommand, helpCommand,
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
      context.console.line(help(for: command, width: context.console.width))
    } else {
      context.console.line(mainHelp(width: context.console.width))
    }
    return 0
  })

func mainHelp(width: Int = 80) -> String {
  var lines = wrap("timeline: an event-sourced competitive-intelligence timeline", width: width) + [""]
  lines += wrapUsage("Usage: timeline [--log PATH] [--today DATE] <command> [options]", width: width)
  lines += ["", "Commands:"]
  lines += helpTable(commands.map { [$0.name, $0.summary] }, width: width)
  lines += [
    "",
    "Options for every command:",
  ]
  lines += helpTable(globalOptions.map { [$0.display, $0.help] } + [["--version", "print the version"]], width: width)
  for paragraph in [
    "Dates of events are YYYY, YYYY-MM or YYYY-MM-DD and keep their precision.",
    datesHelp,
    "Run 'timeline <command> --help' for a command's options and examples.",
    "Exit codes: 0 ok, 64 usage, 65 bad data, 66 no log, 73 cannot create, 74 I/O error, 75 lock busy.",
    readmeHelp,
  ] {
    lines += [""] + wrap(paragraph, width: width)
  }
  return lines.joined(separator: "\n")
}

/// Where to read more: what a user of the tool has, the README and docs/.
let readmeHelp = "More in the README: \"Your first ten events\", \"Commands\", \"Sharing a log with a team\", \"Feeding other systems\", \"The event format, in brief\", \"How answers are computed (the replay)\" and \"Exit codes\"; and in docs/walkthrough.md, docs/sharing.md, docs/team.md, docs/decisions.md, docs/guarantees.md and docs/performance.md."

func help(for command: Command, width: Int = 80) -> String {
  var lines = wrapUsage("Usage: \(command.usage)", width: width)
  lines += [""] + wrap(command.summary.prefix(1).uppercased() + command.summary.dropFirst() + ".", width: width)
  if !command.positionals.isEmpty {
    lines += ["", "Arguments:"]
    lines += helpTable(command.positionals.map { [$0.name, $0.help] }, width: width)
  }
  lines += ["", "Options:"]
  lines += helpTable((command.options + globalOptions).map { [$0.display, $0.help + ($0.repeatable ? " (repeatable)" : "")] }, width: width)
  for paragraph in command.details { lines += [""] + wrap(paragraph, width: width) }
  if !command.examples.isEmpty {
    lines += ["", "Examples:"]
    lines += command.examples.flatMap { wrapCommand($0, width: width, indent: 2) }
  }
  return lines.joined(separator: "\n")
}

// MARK: - Shared helpers

/// What help says of query dates.
let datesHelp = "Query dates (--at, --from, --to, -p, diff's dates, --known-at) are also YYYY-Qn or YYYYQn (a quarter), today, yesterday, or this or last followed by week (ISO, Monday to Sunday), month, quarter or year, as one argument ('last month' or last-month): a partial date means the end of its period, or its start for --from."

/// A date option, if given: `--from` means the start of its period, any
/// other (`--at`, `--to`) its end. `--from` and `--to` are also read from
/// `-p/--period A..B`, which cannot be combined with them.
func dayOption(_ args: ParsedArguments, _ name: String, _ context: Context) throws(UsageError) -> Day? {
  if (name == "from" || name == "to"), let period = args.value("period") {
    if args.has("from") || args.has("to") {
      throw UsageError("-p/--period gives both ends of the window: use it or --from/--to, not both")
    }
    let window: (from: DatePeriod?, to: DatePeriod?)
    do { window = try QueryDate.parseWindow(period, today: context.today) } catch {
      throw UsageError("--period: \(error.message)")
    }
    return name == "from" ? window.from?.first : window.to?.last
  }
  guard let text = args.value(name) else { return nil }
  return try queryDay(text, option: "--" + name, start: name == "from", today: context.today)
}

/// `--from` and `--to` (or `-p/--period`), refused (64) when the window ends before it starts.
func dateWindow(_ args: ParsedArguments, _ context: Context, command: String) throws(UsageError) -> (from: Day?, to: Day?) {
  let from = try dayOption(args, "from", context)
  let to = try dayOption(args, "to", context)
  if let from, let to {
    if let period = args.value("period") {
      try checkWindow(start: ("-p", period, from), end: ("-p", period, to), command: command)
    } else {
      try checkWindow(start: ("--from", args.value("from")!, from), end: ("--to", args.value("to")!, to), command: command)
    }
  }
  return (from, to)
}

/// The one check of every window, in one wording: its end may not be before
/// its start. Each bound is the option (or argument) that gave it, the text
/// typed and the day it resolved to.
func checkWindow(
  start: (name: String, text: String, day: Day), end: (name: String, text: String, day: Day), command: String
) throws(UsageError) {
  guard end.day < start.day else { return }
  func shown(_ bound: (name: String, text: String, day: Day)) -> String {
    bound.text == bound.day.description ? "\(bound.name) \(bound.text)" : "\(bound.name) \(bound.text) (\(bound.day))"
  }
  let partial = start.name != "--from" && start.text != start.day.description
    ? " (a partial \(start.name) means the end of its period)" : ""
  throw UsageError("the window ends before it starts: \(shown(end)) is before \(shown(start))\(partial); swap them, or give a later \(end.name)", command: command)
}

/// Reads a query date (every form of `QueryDate`); a partial date is the end
/// of its period, or its start when `start` is set (`--from`).
func queryDay(_ text: String, option: String, start: Bool = false, today: Day) throws(UsageError) -> Day {
  do {
    let period = try QueryDate.parse(text, today: today)
    return start ? period.first : period.last
  } catch {
    throw UsageError("\(option): \(error.message)")
  }
}

/// Reads `--known-at`: an RFC 3339 time (it has a `:`), or a query date
/// meaning the end of that UTC day (or period).
func knownAt(_ args: ParsedArguments, _ context: Context) throws(UsageError) -> Timestamp? {
  guard let text = args.value("known-at") else { return nil }
  if !text.contains(":") {
    do { return Timestamp.endOf(try QueryDate.parse(text, today: context.today).last) } catch {
      throw UsageError("--known-at: \(error.message); or an RFC 3339 time like 2025-12-10T08:15:02Z")
    }
  }
  do { return try Timestamp.parse(text) } catch {
    throw UsageError("--known-at: \(error.message), or a date YYYY-MM-DD")
  }
}

/// Reads `--min-confidence` (default: rumor, every event); a word it does not know is a usage error (64).
func minConfidence(_ args: ParsedArguments, command: String) throws(UsageError) -> Confidence {
  let word = try choice(args, "min-confidence", in: Confidence.allCases.map(\.rawValue), default: "rumor", command: command)
  return Confidence(rawValue: word)!
}

/// Loads the log as facts, printing what the reader left out as warnings.
func loadFacts(_ context: Context) throws(LogError) -> FactTable {
  if let searched = context.searched, !context.store.exists {
    throw LogError(.noInput, "no log found: no events folder in \(searched); run `timeline init` to start one here, add an event to create ./events, or point --log or TIMELINE_LOG at a log")
  }
  let log = try Progress.around("reading the log") { _ throws(LogError) in try context.store.loadFacts() }
  if log.table.files.isEmpty { noteEmptyFolder(context) }
  for notice in log.notices { context.console.error("timeline: warning: \(notice)") }
  if let note = log.cacheNote { context.console.note("timeline: note: \(note)") }
  context.reading.version = log.version
  context.reading.keepable = log.notices.isEmpty && log.isLarge
  return log.table
}

/// Says that the log folder has no `.jsonl` file, so that a mistyped `--log`
/// (or `TIMELINE_LOG=/`) is not taken for an empty log.
func noteEmptyFolder(_ context: Context) {
  let path = context.store.path
  context.console.note("timeline: note: the log folder \(path) holds no .jsonl file, so it reads as an empty log; is --log (or TIMELINE_LOG) the folder you meant?")
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

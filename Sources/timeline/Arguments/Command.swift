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
  /// The fact cache the table came from, if it did (for the replay index).
  var cacheIdentity: CacheIdentity?
  /// The replay index awaiting the fact cache this query is writing.
  var pendingIndex: PendingReplayIndex?
}

/// One command: the table row that parses its arguments, writes its help
/// (its usage line included, see `Command.usage`) and runs it.
struct Command: Sendable {
  var name: String
  var summary: String
  var positionals: [PositionalSpec] = []
  var options: [OptionSpec] = []
  /// Other ways to call it, each shown on a usage line of its own.
  var forms: [UsageForm] = []
  /// Paragraphs shown after the options in `--help`.
  var details: [String] = []
  var examples: [String] = []
  var run: @Sendable (ParsedArguments, Context) throws -> Int32
}

/// Every command, in the order help lists them.
let commands: [Command] = [
  initCommand, addCommand, retractCommand, logCommand, stateCommand, diffCommand, newsCommand, whyCommand, lineageCommand,
  strategyCommand, checkCommand,
  renderCommand, exportCommand, importCommand, completionCommand, completeCommand, manCommand, helpCommand,
]

let version = "timeline 0.1.0"

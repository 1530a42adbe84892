import EventLog
import Projections

// The options that several commands share.

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
let jsonOption = OptionSpec(name: "json", value: nil, help: "print one JSON document (its shape: the README, \"JSON output\")")
let orgOption = OptionSpec(name: "org", value: "ORG", help: "only this organisation")
let minConfidenceOption = OptionSpec(
  name: "min-confidence", value: "C",
  help: "replay as if the log held only events of confidence C or higher (rumor, reported, confirmed); a retraction or correction below C is left out too, so its target stands",
  choices: Confidence.allCases.map(\.rawValue))
let knownAtOption = OptionSpec(name: "known-at", value: "TIME", help: "only what the log knew then: an RFC 3339 time, or a date meaning the end of that UTC day (or period)")

let outputOption = OptionSpec(name: "output", short: "o", value: "FILE", help: "write to FILE (atomically: the old file or the whole new one) instead of standard output")

/// The value of an option that takes one of a few words.
func choice(_ args: ParsedArguments, _ name: String, in choices: [String], default fallback: String?, command: String) throws(UsageError) -> String {
  guard let value = args.value(name) else {
    if let fallback { return fallback }
    throw UsageError("missing --\(name): one of \(choices.joined(separator: ", "))", command: command)
  }
  guard choices.contains(value) else {
    throw UsageError("--\(name): '\(value)' is not one of \(choices.joined(separator: ", "))\(didYouMean(value, in: choices))", command: command)
  }
  return value
}

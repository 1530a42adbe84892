import EventLog
import Projections

// Reading the dates, windows and filters of a query.

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
    if let period = args.value("period"), let dots = period.firstRange(of: "..") {
      // Each end as typed, the other left open: -p 2025-12.. and -p ..2025-11.
      let start = String(period[..<dots.lowerBound]) + ".."
      let end = ".." + String(period[dots.upperBound...])
      try checkWindow(start: ("-p", start, from), end: ("-p", end, to), command: command)
    } else if args.value("period") == nil {
      try checkWindow(start: ("--from", args.value("from")!, from), end: ("--to", args.value("to")!, to), command: command)
    }
  }
  return (from, to)
}

/// The one check of every window, date or record time, in one wording: its
/// end may not be before its start (64). Each bound is the option (or
/// argument) that gave it, the text typed and the value it resolved to.
/// `startIsAPeriodsEnd`: the start is the last day of a longer period (diff's partial FROM),
/// which the message says, as it is the likely surprise.
func checkWindow<Bound: Comparable & CustomStringConvertible>(
  start: (name: String, text: String, value: Bound), end: (name: String, text: String, value: Bound),
  window: String = "window", startIsAPeriodsEnd: Bool = false, command: String
) throws(UsageError) {
  guard end.value < start.value else { return }
  func shown(_ bound: (name: String, text: String, value: Bound)) -> String {
    bound.text == bound.value.description ? "\(bound.name) \(bound.text)" : "\(bound.name) \(bound.text) (\(bound.value))"
  }
  let partial = startIsAPeriodsEnd
    ? " (a partial \(start.name) means the end of its period)" : ""
  throw UsageError("the \(window) ends before it starts: \(shown(end)) is before \(shown(start))\(partial); swap them, or give a later \(end.name)", command: command)
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
  return try recordTime(text, option: "--known-at", lower: false, today: context.today)
}

/// Reads `--min-confidence` (default: rumor, every event); a word it does not know is a usage error (64).
func minConfidence(_ args: ParsedArguments, command: String) throws(UsageError) -> Confidence {
  let word = try choice(args, "min-confidence", in: Confidence.allCases.map(\.rawValue), default: "rumor", command: command)
  return Confidence(rawValue: word)!
}

/// What help says of query dates.
let datesHelp = "Query dates (--at, --from, --to, -p, diff's dates, --known-at) are also YYYY-Qn or YYYYQn (a quarter), today, yesterday, or this or last followed by week (ISO, Monday to Sunday), month, quarter or year, as one argument ('last month' or last-month): a partial date means the end of its period, or its start for --from."

import EventLog
import Projections

let sinceOption = OptionSpec(
  name: "since", value: "TIME",
  help: "only events recorded at or after TIME: an RFC 3339 time, or a date meaning the start of that UTC day (or period)")
let untilOption = OptionSpec(
  name: "until", value: "TIME",
  help: "only events recorded at or before TIME: an RFC 3339 time, or a date meaning the end of that UTC day (or period)")

/// Reads a record-time bound: an RFC 3339 time (it has a `:`), or a query
/// date (partial and relative too) meaning the first instant of its period
/// for a lower bound, the last for an upper one.
func recordTime(_ text: String, option: String, lower: Bool, today: Day) throws(UsageError) -> Timestamp {
  if !text.contains(":") {
    do {
      let period = try QueryDate.parse(text, today: today)
      return lower ? Timestamp(milliseconds: period.first.daysSince1970 * 86_400_000) : Timestamp.endOf(period.last)
    } catch {
      throw UsageError("\(option): \(error.message); or an RFC 3339 time like 2025-12-10T08:15:02Z")
    }
  }
  do { return try Timestamp.parse(text, bound: lower ? .lower : .upper) } catch {
    throw UsageError("\(option): \(error.message), or a date YYYY-MM-DD")
  }
}

/// The record-time window of `--since` and an upper bound (`--until`, or
/// `--known-at` for news), refused (64) when it ends before it starts.
func recordWindow(
  _ args: ParsedArguments, _ context: Context, upper: String = "until", command: String
) throws(UsageError) -> RecordWindow {
  var window = RecordWindow()
  if let text = args.value("since") { window.since = try recordTime(text, option: "--since", lower: true, today: context.today) }
  if let text = args.value(upper) { window.until = try recordTime(text, option: "--" + upper, lower: false, today: context.today) }
  if let since = window.since, let until = window.until {
    try checkWindow(
      start: ("--since", args.value("since")!, since), end: ("--" + upper, args.value(upper)!, until), window: "record-time window",
      command: command)
  }
  return window
}

/// An event's source on one line: its title in quotes, publisher, date and URL; nil without one.
func sourceDetails(_ event: Event) -> String? {
  guard let source = event.source else { return nil }
  var parts: [String] = []
  if let title = source.title { parts.append("\"\(oneLine(title))\"") }
  if let publisher = source.publisher { parts.append(oneLine(publisher)) }
  if let date = source.date { parts.append(date.description) }
  if let url = source.url { parts.append(oneLine(url)) }
  return parts.joined(separator: ", ")
}

import EventLog
import Projections

let newsCommand = Command(
  name: "news",
  summary: "show what the log learned since the last news run (or --since): the changes it made to the state, and the new events",
  options: [
    OptionSpec(
      name: "since", value: "TIME",
      help: "start the window at this record time, not at the mark of the last news run: an RFC 3339 time, or a date meaning the start of that UTC day (or period); never moves the mark"),
    OptionSpec(
      name: "known-at", value: "TIME",
      help: "end the window at this record time (default: everything the log holds): an RFC 3339 time, or a date meaning the end of that UTC day (or period)"),
    OptionSpec(name: "at", value: "DATE", help: "the date of the state compared (default: today); a partial date means the end of its period"),
    OptionSpec(name: "org", value: "ORG", help: "only this organisation's changes and events (and the retractions and corrections of its events)"),
    minConfidenceOption, jsonOption,
  ],
  details: [
    "The window is of record time (when events were added), not of event dates: an event added today about 2023 is news. Without --since it starts at the mark of the last news run on this log from this clone, kept in the cache folder (.timeline-cache): how much of each file that run read, so events pulled from a teammate count as new even when they were recorded earlier; a file the mark does not know, or whose marked bytes changed, counts whole. Before the first run, everything is new.",
    "The mark moves only on a run that shows everything new: without --since, --known-at, --org or --min-confidence.",
    "Changes compare the state at --at as it stood before the window with the state at its end, as diff shows them; the events are every event recorded in the window, of any date, retractions included, each with its source.",
  ],
  examples: [
    "timeline news",
    "timeline news --since 2025-12-10 --known-at 2025-12-10 --at 2025-12-10",
    "timeline news --since yesterday --org openai --json",
  ],
  run: runNews)

private func runNews(_ args: ParsedArguments, _ context: Context) throws -> Int32 {
  let window = try recordWindow(args, context, upper: "known-at", command: "news")
  let day = try dayOption(args, "at", context) ?? context.today
  let org = args.value("org")
  let least = try minConfidence(args, command: "news")
  let table = try loadFacts(context)
  if let org { try requireKnownName(org, option: "--org", in: table, context) }
  let start: NewsStart
  var nextMark: NewsMark?
  var markTime: Timestamp?
  if let since = window.since {
    start = .time(since)
  } else {
    let previous = context.store.readNewsMark()
    let (starts, next) = context.store.newsPositions(table, since: previous, now: context.now)
    start = previous == nil ? .beginning : .positions(starts)
    markTime = previous?.written
    // Only a run that shows everything new moves the mark.
    if window.until == nil && org == nil && least == .rumor { nextMark = next }
  }
  // The default replay comes from the replay index when it is there and fits; else both are replayed.
  var fromIndex: News?
  var keep: (Replay) -> Void = { _ in }
  if window.until == nil && least == .rumor {
    let (indexed, write) = indexedReplay(table, start: start, org: org, context)
    if let indexed { fromIndex = News(table, start: start, at: day, org: org, indexed: indexed) }
    keep = write
  }
  let news = fromIndex ?? News(table, start: start, until: window.until, at: day, org: org, minConfidence: least)
  // A full default replay writes the index that was missing, for the next question.
  if fromIndex == nil, let replay = news.replay as? Replay { keep(replay) }
  let events = try EventListing(news.events, in: table, context.store)
  func marks(_ fact: Int32) -> EventMarks { news.replay.marks(fact) }
  if args.has("json") {
    try printJSON(basis: { news.basis }, context) { (w) throws(LogError) in
      w.member("at", day.description)
      w.member("knownFrom", window.since?.description)
      w.member("knownTo", window.until?.description)
      w.member("mark", markTime?.description)
      w.key("changes")
      w.array { for change in news.changes { $0.change(change) } }
      try w.events(events, marks: marks)
    }
  } else {
    let console = context.console
    let from: String
    switch start {
    case .time(let since): from = "from \(since)"
    case .positions: from = "since the last news run (\(markTime!))"
    case .beginning: from = "since the beginning of the log (no earlier news run)"
    }
    let to = window.until.map { "to \($0)" } ?? "to now"
    let changes = shownChanges(news.changes)
    let header = "News \(from) \(to), state at \(day)" + (org.map { ", \($0) only" } ?? "") + onlySurer(least)
    console.line(console.bold(header) + console.dim("  (\(plural(changes.count, "change")), \(plural(events.facts.count, "new event")); basis \(news.basis.digest.prefix(12)))"))
    console.line("")
    if changes.isEmpty { console.line("No changes to the state at \(day).") }
    for line in changeLines(changes, console) { console.line(line) }
    console.line("")
    try printEventSection("New events", none: "No new events.", events, marks: marks, console)
  }
  if let nextMark, let failure = context.store.writeNewsMark(nextMark) {
    context.console.error("timeline: note: the news mark was not kept (\(failure)); the next news run will count everything as new")
  }
  return 0
}

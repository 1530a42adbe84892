import EventLog
import Projections

let exportCommand = Command(
  name: "export",
  summary: "write every event of the log as canonical JSON lines, CSV or CloudEvents",
  options: [
    OptionSpec(name: "format", value: "FORMAT", help: "jsonl: the canonical lines; csv: one row per event with a header, one column per attr name; cloudevents: CloudEvents 1.0 JSON, one per line", choices: exportFormats, required: true),
    OptionSpec(name: "from", value: "DATE", help: "events whose period starts on or after this date (a partial date means its start)"),
    OptionSpec(name: "to", value: "DATE", help: "events whose period starts on or before this date (a partial date means its end)"),
    periodOption, orgOption, kindOption, subjectOption, sinceOption, untilOption,
    OptionSpec(
      name: "min-confidence", value: "C",
      help: "only events of confidence C or higher (rumor, reported, confirmed): the log a replay with --min-confidence C sees",
      choices: Confidence.allCases.map(\.rawValue)),
    OptionSpec(name: "source-uri", value: "URI", help: "cloudevents: the CloudEvents source of every event (default: urn:timeline)"),
    outputOption,
    followOption, pollOption,
  ],
  details: [
    "With a selection (--from, --to, -p, --org, --kind, --subject, --since, --until, --min-confidence), every retraction and correction of a selected event goes with it, transitively, and so does every event they point to, so that a log imported from the file answers that selection's queries as this log does.",
    "Every event is written, retractions and retracted events included, in replay order (first day of the date's period, recorded, id), so the same log always exports the same bytes whatever its file order. `timeline import` reads jsonl and csv back.",
    "CSV columns: \(csvColumns.joined(separator: ", ")), with attrs as one column per attr name: attrs.NAME, the union of the names the exported events use, sorted. A cell holds the value as its kind's schema types it: a number as the canonical JSON writes it, a list (focus, deprioritize) joined by semicolons. For report and x- kinds, whose attrs are free, attrs.NAME holds a string, and a value of another type goes to attrs.NAME:number, attrs.NAME:bool (true or false) or attrs.NAME:list; what none of these says exactly (an empty string or list, a list item holding a semicolon) goes to attrs.NAME:json as JSON. An empty cell is no attr. `timeline import` reads this layout back to the same events, byte for byte.",
    "Cells are quoted as RFC 4180 says; a cell that begins with =, +, -, @, a tab, a return or an apostrophe gets an apostrophe in front, so no spreadsheet runs it as a formula (import removes it again).",
    "--follow: after the selected events, keeps running and writes every event appended later (by any writer, to any file of the log, a new writer's file included), as its append lands, each id once, a batch whole and never part of one; until interrupted (Ctrl-C, SIGTERM, or the reader of the pipe going away), then exits 0. It sleeps while the log is quiet (inotify on Linux, else a look at the files each second; --poll sets that interval and forces it, for a network file system). Output is written as each batch lands, so a pipe reader sees it at once. A consumer that stopped resumes with --since and the last recordedtime it handled (the events from then on are written in the order they were recorded, then the stream goes on): events recorded at that time are written again, so it must drop ids it has (a broker's message-id dedupe does); with several writers whose clocks differ, resume a little earlier.",
    "CloudEvents: specversion 1.0, id (the event id), source, type (timeline.KIND), time (the first day of the date's period, 00:00:00Z), subject (the event's subject, else its org, else a retraction's target), datacontenttype application/json, data (the event's canonical JSON), and the extension attributes dateprecision (day, month or year), eventdate (the date as written), confidence and recordedtime.",
  ],
  examples: [
    "timeline export --format csv -o events.csv",
    "timeline export --format cloudevents --org openai",
    "timeline export --format jsonl --from 2025-12 > december.jsonl",
    "timeline export --format cloudevents --follow | kcat -P -b localhost:9092 -t events",
    "timeline export --format cloudevents --follow --since 2025-12-10T08:15:02.120Z",
  ],
  run: runExport)

let exportFormats = ["jsonl", "csv", "cloudevents"]

private func runExport(_ args: ParsedArguments, _ context: Context) throws -> Int32 {
  let format = try choice(args, "format", in: exportFormats, default: nil, command: "export")
  let selection = try parseSelection(args, context, command: "export")
  let sourceURI = args.value("source-uri") ?? "urn:timeline"
  if sourceURI.isEmpty || sourceURI.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) {
    throw UsageError("--source-uri: a CloudEvents source is a non-empty URI reference without spaces", command: "export")
  }
  let since = selection.recorded.since
  if args.has("follow") && format == "csv" {
    throw UsageError("--follow writes jsonl or cloudevents: a CSV file's columns are the attrs of every event it holds, which a stream cannot know in advance", command: "export")
  }
  if args.has("follow") && args.has("until") {
    throw UsageError("--until ends a window of record time, and --follow writes what is recorded from now on: use one of them", command: "export")
  }
  if args.has("poll") && !args.has("follow") {
    throw UsageError("--poll is how --follow waits for changes; add --follow, or leave --poll out", command: "export")
  }
  let follower = args.has("follow") ? try startFollowing(args, context) : nil
  // Every event once (duplicate ids collapse as in a replay), retractions included, in replay order.
  let table = try loadFacts(context)
  // A stream waits for what is to come: a name no event has named yet is not an error there.
  if follower == nil { try requireKnownNames(selection, in: table, context) }
  let replay = selection.replay(table)
  // Selected on the facts, so that only the lines exported are read again whole.
  var exported = selection.carried(selection.facts(in: replay), in: replay)
  if follower != nil && since != nil {
    // A stream that resumes goes on in the order events were recorded, as it was written.
    let facts = table.facts
    exported = exported.enumerated().sorted {
      (facts[Int($0.element)].recorded, $0.offset) < (facts[Int($1.element)].recorded, $1.offset)
    }.map(\.element)
  }
  let progress = Progress("exporting")
  defer { progress.finish() }
  // Read and written a part at a time, never held whole (the 1M-event log
  // held 1.1 GB); a CSV header first reads every part for its attr columns.
  let events = try EventListing(exported, in: table, context.store)
  var header: [String] = []
  if format == "csv" {
    var columns = CSVLayout.Columns()
    try events.forEachPart { _, part in columns.add(part) }
    header = columns.header
  }
  func produce(_ write: ([UInt8]) throws(LogError) -> Void) throws(LogError) {
    var out: [UInt8] = []
    if format == "csv" { out.append(contentsOf: CSV.line(header).utf8) }
    try events.forEachPart { (_, part) throws(LogError) in
      for event in part {
        exportLine(event, format: format, source: sourceURI, header: header, to: &out)
        if out.count >= 1 << 20 {
          try write(out)
          out.removeAll(keepingCapacity: true)
        }
      }
    }
    try write(out)
  }
  guard let follower else {
    // The progress line and events written to a terminal would mix; it ends
    // too before the note that names the file written.
    if context.console.isTerminal && (args.value("output") ?? "-") == "-" { progress.finish() }
    try emit(args, context) { (write) throws(LogError) in
      try produce(write)
      progress.finish()
    }
    return 0
  }
  progress.finish()
  // The events already in the log, then the stream.
  context.console.flush()
  var closed = false
  try produce { bytes in if !closed { closed = !context.console.writeNow(bytes) } }
  if closed { return 0 }
  let ids = exported.map { table.idString(table.facts[Int($0)].id) }
  follower.markSeen(ids)
  return try follow(follower, writtenIDs: Set(ids), format: format, source: sourceURI, selection: selection, context)
}

let followOption = OptionSpec(name: "follow", short: "f", value: nil, help: "keep running: after the selected events, write each event appended later as it lands (whole batches, each id once), until interrupted; like tail -f")
let pollOption = OptionSpec(name: "poll", value: "SECONDS", help: "with --follow: look at the log's files every SECONDS instead of waiting for the system to report a change (inotify), for a log on a network file system that another computer writes to")
/// Checks `--follow`'s company and marks what the log holds now as read,
/// before the first part is read, so that nothing appended in between is lost.
private func startFollowing(_ args: ParsedArguments, _ context: Context) throws -> LogFollower {
  if let path = args.value("output"), path != "-" {
    throw UsageError("--follow writes to standard output, as events land; redirect it (> \(path)) instead of -o", command: "export")
  }
  if let searched = context.searched, !context.store.exists {
    throw LogError(.noInput, "no log found: no events folder in \(searched); run `timeline init` to start one here, or point --log or TIMELINE_LOG at a log")
  }
  var poll: Double?
  if let text = args.value("poll") {
    guard let seconds = Double(text), seconds.isFinite, seconds >= 0.01, seconds <= 3600 else {
      throw UsageError("--poll \(text) is not a number of seconds from 0.01 to 3600 (like 1 or 0.5)", command: "export")
    }
    poll = seconds
  }
  LogFollower.catchStopSignals()
  let follower = LogFollower(store: context.store, poll: poll)
  try follower.markCurrentRead()
  return follower
}

/// Writes every selected event appended later, batch by batch, each written
/// (and so flushed) whole as it lands, until a stop signal or the reader
/// going away.
private func follow(
  _ follower: LogFollower, writtenIDs: Set<String>, format: String, source: String, selection: Selection, _ context: Context
) throws -> Int32 {
  var written = writtenIDs
  while true {
    switch follower.wait(output: .standardOutput) {
    case .stopped, .outputClosed: return 0
    case .changed: break
    }
    // In the order the appends landed, a batch never split (LogFollower.landingOrder).
    // What the selection keeps, and, as export carries them, the retractions
    // and corrections of what was written (transitively, in that order).
    let landed = try follower.newEvents { context.console.error("timeline: warning: \(skippedLineText($0))") }
    var events: [Event] = []
    for event in landed {
      let carried = [event.retractTarget, event.supersedes].contains { $0.map(written.contains) ?? false }
      if selection.keeps(event) || carried {
        events.append(event)
        written.insert(event.id)
      }
    }
    if events.isEmpty { continue }
    var out: [UInt8] = []
    for event in events { exportLine(event, format: format, source: source, header: [], to: &out) }
    guard context.console.writeNow(out) else { return 0 }
  }
}

/// One event as a line of the export's format (a CSV row of `header`'s cells).
private func exportLine(_ event: Event, format: String, source: String, header: [String], to out: inout [UInt8]) {
  switch format {
  case "csv":
    out.append(contentsOf: CSV.line(CSVLayout.row(event, header: header)).utf8)
  case "cloudevents":
    out.append(contentsOf: cloudEvent(event, source: source))
    out.append(0x0a)
  default:
    out.append(contentsOf: EventCodec.encode(event))
    out.append(0x0a)
  }
}

import EventLog
import Projections

let exportCommand = Command(
  name: "export",
  usage: "timeline export --format jsonl|csv|cloudevents [--from DATE] [--to DATE] [-p A..B] [--org ORG] [--min-confidence C] [--since TIME] [--source-uri URI] [--follow | -o FILE]",
  summary: "write every event of the log as canonical JSON lines, CSV or CloudEvents",
  options: [
    OptionSpec(name: "format", value: "FORMAT", help: "jsonl: the canonical lines; csv: one row per event with a header; cloudevents: CloudEvents 1.0 JSON, one per line", choices: exportFormats),
    OptionSpec(name: "from", value: "DATE", help: "events whose period starts on or after this date (a partial date means its start)"),
    OptionSpec(name: "to", value: "DATE", help: "events whose period starts on or before this date (a partial date means its end)"),
    periodOption, orgOption,
    OptionSpec(
      name: "min-confidence", value: "C",
      help: "only events of confidence C or higher (rumor, reported, confirmed): the log a replay with --min-confidence C sees",
      choices: Confidence.allCases.map(\.rawValue)),
    OptionSpec(name: "source-uri", value: "URI", help: "cloudevents: the CloudEvents source of every event (default: urn:timeline)"),
    outputOption,
    followOption, sinceOption, pollOption,
  ],
  details: [
    "Every event is written, retractions and retracted events included, in replay order (first day of the date's period, recorded, id), so the same log always exports the same bytes whatever its file order. `timeline import` reads jsonl and csv back.",
    "CSV columns: \(csvColumns.joined(separator: ", ")). attrs is the canonical JSON object. Cells are quoted as RFC 4180 says; a cell that begins with =, +, -, @, a tab, a return or an apostrophe gets an apostrophe in front, so no spreadsheet runs it as a formula (import removes it again).",
    "--follow: after the selected events, keeps running and writes every event appended later (by any writer, to any file of the log, a new writer's file included), as its append lands, each id once, a batch whole and never part of one; until interrupted (Ctrl-C, SIGTERM, or the reader of the pipe going away), then exits 0. It sleeps while the log is quiet (inotify on Linux, else a look at the files each second; --poll sets that interval and forces it, for a network file system). Output is written as each batch lands, so a pipe reader sees it at once. A consumer that stopped resumes with --since and the last recordedtime it handled (the events from then on are written in the order they were recorded, then the stream goes on): events recorded at that time are written again, so it must drop ids it has (a broker's message-id dedupe does); with several writers whose clocks differ, resume a little earlier.",
    "CloudEvents: specversion 1.0, id (the event id), source, type (timeline.KIND), time (the first day of the date's period, 00:00:00Z), subject (the event's subject, or its org), datacontenttype application/json, data (the event's canonical JSON), and the extension attributes dateprecision (day, month or year), eventdate (the date as written), confidence and recordedtime.",
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

/// The CSV header: field names, which `import` maps back without `--map`.
let csvColumns = ImportMapping.fields

private func runExport(_ args: ParsedArguments, _ context: Context) throws -> Int32 {
  let format = try choice(args, "format", in: exportFormats, default: nil, command: "export")
  let (from, to) = try dateWindow(args, context, command: "export")
  let org = args.value("org")
  let least = try minConfidence(args, command: "export")
  let sourceURI = args.value("source-uri") ?? "urn:timeline"
  if sourceURI.isEmpty || sourceURI.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) {
    throw UsageError("--source-uri: a CloudEvents source is a non-empty URI reference without spaces", command: "export")
  }
  let since = try recordedSince(args, context)
  if args.has("poll") && !args.has("follow") {
    throw UsageError("--poll is how --follow waits for changes; add --follow, or leave --poll out", command: "export")
  }
  let follower = args.has("follow") ? try startFollowing(args, context) : nil
  // Every event once (duplicate ids collapse as in a replay), retractions included, in replay order.
  let table = try loadFacts(context)
  let replay = Replay(table, minConfidence: least)
  // Selected on the facts, so that only the lines exported are read again whole.
  let orgSymbol = org.map { table.names.lookup($0) ?? -1 }
  let selected = replay.known.filter { index in
    let fact = table.facts[Int(index)]
    return inWindow(Day(yyyymmdd: fact.firstDay), from: from, to: to) && (orgSymbol.map { fact.org == $0 } ?? true)
      && (since.map { fact.recorded >= $0.milliseconds } ?? true)
  }
  var events = try context.store.events(replay.inReplayOrder(selected), in: table)
  if follower != nil && since != nil {
    // A stream that resumes goes on in the order events were recorded, as it was written.
    events = events.enumerated().sorted { ($0.element.recorded?.milliseconds ?? 0, $0.offset) < ($1.element.recorded?.milliseconds ?? 0, $1.offset) }.map(\.element)
  }
  var out: [UInt8] = []
  switch format {
  case "csv":
    out.append(contentsOf: CSV.line(csvColumns).utf8)
    for event in events { out.append(contentsOf: CSV.line(csvRow(event)).utf8) }
  case "cloudevents":
    for event in events {
      out.append(contentsOf: cloudEvent(event, source: sourceURI))
      out.append(0x0a)
    }
  default:
    for event in events {
      out.append(contentsOf: EventCodec.encode(event))
      out.append(0x0a)
    }
  }
  guard let follower else {
    try emit(out, args, context)
    return 0
  }
  follower.markSeen(events.map(\.id))
  let selection = FollowSelection(from: from, to: to, org: org, least: least)
  return try follow(follower, first: out, format: format, source: sourceURI, selection: selection, context)
}

let followOption = OptionSpec(name: "follow", short: "f", value: nil, help: "keep running: after the selected events, write each event appended later as it lands (whole batches, each id once), until interrupted; like tail -f")
let pollOption = OptionSpec(name: "poll", value: "SECONDS", help: "with --follow: look at the log's files every SECONDS instead of waiting for the system to report a change (inotify), for a log on a network file system that another computer writes to")
let sinceOption = OptionSpec(name: "since", value: "TIME", help: "only events recorded at or after TIME: an RFC 3339 time (a recordedtime), or a date meaning the start of that UTC day (or period); with --follow, where the stream starts, to resume a consumer (events that land later are written whatever their recorded time)")

/// Reads `--since`: an RFC 3339 time (it has a `:`), or a query date meaning
/// the first instant of that UTC day (or period).
func recordedSince(_ args: ParsedArguments, _ context: Context) throws(UsageError) -> Timestamp? {
  guard let text = args.value("since") else { return nil }
  if !text.contains(":") {
    do { return Timestamp(milliseconds: Int64(try QueryDate.parse(text, today: context.today).first.daysSince1970) * 86_400_000) } catch {
      throw UsageError("--since: \(error.message); or an RFC 3339 time like 2025-12-10T08:15:02Z")
    }
  }
  do { return try Timestamp.parse(text) } catch {
    throw UsageError("--since: \(error.message), or a date YYYY-MM-DD")
  }
}

/// What `--follow` writes of the events appended later: the same selection
/// as the first part, except `--since`, which says where the stream starts:
/// an event that lands later is new to the stream whatever its recorded time
/// (a teammate's, pulled from git).
struct FollowSelection {
  var from: Day?
  var to: Day?
  var org: String?
  var least: Confidence

  func keeps(_ event: Event) -> Bool {
    inWindow(event.date.firstDay, from: from, to: to) && (org.map { event.org == $0 } ?? true) && event.confidence >= least
  }
}

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

/// Writes `first`, then every selected event appended later, batch by batch,
/// each written (and so flushed) whole as it lands, until a stop signal or the
/// reader going away.
private func follow(
  _ follower: LogFollower, first: [UInt8], format: String, source: String, selection: FollowSelection, _ context: Context
) throws -> Int32 {
  context.console.flush()
  guard LogFollower.write(first, to: 1) else { return 0 }
  while true {
    switch follower.wait(output: 1) {
    case .stopped, .outputClosed: return 0
    case .changed: break
    }
    // Across files, in the order they were recorded (within a file, that is the order of its lines).
    let events = try follower.newEvents { context.console.error("timeline: warning: \($0)") }
      .filter(selection.keeps).sorted { ($0.recorded?.milliseconds ?? 0) < ($1.recorded?.milliseconds ?? 0) }
    if events.isEmpty { continue }
    var out: [UInt8] = []
    for event in events {
      switch format {
      case "csv": out.append(contentsOf: CSV.line(csvRow(event)).utf8)
      case "cloudevents":
        out.append(contentsOf: cloudEvent(event, source: source))
        out.append(0x0a)
      default:
        out.append(contentsOf: EventCodec.encode(event))
        out.append(0x0a)
      }
    }
    guard LogFollower.write(out, to: 1) else { return 0 }
  }
}

/// An event as CSV cells, in the order of `csvColumns`.
func csvRow(_ event: Event) -> [String] {
  var attrs = ""
  if !event.attrs.isEmpty {
    var bytes: [UInt8] = []
    EventCodec.appendAttrs(event.attrs, to: &bytes)
    attrs = String(decoding: bytes, as: UTF8.self)
  }
  return [
    event.id, event.date.description, event.kind.description, event.org ?? "", event.subject ?? "", event.confidence.rawValue,
    event.note ?? "", attrs, event.source?.title ?? "", event.source?.publisher ?? "", event.source?.url ?? "",
    event.source?.date?.description ?? "", event.supersedes ?? "", event.recorded?.description ?? "",
  ]
}

/// One CloudEvents 1.0 structured-mode JSON object on one line.
func cloudEvent(_ event: Event, source: String) -> [UInt8] {
  var out: [UInt8] = []
  var first = true
  func member(_ name: String, _ value: String) {
    out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
    first = false
    CanonicalJSON.appendString(name, to: &out)
    out.append(UInt8(ascii: ":"))
    CanonicalJSON.appendString(value, to: &out)
  }
  member("specversion", "1.0")
  member("id", event.id)
  member("source", source)
  member("type", "timeline.\(event.kind)")
  member("time", Timestamp(milliseconds: event.date.firstDay.daysSince1970 * 86_400_000).description)
  if let subject = event.subject ?? event.org ?? event.retractTarget { member("subject", subject) }
  member("datacontenttype", "application/json")
  member("dateprecision", precisionName(event.date.precision))
  member("eventdate", event.date.description)
  member("confidence", event.confidence.rawValue)
  if let recorded = event.recorded { member("recordedtime", recorded.description) }
  out.append(contentsOf: ",\"data\":".utf8)
  out.append(contentsOf: EventCodec.encode(event))
  out.append(UInt8(ascii: "}"))
  return out
}

func precisionName(_ precision: EventDate.Precision) -> String {
  switch precision {
  case .day: "day"
  case .month: "month"
  case .year: "year"
  }
}

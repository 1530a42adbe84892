import EventLog
import Projections

let exportCommand = Command(
  name: "export",
  usage: "timeline export --format jsonl|csv|cloudevents [--from DATE] [--to DATE] [-p A..B] [--org ORG] [--min-confidence C] [--source-uri URI] [-o FILE]",
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
  ],
  details: [
    "Every event is written, retractions and retracted events included, in replay order (first day of the date's period, recorded, id), so the same log always exports the same bytes whatever its file order. `timeline import` reads jsonl and csv back.",
    "CSV columns: \(csvColumns.joined(separator: ", ")). attrs is the canonical JSON object. Cells are quoted as RFC 4180 says; a cell that begins with =, +, -, @, a tab, a return or an apostrophe gets an apostrophe in front, so no spreadsheet runs it as a formula (import removes it again).",
    "CloudEvents: specversion 1.0, id (the event id), source, type (timeline.KIND), time (the first day of the date's period, 00:00:00Z), subject (the event's subject, or its org), datacontenttype application/json, data (the event's canonical JSON), and the extension attributes dateprecision (day, month or year), eventdate (the date as written), confidence and recordedtime.",
  ],
  examples: [
    "timeline export --format csv -o events.csv",
    "timeline export --format cloudevents --org openai",
    "timeline export --format jsonl --from 2025-12 > december.jsonl",
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
  // Every event once (duplicate ids collapse as in a replay), retractions included, in replay order.
  let table = try loadFacts(context)
  let replay = Replay(table, minConfidence: least)
  // Selected on the facts, so that only the lines exported are read again whole.
  let orgSymbol = org.map { table.names.lookup($0) ?? -1 }
  let selected = replay.known.filter { index in
    let fact = table.facts[Int(index)]
    return inWindow(Day(yyyymmdd: fact.firstDay), from: from, to: to) && (orgSymbol.map { fact.org == $0 } ?? true)
  }
  let events = try context.store.events(replay.inReplayOrder(selected), in: table)
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
  try emit(out, args, context)
  return 0
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

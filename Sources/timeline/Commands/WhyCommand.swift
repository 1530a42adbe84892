import EventLog
import Projections

let whyCommand = Command(
  name: "why",
  summary: "explain an entry: each field's value with the event and source it rests on, then every event about KEY",
  positionals: [
    PositionalSpec(name: "KEY", help: "a product or model (ORG/slug), a person, a role, a codename, a focus item, a metric's subject or an org"),
  ],
  options: [
    OptionSpec(name: "at", value: "DATE", help: "the date of the entries (default: today); a partial date means the end of its period"),
    OptionSpec(name: "org", value: "ORG", help: "only this organisation's entries and events (and the retractions and corrections of its events)"),
    knownAtOption, minConfidenceOption, jsonOption,
  ],
  details: [
    "Entries: every state entry at --at whose key is KEY, or whose role is held by the person KEY, with each field, its value, and the event that set it (or took it over with more confidence): its date, confidence and source. A field no event states (a launched product's throttled: false) shows (default), and null event and confidence in JSON.",
    "Events: every event of any date whose org, subject or a string in attrs is KEY, and the retractions and corrections that target them, in replay order, retracted and superseded ones marked.",
  ],
  examples: [
    "timeline why openai/sora --at 2025-12-10",
    "timeline why denise-dresser --json",
    "timeline why olive-oil-cake",
  ],
  run: runWhy)

private func runWhy(_ args: ParsedArguments, _ context: Context) throws -> Int32 {
  let key = args.positionals[0]
  let day = try dayOption(args, "at", context) ?? context.today
  let org = args.value("org")
  let least = try minConfidence(args, command: "why")
  // Every option is read before the log (a usage error is 64 first), as in `selectedFacts`.
  let known = try knownAt(args, context)
  let table = try loadFacts(context)
  try requireKnownName(key, option: "KEY", in: table, context)
  var selection = Selection(org: org, minConfidence: least)
  try requireKnownNames(selection, in: table, context)
  selection.knownAt = known
  let replay = whyReplay(selection, table, context)
  let store = context.store
  let why = try replay.why(key, at: day, org: org) { () throws(LogError) in
    // Strings the table does not keep are read from the events themselves.
    let candidates = try store.facts(replay.whyCandidates(key, org: org), in: table, mayHold: key)
    return replay.whyAttrMatches(key, candidates: candidates, events: try store.events(candidates, in: table))
  }
  // The events behind the fields; the events about the key are listed a part at a time.
  let sourceFacts = Array(Set(why.entries.flatMap { $0.fields.compactMap(\.fact) })).sorted()
  let sources = Dictionary(uniqueKeysWithValues: zip(sourceFacts, try context.store.events(sourceFacts, in: table)))
  let events = try EventListing(why.events, in: table, context.store)
  func marks(_ fact: Int32) -> EventMarks { replay.marks(fact) }
  if args.has("json") {
    try printJSON(basis: { why.basis }, context) { (w) throws(LogError) in
      w.member("at", day.description)
      w.key("entries")
      w.array { a in
        for entry in why.entries {
          a.object { e in
            e.member("org", entry.org)
            e.member("section", entry.section)
            e.member("key", entry.key)
            if let name = entry.name { e.member("name", name) }
            e.key("fields")
            e.object { f in
              for field in entry.fields {
                f.key(field.name)
                f.object { v in
                  v.key("value")
                  v.diffValue(field.value)
                  v.member("event", field.fact.map(replay.id))
                  v.member("confidence", field.confidence?.rawValue)
                  v.member("date", date: field.date)
                }
              }
            }
          }
        }
      }
      try w.events(events, marks: marks)
    }
    return 0
  }
  let console = context.console
  console.line(console.bold("Why \(oneLine(key)) at \(day)" + (org.map { ", \(oneLine($0)) only" } ?? "") + onlySurer(least)) + console.dim("  (\(why.entries.count == 1 ? "1 entry" : "\(why.entries.count) entries"), \(plural(events.facts.count, "event")); basis \(why.basis.digest.prefix(12)))"))
  if why.entries.isEmpty {
    console.line("")
    console.line("No state entry is named \(oneLine(key)) at \(day).")
  }
  for entry in why.entries {
    console.line("")
    let title = oneLine([entry.org, entry.section, entry.key, entry.name].compactMap { $0 }.joined(separator: "  "))
    console.line(console.bold(console.cyan(title)))
    let rows = entry.fields.map { field -> [String] in
      guard let fact = field.fact else { return [field.name, oneLine(whyValue(field.value)), "(default)"] }
      return [field.name, oneLine(whyValue(field.value)), replay.id(fact), field.date?.description ?? "",
              confidenceMark(field.confidence, console)]
    }
    for (index, line) in alignedRows(rows, indent: 2).enumerated() {
      console.line(line)
      if let fact = entry.fields[index].fact, let event = sources[fact] {
        console.line(console.dim("      source: " + (sourceDetails(event) ?? "(none recorded)")))
      }
    }
  }
  console.line("")
  try printEventSection("Events about \(oneLine(key))", none: "No event names \(oneLine(key)).", events, marks: marks, console)
  return 0
}

/// A field's value as text.
private func whyValue(_ value: DiffValue) -> String {
  switch value {
  case .null: "(none)"
  case .bool(let flag): flag ? "true" : "false"
  case .number(let number): amountText(number)
  case .string(let text): text
  case .date(let date): date.description
  default: ""
  }
}

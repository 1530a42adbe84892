import EventLog
import Projections

let diffCommand = Command(
  name: "diff",
  summary: "show what changed in the state between two dates, and the events behind it",
  positionals: [
    PositionalSpec(name: "FROM", help: "the earlier date (a partial date, like 2025-11 or 'last month', means the end of its period), or FROM..TO in one argument"),
    PositionalSpec(name: "TO", help: "the later date", optional: true, usage: "TO | FROM..TO"),
  ],
  options: [orgOption, knownAtOption, minConfidenceOption, jsonOption],
  details: ["A change of an entry's confidence is a change too (field confidence), and so is a change of a metric's unit (field unit, with the metric's name). Text output marks a change that rests on a rumor or a report with (rumor) or (reported)."],
  examples: ["timeline diff 2025-11-15 2025-12-10", "timeline diff 2025-11 2025-12 --min-confidence confirmed", "timeline diff 2025-11 2025-12 --org openai --json", "timeline diff 'last month..today'"],
  run: { args, context in
    let (from, to) = try diffDates(args.positionals, today: context.today)
    let (selection, table, replay) = try selectedReplay(args, context, command: "diff")
    let (knownAt, org, least) = (selection.knownAt, selection.org, selection.minConfidence)
    let diff = replay.diff(from: from, to: to, org: org)
    let (found, newFacts, basis) = (diff.changes, diff.events, diff.basis)
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.member("from", from.description)
        w.member("to", to.description)
        if let knownAt { w.member("knownAt", knownAt.description) }
        w.key("changes")
        w.array { for change in found { $0.change(change) } }
        w.key("events")
        w.strings(newFacts.map { replay.id($0) })
      }
    } else {
      let console = context.console
      let newEvents = try context.store.events(newFacts, in: table)
      let shown = shownChanges(found)
      console.line(console.bold("Changes from \(from) to \(to)" + onlySurer(least)) + console.dim("  (\(plural(shown.count, "change")), \(plural(newEvents.count, "new event")); basis \(basis.digest.prefix(12)))"))
      console.line("")
      if shown.isEmpty { console.line("No changes.") }
      for line in changeLines(shown, console) { console.line(line) }
      if !newEvents.isEmpty {
        console.line("")
        console.line(console.bold("Events"))
        for line in alignedRows(newEvents.map(eventRow), indent: 2) { console.line(line) }
      }
    }
    return 0
  })

/// diff's two dates, as two arguments or one `FROM..TO`; both mean the end of their period.
private func diffDates(_ positionals: [String], today: Day) throws(UsageError) -> (Day, Day) {
  var texts = positionals
  if positionals.count == 1 {
    let text = positionals[0]
    guard let dots = text.firstRange(of: "..") else {
      throw UsageError("missing TO: the later date, as a second argument or in one argument FROM..TO (diff 2025-11..2025-12)", command: "diff")
    }
    texts = [String(text[..<dots.lowerBound]), String(text[dots.upperBound...])]
    guard !texts[0].isEmpty, !texts[1].isEmpty, !texts[1].contains("..") else {
      throw UsageError("'\(text)': diff compares two dates; give both, as in diff 2025-11..2025-12", command: "diff")
    }
  }
  let from = try queryDay(texts[0], option: "FROM", today: today)
  let to = try queryDay(texts[1], option: "TO", today: today)
  // As the replay reads them: a partial FROM is the end of its period.
  let fromIsPartial = try queryDay(texts[0], option: "FROM", start: true, today: today) != from
  try checkWindow(
    start: ("FROM", texts[0], from), end: ("TO", texts[1], to), startIsAPeriodsEnd: fromIsPartial, command: "diff")
  return (from, to)
}


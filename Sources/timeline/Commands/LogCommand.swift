import EventLog
import Projections

let logCommand = Command(
  name: "log",
  summary: "list events in replay order, retractions and retracted events included",
  options: [
    OptionSpec(name: "from", value: "DATE", help: "events whose period starts on or after this date (a partial date means its start)"),
    OptionSpec(name: "to", value: "DATE", help: "events whose period starts on or before this date (a partial date means its end)"),
    periodOption, orgOption, kindOption, subjectOption, grepOption,
    sinceOption, untilOption, knownAtOption,
    OptionSpec(
      name: "min-confidence", value: "C",
      help: "only events of confidence C or higher (rumor, reported, confirmed), and retractions marked as the replay with that option sees them",
      choices: Confidence.allCases.map(\.rawValue)),
    jsonOption,
  ],
  details: [
    "The order is the replay's: first day of the date's period, then recorded time, then id.",
    "On a terminal each line is cut to its width, ending in …; piped or with --json, lines are whole.",
    "Each event's source is shown below it: its title, or its URL when it has no title.",
    "--grep ignores case by Unicode's lowercase mapping of both sides, and nothing more: accents and width still count (cafe does not find café).",
    "An --org or --subject that no line of the log names is an error (65) with the nearest names the log knows; a known name with nothing in the window is an empty list.",
  ],
  examples: ["timeline log --org openai --from 2025-12", "timeline log -p 2025-Q4 --kind launch", "timeline log --grep hazelnut", "timeline log -p 'last month..' --json"],
  run: { args, context in
    // Chosen on the fact table, then by text on the events read.
    let (selection, table, chosen, replay) = try selectedListing(args, context)
    let listing = try EventListing(chosen, in: table, context.store, choose: selection.matchingText)
    func marks(_ fact: Int32) -> EventMarks { replay.marks(fact) }
    if args.has("json") {
      // Read, chosen by text and written a part at a time, never held whole.
      var listed: [Int32] = []
      try printJSON(basis: { replay.basis(listed) }, context) { (w) throws(LogError) in
        listed = try w.events(listing, marks: nil)
      }
      return 0
    }
    let console = context.console
    // On a terminal each line is cut to its width (the note first); piped, lines are whole.
    let listed = try listing.forEachRow(indent: 0, fit: console.fitWidth, marks: marks, console) { line, event in
      console.line(line)
      if let source = sourceLine(event) {
        let indented = "            " + source
        let fitted = console.fitWidth.map { fitCells([indented], widths: [displayWidth(indented)], indent: 0, width: $0)[0] } ?? indented
        console.line(console.dim(fitted))
      }
    }
    let basis = replay.basis(listed)
    console.line(console.dim("\(plural(listed.count, "event")); basis \(basis.digest.prefix(12))"))
    return 0
  })

/// What `log` shows of an event's source: its title, or its URL when it has no title.
func sourceLine(_ event: Event) -> String? {
  guard let source = event.source else { return nil }
  if let title = source.title, !title.isEmpty { return "source: " + oneLine(title) }
  if let url = source.url, !url.isEmpty { return "source: " + oneLine(url) }
  return nil
}

import EventLog
import Projections

let renderCommand = Command(
  name: "render",
  summary: "draw the timeline: a self-contained HTML page, an SVG picture or a Mermaid gantt block",
  options: [
    OptionSpec(name: "format", value: "FORMAT", help: "html (default): one page with inline SVG and CSS, no script; svg: the picture alone; mermaid: a gantt chart GitHub renders", choices: renderFormats),
    OptionSpec(name: "from", value: "DATE", help: "start of the window (default: the first event; a partial date means its start)"),
    OptionSpec(name: "to", value: "DATE", help: "end of the window (default: the last event; a partial date means its end)"),
    periodOption, orgOption,
    OptionSpec(name: "title", value: "T", help: "the heading (default: Timeline, or the org)"),
    OptionSpec(name: "bare", value: nil, help: "mermaid: leave out the ```mermaid fence"),
    knownAtOption,
    minConfidenceOption,
    outputOption,
  ],
  details: [
    "The picture has a lane per org; each product is a band coloured by its status over time (active, throttled, paused; a dotted line once retired), each event a marker shaped by its kind (hollow and dashed for rumors, ringed when confirmed), with its date, note, source and confidence on hover; arrows join a model to its successor; dashed lines mark strategy shifts. Retracted and superseded events are left out, as in every replay.",
    "All text from the log is escaped; links are made only of http and https URLs; the page forbids scripts and network fetches with a Content-Security-Policy.",
  ],
  examples: [
    "timeline render -o timeline.html",
    "timeline render --format svg --from 2025-11 --to 2025-12 --org openai -o openai.svg",
    "timeline render --format mermaid --from 2025-12 >> NOTES.md",
  ],
  run: runRender)

let renderFormats = ["html", "svg", "mermaid"]

private func runRender(_ args: ParsedArguments, _ context: Context) throws -> Int32 {
  let format = try choice(args, "format", in: renderFormats, default: "html", command: "render")
  let (selection, table) = try selectedFacts(args, context, command: "render")
  let (from, to, org) = (selection.from, selection.to, selection.org)
  let standing = try context.store.events(selection.replay(table).standing, in: table)
  let title = args.value("title") ?? org.map { "Timeline: \($0)" } ?? "Timeline"
  let view = TimelineView(title: title, standing: standing, org: org, from: from, to: to)
  let text: String
  switch format {
  case "svg": text = renderSVG(view, standalone: true)
  case "mermaid": text = renderMermaid(view, fenced: !args.has("bare"))
  default: text = renderHTML(view)
  }
  try emit(Array(text.utf8), args, context)
  return 0
}


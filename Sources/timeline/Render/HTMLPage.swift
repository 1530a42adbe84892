import EventLog
import Projections

/// The self-contained page: the SVG picture inline, the strategy shifts and
/// every event as tables (readable in print and without hovering), CSS
/// inline, no script, and a Content-Security-Policy that forbids scripts and
/// every network fetch in case anything ever slipped through the escaping.
func renderHTML(_ view: TimelineView) -> String {
  let esc = Markup.escape
  var out: [String] = []
  func add(_ text: String) { out.append(text) }
  add("<!DOCTYPE html>")
  add("<html lang=\"en\">")
  add("<head>")
  add("<meta charset=\"utf-8\">")
  add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">")
  add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
  add("<meta name=\"generator\" content=\"\(version)\">")
  add("<title>\(esc(view.title)) (\(view.windowText))</title>")
  add("<style>\(pageCSS)</style>")
  add("</head>")
  add("<body>")
  add("<header><h1>\(esc(view.title))</h1>")
  add("<p class=\"meta\">\(view.summaryText)<code>\(view.basis.digest.prefix(12))</code></p>")
  add("<p class=\"hint\">Hover a marker for its date, note, source and confidence; a marker with a source URL links to it. The tables below list the same facts for print.</p>")
  add("<p class=\"confidence-legend\">\(esc(ChartStyle.confidenceExplanation))</p></header>")
  let detail = view.detail()
  add("<figure class=\"chart\">")
  if detail != nil { add("<figcaption>The whole record, \(view.from) to \(view.to)</figcaption>") }
  add(renderSVG(view, standalone: false, id: "overview"))
  add("</figure>")
  if let detail {
    add("<figure class=\"chart detail\">")
    add("<figcaption>Close-up of the busiest stretch, \(detail.from) to \(detail.to) (\(plural(detail.events.count, "event")) of \(view.events.count))</figcaption>")
    add(renderSVG(detail, standalone: false, id: "detail", compact: true))
    add("</figure>")
  }

  if !view.shifts.isEmpty {
    add("<section class=\"shifts\"><h2>Strategy shifts</h2>")
    add("<table><thead><tr><th>date</th><th>org</th><th>label</th><th>focus on</th><th>deprioritize</th><th>focus after</th></tr></thead><tbody>")
    for shift in view.shifts {
      add("<tr><td class=\"date\">\(shift.date)</td><td>\(esc(shift.org))</td><td>\(esc(shift.label ?? ""))</td><td>\(esc(shift.added.joined(separator: ", ")))</td><td>\(esc(shift.removed.joined(separator: ", ")))</td><td>\(esc(shift.focusAfter.joined(separator: ", ")))</td></tr>")
    }
    add("</tbody></table></section>")
  }

  let models = view.lineage.models.filter { $0.value.predecessor != nil }
  if !models.isEmpty {
    add("<section class=\"lineage\"><h2>Model lineage</h2><ul>")
    for id in sortedKeys(models.keys) {
      let node = models[id]!
      let codenames = node.codenames.isEmpty ? "" : " <span class=\"codenames\">(codenames: \(esc(node.codenames.joined(separator: ", "))))</span>"
      add("<li><span class=\"model\">\(esc(node.predecessor ?? ""))</span> → <span class=\"model\">\(esc(id))</span>\(codenames)</li>")
    }
    add("</ul></section>")
  }

  add("<section class=\"events\"><h2>Events</h2>")
  add("<table><thead><tr><th>date</th><th>org</th><th>kind</th><th>subject</th><th>confidence</th><th>details</th><th>source</th></tr></thead><tbody>")
  for event in view.events {
    var details: [String] = []
    if let note = event.note { details.append("<span class=\"note\">\(esc(note))</span>") }
    if !event.attrs.isEmpty {
      details.append("<span class=\"attrs\">" + event.attrs.map { "\(esc($0.key))=\(esc($0.value.description))" }.joined(separator: ", ") + "</span>")
    }
    var source = ""
    if let src = event.source {
      let title = esc(src.title ?? src.url ?? "")
      if let url = Markup.linkableURL(src.url) {
        source = "<a href=\"\(esc(url))\" rel=\"noopener noreferrer\">\(title)</a>"
      } else {
        source = title
        if let url = src.url, src.title != nil { source += " <span class=\"url\">\(esc(url))</span>" }
      }
      let more = [src.publisher, src.date.map { "\($0)" }].compactMap { $0 }
      if !more.isEmpty { source += " <span class=\"publisher\">\(esc(more.joined(separator: ", ")))</span>" }
    }
    add("<tr id=\"e-\(esc(event.id))\" class=\"kind-\(esc(event.kind.description))\"><td class=\"date\">\(event.date)</td><td>\(esc(event.org ?? ""))</td><td>\(esc(event.kind.description))</td><td>\(esc(event.subject ?? ""))</td><td class=\"confidence-\(event.confidence.rawValue)\">\(event.confidence.rawValue)</td><td>\(details.joined(separator: "<br>"))</td><td>\(source)</td></tr>")
  }
  add("</tbody></table></section>")
  add("<footer>Rendered by \(esc(version)) from \(plural(view.basis.events, "event")) (basis \(view.basis.digest)). Every answer can be traced to its event id.</footer>")
  add("</body>")
  add("</html>")
  return out.joined(separator: "\n") + "\n"
}

private let pageCSS = """
  :root { color-scheme: light; }
  body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 16px auto; max-width: 1240px; color: #111; background: #fff; padding: 0 8px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 24px 0 8px; }
  .meta, .hint, .confidence-legend { color: #555; margin: 2px 0; font-size: 13px; }
  figure.chart { margin: 12px 0; overflow-x: auto; }
  figure.chart svg { max-width: 100%; height: auto; display: block; }
  figure.chart .chart-heading { display: none; }
  figcaption { font-size: 13px; color: #333; font-weight: bold; margin: 0 0 4px 12px; }
  .timeline-chart .event { cursor: help; }
  .timeline-chart a .event { cursor: pointer; }
  .timeline-chart .event:hover > :not(title), .timeline-chart .band:hover { stroke: #000; stroke-width: 2; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  th, td { border-bottom: 1px solid #e1e4e8; padding: 4px 6px; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
  td .url, td .publisher { color: #666; }
  td.confidence-rumor { font-style: italic; color: #8a5a00; }
  td.confidence-confirmed { font-weight: bold; }
  .note { white-space: pre-wrap; }
  footer { margin-top: 24px; color: #666; font-size: 11px; }
  @media print {
    @page { size: A4 landscape; margin: 10mm; }
    body { margin: 0; max-width: none; }
    .hint { display: none; }
    figure.chart { overflow: visible; break-inside: avoid; }
    tr { break-inside: avoid; }
    a { color: inherit; text-decoration: none; }
  }
  """

import EventLog
import Projections

/// The timeline as a Mermaid `gantt` chart: a section per org, a bar per
/// product status span, a milestone per event. Text from the log is cleaned
/// of what Mermaid would read as syntax (see `mermaidText`).
func renderMermaid(_ view: TimelineView, fenced: Bool) -> String {
  var lines: [String] = []
  if fenced { lines.append("```mermaid") }
  lines.append("gantt")
  lines.append("  title \(mermaidText(view.title)) (\(view.windowText))")
  lines.append("  dateFormat YYYY-MM-DD")
  lines.append("  axisFormat %Y-%m-%d")
  for org in view.orgs {
    lines.append("  section \(mermaidText(org))")
    for band in view.bands where band.org == org {
      for span in band.spans where span.status != .retired {
        let start = max(span.start.firstDay, view.from)
        let end = span.end.map { min($0.firstDay, view.to) } ?? view.to
        guard start <= view.to, end >= view.from else { continue }
        // A span that begins and ends on one day still gets a day's bar.
        let endDay = end > start ? end : Day(daysSince1970: start.daysSince1970 + 1)
        let tag: String
        switch (span.status, span.throttled) {
        case (.active, false): tag = "active, "
        case (.active, true): tag = "crit, active, "
        case (.paused, _): tag = "crit, "
        case (.retired, _): tag = "done, "
        }
        let label = span.status.rawValue + (span.throttled ? ", throttled" : "")
        lines.append("    \(mermaidText(band.product)) \(label) :\(tag)\(start), \(endDay)")
      }
    }
    for event in view.events where event.org == org {
      var label = "\(event.kind) \(event.subject ?? org)"
      if event.kind == .strategy, case .string(let text)? = event.attrs["label"] { label += " " + text }
      if event.confidence == .rumor { label += " (rumor)" }
      if event.date.precision != .day { label += " (\(event.date))" }
      lines.append("    \(mermaidText(Markup.truncate(label, 80))) :milestone, \(max(event.date.firstDay, view.from)), 0d")
    }
  }
  if fenced { lines.append("```") }
  return lines.joined(separator: "\n") + "\n"
}

/// Text Mermaid shows as text: only letters, digits, spaces and `. - _ / ( ) + , ' & ! ?`;
/// anything else (`:` ends a task name, `#` and `;` start entities and
/// statements, `%%` a comment, `<` `>` markup, backticks, quotes, newlines)
/// becomes a space, and runs of spaces are squeezed.
func mermaidText(_ text: String) -> String {
  var out = ""
  var lastWasSpace = true
  for character in text {
    let allowed = character.isLetter || character.isNumber || ".-_/()+,'&!?".contains(character)
    if allowed && !character.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) || (0x2028...0x202e).contains($0.value) || (0x2066...0x2069).contains($0.value) }) {
      out.append(character)
      lastWasSpace = false
    } else if !lastWasSpace {
      out.append(" ")
      lastWasSpace = true
    }
  }
  while out.hasSuffix(" ") { out.removeLast() }
  return out.isEmpty ? "-" : out
}

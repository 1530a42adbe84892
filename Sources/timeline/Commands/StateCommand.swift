import EventLog
import Projections

let stateCommand = Command(
  name: "state",
  summary: "show the competitor state on a date: products, roles, focus, metrics, codenames",
  options: [
    OptionSpec(name: "at", value: "DATE", help: "the date (default: today); a partial date, like 2025-11 or 'this month', means the end of its period"),
    knownAtOption, orgOption, minConfidenceOption, jsonOption,
  ],
  details: [
    "Every entry carries the confidence of the events it rests on, the lowest among its fields; text output marks an entry that rests on a rumor or a report with (rumor) or (reported).",
    "An event dated only to a month or a year counts from the last day of its period: as of 2025-11-15, a fact known only as \"2025-11\" is not yet certain."
  ],
  examples: ["timeline state --at 2025-12-10", "timeline state --at 2025-11 --org openai --json", "timeline state --at 2025-12-10 --known-at 2025-12-09"],
  run: { args, context in
    let day = try dayOption(args, "at", context) ?? context.today
    let (selection, _, replay) = try selectedReplay(args, context, command: "state")
    let (knownAt, org, least) = (selection.knownAt, selection.org, selection.minConfidence)
    let kept = replay.kept(at: day, org: org)
    let (state, basis) = replay.stateAndBasis(kept)
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.member("at", day.description)
        w.member("knownAt", knownAt?.description)
        w.key("orgs")
        w.object(members: sortedKeys(state.orgs.keys), weight: { state.orgs[$0]!.entries }) { w, org in
          w.key(org)
          w.org(state.orgs[org]!)
        }
      }
    } else {
      printState(state, day: day, knownAt: knownAt, least: least, basis: basis, org: org, context.console)
    }
    return 0
  })

private func printState(
  _ state: CompetitorState, day: Day, knownAt: Timestamp?, least: Confidence, basis: Basis, org: String?, _ console: Console
) {
  var header = "State at \(day)"
  if let knownAt { header += ", as known at \(knownAt)" }
  header += onlySurer(least)
  console.line(console.bold(header) + console.dim("  (\(plural(basis.events, "event")), basis \(basis.digest.prefix(12)))"))
  if state.orgs.isEmpty {
    console.line("")
    console.line(org.map { "Nothing is known about \($0) by then." } ?? "Nothing is known by then.")
  }
  for name in sortedKeys(state.orgs.keys) {
    let org = state.orgs[name]!
    console.line("")
    console.line(console.bold(console.cyan(oneLine(name))))
    if !org.products.isEmpty {
      console.line("  products")
      let rows = sortedKeys(org.products.keys).map { id -> [String] in
        let product = org.products[id]!
        let status = product.status.rawValue + (product.throttled ? ", throttled" : "")
        let launched = product.launched.map { "launched \($0)" } ?? "never launched"
        let since = product.status == .active && product.since == product.launched ? "" : "since \(product.since)"
        let mark = confidenceMark(product.confidence, console)
        return [oneLine(id), status, product.type.map(oneLine) ?? "-", launched, [since, mark].filter { !$0.isEmpty }.joined(separator: "  ")]
      }
      for line in alignedRows(rows, indent: 4, style: { _, column, cell in
        guard column == 1 else { return cell }
        if cell.hasPrefix("paused") { return console.yellow(cell) }
        if cell.hasPrefix("retired") { return console.red(cell) }
        return cell.contains("throttled") ? console.yellow(cell) : console.green(cell)
      }) { console.line(line) }
    }
    if !org.roles.isEmpty {
      console.line("  roles")
      let rows = sortedKeys(org.roles.keys).map { role in
        let holder = org.roles[role]!
        return [oneLine(role), oneLine(holder.person), "since \(holder.since)", confidenceMark(holder.confidence, console)]
      }
      for line in alignedRows(rows, indent: 4) { console.line(line) }
    }
    var lists: [[String]] = []
    for (section, items) in [("focus", org.focus), ("deprioritized", org.deprioritized)] where !items.isEmpty {
      lists.append([section] + markedItems(items, org.itemConfidence, console))
    }
    for line in alignedRows(lists, indent: 2) { console.line(line) }
    if !org.metrics.isEmpty {
      console.line("  metrics")
      var rows: [[String]] = []
      for subject in sortedKeys(org.metrics.keys) {
        for (name, metric) in org.metrics[subject]!.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
          rows.append([
            oneLine(subject), oneLine(name), amountText(metric.value, unit: metric.unit.map(oneLine)), "as of \(metric.date)",
            confidenceMark(metric.confidence, console),
          ])
        }
      }
      for line in alignedRows(rows, indent: 4) { console.line(line) }
    }
    if !org.codenames.isEmpty {
      console.line("  codenames")
      let rows = sortedKeys(org.codenames.keys).map { name -> [String] in
        let codename = org.codenames[name]!
        return [oneLine(name), codename.subject.map(oneLine) ?? "(unknown model)", "since \(codename.date)", confidenceMark(codename.confidence, console)]
      }
      for line in alignedRows(rows, indent: 4) { console.line(line) }
    }
  }
}

/// A focus or deprioritized list as the cells of its row: the items, and
/// the mark of the strategy they rest on when they share one; else each item
/// carries its own mark.
private func markedItems(_ items: [String], _ confidence: [String: Confidence], _ console: Console) -> [String] {
  let marks = items.map { confidenceMark(confidence[$0], console) }
  let shown = items.map(oneLine)
  if Set(marks).count == 1 { return [shown.joined(separator: ", "), marks[0]] }
  return [zip(shown, marks).map { $1.isEmpty ? $0 : "\($0) \($1)" }.joined(separator: ", "), ""]
}

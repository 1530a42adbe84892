import EventLog
import Projections

// MARK: - state

let stateCommand = Command(
  name: "state", usage: "timeline state [--at DATE] [--known-at TIME] [--org ORG] [--min-confidence C] [--json]",
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
    let knownAt = try knownAt(args, context)
    let org = args.value("org")
    let least = try minConfidence(args, command: "state")
    let table = try loadFacts(context)
    if let org { try requireKnownName(org, option: "--org", in: table, context) }
    let replay = Replay(table, knownAt: knownAt, minConfidence: least)
    let kept = replay.kept(at: day, org: org)
    let (state, basis) = Replay.concurrently({ replay.state(kept) }, { replay.basis(kept) })
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.member("at", day.description)
        w.member("knownAt", knownAt?.description)
        w.key("orgs")
        w.object { for org in sortedKeys(state.orgs.keys) { $0.key(org); $0.org(state.orgs[org]!) } }
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
    console.line(console.bold(console.cyan(name)))
    if !org.products.isEmpty {
      console.line("  products")
      let rows = sortedKeys(org.products.keys).map { id -> [String] in
        let product = org.products[id]!
        let status = product.status.rawValue + (product.throttled ? ", throttled" : "")
        let launched = product.launched.map { "launched \($0)" } ?? "never launched"
        let since = product.status == .active && product.since == product.launched ? "" : "since \(product.since)"
        let mark = confidenceMark(product.confidence, console)
        return [id, status, product.type ?? "-", launched, [since, mark].filter { !$0.isEmpty }.joined(separator: "  ")]
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
        return [role, holder.person, "since \(holder.since)", confidenceMark(holder.confidence, console)]
      }
      for line in alignedRows(rows, indent: 4) { console.line(line) }
    }
    var lists: [[String]] = []
    if !org.focus.isEmpty { lists.append(["focus", org.focus.joined(separator: ", ")]) }
    if !org.deprioritized.isEmpty { lists.append(["deprioritized", org.deprioritized.joined(separator: ", ")]) }
    for line in alignedRows(lists, indent: 2) { console.line(line) }
    if !org.metrics.isEmpty {
      console.line("  metrics")
      var rows: [[String]] = []
      for subject in sortedKeys(org.metrics.keys) {
        for (name, metric) in org.metrics[subject]!.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
          rows.append([
            subject, name, amountText(metric.value, unit: metric.unit), "as of \(metric.date)",
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
        return [name, codename.subject ?? "(unknown model)", "since \(codename.date)", confidenceMark(codename.confidence, console)]
      }
      for line in alignedRows(rows, indent: 4) { console.line(line) }
    }
  }
}

func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

/// What a header adds under `--min-confidence`, so that a narrower answer says so.
func onlySurer(_ least: Confidence) -> String {
  switch least {
  case .rumor: ""
  case .reported: ", reported and confirmed facts only"
  case .confirmed: ", confirmed facts only"
  }
}

/// The mark of an entry or a change that rests on a rumor or a report, so
/// that it is never taken for a confirmed one: the word in parentheses (dim
/// when there is colour, and readable without it); nothing when confirmed.
/// Written as the last cell of a row, whose width pads nothing.
func confidenceMark(_ confidence: Confidence?, _ console: Console) -> String {
  guard let confidence, confidence != .confirmed else { return "" }
  return console.dim("(\(confidence.rawValue))")
}

// MARK: - diff

let diffCommand = Command(
  name: "diff", usage: "timeline diff FROM TO | FROM..TO [--org ORG] [--known-at TIME] [--min-confidence C] [--json]",
  summary: "show what changed in the state between two dates, and the events behind it",
  positionals: [
    PositionalSpec(name: "FROM", help: "the earlier date (a partial date, like 2025-11 or 'last month', means the end of its period), or FROM..TO in one argument"),
    PositionalSpec(name: "TO", help: "the later date", optional: true),
  ],
  options: [orgOption, knownAtOption, minConfidenceOption, jsonOption],
  details: ["A change of an entry's confidence is a change too (field confidence). Text output marks a change that rests on a rumor or a report with (rumor) or (reported)."],
  examples: ["timeline diff 2025-11-15 2025-12-10", "timeline diff 2025-11 2025-12 --min-confidence confirmed", "timeline diff 2025-11 2025-12 --org openai --json", "timeline diff 'last month..today'"],
  run: { args, context in
    let (from, to) = try diffDates(args.positionals, today: context.today)
    let knownAt = try knownAt(args, context)
    let org = args.value("org")
    let least = try minConfidence(args, command: "diff")
    let table = try loadFacts(context)
    if let org { try requireKnownName(org, option: "--org", in: table, context) }
    let replay = Replay(table, knownAt: knownAt, minConfidence: least)
    let before = replay.kept(at: from, org: org)
    let after = replay.kept(at: to, org: org)
    let (states, basis) = Replay.concurrently({ (replay.state(before), replay.state(after)) }, { replay.basis(after) })
    let found = changes(from: states.0, to: states.1)
    // Both come from one replay order with the same org filter, so the events
    // kept at TO but not at FROM are those whose period ends after FROM.
    let newFacts = after.filter { replay.table.facts[Int($0)].lastDay > from.yyyymmdd }
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.member("from", from.description)
        w.member("to", to.description)
        if let knownAt { w.member("knownAt", knownAt.description) }
        w.key("changes")
        w.array { for change in found { $0.change(change) } }
        w.key("events")
        w.strings(newFacts.map(replay.id))
      }
    } else {
      let console = context.console
      let newEvents = try context.store.events(newFacts, in: replay.table)
      console.line(console.bold("Changes from \(from) to \(to)" + onlySurer(least)) + console.dim("  (\(plural(found.count, "change")), \(plural(newEvents.count, "new event")); basis \(basis.digest.prefix(12)))"))
      console.line("")
      if found.isEmpty { console.line("No changes.") }
      for line in changeLines(found, console) { console.line(line) }
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
  try checkWindow(start: ("FROM", texts[0], from), end: ("TO", texts[1], to), command: "diff")
  return (from, to)
}

/// Changes as text, grouped by org.
func changeLines(_ changes: [Change], _ console: Console) -> [String] {
  var lines: [String] = []
  var index = 0
  while index < changes.count {
    let org = changes[index].org
    var rows: [[String]] = []
    while index < changes.count && changes[index].org == org {
      let change = changes[index]
      let what: String
      let detail: String
      switch (change.field, change.before, change.after) {
      case (nil, .null, let after):
        what = "+"
        detail = after == .bool(true) ? "" : describe(after)
      case (nil, let before, .null):
        what = "-"
        detail = before == .bool(true) ? "" : describe(before)
      case (let field?, _, _) where change.section == "metrics" && change.name == nil:
        // A metric's value: shortened, with its unit.
        what = field
        func amount(_ value: DiffValue) -> Double? { if case .number(let number) = value { number } else { nil } }
        detail = amountChangeText(amount(change.before), amount(change.after), unitBefore: change.unitBefore, unitAfter: change.unitAfter)
      default:
        what = [change.name, change.field].compactMap { $0 }.joined(separator: " ")
        detail = "\(describe(change.before)) -> \(describe(change.after))"
      }
      rows.append([change.section, change.key, what, detail, confidenceMark(change.confidence, console)])
      index += 1
    }
    if !lines.isEmpty { lines.append("") }
    lines.append(console.bold(console.cyan(org)))
    lines += alignedRows(rows, indent: 2, style: { _, column, cell in
      guard column == 2 else { return cell }
      return cell == "+" ? console.green(cell) : cell == "-" ? console.red(cell) : cell
    })
  }
  return lines
}

private func describe(_ value: DiffValue) -> String {
  switch value {
  case .null: "(none)"
  case .bool(true): "true"
  case .bool(false): "false"
  case .number(let number): CanonicalJSON.numberText(number)
  case .string(let text): text
  case .date(let date): date.description
  case .product(let product):
    [product.status.rawValue, product.throttled ? "throttled" : nil, product.type,
     product.launched.map { "launched \($0)" }].compactMap { $0 }.joined(separator: ", ")
  case .role(let role): "\(role.person) since \(role.since)"
  case .codename(let codename): codename.subject ?? "(unknown model)"
  }
}

/// One event as a row of text: date, org, kind, subject, details, confidence, id.
func eventRow(_ event: Event) -> [String] {
  var details = event.attrs.map { "\($0.key)=\(oneLine($0.value.description))" }
  if let supersedes = event.supersedes { details.append("supersedes \(supersedes)") }
  if let note = event.note { details.append("\"\(oneLine(note))\"") }
  return [event.date.description, event.id, event.kind.description, event.org ?? "", event.subject ?? "", event.confidence.rawValue,
          details.joined(separator: " ")]
}

// MARK: - lineage

let lineageCommand = Command(
  name: "lineage", usage: "timeline lineage [MODEL | FAMILY-PREFIX] [--org ORG] [--at DATE] [--known-at TIME] [--min-confidence C] [--json]",
  summary: "show model family trees (who succeeded whom) with codenames",
  positionals: [PositionalSpec(name: "MODEL", help: "only the family of this model (ORG/slug), or of every model whose id starts with it (anthropic/claude)", optional: true)],
  options: [
    OptionSpec(name: "at", value: "DATE", help: "the date (default: today); a partial date means the end of its period"),
    OptionSpec(name: "org", value: "ORG", help: "only this organisation's models, with the links between them"),
    knownAtOption, minConfidenceOption, jsonOption,
  ],
  details: [
    "A model is a product launched with type=model, any product in a predecessor link, and any subject of a codename.",
    "MODEL limits the tree to the family of that model: every model linked to it through predecessors, either way. A MODEL that is not a model id is a family prefix: the models whose id starts with it, with their links. A name no line of the log names is an error (65) with the nearest names; a known one with no model by the date is an empty answer.",
    "A model carries the confidence of its product's state entry (null when it has none); text output marks a model or codename that rests on a rumor or a report with (rumor) or (reported).",
  ],
  examples: ["timeline lineage --at 2025-12-31", "timeline lineage openai/gpt-5.2 --json", "timeline lineage anthropic/claude", "timeline lineage --org google"],
  run: { args, context in
    let day = try dayOption(args, "at", context) ?? context.today
    let least = try minConfidence(args, command: "lineage")
    let table = try loadFacts(context)
    let org = args.value("org")
    if let org { try requireKnownName(org, option: "--org", in: table, context) }
    let model = args.positionals.first
    if let model, !KnownNames.hasName(withPrefix: model, in: table) {
      try requireKnownName(model, option: "MODEL", in: table, context)
    }
    let replay = Replay(table, knownAt: try knownAt(args, context), minConfidence: least)
    let kept = replay.kept(at: day)
    var (lineage, basis) = Replay.concurrently({ replay.lineage(kept) }, { replay.basis(kept) })
    if let model { lineage = lineage.family(of: model, orPrefix: true) }
    if let org { lineage = lineage.only(org: org) }
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.member("at", day.description)
        w.key("models")
        w.object { for id in sortedKeys(lineage.models.keys) { $0.key(id); $0.model(lineage.models[id]!) } }
      }
      return 0
    }
    let console = context.console
    console.line(console.bold("Lineage at \(day)" + onlySurer(least)) + console.dim("  (\(plural(lineage.models.count, "model")); basis \(basis.digest.prefix(12)))"))
    if lineage.models.isEmpty {
      console.line("")
      console.line("No models are known by then.")
    }
    var visited = Set<String>()
    func show(_ id: String, prefix: String, branch: String) {
      guard let node = lineage.models[id], visited.insert(id).inserted else { return }
      var facts = [node.status + (node.confidence.map { $0 == .confirmed ? "" : " (\($0))" } ?? "")]
      if let launched = node.launched { facts.append("launched \(launched)") }
      if !node.codenames.isEmpty {
        let marked = zip(node.codenames, node.codenameConfidences).map { $1 == .confirmed ? $0 : "\($0) (\($1))" }
        facts.append("codenames: " + marked.joined(separator: ", "))
      }
      console.line(prefix + branch + console.bold(id) + "  " + console.dim(facts.joined(separator: "  ")))
      let childPrefix = prefix + (branch == "└── " ? "    " : branch == "├── " ? "│   " : "")
      for (index, successor) in node.successors.enumerated() {
        show(successor, prefix: childPrefix, branch: index == node.successors.count - 1 ? "└── " : "├── ")
      }
    }
    // Roots first; then anything left (a cycle has no root).
    for root in lineage.roots + sortedKeys(lineage.models.keys) where !visited.contains(root) {
      console.line("")
      show(root, prefix: "", branch: "")
    }
    return 0
  })

// MARK: - strategy

let strategyCommand = Command(
  name: "strategy", usage: "timeline strategy [--org ORG] [--from DATE] [--to DATE] [-p A..B] [--known-at TIME] [--min-confidence C] [--json]",
  summary: "list strategy shifts, each with the focus before and after",
  options: [
    orgOption,
    OptionSpec(name: "from", value: "DATE", help: "shifts whose period starts on or after this date (a partial date means its start)"),
    OptionSpec(name: "to", value: "DATE", help: "shifts whose period starts on or before this date (a partial date means its end)"),
    periodOption, knownAtOption, minConfidenceOption, jsonOption,
  ],
  details: [
    "Shifts are replayed as of today, so a shift dated only to a month or year counts once its period has ended.",
    "Each shift carries its event's confidence; text output marks a shift reported or rumored with (reported) or (rumor).",
  ],
  examples: ["timeline strategy --org openai", "timeline strategy --from 2025-12 --json"],
  run: { args, context in
    let (from, to) = try dateWindow(args, context, command: "strategy")
    let org = args.value("org")
    let least = try minConfidence(args, command: "strategy")
    let table = try loadFacts(context)
    if let org { try requireKnownName(org, option: "--org", in: table, context) }
    let replay = Replay(table, knownAt: try knownAt(args, context), minConfidence: least)
    let kept = replay.kept(at: context.today, org: org)
    let window = Selection(from: from, to: to)
    let shifts = replay.strategyShifts(kept).filter { window.contains(firstDay: $0.date.firstDay) }
    let basis = replay.basis(kept)
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.key("shifts")
        w.array { for shift in shifts { $0.shift(shift) } }
      }
      return 0
    }
    let console = context.console
    console.line(console.bold("Strategy shifts" + onlySurer(least)) + console.dim("  (\(plural(shifts.count, "shift")); basis \(basis.digest.prefix(12)))"))
    if shifts.isEmpty {
      console.line("")
      console.line("No strategy shifts.")
    }
    for shift in shifts {
      console.line("")
      let mark = confidenceMark(shift.confidence, console)
      console.line(console.bold("\(shift.date)  \(console.cyan(shift.org))  \(shift.label.map { "\"\(oneLine($0))\"" } ?? "(no label)")") + console.dim("  \(shift.event)") + (mark.isEmpty ? "" : "  " + mark))
      var rows: [[String]] = []
      if !shift.added.isEmpty { rows.append(["focus on", shift.added.joined(separator: ", ")]) }
      if !shift.removed.isEmpty { rows.append(["deprioritize", shift.removed.joined(separator: ", ")]) }
      rows.append(["focus before", shift.focusBefore.isEmpty ? "(none)" : shift.focusBefore.joined(separator: ", ")])
      rows.append(["focus after", shift.focusAfter.isEmpty ? "(none)" : shift.focusAfter.joined(separator: ", ")])
      for line in alignedRows(rows, indent: 2) { console.line(line) }
    }
    return 0
  })

import EventLog
import Projections

let addCommand = Command(
  name: "add",
  summary: "validate and append one event, or a batch of JSON lines from standard input",
  positionals: [PositionalSpec(name: "KIND", help: "launch, pause, resume, retire, throttle, unthrottle, hire, depart, codename, strategy, metric, report, retract, or x-...", optional: true)],
  options: [
    OptionSpec(name: "date", value: "DATE", help: "when it happened: YYYY, YYYY-MM or YYYY-MM-DD, or today or yesterday (stored as the day they mean)", required: true),
    OptionSpec(name: "org", value: "ORG", help: "the organisation (may be left out when --subject is ORG/slug)", required: true),
    OptionSpec(name: "subject", value: "S", help: "a product ORG/slug, a person slug, or the org"),
    OptionSpec(name: "set", value: "KEY=VALUE", help: "an attribute; a list (focus, deprioritize) takes items split by commas or semicolons, or the key repeated", repeatable: true),
    OptionSpec(name: "confidence", value: "C", help: "rumor, reported (default) or confirmed", choices: Confidence.allCases.map(\.rawValue)),
    OptionSpec(name: "source-title", value: "T", help: "title of the source"),
    OptionSpec(name: "source-url", value: "U", help: "URL of the source, with its scheme (https://...)"),
    OptionSpec(name: "source-publisher", value: "P", help: "publisher of the source"),
    OptionSpec(name: "source-date", value: "DATE", help: "date of the source"),
    OptionSpec(name: "note", value: "N", help: "free text"),
    OptionSpec(name: "supersedes", value: "ID", help: "the id of an earlier event this one corrects"),
    OptionSpec(name: "id", value: "ID", help: "choose the id (default: the content id, so the same fact gets the same id)"),
    OptionSpec(name: "stdin", value: nil, help: "append JSON lines from standard input, all or nothing"),
    OptionSpec(name: "dry-run", value: nil, help: "make every check of the real run (the lock and the file's last recorded time included), show the events as they would be written and the state changes they would cause; write nothing"),
    writerOption,
  ],
  forms: [UsageForm(option: "stdin", takes: ["dry-run", "writer"])],
  details: [
    "Attributes by kind: launch type, predecessor, codename; pause/retire reason; throttle limit; hire role (required), from; depart role; codename codename (required); strategy label, focus, deprioritize; metric name, value (a number), unit (name and value required); retract target (required), reason. report and x-... kinds take any attributes.",
    "Names (a role, codename, metric name or unit, strategy label, focus or deprioritize item, launch type) are compared exactly, so one with white space at either end, a no-break space or an invisible format character (such as a zero-width space) is refused. Known launch types: \(Names.knownLaunchTypes.joined(separator: ", ")); others are allowed, and one that differs from these only in case gets a warning.",
    "A list attr (focus, deprioritize) takes its items split by commas or semicolons (--set focus=a,b), or its key repeated (--set focus=a --set focus=b): both make the same event.",
    "A --source-url starts with its scheme (https://..., or any scheme: such as doi:); one without is refused, with the URL to write. An event dated after today is added with a note: a planned or expected event, which state shows from that day.",
    "The id is printed alone on standard output once the event is safely on disk (appended under an exclusive lock and fsynced).",
  ],
  examples: [
    "timeline add launch --date 2025-12-11 --subject openai/gpt-5.2 --set type=model --set predecessor=openai/gpt-5.1 --confidence confirmed --source-title \"Introducing GPT-5.2\"",
    "timeline add hire --date 2025-12-09 --org openai --subject denise-dresser --set role=CRO --set from=slack",
    "timeline add strategy --date 2025-12-10 --org openai --set label=\"code red\" --set focus=openai/chatgpt --set deprioritize=openai/sora",
    "timeline add metric --date 2025-12 --org openai --set name=valuation --set value=500000000000 --set unit=USD --note 'about $500 billion'",
    "cat events.jsonl | timeline add --stdin",
  ],
  run: runAdd)

/// The field options (every option that takes a value), which `--stdin` does not take.
private let fieldOptions = addCommand.options.filter { $0.value != nil && $0.name != "writer" }.map(\.name)

private func runAdd(_ args: ParsedArguments, _ context: Context) throws -> Int32 {
  var events: [Event]
  var labels: [String]
  if args.has("stdin") {
    if let kind = args.positionals.first {
      throw UsageError("add --stdin reads whole events from standard input; leave out the kind '\(kind)'", command: "add")
    }
    if let option = fieldOptions.first(where: args.has) {
      throw UsageError("add --stdin reads whole events from standard input; leave out --\(option)", command: "add")
    }
    (events, labels) = try readBatch(context)
    if events.isEmpty {
      context.console.note("timeline: no events on standard input; nothing appended")
      return 0
    }
  } else {
    guard let kindName = args.positionals.first else {
      throw UsageError("missing KIND: one of \(Kind.builtIn.map(\.description).joined(separator: ", ")), or x-...; or --stdin", command: "add")
    }
    events = [try eventFromOptions(kindName, args, today: context.today)]
    labels = ["the event"]
  }
  warnAboutNames(events, labels: args.has("stdin") ? labels : nil, context)
  // A dry run is the real run, lock and the file's last recorded time
  // included, stopped before anything is written (a cache neither).
  let dryRun = args.has("dry-run")
  let refers = events.contains { $0.retractTarget != nil || $0.supersedes != nil }
  let table = refers ? try loadFactsIfAny(context, writingCache: !dryRun) : FactTable()
  try checkReferences(events, labels: labels, in: table, context)

  let written = try context.store.append(events, now: context.now, dryRun: dryRun, label: { labels[$0] }) { notice in
    context.console.repaired(notice, prefix: "note")
  } warning: {
    context.console.error("timeline: warning: \(appendWarningText($0))")
  }
  for (index, event) in written.enumerated() {
    if let note = plannedNote(event, today: context.today) {
      context.console.note("timeline: note: \(args.has("stdin") ? labels[index] + ": " : "")\(note)")
    }
  }
  if dryRun {
    try showDryRun(written, refers ? table : nil, context)
    return 0
  }
  if !written.isEmpty { context.console.committed = appendedText(written, to: context.store.appendTarget) }
  for event in written { context.console.line(event.id) }
  return 0
}

/// Builds the event that `add KIND --date ... --set ...` describes, with its id.
private func eventFromOptions(_ kindName: String, _ args: ParsedArguments, today: Day) throws -> Event {
  guard let kind = Kind(kindName) else {
    throw LogError(.dataError, "unknown kind '\(kindName)'\(didYouMean(kindName, in: Kind.builtIn.map(\.description))): use one of \(Kind.builtIn.map(\.description).joined(separator: ", ")), or a custom kind x-... (lowercase letters, digits, dots, hyphens)")
  }
  func invalid(_ message: String) -> LogError { LogError(.dataError, "invalid \(kind) event: \(message)") }
  guard let dateText = args.value("date") else {
    throw invalid("missing --date: when it happened, as YYYY, YYYY-MM or YYYY-MM-DD, today or yesterday")
  }
  let date: EventDate
  do throws(ValueError) { date = try eventDate(dateText, today: today) } catch { throw invalid("--date: \(error.message)") }
  var event = Event(date: date, kind: kind)
  event.subject = args.value("subject")
  event.org = args.value("org")
  if event.org == nil, kind != .retract, let subject = event.subject, subject.contains("/") {
    // The org is the subject's; a subject that is no product id is refused
    // for what is wrong with it, not for the org it would have given.
    guard let parts = EventSchema.productParts(subject) else {
      throw invalid("--subject: \"\(subject)\" is not a product id: \(EventSchema.productIDProblem(subject).map { $0.faults + ($0.fix.map { ": write \($0)" } ?? "") } ?? "write ORG/slug")")
    }
    event.org = parts.org
  }
  if let confidence = args.value("confidence") {
    guard let level = Confidence(rawValue: confidence) else {
      throw invalid("--confidence: '\(confidence)' is not rumor, reported or confirmed\(didYouMean(confidence, in: Confidence.allCases.map(\.rawValue)))")
    }
    event.confidence = level
  }
  var source = Source(title: args.value("source-title"), publisher: args.value("source-publisher"), url: args.value("source-url"))
  if let sourceDate = args.value("source-date") {
    do throws(ValueError) { source.date = try EventDate.parse(sourceDate) } catch { throw invalid("--source-date: \(error.message)") }
  }
  event.source = source.isEmpty ? nil : source
  event.note = args.value("note")
  event.supersedes = args.value("supersedes")

  var given = Set<String>()
  for setting in args.all("set") {
    guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
      throw UsageError("--set takes KEY=VALUE, like --set role=CEO (got '\(setting)')", command: "add")
    }
    let key = String(setting[..<equals])
    let value = String(setting[setting.index(after: equals)...])
    let repeated = !given.insert(key).inserted
    switch EventSchema.attrType(key, of: kind) {
    case .number?:
      if repeated { throw invalid("attr \(key) takes one value, but --set \(key)= is given more than once") }
      event.attrs[key] = .number(try number(value, key: key, kind: kind))
    case .strings?:
      event.attrs[key] = .strings((event.attrs[key]?.strings ?? []) + listItems(value))
    case .string?:
      if repeated { throw invalid("attr \(key) takes one value, but --set \(key)= is given more than once") }
      event.attrs[key] = .string(value)
    case nil:
      // Free-form attributes (report, x-...; unknown keys are refused by validation below).
      event.attrs[key] = repeated ? .strings((event.attrs[key]?.strings ?? []) + [value]) : .string(value)
    }
  }
  do throws(ValueError) {
    try EventSchema.validate(event)
    try Names.check(event)
  } catch { throw invalid(faultText(error, for: .flags)) }
  if let url = event.source?.url, !EventSchema.hasScheme(url) {
    throw invalid("--source-url \(url) has no scheme, so no one can tell how to open it: add the scheme: \(EventSchema.suggestedURL(url))")
  }
  let contentID = EventCodec.contentID(event)
  if let id = args.value("id") {
    guard EventSchema.isValidID(id) else {
      throw invalid("--id '\(id)' is not a valid id: use 1 to 64 of A-Z a-z 0-9 . _ -")
    }
    if EventSchema.isContentIDForm(id) && id != contentID {
      throw invalid("--id \(id) has the form of a content id (12 lowercase hex digits) but the content hashes to \(contentID); leave --id out, or choose an id of another form")
    }
    event.id = id
  } else {
    event.id = contentID
  }
  if event.supersedes == event.id { throw invalid("an event cannot supersede itself") }
  return event
}

/// A `--set` number: a JSON number a double holds exactly.
private func number(_ text: String, key: String, kind: Kind) throws -> Double {
  let hint = "attr \(key) of a \(kind) event must be a number, like 500000000000, 0.1 or 1.5e9"
  guard case .number(let number)? = try? JSONParser.parse(Array(text.utf8)) else {
    throw LogError(.dataError, "invalid \(kind) event: '\(text)' is not a number: \(hint)")
  }
  guard let exact = number.exactValue else {
    throw LogError(.dataError, "invalid \(kind) event: the number \(text) cannot be stored exactly as a double; write it with at most 17 significant digits within ±1.8e308")
  }
  return exact
}

/// Reads `add --stdin`: every line an event; all lines are checked and every bad one reported.
private func readBatch(_ context: Context) throws -> ([Event], [String]) {
  if context.console.inputIsTerminal {
    context.console.note("timeline: reading events from standard input; end with Ctrl-D")
  }
  let input = try readStandardInput()
  var events: [Event] = []
  var labels: [String] = []
  var problems: [String] = []
  // One id for two different events is an error of `check`: never written.
  var seen: [String: (content: [UInt8], label: String)] = [:]
  var lineNumber = 0
  var start = input.startIndex
  while start < input.endIndex {
    let end = input[start...].firstIndex(of: 0x0a) ?? input.endIndex
    lineNumber += 1
    let line = input[start..<end]
    start = end < input.endIndex ? end + 1 : end
    if lineNumber == 1 && line.starts(with: [0xef, 0xbb, 0xbf]) {
      // Unlike import, which reads what other tools wrote, add --stdin reads
      // timeline's own JSON lines, as strictly as a log file.
      problems.append(#"<stdin>:1: a byte order mark (BOM, the bytes EF BB BF) at the start of standard input: add --stdin reads JSON lines without one; remove it, for example with sed '1s/^\xEF\xBB\xBF//'"#)
      continue
    }
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
    let label = "<stdin>:\(lineNumber)"
    do {
      let event = try decodeInputLine(Array(line))
      let content = EventCodec.content(event)
      if let earlier = seen[event.id], earlier.content != content {
        problems.append("\(label): id \(event.id) is also given to a different event at \(earlier.label); give one of them another id")
        continue
      }
      if seen[event.id] == nil { seen[event.id] = (content, label) }
      events.append(event)
      labels.append(label)
    } catch {
      problems.append("\(label): \(error.message)")
    }
  }
  if !problems.isEmpty {
    throw batchError(problems, total: problems.count + events.count, what: "lines on standard input")
  }
  return (events, labels)
}

/// `--dry-run`: the events as they would be written (stamped) and the changes
/// they would cause at their date. The log is read for the changes only if the
/// real run did not read it already; a log that cannot be read then only leaves
/// the changes out, as the real run would not have read it.
private func showDryRun(_ stamped: [Event], _ loaded: FactTable?, _ context: Context) throws {
  for event in stamped {
    context.console.line(String(decoding: EventCodec.encode(event), as: UTF8.self))
  }
  let day = stamped.map(\.date.lastDay).max() ?? context.today
  let table: FactTable
  if let loaded {
    table = loaded
  } else {
    do { table = try loadFactsIfAny(context, writingCache: false) } catch {
      context.console.line("")
      context.console.line("Cannot show the changes: \(errorText(error))")
      context.console.line("(dry run: nothing was written)")
      return
    }
  }
  let found = Replay.changes(adding: stamped, to: table, at: day)
  context.console.line("")
  if found.isEmpty {
    context.console.line("Would change nothing in the state at \(day).")
  } else {
    context.console.line("Would change the state at \(day):")
    for line in changeLines(shownChanges(found), context.console) { context.console.line(line) }
  }
  context.console.line("(dry run: nothing was written)")
}

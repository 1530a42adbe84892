import EventLog
import Projections

// MARK: - log

let logCommand = Command(
  name: "log", usage: "timeline log [--from DATE] [--to DATE] [-p A..B] [--org ORG] [--kind KIND] [--subject S] [--grep TEXT] [--since TIME] [--until TIME] [--known-at TIME] [--min-confidence C] [--json]",
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
    let selection = try parseSelection(args, context, command: "log")
    let table = try loadFacts(context)
    try requireKnownNames(selection, in: table, context)
    let replay = selection.replay(table)
    var listedFacts = selection.facts(in: replay)
    var listed = try context.store.events(listedFacts, in: table)
    if selection.text != nil {
      let matching = listed.indices.filter { selection.matchesText(listed[$0]) }
      listedFacts = matching.map { listedFacts[$0] }
      listed = matching.map { listed[$0] }
    }
    let basis = replay.basis(listedFacts)
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.key("events")
        w.array { for event in listed { $0.event(event) } }
      }
      return 0
    }
    let console = context.console
    var rows = listed.map(eventRow)
    let details = rows.first.map { $0.count - 1 } ?? 0
    for (index, fact) in listedFacts.enumerated() {
      let key = table.facts[Int(fact)].id
      if replay.retracted.contains(key) { rows[index][details] = "[retracted] " + rows[index][details] }
      if replay.superseded.contains(key) { rows[index][details] = "[superseded] " + rows[index][details] }
    }
    // On a terminal each line is cut to its width (the note first); piped, lines are whole.
    let lines = alignedRows(rows, fit: console.fitWidth, style: { row, column, cell in
      switch column {
      case 1: return console.dim(cell)
      case 2: return listed[row].kind == .retract ? console.red(cell) : console.cyan(cell)
      default: return cell
      }
    })
    for (line, event) in zip(lines, listed) {
      console.line(line)
      if let source = sourceLine(event) {
        let indented = "            " + source
        let fitted = console.fitWidth.map { fitCells([indented], widths: [displayWidth(indented)], indent: 0, width: $0)[0] } ?? indented
        console.line(console.dim(fitted))
      }
    }
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

// MARK: - retract

let retractCommand = Command(
  name: "retract", usage: "timeline retract ID --reason REASON [--date DATE] [--confidence C]",
  summary: "append a retraction: the event never happened, for every replay that knows of it",
  positionals: [PositionalSpec(name: "ID", help: "the id of the event to retract (see timeline log)")],
  options: [
    OptionSpec(name: "reason", value: "REASON", help: "why the event is withdrawn (required)"),
    OptionSpec(name: "date", value: "DATE", help: "when it was retracted: YYYY, YYYY-MM, YYYY-MM-DD, today or yesterday (default: today)"),
    OptionSpec(name: "confidence", value: "C", help: "how sure the retraction is: rumor, reported (default) or confirmed; a replay with --min-confidence above it ignores it", choices: Confidence.allCases.map(\.rawValue)),
    writerOption,
  ],
  details: ["To correct an event rather than withdraw it, add the corrected fact with --supersedes ID."],
  examples: ["timeline retract 5aea54fd60ad --reason \"valuation figure was for 2024\""],
  run: { args, context in
    let target = args.positionals[0]
    guard let reason = args.value("reason") else {
      throw UsageError("missing --reason: say why the event is withdrawn", command: "retract")
    }
    if reason.isEmpty { throw LogError(.dataError, "invalid retraction: --reason is empty") }
    var date = EventDate.parse(day: context.today)
    if let text = args.value("date") {
      do throws(ValueError) { date = try eventDate(text, today: context.today) } catch {
        throw LogError(.dataError, "invalid retraction: --date: \(error.message)")
      }
    }
    var confidence = Confidence.reported
    if let word = args.value("confidence") {
      guard let level = Confidence(rawValue: word) else {
        throw LogError(.dataError, "invalid retraction: --confidence: '\(word)' is not rumor, reported or confirmed\(didYouMean(word, in: Confidence.allCases.map(\.rawValue)))")
      }
      confidence = level
    }
    guard EventSchema.isValidID(target) else {
      throw LogError(.dataError, "cannot retract '\(target)': not a valid id (1 to 64 of A-Z a-z 0-9 . _ -); `timeline log` lists the ids")
    }
    let table = try loadFacts(context)  // unlike add, a missing log is 66 here
    var event = Event(date: date, kind: .retract, confidence: confidence)
    event.attrs["target"] = .string(target)
    event.attrs["reason"] = .string(reason)
    do throws(ValueError) { try EventSchema.validate(event) } catch { throw LogError(.dataError, "invalid retraction: \(error.message)") }
    event.id = EventCodec.contentID(event)
    try checkReferences([event], labels: ["the retraction"], in: table, context)
    let written = try context.store.append([event], now: context.now, label: { _ in "the retraction" }) { notice in
      context.console.repaired(notice, prefix: "note")
    } warning: { context.console.error("timeline: warning: \($0)") }
    for event in written { context.console.line(event.id) }
    return 0
  })

/// The date of an event to write (`add --date`, `retract --date`): `YYYY`,
/// `YYYY-MM`, `YYYY-MM-DD`, or `today` or `yesterday` resolved to the day
/// they mean, so that the log never holds a relative date.
func eventDate(_ text: String, today: Day) throws(ValueError) -> EventDate {
  switch text.lowercased() {
  case "today", "yesterday":
    return EventDate(try QueryDate.parse(text, today: today).first)
  default:
    do { return try EventDate.parse(text) } catch {
      if QueryDate.isCalendarShape(text) { throw error }
      throw ValueError("\"\(text)\" is not a date of an event: use YYYY, YYYY-MM or YYYY-MM-DD, or today or yesterday (stored as the day they mean)")
    }
  }
}

extension EventDate {
  /// The day-precision date of a day.
  static func parse(day: Day) -> EventDate {
    // A Day is always a real date, so this cannot fail.
    (try? EventDate.parse(day.description))!
  }
}

// MARK: - check

let checkCommand = Command(
  name: "check", usage: "timeline check [--repair] [--json]",
  summary: "validate the whole log; --repair first rolls back an interrupted batch and repairs the end of each file",
  options: [
    OptionSpec(name: "repair", value: nil, help: "first roll back interrupted batches (setting aside a rollback record that does not match its file), add the missing newline after a whole final event, cut an incomplete final line (its bytes are printed on standard error) and remove blank lines at the end"),
    jsonOption,
  ],
  details: [
    "Each problem is printed as file:line: error: ... or file:line: warning: ..., then a summary. Errors exit 65; warnings do not fail.",
    "Among the warnings: a recorded time more than a day after this computer's clock (a clock ahead, or a bad import: later adds to that file are stamped after it); and, in a folder log tracked by git, a writer file whose last 10 commits have more than one author (two people share a writer name: each should take their own with `timeline init --writer NAME`). git is run only for that, and skipped when it is missing.",
  ],
  examples: ["timeline check", "timeline check --repair", "timeline check --json"],
  run: { args, context in
    let console = context.console
    if args.has("repair") {
      for done in try context.store.repair() { console.repaired(done, prefix: "repaired") }
    }
    var report = try Progress.around("checking the log") { _ throws(LogError) in try context.store.check(now: context.now) }
    if !context.store.isSingleFile {
      let files = (try? context.store.files()) ?? []
      report.addWarnings(sharedWriterWarnings(context.store, files: files), files: files)
    }
    if report.files == 0 && !context.store.isSingleFile { noteEmptyFolder(context) }
    if let note = report.cacheNote { console.note("timeline: note: \(note)") }
    if args.has("json") {
      func findings(_ list: [Finding], _ w: inout JSONWriter) {
        w.array { a in
          for finding in list {
            a.object { f in
              f.member("file", finding.file)
              f.key("line")
              f.number(Double(finding.line))
              f.member("message", finding.message)
            }
          }
        }
      }
      JSONWriter.write(to: console.write) { w in
        w.key("errors")
        findings(report.errors, &w)
        w.key("warnings")
        findings(report.warnings, &w)
        w.key("events")
        w.number(Double(report.events))
        w.key("files")
        w.number(Double(report.files))
      }
    } else {
      // Errors and warnings each come in the log's order; merge them (an error first on a tie).
      var all: [(Finding, Bool)] = []
      all.reserveCapacity(report.errors.count + report.warnings.count)
      var e = 0
      var w = 0
      while e < report.errors.count || w < report.warnings.count {
        let takeError: Bool
        if e == report.errors.count {
          takeError = false
        } else if w == report.warnings.count {
          takeError = true
        } else {
          let error = report.errors[e]
          let warning = report.warnings[w]
          takeError = (error.fileIndex, error.line) <= (warning.fileIndex, warning.line)
        }
        if takeError {
          all.append((report.errors[e], true))
          e += 1
        } else {
          all.append((report.warnings[w], false))
          w += 1
        }
      }
      // Written as bytes: a large log can have hundreds of thousands of findings.
      let labels = [Array(console.yellow("warning").utf8), Array(console.red("error").utf8)]
      var text: [UInt8] = []
      for (finding, isError) in all {
        text.append(contentsOf: finding.file.utf8)
        text.append(UInt8(ascii: ":"))
        text.append(contentsOf: String(finding.line).utf8)
        text.append(contentsOf: ": ".utf8)
        text.append(contentsOf: labels[isError ? 1 : 0])
        text.append(contentsOf: ": ".utf8)
        text.append(contentsOf: finding.message.utf8)
        text.append(0x0a)
        if text.count >= 1 << 16 {
          console.write(text)
          text.removeAll(keepingCapacity: true)
        }
      }
      console.write(text)
      let summary = "checked \(plural(report.events, "event")) in \(plural(report.files, "file")): "
        + (report.errors.isEmpty ? "no errors" : plural(report.errors.count, "error")) + ", "
        + (report.warnings.isEmpty ? "no warnings" : plural(report.warnings.count, "warning"))
      console.line(summary)
    }
    return report.errors.isEmpty ? 0 : LogError.Code.dataError.rawValue
  })

import EventLog
import Projections

let retractCommand = Command(
  name: "retract",
  summary: "append a retraction: the event never happened, for every replay that knows of it",
  positionals: [PositionalSpec(name: "ID", help: "the id of the event to retract (see timeline log)")],
  options: [
    OptionSpec(name: "reason", value: "REASON", help: "why the event is withdrawn (required)", required: true),
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
    do throws(ValueError) { try EventSchema.validate(event) } catch {
      throw LogError(.dataError, "invalid retraction: \(faultText(error, for: .flags))")
    }
    event.id = EventCodec.contentID(event)
    try checkReferences([event], labels: ["the retraction"], in: table, context)
    let written = try context.store.append([event], now: context.now, label: { _ in "the retraction" }) { notice in
      context.console.repaired(notice, prefix: "note")
    } warning: { context.console.error("timeline: warning: \(appendWarningText($0))") }
    context.console.committed = appendedText(written, to: context.store.appendTarget)
    for event in written { context.console.line(event.id) }
    return 0
  })

import EventLog
import Projections

// What add, retract and import share: decoding input lines, ids, the
// checks of references, and the notes and errors about what is appended.

/// What `add` and `import` say about an event dated after today (DESIGN's
/// "today", which `--today` and TIMELINE_TODAY set): kept, but not yet a fact.
/// Nothing about a retraction, which ignores dates: its target never happened,
/// from the moment it is written.
func plannedNote(_ event: Event, today: Day) -> String? {
  guard event.date.firstDay > today, event.kind != .retract else { return nil }
  let what = [event.kind.description, event.subject ?? event.org].compactMap { $0 }.joined(separator: " ")
  return "\(what) is dated \(event.date), after today (\(today)): a planned or expected event, which state shows only from \(event.date.lastDay)"
}

/// Says on standard error what is odd but allowed in new events' names (a
/// launch type that is a known one but for its case).
func warnAboutNames(_ events: [Event], labels: [String]?, _ context: Context) {
  for (index, event) in events.enumerated() {
    let place = labels.map { $0[index] + ": " } ?? ""
    for warning in Names.warnings(event) { context.console.error("timeline: warning: \(place)\(warning)") }
  }
}

/// The items of a list attr (focus, deprioritize) written in one value, by
/// `add --set` or an `import` cell: split on commas and semicolons, with the
/// spaces and tabs beside each separator dropped. `a,b`, `a; b` and `a` then
/// `b` given twice all make the same list. The value's own ends are kept, so
/// that a stray space there is refused as in any name, and an empty item
/// (`a,,b`) is kept for validation to refuse. No item can hold a comma or a
/// semicolon this way (a JSON line can).
func listItems(_ value: String) -> [String] {
  let parts = value.split(omittingEmptySubsequences: false) { $0 == "," || $0 == ";" }
  return parts.indices.map { index in
    var item = parts[index]
    if index > parts.startIndex { while let first = item.first, first == " " || first == "\t" { item.removeFirst() } }
    if index < parts.endIndex - 1 { while let last = item.last, last == " " || last == "\t" { item.removeLast() } }
    return String(item)
  }
}

/// One JSON line given to `add --stdin` or `import --format jsonl`: decoded,
/// validated, and given its content id (or checked against it).
func decodeInputLine(_ line: [UInt8]) throws(ValueError) -> Event {
  let value: JSONValue
  do { value = try JSONParser.parse(line) } catch { throw ValueError("malformed JSON: \(error.description)") }
  var event = try EventCodec.decode(value, stored: false, validating: false)
  // Every rule the event breaks, not only the first.
  let faults = EventSchema.faults(event)
  if !faults.isEmpty { throw ValueError(faults.map { faultText($0, for: .jsonLine) }.joined(separator: "; ")) }
  try assignID(&event)
  return event
}

/// Gives an event without an id its content id; refuses an id of the content-id
/// form that does not match the content.
func assignID(_ event: inout Event) throws(ValueError) {
  let contentID = EventCodec.contentID(event)
  if event.id.isEmpty {
    event.id = contentID
  } else if EventSchema.isContentIDForm(event.id) && event.id != contentID {
    throw ValueError("id \(event.id) does not match the content, which hashes to \(contentID); drop \"id\" to have add compute it, or choose an id of another form")
  }
}

/// The error that rejects a whole batch, listing every problem (the first 20 in full).
func batchError(_ problems: [String], total: Int, what: String, limit: Int = 20) -> LogError {
  let shown = problems.prefix(limit).map { "  " + $0 }.joined(separator: "\n")
  let more = problems.count > limit ? "\n  ... and \(problems.count - limit) more" : ""
  return LogError(.dataError, "\(problems.count) of the \(total) \(what) \(problems.count == 1 ? "is" : "are") invalid; nothing was appended:\n\(shown)\(more)")
}

/// Retractions and `supersedes` must point at an event of the log (`table`)
/// or of the same batch that is not a retraction. A correction replaces an
/// earlier event (DESIGN.md's `supersedes`), so its target in the batch must
/// come before it: one pointing at a later line could close a cycle, every
/// event of which replay drops. A retraction may point anywhere in the batch.
/// - Parameters:
///   - events: the batch, in the order it is appended.
///   - keepingRecorded: the batch comes from another log (`import`): a
///     correction and its target that both carry their `recorded` keep them,
///     in whatever order two writers' clocks gave them, so that an export
///     imports back; among those only a ring of corrections is refused.
func checkReferences(_ events: [Event], labels: [String], in table: FactTable, keepingRecorded: Bool = false, _ context: Context) throws {
  guard events.contains(where: { $0.retractTarget != nil || $0.supersedes != nil }) else { return }
  let inLog = KnownNames.retractionFlags(of: events.compactMap { $0.retractTarget ?? $0.supersedes }, in: table)
  // Each id's first place in the batch.
  var inBatch: [String: Int] = [:]
  for (index, event) in events.enumerated() where inBatch[event.id] == nil { inBatch[event.id] = index }
  let inRing = keepingRecorded ? correctionRings(events, inBatch: inBatch, inLog: inLog) : []
  for (index, event) in events.enumerated() {
    for (what, target) in [("retract", event.retractTarget), ("supersede", event.supersedes)] {
      guard let target else { continue }
      let place = inLog[target] == nil ? inBatch[target] : nil
      guard let retraction = inLog[target] ?? place.map({ events[$0].kind == .retract }) else {
        throw LogError(.dataError, "\(labels[index]): cannot \(what) \(target): no event with that id is in the log \(context.store.path); `timeline log` lists the ids")
      }
      if retraction {
        throw LogError(.dataError, "\(labels[index]): cannot \(what) \(target): it is a retraction, and retractions cannot be \(what == "retract" ? "retracted" : "superseded")")
      }
      // (One that supersedes itself is refused with the line on its own.)
      if what == "supersede", let place, place > index {
        if keepingRecorded, event.recorded != nil, events[place].recorded != nil, !inRing.contains(index) { continue }
        let fix = events[place].recorded == nil ? "put \(target) first" : "put \(target) first, with a recorded time before this line's"
        throw LogError(.dataError, "\(labels[index]): cannot supersede \(target): it comes later in this batch (\(labels[place])); a correction replaces an earlier event, so \(fix)")
      }
    }
  }
}

/// The places of the batch's events that supersede one another in a ring
/// (through events of the batch that no retraction of the batch drops),
/// each chain walked once.
private func correctionRings(_ events: [Event], inBatch: [String: Int], inLog: [String: Bool]) -> Set<Int> {
  let retracted = Set(events.compactMap(\.retractTarget))
  func next(_ index: Int) -> Int? {
    guard let target = events[index].supersedes, inLog[target] == nil, !retracted.contains(events[index].id),
      let place = inBatch[target], !retracted.contains(target)
    else { return nil }
    return place
  }
  return Set(rings(count: events.count, next: next).joined())
}

/// What an append changed, for `Console.committed` (add, retract, import):
/// the events and the file.
func appendedText(_ events: [Event], to file: String) -> String {
  let ids = events.prefix(5).map(\.id).joined(separator: ", ") + (events.count > 5 ? ", ..." : "")
  return "appended \(plural(events.count, "event")) (\(ids)) to \(file)"
}

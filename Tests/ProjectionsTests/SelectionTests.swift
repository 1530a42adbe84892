import EventLog
@testable import Projections
import Testing

// The selection: which events a filter chooses, and what must travel with them.

/// A small log with an org without retractions of its own, a correction and
/// a chain (a retraction of a correction of an event).
private func selectionLog() -> [Event] {
  var log = LogBuilder()
  log.add("val", "metric", "2025-06", org: "xai", attrs: ["name": s("valuation"), "value": n(2e11), "unit": s("USD")])
  log.add("grok", "launch", "2025-07-09", org: "xai", subject: "xai/grok-4", attrs: ["type": s("model")], confidence: .confirmed)
  log.retract("no-val", "val", date: "2025-09-01")
  log.add("sora", "launch", "2025-09-30", subject: "openai/sora", attrs: ["type": s("product")], confidence: .confirmed)
  log.add("pause", "pause", "2025-12-10", subject: "openai/sora", confidence: .rumor)
  log.add("pause2", "pause", "2025-12-11", subject: "openai/sora", supersedes: "pause")
  log.retract("no-pause2", "pause2", date: "2025-12-20")
  log.add("shift", "strategy", "2025-12", attrs: ["focus": list("openai/chatgpt"), "label": s("code red")])
  log.add("blind", "x-blind-test", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("olive-oil-cake")], confidence: .rumor)
  return log.events
}

private func ids(_ indices: [Int32], _ replay: Replay) -> [String] { indices.map(replay.id) }

@Test(arguments: [
  (Selection(), ["val", "grok", "no-val", "sora", "shift", "blind", "pause", "pause2", "no-pause2"]),
  (Selection(org: "xai"), ["val", "grok"]),
  (Selection(org: "nobody"), []),
  (Selection(from: day("2025-09-01")), ["no-val", "sora", "shift", "blind", "pause", "pause2", "no-pause2"]),
  (Selection(to: day("2025-09-01")), ["val", "grok", "no-val"]),
  (Selection(from: day("2025-12-01"), to: day("2025-12-10")), ["shift", "blind", "pause"]),
  (Selection(kind: .pause), ["pause", "pause2"]),
  (Selection(kind: .custom("x-blind-test")), ["blind"]),
  (Selection(kind: .custom("x-other")), []),
  (Selection(kind: .retract), ["no-val", "no-pause2"]),
  (Selection(subject: "openai/sora"), ["sora", "pause", "pause2"]),
  (Selection(subject: "openai"), ["shift"]),  // an org's own strategy is about the org
  (Selection(minConfidence: .reported), ["val", "grok", "no-val", "sora", "shift", "pause2", "no-pause2"]),
  (Selection(minConfidence: .confirmed), ["grok", "sora"]),
  (Selection(knownAt: LogBuilder.recordedTime(3)), ["val", "grok", "no-val"]),
  (Selection(recorded: RecordWindow(since: LogBuilder.recordedTime(8), until: LogBuilder.recordedTime(9))), ["shift", "blind"]),
])
func selectionChoosesOnTheFacts(selection: Selection, expected: [String]) {
  let replay = selection.replay(FactTable(selectionLog()))
  #expect(ids(selection.facts(in: replay), replay) == expected)
}

@Test(arguments: [
  // A retraction has no org, no subject and its own date: it travels with its target.
  (Selection(org: "xai"), ["val", "grok", "no-val"]),
  (Selection(to: day("2025-08")), ["val", "grok", "no-val"]),
  // A correction, and the retraction of the correction, transitively.
  (Selection(kind: .pause, minConfidence: .rumor), ["pause", "pause2", "no-pause2"]),
  (Selection(to: day("2025-12-10")), ["val", "grok", "no-val", "sora", "shift", "blind", "pause", "pause2", "no-pause2"]),
  // The target of a selected correction goes too, so that the reference resolves.
  (Selection(from: day("2025-12-11"), kind: .pause), ["pause", "pause2", "no-pause2"]),
  // Below the floor, the retraction is left out: a replay with the same floor never sees it.
  (Selection(kind: .launch, minConfidence: .confirmed), ["grok", "sora"]),
  // ... but a target below the floor comes from the whole log: the same replay drops it again.
  (Selection(from: day("2025-12-11"), kind: .pause, minConfidence: .reported), ["pause", "pause2", "no-pause2"]),
])
func selectionCarriesRetractionsAndCorrectionsOfWhatItSelects(selection: Selection, expected: [String]) {
  let replay = selection.replay(FactTable(selectionLog()))
  #expect(ids(selection.carried(selection.facts(in: replay), in: replay), replay) == expected)
}

@Test func carriedEventsReplayTheSelectionAsTheWholeLogDoes() {
  let events = selectionLog()
  for selection in [Selection(org: "xai"), Selection(org: "openai"), Selection(to: day("2025-08")), Selection(minConfidence: .reported)] {
    let whole = selection.replay(FactTable(events))
    let carried = Set(ids(selection.carried(selection.facts(in: whole), in: whole), whole))
    let part = selection.replay(FactTable(events.filter { carried.contains($0.id) }))
    let at = selection.to ?? day("2025-12-31")
    #expect(part.state(at: at, org: selection.org) == whole.state(at: at, org: selection.org), "\(selection)")
  }
}

@Test(arguments: [
  ("XAI", ["val", "grok"]),  // org
  ("GROK-4", ["grok"]),  // subject
  ("code RED", ["shift"]),  // a string in attrs
  ("OPENAI/CHATGPT", ["shift"]),  // an item of a list
  ("oil-cake", ["blind"]),  // a custom kind's attrs
  ("wrong", ["no-val", "no-pause2"]),  // a retraction's reason
  ("nothing like it", []),
])
func textMatchesOrgSubjectAndAttrsIgnoringCase(text: String, expected: [String]) {
  let selection = Selection(text: text)
  #expect(selectionLog().filter(selection.matchesText).map(\.id) == expected)
}

@Test func textMatchesNoteAndEverySourceField() {
  var event = selectionLog()[0]
  event.note = "Reported by Straße Weekly"
  event.source = Source(title: "Blind test: Hazelnut", publisher: "LMArena", url: "https://lmarena.example/x")
  for (text, found) in [("straße weekly", true), ("STRASSE", false), ("hazelnut", true), ("lmARENA", true), ("EXAMPLE/X", true), ("café", false)] {
    #expect(Selection(text: text).matchesText(event) == found, "\(text)")
  }
  #expect(Selection(text: "").matchesText(event))
}

@Test(arguments: [
  ("xai", true), ("xai/grok-4", true), ("USD", true), ("openai/chatgpt", true), ("code red", true),
  // A custom kind's attrs are only in the line (the caller reads it); its name is not a name of the log.
  ("olive-oil-cake", false), ("x-blind-test", false), ("xAI", false), ("nobody", false),
])
func namesTheTableIndexesAreKnown(name: String, known: Bool) {
  #expect(KnownNames.isIndexed(name, in: FactTable(selectionLog())) == known)
}

@Test func unknownNamesGetTheNearestKnownOnes() {
  let table = FactTable(selectionLog())
  #expect(KnownNames.nearest(to: "xAI", in: table) == ["xai"])
  #expect(KnownNames.nearest(to: "openai/sorra", in: table) == ["openai/sora"])
  #expect(KnownNames.nearest(to: "zzzzzzzz", in: table).isEmpty)
  var hire = ev("cto", "hire", "2025-06-12", org: "meta", subject: "alex", attrs: ["role": s("cto"), "from": s("scale-ai")], recorded: 1)
  #expect(FactTable([hire]).facts[0].factKind.holdsUnkeptStrings)
  #expect(KnownNames.isNamed("scale-ai", by: hire) && !KnownNames.isIndexed("scale-ai", in: FactTable([hire])))
  hire.attrs["from"] = nil
  #expect(!KnownNames.isNamed("scale-ai", by: hire))
}

import EventLog
@testable import Projections
import ReferenceModel
import Testing

// DESIGN.md, "What is new, and why": news compares the state before and at
// the end of a window of record time and lists the events recorded in it;
// why names each field's source and every event about a key.

/// A news answer as one comparable line: "changes | event ids".
private func describe(_ news: News) -> String {
  let changes = news.changes.map { change -> String in
    "\(change.org) \(change.section) \(change.key) \(change.field ?? "entry")"
  }
  return changes.joined(separator: "; ") + " | " + news.events.map(news.replay.id).joined(separator: " ")
}

struct NewsCase: Sendable, CustomTestStringConvertible {
  var name: String
  var events: [Event]
  var start: NewsStart
  var until: Timestamp?
  var org: String?
  var expected: String
  var testDescription: String { name }

  init(
    _ name: String, since: Int64?, until: Int64? = nil, org: String? = nil, _ expected: String,
    _ build: (inout LogBuilder) -> Void
  ) {
    var log = LogBuilder()
    build(&log)
    self.name = name
    events = log.events
    start = since.map { .time(LogBuilder.recordedTime($0)) } ?? .beginning
    self.until = until.map(LogBuilder.recordedTime)
    self.org = org
    self.expected = expected
  }
}

/// As of 2025-12-31; recorded times are the builder's seconds (1, 2, 3, ...).
@Test(arguments: [
  NewsCase("beforeTheFirstRunEverythingIsNew", since: nil, "openai products openai/sora entry | l p") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p", "pause", "2025-12-02", subject: sora)
  },
  NewsCase("sinceKeepsWhatWasRecordedAtOrAfterIt", since: 2, "openai products openai/sora status | p") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p", "pause", "2025-12-02", subject: sora)
  },
  NewsCase("untilEndsTheWindow", since: 2, until: 2, "openai products openai/sora status | p") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p", "pause", "2025-12-02", subject: sora)
    $0.add("t", "throttle", "2025-12-03", subject: sora)
  },
  NewsCase("anEventOfAnyDateRecordedInTheWindowIsNews", since: 2, "openai roles CEO entry | h") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("h", "hire", "2019-03", subject: "sam-altman", attrs: ["role": s("CEO")])
  },
  NewsCase("aRetractionInTheWindowUndoesAnEarlierFact", since: 3, "openai products openai/sora status | r") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p", "pause", "2025-12-02", subject: sora)
    $0.retract("r", "p")
  },
  NewsCase("aCorrectionInTheWindowIsNewsAboutWhatItCorrects", since: 3, "openai metrics openai valuation | v2") {
    $0.add("v1", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(1)])
    $0.add("x", "report", "2025-12-05")
    $0.add("v2", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(2)], supersedes: "v1")
  },
  NewsCase("orgKeepsItsEventsAndTheRetractionsOfThem", since: 2, org: "openai", "openai products openai/sora entry | r") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("g", "launch", "2025-12-01", org: "google", subject: "google/gemini-3")
    $0.retract("r", "l")
  },
  NewsCase("orgLeavesOutOtherOrgsAndTheirRetractions", since: 2, org: "google", "google products google/gemini-3 entry | g") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("g", "launch", "2025-12-01", org: "google", subject: "google/gemini-3")
    $0.retract("r", "l")
  },
  NewsCase("nothingRecordedInTheWindowIsNoNews", since: 9, " | ") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
  },
])
func newsWindow(_ c: NewsCase) {
  let news = News(FactTable(c.events), start: c.start, until: c.until, at: day("2025-12-31"), org: c.org)
  #expect(describe(news) == c.expected)
}

/// The mark's window: lines at or after each file's marked offset are new,
/// whatever their record time, and an id the log knew before is not.
@Test func markCountsLinesAfterItAndNotIdsKnownBefore() {
  var table = FactTable()
  table.files = ["mine.jsonl", "teammate.jsonl"]
  // Mine: two lines marked, one added since. The teammate's file is new to
  // the mark, recorded earlier than everything of mine, and repeats one of my events.
  table.append(ev("l", "launch", "2025-12-01", subject: sora, recorded: 10), file: 0, line: 1, offset: 0)
  table.append(ev("h", "hire", "2025-12-02", subject: "denise", attrs: ["role": s("CRO")], recorded: 11), file: 0, line: 2, offset: 100)
  table.append(ev("p", "pause", "2025-12-03", subject: sora, recorded: 12), file: 0, line: 3, offset: 200)
  table.append(ev("t", "throttle", "2025-12-04", subject: sora, recorded: 1), file: 1, line: 1, offset: 0)
  table.append(ev("h", "hire", "2025-12-02", subject: "denise", attrs: ["role": s("CRO")], recorded: 2), file: 1, line: 2, offset: 90)
  let news = News(table, start: .positions([200, 0]), until: nil, at: day("2025-12-31"))
  #expect(describe(news) == "openai products openai/sora status; openai products openai/sora throttled | p t")
}

// MARK: - why

/// A why answer's entries as lines "org section key [name]: field=value@event(confidence) ...".
private func describe(_ why: Why, _ replay: Replay) -> [String] {
  why.entries.map { entry in
    let fields = entry.fields.map { field -> String in
      let value: String
      switch field.value {
      case .null: value = "null"
      case .bool(let flag): value = String(flag)
      case .number(let number): value = CanonicalJSON.numberText(number)
      case .string(let text): value = text
      case .date(let date): value = date.description
      default: value = "?"
      }
      return "\(field.name)=\(value)@\(field.fact.map(replay.id) ?? "-")" + (field.confidence.map { "(\($0.rawValue))" } ?? "")
    }
    return ([entry.org, entry.section, entry.key] + (entry.name.map { [$0] } ?? [])).joined(separator: " ") + ": "
      + fields.joined(separator: " ")
  }
}

/// The industry of these tests, as of 2025-12-31.
private func whyLog() -> [Event] {
  var log = LogBuilder()
  log.add("l", "launch", "2025-09-30", subject: sora, attrs: ["type": s("product")], confidence: .confirmed)
  log.add("t", "throttle", "2025-11-28", subject: sora, confidence: .rumor)
  log.add("t2", "throttle", "2025-11-29", subject: sora, confidence: .confirmed)
  log.add("p", "pause", "2025-12-10", subject: sora, attrs: ["reason": s("code red")])
  log.add("g", "launch", "2025-12-11", subject: "openai/gpt-5.2", attrs: ["predecessor": s("openai/gpt-5.1")], confidence: .confirmed)
  log.add("c", "codename", "2025-12-10", subject: "openai/gpt-5.2", attrs: ["codename": s("olive-oil-cake")], confidence: .rumor)
  log.add("h", "hire", "2025-12-09", subject: "denise-dresser", attrs: ["role": s("CRO"), "from": s("slack")], confidence: .confirmed)
  log.add("s", "strategy", "2025-12-10", attrs: ["label": s("code red"), "focus": list("openai/chatgpt"), "deprioritize": list(sora)])
  log.add("v1", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(400), "unit": s("USD")])
  log.add("v2", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(500), "unit": s("USD")], supersedes: "v1")
  log.add("m", "metric", "2025-12-10", subject: sora, attrs: ["name": s("retention-d1"), "value": n(0.1)])
  log.add("bad", "pause", "2025-12-12", subject: sora)
  log.retract("r", "bad")
  return log.events
}

struct WhyCase: Sendable, CustomTestStringConvertible {
  var key: String
  var entries: [String]
  var events: String
  var testDescription: String { key }
}

@Test(arguments: [
  WhyCase(key: sora, entries: [
    "openai products openai/sora: status=paused@p(reported) throttled=true@t2(confirmed) type=product@l(confirmed) launched=2025-09-30@l(confirmed)",
    "openai deprioritized openai/sora: deprioritized=true@s(reported)",
    "openai metrics openai/sora retention-d1: value=0.1@m(reported) unit=null@m(reported)",
  ], events: "l t t2 p s m bad r"),
  WhyCase(key: "denise-dresser", entries: ["openai roles CRO: person=denise-dresser@h(confirmed)"], events: "h"),
  WhyCase(key: "CRO", entries: ["openai roles CRO: person=denise-dresser@h(confirmed)"], events: "h"),
  WhyCase(key: "olive-oil-cake", entries: ["openai codenames olive-oil-cake: subject=openai/gpt-5.2@c(rumor)"], events: "c"),
  WhyCase(key: "openai/gpt-5.1", entries: [], events: "g"),
  WhyCase(key: "openai/chatgpt", entries: ["openai focus openai/chatgpt: focus=true@s(reported)"], events: "s"),
])
func whyNamesEachFieldsSourceAndEveryEvent(_ c: WhyCase) {
  let replay = Replay(whyLog())
  let why = replay.why(c.key, at: day("2025-12-31"))
  #expect(describe(why, replay) == c.entries)
  #expect(why.events.map(replay.id).joined(separator: " ") == c.events)
}

@Test func whyOfAnOrgNamesItsOwnMetricsAndEveryEventOfIt() {
  let replay = Replay(whyLog())
  let why = replay.why("openai", at: day("2025-12-31"))
  #expect(describe(why, replay) == ["openai metrics openai valuation: value=500@v2(reported) unit=USD@v2(reported)"])
  // Every openai event in replay order, the superseded v1 with its correction, and the retraction of "bad".
  #expect(why.events.map(replay.id).joined(separator: " ") == "l t t2 v1 v2 h p c s m g bad r")
  #expect(replay.superseded.contains(replay.table.facts[Int(why.events.first { replay.id($0) == "v1" }!)].id))
}

/// A correction that names another product, and the retraction of that
/// correction, come to `why` only through what they target, one step after
/// the other: both are listed, in replay order.
@Test func whyListsWhatTargetsTheKeysEventsTransitively() {
  var log = LogBuilder()
  log.add("x", "pause", "2025-12-01", subject: "openai/x")
  log.add("y", "resume", "2025-12-02", subject: "openai/other", supersedes: "x")
  log.retract("z", "y")
  log.add("w", "pause", "2025-12-03", subject: "openai/other")
  let replay = Replay(log.events)
  let why = replay.why("openai/x", at: day("2025-12-31"))
  #expect(why.events.map(replay.id).joined(separator: " ") == "x y z")
}

@Test func whyReadsAStringTheTableDoesNotKeepFromTheCandidatesEvents() {
  let replay = Replay(whyLog())
  // "code red" is a pause's reason: the table does not keep it, so p is a candidate the CLI reads.
  let candidates = replay.whyCandidates("code red")
  #expect(candidates.map(replay.id).contains("p"))
  let p = candidates.first { replay.id($0) == "p" }!
  let why = replay.why("code red", at: day("2025-12-31"), attrMatches: [p])
  // The strategy's label is kept in the table; the pause comes from attrMatches.
  #expect(Set(why.events.map(replay.id)) == ["s", "p"])
}

@Test func recordWindowBoundsAreInclusive() {
  let window = RecordWindow(since: Timestamp(milliseconds: 10), until: Timestamp(milliseconds: 20))
  #expect(!window.contains(9) && window.contains(10) && window.contains(20) && !window.contains(21))
  #expect(RecordWindow().contains(.min) && RecordWindow().isOpen)
}

/// Ten random logs of 120 events (retractions, corrections and re-used ids
/// among them) for one batch of a property test, with their generators.
private func randomLogs(seeds base: UInt64, batch: Int) -> [(seed: UInt64, generator: LogGenerator, log: [GenEvent])] {
  (base + UInt64(batch * 10)..<base + UInt64(batch * 10 + 10)).map { seed in
    var generator = LogGenerator(seed: seed)
    let log = generator.log(count: 120)
    return (seed, generator, log)
  }
}

/// `why` folds only the facts that bear on its key (`Replay.bearing`): on
/// random logs, for every name and date, its entries (values, sources,
/// confidences, dates) are those of the whole fold.
@Test(arguments: 0..<4)
func whyFoldsOnlyWhatBearsOnItsKeyAndAnswersAsTheWholeFold(batch: Int) throws {
  var compared = 0
  var withEntries = 0
  for (seed, _, log) in randomLogs(seeds: 7000, batch: batch) {
    let replay = Replay(try decodeAll(log))
    let table = replay.table
    for at in queryDates {
      for org in [nil, "openai"] as [String?] {
        let kept = replay.kept(at: day(at), org: org)
        var whole = StateFold(table: table)
        for index in kept { whole.apply(index) }
        for symbol in 1..<Int32(table.names.count) {
          let key = table.names[symbol]
          let entries = replay.why(key, at: day(at), org: org).entries
          #expect(entries == whole.entries(named: key), "seed \(seed): why \(key) --at \(at) --org \(org ?? "-")")
          compared += 1
          if !entries.isEmpty { withEntries += 1 }
        }
      }
    }
  }
  // Many answers had entries, not only empty ones.
  #expect(compared > 1000 && withEntries > compared / 10)
}

/// `news` folds only the facts that bear on an entry the window can change
/// (`changes(_:from:to:)`): on random logs, for windows starting anywhere,
/// its changes are those between the two whole folds.
@Test(arguments: 0..<4)
func newsFoldsOnlyWhatTheWindowCanChangeAndAnswersAsTheWholeFolds(batch: Int) throws {
  var compared = 0
  var withChanges = 0
  for (seed, var generator, generated) in randomLogs(seeds: 8000, batch: batch) {
    let table = FactTable(try decodeAll(generated).shuffled(using: &generator.rng))
    let times = generated.map(\.recorded).sorted()
    for since in [times[0], times[times.count / 3], times[times.count * 2 / 3], times[times.count - 5]] {
      let start = NewsStart.time(Timestamp(milliseconds: since))
      for until in [nil, times[times.count - 2]] as [Int64?] {
        let limit = until.map { Timestamp(milliseconds: $0) }
        let before = Replay(table, knownAt: limit, only: { !start.isNew($0) })
        let after = Replay(table, knownAt: limit)
        for at in queryDates {
          for org in [nil, "openai"] as [String?] {
            let whole = changes(from: before.state(at: day(at), org: org), to: after.state(at: day(at), org: org))
            let news = News(table, start: start, until: limit, at: day(at), org: org)
            #expect(news.changes == whole, "seed \(seed): news --since \(since) --at \(at) --org \(org ?? "-")")
            compared += 1
            if !whole.isEmpty { withChanges += 1 }
          }
        }
      }
    }
  }
  #expect(compared > 1000 && withChanges > compared / 4)
}

import EventLog
@testable import Projections
import ReferenceModel
import Testing

// `news` from the replay index (issue 15): the replay before the window is
// derived from the indexed whole replay (`WithoutWindow`) instead of
// replayed. On random logs (re-used ids, retractions of retractions and of
// corrections, corrections of corrections, targets never seen) it must be the
// replay of the log without the window, for windows of any shape.

/// Windows of every shape over a table: none, everything, a suffix of record
/// time, and sets chosen at random (a mark's file offsets can choose any).
private func windows(_ table: FactTable, _ rng: inout SplitMix) -> [(String, (Fact) -> Bool)] {
  let times = table.facts.map(\.recorded).sorted()
  var result: [(String, (Fact) -> Bool)] = [("nothing", { _ in false }), ("everything", { _ in true })]
  for cut in [times.count / 3, times.count * 2 / 3, times.count - 3] {
    let since = times[cut]
    result.append(("since \(since)", { $0.recorded >= since }))
  }
  for share in [10, 50, 90] {
    let chosen = Set(table.facts.indices.filter { _ in Int.random(in: 0..<100, using: &rng) < share }.map { table.facts[$0].line })
    result.append(("\(share)% at random", { chosen.contains($0.line) }))
  }
  return result
}

/// Calls `body` with each of the ten random logs of a test's batch (seeds
/// from `first + 10 * batch`): its seed, its generator (to draw more from),
/// and its table, the lines shuffled; `count` events each, or 20 to 160.
private func shuffledLogs(
  _ first: UInt64, batch: Int, count: Int? = nil, _ body: (UInt64, inout LogGenerator, [GenEvent], FactTable) throws -> Void
) throws {
  for seed in first + UInt64(batch * 10)..<first + UInt64(batch * 10 + 10) {
    var generator = LogGenerator(seed: seed)
    let generated = generator.log(count: count ?? Int.random(in: 20...160, using: &generator.rng))
    let table = FactTable(try decodeAll(generated).shuffled(using: &generator.rng))
    try body(seed, &generator, generated, table)
  }
}

@Test(arguments: 0..<4)
func theReplayWithoutAWindowIsTheReplayOfTheLogWithoutIt(batch: Int) throws {
  var compared = 0
  var changedStanding = 0
  try shuffledLogs(9100, batch: batch) { seed, generator, _, table in
    let whole = Replay(table)
    let indexed = try #require(IndexedReplay(table: table, index: whole.index()))
    for (name, isNew) in windows(table, &generator.rng) {
      let before = Replay(table, only: { !isNew($0) })
      let derived = try #require(WithoutWindow(indexed, isNew: isNew))
      #expect(derived.standing == before.order, "seed \(seed), window \(name): standing")
      let fresh = whole.known.filter { isNew(table.facts[Int($0)]) && before.knownFact(table.facts[Int($0)].id) == nil }
      #expect(Set(derived.fresh) == Set(fresh) && derived.fresh.count == fresh.count, "seed \(seed), window \(name): new")
      for fact in table.facts {
        #expect(derived.knownAfter(fact.id) == whole.knownFact(fact.id), "seed \(seed), window \(name): known \(fact.id)")
        if fact.target != 0 {
          #expect(derived.knownAfter(fact.target) == whole.knownFact(fact.target), "seed \(seed), window \(name): target")
        }
      }
      compared += 1
      if derived.standing != whole.order { changedStanding += 1 }
    }
  }
  // Most windows changed what stands: the derivation was put to work.
  #expect(compared == 80 && changedStanding > compared / 2, "\(changedStanding) of \(compared)")
}

/// `news` answered from the index: its changes, new events and basis are
/// those of the two full replays, for windows from anywhere, any date, one
/// org or all.
@Test(arguments: 0..<4)
func newsFromTheIndexAnswersAsNewsFromTwoReplays(batch: Int) throws {
  var compared = 0
  var withEvents = 0
  try shuffledLogs(9200, batch: batch, count: 120) { seed, _, generated, table in
    let indexed = try #require(IndexedReplay(table: table, index: Replay(table).index()))
    let times = generated.map(\.recorded).sorted()
    var starts: [NewsStart] = [.beginning]
    for cut in [0, times.count / 3, times.count * 2 / 3, times.count - 5] { starts.append(.time(Timestamp(milliseconds: times[cut]))) }
    for start in starts {
      for at in queryDates {
        for org in [nil, "openai", "meta"] as [String?] {
          let replayed = News(table, start: start, until: nil, at: day(at), org: org)
          let news = try #require(News(table, start: start, at: day(at), org: org, indexed: indexed, largest: .max))
          let query = "seed \(seed): news \(start) --at \(at) --org \(org ?? "-")"
          #expect(news.changes == replayed.changes, "\(query): changes")
          #expect(news.events == replayed.events, "\(query): events")
          #expect(news.basis == replayed.basis, "\(query): basis")
          #expect(news.events.map(news.replay.marks) == replayed.events.map(replayed.replay.marks), "\(query): marks")
          compared += 1
          if !news.events.isEmpty { withEvents += 1 }
        }
      }
    }
  }
  #expect(compared > 1000 && withEvents > compared / 2)
}

/// `why` from the replay index: the indexed replay's known events (the
/// index's orgs' events, with the retractions that win their id, which it keeps)
/// are the full replay's, re-used ids and retractions of retractions
/// included; so every `why` answers as the full replay's, on the cached log
/// and after plain lines are added to it.
@Test(arguments: 0..<4)
func whyFromTheIndexKnowsWhatTheFullReplayKnows(batch: Int) throws {
  var compared = 0
  var sharedRetractionIDs = 0
  for seed in UInt64(9300 + batch * 10)..<UInt64(9300 + batch * 10 + 10) {
    var generator = LogGenerator(seed: seed)
    let generated = generator.log(count: 150)
    let events = try decodeAll(generated)
    let cut = events.count - 10
    // The last lines added after the index was built: taken in when plain.
    let cachedTable = FactTable(Array(events.prefix(cut)))
    let index = Replay(cachedTable).index()
    for table in [cachedTable, FactTable(events)] {
      guard let indexed = IndexedReplay(table: table, index: index) else { continue }
      let known = try #require(indexed.withKnown())
      let full = Replay(table)
      #expect(known.known == full.known, "seed \(seed), \(table.count) facts: known")
      let retractions = full.known.filter { table.facts[Int($0)].factKind == .retract }
      sharedRetractionIDs += retractions.filter { r in table.facts.filter { $0.id == table.facts[Int(r)].id }.count > 1 }.count
      for symbol in 1..<Int32(table.names.count) {
        let key = table.names[symbol]
        for org in [nil, "openai"] as [String?] {
          let candidates = full.whyCandidates(key, org: org)
          #expect(known.whyCandidates(key, org: org) == candidates, "seed \(seed): why \(key) candidates")
          let matches = Set(candidates.prefix(3))
          #expect(known.why(key, at: day("2024-03-31"), org: org, attrMatches: matches)
            == full.why(key, at: day("2024-03-31"), org: org, attrMatches: matches), "seed \(seed): why \(key) --org \(org ?? "-")")
          compared += 1
        }
      }
    }
  }
  #expect(compared > 500 && sharedRetractionIDs > 0, "\(compared) compared, \(sharedRetractionIDs) retractions under a shared id")
}

/// `Replay.merge` puts facts back where the replay order has them: a
/// replay's order split at random into a list and items merges back whole,
/// the items marked, for items spread thin or thick (the gallop's steps).
@Test func mergingFactsIntoAListInReplayOrderRestoresTheOrder() throws {
  var rng = SplitMix(seed: 77)
  for seed in UInt64(40)..<UInt64(50) {
    var generator = LogGenerator(seed: seed)
    let table = FactTable(try decodeAll(generator.log(count: 400)))
    let order = Replay(table).standing
    for share in [1, 10, 50, 90, 100] {
      let isItem = order.map { _ in Int.random(in: 0..<100, using: &rng) < share }
      let items = order.indices.filter { isItem[$0] }.map { order[$0] }
      let list = order.indices.filter { !isItem[$0] }.map { order[$0] }
      var merged: [Int32] = []
      Replay.merge(list[...], items, marking: ReplayIndex.droppedMark, in: table, into: &merged)
      #expect(merged.map { $0 & Int32.max } == order, "seed \(seed), \(share)% items")
      #expect(merged.filter { $0 < 0 }.map { $0 & Int32.max } == items, "seed \(seed), \(share)% items marked")
    }
  }
}

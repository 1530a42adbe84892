import EventLog
import Projections
import ReferenceModel
import Testing

// The model test through the replay index (issue 15): random logs whose
// first events are "cached" (the index built from their replay), then lines
// appended a few at a time, retractions of old events, corrections and
// re-used ids among them. After each append the index is kept as it was,
// as the CLI keeps it beside an unchanged fact cache: either the indexed
// replay takes the new events in, or it declines and the index is rebuilt
// (as after the fact cache is rewritten). Every answer is compared with the
// naive recompute and with a full replay.

@Test(arguments: 0..<8)
func indexedReplayMatchesTheNaiveModel(batch: Int) throws {
  var extended = 0
  var declined = 0
  var orgViews = 0
  /// How often an index read with each set of parts took appends in (keyed by the parts' raw value).
  var extendedWith: [Int: Int] = [:]
  var orgViewsDeclined = 0
  for seed in UInt64(5000 + batch * 8)..<UInt64(5000 + batch * 8 + 8) {
    var generator = LogGenerator(seed: seed)
    let count = Int.random(in: 10...90, using: &generator.rng)
    let generated = generator.log(count: count)
    let events = try decodeAll(generated)
    var cut = Int.random(in: 1...count, using: &generator.rng)
    // The cached part in any order: file order never decides.
    let cached = Array(0..<cut).shuffled(using: &generator.rng)
    var table = FactTable(cached.map { events[$0] })
    var index = Replay(table).index()
    var inTable = cached
    func check(_ indexed: IndexedReplay, _ step: String) {
      let present = inTable.map { generated[$0] }
      let full = Replay(table)
      for at in queryDates {
        for org in [nil, "openai", "google", "meta", "nobody"] as [String?] {
          let naiveKept = Naive.kept(present, at: naiveDay(at), knownAt: nil, org: org)
          let kept = indexed.kept(at: day(at), org: org)
          let query = "seed \(seed), \(step): state --at \(at) --org \(org ?? "-")"
          #expect(kept.map { indexed.id($0) } == naiveKept.map(\.id), "\(query): fold order")
          #expect(kept == full.kept(at: day(at), org: org), "\(query): the full replay's")
          let wrong = differences(J(state: indexed.state(kept)), Naive.state(naiveKept).json).prefix(5)
          #expect(wrong.isEmpty, "\(query)")
          #expect(J(basis: indexed.basis(kept)) == Naive.basis(naiveKept.map(\.id)), "\(query): basis")
          let whole = changes(from: full.state(at: day(queryDates[0]), org: org), to: full.state(at: day(at), org: org))
          #expect(indexed.diff(from: day(queryDates[0]), to: day(at), org: org).changes == whole, "\(query): diff")
        }
      }
    }
    /// As an `--org` question reads the log: that org's known facts alone
    /// (copied from the table in the index's order), then every fact added
    /// since the index was built, under the index of `ReplayIndex.oneOrg`.
    func checkOrgViews(_ step: String) {
      let present = inTable.map { generated[$0] }
      for org in ["openai", "google", "meta"] {
        guard let symbol = table.names.lookup(org), let known = index.known(org: symbol), !known.isEmpty else { continue }
        var view = table
        view.events = nil
        view.facts = known.map { table.facts[Int($0 & Int32.max)] } + table.facts[index.facts...]
        let viewIndex = ReplayIndex.oneOrg(
          symbol, known: Array(known), names: index.names, retracted: index.retracted, superseded: index.superseded,
          keys: index.keys)
        guard let indexed = IndexedReplay(table: view, index: viewIndex) else {
          orgViewsDeclined += 1
          continue
        }
        orgViews += 1
        for at in queryDates {
          let naiveKept = Naive.kept(present, at: naiveDay(at), knownAt: nil, org: org)
          let kept = indexed.kept(at: day(at), org: org)
          let query = "seed \(seed), \(step): state --at \(at) --org \(org), one org's facts"
          #expect(kept.map { indexed.id($0) } == naiveKept.map(\.id), "\(query): fold order")
          let wrong = differences(J(state: indexed.state(kept)), Naive.state(naiveKept).json).prefix(5)
          #expect(wrong.isEmpty, "\(query)")
          #expect(J(basis: indexed.basis(kept)) == Naive.basis(naiveKept.map(\.id)), "\(query): basis")
        }
      }
    }
    check(try #require(IndexedReplay(table: table, index: index)), "cached \(cut)")
    checkOrgViews("cached \(cut)")
    while cut < count {
      let next = min(count, cut + Int.random(in: 1...4, using: &generator.rng))
      for position in cut..<next {
        table.append(events[position], file: 0, line: Int32(table.count + 1), offset: 0)
        table.events?.append(events[position])
        inTable.append(position)
      }
      cut = next
      // As read for a question: the order for a whole state, the orgs for --org.
      for parts in [[.order, .keys], [.orgs, .keys], ReplayIndex.Parts.all] as [ReplayIndex.Parts] {
        var read = index
        if !parts.contains(.order) { read.order = nil }
        if !parts.contains(.orgs) {
          read.orgStart = nil
          read.orgKnown = nil
          read.knownRetractions = nil
        }
        guard let indexed = IndexedReplay(table: table, index: read) else { continue }
        extendedWith[parts.rawValue, default: 0] += 1
        if parts == .all { extended += 1 }
        let present = inTable.map { generated[$0] }
        for at in queryDates {
          for org in [nil, "openai", "google", "meta"] as [String?] {
            if org == nil ? !parts.contains(.order) : !parts.contains(.orgs) { continue }
            let naiveKept = Naive.kept(present, at: naiveDay(at), knownAt: nil, org: org)
            let kept = indexed.kept(at: day(at), org: org)
            #expect(kept.map { indexed.id($0) } == naiveKept.map(\.id), "seed \(seed), \(cut) events, extended: --at \(at) --org \(org ?? "-")")
          }
        }
      }
      checkOrgViews("extended to \(cut)")
      if let indexed = IndexedReplay(table: table, index: index) {
        check(indexed, "extended to \(cut)")
      } else {
        declined += 1
        index = Replay(table).index()
        check(try #require(IndexedReplay(table: table, index: index)), "rebuilt at \(cut)")
      }
    }
  }
  // Both ways were taken: appends the index took in, and appends it declined.
  #expect(extended > 10 && declined > 10, "extended \(extended), declined \(declined)")
  // Each way a question reads the index took appends in, so its checks above ran.
  for parts in [[.order, .keys], [.orgs, .keys]] as [ReplayIndex.Parts] {
    #expect(extendedWith[parts.rawValue, default: 0] > 10, "parts \(parts.rawValue): \(extendedWith)")
  }
  #expect(orgViews > 20 && orgViewsDeclined > 5, "one org's facts: \(orgViews) answered, \(orgViewsDeclined) declined")
}

@Test func anIndexDeclinesWhatItCannotPlace() throws {
  var generator = LogGenerator(seed: 77)
  let events = try decodeAll(generator.log(count: 40))
  var table = FactTable(events)
  let index = Replay(table).index()
  #expect(IndexedReplay(table: table, index: index) != nil)
  // An id already used declines.
  var added = table
  added.append(events[0], file: 0, line: Int32(added.count + 1), offset: 0)
  #expect(IndexedReplay(table: added, index: index) == nil, "an id already used")
  // An index without its keys cannot take anything in.
  var keyless = index
  keyless.keys = nil
  var fresh = events.first { $0.kind != .retract && $0.supersedes == nil }!
  fresh.id = "fresh1"
  table.append(fresh, file: 0, line: Int32(table.count + 1), offset: 0)
  #expect(IndexedReplay(table: table, index: keyless) == nil)
  #expect(IndexedReplay(table: table, index: index) != nil)
  // Up to 4,096 plain lines are taken in; one more and the question replays in full.
  var many = table
  for number in 2...4096 {
    fresh.id = "fresh\(number)"
    many.append(fresh, file: 0, line: Int32(many.count + 1), offset: 0)
  }
  #expect(many.count - index.facts == 4096)
  #expect(IndexedReplay(table: many, index: index) != nil, "4,096 added lines")
  fresh.id = "fresh4097"
  many.append(fresh, file: 0, line: Int32(many.count + 1), offset: 0)
  #expect(IndexedReplay(table: many, index: index) == nil, "4,097 added lines")
}

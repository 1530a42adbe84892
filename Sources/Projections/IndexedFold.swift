import EventLog

/// What `state`, `diff`, `log`, `lineage` and `strategy` ask of a replay:
/// its table, the events kept at a date and the marks of a listed event;
/// the state, lineage, strategy shifts, basis and diff folded from what it
/// keeps are the same for every replay (the extension below). A full
/// `Replay` answers, and so does an `IndexedReplay` read from the cache.
public protocol ReplayAnswers: Sendable {
  /// Every event of the log, as facts.
  var table: FactTable { get }
  func kept(at day: Day, org: String?) -> [Int32]
  func marks(_ index: Int32) -> EventMarks
}

extension ReplayAnswers {
  /// The competitor state folded from `facts` (in replay order).
  public func state(_ facts: [Int32]) -> CompetitorState { table.applied(facts).materialize() }

  /// `state(facts)` and `basis(facts)`: the events applied beside the
  /// digest of their ids, then the state materialized on both cores.
  public func stateAndBasis(_ facts: [Int32]) -> (CompetitorState, Basis) {
    let (fold, basis) = concurrently({ table.applied(facts) }, { self.basis(facts) })
    return (fold.materialize(), basis)
  }

  /// The competitor state on `day`.
  public func state(at day: Day, org: String? = nil) -> CompetitorState { state(kept(at: day, org: org)) }

  /// The lineage folded from `facts`, in replay order: on a day, the events
  /// `kept(at:)` that day.
  public func lineage(_ facts: [Int32]) -> Lineage { Lineage(table: table, facts: facts) }

  /// The strategy shifts among `facts` (in replay order).
  public func strategyShifts(_ facts: [Int32]) -> [StrategyShift] { Projections.strategyShifts(table: table, facts: facts) }

  /// Each strategy shift among `facts` (in replay order), one at a time.
  public func forEachStrategyShift(_ facts: [Int32], _ body: (StrategyShift) -> Void) {
    Projections.forEachStrategyShift(table: table, facts: facts, body)
  }

  /// The basis of an answer folded from `facts`.
  public func basis(_ facts: [Int32]) -> Basis { table.basis(of: facts) }

  /// The id of a fact.
  public func id(_ index: Int32) -> String { table.idString(table.facts[Int(index)].id) }

  /// The state at `to` against the state at `from` (each the end of its
  /// day), of one org or of all, and the events that came in between.
  public func diff(from: Day, to: Day, org: String? = nil) -> DiffAnswer { diffAnswer(self, from: from, to: to, org: org) }
}

extension Replay: ReplayAnswers {}

/// The default replay (no `--known-at`, no `--min-confidence`) answered
/// from a `ReplayIndex` instead of replaying the whole table (issue 15):
/// `--org` folds only that org's events, a whole state only filters the
/// kept order. A table that grew since the index was built (lines added
/// after the cache) is served when every added event is plain: not a
/// retraction or a correction, and under an id that no event of the index
/// has or points at; it is then put in place in replay order. Otherwise
/// there is no indexed replay and the caller replays in full.
public struct IndexedReplay: ReplayAnswers {
  public let table: FactTable
  private let index: ReplayIndex

  /// Larger additions are replayed in full (the cache is about to be rewritten anyway).
  public static let largestAddition = 4096

  /// - Parameters:
  ///   - table: the table the index was built from, possibly with more facts after.
  ///   - index: read with the parts the questions need, and with its keys
  ///     when the table has more facts than it covers.
  public init?(table: FactTable, index: ReplayIndex) {
    var index = index
    guard index.facts <= table.count, index.names <= table.names.count else { return nil }
    if index.facts < table.count {
      guard table.count - index.facts <= IndexedReplay.largestAddition, let keys = index.keys,
        IndexedReplay.add(table.facts.indices.dropFirst(index.facts), to: &index, keys: keys, table: table)
      else { return nil }
    }
    self.table = table
    self.index = index
  }

  /// Puts plain added events in place; false when one is not plain.
  private static func add(_ added: Range<Int>, to index: inout ReplayIndex, keys: [UInt64], table: FactTable) -> Bool {
    let facts = table.facts
    var seen = Set<UInt64>()
    for position in added {
      let fact = facts[position]
      guard fact.factKind != .retract, fact.target == 0, !ReplayIndex.contains(keys, fact.id),
        seen.insert(fact.id).inserted
      else { return false }
    }
    // The added events in replay order, each list then merged with them
    // (an entry of a list may carry the dropped mark).
    let sorted = added.map(Int32.init).sorted { Replay.precedes($0, $1, in: table) }
    if let order = index.order {
      var out: [Int32] = []
      out.reserveCapacity(order.count + sorted.count)
      Replay.merge(order[...], sorted, in: table, into: &out)
      index.order = out
    }
    if let start = index.orgStart, let known = index.orgKnown {
      let byOrg = Dictionary(grouping: sorted) { Int(facts[Int($0)].org) }
      // Orgs first named by added lines get ranges at the end.
      let orgs = max(start.count - 1, (byOrg.keys.max() ?? -1) + 1)
      var newStart = [Int32](repeating: 0, count: orgs + 1)
      var out: [Int32] = []
      out.reserveCapacity(known.count + sorted.count)
      for org in 0..<orgs {
        newStart[org] = Int32(out.count)
        let range = org + 1 < start.count ? Int(start[org])..<Int(start[org + 1]) : known.endIndex..<known.endIndex
        Replay.merge(known[range], byOrg[org] ?? [], in: table, into: &out)
      }
      newStart[orgs] = Int32(out.count)
      index.orgStart = newStart
      index.orgKnown = out
    }
    index.names = max(index.names, (index.orgStart?.count ?? 1) - 1)
    index.facts = added.upperBound
    return true
  }

  /// Rule 5, as `Replay.kept`: the standing events certainly past by the end of `day`, in replay order.
  public func kept(at day: Day, org: String?) -> [Int32] {
    let limit = day.yyyymmdd
    let facts = table.facts
    if let org {
      guard let symbol = table.names.lookup(org) else { return [] }
      guard let known = index.known(org: symbol) else { preconditionFailure("the index was read without its orgs") }
      // Dropped events carry the mark (the sign bit): only standing ones pass.
      return known.filter { $0 >= 0 && facts[Int($0)].lastDay <= limit && facts[Int($0)].org == symbol }
    }
    return Replay.kept(standing, at: day, org: nil, in: table)
  }

  /// Every standing event, in replay order (`Replay.standing`).
  var standing: [Int32] {
    guard let order = index.order else { preconditionFailure("the index was read without its order") }
    return order
  }

  /// As `Replay.marks`: whether a standing retraction or correction drops the listed event.
  public func marks(_ index: Int32) -> EventMarks {
    let key = table.facts[Int(index)].id
    return EventMarks(
      retracted: ReplayIndex.contains(self.index.retracted, key), superseded: ReplayIndex.contains(self.index.superseded, key))
  }

  /// The known events (one per id, retracted and superseded ones included)
  /// of an org, in replay order: what `log --org` lists before its other filters.
  public func known(org: String) -> [Int32] {
    guard let symbol = table.names.lookup(org) else { return [] }
    guard let known = index.known(org: symbol) else { preconditionFailure("the index was read without its orgs") }
    let facts = table.facts
    return known.map { $0 & Int32.max }.filter { facts[Int($0)].org == symbol }
  }
}

extension Replay {
  /// This replay as a `ReplayIndex`, every part filled. Only the default
  /// replay (no `knownAt`, no least confidence, no `only`) is an index.
  public func index() -> ReplayIndex {
    let table = self.table
    let names = table.names.count
    let count = table.facts.count
    return table.facts.withUnsafeBufferPointer { facts in
      // The known events that are not retractions: the standing ones (in
      // `order`, already in replay order) merged with the dropped ones.
      var standing = [Bool](repeating: false, count: count)
      for index in order { standing[Int(index)] = true }
      let dropped = inReplayOrder(self.known.filter { !standing[Int($0)] && facts[Int($0)].factKind != .retract })
      var known: [Int32] = []
      known.reserveCapacity(order.count + dropped.count)
      Replay.merge(order[...], dropped, marking: ReplayIndex.droppedMark, in: table, into: &known)
      // Each fact's org, read in file order: `known` is in replay order, where
      // reading 96-byte facts missed the cache at each, twice.
      let orgOf = facts.map(\.org)
      var start = [Int32](repeating: 0, count: names + 1)
      for index in known { start[Int(orgOf[Int(index & Int32.max)]) + 1] += 1 }
      for org in 0..<names { start[org + 1] += start[org] }
      var place = start
      var byOrg = [Int32](repeating: 0, count: known.count)
      for index in known {
        let org = Int(orgOf[Int(index & Int32.max)])
        byOrg[Int(place[org])] = index
        place[org] += 1
      }
      var keys: [UInt64] = []
      keys.reserveCapacity(count + count / 16)
      for fact in facts {
        keys.append(fact.id)
        if fact.target != 0 { keys.append(fact.target) }
      }
      radixSort(&keys)
      var sortedRetracted = Array(self.retracted)
      radixSort(&sortedRetracted)
      var sortedSuperseded = Array(self.superseded)
      radixSort(&sortedSuperseded)
      let knownRetractions = self.known.filter { facts[Int($0)].factKind == .retract }
      return ReplayIndex(
        facts: count, names: names, order: order, orgStart: start, orgKnown: byOrg, knownRetractions: knownRetractions,
        retracted: sortedRetracted, superseded: sortedSuperseded, keys: keys, tableFacts: table.facts)
    }
  }
}

extension FactTable {
  /// The fold of `facts` (in replay order), to be materialized: what both
  /// a full and an indexed replay answer with.
  func applied(_ facts: [Int32]) -> StateFold {
    var fold = StateFold(table: self)
    self.facts.withUnsafeBufferPointer { all in
      // Gathered in runs before they are folded: a loop of plain copies has
      // many reads of far-apart facts under way at once, where the fold,
      // reading each as it goes, waits for one at a time.
      let run = 4096
      withUnsafeTemporaryAllocation(of: Fact.self, capacity: run) { gathered in
        var start = 0
        while start < facts.count {
          let end = min(start + run, facts.count)
          for position in start..<end { (gathered.baseAddress! + (position - start)).initialize(to: all[Int(facts[position])]) }
          for position in start..<end { fold.apply(gathered[position - start], facts[position]) }
          start = end
        }
      }
    }
    return fold
  }

  /// The basis of `facts`: their count and the digest of their ids.
  func basis(of facts: [Int32]) -> Basis { Basis(keys: facts.map { self.facts[Int($0)].id }, table: self) }
}

extension IndexedReplay {
  /// This replay with its known events, for `why`: the index's known events
  /// of every org (never a retraction; lines added since are among them)
  /// and the retractions that win their id (rule 2), which the index keeps
  /// apart. Nil when the index was read without its orgs.
  public func withKnown() -> KnownIndexedReplay? {
    guard let orgKnown = index.orgKnown, let retractions = index.knownRetractions else { return nil }
    var isKnown = [Bool](repeating: false, count: table.facts.count)
    for index in orgKnown { isKnown[Int(index & Int32.max)] = true }
    for index in retractions { isKnown[Int(index)] = true }
    var known: [Int32] = []
    known.reserveCapacity(orgKnown.count + retractions.count)
    for index in isKnown.indices where isKnown[index] { known.append(Int32(index)) }
    return KnownIndexedReplay(indexed: self, known: known)
  }
}

/// An indexed replay with its known events: what `why` reads (`WhyReplay`).
public struct KnownIndexedReplay: WhyReplay {
  let indexed: IndexedReplay
  /// Rule 2's winners, retractions included, in file order.
  public let known: [Int32]

  public var table: FactTable { indexed.table }
  public func kept(at day: Day, org: String?) -> [Int32] { indexed.kept(at: day, org: org) }
  public func marks(_ index: Int32) -> EventMarks { indexed.marks(index) }
}

import EventLog

/// The replay of DESIGN.md, rules 2 to 6, over a table of facts: which
/// events stand, in the order they are folded. Build it once, then ask for
/// the events kept at any date.
public struct Replay: Sendable {
  public let table: FactTable
  /// Indices (into `table.facts`) of the events that survive rules 2-4
  /// (duplicates collapsed, `--known-at`, retractions and supersedes), in
  /// replay order: first day of the date's period, recorded, id. Retractions
  /// themselves are left out: they are never folded.
  let order: [Int32]
  /// Indices of the events that rules 2-3 keep (one per id, known at the
  /// time, of the least confidence asked for), retractions included, in file order.
  public let known: [Int32]
  /// Keys of events dropped by a surviving retraction.
  let retracted: Set<UInt64>
  /// Keys of events dropped because a standing event supersedes them.
  let superseded: Set<UInt64>
  /// The winner of each id (rule 2), and the `--known-at` limit.
  private let winners: KeyMap
  private let limit: Int64

  /// Replays events given in any order.
  public init<Events: Sequence>(
    _ events: Events, knownAt: Timestamp? = nil, minConfidence: Confidence = .rumor
  ) where Events.Element == Event {
    self.init(FactTable(events), knownAt: knownAt, minConfidence: minConfidence)
  }

  /// - Parameters:
  ///   - table: every event of the log, in any order, duplicates included.
  ///   - knownAt: keep only what the log knew at this time (rule 3).
  ///   - minConfidence: replay as if the log held only the events of this
  ///     confidence or higher (`--min-confidence`): a retraction or a
  ///     correction below it is dropped like any other event, so its target stands.
  ///   - only: replay as if the log held only the facts this accepts (the
  ///     events known before a `news` window).
  public init(
    _ table: FactTable, knownAt: Timestamp? = nil, minConfidence: Confidence = .rumor, only: ((Fact) -> Bool)? = nil
  ) {
    self.table = table
    let facts = table.facts
    let count = facts.count
    let least = minConfidence.code
    // Rule 2: one event per id; the earliest recorded wins (among the events sure enough).
    var winners = KeyMap(capacity: count)
    var isWinner = [Bool](repeating: false, count: count)
    // The winners that name another event (retractions and supersedes, a few
    // in a hundred): rule 4 reads only these, not a million facts again.
    var referring: [Int32] = []
    for index in 0..<count {
      if facts[index].confidence < least { continue }
      if let only, !only(facts[index]) { continue }
      let key = facts[index].id
      if let other = winners.setIfAbsent(key, Int32(index)) {
        guard Replay.prefer(Int32(index), over: other, in: table) else { continue }
        isWinner[Int(other)] = false
        winners.set(key, Int32(index))
      }
      isWinner[index] = true
      if facts[index].target != 0 { referring.append(Int32(index)) }
    }
    // Rule 3.
    let limit = knownAt?.milliseconds ?? .max
    var known: [Int32] = []
    known.reserveCapacity(count)
    if limit == .max {
      for index in 0..<count where isWinner[index] { known.append(Int32(index)) }
    } else {
      for index in 0..<count where isWinner[index] && facts[index].recorded <= limit { known.append(Int32(index)) }
    }
    /// The known event with this key, if any.
    func lookup(_ key: UInt64) -> Fact? {
      guard let index = winners[key], facts[Int(index)].recorded <= limit else { return nil }
      return facts[Int(index)]
    }
    // (A winner found so early may have lost to a later fact since.)
    referring.removeAll { !isWinner[Int($0)] || facts[Int($0)].recorded > limit }
    // Rule 4: retractions (of events that are not retractions), then supersedes of standing events.
    var retracted = Set<UInt64>()
    for index in referring where facts[Int(index)].factKind == .retract {
      let target = facts[Int(index)].target
      if let fact = lookup(target), fact.factKind != .retract { retracted.insert(target) }
    }
    var superseded = Set<UInt64>()
    for index in referring {
      let fact = facts[Int(index)]
      guard fact.factKind != .retract, !retracted.contains(fact.id) else { continue }
      if let target = lookup(fact.target), target.factKind != .retract { superseded.insert(fact.target) }
    }
    // The known events left out of the order: the retractions, and each
    // dropped id's known event (its winner). Marked by index, so that the
    // million known events are not each looked up in a hashed set.
    var leftOut = [Bool](repeating: false, count: count)
    for index in referring where facts[Int(index)].factKind == .retract { leftOut[Int(index)] = true }
    for key in retracted.union(superseded) {
      if let index = winners[key], facts[Int(index)].recorded <= limit { leftOut[Int(index)] = true }
    }
    var standing = known.filter { !leftOut[Int($0)] }
    self.order = Replay.sortInReplayOrder(&standing, table: table)
    self.known = known
    self.retracted = retracted
    self.superseded = superseded
    self.winners = winners
    self.limit = limit
  }

  /// The known event (rule 2's winner, known at the time) with this key, if any.
  func knownFact(_ key: UInt64) -> Int32? {
    guard let index = winners[key], table.facts[Int(index)].recorded <= limit else { return nil }
    return index
  }

  /// Rule 6's order, by radix sort: each fact's key is its first day (as a
  /// day number) above its rank in (recorded, id) order. Facts usually come
  /// in recorded order already (recorded increases within a file), which
  /// makes the ranks free.
  static func sortInReplayOrder(_ indices: inout [Int32], table: FactTable) -> [Int32] {
    let facts = table.facts
    func recordedPrecedes(_ a: Int32, _ b: Int32) -> Bool {
      let fa = facts[Int(a)]
      let fb = facts[Int(b)]
      if fa.recorded != fb.recorded { return fa.recorded < fb.recorded }
      return idPrecedes(fa.id, fb.id, in: table)
    }
    var keys = [UInt64](repeating: 0, count: indices.count)
    /// Each fact's key, by its rank in `indices`; false (the keys unfinished)
    /// as soon as two neighbours are found out of (recorded, id) order.
    func keysInRecordedOrder() -> Bool {
      for (rank, index) in indices.enumerated() {
        if rank > 0 && !recordedPrecedes(indices[rank - 1], index) { return false }
        keys[rank] = UInt64(Day(yyyymmdd: facts[Int(index)].firstDay).ordinal) << 40 | UInt64(rank)
      }
      return true
    }
    if !keysInRecordedOrder() {
      indices.sort(by: recordedPrecedes)
      _ = keysInRecordedOrder()
    }
    // The ranks are in order already: sorting by the day alone (stable) keeps them so.
    radixSort(&keys, fromBit: 40)
    return keys.map { indices[Int($0 & 0xff_ffff_ffff)] }
  }

  /// Whether fact `a` wins over `b` under one id: earlier recorded, then a
  /// fixed order of their contents, so that file order never decides.
  static func prefer(_ a: Int32, over b: Int32, in table: FactTable) -> Bool {
    let fa = table.facts[Int(a)]
    let fb = table.facts[Int(b)]
    if fa.recorded != fb.recorded { return fa.recorded < fb.recorded }
    func content(_ fact: Fact) -> [String] {
      [String(fact.kind), String(fact.firstDay), String(fact.precision), String(fact.confidence), table.names[fact.org],
       table.names[fact.subject]] + fact.nameSlots.map { table.names[$0] } + [
       CanonicalJSON.numberText(fact.value), table.idString(fact.target), table.files[Int(fact.file)], String(fact.line)]
    }
    return content(fa).lexicographicallyPrecedes(content(fb), by: codePointPrecedes)
  }

  /// Rule 2's winner among facts of one id (in file order, so that of two
  /// the same the first wins, as in the replay); nil for none.
  static func winner(_ facts: [Int32], in table: FactTable) -> Int32? {
    facts.dropFirst().reduce(facts.first) { best, index in prefer(index, over: best!, in: table) ? index : best }
  }

  /// Appends to `out` the facts of `list` (in replay order, each perhaps
  /// carrying the dropped mark) with `items` (facts of other ids, in replay
  /// order) put in place, each or'ed with `mark`: an item goes before the
  /// first entry it precedes. Its place is found by galloping from the last
  /// one and the runs between are copied whole, so that a long list's facts
  /// are read a few times per item rather than each once (read in replay
  /// order, each missed the cache).
  static func merge(
    _ list: ArraySlice<Int32>, _ items: [Int32], marking mark: Int32 = 0, in table: FactTable, into out: inout [Int32]
  ) {
    func entry(_ position: Int, precedes item: Int32) -> Bool { precedes(list[position] & Int32.max, item, in: table) }
    var from = list.startIndex
    for item in items {
      // Every entry before `low` precedes the item; `high` is the next probe, twice as far each time.
      var low = from
      var high = from
      var step = 1
      while high < list.endIndex && entry(high, precedes: item) {
        low = high + 1
        high = min(list.endIndex, high + step)
        step *= 2
      }
      low = partitionPoint(low..<high) { entry($0, precedes: item) }
      out += list[from..<low]
      out.append(item | mark)
      from = low
    }
    out += list[from...]
  }

  /// Whether fact `a` comes before fact `b` in replay order: the first day of
  /// its date's period, then recorded, then id (the order the radix sort of
  /// `order` makes, for placing single facts into it).
  static func precedes(_ a: Int32, _ b: Int32, in table: FactTable) -> Bool {
    let fa = table.facts[Int(a)]
    let fb = table.facts[Int(b)]
    if fa.firstDay != fb.firstDay { return fa.firstDay < fb.firstDay }
    if fa.recorded != fb.recorded { return fa.recorded < fb.recorded }
    return idPrecedes(fa.id, fb.id, in: table)
  }

  /// Ids compared by code point; content ids (same length, hex) compare as numbers.
  static func idPrecedes(_ a: UInt64, _ b: UInt64, in table: FactTable) -> Bool {
    if (a | b) & EventKey.customBit == 0 { return a < b }
    return codePointPrecedes(table.idString(a), table.idString(b))
  }

  /// Rule 5: the standing events that had certainly happened by the end of
  /// `day` (a partial date counts from the last day of its period), in order.
  public func kept(at day: Day, org: String? = nil) -> [Int32] { Replay.kept(order, at: day, org: org, in: table) }

  /// Rule 5 over a standing order (of this replay, or derived from the index).
  static func kept(_ order: [Int32], at day: Day, org: String?, in table: FactTable) -> [Int32] {
    let limit = day.yyyymmdd
    let facts = table.facts
    if let org {
      guard let symbol = table.names.lookup(org) else { return [] }
      return order.filter { facts[Int($0)].lastDay <= limit && facts[Int($0)].org == symbol }
    }
    // The order is by first day, and a period (a year, a month or a day)
    // ends in the year it starts: an event that starts before the limit's
    // year ends before the limit, one that starts after the limit is not
    // kept, and only those between are read (a million far-apart facts
    // read in replay order took 14-18 ms).
    func firstPosition(startingAfter day: Int32) -> Int {
      partitionPoint(order.indices) { facts[Int(order[$0])].firstDay <= day }
    }
    let yearStart = firstPosition(startingAfter: limit / 10_000 * 10_000)  // (yyyy0000: before January 1)
    let after = firstPosition(startingAfter: limit)
    var kept = Array(order[..<yearStart])
    kept += order[yearStart..<after].lazy.filter { facts[Int($0)].lastDay <= limit }
    return kept
  }

  /// Facts (one per id) sorted in replay order, by the radix sort of `order`.
  func inReplayOrder(_ indices: [Int32]) -> [Int32] {
    var indices = indices
    return Replay.sortInReplayOrder(&indices, table: table)
  }

  /// What the replay did to a listed event (`log`, `news`, `why` mark it):
  /// dropped by a standing retraction, or by a standing correction.
  public func marks(_ index: Int32) -> EventMarks {
    let key = table.facts[Int(index)].id
    return EventMarks(retracted: retracted.contains(key), superseded: superseded.contains(key))
  }

  /// Every standing event, in replay order (`render` draws them).
  public var standing: [Int32] { order }

}

/// What the replay did to an event that a command lists.
public struct EventMarks: Sendable, Equatable {
  /// A standing retraction drops it.
  public var retracted: Bool
  /// A standing event supersedes it.
  public var superseded: Bool

  public init(retracted: Bool = false, superseded: Bool = false) {
    self.retracted = retracted
    self.superseded = superseded
  }
}

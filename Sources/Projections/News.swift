import EventLog

/// Where a `news` window starts: what the log counts as already known.
public enum NewsStart: Sendable, Equatable {
  /// Nothing was known: every event is new (the first `news`).
  case beginning
  /// `--since T`: the events recorded before T were known.
  case time(Timestamp)
  /// The mark of the previous `news`: per file of the table (by index), the
  /// offset where new lines begin; a line at or after it is new (0: the
  /// whole file is).
  case positions([Int64])

  /// Whether every fact of `table` lies in the window.
  public func holdsEverything(_ table: FactTable) -> Bool { self == .beginning || table.facts.allSatisfy(isNew) }

  /// Whether a fact lies in the window.
  @inline(__always) public func isNew(_ fact: Fact) -> Bool {
    switch self {
    case .beginning: true
    case .time(let since): fact.recorded >= since.milliseconds
    case .positions(let starts): Int(fact.file) >= starts.count || fact.offset >= starts[Int(fact.file)]
    }
  }
}

/// What the log learned in a window of record time (DESIGN.md, "What is
/// new, and why").
public struct News: Sendable {
  /// The state at the date asked as it stood before the window and as it
  /// stands at its end, in `diff`'s form.
  public var changes: [Change]
  /// The facts (indices into `replay.table`) recorded in the window, one per
  /// id, retractions included, in replay order.
  public var events: [Int32]
  /// The events folded into the state at the end of the window.
  public var basis: Basis
  /// The replay at the end of the window (for what is retracted or superseded).
  public var replay: any ReplayAnswers

  /// - Parameters:
  ///   - table: every event of the log.
  ///   - start: where the window starts.
  ///   - until: where it ends (`--known-at`; nil: everything the log holds).
  ///   - day: the date of the state compared.
  ///   - org: only this org's state and events, and the retractions and
  ///     corrections that target its events.
  public init(
    _ table: FactTable, start: NewsStart, until: Timestamp?, at day: Day, org: String? = nil,
    minConfidence: Confidence = .rumor
  ) {
    let (before, after) = concurrently(
      { Replay(table, knownAt: until, minConfidence: minConfidence, only: { !start.isNew($0) }) },
      { Replay(table, knownAt: until, minConfidence: minConfidence) })
    let facts = table.facts
    // New: in the window, and no event of that id was known before it.
    let fresh = after.known.filter { start.isNew(facts[Int($0)]) && before.knownFact(facts[Int($0)].id) == nil }
    let kept = after.kept(at: day, org: org)
    let keptBefore = before.kept(at: day, org: org)
    let (changes, basis) = concurrently({ Projections.changes(table, from: keptBefore, to: kept) }, { after.basis(kept) })
    self.init(table, changes: changes, basis: basis, fresh: fresh, org: org, replay: after, knownAfter: after.knownFact)
  }

  /// What every way of answering shares, once it has the changes, the basis
  /// and the window's new events: the new events of `org` (an org's event,
  /// or a retraction or correction whose chain of targets, through
  /// `knownAfter`, reaches one) in replay order.
  private init(
    _ table: FactTable, changes: [Change], basis: Basis, fresh: [Int32], org: String?, replay: any ReplayAnswers,
    knownAfter: (UInt64) -> Int32?
  ) {
    self.changes = changes
    self.basis = basis
    let facts = table.facts
    var fresh = fresh
    if let org {
      let symbol = table.names.lookup(org) ?? -1
      fresh = fresh.filter { index in
        var fact = facts[Int(index)]
        var steps = 0
        while fact.org != symbol {
          guard fact.target != 0, steps < 64, let target = knownAfter(fact.target) else { return false }
          fact = facts[Int(target)]
          steps += 1
        }
        return true
      }
    }
    events = Replay.sortInReplayOrder(&fresh, table: table)
    self.replay = replay
  }
}

extension News {
  /// `News` of the default replay (no `--known-at` end, no least
  /// confidence) from the log's indexed replay, with no full replay of the
  /// log: the replay at the window's end is the index, and the replay before
  /// it is the index with the window's facts taken out (`WithoutWindow`).
  /// A window of every fact (the first `news`, or a `--since` before the
  /// log began), of every org, has no replay before it at all: its new
  /// events are the index's known events (`NewsStart.holdsEverything`).
  /// Nil when another window holds more than a quarter of the facts
  /// (replaying both is then cheaper: at 1M events, a window of every fact
  /// took 6.2 s derived and 5.7 s replayed), or the index was read without
  /// what it needs.
  public init?(_ table: FactTable, start: NewsStart, at day: Day, org: String? = nil, indexed after: IndexedReplay) {
    self.init(table, start: start, at: day, org: org, indexed: after, largest: table.count / 4)
  }

  /// Nil when the window holds more than `largest` facts, unless it holds them all.
  ///
  /// The basis of the state after the window needs nothing of the state
  /// before it: it is hashed on one core while the other derives the
  /// replay before the window and the changes (both take about as long). A
  /// window too large to derive from is hashed for nothing; the caller then
  /// replays in full, which takes several times as long anyway.
  init?(_ table: FactTable, start: NewsStart, at day: Day, org: String?, indexed after: IndexedReplay, largest: Int) {
    let kept = after.kept(at: day, org: org)
    if org == nil && start.holdsEverything(table) {
      let ((known, changes), basis) = concurrently(
        { (after.withKnown()?.known, Projections.changes(table, from: [], to: kept)) }, { after.basis(kept) })
      guard let known else { return nil }
      self.init(table, changes: changes, basis: basis, fresh: known, org: nil, replay: after, knownAfter: { _ in nil })
      return
    }
    let (derived, basis) = concurrently(
      { () -> (before: WithoutWindow, changes: [Change])? in
        guard let before = WithoutWindow(after, isNew: start.isNew, largest: largest) else { return nil }
        return (before, Projections.changes(table, from: before.kept(at: day, org: org), to: kept))
      }, { after.basis(kept) })
    guard let derived else { return nil }
    self.init(
      table, changes: derived.changes, basis: basis, fresh: derived.before.fresh, org: org, replay: after,
      knownAfter: derived.before.knownAfter)
  }
}

/// The default replay of a table without the facts of a window (`news`'
/// state before it), derived from the whole table's indexed replay instead
/// of replayed: a fact outside the window stands as it does in the whole
/// replay unless the window touches the rules that decide it (DESIGN.md,
/// rules 2 and 4). Those are few, and found by a few passes over the facts:
///   - an id of the window (its winner may be another fact, or none);
///   - T1, the target of a fact of such an id (its retraction or correction
///     may be gone, or another fact's may count);
///   - the target of a correction whose id is in T1 (the correction's own
///     retraction may be gone).
/// Each of those is decided again by rules 2 and 4 over the facts that
/// bear on it: the facts of its id, the retractions and corrections that
/// target it, and the retractions of those corrections.
struct WithoutWindow {
  private let table: FactTable
  /// The standing facts without the window, in replay order.
  let standing: [Int32]
  /// The window's facts that are new: each the whole replay's winner of its
  /// id (rule 2), with no fact of that id outside the window.
  let fresh: [Int32]
  /// The facts of the ids looked at, by id: every fact of the log with that id.
  private let byID: [UInt64: [Int32]]

  /// Nil when the window holds more than `largest` facts.
  init?(_ after: IndexedReplay, isNew: (Fact) -> Bool, largest: Int = .max) {
    let table = after.table
    self.table = table
    let facts = table.facts
    let count = facts.count
    // Pass 1: the window, and every fact that targets another.
    var inWindow = [Bool](repeating: false, count: count)
    var windowIDs = Set<UInt64>()
    var targeting: [Int32] = []
    var windowCount = 0
    for index in 0..<count {
      let fact = facts[index]
      if isNew(fact) {
        inWindow[index] = true
        windowIDs.insert(fact.id)
        windowCount += 1
      }
      if fact.target != 0 { targeting.append(Int32(index)) }
    }
    guard windowCount <= largest else { return nil }
    let byTarget = Dictionary(grouping: targeting) { facts[Int($0)].target }
    // Pass 2: every fact with a window's id; then the ids whose rules the window touches.
    var byID = WithoutWindow.facts(of: windowIDs, in: facts)
    let targetsOfWindowIDs = Set(byID.values.joined().map { facts[Int($0)].target }.filter { $0 != 0 })
    let targetsOfTouchedCorrections = targeting.lazy
      .filter { targetsOfWindowIDs.contains(facts[Int($0)].id) && facts[Int($0)].factKind != .retract }
      .map { facts[Int($0)].target }
    let touched = windowIDs.union(targetsOfWindowIDs).union(targetsOfTouchedCorrections)
    // Pass 3: the facts of every id the rules read for those: the touched
    // ids, the retractions and corrections of them, and the retractions of
    // those corrections.
    var read = touched
    for id in touched {
      for index in byTarget[id] ?? [] {
        let fact = facts[Int(index)]
        read.insert(fact.id)
        if fact.factKind != .retract { for other in byTarget[fact.id] ?? [] { read.insert(facts[Int(other)].id) } }
      }
    }
    read.subtract(windowIDs)
    byID.merge(WithoutWindow.facts(of: read, in: facts)) { a, _ in a }
    self.byID = byID

    // Rule 2 without the window, for the ids read (others are as in the whole replay).
    var winnerBefore: [UInt64: Int32] = [:]
    for (id, list) in byID {
      if let best = Replay.winner(list.filter { !inWindow[Int($0)] }, in: table) { winnerBefore[id] = best }
    }
    func knownBefore(_ index: Int32) -> Bool { winnerBefore[facts[Int(index)].id] == index }
    // Rule 4 without the window, for one id: its winner must be an event that is not a retraction.
    func stands(_ id: UInt64) -> Bool {
      guard let index = winnerBefore[id] else { return false }
      return facts[Int(index)].factKind != .retract
    }
    func retracted(_ id: UInt64) -> Bool {
      stands(id) && (byTarget[id] ?? []).contains { knownBefore($0) && facts[Int($0)].factKind == .retract }
    }
    func superseded(_ id: UInt64) -> Bool {
      stands(id) && (byTarget[id] ?? []).contains { index in
        knownBefore(index) && facts[Int(index)].factKind != .retract && !retracted(facts[Int(index)].id)
      }
    }
    // The touched ids' facts leave the whole replay's order; those standing without the window come back.
    var leaving = [Bool](repeating: false, count: count)
    var back: [Int32] = []
    for id in touched {
      for index in byID[id] ?? [] { leaving[Int(index)] = true }
      if stands(id) && !retracted(id) && !superseded(id) { back.append(winnerBefore[id]!) }
    }
    back.sort { Replay.precedes($0, $1, in: table) }
    let staying = after.standing.filter { !leaving[Int($0)] }
    var standing: [Int32] = []
    standing.reserveCapacity(staying.count + back.count)
    Replay.merge(staying[...], back, in: table, into: &standing)
    self.standing = standing
    // New: the window's winners (in the whole replay) of ids no fact outside the window has.
    var fresh: [Int32] = []
    for id in windowIDs where winnerBefore[id] == nil {
      if let best = Replay.winner(byID[id]!, in: table) { fresh.append(best) }
    }
    self.fresh = fresh
  }

  /// The facts of the log whose id is among `ids`, by id (one pass; a
  /// filter of 65,536 bits, one per id's low bits, spares most facts the hashed set).
  private static func facts(of ids: Set<UInt64>, in facts: [Fact]) -> [UInt64: [Int32]] {
    var found: [UInt64: [Int32]] = [:]
    guard !ids.isEmpty else { return found }
    var filter = [UInt64](repeating: 0, count: 1024)
    for id in ids { filter[Int(id & 0xffff) >> 6] |= 1 << (id & 63) }
    for index in facts.indices {
      let id = facts[index].id
      if filter[Int(id & 0xffff) >> 6] & (1 << (id & 63)) != 0 && ids.contains(id) { found[id, default: []].append(Int32(index)) }
    }
    return found
  }

  /// Rule 5 over `standing`.
  func kept(at day: Day, org: String?) -> [Int32] { Replay.kept(standing, at: day, org: org, in: table) }

  /// The whole replay's known fact with this id (rule 2's winner), for
  /// `news --org`'s chains of targets: from the ids looked at, else found
  /// by one more pass (a chain longer than two steps).
  func knownAfter(_ id: UInt64) -> Int32? {
    let list = byID[id] ?? WithoutWindow.facts(of: [id], in: table.facts)[id] ?? []
    return Replay.winner(list, in: table)
  }
}

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
  public var replay: Replay

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
    let kept = after.kept(at: day, org: org)
    let keptBefore = before.kept(at: day, org: org)
    let (changes, basis) = concurrently(
      { Projections.changes(table, from: keptBefore, to: kept) }, { after.basis(kept) })
    self.changes = changes
    let facts = table.facts
    // New: in the window, and no event of that id was known before it.
    var fresh = after.known.filter { start.isNew(facts[Int($0)]) && before.knownFact(facts[Int($0)].id) == nil }
    if let org {
      let symbol = table.names.lookup(org) ?? -1
      fresh = fresh.filter { index in
        // An org's event, or a retraction or correction whose chain of targets reaches one.
        var fact = facts[Int(index)]
        var steps = 0
        while fact.org != symbol {
          guard fact.target != 0, steps < 64, let target = after.knownFact(fact.target) else { return false }
          fact = facts[Int(target)]
          steps += 1
        }
        return true
      }
    }
    events = after.inReplayOrder(fresh)
    self.basis = basis
    replay = after
  }
}

import EventLog

/// What a command looks at: the one description of every filter that `log`,
/// `export` (and, through the same options, `state`, `diff`, `strategy`,
/// `lineage` and `render`) take, and the one place their rules live.
///
/// A selection is applied in two steps. `facts(in:)` chooses on the fact
/// table (dates, org, kind, subject, record time), which holds integers
/// only; `matchesText(_:)` then chooses on the whole events of what is left
/// (`--grep` needs notes and sources, which the table does not keep), so
/// only the lines already chosen are read again. `carried(_:in:)` adds what
/// must travel with a selection so that it means the same elsewhere: the
/// retractions and corrections of its events. `drawing(_:)` (Drawing.swift)
/// is the same selection as `render` draws it: the events that overlap the
/// window, over the state folded from everything before it. `keeps(_:)` is
/// `facts(in:)` for one event (`export --follow`).
public struct Selection: Sendable, Equatable {
  /// Events whose period starts on or after this day (`--from`).
  public var from: Day?
  /// Events whose period starts on or before this day (`--to`).
  public var to: Day?
  /// Events of this organisation (`--org`).
  public var org: String?
  /// Events of this kind (`--kind`).
  public var kind: Kind?
  /// Events about this subject (`--subject`); an org's own metrics and
  /// strategy shifts are about the org.
  public var subject: String?
  /// The replay sees only events of this confidence or higher (`--min-confidence`).
  public var minConfidence: Confidence
  /// The replay sees only what the log knew then (`--known-at`).
  public var knownAt: Timestamp?
  /// Events whose text contains this, ignoring case (`--grep`).
  public var text: String?
  /// A record-time window on what is listed (`--since`, `--until`).
  public var recorded: RecordWindow

  public init(
    from: Day? = nil, to: Day? = nil, org: String? = nil, kind: Kind? = nil, subject: String? = nil,
    minConfidence: Confidence = .rumor, knownAt: Timestamp? = nil, text: String? = nil,
    recorded: RecordWindow = RecordWindow()
  ) {
    self.from = from
    self.to = to
    self.org = org
    self.kind = kind
    self.subject = subject
    self.minConfidence = minConfidence
    self.knownAt = knownAt
    self.text = text
    self.recorded = recorded
  }

  /// The replay this selection's answers rest on (`--known-at`, `--min-confidence`).
  public func replay(_ table: FactTable) -> Replay {
    Replay(table, knownAt: knownAt, minConfidence: minConfidence)
  }

  /// Whether the replay is the default one (no `--known-at`, no
  /// `--min-confidence`): the one the replay index keeps.
  public var usesDefaultReplay: Bool { knownAt == nil && minConfidence == .rumor }

  /// The names an answer cannot be about unless the log names them: the
  /// `--org` and `--subject` asked for (see `KnownNames`).
  public var names: [(option: String, name: String)] {
    [("--org", org), ("--subject", subject)].compactMap { pair in pair.1.map { (pair.0, $0) } }
  }

  /// The known events (one per id, retractions included) that the selection
  /// chooses on the fact table, in replay order. `text` is not applied here:
  /// see `matchesText(_:)`.
  public func facts(in replay: Replay) -> [Int32] {
    let chooses = chooser(replay.table)
    return replay.inReplayOrder(replay.known.filter(chooses))
  }

  /// The events among `candidates` (known events, one per id, in replay
  /// order) that the selection chooses on the fact table, in that order:
  /// `facts(in:)` for a replay read from the index.
  public func facts(among candidates: [Int32], in table: FactTable) -> [Int32] {
    candidates.filter(chooser(table))
  }

  /// Whether the selection chooses a fact (by index), on the fact table only.
  private func chooser(_ table: FactTable) -> (Int32) -> Bool {
    func symbol(_ text: String?) -> Int32? { text.map { table.names.lookup($0) ?? -1 } }
    let org = symbol(self.org)
    let subject = symbol(self.subject)
    let factKind = kind.map(FactKind.init)
    // A custom kind is one FactKind; its name (`x-...`) is the fact's `customName`.
    let customName: Int32? = kind.flatMap { kind in FactKind(kind) == .custom ? symbol(kind.description) : nil }
    let from = self.from?.yyyymmdd ?? .min
    let to = self.to?.yyyymmdd ?? .max
    let recorded = self.recorded
    let facts = table.facts
    return { index in
      let fact = facts[Int(index)]
      return fact.firstDay >= from && fact.firstDay <= to
        && recorded.contains(fact.recorded)
        && (org.map { fact.org == $0 } ?? true)
        && (subject.map { fact.about == $0 } ?? true)
        && (factKind.map { fact.factKind == $0 && (customName == nil || fact.customName == customName) } ?? true)
    }
  }

  /// Whether a date (the first day of an event's period) lies in the
  /// window: the rule of `--from` and `--to` in log, export and strategy.
  public func contains(firstDay: Day) -> Bool {
    (from.map { firstDay >= $0 } ?? true) && (to.map { firstDay <= $0 } ?? true)
  }

  /// Whether the selection chooses `event`, decided as `facts(in:)` decides
  /// on facts (date window, org, kind, subject, confidence) and with the
  /// text search; the record-time window is not applied (a stream that
  /// follows the log uses it only where it starts).
  public func keeps(_ event: Event) -> Bool {
    contains(firstDay: event.date.firstDay)
      && (org.map { event.org == $0 } ?? true)
      && (kind.map { event.kind == $0 } ?? true)
      && (subject.map { event.about == $0 } ?? true)
      && event.confidence >= minConfidence
      && matchesText(event)
  }

  /// The events of `facts` (read from the log, in the same order) that
  /// `matchesText(_:)` keeps, with their facts: the second step of a selection.
  public func matchingText(_ facts: [Int32], _ events: [Event]) -> (facts: [Int32], events: [Event]) {
    guard let text, !text.isEmpty else { return (facts, events) }
    let kept = events.indices.filter { matchesText(events[$0]) }
    return (kept.map { facts[$0] }, kept.map { events[$0] })
  }

  /// Whether the event's org, subject, note, source (title, publisher, URL)
  /// or a string in its attrs (in a list too) contains `text`, ignoring case;
  /// true when no text is asked for. "Ignoring case" is Unicode's lowercase
  /// mapping of both sides (`Straße` finds `STRASSE` only if their lowercase
  /// forms contain one another; `É` finds `é`), with no other folding:
  /// accents and width still count.
  public func matchesText(_ event: Event) -> Bool {
    guard let text, !text.isEmpty else { return true }
    let needle = text.lowercased()
    func has(_ field: String?) -> Bool { field.map { $0.lowercased().contains(needle) } ?? false }
    if has(event.org) || has(event.subject) || has(event.note) { return true }
    if let source = event.source, has(source.title) || has(source.publisher) || has(source.url) { return true }
    return event.attrs.contains { pair in pair.value.strings.contains { has($0) } }
  }

  /// `selected` and every event that must travel with it, in replay order:
  /// each known retraction or correction that targets one of them,
  /// transitively (a retraction of a correction of a selected event goes
  /// too), so that a log made of them replays the selected events as the
  /// source does; and each event they target, so that every reference in
  /// it resolves (a log refuses a retraction of an event it lacks). A target
  /// below the confidence floor is taken from the whole log: a replay with
  /// the same floor drops it again.
  public func carried(_ selected: [Int32], in replay: Replay) -> [Int32] {
    // Every event of every confidence is selected: nothing more can travel.
    if minConfidence == .rumor && selected.count == replay.known.count { return selected }
    let table = replay.table
    let facts = table.facts
    // Few events point at another; the map of every known id is built only if one is chosen.
    var dependents: [UInt64: [Int32]] = [:]
    for index in replay.known where facts[Int(index)].target != 0 {
      dependents[facts[Int(index)].target, default: []].append(index)
    }
    var known: [UInt64: Int32]?
    var everyConfidence: [UInt64: Int32]?
    func lookup(_ key: UInt64, among indices: () -> [Int32], memo: inout [UInt64: Int32]?) -> Int32? {
      if memo == nil {
        var map: [UInt64: Int32] = [:]
        let all = indices()
        map.reserveCapacity(all.count)
        for index in all { map[facts[Int(index)].id] = index }
        memo = map
      }
      return memo![key]
    }
    var chosen = Set(selected)
    var queue = selected
    while let index = queue.popLast() {
      let fact = facts[Int(index)]
      var next = dependents[fact.id] ?? []
      if fact.target != 0 {
        if let target = lookup(fact.target, among: { replay.known }, memo: &known) {
          next.append(target)
        } else if minConfidence != .rumor,
          let target = lookup(fact.target, among: { Replay(table, knownAt: knownAt, minConfidence: .rumor).known }, memo: &everyConfidence)
        {
          next.append(target)
        }
      }
      for other in next where chosen.insert(other).inserted { queue.append(other) }
    }
    return chosen.count == selected.count ? selected : replay.inReplayOrder(Array(chosen))
  }
}

// What an event is about: its subject, or for a metric or a strategy shift
// without one, its org (an org's own valuation, its own focus). `--subject`
// selects by it, and the state files an org's own metric under it.
extension FactKind {
  /// Whether an event of this kind without a subject is about its org.
  @inline(__always) var isAboutItsOrg: Bool { self == .metric || self == .strategy }
}

extension Fact {
  /// The symbol of what the event is about (0: nothing).
  @inline(__always) var about: Int32 { subject != 0 ? subject : factKind.isAboutItsOrg ? org : 0 }
}

extension Event {
  /// What the event is about, if anything.
  var about: String? { subject ?? (FactKind(kind).isAboutItsOrg ? org : nil) }
}

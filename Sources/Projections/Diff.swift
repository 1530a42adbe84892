import EventLog

/// A value on either side of a change.
public enum DiffValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case date(EventDate)
  case product(ProductState)
  case role(RoleState)
  case codename(CodenameState)

  init(_ text: String?) { self = text.map(DiffValue.string) ?? .null }
  init(_ date: EventDate?) { self = date.map(DiffValue.date) ?? .null }
}

/// One difference between two states.
public struct Change: Sendable, Equatable {
  public var org: String
  /// products, roles, focus, deprioritized, metrics or codenames.
  public var section: String
  public var key: String
  /// What changed; nil when a whole entry appeared or disappeared.
  public var field: String?
  public var before: DiffValue
  public var after: DiffValue
  /// For a change of a metric's confidence or of its unit (`field`
  /// "confidence" or "unit"), the metric's name.
  public var name: String? = nil
  /// How sure the change is, for its mark in text: an entry that appeared
  /// (a focus or deprioritized item too) or a field that changed, as sure as
  /// the entry after it; a role its holder's departure left, as sure as the
  /// departure. Nil for a change of confidence itself, and for any other
  /// removal (an item that left a list shows, marked, joining the other).
  public var confidence: Confidence? = nil
  /// For a change of a metric's value, its unit on either side (nil: none).
  public var unitBefore: String? = nil
  public var unitAfter: String? = nil
}

/// The changes from one state to another, ordered by org, section, key and field.
/// A change of `since`, `date` or `event` alone is not a change; a change of
/// an entry's confidence is (`field` "confidence"), whether or not a value
/// changed with it.
public func changes(from old: CompetitorState, to new: CompetitorState) -> [Change] {
  let orgs = sortedKeys(Set(old.orgs.keys).union(new.orgs.keys))
  // Two runs of orgs of about as many entries, compared on two cores, then put end to end.
  let weights = orgs.map { (old.orgs[$0]?.entries ?? 0) + (new.orgs[$0]?.entries ?? 0) }
  let half = weights.reduce(0, +) / 2
  var (middle, weighed) = (0, 0)
  while middle < orgs.count && weighed < half {
    weighed += weights[middle]
    middle += 1
  }
  let (first, second) = concurrently(
    { [middle] in changes(from: old, to: new, orgs: orgs[..<middle]) },
    { [middle] in changes(from: old, to: new, orgs: orgs[middle...]) })
  return first + second
}

/// The changes of `orgs` (sorted) from one state to another.
private func changes(from old: CompetitorState, to new: CompetitorState, orgs: ArraySlice<String>) -> [Change] {
  var result: [Change] = []
  for org in orgs {
    let a = old.orgs[org] ?? OrgState()
    let b = new.orgs[org] ?? OrgState()
    func add(
      _ section: String, _ key: String, _ field: String?, _ before: DiffValue, _ after: DiffValue,
      _ confidence: Confidence? = nil, name: String? = nil
    ) {
      result.append(Change(
        org: org, section: section, key: key, field: field, before: before, after: after, name: name, confidence: confidence))
    }
    func addConfidence(_ section: String, _ key: String, _ was: Confidence, _ now: Confidence, name: String? = nil) {
      if was != now { add(section, key, "confidence", .string(was.rawValue), .string(now.rawValue), name: name) }
    }

    for key in sortedKeys(Set(a.products.keys).union(b.products.keys)) {
      switch (a.products[key], b.products[key]) {
      case (nil, let p?): add("products", key, nil, .null, .product(p), p.confidence)
      case (let p?, nil): add("products", key, nil, .product(p), .null)
      case (let p?, let q?):
        let sure = q.confidence
        if p.status != q.status { add("products", key, "status", .string(p.status.rawValue), .string(q.status.rawValue), sure) }
        if p.throttled != q.throttled { add("products", key, "throttled", .bool(p.throttled), .bool(q.throttled), sure) }
        if p.type != q.type { add("products", key, "type", DiffValue(p.type), DiffValue(q.type), sure) }
        if p.launched != q.launched { add("products", key, "launched", DiffValue(p.launched), DiffValue(q.launched), sure) }
        addConfidence("products", key, p.confidence, q.confidence)
      default: break
      }
    }

    for key in sortedKeys(Set(a.roles.keys).union(b.roles.keys)) {
      switch (a.roles[key], b.roles[key]) {
      case (nil, let r?): add("roles", key, nil, .null, .role(r), r.confidence)
      case (let r?, nil):
        // Left by this holder's departure: as sure as it (not a vacancy older than the holder, nor a retraction).
        add("roles", key, nil, .role(r), .null, b.vacated[key].flatMap { $0.person == r.person ? $0.confidence : nil })
      case (let r?, let s?):
        if r.person != s.person { add("roles", key, "person", .string(r.person), .string(s.person), s.confidence) }
        addConfidence("roles", key, r.confidence, s.confidence)
      default: break
      }
    }

    for (section, before, after) in [("focus", a.focus, b.focus), ("deprioritized", a.deprioritized, b.deprioritized)] {
      let was = Set(before)
      let now = Set(after)
      for key in sortedKeys(was.union(now)) {
        switch (was.contains(key), now.contains(key)) {
        case (false, true): add(section, key, nil, .null, .bool(true), b.itemConfidence[key])
        case (true, false): add(section, key, nil, .bool(true), .null)  // its move shows, marked, on the other list
        case (true, true):
          if let x = a.itemConfidence[key], let y = b.itemConfidence[key] { addConfidence(section, key, x, y) }
        case (false, false): break
        }
      }
    }

    for subject in sortedKeys(Set(a.metrics.keys).union(b.metrics.keys)) {
      let was = a.metrics[subject] ?? [:]
      let now = b.metrics[subject] ?? [:]
      for name in sortedKeys(Set(was.keys).union(now.keys)) {
        if was[name]?.value != now[name]?.value {
          add("metrics", subject, name, was[name].map { .number($0.value) } ?? .null, now[name].map { .number($0.value) } ?? .null,
              now[name]?.confidence)
          result[result.count - 1].unitBefore = was[name]?.unit
          result[result.count - 1].unitAfter = now[name]?.unit
        }
        // A unit changed is a change of its own (with or without the value), so JSON never hides it.
        if let old = was[name], let new = now[name], old.unit != new.unit {
          add("metrics", subject, "unit", DiffValue(old.unit), DiffValue(new.unit), new.confidence, name: name)
        }
        if let old = was[name], let new = now[name] { addConfidence("metrics", subject, old.confidence, new.confidence, name: name) }
      }
    }

    for key in sortedKeys(Set(a.codenames.keys).union(b.codenames.keys)) {
      switch (a.codenames[key], b.codenames[key]) {
      case (nil, let c?): add("codenames", key, nil, .null, .codename(c), c.confidence)
      case (let c?, nil): add("codenames", key, nil, .codename(c), .null)
      case (let c?, let d?):
        if c.subject != d.subject { add("codenames", key, "subject", DiffValue(c.subject), DiffValue(d.subject), d.confidence) }
        addConfidence("codenames", key, c.confidence, d.confidence)
      default: break
      }
    }
  }
  return result
}

/// Keys sorted by code point. Inlinable, so that the sort is specialized
/// where it is called: unspecialized, it boxes every element it moves.
/// Keys all in ASCII are sorted by `<`, which orders them by code point
/// too (Swift compares strings by their normalized scalars, and ASCII is
/// its own normal form) and compares short strings in place: a whole
/// state's keys sorted in half the time.
@inlinable
public func sortedKeys<Keys: Sequence>(_ keys: Keys) -> [String] where Keys.Element == String {
  var keys = Array(keys)
  if keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
    keys.sort(by: <)
  } else {
    keys.sort(by: codePointPrecedes)
  }
  return keys
}

/// What changed in the state between two dates, and the events behind it (`diff`).
public struct DiffAnswer: Sendable {
  /// The state at `from` against the state at `to`.
  public var changes: [Change]
  /// The events kept at `to` but not at `from`, in replay order.
  public var events: [Int32]
  /// The events folded into the state at `to`.
  public var basis: Basis
}

/// diff's rule, for a full or an indexed replay alike: both states folded
/// beside the basis, and the events in between. The work is dealt to the
/// two cores in steps of about equal halves (a one-year whole `diff` at 1M
/// events waited 160 ms on one core while the other, done with the basis,
/// had nothing to do): what bears on the changes and the fold before it
/// beside the basis; the fold after it beside the state before it
/// materialized; then the state after it materialized, and the two
/// compared, each on both cores.
func diffAnswer(_ replay: some ReplayAnswers, from: Day, to: Day, org: String?) -> DiffAnswer {
  let table = replay.table
  let before = replay.kept(at: from, org: org)
  let after = replay.kept(at: to, org: org)
  let ((bearing, foldBefore), basis) = concurrently(
    { () -> ((old: [Int32], new: [Int32]), StateFold) in
      let bearing = Projections.bearing(table, from: before, to: after)
      return (bearing, table.applied(bearing.old))
    }, { replay.basis(after) })
  let (stateBefore, foldAfter) = concurrently({ foldBefore.materialize() }, { table.applied(bearing.new) })
  let changes = Projections.changes(from: stateBefore, to: foldAfter.materialize())
  // Both come from one replay order with the same org filter, so the events
  // kept at `to` but not at `from` are those whose period ends after `from`.
  let facts = table.facts
  let new = after.filter { facts[Int($0)].lastDay > from.yyyymmdd }
  return DiffAnswer(changes: changes, events: new, basis: basis)
}

/// The changes between the states folded from `old` and from `new` (facts
/// of `table` in replay order), folding only the facts that bear on an entry
/// (`EntryKeys`) that a fact kept in one and not the other can change:
/// every other entry rests on the same facts in both, so it is the same in
/// both. `diff` and `news` compare states this way; two whole folds were
/// half of a whole `diff`'s time and a third of `news`' at 1M events.
func changes(_ table: FactTable, from old: [Int32], to new: [Int32]) -> [Change] {
  let (old, new) = bearing(table, from: old, to: new)
  // The two folds are independent: one per core; then each is materialized on both.
  let (before, after) = concurrently({ table.applied(old) }, { table.applied(new) })
  return changes(from: before.materialize(), to: after.materialize())
}

/// Of `old` and `new` (facts of `table` in replay order), the facts that
/// bear on an entry that a fact kept in one and not the other can change
/// (`changes(_:from:to:)`), in the same order.
func bearing(_ table: FactTable, from old: [Int32], to new: [Int32]) -> (old: [Int32], new: [Int32]) {
  var inOld = [Bool](repeating: false, count: table.count)
  for index in old { inOld[Int(index)] = true }
  var keys = EntryKeys()
  let facts = table.facts
  for index in new {
    if inOld[Int(index)] { inOld[Int(index)] = false } else { keys.insert(facts[Int(index)]) }
  }
  for index in old where inOld[Int(index)] { keys.insert(facts[Int(index)]) }
  // Which facts bear on those entries, found in file order: the lists are in
  // replay order, and reading 96-byte facts in it missed the cache at each.
  var bears = [Bool](repeating: false, count: table.count)
  for index in facts.indices where keys.bears(facts[index]) { bears[index] = true }
  return (old.filter { bears[Int($0)] }, new.filter { bears[Int($0)] })
}

extension Replay {
  /// What appending `events` to the log whose facts are `table` would change
  /// in the state at `day` (`add --dry-run`).
  public static func changes(adding events: [Event], to table: FactTable, at day: Day) -> [Change] {
    let before = Replay(table).state(at: day)
    var grown = table
    if grown.files.isEmpty { grown.files = ["(new)"] }
    for event in events { grown.append(event, file: 0, line: 0, offset: 0) }
    return Projections.changes(from: before, to: Replay(grown).state(at: day))
  }
}

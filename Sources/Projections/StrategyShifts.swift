import EventLog

/// One strategy event and what it did to its org's focus.
public struct StrategyShift: Sendable, Equatable {
  public var date: EventDate
  public var org: String
  public var label: String?
  /// The event's `focus` items.
  public var added: [String]
  /// The event's `deprioritize` items.
  public var removed: [String]
  public var focusBefore: [String]
  public var focusAfter: [String]
  public var event: String
  /// The confidence of the event.
  public var confidence: Confidence
}

/// The strategy shifts of events folded in the order given, each with the focus before and after.
public func strategyShifts<Events: Sequence>(folding events: Events) -> [StrategyShift] where Events.Element == Event {
  let table = FactTable(events)
  return strategyShifts(table: table, facts: table.facts.indices.map(Int32.init))
}

func strategyShifts(table: FactTable, facts: [Int32]) -> [StrategyShift] {
  var shifts: [StrategyShift] = []
  forEachStrategyShift(table: table, facts: facts) { shifts.append($0) }
  return shifts
}

/// Calls `body` with each strategy shift among `facts` (in replay order), in
/// that order: an answer is written shift by shift, never held whole (each
/// carries its org's whole focus twice: 180 MB of JSON for the 1M log).
func forEachStrategyShift(table: FactTable, facts: [Int32], _ body: (StrategyShift) -> Void) {
  // Focus changes only through strategy events, so they are all that is folded.
  var fold = StateFold(table: table)
  let names = table.names
  // Each item's place in code point order, so that a focus list is sorted
  // by comparing integers (sorting its strings for every event was most of
  // the time at 1M events).
  let items = Array(Set(table.lists))
  var rank = [Int32](repeating: 0, count: names.count)
  for (place, item) in items.sorted(by: { codePointPrecedes(names[$0], names[$1]) }).enumerated() {
    rank[Int(item)] = Int32(place)
  }
  func focus(_ org: Int32) -> [String] { (fold.focus[org] ?? []).sorted { rank[Int($0)] < rank[Int($1)] }.map { names[$0] } }
  // Only shifts change a focus: each org's focus before a shift is its focus after the last one.
  var lastFocus: [Int32: [String]] = [:]
  for index in facts {
    let fact = table.facts[Int(index)]
    guard isStrategyShift(fact) else { continue }
    fold.apply(index)
    let after = focus(fact.org)
    body(StrategyShift(
      date: fact.date, org: names[fact.org], label: fact.label == 0 ? nil : names[fact.label],
      added: table.focus(of: fact).map { names[$0] }, removed: table.deprioritize(of: fact).map { names[$0] },
      focusBefore: lastFocus[fact.org] ?? [], focusAfter: after, event: table.idString(fact.id),
      confidence: Confidence(code: fact.confidence)))
    lastFocus[fact.org] = after
  }
}

/// Whether a fact is a strategy shift (a strategy event of an org): what
/// `strategy` lists and counts.
public func isStrategyShift(_ fact: Fact) -> Bool { fact.factKind == .strategy && fact.org != 0 }

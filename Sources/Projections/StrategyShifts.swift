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
  // Focus changes only through strategy events, so they are all that is folded.
  var fold = StateFold(table: table)
  var shifts: [StrategyShift] = []
  let names = table.names
  func focus(_ org: Int32) -> [String] { sortedKeys((fold.focus[org] ?? []).map { names[$0] }) }
  for index in facts {
    let fact = table.facts[Int(index)]
    guard fact.factKind == .strategy, fact.org != 0 else { continue }
    let before = focus(fact.org)
    fold.apply(index)
    shifts.append(StrategyShift(
      date: fact.date, org: names[fact.org], label: fact.label == 0 ? nil : names[fact.label],
      added: table.focus(of: fact).map { names[$0] }, removed: table.deprioritize(of: fact).map { names[$0] },
      focusBefore: before, focusAfter: focus(fact.org), event: table.idString(fact.id),
      confidence: Confidence(code: fact.confidence)))
  }
  return shifts
}

extension Replay {
  /// The strategy shifts among `facts` (in replay order).
  public func strategyShifts(_ facts: [Int32]) -> [StrategyShift] {
    Projections.strategyShifts(table: table, facts: facts)
  }
}

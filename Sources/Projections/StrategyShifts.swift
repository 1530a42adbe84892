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
}

/// The strategy shifts of events in replay order, each with the focus before and after.
public func strategyShifts<Events: Sequence>(folding events: Events) -> [StrategyShift] where Events.Element == Event {
  // Focus changes only through strategy events, so they are all that is folded.
  var state = CompetitorState()
  var shifts: [StrategyShift] = []
  for event in events {
    guard event.kind == .strategy, let org = event.org else { continue }
    let before = state.orgs[org]?.focus ?? []
    state.apply(event)
    var label: String?
    if case .string(let text)? = event.attrs["label"] { label = text }
    shifts.append(StrategyShift(
      date: event.date, org: org, label: label,
      added: event.attrs["focus"]?.strings ?? [], removed: event.attrs["deprioritize"]?.strings ?? [],
      focusBefore: before, focusAfter: state.orgs[org]?.focus ?? [], event: event.id))
  }
  return shifts
}

import EventLog

/// What a drawing of a selection shows (`render`): a window of days, the
/// events in it, and the projections drawn over it. The window's rules live
/// here, beside the other selections'.
public struct Drawing: Sendable {
  /// The first and last day drawn.
  public var from: Day
  public var to: Day
  /// The selected standing events whose period overlaps the window, in replay order.
  public var events: [Event]
  /// Product bands with a part inside the window.
  public var bands: [ProductBand]
  /// The lineage as it stands at the window's end.
  public var lineage: Lineage
  /// Strategy shifts that end inside the window or after its start.
  public var shifts: [StrategyShift]
}

extension Selection {
  /// The drawing of `standing` (a replay's standing events, in replay order)
  /// that this selection's org and date window (`from`, `to`) choose. A window
  /// end not given is the first (or last) day of the org's events; one end
  /// given beyond all of them shrinks the window to that end, so nothing
  /// outside it shows. Unlike log and export, which take an event whose
  /// period starts in the window, a drawing takes every event whose period
  /// overlaps it.
  ///
  /// What travels with the window is the state before it: bands, lineage and
  /// strategy shifts are folded from every event up to the window's end, so a
  /// product launched before the window still shows its status inside it, and
  /// the focus before a shift counts what was set earlier.
  public func drawing(_ standing: [Event]) -> Drawing {
    let inOrg = standing.filter { org == nil || $0.org == org }
    let first = inOrg.map(\.date.firstDay).min()
    let last = inOrg.map(\.date.lastDay).max()
    var start = from ?? first ?? Day(yyyymmdd: 20000101)
    var end = to ?? last ?? start
    if end < start {
      if from == nil { start = end } else { end = start }
    }
    let events = inOrg.filter { $0.date.lastDay >= start && $0.date.firstDay <= end }
    let upToEnd = inOrg.filter { $0.date.firstDay <= end }
    let bands = productBands(folding: upToEnd).filter { band in
      let began = band.spans.first?.start.firstDay ?? end
      let ended = band.spans.last.flatMap { $0.status == .retired ? $0.start.firstDay : nil }
      return began <= end && (ended.map { $0 >= start } ?? true)
    }
    let shifts = strategyShifts(folding: upToEnd).filter { $0.date.lastDay >= start }
    return Drawing(from: start, to: end, events: events, bands: bands, lineage: Lineage(folding: upToEnd), shifts: shifts)
  }
}

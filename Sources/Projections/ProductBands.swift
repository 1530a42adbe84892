import EventLog

/// A stretch of time during which a product kept one status.
public struct StatusSpan: Sendable, Equatable {
  public var status: ProductState.Status
  public var throttled: Bool
  /// The date of the event that began the span.
  public var start: EventDate
  /// The date of the event that ended it; nil while it lasts.
  public var end: EventDate?
  /// The event that began the span.
  public var event: String

  public init(status: ProductState.Status, throttled: Bool, start: EventDate, end: EventDate? = nil, event: String) {
    self.status = status
    self.throttled = throttled
    self.start = start
    self.end = end
    self.event = event
  }
}

/// One product's history as consecutive status spans: what a timeline draws as a band.
public struct ProductBand: Sendable, Equatable {
  public var org: String
  /// The product id, `ORG/slug`.
  public var product: String
  public var type: String?
  public var launched: EventDate?
  /// In time order; each span ends where the next begins.
  public var spans: [StatusSpan]
}

/// The status history of every product, from events in replay order: a new
/// span begins whenever an event changes the product's status or throttling,
/// by `productStatus`, the rules `CompetitorState` folds.
/// - Returns: bands ordered by org, then by the first day of their first span, then product id.
public func productBands<Events: Sequence>(folding events: Events) -> [ProductBand] where Events.Element == Event {
  var bands: [String: ProductBand] = [:]
  for event in events {
    guard event.kind.isProductKind, let org = event.org, let product = event.subject else { continue }
    var band = bands[product] ?? ProductBand(org: org, product: product, type: nil, launched: nil, spans: [])
    let last = band.spans.last
    let (status, throttled) = productStatus(after: FactKind(event.kind), last?.status ?? .active, throttled: last?.throttled ?? false)
    if event.kind == .launch {
      if band.launched == nil { band.launched = event.date }
      if case .string(let type)? = event.attrs["type"] { band.type = type }
    }
    if let last, last.status == status, last.throttled == throttled {
      bands[product] = band
      continue
    }
    if !band.spans.isEmpty { band.spans[band.spans.count - 1].end = event.date }
    band.spans.append(StatusSpan(status: status, throttled: throttled, start: event.date, event: event.id))
    bands[product] = band
  }
  return bands.values.sorted { a, b in
    if a.org != b.org { return codePointPrecedes(a.org, b.org) }
    let da = a.spans.first?.start.firstDay ?? Day(yyyymmdd: 0)
    let db = b.spans.first?.start.firstDay ?? Day(yyyymmdd: 0)
    if da != db { return da < db }
    return codePointPrecedes(a.product, b.product)
  }
}

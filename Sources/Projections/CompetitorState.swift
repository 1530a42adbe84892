import EventLog

/// The landscape at one date: every org's products, roles, focus, metrics and codenames.
public struct CompetitorState: Sendable, Equatable {
  public var orgs: [String: OrgState] = [:]

  public init() {}

  /// Folds events, already in replay order, into a state.
  public init<Events: Sequence>(folding events: Events) where Events.Element == Event {
    for event in events { apply(event) }
  }

  /// The effect of one event (DESIGN.md, "Kinds").
  public mutating func apply(_ event: Event) {
    guard let org = event.org else { return }  // retractions are never folded
    orgs[org, default: OrgState()].apply(event)
  }
}

/// One org's part of the state.
public struct OrgState: Sendable, Equatable {
  public var products: [String: ProductState] = [:]
  public var roles: [String: RoleState] = [:]
  /// Sorted by code point.
  public var focus: [String] = []
  /// Sorted by code point.
  public var deprioritized: [String] = []
  /// subject -> metric name -> latest value.
  public var metrics: [String: [String: MetricState]] = [:]
  public var codenames: [String: CodenameState] = [:]

  public init() {}

  mutating func apply(_ event: Event) {
    let date = event.date
    switch event.kind {
    case .launch, .pause, .resume, .retire, .throttle, .unthrottle:
      guard let subject = event.subject else { return }
      applyProduct(event, to: subject)
      if event.kind == .launch, case .string(let codename)? = event.attrs["codename"] {
        link(codename, to: subject, by: event)
      }
    case .hire:
      guard let person = event.subject, case .string(let role)? = event.attrs["role"] else { return }
      if roles[role]?.person != person {
        roles[role] = RoleState(person: person, since: date, event: event.id)
      }
    case .depart:
      guard let person = event.subject else { return }
      if case .string(let role)? = event.attrs["role"] {
        if roles[role]?.person == person { roles[role] = nil }
      } else {
        for (role, holder) in roles where holder.person == person { roles[role] = nil }
      }
    case .codename:
      guard case .string(let codename)? = event.attrs["codename"] else { return }
      link(codename, to: event.subject, by: event)
    case .strategy:
      for item in event.attrs["focus"]?.strings ?? [] {
        insertSorted(item, into: &focus)
        deprioritized.removeAll { $0 == item }
      }
      for item in event.attrs["deprioritize"]?.strings ?? [] {
        focus.removeAll { $0 == item }
        insertSorted(item, into: &deprioritized)
      }
    case .metric:
      guard case .string(let name)? = event.attrs["name"], case .number(let value)? = event.attrs["value"] else { return }
      var unit: String?
      if case .string(let text)? = event.attrs["unit"] { unit = text }
      let subject = event.subject ?? event.org ?? ""
      metrics[subject, default: [:]][name] = MetricState(value: value, unit: unit, date: date, event: event.id)
    case .report, .retract, .custom:
      break
    }
  }

  private mutating func applyProduct(_ event: Event, to id: String) {
    let existing = products[id]
    var product = existing ?? ProductState(status: .active, throttled: false, type: nil, since: event.date, launched: nil, event: event.id)
    var status = product.status
    switch event.kind {
    case .launch:
      status = .active
      if product.launched == nil { product.launched = event.date }
      if case .string(let type)? = event.attrs["type"] { product.type = type }
    case .pause: status = .paused
    case .resume: status = .active
    case .retire: status = .retired
    case .throttle: product.throttled = true
    case .unthrottle: product.throttled = false
    default: break
    }
    if existing == nil || status != product.status { product.since = event.date }
    product.status = status
    if let existing, !product.differs(from: existing) { return }
    product.event = event.id
    products[id] = product
  }

  /// Records that `codename` names `subject` (or is just known, when nil).
  private mutating func link(_ codename: String, to subject: String?, by event: Event) {
    if let entry = codenames[codename], subject == nil || subject == entry.subject {
      // Same link (or none given): only more certainty is news.
      if event.confidence > entry.confidence {
        codenames[codename] = CodenameState(subject: entry.subject, confidence: event.confidence, date: event.date, event: event.id)
      }
    } else {
      codenames[codename] = CodenameState(subject: subject, confidence: event.confidence, date: event.date, event: event.id)
    }
  }
}

func insertSorted(_ item: String, into list: inout [String]) {
  guard !list.contains(item) else { return }
  let index = list.firstIndex { item.utf8.lexicographicallyPrecedes($0.utf8) } ?? list.count
  list.insert(item, at: index)
}

/// A product or model.
public struct ProductState: Sendable, Equatable {
  public enum Status: String, Sendable { case active, paused, retired }

  public var status: Status
  public var throttled: Bool
  public var type: String?
  /// When the current status began.
  public var since: EventDate
  /// The date of its first launch, if one is known.
  public var launched: EventDate?
  /// The last event that changed the entry.
  public var event: String

  /// Whether the two differ in anything but `since` and `event`.
  func differs(from other: ProductState) -> Bool {
    status != other.status || throttled != other.throttled || type != other.type || launched != other.launched
  }
}

/// Who holds a role.
public struct RoleState: Sendable, Equatable {
  public var person: String
  public var since: EventDate
  public var event: String
}

/// The latest value of a metric.
public struct MetricState: Sendable, Equatable {
  public var value: Double
  public var unit: String?
  public var date: EventDate
  public var event: String
}

/// What a codename is known to name.
public struct CodenameState: Sendable, Equatable {
  public var subject: String?
  public var confidence: Confidence
  public var date: EventDate
  public var event: String
}

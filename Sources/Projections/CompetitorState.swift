import EventLog

/// The landscape at one date: every org's products, roles, focus, metrics and codenames.
public struct CompetitorState: Sendable, Equatable {
  public var orgs: [String: OrgState] = [:]

  public init() {}

  /// Folds events in the order given (no replay rules applied).
  public init<Events: Sequence>(folding events: Events) where Events.Element == Event {
    let table = FactTable(events)
    var fold = StateFold(table: table)
    for index in table.facts.indices { fold.apply(Int32(index)) }
    self = fold.materialize()
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
  /// How sure each focus or deprioritized item is: the confidence of the
  /// strategy event it rests on (not in DESIGN's JSON, where items are strings).
  public var itemConfidence: [String: Confidence] = [:]
  /// Roles left empty by a departure: who left and how sure the departure
  /// is, what a removal of that holder in `diff` rests on (not in DESIGN's JSON).
  public var vacated: [String: Departure] = [:]
  /// subject -> metric name -> latest value.
  public var metrics: [String: [String: MetricState]] = [:]
  public var codenames: [String: CodenameState] = [:]

  public init() {}

  /// How many entries it holds, in every section.
  public var entries: Int {
    products.count + roles.count + focus.count + deprioritized.count + codenames.count
      + metrics.values.reduce(0) { $0 + $1.count }
  }
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
  /// The last event that changed a field or took one over.
  public var event: String
  /// The lowest confidence among the events its fields rest on.
  public var confidence: Confidence
}

/// Who holds a role.
public struct RoleState: Sendable, Equatable {
  public var person: String
  public var since: EventDate
  public var event: String
  /// The confidence of the event the holder rests on.
  public var confidence: Confidence
}

/// The latest value of a metric.
public struct MetricState: Sendable, Equatable {
  public var value: Double
  public var unit: String?
  public var date: EventDate
  public var event: String
  /// The lower confidence of the events its value and unit rest on.
  public var confidence: Confidence
}

/// Who left a role, and how sure the departure is.
public struct Departure: Sendable, Equatable {
  public var person: String
  public var confidence: Confidence
}

/// What a codename is known to name.
public struct CodenameState: Sendable, Equatable {
  public var subject: String?
  public var confidence: Confidence
  public var date: EventDate
  public var event: String
}

/// The fold of DESIGN.md's "Kinds" table over facts, keyed by symbols so that
/// a million events fold in milliseconds; `materialize` turns it into a
/// `CompetitorState`. Entries remember fact indices, for their dates and ids.
///
/// Confidence (DESIGN.md, "Confidence in every answer"): each field rests on
/// the event that set its current value, kept as that event's confidence
/// code + 1 ("sure"). 0 marks a default no event has stated, such as the
/// `active` of a product first heard of through a throttle, or the
/// `throttled: false` of one first heard of through its launch: it does not
/// count until an event states it (a launch after the throttle, an
/// unthrottle after the launch), which the field then rests on. An
/// event that states a field's current value again with a higher confidence
/// takes the field over. The entry's confidence is the lowest of its stated
/// fields.
struct StateFold {
  struct Product {
    var org: Int32
    var status: ProductState.Status
    var throttled: Bool
    var type: Int32
    /// Fact indices: when the status began, the first launch (-1: none), the last change.
    var since: Int32
    var launched: Int32
    var event: Int32
    /// Confidence + 1 of the event each field rests on; 0: not stated.
    var statusSure: UInt8 = 0
    var throttledSure: UInt8 = 0
    var typeSure: UInt8 = 0
    var launchedSure: UInt8 = 0
    /// The fact each field rests on (-1: not stated), for `why`.
    var statusSource: Int32 = -1
    var throttledSource: Int32 = -1
    var typeSource: Int32 = -1
    var launchedSource: Int32 = -1

    /// The lowest confidence among the stated fields (at least one is).
    var confidence: Confidence {
      let lowest = min(
        statusSure == 0 ? 255 : statusSure, throttledSure == 0 ? 255 : throttledSure,
        typeSure == 0 ? 255 : typeSure, launchedSure == 0 ? 255 : launchedSure)
      return Confidence(code: lowest == 255 ? 0 : lowest - 1)
    }
  }

  struct Role {
    var person: Int32
    var since: Int32
    var event: Int32
    var confidence: UInt8
  }

  struct Metric {
    var org: Int32
    var value: Double
    var unit: Int32
    var event: Int32
    /// Confidence + 1 of the events the value and the unit rest on.
    var valueSure: UInt8
    var unitSure: UInt8
    /// The facts the value and the unit rest on, for `why`.
    var valueSource: Int32
    var unitSource: Int32

    /// Takes what a later metric event states: both its value and its unit
    /// (none is a unit too). Its event becomes the entry's when it changed or
    /// took over either.
    mutating func take(_ fact: Fact, _ index: Int32, _ sure: UInt8) {
      var touched = StateFold.settle(&value, &valueSure, &valueSource, to: fact.value, sure, index)
      if StateFold.settle(&unit, &unitSure, &unitSource, to: fact.unit, sure, index) { touched = true }
      if touched {
        org = fact.org
        event = index
      }
    }
  }

  struct Codename {
    var subject: Int32
    var confidence: UInt8
    var event: Int32
  }

  let table: FactTable
  /// Product index by subject symbol (-1: none).
  var productSlot: [Int32]
  var products: [(subject: Int32, state: Product)] = []
  /// org -> role -> holder.
  var roles: [Int32: [Int32: Role]] = [:]
  /// Roles a departure left empty (key: org << 32 | role): who left, and its confidence.
  var vacated: [UInt64: (person: Int32, confidence: UInt8)] = [:]
  var focus: [Int32: [Int32]] = [:]
  var deprioritized: [Int32: [Int32]] = [:]
  /// The strategy fact an item in focus or deprioritized rests on (key:
  /// org << 32 | item): the one that put it there, or a surer one that
  /// listed it again.
  var focusSource: [UInt64: Int32] = [:]
  var deprioritizedSource: [UInt64: Int32] = [:]
  /// Key: subject << 32 | name.
  var metrics = PairMap<Metric>()
  /// Key: org << 32 | codename.
  var codenames: [UInt64: Codename] = [:]
  var orgSeen: [Bool]

  init(table: FactTable) {
    self.table = table
    productSlot = [Int32](repeating: -1, count: table.names.count)
    orgSeen = [Bool](repeating: false, count: table.names.count)
  }

  @inline(__always) static func pair(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
  }

  /// The effect of one event (DESIGN.md, "Kinds").
  mutating func apply(_ index: Int32) {
    apply(table.facts[Int(index)], index)
  }

  /// The effect of `fact`, the fact at `index`. Which entries each kind can
  /// change is written again in `EntryKeys`: change both together.
  mutating func apply(_ fact: Fact, _ index: Int32) {
    guard fact.org != 0 else { return }  // retractions are never folded
    orgSeen[Int(fact.org)] = true
    if fact.factKind.isProduct {
      guard fact.subject != 0 else { return }
      applyProduct(fact, index)
      if fact.factKind == .launch && fact.codename != 0 { link(fact.codename, to: fact.subject, fact, index) }
      return
    }
    switch fact.factKind {
    case .hire:
      guard fact.subject != 0, fact.role != 0 else { return }
      if let holder = roles[fact.org]?[fact.role], holder.person == fact.subject {
        // The same holder: only more certainty is news.
        if fact.confidence > holder.confidence {
          roles[fact.org]![fact.role] = Role(person: holder.person, since: holder.since, event: index, confidence: fact.confidence)
        }
      } else {
        roles[fact.org, default: [:]][fact.role] = Role(person: fact.subject, since: index, event: index, confidence: fact.confidence)
        vacated[StateFold.pair(fact.org, fact.role)] = nil
      }
    case .depart:
      guard fact.subject != 0 else { return }
      if fact.role != 0 {
        if roles[fact.org]?[fact.role]?.person == fact.subject {
          roles[fact.org]![fact.role] = nil
          vacated[StateFold.pair(fact.org, fact.role)] = (fact.subject, fact.confidence)
        }
      } else if let held = roles[fact.org]?.filter({ $0.value.person == fact.subject }) {
        for role in held.keys {
          roles[fact.org]![role] = nil
          vacated[StateFold.pair(fact.org, role)] = (fact.subject, fact.confidence)
        }
      }
    case .codename:
      guard fact.codename != 0 else { return }
      link(fact.codename, to: fact.subject, fact, index)
    case .strategy:
      for item in table.focus(of: fact) {
        let key = StateFold.pair(fact.org, item)
        if focus[fact.org, default: []].contains(item) {
          if fact.confidence > table.facts[Int(focusSource[key]!)].confidence { focusSource[key] = index }
        } else {
          focus[fact.org, default: []].append(item)
          focusSource[key] = index
        }
        deprioritized[fact.org]?.removeAll { $0 == item }
      }
      for item in table.deprioritize(of: fact) {
        let key = StateFold.pair(fact.org, item)
        focus[fact.org]?.removeAll { $0 == item }
        if deprioritized[fact.org, default: []].contains(item) {
          if fact.confidence > table.facts[Int(deprioritizedSource[key]!)].confidence { deprioritizedSource[key] = index }
        } else {
          deprioritized[fact.org, default: []].append(item)
          deprioritizedSource[key] = index
        }
      }
    case .metric:
      guard fact.metricName != 0 else { return }
      let subject = fact.about  // an org's own metric is about the org
      let key = StateFold.pair(subject, fact.metricName)
      let sure = fact.confidence &+ 1
      // One probe, then the entry is changed in place.
      guard let slot = metrics.index(forKey: key) else {
        metrics.add(key, Metric(
          org: fact.org, value: fact.value, unit: fact.unit, event: index, valueSure: sure, unitSure: sure, valueSource: index,
          unitSource: index))
        return
      }
      metrics.values[slot].take(fact, index, sure)
    case .launch, .pause, .resume, .retire, .throttle, .unthrottle, .report, .retract, .custom:
      break  // products above; the rest change no state
    }
  }

  /// Sets a field to the value an event states: a new value rests on the
  /// event; the same value moves to the event when it is surer, or when it
  /// is a default no event has stated (0), which the event now states.
  /// - Returns: whether the field changed or was taken over.
  @inline(__always) static func settle<Value: Equatable>(
    _ field: inout Value, _ sure: inout UInt8, _ source: inout Int32, to value: Value, _ stated: UInt8, _ index: Int32
  ) -> Bool {
    if field != value {
      field = value
      sure = stated
      source = index
      return true
    }
    guard stated > sure else { return false }
    sure = stated
    source = index
    return true
  }

  private mutating func applyProduct(_ fact: Fact, _ index: Int32) {
    let slot = productSlot[Int(fact.subject)]
    let sure = fact.confidence &+ 1
    let throttling = fact.factKind == .throttle || fact.factKind == .unthrottle
    // A product first heard of: the event states its status or its throttling.
    var product = slot >= 0
      ? products[Int(slot)].state
      : Product(
        org: fact.org, status: .active, throttled: false, type: 0, since: index, launched: -1, event: index,
        statusSure: throttling ? 0 : sure, throttledSure: throttling ? sure : 0,
        statusSource: throttling ? -1 : index, throttledSource: throttling ? index : -1)
    var touched = slot < 0
    switch fact.factKind {
    case .throttle, .unthrottle:
      if StateFold.settle(
        &product.throttled, &product.throttledSure, &product.throttledSource, to: fact.factKind == .throttle, sure, index)
      {
        touched = true
      }
    default:
      let (status, _) = productStatus(after: fact.factKind, product.status, throttled: product.throttled)
      if status != product.status { product.since = index }
      if StateFold.settle(&product.status, &product.statusSure, &product.statusSource, to: status, sure, index) { touched = true }
    }
    if fact.factKind == .launch {
      if product.launched < 0 {
        product.launched = index
        product.launchedSure = sure
        product.launchedSource = index
        touched = true
      } else if sure > product.launchedSure, table.facts[Int(product.launched)].firstDay == fact.firstDay,
        table.facts[Int(product.launched)].precision == fact.precision
      {
        // A launch on the date of the first one states that date again.
        product.launchedSure = sure
        product.launchedSource = index
        touched = true
      }
      if fact.launchType != 0,
        StateFold.settle(&product.type, &product.typeSure, &product.typeSource, to: fact.launchType, sure, index)
      {
        touched = true
      }
    }
    guard touched else { return }  // nothing changed
    product.event = index
    if slot >= 0 {
      products[Int(slot)].state = product
    } else {
      productSlot[Int(fact.subject)] = Int32(products.count)
      products.append((fact.subject, product))
    }
  }

  /// Records that `codename` names `subject` (or is just known, when 0).
  /// The entry's one field is its subject: an event naming no subject keeps
  /// a link as it is, as sure as it was (it does not state the link).
  private mutating func link(_ codename: Int32, to subject: Int32, _ fact: Fact, _ index: Int32) {
    let key = StateFold.pair(fact.org, codename)
    if let entry = codenames[key], subject == 0 || subject == entry.subject {
      // The same link (or, with no link yet, again none): only more certainty is news.
      if subject == entry.subject && fact.confidence > entry.confidence {
        codenames[key] = Codename(subject: entry.subject, confidence: fact.confidence, event: index)
      }
    } else {
      codenames[key] = Codename(subject: subject, confidence: fact.confidence, event: index)
    }
  }

  /// The fold as strings, sorted where the contract sorts. Each org's
  /// part is built apart, in a slot of its own with room for its entries,
  /// and put into the state's dictionary once. The orgs are dealt into two
  /// groups of about as many entries, built on two cores (at 1M events a
  /// whole state's 130,000 entries took 57 ms on one); called where the
  /// other core is busy, the two run one after the other.
  func materialize() -> CompetitorState {
    let names = table.names
    // The seen orgs' slots, by symbol (-1: not an org of this fold); the
    // slots are few where the symbols are half a million.
    var slots = [Int32](repeating: -1, count: names.count)
    var seen: [Int32] = []
    for org in orgSeen.indices where orgSeen[org] {
      slots[org] = Int32(seen.count)
      seen.append(Int32(org))
    }
    var sizes = [Sizes](repeating: Sizes(), count: seen.count)
    for (_, product) in products { sizes[Int(slots[Int(product.org)])].products += 1 }
    for key in codenames.keys { sizes[Int(slots[Int(StateFold.high(key))])].codenames += 1 }
    for metric in metrics.values { sizes[Int(slots[Int(metric.org)])].metrics += 1 }
    // The largest orgs first, each into the lighter group.
    var group = [Bool](repeating: false, count: seen.count)
    var load = (0, 0)
    for slot in sizes.indices.sorted(by: { sizes[$0].all > sizes[$1].all }) {
      group[slot] = load.1 < load.0
      if group[slot] { load.1 += sizes[slot].all } else { load.0 += sizes[slot].all }
    }
    let fold = self
    let (first, second) = concurrently(
      { [slots, sizes, group] in fold.materialize(slots: slots, sizes: sizes) { !group[$0] } },
      { [slots, sizes, group] in fold.materialize(slots: slots, sizes: sizes) { group[$0] } })
    var state = CompetitorState()
    state.orgs.reserveCapacity(seen.count)
    for (slot, org) in seen.enumerated() { state.orgs[names[org]] = group[slot] ? second[slot] : first[slot] }
    return state
  }

  /// How many entries of some sections an org has: what its part is built with room for.
  private struct Sizes {
    var products = 0
    var codenames = 0
    var metrics = 0
    var all: Int { products + codenames + metrics }
  }

  @inline(__always) private static func low(_ key: UInt64) -> Int32 { Int32(truncatingIfNeeded: key) }
  @inline(__always) private static func high(_ key: UInt64) -> Int32 { Int32(truncatingIfNeeded: key >> 32) }

  /// The parts of the orgs whose slot `builds`, by slot (the others' slots stay empty).
  private func materialize(slots: [Int32], sizes: [Sizes], builds: (Int) -> Bool) -> [OrgState] {
    let names = table.names
    func date(_ index: Int32) -> EventDate { table.facts[Int(index)].date }
    func id(_ index: Int32) -> String { table.idString(table.facts[Int(index)].id) }
    func sorted(_ symbols: [Int32]) -> [String] { sortedKeys(symbols.map { names[$0] }) }
    /// The org's slot when this call builds it, else nil.
    func slot(_ org: Int32) -> Int? {
      let slot = Int(slots[Int(org)])
      return slot >= 0 && builds(slot) ? slot : nil
    }
    let (low, high) = (StateFold.low, StateFold.high)
    var orgs = sizes.indices.map { slot in
      var state = OrgState()
      guard builds(slot) else { return state }
      state.products.reserveCapacity(sizes[slot].products)
      state.codenames.reserveCapacity(sizes[slot].codenames)
      return state
    }
    for (subject, product) in products {
      guard let slot = slot(product.org) else { continue }
      orgs[slot].products[names[subject]] = ProductState(
        status: product.status, throttled: product.throttled, type: product.type == 0 ? nil : names[product.type],
        since: date(product.since), launched: product.launched < 0 ? nil : date(product.launched), event: id(product.event),
        confidence: product.confidence)
    }
    for (org, held) in roles {
      guard let slot = slot(org) else { continue }
      for (role, holder) in held {
        orgs[slot].roles[names[role]] = RoleState(
          person: names[holder.person], since: date(holder.since), event: id(holder.event),
          confidence: Confidence(code: holder.confidence))
      }
    }
    for (key, left) in vacated {
      guard let slot = slot(high(key)) else { continue }
      orgs[slot].vacated[names[low(key)]] = Departure(person: names[left.person], confidence: Confidence(code: left.confidence))
    }
    for (org, items) in focus {
      guard let slot = slot(org) else { continue }
      orgs[slot].focus = sorted(items)
      for item in items {
        let source = table.facts[Int(focusSource[StateFold.pair(org, item)]!)]
        orgs[slot].itemConfidence[names[item]] = Confidence(code: source.confidence)
      }
    }
    for (org, items) in deprioritized {
      guard let slot = slot(org) else { continue }
      orgs[slot].deprioritized = sorted(items)
      for item in items {
        let source = table.facts[Int(deprioritizedSource[StateFold.pair(org, item)]!)]
        orgs[slot].itemConfidence[names[item]] = Confidence(code: source.confidence)
      }
    }
    for (key, metric) in metrics {
      guard let slot = slot(metric.org) else { continue }
      orgs[slot].metrics[names[high(key)], default: [:]][names[low(key)]] = MetricState(
        value: metric.value, unit: metric.unit == 0 ? nil : names[metric.unit], date: date(metric.event), event: id(metric.event),
        confidence: Confidence(code: min(metric.valueSure, metric.unitSure) - 1))
    }
    for (key, codename) in codenames {
      guard let slot = slot(high(key)) else { continue }
      orgs[slot].codenames[names[low(key)]] = CodenameState(
        subject: codename.subject == 0 ? nil : names[codename.subject], confidence: Confidence(code: codename.confidence),
        date: date(codename.event), event: id(codename.event))
    }
    return orgs
  }
}

/// A product's status and throttling after an event of `kind` (DESIGN.md,
/// "Kinds"): launch and resume make it active, pause paused, retire retired;
/// throttle and unthrottle set throttling. The state and the bands of a
/// timeline both fold by it.
func productStatus(
  after kind: FactKind, _ status: ProductState.Status, throttled: Bool
) -> (ProductState.Status, Bool) {
  switch kind {
  case .launch, .resume: (.active, throttled)
  case .pause: (.paused, throttled)
  case .retire: (.retired, throttled)
  case .throttle: (status, true)
  case .unthrottle: (status, false)
  default: (status, throttled)
  }
}

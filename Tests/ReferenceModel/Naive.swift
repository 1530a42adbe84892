import EventLog

/// The naive model: DESIGN.md's replay rules and the kinds table (with the
/// README's decisions), recomputed from scratch with plain loops over the
/// generated events. It shares no code with Projections.
public enum Naive {
  // MARK: - Replay, rules 2 to 6

  /// The events that stand after rules 2 to 4 (duplicates, known-at, retractions, corrections), in no order.
  /// `minConfidence`: as if the log held only the events of that confidence or higher.
  public static func standing(_ events: [GenEvent], knownAt: Int64?, minConfidence: String = "rumor") -> [GenEvent] {
    // 2. One event per id: the earliest recorded (of the events sure enough).
    var byID: [String: GenEvent] = [:]
    for event in events where confidenceRank[event.confidence]! >= confidenceRank[minConfidence]! {
      if let current = byID[event.id], current.recorded <= event.recorded { continue }
      byID[event.id] = event
    }
    // 3. What the log knew at knownAt.
    var known: [String: GenEvent] = [:]
    for (id, event) in byID where knownAt == nil || event.recorded <= knownAt! { known[id] = event }
    // 4. Retractions of known events that are not retractions; then corrections by the survivors.
    var retracted = Set<String>()
    for event in known.values where event.kind == "retract" {
      if let target = event.string("target"), let victim = known[target], victim.kind != "retract" { retracted.insert(target) }
    }
    var surviving: [GenEvent] = []
    for event in known.values where event.kind != "retract" && !retracted.contains(event.id) { surviving.append(event) }
    var superseded = Set<String>()
    for event in surviving {
      if let target = event.supersedes, let victim = known[target], victim.kind != "retract" { superseded.insert(target) }
    }
    return surviving.filter { !superseded.contains($0.id) }
  }

  /// Rules 5 and 6: the standing events certainly past by the end of `at` (yyyymmdd), in fold order.
  public static func kept(
    _ events: [GenEvent], at: Int, knownAt: Int64?, org: String? = nil, minConfidence: String = "rumor"
  ) -> [GenEvent] {
    var result: [GenEvent] = []
    for event in standing(events, knownAt: knownAt, minConfidence: minConfidence) where event.date.last <= at {
      if let org, event.org != org { continue }
      result.append(event)
    }
    result.sort { a, b in
      if a.date.first != b.date.first { return a.date.first < b.date.first }
      if a.recorded != b.recorded { return a.recorded < b.recorded }
      return Array(a.id.utf8).lexicographicallyPrecedes(Array(b.id.utf8))
    }
    return result
  }

  /// `{"events": N, "digest": sha256 of the sorted ids joined by \n}`.
  public static func basis(_ ids: [String]) -> J {
    let sorted = ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    return .object(["events": .number(Double(ids.count)), "digest": .string(SHA256.hex(Array(sorted.joined(separator: "\n").utf8)))])
  }

  // MARK: - State

  /// Each field with the rank of the event it rests on (nil: a default no event stated).
  struct Product: Equatable {
    var status: String
    var throttled: Bool
    var type: String?
    var since: String
    var launched: String?
    var event: String
    var statusRank: Int?
    var throttledRank: Int?
    var typeRank: Int?
    var launchedRank: Int?
    /// The lowest rank among the stated fields.
    var confidence: String { confidenceName([statusRank, throttledRank, typeRank, launchedRank].compactMap { $0 }.min()!) }
  }
  struct Role: Equatable { var person: String; var since: String; var event: String; var rank: Int }
  struct Metric: Equatable {
    var value: Double
    var unit: String?
    var date: String
    var event: String
    var valueRank: Int
    var unitRank: Int
    var confidence: String { confidenceName(min(valueRank, unitRank)) }
  }
  struct Codename: Equatable { var subject: String?; var confidence: String; var date: String; var event: String }
  struct Org {
    var products: [String: Product] = [:]
    var roles: [String: Role] = [:]
    var focus: Set<String> = []
    var deprioritized: Set<String> = []
    /// The confidence rank of the strategy each focus or deprioritized item rests on.
    var itemRank: [String: Int] = [:]
    var metrics: [String: [String: Metric]] = [:]
    var codenames: [String: Codename] = [:]
  }

  /// The competitor state folded from events in fold order.
  public struct State {
    var orgs: [String: Org] = [:]

    /// DESIGN.md's `orgs` object.
    public var json: J {
      var result: [String: J] = [:]
      for (name, org) in orgs {
        var products: [String: J] = [:]
        for (id, p) in org.products { products[id] = Naive.json(p) }
        var roles: [String: J] = [:]
        for (role, r) in org.roles { roles[role] = Naive.json(r) }
        var metrics: [String: J] = [:]
        for (subject, names) in org.metrics {
          var entries: [String: J] = [:]
          for (metricName, m) in names {
            entries[metricName] = .object([
              "value": .number(m.value), "unit": .string(m.unit), "date": .string(m.date), "confidence": .string(m.confidence),
              "event": .string(m.event),
            ])
          }
          metrics[subject] = .object(entries)
        }
        var codenames: [String: J] = [:]
        for (codename, c) in org.codenames { codenames[codename] = Naive.json(c) }
        result[name] = .object([
          "products": .object(products), "roles": .object(roles), "focus": .strings(sortedByCodePoint(org.focus)),
          "deprioritized": .strings(sortedByCodePoint(org.deprioritized)), "metrics": .object(metrics), "codenames": .object(codenames),
        ])
      }
      return .object(result)
    }
  }

  static func json(_ p: Product) -> J {
    .object(["status": .string(p.status), "throttled": .bool(p.throttled), "type": .string(p.type), "since": .string(p.since),
             "launched": .string(p.launched), "confidence": .string(p.confidence), "event": .string(p.event)])
  }
  static func json(_ r: Role) -> J {
    .object(["person": .string(r.person), "since": .string(r.since), "confidence": .string(confidenceName(r.rank)), "event": .string(r.event)])
  }
  static func json(_ c: Codename) -> J {
    .object(["subject": .string(c.subject), "confidence": .string(c.confidence), "date": .string(c.date), "event": .string(c.event)])
  }

  static func sortedByCodePoint<S: Sequence>(_ items: S) -> [String] where S.Element == String {
    items.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }

  static let confidenceRank = ["rumor": 0, "reported": 1, "confirmed": 2]
  static func confidenceName(_ rank: Int) -> String { ["rumor", "reported", "confirmed"][rank] }

  public static func state(_ kept: [GenEvent]) -> State {
    var state = State()
    for event in kept { apply(event, to: &state) }
    return state
  }

  static func apply(_ e: GenEvent, to state: inout State) {
    guard let orgName = e.org else { return }
    var org = state.orgs[orgName] ?? Org()
    let date = e.date.description
    func link(_ codename: String, _ subject: String?) {
      if let old = org.codenames[codename], subject == nil || subject == old.subject {
        // An event naming no subject does not state a link: it leaves one as sure as it was.
        if subject == old.subject && confidenceRank[e.confidence]! > confidenceRank[old.confidence]! {
          org.codenames[codename] = Codename(subject: old.subject, confidence: e.confidence, date: date, event: e.id)
        }
      } else {
        org.codenames[codename] = Codename(subject: subject, confidence: e.confidence, date: date, event: e.id)
      }
    }
    let rank = confidenceRank[e.confidence]!
    switch e.kind {
    case "launch", "pause", "resume", "retire", "throttle", "unthrottle":
      let id = e.subject!
      let old = org.products[id]
      let throttling = e.kind == "throttle" || e.kind == "unthrottle"
      // A product first heard of rests on this event for what it states: its throttling, or its status.
      var new = old ?? Product(status: "active", throttled: false, type: nil, since: date, launched: nil, event: e.id,
                               statusRank: throttling ? nil : rank, throttledRank: throttling ? rank : nil)
      var stated: [String] = []  // the fields this event changed or took over
      // The event states a value: a different one replaces the field; the same one moves it here when
      // surer, or when it is a default (active, not throttled) that no event has stated.
      func state<Value: Equatable>(_ name: String, _ field: inout Value, _ fieldRank: inout Int?, _ value: Value) {
        if field != value || fieldRank == nil || rank > fieldRank! {
          field = value
          fieldRank = rank
          stated.append(name)
        }
      }
      let status = ["launch": "active", "resume": "active", "pause": "paused", "retire": "retired"][e.kind]
      if let status {
        if status != new.status { new.since = date }
        state("status", &new.status, &new.statusRank, status)
      } else {
        state("throttled", &new.throttled, &new.throttledRank, e.kind == "throttle")
      }
      if e.kind == "launch" {
        // launched is the first launch's date; a launch on that date states it again.
        if new.launched == nil || new.launched == date { state("launched", &new.launched, &new.launchedRank, date) }
        if let type = e.string("type") { state("type", &new.type, &new.typeRank, type) }
      }
      if old == nil || !stated.isEmpty {
        new.event = e.id
        org.products[id] = new
      }
      if e.kind == "launch", let codename = e.string("codename") { link(codename, id) }
    case "hire":
      let role = e.string("role")!
      if let holder = org.roles[role], holder.person == e.subject! {
        if rank > holder.rank { org.roles[role] = Role(person: holder.person, since: holder.since, event: e.id, rank: rank) }
      } else {
        org.roles[role] = Role(person: e.subject!, since: date, event: e.id, rank: rank)
      }
    case "depart":
      if let role = e.string("role") {
        if org.roles[role]?.person == e.subject { org.roles[role] = nil }
      } else {
        for (role, holder) in org.roles where holder.person == e.subject { org.roles[role] = nil }
      }
    case "codename":
      link(e.string("codename")!, e.subject)
    case "strategy":
      // An item listed again where it is rests on the surer event.
      for item in e.strings("focus") {
        if !org.focus.contains(item) || rank > org.itemRank[item]! { org.itemRank[item] = rank }
        org.focus.insert(item)
        org.deprioritized.remove(item)
      }
      for item in e.strings("deprioritize") {
        if !org.deprioritized.contains(item) || rank > org.itemRank[item]! { org.itemRank[item] = rank }
        org.focus.remove(item)
        org.deprioritized.insert(item)
      }
    case "metric":
      guard case .number(_, let value)? = e.attrs["value"] else { fatalError("metric without value") }
      let subject = e.subject ?? orgName
      let name = e.string("name")!
      let unit = e.string("unit")
      if var metric = org.metrics[subject]?[name] {
        var touched = false
        if metric.value != value || rank > metric.valueRank {
          (metric.value, metric.valueRank, touched) = (value, rank, true)
        }
        if metric.unit != unit || rank > metric.unitRank {
          (metric.unit, metric.unitRank, touched) = (unit, rank, true)
        }
        if touched {
          (metric.date, metric.event) = (date, e.id)
          org.metrics[subject]![name] = metric
        }
      } else {
        org.metrics[subject, default: [:]][name] = Metric(value: value, unit: unit, date: date, event: e.id, valueRank: rank, unitRank: rank)
      }
    default:
      break
    }
    state.orgs[orgName] = org
  }

  // MARK: - Diff

  /// DESIGN.md's `changes`, in no particular order.
  public static func changes(from a: State, to b: State) -> [J] {
    var result: [J] = []
    func add(_ org: String, _ section: String, _ key: String, _ field: String?, _ before: J, _ after: J, name: String? = nil) {
      var change: [String: J] = ["org": .string(org), "section": .string(section), "key": .string(key), "field": .string(field), "before": before, "after": after]
      if let name { change["name"] = .string(name) }
      result.append(.object(change))
    }
    for org in Set(a.orgs.keys).union(b.orgs.keys) {
      let x = a.orgs[org] ?? Org()
      let y = b.orgs[org] ?? Org()
      for key in Set(x.products.keys).union(y.products.keys) {
        switch (x.products[key], y.products[key]) {
        case (nil, let q?): add(org, "products", key, nil, .null, json(q))
        case (let p?, nil): add(org, "products", key, nil, json(p), .null)
        case (let p?, let q?):
          if p.status != q.status { add(org, "products", key, "status", .string(p.status), .string(q.status)) }
          if p.throttled != q.throttled { add(org, "products", key, "throttled", .bool(p.throttled), .bool(q.throttled)) }
          if p.type != q.type { add(org, "products", key, "type", .string(p.type), .string(q.type)) }
          if p.launched != q.launched { add(org, "products", key, "launched", .string(p.launched), .string(q.launched)) }
          if p.confidence != q.confidence { add(org, "products", key, "confidence", .string(p.confidence), .string(q.confidence)) }
        default: break
        }
      }
      for key in Set(x.roles.keys).union(y.roles.keys) {
        switch (x.roles[key], y.roles[key]) {
        case (nil, let r?): add(org, "roles", key, nil, .null, json(r))
        case (let r?, nil): add(org, "roles", key, nil, json(r), .null)
        case (let r?, let s?):
          if r.person != s.person { add(org, "roles", key, "person", .string(r.person), .string(s.person)) }
          if r.rank != s.rank { add(org, "roles", key, "confidence", .string(confidenceName(r.rank)), .string(confidenceName(s.rank))) }
        default: break
        }
      }
      for item in x.focus.symmetricDifference(y.focus) {
        add(org, "focus", item, nil, x.focus.contains(item) ? .bool(true) : .null, y.focus.contains(item) ? .bool(true) : .null)
      }
      for item in x.deprioritized.symmetricDifference(y.deprioritized) {
        add(org, "deprioritized", item, nil, x.deprioritized.contains(item) ? .bool(true) : .null, y.deprioritized.contains(item) ? .bool(true) : .null)
      }
      for (section, was, now) in [("focus", x.focus, y.focus), ("deprioritized", x.deprioritized, y.deprioritized)] {
        for item in was.intersection(now) where x.itemRank[item] != y.itemRank[item] {
          add(org, section, item, "confidence", .string(confidenceName(x.itemRank[item]!)), .string(confidenceName(y.itemRank[item]!)))
        }
      }
      for subject in Set(x.metrics.keys).union(y.metrics.keys) {
        let was = x.metrics[subject] ?? [:]
        let now = y.metrics[subject] ?? [:]
        for name in Set(was.keys).union(now.keys) {
          if was[name]?.value != now[name]?.value {
            add(org, "metrics", subject, name, was[name].map { .number($0.value) } ?? .null, now[name].map { .number($0.value) } ?? .null)
          }
          if let old = was[name], let new = now[name], old.unit != new.unit {
            add(org, "metrics", subject, "unit", .string(old.unit), .string(new.unit), name: name)
          }
          if let old = was[name], let new = now[name], old.confidence != new.confidence {
            add(org, "metrics", subject, "confidence", .string(old.confidence), .string(new.confidence), name: name)
          }
        }
      }
      for key in Set(x.codenames.keys).union(y.codenames.keys) {
        switch (x.codenames[key], y.codenames[key]) {
        case (nil, let c?): add(org, "codenames", key, nil, .null, json(c))
        case (let c?, nil): add(org, "codenames", key, nil, json(c), .null)
        case (let c?, let d?):
          if c.subject != d.subject { add(org, "codenames", key, "subject", .string(c.subject), .string(d.subject)) }
          if c.confidence != d.confidence { add(org, "codenames", key, "confidence", .string(c.confidence), .string(d.confidence)) }
        default: break
        }
      }
    }
    return result
  }

  // MARK: - Lineage

  /// DESIGN.md's `models` object for events in fold order.
  public static func lineage(_ kept: [GenEvent]) -> J {
    var org: [String: String] = [:]
    var predecessor: [String: String] = [:]
    for e in kept {
      guard let eventOrg = e.org, let subject = e.subject else { continue }
      if e.kind == "launch" {
        if let p = e.string("predecessor") {
          if org[subject] == nil { org[subject] = eventOrg }
          if org[p] == nil { org[p] = String(p.split(separator: "/")[0]) }
          predecessor[subject] = p
        } else if e.string("type") == "model" {
          if org[subject] == nil { org[subject] = eventOrg }
        }
      } else if e.kind == "codename" {
        if org[subject] == nil { org[subject] = eventOrg }
      }
    }
    let state = state(kept)
    var models: [String: J] = [:]
    for (id, modelOrg) in org {
      let successors = sortedByCodePoint(predecessor.filter { $0.value == id }.map(\.key))
      let product = state.orgs[modelOrg]?.products[id]
      let codenames = sortedByCodePoint((state.orgs[modelOrg]?.codenames ?? [:]).filter { $0.value.subject == id }.map(\.key))
      models[id] = .object([
        "org": .string(modelOrg), "predecessor": .string(predecessor[id]), "successors": .strings(successors),
        "codenames": .strings(codenames), "launched": .string(product?.launched), "status": .string(product?.status ?? "unlaunched"),
        "confidence": .string(product?.confidence),
      ])
    }
    return .object(models)
  }

  /// The models linked to `model` through predecessors, either way.
  public static func family(_ models: J, of model: String) -> J {
    guard case .object(let all) = models, all[model] != nil else { return .object([:]) }
    var family: Set<String> = [model]
    var changed = true
    while changed {
      changed = false
      for (id, node) in all {
        guard case .string(let p)? = node["predecessor"], all[p] != nil else { continue }
        if family.contains(id) != family.contains(p) {
          family.insert(id)
          family.insert(p)
          changed = true
        }
      }
    }
    return .object(all.filter { family.contains($0.key) })
  }

  // MARK: - Strategy

  /// DESIGN.md's `shifts` for events in fold order; `from`/`to` (yyyymmdd) select by first day.
  public static func strategy(_ kept: [GenEvent], from: Int? = nil, to: Int? = nil) -> J {
    var focus: [String: Set<String>] = [:]
    var shifts: [J] = []
    for e in kept where e.kind == "strategy" {
      let before = focus[e.org!] ?? []
      var after = before
      for item in e.strings("focus") { after.insert(item) }
      for item in e.strings("deprioritize") { after.remove(item) }
      focus[e.org!] = after
      if let from, e.date.first < from { continue }
      if let to, e.date.first > to { continue }
      shifts.append(.object([
        "date": .string(e.date.description), "org": .string(e.org!), "label": .string(e.string("label")),
        "added": .strings(e.strings("focus")), "removed": .strings(e.strings("deprioritize")),
        "focusBefore": .strings(sortedByCodePoint(before)), "focusAfter": .strings(sortedByCodePoint(after)),
        "confidence": .string(e.confidence), "event": .string(e.id),
      ]))
    }
    return .array(shifts)
  }
}

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
}

/// The changes from one state to another, ordered by org, section, key and field.
/// A change of `since`, `date` or `event` alone is not a change.
public func changes(from old: CompetitorState, to new: CompetitorState) -> [Change] {
  var result: [Change] = []
  for org in sortedKeys(Set(old.orgs.keys).union(new.orgs.keys)) {
    let a = old.orgs[org] ?? OrgState()
    let b = new.orgs[org] ?? OrgState()
    func add(_ section: String, _ key: String, _ field: String?, _ before: DiffValue, _ after: DiffValue) {
      result.append(Change(org: org, section: section, key: key, field: field, before: before, after: after))
    }

    for key in sortedKeys(Set(a.products.keys).union(b.products.keys)) {
      switch (a.products[key], b.products[key]) {
      case (nil, let p?): add("products", key, nil, .null, .product(p))
      case (let p?, nil): add("products", key, nil, .product(p), .null)
      case (let p?, let q?):
        if p.status != q.status { add("products", key, "status", .string(p.status.rawValue), .string(q.status.rawValue)) }
        if p.throttled != q.throttled { add("products", key, "throttled", .bool(p.throttled), .bool(q.throttled)) }
        if p.type != q.type { add("products", key, "type", DiffValue(p.type), DiffValue(q.type)) }
        if p.launched != q.launched { add("products", key, "launched", DiffValue(p.launched), DiffValue(q.launched)) }
      default: break
      }
    }

    for key in sortedKeys(Set(a.roles.keys).union(b.roles.keys)) {
      switch (a.roles[key], b.roles[key]) {
      case (nil, let r?): add("roles", key, nil, .null, .role(r))
      case (let r?, nil): add("roles", key, nil, .role(r), .null)
      case (let r?, let s?) where r.person != s.person: add("roles", key, "person", .string(r.person), .string(s.person))
      default: break
      }
    }

    for (section, before, after) in [("focus", a.focus, b.focus), ("deprioritized", a.deprioritized, b.deprioritized)] {
      let was = Set(before)
      let now = Set(after)
      for key in sortedKeys(was.union(now)) where was.contains(key) != now.contains(key) {
        add(section, key, nil, was.contains(key) ? .bool(true) : .null, now.contains(key) ? .bool(true) : .null)
      }
    }

    for subject in sortedKeys(Set(a.metrics.keys).union(b.metrics.keys)) {
      let was = a.metrics[subject] ?? [:]
      let now = b.metrics[subject] ?? [:]
      for name in sortedKeys(Set(was.keys).union(now.keys)) where was[name]?.value != now[name]?.value {
        add("metrics", subject, name, was[name].map { .number($0.value) } ?? .null, now[name].map { .number($0.value) } ?? .null)
      }
    }

    for key in sortedKeys(Set(a.codenames.keys).union(b.codenames.keys)) {
      switch (a.codenames[key], b.codenames[key]) {
      case (nil, let c?): add("codenames", key, nil, .null, .codename(c))
      case (let c?, nil): add("codenames", key, nil, .codename(c), .null)
      case (let c?, let d?):
        if c.subject != d.subject { add("codenames", key, "subject", DiffValue(c.subject), DiffValue(d.subject)) }
        if c.confidence != d.confidence {
          add("codenames", key, "confidence", .string(c.confidence.rawValue), .string(d.confidence.rawValue))
        }
      default: break
      }
    }
  }
  return result
}

/// Keys sorted by code point. Inlinable, so that the sort is specialized
/// where it is called: unspecialized, it boxes every element it moves.
@inlinable
public func sortedKeys<Keys: Sequence>(_ keys: Keys) -> [String] where Keys.Element == String {
  var keys = Array(keys)
  keys.sort(by: codePointPrecedes)
  return keys
}

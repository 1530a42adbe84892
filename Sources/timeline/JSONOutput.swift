import EventLog
import Projections

/// A JSON document to print, with keys in the order they are given.
indirect enum JSONOut {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONOut])
  case object([(String, JSONOut)])

  static func string(_ text: String?) -> JSONOut { text.map(JSONOut.string) ?? .null }
  static func date(_ date: EventDate?) -> JSONOut { date.map { .string($0.description) } ?? .null }
  static func strings(_ items: [String]) -> JSONOut { .array(items.map(JSONOut.string)) }

  /// Indented by two spaces, one key per line, ending in a newline.
  func rendered() -> [UInt8] {
    var out: [UInt8] = []
    write(to: &out, indent: 0)
    out.append(0x0a)
    return out
  }

  private func write(to out: inout [UInt8], indent: Int) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
    case .number(let value): CanonicalJSON.appendNumber(value, to: &out)
    case .string(let text): CanonicalJSON.appendString(text, to: &out)
    case .array(let items):
      if items.isEmpty { return out.append(contentsOf: "[]".utf8) }
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent + 2)
        item.write(to: &out, indent: indent + 2)
      }
      newline(&out, indent)
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      if members.isEmpty { return out.append(contentsOf: "{}".utf8) }
      out.append(UInt8(ascii: "{"))
      for (index, member) in members.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent + 2)
        CanonicalJSON.appendString(member.0, to: &out)
        out.append(contentsOf: ": ".utf8)
        member.1.write(to: &out, indent: indent + 2)
      }
      newline(&out, indent)
      out.append(UInt8(ascii: "}"))
    }
  }

  private func newline(_ out: inout [UInt8], _ indent: Int) {
    out.append(0x0a)
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
  }
}

// MARK: - The shapes of DESIGN.md

extension JSONOut {
  static func basis(_ basis: Basis) -> JSONOut {
    .object([("events", .number(Double(basis.events))), ("digest", .string(basis.digest))])
  }

  /// An event with all its fields, in canonical order.
  static func event(_ event: Event) -> JSONOut {
    var members: [(String, JSONOut)] = [
      ("id", .string(event.id)), ("date", .string(event.date.description)), ("kind", .string(event.kind.description)),
    ]
    if let org = event.org { members.append(("org", .string(org))) }
    if let subject = event.subject { members.append(("subject", .string(subject))) }
    if !event.attrs.isEmpty {
      members.append(("attrs", .object(event.attrs.map { ($0.key, attr($0.value)) })))
    }
    members.append(("confidence", .string(event.confidence.rawValue)))
    if let source = event.source {
      var fields: [(String, JSONOut)] = []
      if let date = source.date { fields.append(("date", .string(date.description))) }
      if let publisher = source.publisher { fields.append(("publisher", .string(publisher))) }
      if let title = source.title { fields.append(("title", .string(title))) }
      if let url = source.url { fields.append(("url", .string(url))) }
      members.append(("source", .object(fields)))
    }
    if let supersedes = event.supersedes { members.append(("supersedes", .string(supersedes))) }
    if let note = event.note { members.append(("note", .string(note))) }
    if let recorded = event.recorded { members.append(("recorded", .string(recorded.description))) }
    return .object(members)
  }

  static func attr(_ value: AttrValue) -> JSONOut {
    switch value {
    case .string(let text): .string(text)
    case .number(let number): .number(number)
    case .bool(let flag): .bool(flag)
    case .strings(let items): .strings(items)
    }
  }

  static func product(_ product: ProductState) -> JSONOut {
    .object([
      ("status", .string(product.status.rawValue)), ("throttled", .bool(product.throttled)),
      ("type", .string(product.type)), ("since", .date(product.since)), ("launched", .date(product.launched)),
      ("event", .string(product.event)),
    ])
  }

  static func role(_ role: RoleState) -> JSONOut {
    .object([("person", .string(role.person)), ("since", .date(role.since)), ("event", .string(role.event))])
  }

  static func metric(_ metric: MetricState) -> JSONOut {
    .object([
      ("value", .number(metric.value)), ("unit", .string(metric.unit)), ("date", .date(metric.date)),
      ("event", .string(metric.event)),
    ])
  }

  static func codename(_ codename: CodenameState) -> JSONOut {
    .object([
      ("subject", .string(codename.subject)), ("confidence", .string(codename.confidence.rawValue)),
      ("date", .date(codename.date)), ("event", .string(codename.event)),
    ])
  }

  static func org(_ org: OrgState) -> JSONOut {
    .object([
      ("products", .object(sortedKeys(org.products.keys).map { ($0, product(org.products[$0]!)) })),
      ("roles", .object(sortedKeys(org.roles.keys).map { ($0, role(org.roles[$0]!)) })),
      ("focus", .strings(org.focus)),
      ("deprioritized", .strings(org.deprioritized)),
      ("metrics", .object(sortedKeys(org.metrics.keys).map { subject in
        let names = org.metrics[subject]!
        return (subject, .object(sortedKeys(names.keys).map { ($0, metric(names[$0]!)) }))
      })),
      ("codenames", .object(sortedKeys(org.codenames.keys).map { ($0, codename(org.codenames[$0]!)) })),
    ])
  }

  static func diffValue(_ value: DiffValue) -> JSONOut {
    switch value {
    case .null: .null
    case .bool(let flag): .bool(flag)
    case .number(let number): .number(number)
    case .string(let text): .string(text)
    case .date(let date): .string(date.description)
    case .product(let entry): product(entry)
    case .role(let entry): role(entry)
    case .codename(let entry): codename(entry)
    }
  }

  static func change(_ change: Change) -> JSONOut {
    .object([
      ("org", .string(change.org)), ("section", .string(change.section)), ("key", .string(change.key)),
      ("field", .string(change.field)), ("before", diffValue(change.before)), ("after", diffValue(change.after)),
    ])
  }

  static func model(_ node: ModelNode) -> JSONOut {
    .object([
      ("org", .string(node.org)), ("predecessor", .string(node.predecessor)), ("successors", .strings(node.successors)),
      ("codenames", .strings(node.codenames)), ("launched", .date(node.launched)), ("status", .string(node.status)),
    ])
  }

  static func shift(_ shift: StrategyShift) -> JSONOut {
    .object([
      ("date", .string(shift.date.description)), ("org", .string(shift.org)), ("label", .string(shift.label)),
      ("added", .strings(shift.added)), ("removed", .strings(shift.removed)),
      ("focusBefore", .strings(shift.focusBefore)), ("focusAfter", .strings(shift.focusAfter)),
      ("event", .string(shift.event)),
    ])
  }
}

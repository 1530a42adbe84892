import Dispatch
import EventLog
import Projections

/// Writes one JSON document straight into bytes: two-space indentation, one
/// member per line, keys in the order they are written. Big answers (a
/// million-event log) print without building a tree first, and go out in
/// 64 KB pieces as they are written, never whole in memory.
struct JSONWriter {
  private var bytes: [UInt8] = []
  private var depth = 0
  /// Nothing is written yet in the innermost object or array.
  private var empty = true
  /// A key was just written, so the next value follows it on the same line.
  private var afterKey = false
  /// Where full pieces go.
  private let sink: ([UInt8]) -> Void
  private static let piece = 1 << 16

  private init(sink: @escaping ([UInt8]) -> Void) {
    self.sink = sink
    bytes.reserveCapacity(JSONWriter.piece + 4096)
  }

  /// Writes the document, ending in a newline, to `sink` piece by piece.
  static func write(to sink: ([UInt8]) -> Void, _ body: (inout JSONWriter) -> Void) {
    withoutActuallyEscaping(sink) { sink in
      var writer = JSONWriter(sink: sink)
      writer.object(body)
      writer.bytes.append(0x0a)
      sink(writer.bytes)
    }
  }

  /// `write`, for a body that can fail part way (a long listing read as it
  /// is written): on failure what is not yet out is dropped, so the document
  /// never ends as if whole, and the error is thrown.
  static func write(to sink: ([UInt8]) -> Void, _ body: (inout JSONWriter) throws(LogError) -> Void) throws(LogError) {
    var failure: LogError?
    withoutActuallyEscaping(sink) { sink in
      var writer = JSONWriter(sink: sink)
      writer.object { w in
        do throws(LogError) { try body(&w) } catch { failure = error }
      }
      guard failure == nil else { return }
      writer.bytes.append(0x0a)
      sink(writer.bytes)
    }
    if let failure { throw failure }
  }

  private mutating func beginValue() {
    if afterKey {
      afterKey = false
      return
    }
    if depth > 0 {
      if !empty { bytes.append(UInt8(ascii: ",")) }
      newline()
    }
    empty = false
  }

  /// A newline and the indentation of 32 levels, copied from without a
  /// retain (an array's slice costs one per line of a 25 MB answer).
  private static let indentation: StaticString = "\n                                                                "

  private mutating func newline() {
    if bytes.count >= JSONWriter.piece {
      sink(bytes)
      bytes.removeAll(keepingCapacity: true)
    }
    let width = depth * 2
    if width < JSONWriter.indentation.utf8CodeUnitCount {
      bytes.append(contentsOf: UnsafeBufferPointer(start: JSONWriter.indentation.utf8Start, count: width + 1))
    } else {
      bytes.append(0x0a)
      for _ in 0..<width { bytes.append(0x20) }
    }
  }

  private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
    beginValue()
    bytes.append(open)
    depth += 1
    empty = true
    body(&self)
    depth -= 1
    if !empty { newline() }
    bytes.append(close)
    empty = false
  }

  mutating func object(_ body: (inout JSONWriter) -> Void) { container(UInt8(ascii: "{"), UInt8(ascii: "}"), body) }

  /// An object of one member per key, in the order given, each written by
  /// `member` (its key, then its value); on two cores when the members
  /// weigh much (see `items`).
  mutating func object(
    members keys: [String], weight: (String) -> Int, _ member: @escaping @Sendable (inout JSONWriter, String) -> Void
  ) {
    object { $0.items(keys.count, weight: { weight(keys[$0]) }) { w, index in member(&w, keys[index]) } }
  }

  /// `count` items of the object or array open here (members, each its key
  /// and value, or elements), each written by `item` from its position, in
  /// order; on two cores when their total `weight` (about one small object
  /// each) is large: the items from the middle of the weight on are written
  /// into memory by a second writer at this depth while this one writes
  /// (and sends out) the first ones, then follow them. The bytes are those of one writer.
  mutating func items(_ count: Int, weight: (Int) -> Int, _ item: @escaping @Sendable (inout JSONWriter, Int) -> Void) {
    let weights = (0..<count).map(weight)
    let total = weights.reduce(0, +)
    guard total >= JSONWriter.parallelWeight, count > 1 else {
      for index in 0..<count { item(&self, index) }
      return
    }
    var middle = 1
    var weighed = weights[0]
    while middle < count - 1 && weighed + weights[middle] <= total / 2 {
      weighed += weights[middle]
      middle += 1
    }
    let tail = Pieces()
    let depth = self.depth
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { [middle] in
      var pieces: [[UInt8]] = []
      var writer = JSONWriter(sink: { pieces.append($0) })
      writer.depth = depth
      writer.empty = false  // it follows the first half's items
      for index in middle..<count { item(&writer, index) }
      pieces.append(writer.bytes)
      tail.pieces = pieces
    }
    for index in 0..<middle { item(&self, index) }
    group.wait()
    for piece in tail.pieces {
      bytes.append(contentsOf: piece)
      if bytes.count >= JSONWriter.piece {
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
      }
    }
  }

  /// How much weight `items` writes on one core: about a megabyte of JSON.
  private static let parallelWeight = 4096

  /// The second writer's bytes, handed over when its group is done.
  private final class Pieces: @unchecked Sendable {
    var pieces: [[UInt8]] = []
  }

  mutating func array(_ body: (inout JSONWriter) -> Void) { container(UInt8(ascii: "["), UInt8(ascii: "]"), body) }

  /// Starts a member; the value written next is its value.
  mutating func key(_ name: String) {
    beginValue()
    CanonicalJSON.appendString(name, to: &bytes)
    bytes.append(UInt8(ascii: ":"))
    bytes.append(0x20)
    afterKey = true
  }

  mutating func string(_ text: String?) {
    beginValue()
    if let text { CanonicalJSON.appendString(text, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
  }

  mutating func number(_ value: Double) {
    beginValue()
    CanonicalJSON.appendNumber(value, to: &bytes)
  }

  mutating func bool(_ flag: Bool) {
    beginValue()
    bytes.append(contentsOf: (flag ? "true" : "false").utf8)
  }

  mutating func null() {
    beginValue()
    bytes.append(contentsOf: "null".utf8)
  }

  mutating func date(_ date: EventDate?) {
    beginValue()
    if let date { CanonicalJSON.appendDate(date, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
  }

  mutating func strings(_ items: [String]) { array { for item in items { $0.string(item) } } }

  /// `"name": value` for the common one-line members.
  mutating func member(_ name: String, _ text: String?) {
    key(name)
    string(text)
  }

  mutating func member(_ name: String, date: EventDate?) {
    key(name)
    self.date(date)
  }

  mutating func member(_ name: String, number: Double) {
    key(name)
    self.number(number)
  }

  mutating func member(_ name: String, bool flag: Bool) {
    key(name)
    bool(flag)
  }
}

// MARK: - The shapes of DESIGN.md

extension JSONWriter {
  mutating func basis(_ basis: Basis) {
    key("basis")
    object {
      $0.key("events")
      $0.number(Double(basis.events))
      $0.member("digest", basis.digest)
    }
  }

  /// An event with all its fields, in canonical order.
  /// An event's object; `extra` adds members after its fields (why's "retracted" and "superseded").
  mutating func event(_ event: Event, _ extra: ((inout JSONWriter) -> Void)? = nil) {
    object { w in
      w.member("id", event.id)
      w.member("date", event.date.description)
      w.member("kind", event.kind.description)
      if let org = event.org { w.member("org", org) }
      if let subject = event.subject { w.member("subject", subject) }
      if !event.attrs.isEmpty {
        w.key("attrs")
        w.object { for pair in event.attrs { $0.key(pair.key); $0.attr(pair.value) } }
      }
      w.member("confidence", event.confidence.rawValue)
      if let source = event.source {
        w.key("source")
        w.object { s in
          if let date = source.date { s.member("date", date.description) }
          if let publisher = source.publisher { s.member("publisher", publisher) }
          if let title = source.title { s.member("title", title) }
          if let url = source.url { s.member("url", url) }
        }
      }
      if let supersedes = event.supersedes { w.member("supersedes", supersedes) }
      if let note = event.note { w.member("note", note) }
      if let recorded = event.recorded { w.member("recorded", recorded.description) }
      extra?(&w)
    }
  }

  mutating func attr(_ value: AttrValue) {
    switch value {
    case .string(let text): string(text)
    case .number(let number): self.number(number)
    case .bool(let flag): bool(flag)
    case .strings(let items): strings(items)
    }
  }

  mutating func product(_ product: ProductState) {
    object { w in
      w.member("status", product.status.rawValue)
      w.member("throttled", bool: product.throttled)
      w.member("type", product.type)
      w.member("since", date: product.since)
      w.member("launched", date: product.launched)
      w.member("confidence", product.confidence.rawValue)
      w.member("event", product.event)
    }
  }

  mutating func role(_ role: RoleState) {
    object { w in
      w.member("person", role.person)
      w.member("since", date: role.since)
      w.member("confidence", role.confidence.rawValue)
      w.member("event", role.event)
    }
  }

  mutating func metric(_ metric: MetricState) {
    object { w in
      w.member("value", number: metric.value)
      w.member("unit", metric.unit)
      w.member("date", date: metric.date)
      w.member("confidence", metric.confidence.rawValue)
      w.member("event", metric.event)
    }
  }

  mutating func codename(_ codename: CodenameState) {
    object { w in
      w.member("subject", codename.subject)
      w.member("confidence", codename.confidence.rawValue)
      w.member("date", date: codename.date)
      w.member("event", codename.event)
    }
  }

  mutating func org(_ org: OrgState) {
    object { w in
      w.key("products")
      w.object { for id in sortedKeys(org.products.keys) { $0.key(id); $0.product(org.products[id]!) } }
      w.key("roles")
      w.object { for role in sortedKeys(org.roles.keys) { $0.key(role); $0.role(org.roles[role]!) } }
      w.key("focus")
      w.strings(org.focus)
      w.key("deprioritized")
      w.strings(org.deprioritized)
      w.key("metrics")
      w.object { m in
        for subject in sortedKeys(org.metrics.keys) {
          let names = org.metrics[subject]!
          m.key(subject)
          m.object { for name in sortedKeys(names.keys) { $0.key(name); $0.metric(names[name]!) } }
        }
      }
      w.key("codenames")
      w.object { for name in sortedKeys(org.codenames.keys) { $0.key(name); $0.codename(org.codenames[name]!) } }
    }
  }

  mutating func diffValue(_ value: DiffValue) {
    switch value {
    case .null: null()
    case .bool(let flag): bool(flag)
    case .number(let number): self.number(number)
    case .string(let text): string(text)
    case .date(let date): self.date(date)
    case .product(let entry): product(entry)
    case .role(let entry): role(entry)
    case .codename(let entry): codename(entry)
    }
  }

  mutating func change(_ change: Change) {
    object { w in
      w.member("org", change.org)
      w.member("section", change.section)
      w.member("key", change.key)
      w.member("field", change.field)
      if let name = change.name { w.member("name", name) }
      w.key("before")
      w.diffValue(change.before)
      w.key("after")
      w.diffValue(change.after)
    }
  }

  mutating func model(_ node: ModelNode) {
    object { w in
      w.member("org", node.org)
      w.member("predecessor", node.predecessor)
      w.key("successors")
      w.strings(node.successors)
      w.key("codenames")
      w.strings(node.codenames)
      w.member("launched", date: node.launched)
      w.member("status", node.status)
      w.member("confidence", node.confidence?.rawValue)
    }
  }

  mutating func shift(_ shift: StrategyShift) {
    object { w in
      w.member("date", shift.date.description)
      w.member("org", shift.org)
      w.member("label", shift.label)
      w.key("added")
      w.strings(shift.added)
      w.key("removed")
      w.strings(shift.removed)
      w.key("focusBefore")
      w.strings(shift.focusBefore)
      w.key("focusAfter")
      w.strings(shift.focusAfter)
      w.member("confidence", shift.confidence.rawValue)
      w.member("event", shift.event)
    }
  }
}

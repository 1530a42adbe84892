/// An event as the projections need it: integers only (interned strings,
/// dates as `yyyymmdd`), 96 bytes (`MemoryLayout<Fact>.stride`, which the
/// cache's version records), so that millions fit in memory.
/// Notes, sources and free-form attributes are not kept: `log` reads the
/// line again at `file`/`offset` when it needs them.
public struct Fact: Sendable {
  /// The event's id as an `EventKey`.
  public var id: UInt64
  /// Symbols in `FactTable.names` (0: none).
  public var org: Int32
  public var subject: Int32
  /// The three name slots: symbols in `FactTable.names` (0: none) of the
  /// attributes the kind table (`FactKind`) keeps; read them by meaning,
  /// through `launchType`, `role`, `codename`, ... (`FactField.slot` says which is where).
  var slot0: Int32
  var slot1: Int32
  var slot2: Int32
  /// The `EventKey` of the event this one supersedes, or of a retraction's target (0: none).
  public var target: UInt64
  public var firstDay: Int32
  public var lastDay: Int32
  public var recorded: Int64
  /// A metric's value.
  public var value: Double
  /// A strategy's focus items, then its deprioritize items, in `FactTable.lists`.
  public var listStart: Int32
  public var focusCount: UInt16
  public var deprioritizeCount: UInt16
  /// `FactKind` raw value.
  public var kind: UInt8
  /// 0 year, 1 month, 2 day.
  public var precision: UInt8
  public var confidence: UInt8
  /// Where the line is: index in `FactTable.files`, line number, byte offset.
  public var file: UInt16
  public var line: Int32
  /// For a kind whose attrs may hold strings the fact does not keep
  /// (`FactKind.holdsUnkeptStrings`): `AttrMarks` of every string and list
  /// item in its attrs, so that `why` reads only the lines that may hold
  /// its key. 0 for other kinds. (It sits in what was padding: 96 bytes still.)
  public var attrMarks: UInt32
  public var offset: Int64

  /// The fact's kind, read in every fold and search: a switch written out,
  /// which compiles to a table where the raw value initializer (compiled in
  /// this module, called from the projections) stays a call per fact. A
  /// test holds it to `FactKind(rawValue:)` for every byte.
  @inline(__always) public var factKind: FactKind {
    switch kind {
    case 0: .launch
    case 1: .pause
    case 2: .resume
    case 3: .retire
    case 4: .throttle
    case 5: .unthrottle
    case 6: .hire
    case 7: .depart
    case 8: .codename
    case 9: .strategy
    case 10: .metric
    case 11: .report
    case 12: .retract
    default: .custom
    }
  }

  /// A launch's type (`model`, `product`, ...).
  @inline(__always) public var launchType: Int32 { slot0 }
  /// A hire's or depart's role.
  @inline(__always) public var role: Int32 { slot0 }
  /// A strategy's label.
  @inline(__always) public var label: Int32 { slot0 }
  /// A metric's name.
  @inline(__always) public var metricName: Int32 { slot0 }
  /// A custom kind's name (`x-...`).
  @inline(__always) public var customName: Int32 { slot0 }
  /// A launch's predecessor.
  @inline(__always) public var predecessor: Int32 { slot1 }
  /// A metric's unit.
  @inline(__always) public var unit: Int32 { slot1 }
  /// A launch's or a codename event's codename.
  @inline(__always) public var codename: Int32 { slot2 }

  /// The name a kept attribute holds (0: none).
  @inline(__always) public subscript(field: FactField) -> Int32 {
    switch field.slot {
    case 0: slot0
    case 1: slot1
    case 2: slot2
    default: 0
    }
  }

  /// Keeps `symbol` as the name `field` holds (a field that is not a name keeps nothing).
  @inline(__always) mutating func keep(_ symbol: Int32, as field: FactField) {
    switch field.slot {
    case 0: slot0 = symbol
    case 1: slot1 = symbol
    case 2: slot2 = symbol
    default: break
    }
  }

  /// Whether `symbol` (not 0) is a name the fact keeps of its attributes
  /// (not a custom kind's own name). Allocates nothing: whole-table passes call it.
  @inline(__always) public func keepsName(_ symbol: Int32) -> Bool {
    symbol != 0 && factKind != .custom && (slot0 == symbol || slot1 == symbol || slot2 == symbol)
  }

  /// Calls `body` with each name the fact keeps of its attributes (not 0,
  /// not a custom kind's own name), allocating nothing.
  @inline(__always) public func forEachKeptName(_ body: (Int32) -> Void) {
    guard factKind != .custom else { return }
    if slot0 != 0 { body(slot0) }
    if slot1 != 0 { body(slot1) }
    if slot2 != 0 { body(slot2) }
  }

  /// All three name slots in order, for orders that treat them alike.
  public var nameSlots: [Int32] { [slot0, slot1, slot2] }

  /// The event's date with its precision.
  public var date: EventDate {
    let day = Day(yyyymmdd: firstDay)
    return EventDate(year: day.year, month: precision >= 1 ? day.month : 0, day: precision >= 2 ? day.day : 0)
  }
}

/// A one-word Bloom filter of the strings in an event's attrs: each string
/// sets two of 32 bits, by a hash of its bytes. A line whose `attrMarks`
/// lacks a bit of `of(key)` cannot hold `key`; one that has them all may
/// (with four strings, one line in twenty that does not), so it is read.
public enum AttrMarks {
  /// The two bits of the string `bytes` (after JSON escapes are decoded).
  @inline(__always) public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
    let multiplier: UInt64 = 0xff51_afd7_ed55_8ccd
    var hash: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
    if var p = UnsafeRawPointer(bytes.baseAddress) {
      var left = bytes.count
      while left >= 8 {
        hash = (hash ^ p.loadUnaligned(as: UInt64.self)) &* multiplier
        hash ^= hash >> 32
        p += 8
        left -= 8
      }
      if left > 0 {
        var tail: UInt64 = 0
        for index in 0..<left { tail |= UInt64(p.load(fromByteOffset: index, as: UInt8.self)) << (8 * index) }
        hash = (hash ^ tail) &* multiplier
      }
    }
    hash ^= hash >> 33
    hash = hash &* 0xc4ce_b9fe_1a85_ec53
    hash ^= hash >> 33
    return 1 << UInt32(hash & 31) | 1 << UInt32(hash >> 5 & 31)
  }

  /// The two bits of `text`, as its UTF-8 bytes.
  public static func of(_ text: String) -> UInt32 {
    var text = text
    return text.withUTF8 { of($0) }
  }

  /// Whether a fact's marks may hold a string whose marks are `marks`.
  @inline(__always) public static func mayHold(_ fact: Fact, _ marks: UInt32) -> Bool {
    fact.attrMarks & marks == marks
  }
}

/// An event id as one integer: a content id (12 lowercase hex digits) is its
/// 48-bit value; any other id is `customBit` plus its symbol in `FactTable.ids`.
/// 0 means none.
public enum EventKey {
  public static let customBit: UInt64 = 1 << 63
  /// Set on content-id keys so that the id 000000000000 is not "none".
  public static let contentBit: UInt64 = 1 << 62

  /// The key of a content-id-form id (12 lowercase hex digits), or nil for
  /// any other id. Every line's id comes through here, so the digits are
  /// checked and read eight (then four) at a time.
  @inline(__always) public static func content(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    guard bytes.count == 12, let base = bytes.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    guard let high = hexDigits(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))),
      let low = hexDigits(UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))) | 0x3030_3030_0000_0000)
    else { return nil }
    return high << 16 | low >> 16 | contentBit
  }

  /// The value of eight lowercase hex digits (the first in the lowest byte,
  /// as loaded from memory on a little-endian machine), or nil when a byte is
  /// not one. Four digits come padded with four "0"s above them; their value
  /// is then the result's top 16 bits.
  @inline(__always) static func hexDigits(_ word: UInt64) -> UInt64? {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    // For bytes under 0x80, (byte | 0x80) - c keeps its top bit exactly when byte >= c.
    @inline(__always) func atLeast(_ c: UInt64) -> UInt64 { ((word | high) &- c &* ones) & high }
    let digit = atLeast(0x30) & ~atLeast(0x3a)
    let letter = atLeast(0x61) & ~atLeast(0x67)
    guard word & high == 0, digit | letter == high else { return nil }
    // Each byte's value: its low four bits, plus 9 for a letter (a is 0x61).
    let values = (word & 0x0f0f_0f0f_0f0f_0f0f) &+ (letter >> 7) &* 9
    // Pack the nibbles, the first byte's on top: pairs, then quads, then the two halves.
    let pairs = (values & 0x000f_000f_000f_000f) << 4 | (values >> 8) & 0x000f_000f_000f_000f
    let quads = (pairs & 0x0000_00ff_0000_00ff) << 8 | (pairs >> 16) & 0x0000_00ff_0000_00ff
    return (quads & 0xffff) << 16 | (quads >> 32) & 0xffff
  }
}

/// Events in compact form, with the tables their integers point into.
public struct FactTable: Sendable {
  /// Tells tables apart (a scanner's memo speaks of one table's symbols).
  public let identity = UInt64.random(in: 1...UInt64.max)
  public var facts: [Fact] = []
  /// Ids that are not content ids (chosen with `--id`).
  public var ids = SymbolTable(capacity: 64)
  /// Every other string: orgs, subjects, roles, codenames, metric names, ...
  public var names = SymbolTable(capacity: 1024)
  /// Strategy focus and deprioritize items (symbols in `names`).
  public var lists: [Int32] = []
  /// The files facts come from.
  public var files: [String] = []
  /// The events themselves, for a table made from events rather than read
  /// from files (`fact.line - 1` indexes them).
  public var events: [Event]?

  public init() {}

  /// A table of `events`, as if read from one file in this order.
  public init<Events: Sequence>(_ events: Events) where Events.Element == Event {
    let list = Array(events)
    files = ["(events)"]
    self.events = list
    facts.reserveCapacity(list.count)
    for (index, event) in list.enumerated() { append(event, file: 0, line: Int32(index + 1), offset: 0) }
  }

  public var count: Int { facts.count }

  /// The key of an id, interning it if it is not a content id.
  public mutating func key(_ id: String) -> UInt64 {
    var id = id
    return id.withUTF8 { key($0) }
  }

  /// The key of an id given as bytes.
  public mutating func key(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    EventKey.content(bytes) ?? customKey(bytes)
  }

  /// The key of an id that is not a content id.
  mutating func customKey(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    EventKey.customBit | UInt64(ids.intern(bytes))
  }

  /// The key of an id, if the table knows it (content ids are always "known").
  public func existingKey(_ id: String) -> UInt64? {
    var text = id
    if let key = text.withUTF8({ EventKey.content($0) }) { return key }
    return ids.lookup(id).map { EventKey.customBit | UInt64($0) }
  }

  /// The first fact (in file order) of each of these ids that the table holds.
  public func firstFacts(withIDs ids: some Sequence<String>) -> [Int32] {
    let keys = Set(ids.compactMap(existingKey))
    var found = Set<UInt64>()
    var first: [Int32] = []
    for (index, fact) in facts.enumerated() where keys.contains(fact.id) && found.insert(fact.id).inserted {
      first.append(Int32(index))
    }
    return first
  }

  /// The id a key stands for.
  public func idString(_ key: UInt64) -> String {
    if key & EventKey.customBit != 0 { return ids[Int32(truncatingIfNeeded: key & 0xffff_ffff)] }
    let digits: StaticString = "0123456789abcdef"
    return String(unsafeUninitializedCapacity: 12) { buffer in
      for index in 0..<12 { buffer[index] = digits.utf8Start[Int(key >> UInt64(44 - 4 * index) & 0xf)] }
      return 12
    }
  }

  /// Adds an event (already valid).
  public mutating func append(_ event: Event, file: UInt16, line: Int32, offset: Int64) {
    func name(_ text: String?) -> Int32 { text.map { names.intern($0) } ?? 0 }
    func attr(_ key: String) -> Int32 {
      if case .string(let text)? = event.attrs[key] { return names.intern(text) }
      return 0
    }
    let kind = event.kind.code
    var fact = Fact(
      id: key(event.id), org: name(event.org), subject: name(event.subject), slot0: 0, slot1: 0, slot2: 0,
      target: (event.supersedes ?? event.retractTarget).map { key($0) } ?? 0,
      firstDay: event.date.firstDay.yyyymmdd, lastDay: event.date.lastDay.yyyymmdd,
      recorded: event.recorded?.milliseconds ?? .max, value: 0, listStart: 0, focusCount: 0, deprioritizeCount: 0,
      kind: kind.rawValue, precision: event.date.precisionCode,
      confidence: event.confidence.code, file: file, line: line, attrMarks: 0, offset: offset)
    if kind == .custom { fact.slot0 = names.intern(event.kind.description) }
    if kind.holdsUnkeptStrings {
      for pair in event.attrs {
        for text in pair.value.strings { fact.attrMarks |= AttrMarks.of(text) }
      }
    }
    var focus: [String] = []
    var deprioritize: [String] = []
    for kept in kind.keptAttributes {
      switch kept.field {
      case .value: if case .number(let value)? = event.attrs[kept.key] { fact.value = value }
      case .target: break  // `retractTarget`, above
      case .focus: focus = event.attrs[kept.key]?.strings ?? []
      case .deprioritize: deprioritize = event.attrs[kept.key]?.strings ?? []
      default: fact.keep(attr(kept.key), as: kept.field)
      }
    }
    if kind == .strategy {
      // Focus items first, then deprioritize items.
      fact.listStart = Int32(lists.count)
      fact.focusCount = UInt16(clamping: focus.count)
      fact.deprioritizeCount = UInt16(clamping: deprioritize.count)
      for item in focus.prefix(Int(fact.focusCount)) + deprioritize.prefix(Int(fact.deprioritizeCount)) {
        lists.append(names.intern(item))
      }
    }
    facts.append(fact)
  }

  /// A strategy's focus items.
  public func focus(of fact: Fact) -> ArraySlice<Int32> {
    lists[Int(fact.listStart)..<Int(fact.listStart) + Int(fact.focusCount)]
  }

  /// A strategy's deprioritize items.
  public func deprioritize(of fact: Fact) -> ArraySlice<Int32> {
    let start = Int(fact.listStart) + Int(fact.focusCount)
    return lists[start..<start + Int(fact.deprioritizeCount)]
  }

  /// Appends another table's facts, translating its symbols into this table's.
  public mutating func merge(_ other: FactTable, lineOffset: Int32 = 0) {
    let idMap = other.ids.strings.indices.map { $0 == 0 ? Int32(0) : ids.intern(other.ids.strings[$0]) }
    func mapKey(_ key: UInt64) -> UInt64 {
      key & EventKey.customBit == 0 ? key : EventKey.customBit | UInt64(idMap[Int(key & 0xffff_ffff)])
    }
    let nameMap = other.names.strings.indices.map { $0 == 0 ? Int32(0) : names.intern(other.names.strings[$0]) }
    let listBase = Int32(lists.count)
    lists.append(contentsOf: other.lists.map { nameMap[Int($0)] })
    facts.reserveCapacity(facts.count + other.facts.count)
    for var fact in other.facts {
      fact.id = mapKey(fact.id)
      fact.target = mapKey(fact.target)
      fact.org = nameMap[Int(fact.org)]
      fact.subject = nameMap[Int(fact.subject)]
      fact.slot0 = nameMap[Int(fact.slot0)]
      fact.slot1 = nameMap[Int(fact.slot1)]
      fact.slot2 = nameMap[Int(fact.slot2)]
      fact.listStart += listBase
      fact.line += lineOffset
      facts.append(fact)
    }
  }
}

extension EventDate {
  /// 0 year, 1 month, 2 day.
  public var precisionCode: UInt8 { month == 0 ? 0 : day == 0 ? 1 : 2 }
}

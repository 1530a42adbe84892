/// An event as the projections need it: integers only (interned strings,
/// dates as `yyyymmdd`), about 80 bytes, so that millions fit in memory.
/// Notes, sources and free-form attributes are not kept: `log` reads the
/// line again at `file`/`offset` when it needs them.
public struct Fact: Sendable {
  /// The event's id as an `EventKey`.
  public var id: UInt64
  /// Symbols in `FactTable.names` (0: none).
  public var org: Int32
  public var subject: Int32
  /// Kind-specific symbols in `FactTable.names`: launch type, predecessor,
  /// codename; hire/depart role; codename codename; strategy label; metric
  /// name and unit; a custom kind's name.
  public var a: Int32
  public var b: Int32
  public var c: Int32
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
  public var offset: Int64

  public var factKind: FactKind { FactKind(rawValue: kind) ?? .custom }

  /// The event's date with its precision.
  public var date: EventDate {
    let day = Day(yyyymmdd: firstDay)
    return EventDate(year: day.year, month: precision >= 1 ? day.month : 0, day: precision >= 2 ? day.day : 0)
  }
}

/// An event id as one integer: a content id (12 lowercase hex digits) is its
/// 48-bit value; any other id is `customBit` plus its symbol in `FactTable.ids`.
/// 0 means none.
public enum EventKey {
  public static let customBit: UInt64 = 1 << 63
  /// Set on content-id keys so that the id 000000000000 is not "none".
  public static let contentBit: UInt64 = 1 << 62

  /// The key of a content-id-form id, or nil for any other id.
  @inline(__always) public static func content(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    guard bytes.count == 12 else { return nil }
    var value: UInt64 = 0
    for byte in bytes {
      let digit: UInt64
      switch byte {
      case 0x30...0x39: digit = UInt64(byte - 0x30)
      case 0x61...0x66: digit = UInt64(byte - 0x61 + 10)
      default: return nil
      }
      value = value << 4 | digit
    }
    return value | contentBit
  }
}

/// The kinds as small integers, in DESIGN.md's order.
public enum FactKind: UInt8, Sendable {
  case launch, pause, resume, retire, throttle, unthrottle, hire, depart, codename, strategy, metric, report, retract
  case custom = 255

  /// The kind named by UTF-8 bytes: a built-in name, or `x-` and a slug.
  public init?(name bytes: UnsafeBufferPointer<UInt8>) {
    for (index, name) in FactKind.names.enumerated() where name.count == bytes.count {
      if name.withUnsafeBufferPointer({ memcmpBytes($0.baseAddress!, bytes.baseAddress!, bytes.count) }) {
        self.init(rawValue: UInt8(index))
        return
      }
    }
    guard bytes.count > 2, bytes[0] == UInt8(ascii: "x"), bytes[1] == UInt8(ascii: "-"),
      bytes.dropFirst(2).allSatisfy(isSlugByte)
    else { return nil }
    self = .custom
  }

  private static let names: [[UInt8]] = Kind.builtIn.map { Array($0.description.utf8) }

  /// The `Kind`, given a custom kind's name.
  public func kind(customName: String) -> Kind {
    self == .custom ? .custom(customName) : Kind.builtIn[Int(rawValue)]
  }

  public init(_ kind: Kind) {
    switch kind {
    case .launch: self = .launch
    case .pause: self = .pause
    case .resume: self = .resume
    case .retire: self = .retire
    case .throttle: self = .throttle
    case .unthrottle: self = .unthrottle
    case .hire: self = .hire
    case .depart: self = .depart
    case .codename: self = .codename
    case .strategy: self = .strategy
    case .metric: self = .metric
    case .report: self = .report
    case .retract: self = .retract
    case .custom: self = .custom
    }
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
    EventKey.content(bytes) ?? (EventKey.customBit | UInt64(ids.intern(bytes)))
  }

  /// The key of an id, if the table knows it (content ids are always "known").
  public func existingKey(_ id: String) -> UInt64? {
    var text = id
    if let key = text.withUTF8({ EventKey.content($0) }) { return key }
    return ids.lookup(id).map { EventKey.customBit | UInt64($0) }
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
    let kind = FactKind(event.kind)
    var fact = Fact(
      id: key(event.id), org: name(event.org), subject: name(event.subject), a: 0, b: 0, c: 0,
      target: (event.supersedes ?? event.retractTarget).map { key($0) } ?? 0,
      firstDay: event.date.firstDay.yyyymmdd, lastDay: event.date.lastDay.yyyymmdd,
      recorded: event.recorded?.milliseconds ?? .max, value: 0, listStart: 0, focusCount: 0, deprioritizeCount: 0,
      kind: kind.rawValue, precision: event.date.precisionCode,
      confidence: event.confidence.code, file: file, line: line, offset: offset)
    switch kind {
    case .launch:
      fact.a = attr("type")
      fact.b = attr("predecessor")
      fact.c = attr("codename")
    case .hire, .depart: fact.a = attr("role")
    case .codename: fact.a = attr("codename")
    case .strategy:
      fact.a = attr("label")
      let focus = event.attrs["focus"]?.strings ?? []
      let deprioritize = event.attrs["deprioritize"]?.strings ?? []
      fact.listStart = Int32(lists.count)
      fact.focusCount = UInt16(clamping: focus.count)
      fact.deprioritizeCount = UInt16(clamping: deprioritize.count)
      for item in focus.prefix(Int(fact.focusCount)) + deprioritize.prefix(Int(fact.deprioritizeCount)) {
        lists.append(names.intern(item))
      }
    case .metric:
      fact.a = attr("name")
      fact.b = attr("unit")
      if case .number(let value)? = event.attrs["value"] { fact.value = value }
    case .custom:
      fact.a = names.intern(event.kind.description)
    default:
      break
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
      fact.a = nameMap[Int(fact.a)]
      fact.b = nameMap[Int(fact.b)]
      fact.c = nameMap[Int(fact.c)]
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

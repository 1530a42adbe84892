/// An event as the projections need it: integers only (interned strings,
/// dates as `yyyymmdd`), about 80 bytes, so that millions fit in memory.
/// Notes, sources and free-form attributes are not kept: `log` reads the
/// line again at `file`/`offset` when it needs them.
public struct Fact: Sendable {
  /// Symbol in `FactTable.ids`.
  public var id: Int32
  /// Symbols in `FactTable.names` (0: none).
  public var org: Int32
  public var subject: Int32
  /// Kind-specific symbols in `FactTable.names`: launch type, predecessor,
  /// codename; hire/depart role; codename codename; strategy label; metric
  /// name and unit; a custom kind's name. For a retraction, `a` is the
  /// target's symbol in `FactTable.ids`.
  public var a: Int32
  public var b: Int32
  public var c: Int32
  /// Symbol in `FactTable.ids` of the event this one supersedes (0: none).
  public var supersedes: Int32
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
  public var confidenceLevel: Confidence { Confidence.allCases[Int(confidence)] }

  /// The event's date with its precision.
  public var date: EventDate {
    let day = Day(yyyymmdd: firstDay)
    return EventDate(year: day.year, month: precision >= 1 ? day.month : 0, day: precision >= 2 ? day.day : 0)
  }
}

/// The kinds as small integers, in DESIGN.md's order.
public enum FactKind: UInt8, Sendable {
  case launch, pause, resume, retire, throttle, unthrottle, hire, depart, codename, strategy, metric, report, retract
  case custom = 255

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
  public var facts: [Fact] = []
  /// Event ids (and the ids that retractions and `supersedes` name).
  public var ids = SymbolTable(capacity: 1024)
  /// Every other string: orgs, subjects, roles, codenames, metric names, ...
  public var names = SymbolTable(capacity: 1024)
  /// Strategy focus and deprioritize items (symbols in `names`).
  public var lists: [Int32] = []
  /// The files facts come from.
  public var files: [String] = []

  public init() {}

  /// A table of `events`, as if read from one file in this order.
  public init<Events: Sequence>(_ events: Events) where Events.Element == Event {
    files = ["(events)"]
    for (index, event) in events.enumerated() { append(event, file: 0, line: Int32(index + 1), offset: 0) }
  }

  public var count: Int { facts.count }

  /// Adds an event (already valid).
  public mutating func append(_ event: Event, file: UInt16, line: Int32, offset: Int64) {
    func name(_ text: String?) -> Int32 { text.map { names.intern($0) } ?? 0 }
    func attr(_ key: String) -> Int32 {
      if case .string(let text)? = event.attrs[key] { return names.intern(text) }
      return 0
    }
    let kind = FactKind(event.kind)
    var fact = Fact(
      id: ids.intern(event.id), org: name(event.org), subject: name(event.subject), a: 0, b: 0, c: 0,
      supersedes: event.supersedes.map { ids.intern($0) } ?? 0,
      firstDay: event.date.firstDay.yyyymmdd, lastDay: event.date.lastDay.yyyymmdd,
      recorded: event.recorded?.milliseconds ?? .max, value: 0, listStart: 0, focusCount: 0, deprioritizeCount: 0,
      kind: kind.rawValue, precision: event.date.precisionCode,
      confidence: UInt8(Confidence.allCases.firstIndex(of: event.confidence)!), file: file, line: line, offset: offset)
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
    case .retract:
      fact.a = event.retractTarget.map { ids.intern($0) } ?? 0
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
  public mutating func merge(_ other: FactTable, fileOffset: UInt16 = 0, lineOffset: Int32 = 0) {
    let idMap = other.ids.strings.indices.map { $0 == 0 ? Int32(0) : ids.intern(other.ids.strings[$0]) }
    let nameMap = other.names.strings.indices.map { $0 == 0 ? Int32(0) : names.intern(other.names.strings[$0]) }
    let listBase = Int32(lists.count)
    lists.append(contentsOf: other.lists.map { nameMap[Int($0)] })
    facts.reserveCapacity(facts.count + other.facts.count)
    for var fact in other.facts {
      fact.id = idMap[Int(fact.id)]
      fact.org = nameMap[Int(fact.org)]
      fact.subject = nameMap[Int(fact.subject)]
      if fact.factKind == .retract {
        fact.a = idMap[Int(fact.a)]
      } else {
        fact.a = nameMap[Int(fact.a)]
      }
      fact.b = nameMap[Int(fact.b)]
      fact.c = nameMap[Int(fact.c)]
      fact.supersedes = idMap[Int(fact.supersedes)]
      fact.listStart += listBase
      fact.file += fileOffset
      fact.line += lineOffset
      facts.append(fact)
    }
  }
}

extension EventDate {
  /// 0 year, 1 month, 2 day.
  public var precisionCode: UInt8 { month == 0 ? 0 : day == 0 ? 1 : 2 }
}

/// One fact in the log: something that happened at `date`, recorded at `recorded`.
public struct Event: Sendable, Hashable {
  /// The event's id: a content id (12 lowercase hex digits) or one chosen with `--id`.
  public var id: String
  public var date: EventDate
  public var kind: Kind
  public var org: String?
  public var subject: String?
  public var attrs: Attributes
  public var confidence: Confidence
  public var source: Source?
  public var supersedes: String?
  public var note: String?
  /// When it was appended; nil only before `add` stamps it.
  public var recorded: Timestamp?

  public init(
    id: String = "", date: EventDate, kind: Kind, org: String? = nil, subject: String? = nil,
    attrs: Attributes = Attributes(), confidence: Confidence = .reported, source: Source? = nil,
    supersedes: String? = nil, note: String? = nil, recorded: Timestamp? = nil
  ) {
    self.id = id
    self.date = date
    self.kind = kind
    self.org = org
    self.subject = subject
    self.attrs = attrs
    self.confidence = confidence
    self.source = source
    self.supersedes = supersedes
    self.note = note
    self.recorded = recorded
  }

  /// For a retraction, the id of the event it retracts.
  public var retractTarget: String? {
    guard kind == .retract, case .string(let target) = attrs["target"] else { return nil }
    return target
  }
}

/// What kind of fact an event records: a built-in kind (a row of the kind
/// table, `FactKind`) or a custom kind spelled `x-...`.
public struct Kind: Sendable, Hashable, CustomStringConvertible {
  /// Its row in the kind table; `.custom` for every custom kind.
  public let code: FactKind
  /// A custom kind's name (`x-...`); empty for a built-in kind.
  public let customName: String

  @usableFromInline init(code: FactKind, customName: String = "") {
    self.code = code
    self.customName = customName
  }

  @inlinable public static var launch: Kind { Kind(code: .launch) }
  @inlinable public static var pause: Kind { Kind(code: .pause) }
  @inlinable public static var resume: Kind { Kind(code: .resume) }
  @inlinable public static var retire: Kind { Kind(code: .retire) }
  @inlinable public static var throttle: Kind { Kind(code: .throttle) }
  @inlinable public static var unthrottle: Kind { Kind(code: .unthrottle) }
  @inlinable public static var hire: Kind { Kind(code: .hire) }
  @inlinable public static var depart: Kind { Kind(code: .depart) }
  @inlinable public static var codename: Kind { Kind(code: .codename) }
  @inlinable public static var strategy: Kind { Kind(code: .strategy) }
  @inlinable public static var metric: Kind { Kind(code: .metric) }
  @inlinable public static var report: Kind { Kind(code: .report) }
  @inlinable public static var retract: Kind { Kind(code: .retract) }

  /// A custom kind, spelled `x-...`.
  public static func custom(_ name: String) -> Kind { Kind(code: .custom, customName: name) }

  /// Every built-in kind, in the order of DESIGN.md's table.
  public static let builtIn: [Kind] = FactKind.builtIn.map { Kind(code: $0) }

  public init?(_ name: String) {
    if let kind = Kind.builtIn.first(where: { $0.description == name }) {
      self = kind
    } else if Kind.isCustomName(name) {
      self = .custom(name)
    } else {
      return nil
    }
  }

  /// `x-` followed by lowercase letters, digits, dots and hyphens.
  public static func isCustomName(_ name: String) -> Bool {
    name.hasPrefix("x-") && name.utf8.count > 2 && name.utf8.dropFirst(2).allSatisfy(isSlugByte)
  }

  public var description: String { code == .custom ? customName : code.name }

  /// The same kind: the same row, and for custom kinds the same name.
  @inlinable public static func == (lhs: Kind, rhs: Kind) -> Bool {
    lhs.code == rhs.code && (lhs.code != .custom || lhs.customName == rhs.customName)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(code)
    if code == .custom { hasher.combine(customName) }
  }

  /// The kinds whose subject is a product and that change its status.
  public var isProductKind: Bool { code.isProduct }
}

/// How sure the log is of a fact.
public enum Confidence: String, Sendable, Hashable, CaseIterable, Comparable {
  case rumor, reported, confirmed

  /// 0, 1, 2 from rumor to confirmed: how facts store it, and its order.
  public var code: UInt8 {
    switch self {
    case .rumor: 0
    case .reported: 1
    case .confirmed: 2
    }
  }

  /// The confidence stored as `code`.
  public init(code: UInt8) { self = Confidence.allCases[Int(code)] }

  public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.code < rhs.code }
}

/// Where a fact comes from.
public struct Source: Sendable, Hashable {
  public var title: String?
  public var publisher: String?
  public var url: String?
  public var date: EventDate?

  public init(title: String? = nil, publisher: String? = nil, url: String? = nil, date: EventDate? = nil) {
    self.title = title
    self.publisher = publisher
    self.url = url
    self.date = date
  }

  public var isEmpty: Bool { title == nil && publisher == nil && url == nil && date == nil }
}

/// One attribute value: a string, a number, a boolean or a list of strings.
public enum AttrValue: Sendable, Hashable, CustomStringConvertible {
  case string(String)
  case number(Double)
  case bool(Bool)
  case strings([String])

  public var description: String {
    switch self {
    case .string(let text): text
    case .number(let value): CanonicalJSON.numberText(value)
    case .bool(let value): value ? "true" : "false"
    case .strings(let items): items.joined(separator: ", ")
    }
  }

  /// The items of a list, or the one string.
  public var strings: [String] {
    switch self {
    case .string(let text): [text]
    case .strings(let items): items
    default: []
    }
  }
}

/// An event's `attrs`: keys kept sorted by code point (their UTF-8 bytes), so
/// that the canonical encoding can write them in order.
public struct Attributes: Sendable, Hashable, Sequence {
  public struct Pair: Sendable, Hashable {
    public var key: String
    public var value: AttrValue

    public init(key: String, value: AttrValue) {
      self.key = key
      self.value = value
    }
  }

  public private(set) var pairs: [Pair] = []

  public init() {}

  /// Attributes from pairs with distinct keys, in any order.
  public init(_ pairs: [Pair]) {
    self.pairs = pairs.sorted { codePointPrecedes($0.key, $1.key) }
  }

  public var isEmpty: Bool { pairs.isEmpty }
  public var count: Int { pairs.count }
  public var keys: [String] { pairs.map(\.key) }

  public func makeIterator() -> IndexingIterator<[Pair]> { pairs.makeIterator() }

  public subscript(key: String) -> AttrValue? {
    get {
      pairs.first { sameBytes($0.key, key) }?.value
    }
    set {
      if let index = pairs.firstIndex(where: { sameBytes($0.key, key) }) {
        if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
      } else if let newValue {
        let index = pairs.firstIndex { codePointPrecedes(key, $0.key) } ?? pairs.count
        pairs.insert(Pair(key: key, value: newValue), at: index)
      }
    }
  }

  public static func == (lhs: Attributes, rhs: Attributes) -> Bool {
    lhs.pairs.count == rhs.pairs.count
      && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && $0.value == $1.value }
  }

  public func hash(into hasher: inout Hasher) {
    for pair in pairs {
      hasher.combine(Array(pair.key.utf8))
      hasher.combine(pair.value)
    }
  }
}

/// Whether two strings have the same UTF-8 bytes (`==` on String compares
/// canonical equivalence, which is not what keys mean here).
@inline(__always) func sameBytes(_ a: String, _ b: String) -> Bool {
  var a = a
  var b = b
  guard a.utf8.count == b.utf8.count else { return false }
  return a.withUTF8 { x in b.withUTF8 { y in x.count == 0 || memcmpBytes(x.baseAddress!, y.baseAddress!, x.count) } }
}

@inline(__always) func isSlugByte(_ byte: UInt8) -> Bool {
  (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
}

/// Whether `a` sorts before `b` by code point, which for UTF-8 is byte
/// order: one memcmp for native strings (Swift's `<` orders by canonical
/// equivalence instead, and the generic walk over `utf8` is slow on the
/// hundreds of thousands of keys a big answer sorts).
@inlinable
public func codePointPrecedes(_ a: String, _ b: String) -> Bool {
  let fast = a.utf8.withContiguousStorageIfAvailable { pa in
    b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
      let common = min(pa.count, pb.count)
      if common > 0 {
        let order = Sys.compareBytes(pa.baseAddress!, pb.baseAddress!, count: common)
        if order != 0 { return order < 0 }
      }
      return pa.count < pb.count
    }
  }
  if let fast, let fast { return fast }
  return a.utf8.lexicographicallyPrecedes(b.utf8)
}

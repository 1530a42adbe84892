/// The kinds as small integers, in DESIGN.md's order, and the kind table:
/// each built-in kind once, with its name, whether it changes a product's
/// status, and which of its attributes a `Fact` keeps where. `Kind` (an
/// event's kind), the scanner, the fact table and the projections all read
/// this one table.
public enum FactKind: UInt8, Sendable, CaseIterable {
  case launch, pause, resume, retire, throttle, unthrottle, hire, depart, codename, strategy, metric, report, retract
  case custom = 255

  /// One row of the kind table.
  struct Row {
    var kind: FactKind
    var name: StaticString
    /// What its subject must be.
    var subject: EventSchema.SubjectRule
    /// Its subject is a product whose status or throttling it changes.
    var isProduct = false
    /// The attributes it knows (DESIGN.md, "Kinds"); nil: any (a report).
    var attrs: [EventSchema.AttrSpec]? = []
    /// The attributes its fact keeps, each in the field it names.
    var keeps: [KeptAttr] = []
  }

  /// The kind table, in DESIGN.md's order (`rawValue` is the row's index).
  static let table: [Row] = {
    typealias Spec = EventSchema.AttrSpec
    func s(_ name: String, required: Bool = false) -> Spec { Spec(name: name, type: .string, required: required) }
    return [
      Row(kind: .launch, name: "launch", subject: .product, isProduct: true, attrs: [s("type"), s("predecessor"), s("codename")], keeps: [
        KeptAttr("type", .launchType), KeptAttr("predecessor", .predecessor, formChecked: true),
        KeptAttr("codename", .codename),
      ]),
      Row(kind: .pause, name: "pause", subject: .product, isProduct: true, attrs: [s("reason")]),
      Row(kind: .resume, name: "resume", subject: .product, isProduct: true),
      Row(kind: .retire, name: "retire", subject: .product, isProduct: true, attrs: [s("reason")]),
      Row(kind: .throttle, name: "throttle", subject: .product, isProduct: true, attrs: [s("limit")]),
      Row(kind: .unthrottle, name: "unthrottle", subject: .product, isProduct: true),
      Row(kind: .hire, name: "hire", subject: .person, attrs: [s("role", required: true), s("from")], keeps: [KeptAttr("role", .role)]),
      Row(kind: .depart, name: "depart", subject: .person, attrs: [s("role")], keeps: [KeptAttr("role", .role)]),
      Row(kind: .codename, name: "codename", subject: .optionalProduct, attrs: [s("codename", required: true)], keeps: [KeptAttr("codename", .codename)]),
      Row(kind: .strategy, name: "strategy", subject: .orgOnly,
          attrs: [s("label"), Spec(name: "focus", type: .strings, required: false), Spec(name: "deprioritize", type: .strings, required: false)],
          keeps: [KeptAttr("label", .label), KeptAttr("focus", .focus), KeptAttr("deprioritize", .deprioritize)]),
      Row(kind: .metric, name: "metric", subject: .productOrOrg,
          attrs: [s("name", required: true), Spec(name: "value", type: .number, required: true), s("unit")],
          keeps: [KeptAttr("name", .metricName), KeptAttr("unit", .unit), KeptAttr("value", .value)]),
      Row(kind: .report, name: "report", subject: .any, attrs: nil),
      Row(kind: .retract, name: "retract", subject: .none, attrs: [s("target", required: true), s("reason")], keeps: [KeptAttr("target", .target)]),
    ]
  }()

  /// The attributes the kind knows; nil: any (a report, a custom kind).
  public var attrs: [EventSchema.AttrSpec]? { self == .custom ? nil : FactKind.table[Int(rawValue)].attrs }

  /// What the kind's subject must be.
  public var subjectRule: EventSchema.SubjectRule { self == .custom ? .any : FactKind.table[Int(rawValue)].subject }

  /// Whether its events may hold strings in `attrs` that the fact does not
  /// keep (a pause's reason, a hire's `from`, anything of a report or a
  /// custom kind): a name the fact table does not know may be there.
  @inline(__always) public var holdsUnkeptStrings: Bool { FactKind.unkeptStrings[Int(rawValue)] }

  /// `holdsUnkeptStrings` by raw value (custom included), from the table.
  private static let unkeptStrings: [Bool] = (0...255).map { raw in
    guard let kind = FactKind(rawValue: UInt8(raw)) else { return false }
    guard let attrs = kind.attrs else { return true }
    let kept = Set(kind.keptAttributes.map(\.key))
    return attrs.contains { $0.type != .number && !kept.contains($0.name) }
  }

  /// The table's names (as strings, each short enough to be stored inline,
  /// so copies are free) and product flags as plain arrays, which the hot
  /// paths read without reference counting (a row holds an array).
  private static let nameStrings: [String] = table.map(\.name.description)
  private static let products: [Bool] = table.map(\.isProduct)

  /// Every built-in kind, in DESIGN.md's order.
  public static let builtIn: [FactKind] = table.map(\.kind)

  /// The kind's name as the log spells it; "x-" for `custom`, whose events each spell their own.
  public var name: String { self == .custom ? "x-" : FactKind.nameStrings[Int(rawValue)] }

  /// Whether its subject is a product whose status or throttling it changes.
  @inline(__always) public var isProduct: Bool { self != .custom && FactKind.products[Int(rawValue)] }

  /// What the kind's fact keeps of its attributes (none for free-form kinds).
  public var keptAttributes: [KeptAttr] { self == .custom ? [] : FactKind.table[Int(rawValue)].keeps }

  /// `keptAttributes` of each built-in kind in memory that lives as long as
  /// the program, so that the scanner, which looks up every attribute of
  /// every line, reads them without reference counting.
  nonisolated(unsafe) static let keptBuffers: [UnsafeBufferPointer<KeptAttr>] = table.map { row in
    let buffer = UnsafeMutableBufferPointer<KeptAttr>.allocate(capacity: row.keeps.count)
    _ = buffer.initialize(from: row.keeps)
    return UnsafeBufferPointer(buffer)
  }

  /// The kind named by UTF-8 bytes: a built-in name, or `x-` and a slug.
  public init?(name bytes: UnsafeBufferPointer<UInt8>) {
    // The one built-in name it can be, by its length and a letter, then the
    // whole name (every line has a kind: a walk over the names cost more
    // than the rest of the field). The names are literals, as in `table`.
    guard let base = bytes.baseAddress else { return nil }
    let candidate: (kind: FactKind, name: StaticString)?
    switch (bytes.count, bytes.count >= 4 ? base[0] : 0) {
    case (4, UInt8(ascii: "h")): candidate = (.hire, "hire")
    case (5, UInt8(ascii: "p")): candidate = (.pause, "pause")
    case (6, UInt8(ascii: "l")): candidate = (.launch, "launch")
    case (6, UInt8(ascii: "d")): candidate = (.depart, "depart")
    case (6, UInt8(ascii: "m")): candidate = (.metric, "metric")
    case (6, UInt8(ascii: "r")):
      switch base[2] {
      case UInt8(ascii: "s"): candidate = (.resume, "resume")
      case UInt8(ascii: "t"): candidate = (.retire, "retire")
      case UInt8(ascii: "p"): candidate = (.report, "report")
      default: candidate = nil
      }
    case (7, UInt8(ascii: "r")): candidate = (.retract, "retract")
    case (8, UInt8(ascii: "t")): candidate = (.throttle, "throttle")
    case (8, UInt8(ascii: "c")): candidate = (.codename, "codename")
    case (8, UInt8(ascii: "s")): candidate = (.strategy, "strategy")
    case (10, UInt8(ascii: "u")): candidate = (.unthrottle, "unthrottle")
    default: candidate = nil
    }
    if let candidate, memcmpBytes(candidate.name.utf8Start, base, bytes.count) {
      self = candidate.kind
      return
    }
    guard bytes.count > 2, bytes[0] == UInt8(ascii: "x"), bytes[1] == UInt8(ascii: "-"),
      bytes.dropFirst(2).allSatisfy(isSlugByte)
    else { return nil }
    self = .custom
  }

  /// The `Kind`, given a custom kind's name.
  public func kind(customName: String) -> Kind {
    self == .custom ? .custom(customName) : Kind(code: self)
  }

  /// The code of an event's kind.
  @inline(__always) public init(_ kind: Kind) { self = kind.code }
}

/// An attribute of a built-in kind that its fact keeps, and where.
public struct KeptAttr: Sendable {
  /// The attribute's key in `attrs`.
  public let name: StaticString
  public let field: FactField
  /// Validation looks at the form of its value (a launch's predecessor must
  /// be `ORG/slug`: `EventSchema.checkAttrs`), so the scanner's memo of
  /// verdicts must tell its values apart.
  let formChecked: Bool

  /// The attribute named by UTF-8 bytes among `kept`, or nil.
  @inline(__always) static func find(_ key: UnsafeBufferPointer<UInt8>, in kept: UnsafeBufferPointer<KeptAttr>) -> KeptAttr? {
    guard let base = key.baseAddress else { return nil }
    for attr in kept where attr.name.utf8CodeUnitCount == key.count {
      if memcmpBytes(base, attr.name.utf8Start, key.count) { return attr }
    }
    return nil
  }

  init(_ name: StaticString, _ field: FactField, formChecked: Bool = false) {
    self.name = name
    self.field = field
    self.formChecked = formChecked
  }

  /// The attribute's key as a string.
  public var key: String { name.description }
}

/// A field of a `Fact` that holds one attribute of its event.
public enum FactField: UInt8, Sendable {
  /// Names (symbols in `FactTable.names`), each in one of the fact's three name
  /// slots: a launch's type, a hire's or depart's role, a strategy's label
  /// and a metric's name share the first (as does a custom kind's own name);
  /// a launch's predecessor and a metric's unit the second; a codename the third.
  case launchType, role, label, metricName, predecessor, unit, codename
  /// A metric's value.
  case value
  /// A retraction's target (the fact's `target`).
  case target
  /// A strategy's lists (`FactTable.focus(of:)`, `FactTable.deprioritize(of:)`).
  case focus, deprioritize

  /// Whether the field holds a name (a symbol in `FactTable.names`).
  public var isName: Bool { slot != nil }

  /// The name slot the field is kept in (0, 1, 2), or nil for a field that is not a name.
  @inline(__always) var slot: Int? {
    switch self {
    case .launchType, .role, .label, .metricName: 0
    case .predecessor, .unit: 1
    case .codename: 2
    case .value, .target, .focus, .deprioritize: nil
    }
  }
}

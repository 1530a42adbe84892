/// What each kind of event must and may carry (DESIGN.md, "Kinds").
public enum EventSchema {
  /// The type an attribute's value must have.
  public enum AttrType: Sendable {
    case string, number, strings

    var description: String {
      switch self {
      case .string: "a string"
      case .number: "a number"
      case .strings: "an array of strings"
      }
    }
  }

  /// One attribute a kind knows.
  public struct AttrSpec: Sendable {
    public var name: String
    public var type: AttrType
    public var required: Bool
  }

  /// What a kind's subject must be.
  public enum SubjectRule: Sendable {
    /// `ORG/slug` of the event's org, required.
    case product
    /// `ORG/slug` of the event's org, optional.
    case optionalProduct
    /// A person slug, required.
    case person
    /// Absent or the org itself.
    case orgOnly
    /// The org itself or one of its products; absent means the org.
    case productOrOrg
    /// Anything of slug or `ORG/slug` form, optional.
    case any
    /// Must be absent.
    case none
  }

  /// The attributes of a kind (the kind table's); nil means any attributes are allowed.
  public static func attrs(of kind: Kind) -> [AttrSpec]? { kind.code.attrs }

  /// The rule for a kind's subject (the kind table's).
  public static func subjectRule(of kind: Kind) -> SubjectRule { kind.code.subjectRule }

  /// The type an attribute's value takes for `kind`: the schema's, or for
  /// free-form kinds a string (a list when given more than once).
  public static func attrType(_ name: String, of kind: Kind) -> AttrType? {
    guard let specs = attrs(of: kind) else { return nil }
    return specs.first { $0.name == name }?.type
  }

  /// Checks every rule that one event must follow on its own.
  /// - Throws: the first broken rule, naming the field and how to fix it.
  public static func validate(_ event: Event) throws(ValueError) {
    if !event.id.isEmpty { try checkID(event.id, field: "id") }
    try checkOrgAndSubject(event)
    try checkAttrs(event)
    try checkSourceAndReferences(event)
  }

  /// Every rule one new event breaks, each said as `validate` says it: the
  /// id, the org, the subject, the attrs, the source and references (the
  /// first fault of each), then its names and its source URL. Empty: valid.
  public static func faults(_ event: Event) -> [ValueError] {
    var found: [ValueError] = []
    func run(_ check: (Event) throws(ValueError) -> Void) {
      do throws(ValueError) { try check(event) } catch { found.append(error) }
    }
    if !event.id.isEmpty { run { event throws(ValueError) in try checkID(event.id, field: "id") } }
    run(checkOrg)
    run(checkSubject)
    run(checkAttrs)
    run(checkSourceAndReferences)
    run(Names.check)
    run(checkSourceURL)
    return found
  }

  /// The org (absent for a retraction, a slug otherwise) and the subject the kind calls for.
  static func checkOrgAndSubject(_ event: Event) throws(ValueError) {
    try checkOrg(event)
    try checkSubject(event)
  }

  /// The org: absent for a retraction, a slug otherwise.
  static func checkOrg(_ event: Event) throws(ValueError) {
    let kindName = event.kind.description
    if event.kind == .retract {
      if event.org != nil { throw ValueError("a retract event has no \"org\"; remove it") }
    } else {
      guard let org = event.org else {
        let hint = event.subject.flatMap(productParts).map { "; its subject \($0.org)/\($0.slug) suggests \"org\": \"\($0.org)\"" }
        throw ValueError("missing \"org\": every \(kindName) event names an org (a slug like openai)\(hint ?? "")")
      }
      try checkOrg(org)
    }
  }

  /// A source with a title or url; `supersedes` and a retraction's target naming another event.
  static func checkSourceAndReferences(_ event: Event) throws(ValueError) {
    if let source = event.source {
      guard source.title != nil || source.url != nil else {
        throw ValueError("\"source\" needs at least a title or a url")
      }
    }
    if let supersedes = event.supersedes {
      try checkID(supersedes, field: "supersedes")
      if event.kind == .retract { throw ValueError("a retract event cannot supersede another event") }
      if supersedes == event.id { throw ValueError("an event cannot supersede itself") }
    }
    if let target = event.retractTarget {
      try checkID(target, field: "attrs.target")
      if target == event.id { throw ValueError("an event cannot retract itself") }
    }
  }

  /// `[A-Za-z0-9._-]{1,64}`.
  public static func isValidID(_ id: String) -> Bool {
    var id = id
    return id.withUTF8 { isValidID(bytes: $0) }
  }

  /// `[A-Za-z0-9._-]{1,64}`, for UTF-8 bytes.
  @inline(__always) public static func isValidID(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard !bytes.isEmpty && bytes.count <= 64 else { return false }
    for byte in bytes {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
        continue
      default:
        return false
      }
    }
    return true
  }

  /// Exactly 12 lowercase hex digits: an id that must match the content.
  public static func isContentIDForm(_ id: String) -> Bool {
    var id = id
    return id.withUTF8 { EventKey.content($0) } != nil
  }

  static func checkID(_ id: String, field: String) throws(ValueError) {
    guard isValidID(id) else {
      throw ValueError("\"\(field)\": \"\(id)\" is not a valid id: use 1 to 64 of A-Z a-z 0-9 . _ -")
    }
  }

  /// `[a-z0-9][a-z0-9-]*`.
  public static func isOrgSlug(_ text: String) -> Bool {
    guard let first = text.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: ".") else { return false }
    return text.utf8.allSatisfy { isSlugByte($0) && $0 != UInt8(ascii: ".") }
  }

  /// `[a-z0-9][a-z0-9.-]*`.
  public static func isSlug(_ text: String) -> Bool {
    guard let first = text.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: ".") else { return false }
    return text.utf8.allSatisfy(isSlugByte)
  }

  /// Splits `ORG/slug` into its parts, if it has that form.
  public static func productParts(_ text: String) -> (org: String, slug: String)? {
    let utf8 = text.utf8
    guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
    let org = String(Substring(utf8[..<slash]))
    let slug = String(Substring(utf8[utf8.index(after: slash)...]))
    guard isOrgSlug(org), isSlug(slug) else { return nil }
    return (org, slug)
  }

  static func checkOrg(_ org: String) throws(ValueError) {
    guard isOrgSlug(org) else {
      throw ValueError("\"org\": \"\(org)\" is not an org slug: \(slugAdvice(slugProblem(org, org: true), otherwise: "use lowercase letters, digits and hyphens, like openai or deepmind"))")
    }
  }

  static func checkSubject(_ event: Event) throws(ValueError) {
    let kind = event.kind.description
    let org = event.org ?? ""
    let rule = subjectRule(of: event.kind)
    guard let subject = event.subject else {
      switch rule {
      case .product:
        throw ValueError("missing \"subject\": a \(kind) event is about a product, written \(org.isEmpty ? "ORG" : org)/slug (like openai/sora)")
      case .person:
        throw ValueError("missing \"subject\": a \(kind) event is about a person, written as a slug (like sam-altman)")
      default: return
      }
    }
    func mustBeOwnProduct() throws(ValueError) {
      guard let parts = productParts(subject) else {
        let problem = productIDProblem(subject)
        let advice = subject.contains("/")
          ? slugAdvice(problem, otherwise: "write ORG/slug with a lowercase slug, like \(org.isEmpty ? "openai" : org)/gpt-5.2")
          : "write ORG/slug, like \(org.isEmpty ? "ORG" : org)/\(slugProblem(subject, org: false)?.fix ?? subject)"
        throw ValueError("\"subject\": \"\(subject)\" is not a product id: \(advice)")
      }
      // A missing org is its own fault (`checkOrg`), which names the subject's org.
      guard parts.org == org || event.org == nil else {
        throw ValueError("\"subject\": \"\(subject)\" belongs to \(parts.org), but the event's org is \(org); a \(kind) event is about the org's own product (\(org)/\(parts.slug)?)")
      }
    }
    switch rule {
    case .product, .optionalProduct:
      try mustBeOwnProduct()
    case .person:
      guard isSlug(subject) else {
        throw ValueError("\"subject\": \"\(subject)\" is not a person slug: \(slugAdvice(slugProblem(subject, org: false), otherwise: "use lowercase letters, digits, dots and hyphens, like denise-dresser"))")
      }
    case .orgOnly:
      guard subject == org else {
        throw ValueError("\"subject\": a strategy event is about its org; leave the subject out or write \"\(org)\"")
      }
    case .productOrOrg:
      if subject != org { try mustBeOwnProduct() }
    case .any:
      guard isSlug(subject) || productParts(subject) != nil else {
        let advice = slugAdvice(subject.contains("/") ? productIDProblem(subject) : slugProblem(subject, org: false), otherwise: "")
        throw ValueError("\"subject\": \"\(subject)\" is not a slug or an ORG/slug product id\(advice.isEmpty ? "" : ": " + advice)")
      }
    case .none:
      throw ValueError("a \(kind) event has no \"subject\"; remove it")
    }
  }

  static func checkAttrs(_ event: Event) throws(ValueError) {
    let kind = event.kind.description
    guard let specs = attrs(of: event.kind) else {
      for pair in event.attrs where pair.key.isEmpty {
        throw ValueError("\"attrs\" has an empty key")
      }
      return
    }
    let names = specs.map(\.name)
    for pair in event.attrs {
      guard let spec = specs.first(where: { $0.name == pair.key }) else {
        let known = names.isEmpty ? "a \(kind) event takes no attrs" : "a \(kind) event takes " + names.joined(separator: ", ")
        throw ValueError("unknown attr \"\(pair.key)\"\(didYouMean(pair.key, in: names)): \(known)")
      }
      // Of a free-text string (anything but the values checked below) only
      // emptiness matters: EventScanner's validation memo relies on it.
      switch (spec.type, pair.value) {
      case (.string, .string(let text)):
        if text.isEmpty { throw ValueError("attr \"\(pair.key)\" is empty") }
      case (.number, .number): break
      case (.strings, .strings): break
      default:
        throw ValueError("attr \"\(pair.key)\" of a \(kind) event must be \(spec.type.description), not \(describe(pair.value))")
      }
    }
    for spec in specs where spec.required && event.attrs[spec.name] == nil {
      throw ValueError("missing attr \"\(spec.name)\": a \(kind) event needs it", hint: .missingAttr(name: spec.name, example: example(for: spec.name)))
    }
    if case .string(let predecessor) = event.attrs["predecessor"], productParts(predecessor) == nil {
      let advice = predecessor.contains("/") ? slugAdvice(productIDProblem(predecessor), otherwise: "") : ""
      throw ValueError("attr \"predecessor\": \"\(predecessor)\" is not a product id: \(advice.isEmpty ? "write ORG/slug, like openai/gpt-5.1" : advice)")
    }
    for name in ["focus", "deprioritize"] {
      for item in event.attrs[name]?.strings ?? [] where item.isEmpty {
        throw ValueError("attr \"\(name)\" has an empty item")
      }
    }
  }

  static func describe(_ value: AttrValue) -> String {
    switch value {
    case .string: "a string"
    case .number: "a number"
    case .bool: "a boolean"
    case .strings: "an array"
    }
  }

  /// A value a required attr could take, for the message that says it is missing.
  static func example(for attr: String) -> AttrExample {
    switch attr {
    case "role": .string("CEO")
    case "codename": .string("olive-oil-cake")
    case "name": .string("valuation")
    case "value": .number("500000000000")
    case "target": .described("the id of the event to retract")
    default: .any
    }
  }
}

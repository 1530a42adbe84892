import EventLog

/// A JSON value to compare answers: objects are unordered, arrays ordered.
/// Both the naive model and the real projections (library or binary) are
/// turned into this, so that they can be compared whatever their types.
public indirect enum J: Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([J])
  case object([String: J])

  public static func string(_ text: String?) -> J { text.map(J.string) ?? .null }
  public static func strings(_ items: [String]) -> J { .array(items.map(J.string)) }

  public subscript(key: String) -> J? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  public var arrayValue: [J] {
    if case .array(let items) = self { return items }
    return []
  }

  /// Compact JSON with keys sorted, so that two equal values print the same.
  public var description: String {
    switch self {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let value): return CanonicalJSON.numberText(value)
    case .string(let text):
      var out: [UInt8] = []
      CanonicalJSON.appendString(text, to: &out)
      return String(decoding: out, as: UTF8.self)
    case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
    case .object(let members):
      return "{" + members.keys.sorted().map { J.string($0).description + ":" + members[$0]!.description }.joined(separator: ",") + "}"
    }
  }

  /// Reads a JSON document (the binary's `--json` output).
  public static func parse(_ text: String) throws -> J {
    J(try JSONParser.parse(Array(text.utf8)))
  }

  init(_ value: JSONValue) {
    switch value {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .number(let number): self = .number(number.value)
    case .string(let text): self = .string(text)
    case .array(let items): self = .array(items.map(J.init))
    case .object(let members):
      var dict: [String: J] = [:]
      for member in members { dict[member.key] = J(member.value) }
      self = .object(dict)
    }
  }
}

/// Where two values differ, as paths, for readable failures.
public func differences(_ a: J, _ b: J, path: String = "$") -> [String] {
  switch (a, b) {
  case (.object(let x), .object(let y)):
    var found: [String] = []
    for key in Set(x.keys).union(y.keys).sorted() {
      found += differences(x[key] ?? .string("<missing>"), y[key] ?? .string("<missing>"), path: path + "." + key)
    }
    return found
  case (.array(let x), .array(let y)) where x.count == y.count:
    return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, path: path + "[\($0)]") }
  default:
    return a == b ? [] : ["\(path): \(a) != \(b)"]
  }
}

/// Values that name things (DESIGN.md, "Kinds"): a role, a codename, a
/// metric's name or unit, a strategy label, a focus or deprioritize item, a
/// launch type. Replay compares them byte for byte, so a name that differs
/// from another only by an invisible character, or a space at its end, is a
/// different name that looks the same. New events are refused such names;
/// `check` warns about those already in a log.
public enum Names {
  /// The kinds of name that are compared with each other.
  public enum Category: Int, Sendable, CaseIterable {
    case role, codename, metricName, unit, label, focusItem, launchType

    /// The plural used in messages ("two roles").
    public var plural: String {
      switch self {
      case .role: "roles"
      case .codename: "codenames"
      case .metricName: "metric names"
      case .unit: "units"
      case .label: "strategy labels"
      case .focusItem: "focus items"
      case .launchType: "launch types"
      }
    }

    /// The singular used in messages ("another role").
    public var singular: String {
      switch self {
      case .role: "role"
      case .codename: "codename"
      case .metricName: "metric name"
      case .unit: "unit"
      case .label: "strategy label"
      case .focusItem: "focus item"
      case .launchType: "launch type"
      }
    }
  }

  /// The launch types replay and lineage know; others are allowed.
  public static let knownLaunchTypes = ["model", "product", "feature", "service", "platform"]

  /// What is wrong with a name.
  public struct Fault: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
      case leadingSpace, trailingSpace, noBreakSpace, formatCharacter
    }

    public var kind: Kind
    /// The offending character.
    public var scalar: Unicode.Scalar
    /// Its place in the name, counting characters (Unicode scalars) from 1.
    public var position: Int

    /// "ends with white space (U+0020 SPACE, character 4)".
    public var description: String {
      let what = "\(codePoint(scalar))\(scalar.properties.name.map { " " + $0 } ?? ""), character \(position)"
      switch kind {
      case .leadingSpace: return "starts with white space (\(what))"
      case .trailingSpace: return "ends with white space (\(what))"
      case .noBreakSpace: return "holds a no-break space (\(what)), which looks like a space but is another character"
      case .formatCharacter: return "holds an invisible format character (\(what))"
      }
    }
  }

  /// The first thing wrong with `name`: white space at either end, a no-break
  /// space (U+00A0, U+2007, U+202F) or a format character (category Cf, such
  /// as U+200B or U+FEFF) anywhere.
  public static func fault(_ name: String) -> Fault? {
    // Fast path: printable ASCII that neither starts nor ends with a space.
    let utf8 = name.utf8
    if let first = utf8.first, let last = utf8.last, first > 0x20, last > 0x20,
      utf8.allSatisfy({ $0 < 0x7f })
    {
      return nil
    }
    let scalars = Array(name.unicodeScalars)
    if let first = scalars.first, first.properties.isWhitespace {
      return Fault(kind: .leadingSpace, scalar: first, position: 1)
    }
    for (index, scalar) in scalars.enumerated() {
      if isNoBreakSpace(scalar) { return Fault(kind: .noBreakSpace, scalar: scalar, position: index + 1) }
      if scalar.properties.generalCategory == .format {
        return Fault(kind: .formatCharacter, scalar: scalar, position: index + 1)
      }
    }
    if let last = scalars.last, last.properties.isWhitespace {
      return Fault(kind: .trailingSpace, scalar: last, position: scalars.count)
    }
    return nil
  }

  static func isNoBreakSpace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value == 0xa0 || scalar.value == 0x2007 || scalar.value == 0x202f
  }

  /// The name as it was most likely meant: format characters dropped,
  /// no-break spaces made spaces, white space at the ends trimmed.
  public static func cleaned(_ name: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in name.unicodeScalars where scalar.properties.generalCategory != .format {
      scalars.append(isNoBreakSpace(scalar) ? " " : scalar)
    }
    var text = Substring(String(scalars))
    while let first = text.unicodeScalars.first, first.properties.isWhitespace { text = Substring(text.unicodeScalars.dropFirst()) }
    while let last = text.unicodeScalars.last, last.properties.isWhitespace { text = Substring(text.unicodeScalars.dropLast()) }
    return String(text)
  }

  /// The name in double quotes with every character that cannot be seen
  /// written as `\u{XXXX}`: `"CEO\u{00A0}"`. With `allNonASCII`, every
  /// character beyond ASCII too, so that two spellings of `café` differ.
  public static func escaped(_ name: String, allNonASCII: Bool = false) -> String {
    var out = "\""
    for scalar in name.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case " ": out += " "
      default:
        let properties = scalar.properties
        let hidden = properties.isWhitespace || properties.generalCategory == .format
          || properties.generalCategory == .control || properties.generalCategory == .unassigned
        if hidden || (allNonASCII && !scalar.isASCII) {
          out += "\\u{" + hex4(scalar.value) + "}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// The naming values of an event, with the attr each comes from.
  public static func names(of event: Event) -> [(category: Category, attr: String, value: String)] {
    var result: [(Category, String, String)] = []
    func string(_ attr: String, _ category: Category) {
      if case .string(let text)? = event.attrs[attr] { result.append((category, attr, text)) }
    }
    switch event.kind {
    case .launch:
      string("type", .launchType)
      string("codename", .codename)
    case .hire, .depart: string("role", .role)
    case .codename: string("codename", .codename)
    case .strategy:
      string("label", .label)
      for attr in ["focus", "deprioritize"] {
        for item in event.attrs[attr]?.strings ?? [] { result.append((.focusItem, attr, item)) }
      }
    case .metric:
      string("name", .metricName)
      string("unit", .unit)
    default: break
    }
    return result
  }

  /// Refuses a new event whose names have white space at an end, a no-break
  /// space or a format character.
  /// - Throws: the first such name, shown escaped, with the name to write instead.
  public static func check(_ event: Event) throws(ValueError) {
    for (category, attr, value) in names(of: event) {
      guard let fault = fault(value) else { continue }
      let item = category == .focusItem ? "attr \"\(attr)\": item " : "attr \"\(attr)\": "
      let fixed = cleaned(value)
      let what = category == .focusItem ? "\(attr) item" : category.singular
      let fix = fixed.isEmpty
        ? "names are compared exactly, so it would be a \(what) that cannot be seen; leave it out"
        : "names are compared exactly, so it would be a \(what) apart from \(escaped(fixed)), which looks the same; write \(escaped(fixed))"
      throw ValueError("\(item)\(escaped(value)) \(fault.description): \(fix)")
    }
  }

  /// The known launch type that `type` matches only in case (`Model`), if any.
  public static func knownTypeDifferingInCase(_ type: String) -> String? {
    guard !knownLaunchTypes.contains(type) else { return nil }
    let lower = type.lowercased()
    return knownLaunchTypes.first { $0 == lower }
  }

  /// What a careful writer is told about a new event without refusing it: a
  /// launch type that is a known one but for its case.
  public static func warnings(_ event: Event) -> [String] {
    guard event.kind == .launch, case .string(let type)? = event.attrs["type"],
      let known = knownTypeDifferingInCase(type)
    else { return [] }
    return ["launch type \(escaped(type)) differs from the known type \"\(known)\" only in case: replay and lineage treat it as another type; write \"\(known)\""]
  }
}

/// `U+00A0`.
func codePoint(_ scalar: Unicode.Scalar) -> String { "U+" + hex4(scalar.value) }

/// At least four uppercase hex digits.
func hex4(_ value: UInt32) -> String {
  let digits = String(value, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

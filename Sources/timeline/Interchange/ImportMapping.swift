import EventLog

/// How the columns of a table become event fields: `--map COLUMN=FIELD[@KIND][:TRANSFORM]...`,
/// `--set FIELD[@KIND]=VALUE`, `--kind K` (one event per kind per row) and
/// `--skip-empty COLUMN`.
struct ImportMapping {
  /// A field of the event, restricted to one kind's event or not, with the
  /// transforms applied to the value in order.
  struct Target: Equatable {
    var field: String
    var kind: String?
    var transforms: [Transform]
  }

  enum Transform: String, CaseIterable {
    /// A slug: lowercase ASCII letters, digits, dots and hyphens (no dots in an org);
    /// accents and Greek letters spelled in ASCII, `+` as "plus", `&` as "and".
    case slug
    /// The first item of a comma-separated list.
    case first
    /// The first http(s) URL of a cell holding several.
    case firstURL = "first-url"
    /// `YYYY-01-01` read as the year alone (a data set's stand-in for "year only").
    case yearIfJan1 = "year-if-jan1"
    /// Leading and trailing white space removed.
    case trim
    /// Lowercased.
    case lower
  }

  struct ColumnMap {
    var column: String
    var target: Target
  }

  struct Constant {
    var target: Target
    var value: String
  }

  var maps: [ColumnMap] = []
  var constants: [Constant] = []
  /// The kinds each row yields; empty: the kind comes from the field `kind`.
  var kinds: [String] = []
  var skipEmpty: [String] = []

  /// The fields a column or constant can fill.
  static let fields = [
    "id", "date", "kind", "org", "subject", "confidence", "note", "attrs", "source.title", "source.publisher", "source.url",
    "source.date", "supersedes", "recorded",
  ]

  static func parseTarget(_ text: String, option: String) throws(UsageError) -> Target {
    var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    var field = parts.removeFirst()
    var kind: String?
    if let at = field.firstIndex(of: "@") {
      kind = String(field[field.index(after: at)...])
      field = String(field[..<at])
      guard let name = kind, Kind(name) != nil else {
        throw UsageError("\(option): '\(kind ?? "")' after @ is not a kind; write FIELD@KIND, like date@retire", command: "import")
      }
    }
    guard fields.contains(field) || (field.hasPrefix("attrs.") && field.count > 6) else {
      throw UsageError("\(option): unknown field '\(field)'\(didYouMean(field, in: fields)); the fields are \(fields.joined(separator: ", ")) and attrs.NAME", command: "import")
    }
    var transforms: [Transform] = []
    for name in parts {
      guard let transform = Transform(rawValue: name) else {
        let names = Transform.allCases.map(\.rawValue)
        throw UsageError("\(option): unknown transform '\(name)'\(didYouMean(name, in: names)); the transforms are \(names.joined(separator: ", "))", command: "import")
      }
      transforms.append(transform)
    }
    return Target(field: field, kind: kind, transforms: transforms)
  }

  /// Reads the mapping options.
  init(maps: [String], sets: [String], kinds: [String], skipEmpty: [String]) throws(UsageError) {
    for text in maps {
      guard let equals = text.lastIndex(of: "="), equals != text.startIndex else {
        throw UsageError("--map takes COLUMN=FIELD, like --map 'Publication date=date' (got '\(text)')", command: "import")
      }
      let column = String(text[..<equals])
      self.maps.append(ColumnMap(column: column, target: try ImportMapping.parseTarget(String(text[text.index(after: equals)...]), option: "--map \(text)")))
    }
    for text in sets {
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw UsageError("--set takes FIELD=VALUE, like --set org=google (got '\(text)')", command: "import")
      }
      let target = try ImportMapping.parseTarget(String(text[..<equals]), option: "--set \(text)")
      constants.append(Constant(target: target, value: String(text[text.index(after: equals)...])))
    }
    for kind in kinds where Kind(kind) == nil {
      throw UsageError("--kind: unknown kind '\(kind)'\(didYouMean(kind, in: Kind.builtIn.map(\.description)))", command: "import")
    }
    self.kinds = kinds
    self.skipEmpty = skipEmpty
    // Only note takes several columns (as "Column: value" lines); any other field one source.
    var seen: [String: String] = [:]
    for map in self.maps where map.target.field != "note" {
      let key = map.target.field + "@" + (map.target.kind ?? "*")
      if let other = seen[key] {
        throw UsageError("--map: both '\(other)' and '\(map.column)' fill \(map.target.field)\(map.target.kind.map { "@" + $0 } ?? ""); only note takes several columns", command: "import")
      }
      seen[key] = map.column
    }
  }

  /// Every column the mapping reads.
  var columns: [String] { maps.map(\.column) + skipEmpty }
}

// MARK: - Transforms

extension ImportMapping.Transform {
  func apply(_ value: String, field: String) throws(ValueError) -> String {
    switch self {
    case .slug:
      let result = slugify(value, allowDots: field != "org")
      guard !result.isEmpty else { throw ValueError("'\(value)' has no letters or digits to make a slug of") }
      return result
    case .first:
      return String(value.split(separator: ",", omittingEmptySubsequences: true).first ?? "").trimmed
    case .firstURL:
      return firstHTTPURL(in: value) ?? value.trimmed
    case .yearIfJan1:
      let bytes = Array(value.utf8)
      if bytes.count == 10, value.hasSuffix("-01-01") { return String(value.prefix(4)) }
      return value
    case .trim:
      return value.trimmed
    case .lower:
      return value.lowercased()
    }
  }
}

extension String {
  var trimmed: String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}

/// The first `http://` or `https://` URL in a cell that may hold several,
/// separated by white space, commas or semicolons.
func firstHTTPURL(in text: String) -> String? {
  var rest = Substring(text)
  while !rest.isEmpty && !(rest.lowercased().hasPrefix("http://") || rest.lowercased().hasPrefix("https://")) {
    rest = rest.dropFirst()
  }
  guard !rest.isEmpty else { return nil }
  var url = String(rest.prefix { !$0.isWhitespace })
  // Another URL glued on with a comma or semicolon, or a separator left at the end.
  for separator in [",http", ";http"] {
    if let range = url.firstRange(of: separator) { url = String(url[..<range.lowerBound]) }
  }
  while let last = url.last, last == "," || last == ";" { url.removeLast() }
  return url
}

/// A slug of free text: lowercase ASCII letters and digits, words joined by
/// hyphens; Latin letters lose their accents (`Ü` -> u, `ß` -> ss), Greek
/// letters are spelled out (`Σ` -> sigma), `+` becomes "plus" and `&` "and"
/// (so `PointNet++` and `PointNet` stay apart), other letters become `uXXXX`.
func slugify(_ text: String, allowDots: Bool) -> String {
  var out = ""
  func separator() { if !out.isEmpty && out.last != "-" { out.append("-") } }
  func word(_ word: String) {
    separator()
    out += word
    separator()
  }
  for scalar in text.unicodeScalars {
    let value = scalar.value
    switch value {
    case 0x30...0x39, 0x61...0x7a: out.unicodeScalars.append(scalar)
    case 0x41...0x5a: out.unicodeScalars.append(Unicode.Scalar(value + 0x20)!)
    case 0x2e where allowDots:
      if !out.isEmpty && out.last != "-" && out.last != "." { out.append(".") }
    case 0x2b: word("plus")
    case 0x26: word("and")
    case 0xc0...0x17f:
      let latin = latinLetters[Int(value - 0xc0)]
      if latin.isEmpty { separator() } else { out += latin }
    case 0x391...0x3a9, 0x3b1...0x3c9:
      let index = Int(value >= 0x3b1 ? value - 0x3b1 : value - 0x391)
      if index < greekLetters.count, !greekLetters[index].isEmpty { word(greekLetters[index]) } else { separator() }
    default:
      if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
        out += "u" + String(value, radix: 16)
      } else {
        separator()
      }
    }
  }
  while let last = out.last, last == "-" || last == "." { out.removeLast() }
  while let first = out.first, first == "-" || first == "." { out.removeFirst() }
  return out
}

/// ASCII spellings of U+00C0 to U+017F.
private let latinLetters = [
  "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "x", "o", "u",
  "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o",
  "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d",
  "d", "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", "g", "g", "g", "g", "h", "h", "h", "h", "i", "i",
  "i", "i", "i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "n",
  "n", "n", "n", "n", "n", "n", "ng", "ng", "o", "o", "o", "o", "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s",
  "s", "s", "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "w", "w", "y", "y", "y",
  "z", "z", "z", "z", "z", "z", "s",
]

/// Greek letters from alpha (U+0391 / U+03B1), in code point order; the final sigma slot spelled too.
private let greekLetters = [
  "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi",
  "rho", "sigma", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
]

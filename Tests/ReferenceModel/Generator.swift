/// A small seeded generator so that every random log can be made again from its seed.
public struct SplitMix: RandomNumberGenerator, Sendable {
  var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// An attribute value of a generated event.
public enum GenValue: Sendable, Equatable {
  case string(String)
  /// The literal as written in the line, and the number it means.
  case number(literal: String, value: Double)
  case strings([String])
}

/// One generated event: the fields the naive model reads, and its JSON line.
public struct GenEvent: Sendable {
  public var id: String
  public var date: SimpleDate
  public var kind: String
  public var org: String?
  public var subject: String?
  public var attrs: [String: GenValue]
  public var confidence: String
  public var supersedes: String?
  /// Milliseconds since the epoch.
  public var recorded: Int64
  /// The event as the log stores it (keys in a random order), without `\n`.
  public var line: String

  public func string(_ attr: String) -> String? {
    if case .string(let text)? = attrs[attr] { return text }
    return nil
  }

  public func strings(_ attr: String) -> [String] {
    switch attrs[attr] {
    case .strings(let items)?: return items
    case .string(let text)?: return [text]
    default: return []
    }
  }
}

/// A date of the log, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with its period worked out by hand.
public struct SimpleDate: Sendable, Hashable, CustomStringConvertible {
  public var year: Int
  public var month: Int  // 0 when unknown
  public var day: Int  // 0 when unknown

  public init(_ year: Int, _ month: Int = 0, _ day: Int = 0) {
    self.year = year
    self.month = month
    self.day = day
  }

  public static func daysIn(_ month: Int, _ year: Int) -> Int {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  }

  /// yyyymmdd of the first day of the period.
  public var first: Int { year * 10000 + max(month, 1) * 100 + max(day, 1) }
  /// yyyymmdd of the last day of the period.
  public var last: Int {
    if month == 0 { return year * 10000 + 1231 }
    if day == 0 { return year * 10000 + month * 100 + SimpleDate.daysIn(month, year) }
    return first
  }

  public var description: String {
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    var text = "\(year)"
    if month > 0 { text += "-" + two(month) }
    if day > 0 { text += "-" + two(day) }
    return text
  }
}

/// yyyymmdd of the end of a query date's period (`2024-02` -> 20240229), worked out without EventLog.
public func naiveDay(_ text: String) -> Int {
  let parts = text.split(separator: "-").map { Int($0)! }
  switch parts.count {
  case 1: return SimpleDate(parts[0]).last
  case 2: return SimpleDate(parts[0], parts[1]).last
  default: return SimpleDate(parts[0], parts[1], parts[2]).last
  }
}

/// Recorded times start at 2024-06-01T00:00:00Z.
public let generatedRecordedBase: Int64 = 19875 * 86_400_000

/// RFC 3339 UTC with milliseconds for a time on 2024-06-01 (all generated times are that day).
public func recordedText(_ ms: Int64, offsetHours: Int = 0) -> String {
  precondition(ms >= generatedRecordedBase && ms < generatedRecordedBase + 86_400_000 - 3_600_000 * 2)
  func pad(_ v: Int64, _ width: Int) -> String {
    let digits = String(v)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
  let inDay = ms - generatedRecordedBase + Int64(offsetHours) * 3_600_000
  let zone = offsetHours == 0 ? "Z" : "+" + pad(Int64(offsetHours), 2) + ":00"
  return "2024-06-01T" + pad(inDay / 3_600_000, 2) + ":" + pad(inDay / 60_000 % 60, 2) + ":" + pad(inDay / 1000 % 60, 2)
    + "." + pad(inDay % 1000, 3) + zone
}

/// Random logs with small pools of orgs, products, people, roles and codenames,
/// so that events collide: every kind, partial dates, retractions (also of
/// retractions and of unknown ids), corrections, duplicate ids with the same
/// and with different content.
public struct LogGenerator {
  public var rng: SplitMix
  public init(seed: UInt64) { rng = SplitMix(seed: seed) }

  static let orgs = ["openai", "google", "meta"]
  static let slugs = ["a", "b", "c"]
  static let people = ["ann", "bob", "cy"]
  static let roles = ["CEO", "CTO"]
  static let codenames = ["x", "y", "z"]
  static let metricNames = ["v", "w"]
  static let types = ["model", "model", "product", "feature"]
  static let numbers: [(String, Double)] = [
    ("0", 0), ("1", 1), ("2.5", 2.5), ("1e21", 1e21), ("5e-7", 5e-7), ("-3", -3), ("500000000000", 5e11), ("5E11", 5e11), ("0.1", 0.1),
  ]

  mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
  mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

  mutating func product(of org: String) -> String { org + "/" + pick(LogGenerator.slugs) }
  mutating func anyProduct() -> String { product(of: pick(LogGenerator.orgs)) }

  mutating func date() -> SimpleDate {
    let roll = Int.random(in: 0..<100, using: &rng)
    if roll < 8 { return SimpleDate(2024) }
    let month = Int.random(in: 1...3, using: &rng)
    if roll < 30 { return SimpleDate(2024, month) }
    return SimpleDate(2024, month, Int.random(in: 1...SimpleDate.daysIn(month, 2024), using: &rng))
  }

  /// A log of `count` events, in the order they were appended (recorded increasing).
  public mutating func log(count: Int) -> [GenEvent] {
    var events: [GenEvent] = []
    var clock = generatedRecordedBase
    for index in 0..<count {
      clock += Int64.random(in: 1...400, using: &rng)
      let roll = Int.random(in: 0..<100, using: &rng)
      if roll < 5, let original = events.randomElement(using: &rng) {
        // The same fact appended again: identical content, later recorded.
        events.append(make(id: original.id, date: original.date, kind: original.kind, org: original.org, subject: original.subject,
                           attrs: original.attrs, confidence: original.confidence, supersedes: original.supersedes, recorded: clock))
        continue
      }
      var event = randomEvent(id: "e\(index)", recorded: clock, earlier: events)
      if roll < 9, let original = events.randomElement(using: &rng) {
        // A different fact under an id already used.
        event = randomEvent(id: original.id, recorded: clock, earlier: events)
      }
      events.append(event)
    }
    return events
  }

  mutating func randomEvent(id: String, recorded: Int64, earlier: [GenEvent]) -> GenEvent {
    let kinds: [(String, Int)] = [
      ("launch", 14), ("pause", 7), ("resume", 5), ("retire", 3), ("throttle", 4), ("unthrottle", 3), ("hire", 8),
      ("depart", 5), ("codename", 7), ("strategy", 6), ("metric", 8), ("report", 3), ("x-blind-test", 2), ("retract", 9),
    ]
    var roll = Int.random(in: 0..<kinds.map(\.1).reduce(0, +), using: &rng)
    var kind = kinds[0].0
    for (name, weight) in kinds {
      if roll < weight { kind = name; break }
      roll -= weight
    }
    let org = pick(LogGenerator.orgs)
    var subject: String?
    var attrs: [String: GenValue] = [:]
    var supersedes: String?
    switch kind {
    case "launch":
      subject = product(of: org)
      if chance(70) { attrs["type"] = .string(pick(LogGenerator.types)) }
      if chance(40) { attrs["predecessor"] = .string(anyProduct()) }
      if chance(25) { attrs["codename"] = .string(pick(LogGenerator.codenames)) }
    case "pause", "retire":
      subject = product(of: org)
      if chance(50) { attrs["reason"] = .string("because \"reasons\"") }
    case "resume", "unthrottle":
      subject = product(of: org)
    case "throttle":
      subject = product(of: org)
      if chance(50) { attrs["limit"] = .string("2 a day") }
    case "hire":
      subject = pick(LogGenerator.people)
      attrs["role"] = .string(pick(LogGenerator.roles))
      if chance(30) { attrs["from"] = .string("slack") }
    case "depart":
      subject = pick(LogGenerator.people)
      if chance(50) { attrs["role"] = .string(pick(LogGenerator.roles)) }
    case "codename":
      if chance(65) { subject = product(of: org) }
      attrs["codename"] = .string(pick(LogGenerator.codenames))
    case "strategy":
      if chance(20) { subject = org }
      if chance(50) { attrs["label"] = .string(pick(["code red", "steady", "platform"])) }
      let focus = (0..<Int.random(in: 0...2, using: &rng)).map { _ in anyProduct() }
      let deprioritize = (0..<Int.random(in: 0...2, using: &rng)).map { _ in anyProduct() }
      if !focus.isEmpty || chance(20) { attrs["focus"] = .strings(focus) }
      if !deprioritize.isEmpty { attrs["deprioritize"] = .strings(deprioritize) }
    case "metric":
      let roll = Int.random(in: 0..<10, using: &rng)
      subject = roll < 4 ? nil : roll < 6 ? org : product(of: org)
      attrs["name"] = .string(pick(LogGenerator.metricNames))
      let (literal, value) = pick(LogGenerator.numbers)
      attrs["value"] = .number(literal: literal, value: value)
      if chance(50) { attrs["unit"] = .string(pick(["USD", "users"])) }
    case "report", "x-blind-test":
      if chance(50) { subject = chance(50) ? pick(LogGenerator.people) : anyProduct() }
      if chance(50) { attrs["winner"] = .string(anyProduct()) }
      if chance(30) { attrs["score"] = .number(literal: "0.5", value: 0.5) }
    default:  // retract
      let target = earlier.isEmpty || chance(5) ? "ghost" : pick(earlier).id
      attrs["target"] = .string(target == id ? "ghost" : target)
      if chance(70) { attrs["reason"] = .string("wrong") }
    }
    if kind != "retract", chance(15) {
      let target = earlier.isEmpty || chance(10) ? "ghost" : pick(earlier).id
      if target != id { supersedes = target }
    }
    let confidence = pick(["rumor", "reported", "reported", "confirmed"])
    return make(id: id, date: date(), kind: kind, org: kind == "retract" ? nil : org, subject: subject, attrs: attrs,
                confidence: confidence, supersedes: supersedes, recorded: recorded)
  }

  mutating func make(
    id: String, date: SimpleDate, kind: String, org: String?, subject: String?, attrs: [String: GenValue], confidence: String,
    supersedes: String?, recorded: Int64
  ) -> GenEvent {
    var members: [String] = []
    func quote(_ text: String) -> String {
      var out = "\""
      for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(scalar)
        }
      }
      return out + "\""
    }
    members.append("\"id\":" + quote(id))
    members.append("\"date\":" + quote(date.description))
    members.append("\"kind\":" + quote(kind))
    if let org { members.append("\"org\":" + quote(org)) }
    if let subject { members.append("\"subject\":" + quote(subject)) }
    if !attrs.isEmpty || chance(5) {
      let inner = attrs.keys.shuffled(using: &rng).map { key -> String in
        let value: String
        switch attrs[key]! {
        case .string(let text): value = quote(text)
        case .number(let literal, _): value = literal
        case .strings(let items): value = "[" + items.map(quote).joined(separator: ",") + "]"
        }
        return quote(key) + ":" + value
      }
      members.append("\"attrs\":{" + inner.joined(separator: ",") + "}")
    }
    if confidence != "reported" || chance(50) { members.append("\"confidence\":" + quote(confidence)) }
    if chance(30) { members.append("\"source\":{\"title\":\"T\",\"url\":\"https://example.com/\(id)\"}") }
    if let supersedes { members.append("\"supersedes\":" + quote(supersedes)) }
    if chance(10) {
      members.append("\"note\":" + quote("a \"note\" \\ with\nü"))
    } else if chance(5) {
      members.append("\"note\":null")
    }
    members.append("\"recorded\":" + quote(recordedText(recorded, offsetHours: chance(20) ? 1 : 0)))
    let line = "{" + members.shuffled(using: &rng).joined(separator: ",") + "}"
    return GenEvent(id: id, date: date, kind: kind, org: org, subject: subject, attrs: attrs, confidence: confidence,
                    supersedes: supersedes, recorded: recorded, line: line)
  }
}

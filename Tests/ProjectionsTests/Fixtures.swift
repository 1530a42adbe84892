import EventLog
@testable import Projections
import Testing

/// Recorded times of test events start here (2025-12-20T00:00:00Z) and step by one second.
let baseRecorded: Int64 = 20442 * 86_400_000

/// Builds one event. `recorded` is seconds after `baseRecorded`.
func ev(
  _ id: String, _ kind: String, _ date: String, org: String? = "openai", subject: String? = nil,
  attrs: [String: AttrValue] = [:], confidence: Confidence = .reported, supersedes: String? = nil, recorded: Int64
) -> Event {
  guard let kind = Kind(kind), let date = try? EventDate.parse(date) else { fatalError("bad fixture \(kind) \(date)") }
  var attributes = Attributes()
  for (key, value) in attrs { attributes[key] = value }
  return Event(
    id: id, date: date, kind: kind, org: kind == .retract ? nil : org, subject: subject, attrs: attributes,
    confidence: confidence, supersedes: supersedes, recorded: Timestamp(milliseconds: baseRecorded + recorded * 1000))
}

func s(_ text: String) -> AttrValue { .string(text) }
func n(_ value: Double) -> AttrValue { .number(value) }
func list(_ items: String...) -> AttrValue { .strings(items) }

/// A log written in order: each event recorded one second after the previous one.
struct LogBuilder {
  var events: [Event] = []
  private var clock: Int64 = 0

  @discardableResult
  mutating func add(
    _ id: String, _ kind: String, _ date: String, org: String? = "openai", subject: String? = nil,
    attrs: [String: AttrValue] = [:], confidence: Confidence = .reported, supersedes: String? = nil
  ) -> String {
    clock += 1
    events.append(ev(id, kind, date, org: org, subject: subject, attrs: attrs, confidence: confidence, supersedes: supersedes, recorded: clock))
    return id
  }

  /// A retraction of `target`.
  mutating func retract(_ id: String, _ target: String, date: String = "2025-12-31") {
    add(id, "retract", date, org: nil, attrs: ["target": s(target), "reason": s("wrong")])
  }

  /// The recorded time of the event added `seconds` after the start.
  static func recordedTime(_ seconds: Int64) -> Timestamp { Timestamp(milliseconds: baseRecorded + seconds * 1000) }
}

/// The last day of a date's period: what `--at` means.
func day(_ text: String) -> Day {
  guard let date = try? EventDate.parse(text) else { fatalError("bad day \(text)") }
  return date.lastDay
}

/// The replay as these tests see it: event ids and projections, never the
/// engine's own handles, so that the one place to adapt when the replay's
/// internals change is here.
struct Replayed {
  let replay: Replay

  init(_ events: [Event], knownAt: Timestamp? = nil, minConfidence: Confidence = .rumor) {
    replay = Replay(events, knownAt: knownAt, minConfidence: minConfidence)
  }

  /// The ids of the events that stand after rules 2-4, in fold order.
  var standingIDs: [String] { replay.order.map(replay.id) }

  /// The ids folded at `day` (rule 5), in fold order.
  func keptIDs(at day: Day, org: String? = nil) -> [String] { replay.kept(at: day, org: org).map(replay.id) }

  func state(at day: Day, org: String? = nil) -> CompetitorState { replay.state(replay.kept(at: day, org: org)) }
  func basis(at day: Day, org: String? = nil) -> Basis { replay.basis(replay.kept(at: day, org: org)) }
  func lineage(at day: Day) -> Lineage { replay.lineage(replay.kept(at: day)) }
  func strategyShifts(at day: Day, org: String? = nil) -> [StrategyShift] { replay.strategyShifts(replay.kept(at: day, org: org)) }
}

/// The state that `timeline state --at` would compute.
func state(_ events: [Event], at date: String, knownAt: Timestamp? = nil, org: String? = nil) -> CompetitorState {
  Replayed(events, knownAt: knownAt).state(at: day(date), org: org)
}

/// The ids folded at a date, in fold order.
func keptIDs(_ events: [Event], at date: String, knownAt: Timestamp? = nil) -> [String] {
  Replayed(events, knownAt: knownAt).keptIDs(at: day(date))
}

/// A product's state as one comparable line.
func describe(_ product: ProductState?) -> String {
  guard let product else { return "none" }
  return "\(product.status.rawValue) throttled=\(product.throttled) type=\(product.type ?? "null") "
    + "since=\(product.since) launched=\(product.launched.map(\.description) ?? "null") event=\(product.event)"
}

extension WhyReplay {
  /// `why` with the facts whose attrs hold the key given as they are (the
  /// binary finds them by reading the candidates' lines).
  func why(_ key: String, at day: Day, org: String? = nil, attrMatches: Set<Int32> = []) -> Why {
    why(key, at: day, org: org, attrMatches: { attrMatches })
  }
}

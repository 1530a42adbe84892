import EventLog

/// The replay of DESIGN.md, rules 2 to 6: the events that stand, in the order
/// they are folded. Build it once, then ask for the events kept at any date.
public struct Replay: Sendable {
  /// Events that survive rules 2-4 (duplicates collapsed, `--known-at`,
  /// retractions and supersedes), sorted by (first day, recorded, id);
  /// retractions themselves are left out: they are never folded.
  public let standing: [Event]
  /// Ids of events dropped by a surviving retraction.
  public let retracted: Set<String>
  /// Ids of events dropped because a standing event supersedes them.
  public let superseded: Set<String>

  /// - Parameters:
  ///   - events: every event of the log, in any order, duplicates included.
  ///   - knownAt: keep only what the log knew at this time (rule 3).
  public init(_ events: [Event], knownAt: Timestamp? = nil) {
    var known = Replay.collapseDuplicates(events)
    if let knownAt {
      known.removeAll { ($0.recorded ?? knownAt) > knownAt }
    }
    var kinds: [String: Bool] = [:]  // id -> is a retraction
    for event in known { kinds[event.id] = event.kind == .retract }
    var retracted = Set<String>()
    for event in known {
      // A retraction of a retraction is not a valid target: `check` reports it, replay ignores it.
      if let target = event.retractTarget, kinds[target] == false { retracted.insert(target) }
    }
    let surviving = known.filter { $0.kind != .retract && !retracted.contains($0.id) }
    var superseded = Set<String>()
    for event in surviving {
      if let target = event.supersedes, kinds[target] == false { superseded.insert(target) }
    }
    var standing = surviving.filter { !superseded.contains($0.id) }
    standing.sort(by: Replay.precedes)
    self.standing = standing
    self.retracted = retracted
    self.superseded = superseded
  }

  /// Rule 2: one event per id; for different content under one id, the
  /// earliest recorded (then the smallest canonical line) wins.
  public static func collapseDuplicates(_ events: [Event]) -> [Event] {
    var firstIndex: [String: Int] = [:]
    firstIndex.reserveCapacity(events.count)
    var result: [Event] = []
    result.reserveCapacity(events.count)
    for event in events {
      if let index = firstIndex[event.id] {
        if prefer(event, over: result[index]) { result[index] = event }
      } else {
        firstIndex[event.id] = result.count
        result.append(event)
      }
    }
    return result
  }

  static func prefer(_ a: Event, over b: Event) -> Bool {
    let ra = a.recorded?.milliseconds ?? .max
    let rb = b.recorded?.milliseconds ?? .max
    if ra != rb { return ra < rb }
    return EventCodec.content(a).lexicographicallyPrecedes(EventCodec.content(b))
  }

  /// Rule 6's order: first day of the date's period, then recorded, then id.
  public static func precedes(_ a: Event, _ b: Event) -> Bool {
    let da = a.date.firstDay
    let db = b.date.firstDay
    if da != db { return da < db }
    let ra = a.recorded?.milliseconds ?? .max
    let rb = b.recorded?.milliseconds ?? .max
    if ra != rb { return ra < rb }
    return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
  }

  /// Rule 5: the standing events that had certainly happened by the end of
  /// `day` (a partial date counts from the last day of its period), in order.
  public func kept(at day: Day, org: String? = nil) -> [Event] {
    standing.filter { $0.date.lastDay <= day && (org == nil || $0.org == org) }
  }
}

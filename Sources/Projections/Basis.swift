import EventLog

/// Which facts an answer was computed from: how many events, and the SHA-256
/// of their ids, sorted and joined by `\n`.
public struct Basis: Sendable, Equatable {
  public var events: Int
  public var digest: String

  public init<Events: Sequence>(_ events: Events) where Events.Element == Event {
    self.init(ids: events.map(\.id))
  }

  public init(ids: [String]) {
    let sorted = ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    events = sorted.count
    var hasher = SHA256()
    for (index, id) in sorted.enumerated() {
      if index > 0 { hasher.update([0x0a]) }
      hasher.update(Array(id.utf8))
    }
    digest = hexString(hasher.finalize())
  }
}

import EventLog

/// A window of record time (`recorded`): a lower bound keeps the events
/// recorded at or after it, an upper bound those recorded at or before it;
/// either may be open.
public struct RecordWindow: Sendable, Equatable {
  public var since: Timestamp?
  public var until: Timestamp?

  public init(since: Timestamp? = nil, until: Timestamp? = nil) {
    self.since = since
    self.until = until
  }

  /// Whether neither end is set.
  public var isOpen: Bool { since == nil && until == nil }

  /// Whether a record time (in milliseconds) lies in the window.
  @inline(__always) public func contains(_ recorded: Int64) -> Bool {
    (since.map { recorded >= $0.milliseconds } ?? true) && (until.map { recorded <= $0.milliseconds } ?? true)
  }

  public func contains(_ fact: Fact) -> Bool { contains(fact.recorded) }
}

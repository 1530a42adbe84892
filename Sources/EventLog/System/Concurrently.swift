import Dispatch

/// Two answers computed at once, one per core: each closure runs on its own
/// thread (the projections fold a state beside its basis digest with this,
/// so that they need no threads of their own).
public func concurrently<A: Sendable, B: Sendable>(_ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
  let results = Results<A, B>()
  DispatchQueue.concurrentPerform(iterations: 2) { index in
    if index == 0 { results.a = a() } else { results.b = b() }
  }
  return (results.a!, results.b!)
}

/// Two slots, each written by one thread of `concurrently`.
private final class Results<A, B>: @unchecked Sendable {
  var a: A?
  var b: B?
}

import Dispatch

/// Which fact cache a table was read from: the FastHash of the cache file's
/// header (which covers its version, the files' stamps and every section's
/// checksum) and how many facts it held. The table's first `facts` facts are
/// the cache's, in its order; any more were read from lines added since.
public struct CacheIdentity: Sendable, Equatable {
  public let checksum: UInt64
  public let facts: Int
}

/// The default replay of a table (rule 2-4 with no `--known-at` and no
/// `--min-confidence`), kept in the cache so that a new question does not
/// replay the whole log again (issue 15): the replay order, the events
/// dropped by retractions and corrections, and each org's events in replay
/// order. Built by Projections (`Replay.index()`), stored by
/// `ReplayIndexStore`; the arrays hold fact indices into the table the
/// index was built from, whose first `facts` facts it covers.
public struct ReplayIndex: Sendable {
  /// The facts covered: indices below it.
  public var facts: Int
  /// The table's symbol count when built: the orgs `orgStart` indexes.
  public var names: Int
  /// The standing events (rules 2-4 applied, retractions left out), in replay order.
  public var order: [Int32]?
  /// For each org symbol `o`, its known events (one per id, retracted and
  /// superseded ones included, never a retraction) are
  /// `orgKnown[orgStart[o]..<orgStart[o + 1]]`, in replay order; a dropped
  /// one (retracted or superseded) has `droppedMark` set.
  public var orgStart: [Int32]?
  public var orgKnown: [Int32]?
  /// Keys dropped by a standing retraction, and by a standing correction; sorted.
  public var retracted: [UInt64]
  public var superseded: [UInt64]
  /// Every fact's id and non-zero target, sorted: an event added later that
  /// touches none of them changes nothing the index says about the others.
  public var keys: [UInt64]?

  /// The parts of an index a question needs (the dropped keys always come).
  public struct Parts: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let order = Parts(rawValue: 1)
    public static let orgs = Parts(rawValue: 2)
    public static let keys = Parts(rawValue: 4)
    public static let all: Parts = [.order, .orgs, .keys]
  }

  public init(
    facts: Int, names: Int, order: [Int32]?, orgStart: [Int32]?, orgKnown: [Int32]?, retracted: [UInt64],
    superseded: [UInt64], keys: [UInt64]?
  ) {
    self.facts = facts
    self.names = names
    self.order = order
    self.orgStart = orgStart
    self.orgKnown = orgKnown
    self.retracted = retracted
    self.superseded = superseded
    self.keys = keys
  }

  /// The known events of the org with this symbol, in replay order (empty
  /// for a symbol the index does not know); nil when the org part was not read.
  /// Set on an `orgKnown` entry whose event a retraction or a correction drops.
  public static let droppedMark = Int32.min

  public func known(org symbol: Int32) -> ArraySlice<Int32>? {
    guard let orgStart, let orgKnown else { return nil }
    guard symbol >= 0, Int(symbol) + 1 < orgStart.count else { return [] }
    return orgKnown[Int(orgStart[Int(symbol)])..<Int(orgStart[Int(symbol) + 1])]
  }

  /// Whether `key` is in a sorted array.
  public static func contains(_ sorted: [UInt64], _ key: UInt64) -> Bool {
    var low = 0
    var high = sorted.count
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] < key { low = middle + 1 } else { high = middle }
    }
    return low < sorted.count && sorted[low] == key
  }

  /// Whether every value that is used as an index is within bounds, and the
  /// arrays searched by bisection are sorted.
  func isWellFormed(tableFacts: Int, tableNames: Int) -> Bool {
    guard facts <= tableFacts, names <= tableNames, facts <= Int(Int32.max) else { return false }
    let limit = Int32(facts)
    func inBounds(_ indices: [Int32]?, marked: Bool = false) -> Bool {
      let mask = marked ? Int32.max : -1
      return indices.map { $0.count <= facts && $0.allSatisfy { $0 & mask >= 0 && $0 & mask < limit } } ?? true
    }
    func isSorted(_ keys: [UInt64]?) -> Bool {
      guard let keys else { return true }
      for position in keys.indices.dropFirst() where keys[position - 1] > keys[position] { return false }
      return true
    }
    guard inBounds(order), inBounds(orgKnown, marked: true), isSorted(retracted), isSorted(superseded), isSorted(keys) else { return false }
    if let orgStart {
      guard let orgKnown, orgStart.count == names + 1, orgStart.first == 0, orgStart.last == Int32(orgKnown.count) else {
        return false
      }
      for position in orgStart.indices.dropFirst() where orgStart[position - 1] > orgStart[position] { return false }
    } else if orgKnown != nil {
      return false
    }
    return true
  }
}

/// The replay index in the cache folder (`NAME.replay` beside `NAME.facts`):
/// a hint like the fact cache, never trusted over it. It names the fact
/// cache it was built from (`CacheIdentity`) and is used only with a table
/// read from that very cache; its header and each section carry a FastHash,
/// checked before use, and every index in it is bounds-checked. Written
/// atomically through `CacheFolder`, it is ignored (and rebuilt) whenever
/// the fact cache is rewritten.
public struct ReplayIndexStore: Sendable {
  static let magic = Array("TLREPLAY".utf8)
  /// The header: magic, version, identity (2), facts, names, then six
  /// sections of (count, checksum), then its own FastHash.
  static let headerSize = 8 + 8 * 5 + 6 * 16 + 8

  let cache: FactCache

  public init(store: LogStore) { cache = FactCache(store: store) }

  init(cache: FactCache) { self.cache = cache }

  var name: String { String(cache.name.dropLast(".facts".count)) + ".replay" }

  /// The index built from the cache `identity` names, with the parts asked
  /// for, if it is intact and fits `table`; nil otherwise.
  public func read(identity: CacheIdentity, table: FactTable, parts: ReplayIndex.Parts) -> ReplayIndex? {
    guard case .folder(let folder) = cache.folder(create: false), let fd = folder.openForReading(name) else { return nil }
    defer { Sys.close(fd) }
    guard let size = try? Sys.size(fd), size >= Int64(ReplayIndexStore.headerSize) else { return nil }
    var header = [UInt8](repeating: 0, count: ReplayIndexStore.headerSize)
    guard (try? Sys.pread(fd, &header, header.count, 0)) == header.count else { return nil }
    let body = header.count - 8
    let checksum = header[body...].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    guard header[..<body].withUnsafeBytes({ FastHash.hash($0) }) == checksum else { return nil }
    var reader = ByteReader(bytes: header)
    guard reader.bytes(8).map(Array.init) == ReplayIndexStore.magic,
      reader.integer(UInt64.self) == FactCache.version,
      reader.integer(UInt64.self) == identity.checksum,
      reader.integer(UInt64.self) == UInt64(identity.facts),
      let facts = reader.integer(UInt64.self), facts == UInt64(identity.facts),
      let names = reader.integer(UInt64.self), names <= UInt64(table.names.count)
    else { return nil }
    var sections: [(count: Int, checksum: UInt64, stride: Int)] = []
    let strides = [4, 4, 4, 8, 8, 8]
    var total = UInt64(ReplayIndexStore.headerSize)
    for stride in strides {
      guard let count = reader.integer(UInt64.self), let sum = reader.integer(UInt64.self),
        count <= UInt64(Int32.max) * 4
      else { return nil }
      sections.append((Int(count), sum, stride))
      total += count * UInt64(stride)
    }
    guard total == UInt64(size) else { return nil }
    var offsets: [Int64] = []
    var offset = Int64(ReplayIndexStore.headerSize)
    for section in sections {
      offsets.append(offset)
      offset += Int64(section.count * section.stride)
    }
    func section<T>(_ number: Int, as: T.Type) -> [T]? {
      readArray(fd, count: sections[number].count, at: offsets[number], checksum: sections[number].checksum)
    }
    var index = ReplayIndex(
      facts: Int(facts), names: Int(names), order: nil, orgStart: nil, orgKnown: nil, retracted: [], superseded: [], keys: nil)
    guard let retracted = section(3, as: UInt64.self), let superseded = section(4, as: UInt64.self) else { return nil }
    index.retracted = retracted
    index.superseded = superseded
    if parts.contains(.order) {
      guard let order = section(0, as: Int32.self) else { return nil }
      index.order = order
    }
    if parts.contains(.orgs) {
      guard let start = section(1, as: Int32.self), let known = section(2, as: Int32.self) else { return nil }
      index.orgStart = start
      index.orgKnown = known
    }
    if parts.contains(.keys) {
      guard let keys = section(5, as: UInt64.self) else { return nil }
      index.keys = keys
    }
    return index.isWellFormed(tableFacts: table.count, tableNames: table.names.count) ? index : nil
  }

  /// Reads `count` values at `offset`, if their FastHash is `checksum`.
  private func readArray<T>(_ fd: FileDescriptor, count: Int, at offset: Int64, checksum: UInt64) -> [T]? {
    let bytes = count * MemoryLayout<T>.stride
    var failed = false
    let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      initialized = 0
      let raw = UnsafeMutableRawBufferPointer(buffer)
      guard bytes > 0, let base = raw.baseAddress else { return }
      guard (try? Sys.pread(fd, base, bytes, offset)) == bytes else {
        failed = true
        return
      }
      initialized = count  // plain integers: any bits are a value, checked after
    }
    guard !failed, values.count == count else { return nil }
    return values.withUnsafeBytes { FastHash.hash($0) } == checksum ? values : nil
  }

  /// Writes the index built from the table of the cache `identity` names,
  /// atomically; a failure only means there is no index. Every part must be there.
  public func write(_ index: ReplayIndex, identity: CacheIdentity) {
    guard index.facts == identity.facts, let order = index.order, let orgStart = index.orgStart,
      let orgKnown = index.orgKnown, let keys = index.keys,
      case .folder(let folder) = cache.folder(create: false)
    else { return }
    var head: [UInt8] = ReplayIndexStore.magic
    func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { head.append(contentsOf: $0) } }
    append(FactCache.version)
    append(identity.checksum)
    append(UInt64(identity.facts))
    append(UInt64(index.facts))
    append(UInt64(index.names))
    func section<T>(_ values: [T]) {
      append(UInt64(values.count))
      append(values.withUnsafeBytes { FastHash.hash($0) })
    }
    section(order)
    section(orgStart)
    section(orgKnown)
    section(index.retracted)
    section(index.superseded)
    section(keys)
    append(FastHash.hash(head))
    // The reader checks every section's hash: no fsync is needed for safety.
    folder.replace(name, sync: false) { fd throws(Errno) in
      try Sys.writeAll(fd, head)
      try Sys.writeAll(fd, contentsOf: order)
      try Sys.writeAll(fd, contentsOf: orgStart)
      try Sys.writeAll(fd, contentsOf: orgKnown)
      try Sys.writeAll(fd, contentsOf: index.retracted)
      try Sys.writeAll(fd, contentsOf: index.superseded)
      try Sys.writeAll(fd, contentsOf: keys)
    }
  }

  /// Builds and writes the index on another thread, while the query goes
  /// on; `LogStore.finishWriting()` waits for it before the process ends.
  public func writeInBackground(identity: CacheIdentity, _ build: @escaping @Sendable () -> ReplayIndex) {
    let store = self
    DispatchQueue.global().async(group: FactCache.writes) { store.write(build(), identity: identity) }
  }

  /// Removes the index (it is rebuilt on a later query).
  func remove() {
    guard case .folder(let folder) = cache.folder(create: false) else { return }
    folder.remove(name)
  }
}

/// A replay index waiting for the fact cache it belongs to: the cache is
/// written in the background while the query replays, and the index built
/// from that replay (on another thread too, as soon as it is offered) can
/// be written only once the cache's header (its identity) is known.
/// Whichever comes second, the cache written or the index built, writes the
/// index; a cache that is not written leaves the index unwritten.
public final class PendingReplayIndex: @unchecked Sendable {
  private let store: ReplayIndexStore
  private let lock = DispatchQueue(label: "timeline.pending-replay-index")
  private var identity: CacheIdentity?
  private var index: ReplayIndex?
  private var offered = false

  init(store: ReplayIndexStore) { self.store = store }

  /// The fact cache was written, with this identity.
  func cacheWritten(_ identity: CacheIdentity) {
    let ready = lock.sync { () -> ReplayIndex? in
      self.identity = identity
      defer { index = nil }
      return index
    }
    if let ready { store.write(ready, identity: identity) }
  }

  /// Offers the index of the table being cached, built by `build` (the
  /// default replay of exactly that table) on another thread; the first offer counts.
  public func offer(_ build: @escaping @Sendable () -> ReplayIndex) {
    guard lock.sync(execute: { () -> Bool in
      defer { offered = true }
      return !offered
    }) else { return }
    DispatchQueue.global().async(group: FactCache.writes) {
      let built = build()
      let ready = self.lock.sync { () -> CacheIdentity? in
        guard let identity = self.identity else {
          self.index = built
          return nil
        }
        return identity
      }
      if let ready { self.store.write(built, identity: ready) }
    }
  }
}

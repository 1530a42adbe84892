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
  /// The retractions that win their id (rule 2), in file order: with
  /// `orgKnown`'s events, every known event (`IndexedReplay.withKnown`).
  /// Read with the orgs.
  public var knownRetractions: [Int32]?
  /// Keys dropped by a standing retraction, and by a standing correction; sorted.
  public var retracted: [UInt64]
  public var superseded: [UInt64]
  /// Every fact's id and non-zero target, sorted: an event added later that
  /// touches none of them changes nothing the index says about the others.
  public var keys: [UInt64]?
  /// The facts of the table the index was built from, for the writer: it
  /// keeps a copy of each org's known facts beside the org's list, so that
  /// an `--org` question reads only those (`ReplayIndexStore.readOrg`).
  public var tableFacts: [Fact]?

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
    facts: Int, names: Int, order: [Int32]?, orgStart: [Int32]?, orgKnown: [Int32]?, knownRetractions: [Int32]? = nil,
    retracted: [UInt64], superseded: [UInt64], keys: [UInt64]?, tableFacts: [Fact]? = nil
  ) {
    self.facts = facts
    self.names = names
    self.order = order
    self.orgStart = orgStart
    self.orgKnown = orgKnown
    self.knownRetractions = knownRetractions
    self.retracted = retracted
    self.superseded = superseded
    self.keys = keys
    self.tableFacts = tableFacts
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

  /// The index over one org's known facts alone, put first in a table in
  /// the order of `known` (that org's entries of an index, in replay
  /// order, dropped ones marked): what `ReplayIndexStore.readOrg` reads for
  /// an `--org` question. Facts after them in the table (lines added since)
  /// are taken in as by any index (`IndexedReplay`), given the keys.
  public static func oneOrg(
    _ symbol: Int32, known: [Int32], names: Int, retracted: [UInt64], superseded: [UInt64], keys: [UInt64]? = nil
  ) -> ReplayIndex {
    var orgStart = [Int32](repeating: 0, count: names + 1)
    for later in (Int(symbol) + 1)..<orgStart.count { orgStart[later] = Int32(known.count) }
    let marks = known.indices.map { Int32($0) | (known[$0] & droppedMark) }
    return ReplayIndex(
      facts: known.count, names: names, order: nil, orgStart: orgStart, orgKnown: marks, retracted: retracted,
      superseded: superseded, keys: keys)
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
    guard inBounds(order), inBounds(orgKnown, marked: true), inBounds(knownRetractions), isSorted(retracted),
      isSorted(superseded), keys.map(isSorted) ?? true
    else { return false }
    if let orgStart {
      guard let orgKnown, orgStart.count == names + 1, orgStart.first == 0, orgStart.last == Int32(orgKnown.count),
        isSorted(orgStart)
      else { return false }
    } else if orgKnown != nil {
      return false
    }
    return true
  }
}

/// The replay index in the cache folder (`NAME.replay` beside `NAME.facts`):
/// a hint like the fact cache, never trusted over it. It names the fact
/// cache it was built from (`CacheIdentity`) and is used only with symbols
/// read from that very cache; its header and each section carry a FastHash
/// (each org's copy of its facts its own), checked before use, and every
/// index in it is bounds-checked. Written atomically through `CacheFolder`,
/// it is ignored (and rebuilt) whenever the fact cache is rewritten.
public struct ReplayIndexStore: Sendable {
  static let magic = Array("TLREPLY3".utf8)
  /// The sections, in file order, and the stride of their values.
  enum Section: Int, CaseIterable {
    case order, orgStart, orgKnown, knownRetractions, retracted, superseded, keys
    /// Each org's known facts themselves, in the order of `orgKnown`; no
    /// checksum of its own: `orgSums` holds one per org.
    case orgFacts
    /// For each org, the FastHash of its part of `orgKnown` then of `orgFacts`.
    case orgSums

    var stride: Int {
      switch self {
      case .order, .orgStart, .orgKnown, .knownRetractions: 4
      case .retracted, .superseded, .keys, .orgSums: 8
      case .orgFacts: MemoryLayout<Fact>.stride
      }
    }
  }
  /// The header: magic, version, identity (2), facts, names, then each
  /// section's (count, checksum), then its own FastHash.
  static let headerSize = 8 + 8 * 5 + Section.allCases.count * 16 + 8

  let cache: FactCache

  public init(store: LogStore) { cache = FactCache(store: store) }

  init(cache: FactCache) { self.cache = cache }

  var name: String { String(cache.name.dropLast(".facts".count)) + ".replay" }

  /// An open index file whose header checked out for a fact cache.
  private struct Opened {
    let fd: FileDescriptor
    let facts: Int
    let names: Int
    let sections: [(count: Int, checksum: UInt64, offset: Int64)]

    subscript(_ section: Section) -> (count: Int, checksum: UInt64, offset: Int64) { sections[section.rawValue] }

    /// A whole section, if its FastHash holds.
    func read<T>(_ section: Section, as: T.Type) -> [T]? {
      let (count, checksum, offset) = self[section]
      return readCached(fd, count: count, at: offset, checksum: checksum)
    }

    /// Values `range` of a section, unchecked (the caller checks their hash).
    func read<T>(_ section: Section, _ range: Range<Int>, as: T.Type) -> [T]? {
      let offset = self[section].offset + Int64(range.lowerBound * section.stride)
      return readCached(fd, count: range.count, at: offset, checksum: nil)
    }
  }

  /// Opens the index and checks its header against the fact cache `identity` names.
  private func open(identity: CacheIdentity, names tableNames: Int) -> Opened? {
    guard case .folder(let folder) = cache.folder(create: false), let fd = folder.openForReading(name) else { return nil }
    if let opened = checkHeader(fd, identity: identity, names: tableNames) { return opened }
    Sys.close(fd)
    return nil
  }

  /// The index file `fd` as `Opened`, if its header's FastHash holds, it
  /// names the fact cache `identity` names, and its sections add up to its size.
  private func checkHeader(_ fd: FileDescriptor, identity: CacheIdentity, names tableNames: Int) -> Opened? {
    var header = [UInt8](repeating: 0, count: ReplayIndexStore.headerSize)
    let body = header.count - 8
    guard let size = try? Sys.size(fd), size >= Int64(header.count),
      (try? Sys.pread(fd, &header, header.count, 0)) == header.count,
      header[body...].withUnsafeBytes({ UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        == header[..<body].withUnsafeBytes({ FastHash.hash($0) })
    else { return nil }
    var reader = ByteReader(bytes: header)
    guard reader.bytes(8).map(Array.init) == ReplayIndexStore.magic,
      reader.integer(UInt64.self) == FactCache.version,
      reader.integer(UInt64.self) == identity.checksum,
      reader.integer(UInt64.self) == UInt64(identity.facts),
      let facts = reader.integer(UInt64.self), facts == UInt64(identity.facts),
      let names = reader.integer(UInt64.self), names <= UInt64(tableNames)
    else { return nil }
    var sections: [(count: Int, checksum: UInt64, offset: Int64)] = []
    var total = UInt64(header.count)
    for section in Section.allCases {
      guard let count = reader.integer(UInt64.self), let sum = reader.integer(UInt64.self), count <= UInt64(Int32.max) * 4
      else { return nil }
      sections.append((Int(count), sum, Int64(total)))
      total += count * UInt64(section.stride)
    }
    guard total == UInt64(size) else { return nil }
    return Opened(fd: fd, facts: Int(facts), names: Int(names), sections: sections)
  }

  /// The index built from the cache `identity` names, with the parts asked
  /// for, if it is intact and fits `table`; nil otherwise.
  public func read(identity: CacheIdentity, table: FactTable, parts: ReplayIndex.Parts) -> ReplayIndex? {
    guard let file = open(identity: identity, names: table.names.count) else { return nil }
    defer { Sys.close(file.fd) }
    var index = ReplayIndex(
      facts: file.facts, names: file.names, order: nil, orgStart: nil, orgKnown: nil, retracted: [], superseded: [],
      keys: nil)
    guard let retracted = file.read(.retracted, as: UInt64.self), let superseded = file.read(.superseded, as: UInt64.self)
    else { return nil }
    index.retracted = retracted
    index.superseded = superseded
    if parts.contains(.order) {
      guard let order = file.read(.order, as: Int32.self) else { return nil }
      index.order = order
    }
    if parts.contains(.orgs) {
      guard let start = file.read(.orgStart, as: Int32.self), let known = file.read(.orgKnown, as: Int32.self),
        let retractions = file.read(.knownRetractions, as: Int32.self)
      else {
        return nil
      }
      index.orgStart = start
      index.orgKnown = known
      index.knownRetractions = retractions
    }
    if parts.contains(.keys) {
      guard let keys = file.read(.keys, as: UInt64.self) else { return nil }
      index.keys = keys
    }
    return index.isWellFormed(tableFacts: table.count, tableNames: table.names.count) ? index : nil
  }

  /// One org's part of the index, read alone: the org's known facts
  /// themselves (copies, in replay order) and an index over exactly them
  /// (`orgKnown` is `0..<count`, dropped ones marked), with the dropped keys
  /// (every key, for lines added since, is `readKeys`'). Nil when the index is missing, damaged, or
  /// does not know the org (the caller then reads the whole table).
  /// - Parameters:
  ///   - symbols: the fact cache's symbols, read with `identity`.
  ///   - fits: whether a fact keeps to the fact cache's bounds.
  func readOrg(
    _ symbol: Int32, identity: CacheIdentity, symbols: FactTable, fits: (Fact) -> Bool
  ) -> (facts: [Fact], index: ReplayIndex)? {
    guard let file = open(identity: identity, names: symbols.names.count) else { return nil }
    defer { Sys.close(file.fd) }
    let org = Int(symbol)
    guard org >= 0, org < file.names, let start = file.read(.orgStart, as: Int32.self), start.count == file.names + 1,
      let sums = file.read(.orgSums, as: UInt64.self), sums.count == file.names,
      file[.orgFacts].count == file[.orgKnown].count
    else { return nil }
    let lower = Int(start[org])
    let upper = Int(start[org + 1])
    guard lower >= 0, lower < upper, upper <= file[.orgKnown].count,
      let known = file.read(.orgKnown, lower..<upper, as: Int32.self),
      let facts = file.read(.orgFacts, lower..<upper, as: Fact.self)
    else { return nil }
    guard ReplayIndexStore.orgSum(known[...], facts) == sums[org], facts.allSatisfy({ $0.org == symbol && fits($0) }),
      let retracted = file.read(.retracted, as: UInt64.self), let superseded = file.read(.superseded, as: UInt64.self)
    else { return nil }
    let index = ReplayIndex.oneOrg(
      symbol, known: known, names: symbols.names.count, retracted: retracted, superseded: superseded)
    guard index.isWellFormed(tableFacts: facts.count, tableNames: symbols.names.count) else { return nil }
    return (facts, index)
  }

  /// The checksum of one org's part: its entries of `orgKnown`, then its facts.
  static func orgSum(_ known: ArraySlice<Int32>, _ facts: [Fact]) -> UInt64 {
    var hash = FastHash()
    known.withUnsafeBytes { hash.update($0) }
    facts.withUnsafeBytes { hash.update($0) }
    return hash.digest()
  }

  /// Every key the index built from the cache `identity` names holds, if intact.
  func readKeys(identity: CacheIdentity, names: Int) -> [UInt64]? {
    guard let file = open(identity: identity, names: names) else { return nil }
    defer { Sys.close(file.fd) }
    guard let keys = file.read(.keys, as: UInt64.self), isSorted(keys) else { return nil }
    return keys
  }

  /// Writes the index built from the table of the cache `identity` names,
  /// atomically; a failure only means there is no index. Every part must be there.
  public func write(_ index: ReplayIndex, identity: CacheIdentity) {
    guard index.facts == identity.facts, let order = index.order, let orgStart = index.orgStart,
      let orgKnown = index.orgKnown, let knownRetractions = index.knownRetractions, let keys = index.keys,
      let tableFacts = index.tableFacts,
      case .folder(let folder) = cache.folder(create: false)
    else { return }
    /// Each org's known facts, gathered into one buffer, one org at a time.
    func eachOrg(_ body: ([Fact], ArraySlice<Int32>) throws(Errno) -> Void) throws(Errno) {
      var gathered: [Fact] = []
      for org in 0..<(orgStart.count - 1) {
        let known = orgKnown[Int(orgStart[org])..<Int(orgStart[org + 1])]
        gathered.removeAll(keepingCapacity: true)
        for entry in known { gathered.append(tableFacts[Int(entry & Int32.max)]) }
        try body(gathered, known)
      }
    }
    /// A section's count and hash, as the header holds them.
    func section<T>(_ values: [T]) -> (count: UInt64, hash: UInt64) {
      (UInt64(values.count), values.withUnsafeBytes { FastHash.hash($0) })
    }
    let sections = [
      section(order), section(orgStart), section(orgKnown), section(knownRetractions), section(index.retracted),
      section(index.superseded), section(keys),
    ]
    /// The header; the orgs' sums are known only once their facts are
    /// gathered (to be written), so it is written last.
    func head(sums: [UInt64]) -> [UInt8] {
      var head: [UInt8] = ReplayIndexStore.magic
      func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { head.append(contentsOf: $0) } }
      append(FactCache.version)
      append(identity.checksum)
      append(UInt64(identity.facts))
      append(UInt64(index.facts))
      append(UInt64(index.names))
      for (count, hash) in sections {
        append(count)
        append(hash)
      }
      append(UInt64(orgKnown.count))
      append(UInt64(0))  // checked per org, through orgSums
      let sumsSection = section(sums)
      append(sumsSection.count)
      append(sumsSection.hash)
      append(FastHash.hash(head))
      return head
    }
    let orgs = orgStart.count - 1
    // The reader checks every section's hash: no fsync is needed for safety.
    folder.replace(name, sync: false) { fd throws(Errno) in
      // A placeholder of the header's size (every field is fixed), written over at the end.
      try Sys.writeAll(fd, [UInt8](repeating: 0, count: head(sums: []).count))
      try Sys.writeAll(fd, contentsOf: order)
      try Sys.writeAll(fd, contentsOf: orgStart)
      try Sys.writeAll(fd, contentsOf: orgKnown)
      try Sys.writeAll(fd, contentsOf: knownRetractions)
      try Sys.writeAll(fd, contentsOf: index.retracted)
      try Sys.writeAll(fd, contentsOf: index.superseded)
      try Sys.writeAll(fd, contentsOf: keys)
      var sums: [UInt64] = []
      sums.reserveCapacity(orgs)
      try eachOrg { facts, known throws(Errno) in
        sums.append(ReplayIndexStore.orgSum(known, facts))
        try Sys.writeAll(fd, contentsOf: facts)
      }
      try Sys.writeAll(fd, contentsOf: sums)
      try Sys.pwriteAll(fd, head(sums: sums), at: 0)
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

/// Whether `values` never go down: what the index searches by bisection, or
/// reads as ranges, must be.
private func isSorted<Value: Comparable>(_ values: [Value]) -> Bool {
  for position in values.indices.dropFirst() where values[position - 1] > values[position] { return false }
  return true
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

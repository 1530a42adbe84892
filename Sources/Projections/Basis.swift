import EventLog

/// Which facts an answer was computed from: how many events, and the SHA-256
/// of their ids, sorted by code point and joined by `\n`.
public struct Basis: Sendable, Equatable {
  public var events: Int
  public var digest: String

  public init(ids: [String]) {
    self.init(sortedIDs: ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
  }

  init(sortedIDs: [String]) {
    events = sortedIDs.count
    var hasher = SHA256()
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 16)
    for (index, id) in sortedIDs.enumerated() {
      if index > 0 { buffer.append(0x0a) }
      buffer.append(contentsOf: id.utf8)
      if buffer.count >= 1 << 16 - 80 {
        buffer.withUnsafeBytes { hasher.update($0) }
        buffer.removeAll(keepingCapacity: true)
      }
    }
    buffer.withUnsafeBytes { hasher.update($0) }
    digest = hexString(hasher.finalize())
  }

  /// The basis of events named by keys: content ids sort as numbers, which is
  /// their code point order; the few other ids are merged in by text.
  init(keys: [UInt64], table: FactTable) {
    var content = keys.filter { $0 & EventKey.customBit == 0 }
    content.sort()
    let custom = keys.filter { $0 & EventKey.customBit != 0 }.map { table.idString($0) }
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    var ids: [String] = []
    ids.reserveCapacity(keys.count)
    var next = 0
    for key in content {
      let id = table.idString(key)
      while next < custom.count && custom[next].utf8.lexicographicallyPrecedes(id.utf8) {
        ids.append(custom[next])
        next += 1
      }
      ids.append(id)
    }
    ids.append(contentsOf: custom[next...])
    self.init(sortedIDs: ids)
  }
}

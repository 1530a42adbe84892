import EventLog

/// Which facts an answer was computed from: how many events, and the SHA-256
/// of their ids, sorted by code point and joined by `\n`.
public struct Basis: Sendable, Equatable {
  public var events: Int
  public var digest: String

  public init<Events: Sequence>(_ events: Events) where Events.Element == Event {
    self.init(ids: events.map(\.id))
  }

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
    let custom = keys.filter { $0 & EventKey.customBit != 0 }.map { Array(table.idString($0).utf8) }
      .sorted { $0.lexicographicallyPrecedes($1) }
    events = keys.count
    var hasher = SHA256()
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 16)
    var first = true
    func add(_ bytes: [UInt8]) {
      if !first { buffer.append(0x0a) }
      first = false
      buffer.append(contentsOf: bytes)
      flushIfFull()
    }
    func flushIfFull() {
      if buffer.count >= 1 << 16 - 80 {
        buffer.withUnsafeBytes { hasher.update($0) }
        buffer.removeAll(keepingCapacity: true)
      }
    }
    let digits = Array("0123456789abcdef".utf8)
    var hex = [UInt8](repeating: 0, count: 12)
    var next = 0
    for key in content {
      for index in 0..<12 { hex[index] = digits[Int(key >> UInt64(44 - 4 * index) & 0xf)] }
      while next < custom.count && custom[next].lexicographicallyPrecedes(hex) {
        add(custom[next])
        next += 1
      }
      if !first { buffer.append(0x0a) }
      first = false
      buffer.append(contentsOf: hex)
      flushIfFull()
    }
    for id in custom[next...] { add(id) }
    buffer.withUnsafeBytes { hasher.update($0) }
    digest = hexString(hasher.finalize())
  }
}

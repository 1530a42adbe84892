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
    self.init(sortedIDs: ids.sorted(by: codePointPrecedes))
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
    radixSort(&content)
    let custom = keys.filter { $0 & EventKey.customBit != 0 }.map { Array(table.idString($0).utf8) }
      .sorted { $0.lexicographicallyPrecedes($1) }
    events = keys.count
    var hasher = SHA256()
    let capacity = 1 << 16
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 80)
    defer { buffer.deallocate() }
    var used = 0
    var written = 0
    func add(_ bytes: UnsafeBufferPointer<UInt8>) {
      if written > 0 {
        buffer[used] = 0x0a
        used += 1
      }
      written += 1
      (buffer + used).update(from: bytes.baseAddress!, count: bytes.count)
      used += bytes.count
      if used >= capacity {
        hasher.update(UnsafeRawBufferPointer(start: buffer, count: used))
        used = 0
      }
    }
    let hex = UnsafeMutablePointer<UInt8>.allocate(capacity: 12)
    defer { hex.deallocate() }
    let digits: StaticString = "0123456789abcdef"
    var next = 0
    for key in content {
      for index in 0..<12 { hex[index] = digits.utf8Start[Int(key >> UInt64(44 - 4 * index) & 0xf)] }
      let id = UnsafeBufferPointer(start: hex, count: 12)
      while next < custom.count && custom[next].lexicographicallyPrecedes(id) {
        custom[next].withUnsafeBufferPointer { add($0) }
        next += 1
      }
      add(id)
    }
    for id in custom[next...] { id.withUnsafeBufferPointer { add($0) } }
    hasher.update(UnsafeRawBufferPointer(start: buffer, count: used))
    digest = hexString(hasher.finalize())
  }
}

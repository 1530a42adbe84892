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
    let sorted = ids.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    self.init(count: sorted.count) { add in
      for id in sorted { id.withUnsafeBufferPointer(add) }
    }
  }

  /// The basis of events named by keys: content ids sort as numbers, which is
  /// their code point order; the few other ids are merged in by text.
  init(keys: [UInt64], table: FactTable) {
    var content = keys.filter { $0 & EventKey.customBit == 0 }
    radixSort(&content)
    let custom = keys.filter { $0 & EventKey.customBit != 0 }.map { Array(table.idString($0).utf8) }
      .sorted { $0.lexicographicallyPrecedes($1) }
    self.init(count: keys.count) { add in
      // A content id's 12 hex digits, written without a String per id.
      let digits: StaticString = "0123456789abcdef"
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { hex in
        var next = 0
        for key in content {
          for index in 0..<12 { hex[index] = digits.utf8Start[Int(key >> UInt64(44 - 4 * index) & 0xf)] }
          let id = UnsafeBufferPointer(hex)
          while next < custom.count && custom[next].lexicographicallyPrecedes(id) {
            custom[next].withUnsafeBufferPointer(add)
            next += 1
          }
          add(id)
        }
        for id in custom[next...] { id.withUnsafeBufferPointer(add) }
      }
    }
  }

  /// Hashes the ids `feed` gives, in order, joined by `\n`, through one buffer.
  private init(count: Int, _ feed: ((UnsafeBufferPointer<UInt8>) -> Void) -> Void) {
    events = count
    var hasher = SHA256()
    let capacity = 1 << 16
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 80)
    defer { buffer.deallocate() }
    var used = 0
    var written = 0
    feed { bytes in
      if written > 0 {
        buffer[used] = 0x0a
        used += 1
      }
      written += 1
      if bytes.count > capacity - used {
        hasher.update(UnsafeRawBufferPointer(start: buffer, count: used))
        used = 0
        hasher.update(UnsafeRawBufferPointer(bytes))
        return
      }
      if let base = bytes.baseAddress { (buffer + used).update(from: base, count: bytes.count) }
      used += bytes.count
      if used >= capacity {
        hasher.update(UnsafeRawBufferPointer(start: buffer, count: used))
        used = 0
      }
    }
    hasher.update(UnsafeRawBufferPointer(start: buffer, count: used))
    digest = hexString(hasher.finalize())
  }
}

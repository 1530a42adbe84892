/// Interned strings: each distinct string is stored once and named by a small
/// integer, so that millions of events hold integers instead of strings.
/// Symbol 0 is "none". Lookups hash the UTF-8 bytes, so a repeated string
/// costs no allocation.
public struct SymbolTable: Sendable {
  /// The strings, by symbol; `strings[0]` is the empty placeholder for "none".
  public private(set) var strings: [String] = [""]
  private var arena: [UInt8] = []
  private var starts: [Int] = [0, 0]  // symbol s spans arena[starts[s]..<starts[s + 1]]
  private var slots: [Int32]
  private var mask: Int

  public init(capacity: Int = 1024) {
    var size = 1024
    while size < capacity * 2 { size *= 2 }
    slots = [Int32](repeating: 0, count: size)
    mask = size - 1
  }

  /// How many symbols there are, "none" included.
  public var count: Int { strings.count }

  public subscript(symbol: Int32) -> String { strings[Int(symbol)] }

  /// The symbol of `bytes`, added if new.
  public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    intern(bytes, as: nil)
  }

  /// The symbol of `string`, added if new (the string itself is kept: a
  /// table read or merged from another takes its names without copying them).
  public mutating func intern(_ string: String) -> Int32 {
    var bytes = string
    return bytes.withUTF8 { intern($0, as: string) }
  }

  /// The symbol of `bytes`, added if new, as `string` when given (the same text).
  @inline(__always) private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, as string: String?) -> Int32 {
    let hash = SymbolTable.hash(bytes)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let symbol = slots[slot]
      if symbol == 0 { break }
      if equals(symbol, bytes) { return symbol }
      slot = (slot + 1) & mask
    }
    let symbol = Int32(strings.count)
    strings.append(string ?? String(decoding: bytes, as: UTF8.self))
    arena.append(contentsOf: bytes)
    starts.append(arena.count)
    slots[slot] = symbol
    if strings.count * 2 > slots.count { grow() }
    return symbol
  }

  /// The symbol of `string`, if it has one.
  public func lookup(_ string: String) -> Int32? {
    var string = string
    return string.withUTF8 { bytes in
      var slot = Int(truncatingIfNeeded: SymbolTable.hash(bytes)) & mask
      while true {
        let symbol = slots[slot]
        if symbol == 0 { return nil }
        if equals(symbol, bytes) { return symbol }
        slot = (slot + 1) & mask
      }
    }
  }

  @inline(__always) private func equals(_ symbol: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let start = starts[Int(symbol)]
    let length = starts[Int(symbol) + 1] - start
    guard length == bytes.count else { return false }
    return arena.withUnsafeBufferPointer { buffer in
      guard let base = bytes.baseAddress, length > 0 else { return true }
      return memcmpBytes(buffer.baseAddress! + start, base, length)
    }
  }

  private mutating func grow() {
    let size = slots.count * 2
    var newSlots = [Int32](repeating: 0, count: size)
    let newMask = size - 1
    arena.withUnsafeBufferPointer { buffer in
      for symbol in 1..<strings.count {
        let start = starts[symbol]
        let bytes = UnsafeBufferPointer(rebasing: buffer[start..<starts[symbol + 1]])
        var slot = Int(truncatingIfNeeded: SymbolTable.hash(bytes)) & newMask
        while newSlots[slot] != 0 { slot = (slot + 1) & newMask }
        newSlots[slot] = Int32(symbol)
      }
    }
    slots = newSlots
    mask = newMask
  }

  /// FNV-1a over 8 bytes at a time, then mixed; good enough for slugs and ids.
  @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    guard let base = bytes.baseAddress else { return h }
    var index = 0
    let raw = UnsafeRawPointer(base)
    while index + 8 <= bytes.count {
      h = (h ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x0000_0100_0000_01b3
      h ^= h >> 29
      index += 8
    }
    while index < bytes.count {
      h = (h ^ UInt64(base[index])) &* 0x0000_0100_0000_01b3
      index += 1
    }
    h ^= h >> 32
    h = h &* 0xd6e8_feb8_6659_fd93
    h ^= h >> 32
    return h
  }
}

@inline(__always) func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
  var index = 0
  while index + 8 <= count {
    if UnsafeRawPointer(a).loadUnaligned(fromByteOffset: index, as: UInt64.self)
      != UnsafeRawPointer(b).loadUnaligned(fromByteOffset: index, as: UInt64.self)
    {
      return false
    }
    index += 8
  }
  while index < count {
    if a[index] != b[index] { return false }
    index += 1
  }
  return true
}

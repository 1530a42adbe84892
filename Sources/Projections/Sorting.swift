/// Sorts 64-bit keys in place, least significant 16 bits first (a stable LSD
/// radix sort): a million keys in a few milliseconds, where a comparison sort
/// takes tens. Passes whose digit is the same for every key are skipped.
/// - Parameter fromBit: sort by the bits from this one up only, keeping the
///   order of keys that agree in them (for keys whose lower bits are in order already).
func radixSort(_ keys: inout [UInt64], fromBit: Int = 0) {
  let count = keys.count
  guard count > 64 else {
    keys.sort()
    return
  }
  var scratch = [UInt64](repeating: 0, count: count)
  var counts = [Int](repeating: 0, count: 1 << 16)
  var inScratch = false
  for shift in stride(from: fromBit, to: 64, by: 16) {
    counts.withUnsafeMutableBufferPointer { counts in
      for index in 0..<counts.count { counts[index] = 0 }
    }
    let skip: Bool = keys.withUnsafeBufferPointer { source in
      scratch.withUnsafeBufferPointer { other in
        let from = inScratch ? other : source
        let first = Int(truncatingIfNeeded: from[0] >> UInt64(shift)) & 0xffff
        var same = true
        counts.withUnsafeMutableBufferPointer { counts in
          for key in from {
            let digit = Int(truncatingIfNeeded: key >> UInt64(shift)) & 0xffff
            counts[digit] += 1
            same = same && digit == first
          }
        }
        return same
      }
    }
    if skip { continue }
    counts.withUnsafeMutableBufferPointer { counts in
      var total = 0
      for index in 0..<counts.count {
        let value = counts[index]
        counts[index] = total
        total += value
      }
    }
    keys.withUnsafeMutableBufferPointer { source in
      scratch.withUnsafeMutableBufferPointer { other in
        counts.withUnsafeMutableBufferPointer { counts in
          let from = inScratch ? other : source
          let to = inScratch ? source : other
          for key in from {
            let digit = Int(truncatingIfNeeded: key >> UInt64(shift)) & 0xffff
            to[counts[digit]] = key
            counts[digit] += 1
          }
        }
      }
    }
    inScratch.toggle()
  }
  if inScratch { keys = scratch }
}

/// The first position of `range` where `isBefore` is false, for a test
/// that holds on a prefix of the range and not after it (a bisection).
@inline(__always) func partitionPoint(_ range: Range<Int>, _ isBefore: (Int) -> Bool) -> Int {
  var (low, high) = (range.lowerBound, range.upperBound)
  while low < high {
    let middle = (low + high) / 2
    if isBefore(middle) { low = middle + 1 } else { high = middle }
  }
  return low
}

/// Where `key` (never 0) is in an open-addressing table of `keys` (a power
/// of two long, 0 marking an empty slot), or the empty slot where it would
/// go: a multiplicative hash, then the next slots in turn. `KeyMap` and
/// `PairMap` probe through it.
@inline(__always) func probe(_ keys: [UInt64], for key: UInt64) -> Int {
  let mask = keys.count - 1
  var h = key &* 0x9e37_79b9_7f4a_7c15
  h ^= h >> 29
  var index = Int(truncatingIfNeeded: h) & mask
  while keys[index] != 0 && keys[index] != key { index = (index + 1) & mask }
  return index
}

/// An open-addressing hash map from event keys (never 0) to fact indices,
/// at most two thirds full (12 bytes a slot: at 10M events, 200 MB).
struct KeyMap {
  private var keys: [UInt64]
  private var values: [Int32]

  init(capacity: Int) {
    var size = 16
    while size < capacity + capacity / 2 { size *= 2 }
    keys = [UInt64](repeating: 0, count: size)
    values = [Int32](repeating: -1, count: size)
  }

  @inline(__always) private func slot(of key: UInt64) -> Int { probe(keys, for: key) }

  /// The value under `key`, if one was set (a value is never removed).
  subscript(key: UInt64) -> Int32? {
    let index = slot(of: key)
    return keys[index] == key ? values[index] : nil
  }

  mutating func set(_ key: UInt64, _ value: Int32) {
    let index = slot(of: key)
    keys[index] = key
    values[index] = value
  }

  /// Sets `key` to `value` unless it has a value already, which it returns
  /// (unchanged): one probe where a lookup and a `set` would take two.
  mutating func setIfAbsent(_ key: UInt64, _ value: Int32) -> Int32? {
    let index = slot(of: key)
    if keys[index] == key { return values[index] }
    keys[index] = key
    values[index] = value
    return nil
  }
}

/// A map from pair keys (`StateFold.pair`, never 0) to values, in the order
/// they were first set: open addressing with a multiplicative hash, at most
/// two thirds full, growing by doubling. The fold keeps its metrics here,
/// where a `Dictionary` hashed each of a log's metric events twice through
/// SipHash and moved every entry as it grew.
struct PairMap<Value>: Sequence {
  private(set) var keys: [UInt64] = []
  /// Each key's value, at its key's position; changed in place.
  var values: [Value] = []
  private var slotKeys = [UInt64](repeating: 0, count: 16)
  /// The position in `keys` of each slot's key.
  private var slotEntries = [Int32](repeating: 0, count: 16)

  @inline(__always) private func slot(of key: UInt64) -> Int { probe(slotKeys, for: key) }

  /// The position of `key`'s value in `values`, if it has one (0, which
  /// marks an empty slot, never has).
  @inline(__always) func index(forKey key: UInt64) -> Int? {
    let index = slot(of: key)
    return key != 0 && slotKeys[index] == key ? Int(slotEntries[index]) : nil
  }

  /// Adds `key`, which has no value yet, with `value`.
  mutating func add(_ key: UInt64, _ value: Value) {
    precondition(key != 0, "a pair key is never 0")
    if (keys.count + 1) * 3 > slotKeys.count * 2 { grow() }
    let index = slot(of: key)
    slotKeys[index] = key
    slotEntries[index] = Int32(keys.count)
    keys.append(key)
    values.append(value)
  }

  private mutating func grow() {
    let size = slotKeys.count * 2
    slotKeys = [UInt64](repeating: 0, count: size)
    slotEntries = [Int32](repeating: 0, count: size)
    for (position, key) in keys.enumerated() {
      let index = slot(of: key)
      slotKeys[index] = key
      slotEntries[index] = Int32(position)
    }
  }

  func makeIterator() -> Zip2Sequence<[UInt64], [Value]>.Iterator { zip(keys, values).makeIterator() }
}

extension PairMap: Sendable where Value: Sendable {}

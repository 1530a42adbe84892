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

/// An open-addressing hash map from event keys (never 0) to fact indices.
/// Each key sits beside its value, so that a probe costs one cache miss, not
/// two (at 10M events the map is 270 MB, and rule 2 probes it once per
/// event); the table is at most two thirds full.
struct KeyMap {
  private struct Slot {
    var key: UInt64 = 0
    var value: Int32 = -1
  }
  private var slots: [Slot]
  private let mask: Int

  init(capacity: Int) {
    var size = 16
    while size < capacity + capacity / 2 { size *= 2 }
    slots = Array(repeating: Slot(), count: size)
    mask = size - 1
  }

  @inline(__always) private func slot(of key: UInt64) -> Int {
    var h = key &* 0x9e37_79b9_7f4a_7c15
    h ^= h >> 29
    var index = Int(truncatingIfNeeded: h) & mask
    while slots[index].key != 0 && slots[index].key != key { index = (index + 1) & mask }
    return index
  }

  /// The value under `key`, if one was set (a value is never removed).
  subscript(key: UInt64) -> Int32? {
    let slot = slots[slot(of: key)]
    return slot.key == key ? slot.value : nil
  }

  mutating func set(_ key: UInt64, _ value: Int32) {
    slots[slot(of: key)] = Slot(key: key, value: value)
  }

  /// Sets `key` to `value` unless it has a value already, which it returns
  /// (unchanged): one probe where a lookup and a `set` would take two.
  mutating func setIfAbsent(_ key: UInt64, _ value: Int32) -> Int32? {
    let index = slot(of: key)
    if slots[index].key == key { return slots[index].value }
    slots[index] = Slot(key: key, value: value)
    return nil
  }
}

import Testing

@testable import EventLog

/// XXH64 (seed 0) values from the reference implementation (Python's
/// `xxhash.xxh64(...).intdigest()`), so the hash proves what it claims to.
let xxh64Vectors: [(String, UInt64)] = [
  ("", 0xef46_db37_51d8_e999),
  ("a", 0xd24e_c4f1_a98c_6e5b),
  ("abc", 0x44bc_2cf5_ad77_0999),
  ("0123456789abcdef0123456789abcdef0", 0xe876_84f0_8d6d_0816),
]

@Test(arguments: xxh64Vectors)
func fastHashMatchesReferenceXXH64(text: String, expected: UInt64) {
  #expect(FastHash.hash(Array(text.utf8)) == expected)
}

@Test func fastHashOfALongInputMatchesReferenceXXH64() {
  #expect(FastHash.hash((0..<1280).map { UInt8($0 % 256) }) == 0xafc1_84ad_7938_a354)
}

@Test func fastHashGivesTheSameValueWhateverTheChunking() {
  let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
  let whole = FastHash.hash(message)
  for split in [0, 1, 7, 31, 32, 33, 64, 500, 999, 1000] {
    for second in [split, min(1000, split + 1), min(1000, split + 40)] {
      var hasher = FastHash()
      message[..<split].withUnsafeBytes { hasher.update($0) }
      message[split..<second].withUnsafeBytes { hasher.update($0) }
      message[second...].withUnsafeBytes { hasher.update($0) }
      #expect(hasher.digest() == whole, "split at \(split), \(second)")
    }
  }
}

@Test func fastHashChangesWithOneFlippedBit() {
  var message = [UInt8](repeating: 0x41, count: 4096)
  let original = FastHash.hash(message)
  message[2048] ^= 0x10
  #expect(FastHash.hash(message) != original)
}

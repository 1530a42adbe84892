import Testing

@testable import EventLog

/// FIPS 180-4 / NIST example vectors.
@Test(arguments: [
  ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
  ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
  (
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
  ),
  (
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
  ),
])
func sha256MatchesFIPSVectors(message: String, digest: String) {
  #expect(SHA256.hex(Array(message.utf8)) == digest)
}

@Test func sha256OfOneMillionAsMatchesFIPSVector() {
  var hasher = SHA256()
  let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
  for _ in 0..<1000 { chunk.withUnsafeBytes { hasher.update($0) } }
  #expect(hexString(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test func sha256GivesTheSameDigestWhateverTheChunking() {
  let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
  let whole = SHA256.hash(message)
  for split in [1, 55, 56, 63, 64, 65, 128, 999] {
    var hasher = SHA256()
    message[..<split].withUnsafeBytes { hasher.update($0) }
    hasher.update(message[split...])
    #expect(hasher.finalize() == whole, "split at \(split)")
  }
}

#if arch(x86_64)
  /// The vectors above go through the SHA extensions where the processor has
  /// them; here the portable rounds must reach the same state as the
  /// extensions, block by block, from the initial state and from others.
  @Test(.enabled(if: SHA256.hasExtensions, "this processor has no SHA extensions: only the portable rounds run"))
  func sha256ExtensionsAndPortableRoundsReachTheSameState() {
    var generator = SystemRandomNumberGenerator()
    for blocks in [1, 2, 3, 5, 17, 64] {
      let bytes = (0..<(64 * blocks)).map { _ in UInt8.random(in: 0...255, using: &generator) }
      var portable = SHA256()
      var extended = SHA256()
      bytes.withUnsafeBytes { raw in
        portable.compressPortably(raw.baseAddress!, blocks: blocks)
        extended.compressWithExtensions(raw.baseAddress!, blocks: blocks)
        // And one more block from the state each reached.
        portable.compressPortably(raw.baseAddress!, blocks: 1)
        extended.compressWithExtensions(raw.baseAddress!, blocks: 1)
      }
      #expect(
        withUnsafeBytes(of: portable.state) { Array($0) } == withUnsafeBytes(of: extended.state) { Array($0) },
        "\(blocks) blocks")
    }
  }
#endif

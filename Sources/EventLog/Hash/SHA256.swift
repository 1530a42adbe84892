#if arch(x86_64)
  import _Builtin_intrinsics.intel
  import _Builtin_intrinsics.intel.cpuid
#endif

/// SHA-256 (FIPS 180-4), written here so the package needs nothing beyond the
/// toolchain. Content ids and `basis` digests are its first hex digits.
/// Where the processor has the SHA extensions (x86-64), blocks go through
/// them, six times as fast as the portable rounds (`compressPortably`),
/// which every other processor runs.
public struct SHA256: Sendable {
  private(set) var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
    0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
  )
  private var buffer: [UInt8] = []
  private var length: UInt64 = 0

  public init() { buffer.reserveCapacity(64) }

  /// Feeds bytes into the hash.
  public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
    if done == nil { Array(bytes).withUnsafeBytes { update($0) } }
  }

  /// Feeds a buffer of bytes, a whole block at a time where it can.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    length &+= UInt64(bytes.count)
    var index = 0
    if !buffer.isEmpty {
      while index < bytes.count && buffer.count < 64 {
        buffer.append(bytes[index])
        index += 1
      }
      if buffer.count < 64 { return }
      let block = buffer
      block.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
      buffer.removeAll(keepingCapacity: true)
    }
    let blocks = (bytes.count - index) / 64
    if blocks > 0 {
      compress(bytes.baseAddress! + index, blocks: blocks)
      index += blocks * 64
    }
    while index < bytes.count {
      buffer.append(bytes[index])
      index += 1
    }
  }

  /// Finishes the hash and returns the 32-byte digest.
  public mutating func finalize() -> [UInt8] {
    let bitLength = length &* 8
    var tail = buffer
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) {
      tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    tail.withUnsafeBytes { raw in compress(raw.baseAddress!, blocks: raw.count / 64) }
    buffer.removeAll()
    return digest
  }

  /// The SHA-256 of `bytes`.
  public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
    if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) { return digest }
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// The first 8 bytes of the SHA-256 of a buffer, as a big-endian integer,
  /// without allocating (content ids are its first 6 bytes).
  public static func prefix64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hasher = SHA256()
    hasher.finishOnePass(bytes)
    return UInt64(hasher.state.0) << 32 | UInt64(hasher.state.1)
  }

  /// Compresses a whole message and its padding, leaving the final state.
  private mutating func finishOnePass(_ bytes: UnsafeRawBufferPointer) {
    let whole = bytes.count / 64
    if whole > 0 { compress(bytes.baseAddress!, blocks: whole) }
    let rest = bytes.count - whole * 64
    let bitLength = UInt64(bytes.count) &* 8
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
      let padded = rest < 56 ? 64 : 128
      for index in 0..<padded { tail[index] = 0 }
      for index in 0..<rest { tail[index] = bytes[whole * 64 + index] }
      tail[rest] = 0x80
      for index in 0..<8 { tail[padded - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8)) }
      compress(UnsafeRawPointer(tail.baseAddress!), blocks: padded / 64)
    }
  }

  /// The SHA-256 of a buffer, in one pass: whole blocks straight from it,
  /// then the padded tail from a small stack buffer.
  public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    var hasher = SHA256()
    hasher.finishOnePass(bytes)
    return hasher.digest
  }

  /// The state as the 32-byte digest.
  private var digest: [UInt8] {
    let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
    var digest: [UInt8] = []
    digest.reserveCapacity(32)
    for word in words {
      digest.append(UInt8(truncatingIfNeeded: word >> 24))
      digest.append(UInt8(truncatingIfNeeded: word >> 16))
      digest.append(UInt8(truncatingIfNeeded: word >> 8))
      digest.append(UInt8(truncatingIfNeeded: word))
    }
    return digest
  }

  /// The SHA-256 of `bytes` in lowercase hex.
  public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    hexString(hash(bytes))
  }

  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  /// Compresses `blocks` consecutive 64-byte blocks starting at `data`.
  @inline(__always) private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
    #if arch(x86_64)
      if SHA256.hasExtensions {
        compressWithExtensions(data, blocks: blocks)
        return
      }
    #endif
    compressPortably(data, blocks: blocks)
  }

  /// `compress` in plain Swift, for any processor.
  mutating func compressPortably(_ data: UnsafeRawPointer, blocks: Int) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      SHA256.k.withUnsafeBufferPointer { k in
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        for block in 0..<blocks {
          let base = data + block * 64
          for t in 0..<16 {
            w[t] = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
          }
          for t in 16..<64 {
            let x = w[t - 15]
            let y = w[t - 2]
            let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
            let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
          }
          var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
          // Eight rounds a turn, the roles of the variables rotating instead of
          // the values moving: each round changes only d and h.
          var t = 0
          while t < 64 {
            round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
            round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
            round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
            round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
            round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
            round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
            round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
            round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
            t += 8
          }
          h0 &+= a
          h1 &+= b
          h2 &+= c
          h3 &+= d
          h4 &+= e
          h5 &+= f
          h6 &+= g
          h7 &+= h
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
      }
    }
  }

  /// One round of the compression: `d` and `h` take their new values.
  @inline(__always) private func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
    _ kw: UInt32
  ) {
    let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ kw
    let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
    d = d &+ t1
    h = t1 &+ t2
  }

  @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    // Masking shifts, so that the compiler emits one rotate instruction.
    (x &>> n) | (x &<< (32 &- n))
  }
}

#if arch(x86_64)
  extension SHA256 {
    /// Whether this processor has the SHA extensions and the SSSE3 and
    /// SSE4.1 instructions that go with them (CPUID leaves 1 and 7). The
    /// package is built allowing them (Package.swift); they run only when
    /// this says yes.
    static let hasExtensions: Bool = {
      var (a, b, c, d): (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
      guard __get_cpuid(1, &a, &b, &c, &d) != 0 else { return false }
      let ssse3AndSSE41 = c & (1 << 9) != 0 && c & (1 << 19) != 0
      guard __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 else { return false }
      return ssse3AndSSE41 && b & (1 << 29) != 0
    }()

    /// `compress` through the SHA extensions (Intel's SHA-256 sample code
    /// of 2013, as in its "Intel SHA Extensions" paper): the state is held
    /// as ABEF and CDGH, and each `rounds` does four rounds of the 64 with
    /// four words of the message schedule, which the extensions extend.
    mutating func compressWithExtensions(_ data: UnsafeRawPointer, blocks: Int) {
      @inline(__always) func words(_ v: __m128i) -> SIMD4<UInt32> { unsafeBitCast(v, to: SIMD4<UInt32>.self) }
      @inline(__always) func vector(_ v: SIMD4<UInt32>) -> __m128i { unsafeBitCast(v, to: __m128i.self) }
      /// `_mm_alignr_epi8(a, b, 4)` (a macro, which Swift cannot call): b's upper three words, then a's first.
      @inline(__always) func alignr4(_ a: __m128i, _ b: __m128i) -> __m128i {
        let (x, y) = (words(a), words(b))
        return vector(SIMD4(y[1], y[2], y[3], x[0]))
      }
      // Each 32-bit word of a block is big-endian.
      let byteSwap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203)
      var abef = vector(SIMD4(state.5, state.4, state.1, state.0))
      var cdgh = vector(SIMD4(state.7, state.6, state.3, state.2))
      SHA256.k.withUnsafeBytes { k in
        @inline(__always) func rounds(_ w: __m128i, _ group: Int) {
          var message = _mm_add_epi32(w, k.loadUnaligned(fromByteOffset: group * 16, as: __m128i.self))
          cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message)
          message = _mm_unpackhi_epi64(message, message)
          abef = _mm_sha256rnds2_epu32(abef, cdgh, message)
        }
        /// The four words after `w3`, from the sixteen before them: msg1 began them.
        @inline(__always) func next(_ w0: __m128i, _ w2: __m128i, _ w3: __m128i) -> __m128i {
          _mm_sha256msg2_epu32(_mm_add_epi32(w0, alignr4(w3, w2)), w3)
        }
        for block in 0..<blocks {
          let base = data + block * 64
          let (savedABEF, savedCDGH) = (abef, cdgh)
          var w0 = _mm_shuffle_epi8(base.loadUnaligned(fromByteOffset: 0, as: __m128i.self), byteSwap)
          var w1 = _mm_shuffle_epi8(base.loadUnaligned(fromByteOffset: 16, as: __m128i.self), byteSwap)
          var w2 = _mm_shuffle_epi8(base.loadUnaligned(fromByteOffset: 32, as: __m128i.self), byteSwap)
          var w3 = _mm_shuffle_epi8(base.loadUnaligned(fromByteOffset: 48, as: __m128i.self), byteSwap)
          rounds(w0, 0)
          rounds(w1, 1)
          w0 = _mm_sha256msg1_epu32(w0, w1)
          rounds(w2, 2)
          w1 = _mm_sha256msg1_epu32(w1, w2)
          // Rounds 12 to 59, sixteen a turn. After each group of four
          // rounds, msg2 finishes the words of the next group and msg1
          // begins those of the group three on. (The last turn begins two
          // groups past the 64th round, which nothing reads: harmless.)
          for turn in 0..<3 {
            let group = 3 + turn * 4
            rounds(w3, group)
            w0 = next(w0, w2, w3)
            w2 = _mm_sha256msg1_epu32(w2, w3)
            rounds(w0, group + 1)
            w1 = next(w1, w3, w0)
            w3 = _mm_sha256msg1_epu32(w3, w0)
            rounds(w1, group + 2)
            w2 = next(w2, w0, w1)
            w0 = _mm_sha256msg1_epu32(w0, w1)
            rounds(w2, group + 3)
            w3 = next(w3, w1, w2)
            w1 = _mm_sha256msg1_epu32(w1, w2)
          }
          rounds(w3, 15)
          abef = _mm_add_epi32(abef, savedABEF)
          cdgh = _mm_add_epi32(cdgh, savedCDGH)
        }
      }
      let (x, y) = (words(abef), words(cdgh))
      state = (x[3], x[2], y[3], y[2], x[1], x[0], y[1], y[0])
    }
  }
#endif

/// Lowercase hex of `bytes`.
public func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
  let digits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  for byte in bytes {
    out.append(digits[Int(byte >> 4)])
    out.append(digits[Int(byte & 0x0f)])
  }
  return String(decoding: out, as: UTF8.self)
}

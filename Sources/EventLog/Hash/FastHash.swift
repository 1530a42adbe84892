/// XXH64 (Yann Collet's xxHash, 64-bit, seed 0): a non-cryptographic hash
/// that runs at memory speed. It proves that bytes a cache or a rollback
/// record saw are still the bytes on disk (an edit, a copy over the file or a
/// flipped bit changes it); it is not a defence against someone who forges
/// a collision on purpose, which the content ids' SHA-256 is for.
///
/// Streaming: feed any split of the bytes to `update` and `digest` gives the
/// same value as hashing them whole.
public struct FastHash: Sendable {
  private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
  private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
  private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
  private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

  private var v1: UInt64 = FastHash.p1 &+ FastHash.p2
  private var v2: UInt64 = FastHash.p2
  private var v3: UInt64 = 0
  private var v4: UInt64 = 0 &- FastHash.p1
  private var total: UInt64 = 0
  /// Bytes that did not yet fill a 32-byte stripe.
  private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  private var pendingCount = 0

  public init() {}

  /// The hash of `bytes` in one call.
  public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hasher = FastHash()
    hasher.update(bytes)
    return hasher.digest()
  }

  public static func hash(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { hash($0) }
  }

  @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
    var acc = acc &+ input &* p2
    acc = (acc << 31) | (acc >> 33)
    return acc &* p1
  }

  @inline(__always) private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
    let acc = acc ^ round(0, value)
    return acc &* p1 &+ p4
  }

  /// Adds bytes to the hash.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    total &+= UInt64(bytes.count)
    var index = 0
    let count = bytes.count
    if pendingCount > 0 {
      let take = min(32 - pendingCount, count)
      withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.advanced(by: pendingCount).copyMemory(from: base, byteCount: take) }
      pendingCount += take
      index = take
      guard pendingCount == 32 else { return }
      let stripe = pending
      v1 = FastHash.round(v1, UInt64(littleEndian: stripe.0))
      v2 = FastHash.round(v2, UInt64(littleEndian: stripe.1))
      v3 = FastHash.round(v3, UInt64(littleEndian: stripe.2))
      v4 = FastHash.round(v4, UInt64(littleEndian: stripe.3))
      pendingCount = 0
    }
    var a = v1, b = v2, c = v3, d = v4
    while index + 32 <= count {
      a = FastHash.round(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
      b = FastHash.round(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)))
      c = FastHash.round(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)))
      d = FastHash.round(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)))
      index += 32
    }
    v1 = a
    v2 = b
    v3 = c
    v4 = d
    if index < count {
      let rest = count - index
      withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: base + index, byteCount: rest) }
      pendingCount = rest
    }
  }

  /// The hash of every byte given so far.
  public func digest() -> UInt64 {
    var h: UInt64
    if total >= 32 {
      h = ((v1 << 1) | (v1 >> 63)) &+ ((v2 << 7) | (v2 >> 57)) &+ ((v3 << 12) | (v3 >> 52)) &+ ((v4 << 18) | (v4 >> 46))
      h = FastHash.merge(h, v1)
      h = FastHash.merge(h, v2)
      h = FastHash.merge(h, v3)
      h = FastHash.merge(h, v4)
    } else {
      h = FastHash.p5
    }
    h &+= total
    var tail = pending
    let count = pendingCount
    withUnsafeBytes(of: &tail) { raw in
      var index = 0
      while index + 8 <= count {
        let k = FastHash.round(0, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
        h ^= k
        h = ((h << 27) | (h >> 37)) &* FastHash.p1 &+ FastHash.p4
        index += 8
      }
      if index + 4 <= count {
        h ^= UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt32.self))) &* FastHash.p1
        h = ((h << 23) | (h >> 41)) &* FastHash.p2 &+ FastHash.p3
        index += 4
      }
      while index < count {
        h ^= UInt64(raw[index]) &* FastHash.p5
        h = ((h << 11) | (h >> 53)) &* FastHash.p1
        index += 1
      }
    }
    h ^= h >> 33
    h = h &* FastHash.p2
    h ^= h >> 29
    h = h &* FastHash.p3
    h ^= h >> 32
    return h
  }
}

import Dispatch

/// A `FastHash` of a file's first `length` bytes, one per 4 MiB block, so
/// that both cores hash at once and a region that grew keeps the hashes of
/// its whole blocks. A cache entry holds one: recomputed and equal, it
/// proves that the bytes the cache was read from are still in the file.
struct RegionHash: Equatable {
  static let blockSize: Int64 = 4 << 20

  /// The hash of each whole block.
  var blocks: [UInt64] = []
  /// The hash of the bytes after the last whole block (possibly none).
  var tail: UInt64 = FastHash.hash([])
  /// Bytes covered.
  var length: Int64 = 0

  /// Hashes the first `length` bytes of `fd`, keeping the whole blocks of
  /// `known` (bytes already proven unchanged) and the blocks `scanned`
  /// hashed as they were read (by their index) instead of reading them again.
  /// - Returns: nil when the file is shorter or cannot be read.
  static func compute(
    _ fd: FileDescriptor, length: Int64, reusing known: RegionHash? = nil, scanned: [Int: UInt64] = [:]
  ) -> RegionHash? {
    guard length >= 0 else { return nil }
    let whole = Int(length / blockSize)
    let kept = known.map { min($0.blocks.count, whole) } ?? 0
    // The blocks to read, then the tail (index `whole`).
    let missing = (kept..<whole).filter { scanned[$0] == nil } + [whole]
    let results = PartResults<UInt64?>(count: missing.count)
    let workers = missing.count >= 2 ? 2 : 1
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
      defer { buffer.deallocate() }
      for slot in stride(from: worker, to: missing.count, by: workers) {
        let block = missing[slot]
        let start = Int64(block) * blockSize
        let end = block == whole ? length : start + blockSize
        var hasher = FastHash()
        var position = start
        var failed = false
        while position < end {
          let wanted = Int(min(Int64(buffer.count), end - position))
          guard let count = try? Sys.pread(fd, buffer.baseAddress!, wanted, position), count == wanted else {
            failed = true
            break
          }
          hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
          position += Int64(count)
        }
        results.store(slot, failed ? nil : hasher.digest())
      }
    }
    var read: [Int: UInt64] = [:]
    for (slot, result) in results.parts.enumerated() {
      guard let digest = result ?? nil else { return nil }
      read[missing[slot]] = digest
    }
    var hash = RegionHash(blocks: Array(known?.blocks.prefix(kept) ?? []), tail: read[whole]!, length: length)
    hash.blocks.reserveCapacity(whole)
    for block in kept..<whole { hash.blocks.append(scanned[block] ?? read[block]!) }
    return hash
  }

  /// Whether the first `length` bytes of `fd` still hash to this.
  func matches(_ fd: FileDescriptor) -> Bool {
    RegionHash.compute(fd, length: length) == self
  }

  /// Whether its parts are consistent with its length (for a hash read from a file).
  var isWellFormed: Bool {
    length >= 0 && Int64(blocks.count) == length / RegionHash.blockSize
  }
}

/// Hashes the whole `RegionHash` blocks of a range of a file as the range
/// is read in order, so that a cache written from what was read need not
/// read the file again: the blocks are of the very bytes the facts came from.
/// Blocks that start before the range or end after it are left to
/// `RegionHash.compute`.
struct BlockHasher {
  private let first: Int
  private let end: Int
  private var hasher = FastHash()
  /// Each whole block's hash, by its index in the file.
  private(set) var digests: [Int: UInt64] = [:]

  init(range: (Int64, Int64)) {
    let size = RegionHash.blockSize
    first = Int((range.0 + size - 1) / size)
    end = Int(range.1 / size)
  }

  /// Takes the next bytes read, which start at `offset` in the file (just
  /// after the bytes taken before).
  mutating func take(_ bytes: UnsafeRawBufferPointer, at offset: Int64) {
    let size = RegionHash.blockSize
    var position = offset
    var index = 0
    while index < bytes.count {
      let block = Int(position / size)
      let blockEnd = Int64(block + 1) * size
      let count = Int(min(Int64(bytes.count - index), blockEnd - position))
      if block >= first && block < end {
        if position == Int64(block) * size { hasher = FastHash() }
        hasher.update(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)]))
        if position + Int64(count) == blockEnd { digests[block] = hasher.digest() }
      }
      position += Int64(count)
      index += count
    }
  }
}

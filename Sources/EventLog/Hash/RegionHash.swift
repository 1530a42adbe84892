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
  /// `known` (bytes already proven unchanged) instead of reading them again.
  /// - Returns: nil when the file is shorter or cannot be read.
  static func compute(_ fd: FileDescriptor, length: Int64, reusing known: RegionHash? = nil) -> RegionHash? {
    guard length >= 0 else { return nil }
    let whole = Int(length / blockSize)
    let kept = known.map { min($0.blocks.count, whole) } ?? 0
    // Slots kept..<whole are whole blocks; slot `whole` is the tail.
    let pending = whole - kept + 1
    let results = PartResults<UInt64?>(count: pending)
    let workers = pending >= 2 ? 2 : 1
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
      defer { buffer.deallocate() }
      for slot in stride(from: worker, to: pending, by: workers) {
        let block = kept + slot
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
    var hash = RegionHash(blocks: Array(known?.blocks.prefix(kept) ?? []), tail: 0, length: length)
    for (slot, result) in results.parts.enumerated() {
      guard let digest = result ?? nil else { return nil }
      if slot == pending - 1 { hash.tail = digest } else { hash.blocks.append(digest) }
    }
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

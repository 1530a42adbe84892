import Glibc

extension Sys {
  /// Asks the kernel to back a large, freshly allocated and not yet touched
  /// buffer with huge pages, before a cache section is read into it: a
  /// million facts then fault in a few dozen pages instead of twenty
  /// thousand (issue 15 measured those faults at a fifth of a new question's
  /// time). A hint only: where it is refused, nothing changes.
  static func adviseHugePages(_ base: UnsafeMutableRawPointer, _ bytes: Int) {
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let address = UInt(bitPattern: base)
    let start = (address + UInt(huge - 1)) & ~UInt(huge - 1)
    let end = (address + UInt(bytes)) & ~UInt(huge - 1)
    guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(aligned, Int(end - start), MADV_HUGEPAGE)
  }
}

extension Array {
  /// `Sys.adviseHugePages` for the room a `reserveCapacity` just made, before
  /// any of it is touched: for the large arrays a read fills in place.
  mutating func adviseHugePagesForCapacity() {
    let bytes = capacity * MemoryLayout<Element>.stride
    guard bytes >= 4 << 20 else { return }
    withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      Sys.adviseHugePages(UnsafeMutableRawPointer(base), bytes)
    }
  }
}

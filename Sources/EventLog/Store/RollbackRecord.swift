/// The rollback record of an `add --stdin` batch: written and fsynced beside
/// the file before the batch's first byte, removed once the batch is fsynced.
/// It proves, before anything is cut, that the bytes after the length it
/// keeps are still the start of its own batch, so that a file replaced
/// (`cp`, `git pull`, a rename) or rewritten since the writer died is never
/// cut: such a record is reported and set aside instead. The bytes decide,
/// not the file's identity: a record committed beside its file (it sits in
/// the log folder) and pulled into another clone, or copied with it, comes
/// with the very bytes it proves, and every clone must answer alike, hiding
/// the dead batch, where a new inode would set the record aside in one clone
/// and show part of the batch there. The identity only finds a record whose
/// file was renamed after its writer died (`LogStore.rollbackPath`).
///
/// Format (version 2), `<file>.rollback`:
///
///     "timeline rollback record 2\n"   27 bytes of ASCII, so `head -1` says what it is
///     device       UInt64 LE           the file's st_dev when the batch began (finds the file after a rename; never decides a cut)
///     inode        UInt64 LE           the file's st_ino (likewise)
///     length       UInt64 LE           the file's length before the batch (a line boundary)
///     batchBytes   UInt64 LE           the batch's byte count, every "\n" included
///     batchLines   UInt64 LE           its line count (one event a line)
///     firstCount   UInt64 LE           how many of its first bytes follow (at most 256)
///     first        firstCount bytes    the batch's first bytes
///     hashes       batchLines x UInt64 LE: the FastHash (XXH64) of each line, without its "\n"
///     checksum     UInt64 LE           the FastHash of every byte before it
///
/// 8 bytes a line plus 331 at most: 8 MB for a batch of a million events.
/// The bytes after `length` belong to the batch when the byte before
/// `length` is a newline, they are no more than `batchBytes`, they start
/// with `first`, and every complete line among them hashes to the batch's
/// line of the same rank; a final fragment without a newline is part of the
/// batch's next line, torn (timeline writes the batch in one write, so that
/// is where a crash stops it). Anything else, the first version's `length\n`
/// included, cuts nothing; what is said of it names what most likely
/// happened (whole lines of the batch followed by one that is not: a line
/// appended after the writer died; one changed line amid the batch's: a
/// rewrite), so that nobody is told a file was replaced when it was not.
public struct RollbackRecord: Sendable, Equatable {
  public static let magic = Array("timeline rollback record 2\n".utf8)
  static let firstLimit = 256

  public var device: UInt64
  public var inode: UInt64
  public var length: Int64
  public var batchBytes: Int64
  public var first: [UInt8]
  public var lineHashes: [UInt64]

  /// The record of `batch` (whole lines, each ending in `\n`) about to be
  /// appended to a file of `length` bytes with that device and inode.
  public init(device: UInt64, inode: UInt64, length: Int64, batch: [UInt8]) {
    self.device = device
    self.inode = inode
    self.length = length
    batchBytes = Int64(batch.count)
    first = Array(batch.prefix(RollbackRecord.firstLimit))
    var hashes: [UInt64] = []
    batch.withUnsafeBytes { raw in
      var start = 0
      for index in 0..<raw.count where raw[index] == 0x0a {
        hashes.append(FastHash.hash(UnsafeRawBufferPointer(rebasing: raw[start..<index])))
        start = index + 1
      }
    }
    lineHashes = hashes
  }

  init(device: UInt64, inode: UInt64, length: Int64, batchBytes: Int64, first: [UInt8], lineHashes: [UInt64]) {
    self.device = device
    self.inode = inode
    self.length = length
    self.batchBytes = batchBytes
    self.first = first
    self.lineHashes = lineHashes
  }

  /// The record's bytes, as written to the file.
  public func encoded() -> [UInt8] {
    var bytes = RollbackRecord.magic
    bytes.reserveCapacity(bytes.count + 56 + first.count + 8 * lineHashes.count)
    func put(_ value: UInt64) {
      withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    put(device)
    put(inode)
    put(UInt64(bitPattern: length))
    put(UInt64(bitPattern: batchBytes))
    put(UInt64(lineHashes.count))
    put(UInt64(first.count))
    bytes += first
    for hash in lineHashes { put(hash) }
    put(FastHash.hash(bytes))
    return bytes
  }

  /// What a record file holds.
  enum Parsed: Equatable {
    case record(RollbackRecord)
    /// The first version's `length\n`, which cannot prove anything.
    case oldFormat(length: Int64)
    /// Anything else: torn, damaged, or not written by timeline.
    case garbled(String)
  }

  static func parse(_ bytes: [UInt8]) -> Parsed {
    if bytes.last == 0x0a, (1...18).contains(bytes.count - 1), bytes.dropLast().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      let length = Int64(String(decoding: bytes.dropLast(), as: UTF8.self))
    {
      return .oldFormat(length: length)
    }
    if bytes.count < magic.count && magic.starts(with: bytes) {
      return .garbled("it is cut short, \(bytes.count) bytes: its writer died writing it, before the batch began")
    }
    guard bytes.starts(with: magic) else {
      return .garbled("it does not start with \"timeline rollback record 2\", so timeline did not write it")
    }
    let header = magic.count
    guard bytes.count >= header + 56 else { return .garbled("it is cut short, \(bytes.count) bytes") }
    func value(at offset: Int) -> UInt64 {
      var result: UInt64 = 0
      for index in 0..<8 { result |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
      return result
    }
    let lines = value(at: header + 32)
    let firstCount = value(at: header + 40)
    guard firstCount <= UInt64(firstLimit), lines <= UInt64(bytes.count / 8) else {
      return .garbled("its header is damaged")
    }
    let expected = header + 48 + Int(firstCount) + 8 * Int(lines) + 8
    guard bytes.count == expected else {
      return .garbled("it is \(bytes.count) bytes where its header says \(expected): cut short or damaged")
    }
    let stored = value(at: expected - 8)
    guard bytes.withUnsafeBytes({ FastHash.hash(UnsafeRawBufferPointer(rebasing: $0[..<(expected - 8)])) }) == stored else {
      return .garbled("its checksum does not match: it is damaged")
    }
    let length = Int64(bitPattern: value(at: header + 16))
    let batchBytes = Int64(bitPattern: value(at: header + 24))
    guard length >= 0, batchBytes >= 0 else { return .garbled("its header is damaged") }
    let firstStart = header + 48
    let hashStart = firstStart + Int(firstCount)
    return .record(RollbackRecord(
      device: value(at: header), inode: value(at: header + 8), length: length, batchBytes: batchBytes,
      first: Array(bytes[firstStart..<hashStart]),
      lineHashes: (0..<Int(lines)).map { value(at: hashStart + 8 * $0) }))
  }

  /// Whether the file open as `fd` (of size `stamp.size`) still holds, after
  /// `length`, a prefix of this record's batch; otherwise what differs. The
  /// file's device and inode are not compared: a clone that pulled the file
  /// and its record, or a copy of both, holds the same bytes under another
  /// inode, and must hide the same dead batch (a file replaced by other
  /// content fails on its bytes).
  func verify(_ fd: FileDescriptor, stamp: FileStamp) -> String? {
    guard stamp.size >= length else {
      return "the file is \(stamp.size) bytes, shorter than the \(length) it had before the batch: it was rewritten since the batch's writer died"
    }
    do throws(Errno) {
      if length > 0 {
        var before: UInt8 = 0
        guard try Sys.pread(fd, &before, 1, length - 1) == 1, before == 0x0a else {
          return "byte \(length) of the file, where the batch began, is not at the start of a line: the file was rewritten since the batch's writer died"
        }
      }
      // Where the bytes after `length` first differ from the batch's first
      // bytes (relative to `length`), if they do: the line holding that
      // byte is not the batch's, whatever its hash.
      var head = [UInt8](repeating: 0, count: Int(min(Int64(first.count), stamp.size - length)))
      guard try Sys.pread(fd, &head, head.count, length) == head.count else {
        return "the file cannot be read to compare it with the batch"
      }
      let headMismatch = Int64(head.indices.first { head[$0] != first[$0] } ?? Int.max)
      let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
      defer { chunk.deallocate() }
      var position = length
      var line = 0  // the batch's lines found, each whole and of its rank
      var hasher = FastHash()
      var fragment = false  // bytes after the last newline read
      var fragmentStart = length  // where the bytes after the last newline begin
      var foreign = false  // a whole line that is not the batch's line of its rank was found at fragmentStart
      var edited = false  // and the line after it is the batch's next: a line of the batch was changed
      scan: while position < stamp.size {
        let n = try Sys.pread(fd, chunk.baseAddress!, Int(min(Int64(chunk.count), stamp.size - position)), position)
        guard n > 0 else { break }
        let read = UnsafeRawBufferPointer(rebasing: chunk[..<n])
        var start = 0
        for index in 0..<n where read[index] == 0x0a {
          hasher.update(UnsafeRawBufferPointer(rebasing: read[start..<index]))
          if foreign {
            edited = line + 1 < lineHashes.count && hasher.digest() == lineHashes[line + 1]
            break scan
          }
          let lineEnd = position + Int64(index) - length  // of the newline, relative to `length`
          guard line < lineHashes.count, hasher.digest() == lineHashes[line], headMismatch > lineEnd else {
            foreign = true
            hasher = FastHash()
            start = index + 1
            continue
          }
          line += 1
          hasher = FastHash()
          start = index + 1
          fragmentStart = position + Int64(start)
        }
        hasher.update(UnsafeRawBufferPointer(rebasing: read[start..<n]))
        fragment = start < n
        position += Int64(n)
      }
      let before = "after the \(length) bytes the file had before the batch"
      if foreign {
        if edited {
          return "line \(line + 1) \(before) is not the batch's line \(line + 1), though the lines around it are the batch's: the file was rewritten since the batch's writer died"
        }
        if line == 0 {
          if headMismatch < Int64(head.count) {
            return "the bytes after the \(length) the file had before the batch are not the batch's first bytes: the file was rewritten or replaced since the batch's writer died"
          }
          return "line 1 \(before) is not the batch's line 1: the file was rewritten or replaced since the batch's writer died"
        }
        // Whole lines of the batch, then a whole line that is not: the
        // batch's writer died, and a line was added after what it left.
        return "the \(line == 1 ? "line" : "\(line) lines") \(before) \(line == 1 ? "is" : "are") the batch's, but line \(line + 1) is not: a line was appended after the batch's writer died"
      }
      guard stamp.size - length <= batchBytes else {
        return "the file holds \(stamp.size - length) bytes after the \(length) it had before the batch, more than the batch's \(batchBytes): it was rewritten or appended to since the batch's writer died"
      }
      if fragment && line >= lineHashes.count {
        return "the file holds more lines \(before) than the batch's \(lineHashes.count): it was appended to since the batch's writer died"
      }
      if fragment && headMismatch < Int64(head.count) {
        return "the bytes after the \(length) the file had before the batch are not the batch's first bytes: the file was rewritten or replaced since the batch's writer died"
      }
      if fragment && hasher.digest() != lineHashes[line] {
        // The batch's next line whole but for its newline is the batch's. A
        // torn line of the batch is a proper prefix of one of its lines, which
        // `LogStore.unended` tells from a line typed or pasted after the batch
        // died (a whole event, or whole JSON that is none): those are not cut.
        var tail = [UInt8](repeating: 0, count: Int(stamp.size - fragmentStart))
        guard try Sys.pread(fd, &tail, tail.count, fragmentStart) == tail.count else {
          return "the file cannot be read to compare it with the batch"
        }
        switch LogStore.unended(tail) {
        case .event:
          return "the last line \(before) is a whole event, not a torn line of the batch: it was added since the batch's writer died"
        case .typed(let reason):
          return "the last line \(before) is not a torn line of the batch but was typed or pasted (\(reason)) since the batch's writer died"
        case .torn:
          break
        }
      }
      return nil
    } catch {
      return "the file cannot be read to compare it with the batch: \(error)"
    }
  }
}

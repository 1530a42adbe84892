import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The projection cache: the log's fact table in a binary file, so that a
/// query on a large log reads it instead of re-parsing every line. It lives
/// in `.timeline-cache/` beside a file log or inside a folder log (git
/// ignores it), and is keyed by every file's identity, size and change times
/// plus checksums of sampled blocks: a file that only grew (its old bytes
/// sampled unchanged) extends the cache with its new lines; any other change
/// rebuilds it. It is never needed for correctness: a missing, stale or
/// unreadable cache is rebuilt from the log, and `check` rewrites it.
struct FactCache {
  static let magic = Array("TLCACHE1".utf8)
  /// Changes whenever the layout of a fact or of this file changes, and with
  /// the program itself (another build may read lines differently).
  static let version: UInt64 = UInt64(MemoryLayout<Fact>.stride) << 32 | 1 ^ programStamp

  /// The running program's size and modification time, mixed.
  static let programStamp: UInt64 = {
    var info = stat()
    guard stat("/proc/self/exe", &info) == 0 else { return 0 }
    let modified = UInt64(bitPattern: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    return (UInt64(bitPattern: Int64(info.st_size)) &* 0x9e37_79b9_7f4a_7c15 ^ modified) << 16
  }()

  /// What the cache knew of one file.
  struct Entry: Equatable {
    var path: String
    var stamp: FileStamp
    /// Bytes of whole lines read, and how many lines.
    var extent: Int64
    var lines: Int32
    var samples: UInt64
  }

  let path: String

  /// Logs with fewer events are fast enough without a cache, and get none.
  static let threshold = 10_000

  /// The cache of `store`'s log.
  init(store: LogStore) {
    let log = store.path.hasSuffix("/") ? String(store.path.dropLast()) : store.path
    if store.isSingleFile {
      let name = log.split(separator: "/").last.map(String.init) ?? log
      path = join(parent(of: log), ".timeline-cache/" + name + ".facts")
    } else {
      path = join(log, ".timeline-cache/log.facts")
    }
  }

  /// A checksum of up to 16 blocks of 4 KiB spread over the file's first
  /// `extent` bytes, the last block included.
  static func samples(_ fd: Int32, extent: Int64) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let block = 4096
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 8)
    defer { buffer.deallocate() }
    let count: Int64 = 16
    for index in 0..<count {
      let offset = extent <= Int64(block) ? 0 : (extent - Int64(block)) * index / (count - 1)
      let length = Int(min(Int64(block), extent - offset))
      guard length > 0, let read = try? Sys.pread(fd, buffer.baseAddress!, length, offset) else { break }
      hash = SymbolTable.hash(UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: read))
        ^ (hash &* 0x0000_0100_0000_01b3)
      if extent <= Int64(block) { break }
    }
    return hash
  }

  // MARK: - Reading and writing

  /// The cached table and entries, if the file is a cache of this version.
  func read() -> (FactTable, [Entry])? {
    guard let bytes = try? Sys.readFile(path) else { return nil }
    var reader = ByteReader(bytes: bytes)
    guard reader.bytes(FactCache.magic.count).map(Array.init) == FactCache.magic, reader.integer(UInt64.self) == FactCache.version,
      let fileCount = reader.integer(UInt32.self)
    else { return nil }
    var entries: [Entry] = []
    for _ in 0..<fileCount {
      guard let path = reader.string(), let device = reader.integer(UInt64.self), let inode = reader.integer(UInt64.self),
        let size = reader.integer(Int64.self), let modified = reader.integer(Int64.self), let changed = reader.integer(Int64.self),
        let extent = reader.integer(Int64.self), let lines = reader.integer(Int32.self), let samples = reader.integer(UInt64.self)
      else { return nil }
      entries.append(Entry(
        path: path, stamp: FileStamp(device: device, inode: inode, size: size, modified: modified, changed: changed),
        extent: extent, lines: lines, samples: samples))
    }
    var table = FactTable()
    table.files = entries.map(\.path)
    guard let facts: [Fact] = reader.array(), let lists: [Int32] = reader.array(), let names = reader.strings(),
      let ids = reader.strings(), reader.isAtEnd
    else { return nil }
    table.facts = facts
    table.lists = lists
    for name in names.dropFirst() { _ = table.names.intern(name) }
    for id in ids.dropFirst() { _ = table.ids.intern(id) }
    guard table.names.count == names.count, table.ids.count == ids.count else { return nil }
    return (table, entries)
  }

  /// Writes the cache (atomically, through a temporary file); a failure only
  /// means there is no cache. The facts go from memory to the file directly.
  func write(_ table: FactTable, _ entries: [Entry]) {
    var head: [UInt8] = []
    head += FactCache.magic
    append(FactCache.version, to: &head)
    append(UInt32(entries.count), to: &head)
    for entry in entries {
      appendString(entry.path, to: &head)
      for value in [entry.stamp.device, entry.stamp.inode] { append(value, to: &head) }
      for value in [entry.stamp.size, entry.stamp.modified, entry.stamp.changed, entry.extent] { append(value, to: &head) }
      append(entry.lines, to: &head)
      append(entry.samples, to: &head)
    }
    append(UInt64(table.facts.count), to: &head)
    var tail: [UInt8] = []
    appendArray(table.lists, to: &tail)
    appendStrings(table.names.strings, to: &tail)
    appendStrings(table.ids.strings, to: &tail)
    let dir = parent(of: path)
    try? Sys.mkdir(dir)
    let temporary = path + ".\(getpid()).tmp"
    do throws(Errno) {
      let fd = try Sys.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
      defer { Sys.close(fd) }
      try Sys.writeAll(fd, head)
      let facts: Result<Void, Errno> = table.facts.withUnsafeBytes { raw in
        do throws(Errno) { try Sys.writeAll(fd, raw); return .success(()) } catch { return .failure(error) }
      }
      try facts.get()
      try Sys.writeAll(fd, tail)
    } catch {
      try? Sys.unlink(temporary)
      return
    }
    if rename(temporary, path) != 0 { try? Sys.unlink(temporary) }
    AnswerMemo(cache: self).forgetAll()
  }

  /// Writes the cache on another thread, while the query goes on with the
  /// table; `LogStore.finishWriting()` waits for it before the process ends.
  func writeInBackground(_ table: FactTable, _ entries: [Entry]) {
    let cache = self
    DispatchQueue.global().async(group: FactCache.writes) { cache.write(table, entries) }
  }

  /// Cache writes under way.
  static let writes = DispatchGroup()

  /// Removes the cache and its answers (it is rebuilt on the next query).
  func remove() {
    try? Sys.unlink(path)
    AnswerMemo(cache: self).forgetAll()
  }

  private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
  }

  private func appendString(_ text: String, to out: inout [UInt8]) {
    append(UInt32(text.utf8.count), to: &out)
    out.append(contentsOf: text.utf8)
  }

  private func appendArray<T>(_ values: [T], to out: inout [UInt8]) {
    append(UInt64(values.count), to: &out)
    values.withUnsafeBytes { out.append(contentsOf: $0) }
  }

  private func appendStrings(_ strings: [String], to out: inout [UInt8]) {
    append(UInt64(strings.count), to: &out)
    for string in strings { appendString(string, to: &out) }
  }
}

/// Reads the cache file's fields in order; nil once anything is short or odd.
private struct ByteReader {
  let bytes: [UInt8]
  var position = 0

  var isAtEnd: Bool { position == bytes.count }

  mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
    guard count >= 0, bytes.count - position >= count else { return nil }
    defer { position += count }
    return bytes[position..<position + count]
  }

  mutating func integer<T: FixedWidthInteger>(_ type: T.Type) -> T? {
    guard let slice = bytes(MemoryLayout<T>.size) else { return nil }
    return slice.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
  }

  mutating func string() -> String? {
    guard let length = integer(UInt32.self), let slice = bytes(Int(length)) else { return nil }
    return String(decoding: slice, as: UTF8.self)
  }

  mutating func array<T>() -> [T]? {
    guard let count = integer(UInt64.self), count < UInt64(Int32.max),
      let slice = bytes(Int(count) * MemoryLayout<T>.stride)
    else { return nil }
    return [T](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
      slice.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
      initialized = Int(count)
    }
  }

  mutating func strings() -> [String]? {
    guard let count = integer(UInt64.self), count < UInt64(Int32.max) else { return nil }
    var strings: [String] = []
    strings.reserveCapacity(Int(count))
    for _ in 0..<count {
      guard let string = string() else { return nil }
      strings.append(string)
    }
    return strings
  }
}

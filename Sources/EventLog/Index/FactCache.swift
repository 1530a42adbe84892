import Dispatch

/// The projection cache: the log's fact table in a binary file, so that a
/// query on a large log reads it instead of re-parsing every line. It lives
/// in the cache folder `.timeline-cache/` beside a file log or inside a
/// folder log, and is a hint, never a source of truth (DESIGN.md, "Caches
/// and recovery records"):
///
/// - It names every file it was read from with the file's identity, size
///   and change times, and a `RegionHash` of the bytes read. A file whose
///   stamp is unchanged is trusted; one that grew is extended (its new lines
///   read) only with proof that the cached bytes are still there: an
///   unbroken chain of custody (`Custody`), or its hash recomputed. Anything
///   else rebuilds the cache.
/// - Its header and each section (facts, lists, names, ids) carry a
///   FastHash, checked before use, and every index in it is checked before
///   anything subscripts with it: a damaged file is ignored, never trusted.
/// - It is written to a temporary file, fsynced and renamed, through
///   `CacheFolder`, which follows no symlink.
struct FactCache {
  static let magic = Array("TLCACHE2".utf8)
  /// Changes whenever the layout of a fact or of this file changes, and with
  /// the program itself (another build may read lines differently). 3: a
  /// codename event keeps its codename in the third name slot, as a launch
  /// does. 4: a fact carries `attrMarks` (where there was padding, so the
  /// stride did not change).
  static let version: UInt64 = UInt64(MemoryLayout<Fact>.stride) << 32 | 4 ^ programStamp

  /// The running program's size and modification time, mixed.
  static let programStamp: UInt64 = {
    guard let program = Sys.programFile() else { return 0 }
    return (UInt64(bitPattern: program.size) &* 0x9e37_79b9_7f4a_7c15 ^ UInt64(bitPattern: program.modified)) << 16
  }()

  /// What the cache knew of one file.
  struct Entry: Equatable {
    var path: String
    var stamp: FileStamp
    /// Bytes of whole lines read, and how many lines.
    var extent: Int64
    var lines: Int32
    /// The hash of the file's first bytes: of all `extent` of them in a
    /// cache file; in memory it may cover fewer (bytes proven but not yet
    /// hashed), and the writer completes it.
    var hash: RegionHash
    /// In memory only: the hashes of whole blocks taken as the lines were
    /// read (`BlockHasher`), which the writer uses instead of reading them again.
    var scanned: [Int: UInt64] = [:]
  }

  /// The cache folder, and the names of the cache and its custody records in it.
  let folderPath: String
  let name: String
  /// The log as this run names it (`LogStore.files()` joins its files' names
  /// to it), and whether it is one file.
  private let logPath: String
  private let isSingleFile: Bool
  var custodyName: String { String(name.dropLast(".facts".count)) + ".custody" }
  var path: String { join(folderPath, name) }

  /// Logs with fewer events are fast enough without a cache, and get none.
  static let threshold = 10_000

  /// The cache of `store`'s log.
  init(store: LogStore) {
    let log = store.path.hasSuffix("/") ? String(store.path.dropLast()) : store.path
    logPath = store.path
    isSingleFile = store.isSingleFile
    if isSingleFile {
      folderPath = join(parent(of: log), LogStore.cacheFolderName)
      name = baseName(log) + ".facts"
    } else {
      folderPath = join(log, LogStore.cacheFolderName)
      name = "log.facts"
    }
  }

  /// Opens the cache folder (see `CacheFolder`).
  func folder(create: Bool) -> CacheFolder.Opened { CacheFolder.open(folderPath, create: create) }

  /// The links of the chain of custody recorded since the cache was written.
  func custody(in folder: CacheFolder) -> [FileStamp: FileStamp] {
    guard let bytes = folder.read(custodyName, limit: Custody.limit + (64 << 10)) else { return [:] }
    return Custody.links(bytes)
  }

  // MARK: - Reading

  /// The cached table and entries, if the file is an intact cache of this
  /// version whose every index checks out; nil otherwise (it is rebuilt).
  func read(in folder: CacheFolder) -> (FactTable, [Entry])? {
    readIdentified(in: folder).map { ($0.0, $0.1) }
  }

  /// `read`, with the identity of the cache (the FastHash of its header and
  /// its fact count): what the replay index is tied to.
  func readIdentified(in folder: CacheFolder) -> (FactTable, [Entry], CacheIdentity)? {
    guard let fd = folder.openForReading(name) else { return nil }
    defer { Sys.close(fd) }
    guard let header = readHeader(fd) else { return nil }
    // Room for the lines a grown file adds, so that they go in without a copy.
    guard let facts: [Fact] = readCached(
      fd, count: header.facts.count, at: header.factsOffset, checksum: nil, room: header.facts.count / 32 + 256)
    else { return nil }
    // The facts' checksum on one core; the symbols, and every fact checked
    // against them, on the other.
    let (intact, checked) = concurrently(
      { facts.withUnsafeBytes { FastHash.hash($0) } == header.facts.checksum },
      { () -> FactTable? in
        guard var table = readSymbols(fd, header) else { return nil }
        table.facts = facts
        return FactCache.isWellFormed(table, header.entries) ? table : nil
      })
    guard intact, let table = checked else { return nil }
    return (table, header.entries, header.identity)
  }

  /// The cache's header, its files, and the symbols of its table without
  /// its facts (`facts` is empty): what a question that reads only some
  /// facts from the replay index needs (`LogStore.loadOrgFacts`).
  func readWithoutFacts(in folder: CacheFolder) -> (FactTable, Header)? {
    guard let fd = folder.openForReading(name) else { return nil }
    defer { Sys.close(fd) }
    guard let header = readHeader(fd), let table = readSymbols(fd, header) else { return nil }
    return (table, header)
  }

  /// What the header of a cache file says: its files, where each section
  /// is and its FastHash, and the FastHash of the header itself.
  struct Header {
    var entries: [Entry]
    var checksum: UInt64
    var facts: (count: Int, checksum: UInt64)
    var lists: (count: Int, checksum: UInt64)
    var names: (count: Int, checksum: UInt64)
    var ids: (count: Int, checksum: UInt64)
    /// Where the facts section starts; the others follow it in order.
    var factsOffset: Int64
    var identity: CacheIdentity { CacheIdentity(checksum: checksum, facts: facts.count) }
  }

  /// The header, if it is this version's, its checksum holds and the
  /// sections' sizes add up to the file's.
  private func readHeader(_ fd: FileDescriptor) -> Header? {
    guard let size = try? Sys.size(fd) else { return nil }
    // The prefix: magic, version, the header's length.
    var prefix = [UInt8](repeating: 0, count: 24)
    guard (try? Sys.pread(fd, &prefix, 24, 0)) == 24 else { return nil }
    var reader = ByteReader(bytes: prefix)
    guard reader.bytes(FactCache.magic.count).map(Array.init) == FactCache.magic,
      reader.integer(UInt64.self) == FactCache.version, let headerLength = reader.integer(UInt64.self),
      headerLength <= UInt64(min(size, 64 << 20))
    else { return nil }
    var header = [UInt8](repeating: 0, count: 24 + Int(headerLength) + 8)
    guard (try? Sys.pread(fd, &header, header.count, 0)) == header.count else { return nil }
    let checksum = header[(header.count - 8)...].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    guard header[..<(header.count - 8)].withUnsafeBytes({ FastHash.hash($0) }) == checksum else { return nil }
    reader = ByteReader(bytes: header, position: 24)
    guard let fileCount = reader.integer(UInt32.self), fileCount <= UInt32(UInt16.max) else { return nil }
    var entries: [Entry] = []
    for _ in 0..<fileCount {
      guard let name = reader.string(), let stamp = Custody.decode(&reader), let extent = reader.integer(Int64.self),
        let lines = reader.integer(Int32.self), let hash = reader.regionHash(),
        extent >= 0, extent <= stamp.size, lines >= 0, hash.length == extent
      else { return nil }
      guard let path = self.path(ofFileNamed: name) else { return nil }
      entries.append(Entry(path: path, stamp: stamp, extent: extent, lines: lines, hash: hash))
    }
    var sections: [(count: UInt64, checksum: UInt64)] = []
    for _ in 0..<4 {
      guard let count = reader.integer(UInt64.self), let sum = reader.integer(UInt64.self) else { return nil }
      sections.append((count, sum))
    }
    guard reader.position == header.count - 8 else { return nil }
    // The sections' sizes must add up to the file's.
    let factBytes = sections[0].count.multipliedReportingOverflow(by: UInt64(MemoryLayout<Fact>.stride))
    let listBytes = sections[1].count.multipliedReportingOverflow(by: 4)
    var total = UInt64(header.count)
    for part in [
      (factBytes.partialValue, factBytes.overflow), (listBytes.partialValue, listBytes.overflow),
      (sections[2].count, false), (sections[3].count, false),
    ] {
      guard !part.1 else { return nil }
      let sum = total.addingReportingOverflow(part.0)
      guard !sum.overflow else { return nil }
      total = sum.partialValue
    }
    guard total == UInt64(size) else { return nil }
    func section(_ number: Int) -> (Int, UInt64) { (Int(sections[number].count), sections[number].checksum) }
    return Header(
      entries: entries, checksum: checksum, facts: section(0), lists: section(1), names: section(2), ids: section(3),
      factsOffset: Int64(header.count))
  }

  /// The path, as this run names the log, of the log's file that the cache
  /// names `name`: a cache keeps file names, not paths, so that `--log
  /// events`, `--log ./events` and an absolute path share it (with paths,
  /// each spelling rebuilt it: 1.2 s at 1M events). Nil for a name that is
  /// not one of this log's.
  private func path(ofFileNamed name: String) -> String? {
    guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else { return nil }
    if isSingleFile { return name == baseName(logPath) ? logPath : nil }
    return join(logPath, name)
  }

  /// A table with the cache's lists, names and ids (checksums checked), and no facts.
  private func readSymbols(_ fd: FileDescriptor, _ header: Header) -> FactTable? {
    let listsOffset = header.factsOffset + Int64(header.facts.count * MemoryLayout<Fact>.stride)
    let namesOffset = listsOffset + Int64(header.lists.count * 4)
    let idsOffset = namesOffset + Int64(header.names.count)
    guard let lists: [Int32] = readCached(fd, count: header.lists.count, at: listsOffset, checksum: header.lists.checksum, room: 256),
      let nameBytes: [UInt8] = readCached(fd, count: header.names.count, at: namesOffset, checksum: header.names.checksum),
      let idBytes: [UInt8] = readCached(fd, count: header.ids.count, at: idsOffset, checksum: header.ids.checksum)
    else { return nil }
    var names = ByteReader(bytes: nameBytes)
    var ids = ByteReader(bytes: idBytes)
    guard let nameStrings = names.strings(), names.isAtEnd, let idStrings = ids.strings(), ids.isAtEnd,
      nameStrings.first == "", idStrings.first == ""
    else { return nil }
    var table = FactTable()
    table.files = header.entries.map(\.path)
    table.lists = lists
    // Sized for every name at once, rather than grown (and rehashed) ten times over.
    table.names = SymbolTable(capacity: nameStrings.count)
    table.ids = SymbolTable(capacity: idStrings.count)
    for name in nameStrings.dropFirst() { _ = table.names.intern(name) }
    for id in idStrings.dropFirst() { _ = table.ids.intern(id) }
    guard table.names.count == nameStrings.count, table.ids.count == idStrings.count,
      table.lists.allSatisfy({ $0 >= 0 && $0 < Int32(table.names.count) })
    else { return nil }
    return table
  }

  /// Whether every fact keeps to its bounds (`FactBounds`; the lists were
  /// checked with the symbols) and the facts are in file and line order.
  static func isWellFormed(_ table: FactTable, _ entries: [Entry]) -> Bool {
    let bounds = FactBounds(table, entries)
    var previous: (file: UInt16, line: Int32, offset: Int64)?
    for fact in table.facts {
      guard bounds.fits(fact) else { return false }
      if let previous {
        guard fact.file > previous.file
          || (fact.file == previous.file && fact.line > previous.line && fact.offset > previous.offset)
        else { return false }
      }
      previous = (fact.file, fact.line, fact.offset)
    }
    return true
  }

  // MARK: - Writing

  /// Writes the cache (atomically, through a temporary file that is
  /// fsynced); a failure only means there is no cache. Hashes are completed
  /// first, from each file as it is now, and only while its stamp is still
  /// the entry's (else the bytes may not be the ones the facts came from,
  /// and nothing is written). Resets the chain of custody and drops the
  /// kept blobs.
  /// - Parameter whenWritten: called with the new cache's identity once it is in place.
  func write(_ table: FactTable, _ entries: [Entry], whenWritten: ((CacheIdentity) -> Void)? = nil) {
    guard case .folder(let folder) = folder(create: true) else { return }
    var entries = entries
    for index in entries.indices where entries[index].hash.length != entries[index].extent {
      guard let hash = FactCache.hashNow(entries[index]) else { return }
      entries[index].hash = hash
    }
    var names: [UInt8] = []
    appendStrings(table.names.strings, to: &names)
    var ids: [UInt8] = []
    appendStrings(table.ids.strings, to: &ids)
    let factsSum = table.facts.withUnsafeBytes { FastHash.hash($0) }
    let listsSum = table.lists.withUnsafeBytes { FastHash.hash($0) }
    var body: [UInt8] = []
    append(UInt32(entries.count), to: &body)
    for entry in entries {
      appendString(baseName(entry.path), to: &body)
      Custody.encode(entry.stamp, to: &body)
      append(entry.extent, to: &body)
      append(entry.lines, to: &body)
      append(entry.hash.length, to: &body)
      append(UInt32(entry.hash.blocks.count), to: &body)
      for block in entry.hash.blocks { append(block, to: &body) }
      append(entry.hash.tail, to: &body)
    }
    for (count, sum) in [
      (UInt64(table.facts.count), factsSum), (UInt64(table.lists.count), listsSum),
      (UInt64(names.count), FastHash.hash(names)), (UInt64(ids.count), FastHash.hash(ids)),
    ] {
      append(count, to: &body)
      append(sum, to: &body)
    }
    var head: [UInt8] = FactCache.magic
    append(FactCache.version, to: &head)
    append(UInt64(body.count), to: &head)
    head += body
    let checksum = FastHash.hash(head)
    append(checksum, to: &head)
    // Every section is checked against its hash before it is used: a file a
    // crash left torn is rebuilt, so no fsync is needed for safety.
    let written = folder.replace(name, sync: false) { fd throws(Errno) in
      try Sys.writeAll(fd, head)
      try Sys.writeAll(fd, contentsOf: table.facts)
      try Sys.writeAll(fd, contentsOf: table.lists)
      try Sys.writeAll(fd, names)
      try Sys.writeAll(fd, ids)
    }
    if written {
      folder.remove(custodyName)
      whenWritten?(CacheIdentity(checksum: checksum, facts: table.facts.count))
    }
    folder.removeKeptBlobs()
  }

  /// The entry's hash completed over its whole extent, if the file still has the entry's stamp.
  private static func hashNow(_ entry: Entry) -> RegionHash? {
    guard let fd = try? Sys.open(entry.path, .readOnly) else { return nil }
    defer { Sys.close(fd) }
    guard (try? Sys.stamp(fd)) == entry.stamp,
      let hash = RegionHash.compute(fd, length: entry.extent, reusing: entry.hash, scanned: entry.scanned),
      (try? Sys.stamp(fd)) == entry.stamp
    else { return nil }
    return hash
  }

  /// Writes the cache on another thread, while the query goes on with the
  /// table; `LogStore.finishWriting()` waits for it before the process ends.
  func writeInBackground(
    _ table: FactTable, _ entries: [Entry], whenWritten: (@Sendable (CacheIdentity) -> Void)? = nil
  ) {
    let cache = self
    DispatchQueue.global().async(group: FactCache.writes) { cache.write(table, entries, whenWritten: whenWritten) }
  }

  /// Cache writes under way.
  static let writes = DispatchGroup()

  /// Removes the cache, its custody records and its kept blobs (it is rebuilt on the next query).
  func remove() {
    guard case .folder(let folder) = folder(create: false) else { return }
    folder.remove(name)
    folder.remove(custodyName)
    ReplayIndexStore(cache: self).remove()
    folder.removeKeptBlobs()
  }

  private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
  }

  private func appendString(_ text: String, to out: inout [UInt8]) {
    append(UInt32(text.utf8.count), to: &out)
    out.append(contentsOf: text.utf8)
  }

  private func appendStrings(_ strings: [String], to out: inout [UInt8]) {
    append(UInt64(strings.count), to: &out)
    for string in strings { appendString(string, to: &out) }
  }
}

/// Reads `count` plain values (integers, doubles, facts: any bits are a
/// value, checked by the caller) at `offset` of a cache file, if their
/// FastHash is `checksum` (nil: the caller checks a hash over more), with
/// room for `room` more without a copy. The one reader of every cache section.
func readCached<T>(_ fd: FileDescriptor, count: Int, at offset: Int64, checksum: UInt64?, room: Int = 0) -> [T]? {
  let bytes = count * MemoryLayout<T>.stride
  var failed = false
  let values = [T](unsafeUninitializedCapacity: count + room) { buffer, initialized in
    initialized = 0
    let raw = UnsafeMutableRawBufferPointer(buffer)
    guard bytes > 0, let base = raw.baseAddress else { return }
    Sys.adviseHugePages(base, bytes)
    // A large section is read in two halves, one per core: the copy and
    // the first touch of fresh pages are most of its time.
    let halves = bytes >= 16 << 20 ? 2 : 1
    let half = bytes / halves
    let read = PartResults<Bool>(count: halves)
    let address = Int(bitPattern: base)
    DispatchQueue.concurrentPerform(iterations: halves) { part in
      let start = part * half
      let length = part == halves - 1 ? bytes - start : half
      let into = UnsafeMutableRawPointer(bitPattern: address + start)!
      read.store(part, (try? Sys.pread(fd, into, length, offset + Int64(start))) == length)
    }
    guard read.parts.allSatisfy({ $0 == true }) else {
      failed = true
      return
    }
    initialized = count
  }
  guard !failed, values.count == count else { return nil }
  guard let checksum else { return values }
  return values.withUnsafeBytes { FastHash.hash($0) } == checksum ? values : nil
}

/// Reads fields of a cache or custody file in order; nil once anything is short or odd.
struct ByteReader {
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

  mutating func strings() -> [String]? {
    guard let count = integer(UInt64.self), count <= UInt64(bytes.count - position) / 4 else { return nil }
    var strings: [String] = []
    strings.reserveCapacity(Int(count))
    for _ in 0..<count {
      guard let string = string() else { return nil }
      strings.append(string)
    }
    return strings
  }

  mutating func regionHash() -> RegionHash? {
    guard let length = integer(Int64.self), let count = integer(UInt32.self),
      UInt64(count) * 8 <= UInt64(bytes.count - position)
    else { return nil }
    var hash = RegionHash(blocks: [], tail: 0, length: length)
    for _ in 0..<count {
      guard let block = integer(UInt64.self) else { return nil }
      hash.blocks.append(block)
    }
    guard let tail = integer(UInt64.self) else { return nil }
    hash.tail = tail
    return hash.isWellFormed ? hash : nil
  }
}

/// The bounds a fact read from a cache must keep to: every value that is
/// later used as an index, a range, a date or an enumeration's raw value
/// within `table`'s symbols and lists and the entries' extents.
struct FactBounds {
  let entries: [FactCache.Entry]
  let names: Int32
  let idCount: UInt64
  let lists: Int
  let earliest = Timestamp.earliest.milliseconds
  let latest = Timestamp.latest.milliseconds

  init(_ table: FactTable, _ entries: [FactCache.Entry]) {
    self.entries = entries
    names = Int32(table.names.count)
    idCount = UInt64(table.ids.count)
    lists = table.lists.count
  }

  @inline(__always) private func isName(_ symbol: Int32) -> Bool { symbol >= 0 && symbol < names }

  @inline(__always) private func isKey(_ key: UInt64) -> Bool {
    if key == 0 { return true }
    if key & EventKey.customBit != 0 { return key & ~EventKey.customBit < idCount && key & 0xffff_ffff != 0 }
    return key & EventKey.contentBit != 0 && key >> 48 == EventKey.contentBit >> 48
  }

  @inline(__always) private func isDay(_ yyyymmdd: Int32) -> Bool {
    let day = Day(yyyymmdd: yyyymmdd)
    return (1...9999).contains(day.year) && (1...12).contains(day.month)
      && day.day >= 1 && day.day <= daysIn(month: day.month, year: day.year)
  }

  @inline(__always) func fits(_ fact: Fact) -> Bool {
    guard Int(fact.file) < entries.count else { return false }
    let entry = entries[Int(fact.file)]
    guard fact.line >= 1, fact.line <= entry.lines, fact.offset >= 0, fact.offset < entry.extent,
      isName(fact.org), isName(fact.subject), isName(fact.slot0), isName(fact.slot1), isName(fact.slot2),
      isKey(fact.id), fact.id != 0, isKey(fact.target),
      isDay(fact.firstDay), isDay(fact.lastDay), fact.firstDay <= fact.lastDay,
      fact.recorded == .max || (earliest...latest).contains(fact.recorded),
      fact.value.isFinite, fact.kind <= FactKind.retract.rawValue || fact.kind == FactKind.custom.rawValue,
      fact.precision <= 2, Int(fact.confidence) < Confidence.allCases.count,
      fact.listStart >= 0, Int(fact.listStart) + Int(fact.focusCount) + Int(fact.deprioritizeCount) <= lists
    else { return false }
    return true
  }
}

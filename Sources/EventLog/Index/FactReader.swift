import Dispatch

/// Every event of a log in compact form, with what the reader left out.
public struct LoadedFacts: Sendable {
  public var table: FactTable
  public var notices: [ReadNotice]
  /// The files as they were read.
  public var version: LogVersion
  /// Why the cache folder was not used (a symlink, another user's), for the
  /// command to print once; the answer is read from the log all the same.
  public var cacheNote: String?
  /// How the projection cache served this read.
  var cacheUse: CacheUse = .none
  /// The fact cache the table was read from, if it was (the replay index is tied to it).
  public var cacheIdentity: CacheIdentity?
  /// The replay index awaiting the fact cache this read is writing, if it is writing one.
  public var pendingIndex: PendingReplayIndex?
  /// For a table of one org's facts (`loadOrgFacts`): the replay index over
  /// exactly them (the facts of lines added since the cache not included),
  /// and how many facts the whole cache holds. Such a table has no
  /// `cacheIdentity`: it is not the cache's table, and no index may be built
  /// from it under that identity.
  public var orgPart: (index: ReplayIndex, cachedFacts: Int)?

  /// Whether the log is large enough for its answers to be worth keeping.
  public var isLarge: Bool {
    // A table of one org's facts stands for the whole cached log, and the lines added since.
    let events = orgPart.map { $0.cachedFacts + table.count - $0.index.facts } ?? table.count
    return events >= FactCache.threshold
  }
}

/// How a read used the projection cache.
enum CacheUse: Equatable {
  /// No cache was there (or none could be used).
  case none
  /// A cache was there but could not be trusted: the log was read whole.
  case rebuilt
  /// Every file was exactly as the cache knew it.
  case unchanged
  /// A file changed, and the cache was kept with proof that its bytes are
  /// still there (only new lines were read).
  case extended(Proof)

  enum Proof: Equatable {
    /// An unbroken chain of custody (every change an append by `add`).
    case custody
    /// The cached region's hash, recomputed.
    case hash
  }
}

/// The chain of custody's records, read at most once, and only when needed.
private final class CustodyLinks {
  private let load: () -> [FileStamp: FileStamp]
  private var loaded: [FileStamp: FileStamp]?

  init(_ load: @escaping () -> [FileStamp: FileStamp]) { self.load = load }

  var links: [FileStamp: FileStamp] {
    if let loaded { return loaded }
    let links = load()
    loaded = links
    return links
  }
}

extension LogStore {
  /// Reads every line of every file into a fact table, both cores at work on
  /// a large file (each takes half, split at a line break). Each line goes
  /// through the fast scanner, and through the strict codec when the scanner
  /// gives up, so the strict codec has the last word.
  /// - Throws: `LogError` 65 naming `file:line` at the first malformed line
  ///   (nothing is skipped), 66 when the log is missing or unreadable.
  /// - Parameter writingCache: false for a dry run, which writes nothing,
  ///   derived data included: the cache is used when it is current, and
  ///   neither written nor extended in place.
  public func loadFacts(writingCache: Bool = true) throws(LogError) -> LoadedFacts {
    let paths = try files()
    let cache = FactCache(store: self)
    var note: String?
    var use = CacheUse.none
    switch cache.folder(create: false) {
    case .folder(let folder):
      if case (var cached, let entries, let identity)? = cache.readIdentified(in: folder) {
        if entries.map(\.path) == paths,
          var loaded = try extend(&cached, entries, cache: cache, folder: folder, mayWrite: writingCache)
        {
          loaded.cacheIdentity = identity
          return loaded
        }
        use = .rebuilt
      }
    case .missing:
      break
    case .refused(let reason):
      note = reason
    }
    var table = FactTable()
    table.files = paths
    var entries: [FactCache.Entry] = []
    var notices: [ReadNotice] = []
    for (index, file) in paths.enumerated() {
      guard let read = try readFacts(of: file, fileIndex: UInt16(clamping: index), into: &table, after: nil, custody: nil)
      else {
        continue  // only a cached file can be found changed
      }
      entries.append(read.entry)
      notices += read.notices
    }
    var pending: PendingReplayIndex?
    if writingCache && notices.isEmpty && note == nil && table.count >= FactCache.threshold {
      let waiting = PendingReplayIndex(store: ReplayIndexStore(cache: cache))
      pending = waiting
      cache.writeInBackground(table, entries, whenWritten: waiting.cacheWritten)
    }
    return LoadedFacts(
      table: table, notices: notices, version: LogVersion(files: paths, stamps: entries.map(\.stamp)), cacheNote: note,
      cacheUse: use, pendingIndex: pending)
  }

  /// One org's known facts, from the replay index, with the facts of the
  /// lines added since the cache (every org's) after them: what an `--org`
  /// question on the default replay needs (issue 15), read without the
  /// rest of the fact cache. The table's symbols are the whole log's.
  /// Nil, and the caller reads the whole table, unless the fact cache and
  /// its replay index are intact, name the org, and the files are as the
  /// cache knew them or grew with proof (a chain of custody) by few enough
  /// lines that the cache is not to be rewritten, and at most
  /// `largestAddition` facts (more, and the indexed replay declines them).
  /// - Throws: as `loadFacts`, for a malformed line added since the cache.
  public func loadOrgFacts(_ org: String, largestAddition: Int) throws(LogError) -> LoadedFacts? {
    let paths = try files()
    let cache = FactCache(store: self)
    guard case .folder(let folder) = cache.folder(create: false),
      let (symbols, header) = cache.readWithoutFacts(in: folder), header.entries.map(\.path) == paths,
      let symbol = symbols.names.lookup(org)
    else { return nil }
    var table = symbols
    let bounds = FactBounds(table, header.entries)
    let store = ReplayIndexStore(cache: cache)
    guard var (facts, index) = store.readOrg(symbol, identity: header.identity, symbols: table, fits: bounds.fits) else {
      return nil
    }
    facts.reserveCapacity(facts.count + 256)
    table.facts = facts
    guard var loaded = try extend(&table, header.entries, cache: cache, folder: folder, mayWrite: false) else { return nil }
    if loaded.table.count > index.facts {
      guard loaded.table.count - index.facts <= largestAddition,
        let keys = store.readKeys(identity: header.identity, names: loaded.table.names.count)
      else { return nil }
      index.keys = keys
    }
    loaded.orgPart = (index, header.identity.facts)
    return loaded
  }

  /// The cached table brought up to date, if every file is unchanged or
  /// grew with proof that its cached bytes are still there (its new lines
  /// are read and added); nil when the cache must be rebuilt, or when it
  /// would be rewritten and `mayWrite` is false.
  /// - Parameter cached: taken (left empty), so that new lines are added to
  ///   its arrays in place rather than to a copy.
  private func extend(
    _ cached: inout FactTable, _ entries: [FactCache.Entry], cache: FactCache, folder: CacheFolder, mayWrite: Bool = true
  ) throws(LogError) -> LoadedFacts? {
    var table = FactTable()
    swap(&table, &cached)
    var updated: [FactCache.Entry] = []
    var notices: [ReadNotice] = []
    var proofs: [CacheUse.Proof] = []
    var added: Int64 = 0
    let custody = CustodyLinks { cache.custody(in: folder) }
    let cachedBytes = entries.reduce(Int64(0)) { $0 + $1.extent }
    // Growth past this (or proven only by a hash) rewrites the cache.
    let rewriteAbove = min(Int64(8 << 20), cachedBytes / 16)
    for (index, entry) in entries.enumerated() {
      guard
        let read = try readFacts(
          of: entry.path, fileIndex: UInt16(clamping: index), into: &table, after: entry, custody: custody,
          growthLimit: mayWrite ? nil : rewriteAbove)
      else {
        return nil
      }
      if let proof = read.proof { proofs.append(proof) }
      added += read.entry.extent - entry.extent
      updated.append(read.entry)
      notices += read.notices
    }
    // A cache extended through the chain of custody by a little is not
    // written again (the next query follows the same chain and reads the
    // same few lines); one extended by a hash, or by much, is.
    var pending: PendingReplayIndex?
    if notices.isEmpty && !proofs.isEmpty && (proofs.contains(.hash) || added > rewriteAbove) {
      guard mayWrite else { return nil }
      let waiting = PendingReplayIndex(store: ReplayIndexStore(cache: cache))
      pending = waiting
      cache.writeInBackground(table, updated, whenWritten: waiting.cacheWritten)
    }
    return LoadedFacts(
      table: table, notices: notices, version: LogVersion(files: updated.map(\.path), stamps: updated.map(\.stamp)),
      cacheUse: proofs.isEmpty ? .unchanged : .extended(proofs.contains(.hash) ? .hash : .custody), pendingIndex: pending)
  }

  /// Reads a file's lines into `table`: all of them, or with `after` (what
  /// the cache holds) only the lines added since, once it is proven that
  /// the cached bytes are still the file's first bytes.
  /// - Returns: nil when that cannot be proven; the proof used, if any.
  /// - Parameter growthLimit: when given, a file that grew by more, or whose
  ///   growth only a hash could prove, is declined before anything is read or hashed.
  private func readFacts(
    of file: String, fileIndex: UInt16, into table: inout FactTable, after cached: FactCache.Entry?,
    custody: CustodyLinks?, growthLimit: Int64? = nil
  ) throws(LogError) -> (entry: FactCache.Entry, notices: [ReadNotice], proof: CacheUse.Proof?)? {
    var unchanged = false
    var declined = false
    var proof: CacheUse.Proof?
    var start: Int64 = 0
    var lines: Int32 = 0
    if let cached {
      start = cached.extent
      lines = cached.lines
    }
    var scannedBlocks: [Int: UInt64] = [:]
    var result = try readInParts(file, from: start, firstLine: Int(lines) + 1, before: { fd, stamp in
      guard let cached else { return true }
      // A rollback record beside the file (a batch whose writer died) changes
      // which of its bytes count, whatever the file's stamp says: read it
      // whole. (Whatever the name holds: reading the record is the whole read's business.)
      if self.rollbackPath(for: file) != nil {
        declined = true
        return false
      }
      if stamp == cached.stamp {
        unchanged = true
        return false
      }
      // Samples are not proof: only a chain of custody or the whole hash.
      if stamp.size >= cached.extent {
        if let custody, Custody.chain(custody.links, from: cached.stamp, to: stamp) {
          guard stamp.size - cached.extent <= growthLimit ?? .max else {
            declined = true
            return false
          }
          proof = .custody
          return true
        }
        if growthLimit == nil, cached.hash.length == cached.extent, cached.hash.matches(fd) {
          proof = .hash
          return true
        }
      }
      declined = true
      return false
    }) { fd, range in scanPart(fd: fd, range: range, file: file, fileIndex: fileIndex) }
    if let cached, unchanged { return (cached, [], nil) }
    if declined { return nil }
    for part in result.parts.indices {
      var scanned = PartResult()
      swap(&scanned, &result.parts[part])  // the only reference, so that taking its table copies nothing
      if let failure = scanned.failure {
        switch failure {
        case .malformed(let line, let message, let hint):
          throw LogError(.dataError, "\(file):\(Int(line) + Int(lines)): \(message)", hint: hint, nextStep: .fixLogFirst)
        case .io(let message):
          throw LogError(.ioError, "cannot read \(file): \(message)")
        }
      }
      if table.facts.isEmpty && table.names.count == 1 && table.ids.count == 1 {
        let files = table.files
        table = scanned.table
        scanned.table = FactTable()
        table.files = files
        if lines != 0 {
          for index in table.facts.indices { table.facts[index].line += lines }
        }
      } else {
        table.merge(scanned.table, lineOffset: lines)
      }
      lines += scanned.lines
      scannedBlocks.merge(scanned.blocks) { first, _ in first }
    }
    let extent = result.end - Int64(result.parts.last?.tornBytes ?? 0)
    // The hash of the proven bytes; the cache's writer hashes the rest.
    let entry = FactCache.Entry(
      path: file, stamp: result.stamp, extent: extent, lines: lines, hash: cached?.hash ?? RegionHash(),
      scanned: scannedBlocks)
    return (entry, result.notices, proof)
  }

  /// Reads a file in parts, one per core for a large file (split at a line
  /// break), under a shared lock and within the length a rollback record
  /// allows; `work` runs on each part in parallel.
  /// - Returns: the parts' results in file order, and the torn tail or
  ///   interrupted batch noticed at the end.
  func readInParts<Result: LinesPart>(
    _ file: String, from start: Int64 = 0, firstLine: Int = 1, before: ((FileDescriptor, FileStamp) -> Bool)? = nil,
    _ work: @escaping @Sendable (FileDescriptor, (Int64, Int64)) -> Result
  ) throws(LogError) -> (parts: [Result], notices: [ReadNotice], stamp: FileStamp, end: Int64) {
    let fd: FileDescriptor
    do { fd = try Sys.open(file, .readOnly) } catch { throw LogError(.noInput, "cannot read \(file): \(error)") }
    defer { Sys.close(fd) }
    try lockShared(fd, file: file)
    let stamp: FileStamp
    do { stamp = try Sys.stamp(fd) } catch { throw LogError(.ioError, "cannot read \(file): \(error)") }
    let size = stamp.size
    // A file that says it is empty but reads bytes (one of /proc or /sys)
    // would read as an empty log: a wrong answer, not an empty one.
    if size == 0 {
      var byte: UInt8 = 0
      if (try? Sys.pread(fd, &byte, 1, 0)) == 1 {
        throw LogError(.noInput, "cannot read \(file): it says it is empty but holds bytes (a file of /proc or /sys, made as it is read); copy it to a regular file and read that")
      }
    }
    if let before, !before(fd, stamp) { return ([], [], stamp, start) }
    var end = size
    var interrupted: Int64 = 0
    var unverified: ReadNotice?
    switch (try? rollbackState(fd, file: file)) ?? .none {
    case .none:
      break
    case .verified(let length):
      if length < size {
        end = length
        interrupted = size - length
      }
    case .unverified(let claimed, let found):
      // Read whole and reported; only a writer under its lock sets it aside.
      unverified = ReadNotice(file: file, line: (try? lineNumber(fd, at: claimed)) ?? 1, kind: .unverifiedRollback(record: rollbackPath(for: file) ?? ownRecordPath(for: file), found: found))
    }
    var split: [(Int64, Int64)] = [(start, max(start, end))]
    if end - start > 4 << 20, let middle = try? nextLineStart(fd, from: start + (end - start) / 2, limit: end),
      middle < end
    {
      split = [(start, middle), (middle, end)]
    }
    let ranges = split
    let results = PartResults<Result>(count: ranges.count)
    DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
      results.store(part, work(fd, ranges[part]))
    }
    var parts = results.parts.map { $0! }
    var notices: [ReadNotice] = []
    if let blank = blankTail(&parts, firstLine: firstLine) {
      notices.append(ReadNotice(file: file, line: blank.line, kind: .blankTail(lines: blank.count)))
    }
    let lines = firstLine - 1 + parts.reduce(0) { $0 + Int($1.lines) }
    if let torn = parts.last?.tornBytes {
      // The file's only line, unended, behind a byte order mark: the mark is the error, not a torn append.
      if lines == 0, startsWithByteOrderMark(fd) {
        throw byteOrderMarkError(file)
      }
      // A whole event that only lacks its newline, a line typed or pasted,
      // or a torn append (`LogStore.unended`; events are far under 1 MB).
      var kind = LogStore.Unended.torn
      if torn <= 1 << 20 {
        var tail = [UInt8](repeating: 0, count: torn)
        if (try? Sys.pread(fd, &tail, torn, end - Int64(torn))) == torn { kind = LogStore.unended(tail) }
      }
      let notice: ReadNotice.Kind = switch kind {
      case .event: .tornTail(bytes: torn, wholeEvent: true)
      case .typed(let reason): .typedTail(bytes: torn, reason: reason)
      case .torn: .tornTail(bytes: torn)
      }
      notices.append(ReadNotice(file: file, line: lines + 1, kind: notice))
    }
    if interrupted > 0 {
      notices.append(ReadNotice(file: file, line: lines + 1, kind: .interruptedBatch(bytes: interrupted)))
    }
    if let unverified { notices.append(unverified) }
    return (parts, notices, stamp, end)
  }

  /// The blank lines that end the parts read, as the first one's number and
  /// their count; a part's blank tail that a later part's events follow is
  /// marked as the error it is.
  private func blankTail<Result: LinesPart>(_ parts: inout [Result], firstLine: Int) -> (line: Int, count: Int)? {
    var run: (part: Int, line: Int, count: Int)?
    var before = firstLine - 1
    for index in parts.indices {
      let part = parts[index]
      let allBlank = part.blankTail.map { $0.first == 1 && $0.count == part.lines } ?? false
      if part.lines > 0 && !allBlank {
        if let previous = run { parts[previous.part].blankLinesAreFollowedByEvents() }
        run = part.blankTail.map { (index, before + Int($0.first), Int($0.count)) }
      } else if allBlank {
        run = run.map { ($0.part, $0.line, $0.count + Int(part.lines)) } ?? (index, before + 1, Int(part.lines))
      }
      before += Int(part.lines)
    }
    return run.map { ($0.line, $0.count) }
  }

  /// The offset just after the first `\n` at or after `from`.
  private func nextLineStart(_ fd: FileDescriptor, from: Int64, limit: Int64) throws(Errno) -> Int64 {
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
    defer { chunk.deallocate() }
    var position = from
    while position < limit {
      let n = try Sys.pread(fd, chunk.baseAddress!, Int(min(Int64(chunk.count), limit - position)), position)
      if n == 0 { break }
      if let newline = chunk[..<n].firstIndex(of: 0x0a) { return position + Int64(newline) + 1 }
      position += Int64(n)
    }
    return limit
  }
}

/// What a reader thread reports about the lines of its part.
protocol LinesPart {
  /// Complete lines read.
  var lines: Int32 { get }
  /// Bytes after the last line break, at the end of the part.
  var tornBytes: Int? { get }
  /// The blank lines (nothing but spaces, tabs and CRs) that end the part.
  var blankTail: BlankRun? { get }
  /// Called when events in a later part follow the blank tail: blank lines
  /// inside the log are an error, at the first of them.
  mutating func blankLinesAreFollowedByEvents()
}

/// Consecutive blank lines: the first one's number (from the part's start) and how many.
struct BlankRun {
  var first: Int32
  var count: Int32

  /// A run that starts at line `number`, or this one grown by it.
  static func adding(_ number: Int32, to run: BlankRun?) -> BlankRun {
    run.map { BlankRun(first: $0.first, count: $0.count + 1) } ?? BlankRun(first: number, count: 1)
  }
}

/// Whether a byte is white space a blank line may hold: a space, a tab or a carriage return.
@inline(__always) func isBlankByte(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0d }

/// Whether a line holds nothing but spaces, tabs and carriage returns.
@inline(__always) func isBlank(_ line: some Sequence<UInt8>) -> Bool {
  for byte in line where !isBlankByte(byte) { return false }
  return true
}

/// Whether the first line of a file starts with a UTF-8 byte order mark.
@inline(__always) func startsWithByteOrderMark(_ line: UnsafeRawBufferPointer, offset: Int64) -> Bool {
  offset == 0 && line.count >= 3 && line[0] == 0xef && line[1] == 0xbb && line[2] == 0xbf
}

/// Whether the file open as `fd` starts with a UTF-8 byte order mark.
func startsWithByteOrderMark(_ fd: FileDescriptor) -> Bool {
  var head = [UInt8](repeating: 0, count: 3)
  guard (try? Sys.pread(fd, &head, 3, 0)) == 3 else { return false }
  return head.withUnsafeBytes { startsWithByteOrderMark($0, offset: 0) }
}

/// The refusal (65) of a byte order mark at the start of `file`, named at its first line.
func byteOrderMarkError(_ file: String) -> LogError {
  LogError(.dataError, "\(file):1: \(byteOrderMarkMessage(file))")
}

/// Why a byte order mark at the start of `file` is refused, and how to remove it.
func byteOrderMarkMessage(_ file: String) -> String {
  let plain = file.utf8.allSatisfy { byte in
    isSlugByte(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "_")
  }
  let quoted = plain
    ? file : "'" + file.replacing("'", with: "'\\''") + "'"
  return "a byte order mark (BOM, the bytes EF BB BF) at the start of \(file): a log is UTF-8 without one; remove it, for example with sed -i '1s/^\\xEF\\xBB\\xBF//' \(quoted)"
}

/// The message of blank lines that more events follow.
let blankLineMessage = "a blank line inside the log: every line is one event, and only the end of a file may be blank; delete the line"

/// One slot per part, each written by its own thread only.
final class PartResults<Result>: @unchecked Sendable {
  var parts: [Result?]

  init(count: Int) { parts = Array(repeating: nil, count: count) }

  func store(_ index: Int, _ result: Result) { parts[index] = result }
}

/// A value for each position of a list, put in place by the threads that
/// make them (each position by one thread), then moved whole into an array:
/// no value is copied on the way. Values put before a failure are released
/// with the slots.
final class Slots<Value>: @unchecked Sendable {
  private let values: UnsafeMutablePointer<Value>
  private let filled: UnsafeMutableBufferPointer<Bool>
  private var moved = false

  init(count: Int) {
    values = .allocate(capacity: count)
    filled = .allocate(capacity: count)
    filled.initialize(repeating: false)
  }

  /// Puts `value` at `position`; each position once.
  func put(_ value: consuming Value, at position: Int) {
    precondition(!filled[position], "a slot put twice")
    (values + position).initialize(to: value)
    filled[position] = true
  }

  /// Every value, in position order, moved out of the slots; each position must have been put.
  func array() -> [Value] {
    precondition(!moved && !filled.contains(false), "a slot left empty")
    moved = true
    return [Value](unsafeUninitializedCapacity: filled.count) { buffer, initialized in
      buffer.baseAddress!.moveInitialize(from: values, count: filled.count)
      initialized = filled.count
    }
  }

  deinit {
    if !moved {
      for position in filled.indices where filled[position] { (values + position).deinitialize(count: 1) }
    }
    values.deallocate()
    filled.deallocate()
  }
}

/// Calls `body` with each complete line of `range` of a file, its number
/// (counted from the range's start) and its offset, until `body` returns
/// false; `read`, when given, with the bytes of each read and their offset first.
/// - Returns: the lines read and the bytes of a final line without `\n`.
func forEachLine(
  fd: FileDescriptor, range: (Int64, Int64), read: ((UnsafeRawBufferPointer, Int64) -> Void)? = nil,
  _ body: (UnsafeRawBufferPointer, Int32, Int64) -> Bool
) throws(Errno) -> (lines: Int32, torn: Int?) {
  var capacity = 8 << 20
  var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
  defer { buffer.deallocate() }
  var filled = 0
  var lines: Int32 = 0
  var position = range.0  // file offset of the next read
  var bufferOffset = range.0  // file offset of buffer[0]
  while true {
    if filled == capacity {
      // A line longer than the buffer: grow it.
      capacity *= 2
      let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
      bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[..<filled]))
      buffer.deallocate()
      buffer = bigger
    }
    let wanted = Int(min(Int64(capacity - filled), range.1 - position))
    let n = wanted == 0 ? 0 : try Sys.pread(fd, buffer.baseAddress! + filled, wanted, position)
    if n > 0, let read { read(UnsafeRawBufferPointer(start: buffer.baseAddress! + filled, count: n), position) }
    position += Int64(n)
    let end = filled + n
    var start = 0
    while start < end, let found = Sys.firstByte(0x0a, in: buffer.baseAddress! + start, count: end - start) {
      let newline = UnsafeRawPointer(found) - UnsafeRawPointer(buffer.baseAddress!)
      lines += 1
      guard body(UnsafeRawBufferPointer(rebasing: buffer[start..<newline]), lines, bufferOffset + Int64(start)) else {
        return (lines, nil)
      }
      start = newline + 1
    }
    if n == 0 { return (lines, end > 0 ? end : nil) }
    let remaining = end - start
    if start > 0 && remaining > 0 {
      buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: remaining)
    }
    bufferOffset += Int64(start)
    filled = remaining
  }
}

/// What one reader thread produced.
struct PartResult: LinesPart, @unchecked Sendable {
  enum Failure {
    case malformed(line: Int32, message: String, hint: InputHint? = nil)
    case io(String)
  }

  var table = FactTable()
  var lines: Int32 = 0
  var tornBytes: Int?
  var blankTail: BlankRun?
  var failure: Failure?
  /// The hashes of the whole `RegionHash` blocks read, by index.
  var blocks: [Int: UInt64] = [:]

  mutating func blankLinesAreFollowedByEvents() {
    if failure == nil, let blankTail { failure = .malformed(line: blankTail.first, message: blankLineMessage) }
  }
}

/// Scans lines `range` of a file into a table; line numbers count from the range's start.
func scanPart(fd: FileDescriptor, range: (Int64, Int64), file: String, fileIndex: UInt16) -> PartResult {
  var result = PartResult()
  // Room for every line from here to the end of the file (lines are rarely
  // under 200 bytes), so that the parts after this one merge into it in
  // place; room that is never filled is never touched, so it costs nothing.
  let end = (try? Sys.stamp(fd).size) ?? range.1
  result.table.facts.reserveCapacity(Int((max(end, range.1) - range.0) / 200))
  result.table.facts.adviseHugePagesForCapacity()
  var scanner = EventScanner()
  var hasher = BlockHasher(range: range)
  do {
    (result.lines, result.tornBytes) = try forEachLine(fd: fd, range: range, read: { hasher.take($0, at: $1) }) {
      line, number, offset in
      if scanner.scanFact(line, into: &result.table, file: fileIndex, line: number, offset: offset) {
        guard let blank = result.blankTail else { return true }
        result.failure = .malformed(line: blank.first, message: blankLineMessage)
        return false
      }
      if isBlank(line) {
        result.blankTail = BlankRun.adding(number, to: result.blankTail)
        return true
      }
      if let blank = result.blankTail {
        result.failure = .malformed(line: blank.first, message: blankLineMessage)
        return false
      }
      if startsWithByteOrderMark(line, offset: offset) {
        result.failure = .malformed(line: number, message: byteOrderMarkMessage(file))
        return false
      }
      do throws(ValueError) {
        let event = try EventCodec.decode(line, stored: true)
        result.table.append(event, file: fileIndex, line: number, offset: offset)
        return true
      } catch {
        result.failure = .malformed(line: number, message: error.message, hint: error.hint)
        return false
      }
    }
  } catch {
    result.failure = .io("\(error)")
  }
  result.blocks = hasher.digests
  return result
}

extension LogStore {
  /// The whole events behind some facts of `table` (notes, sources and every
  /// attribute), in the order asked: each line is read again at its offset.
  public func events(_ indices: [Int32], in table: FactTable) throws(LogError) -> [Event] {
    if let events = table.events { return indices.map { events[Int(table.facts[Int($0)].line) - 1] } }
    return try inHalves(indices, in: table) { (part, slots) throws(LogError) in try self.decodeEvents(part, in: table, into: slots) }
  }

  /// Decodes the lines of `part` (positions in `indices` with their facts)
  /// into their slots, on the calling thread. A line found to hold another
  /// event than the fact read from it (the file was replaced or edited since
  /// the table was read: a long listing reads its lines in parts) stops the
  /// question with 75, rather than list that other event.
  private func decodeEvents(_ part: [(position: Int, fact: Int32)], in table: FactTable, into slots: Slots<Event>) throws(LogError) {
    var scanner = EventScanner()
    try withLines(part.map(\.fact), in: table) { (rank, line, file) throws(LogError) in
      let fact = table.facts[Int(part[rank].fact)]
      var event = scanner.scanEvent(line, stored: true) ?? (try? EventCodec.decode(line, stored: true))
      if event == nil {
        // A line longer than what was read from its start, or changed since.
        let bytes = try readLine(of: file, at: fact.offset)
        do throws(ValueError) { event = try EventCodec.decode(bytes, stored: true) } catch {
          throw LogError(.dataError, "\(file):\(fact.line): \(error.message)", hint: error.hint)
        }
      }
      guard let event, event.id == table.idString(fact.id) else {
        throw LogError(.tempFail, "\(file) changed while this question read it (line \(fact.line) holds another event now); ask again")
      }
      slots.put(event, at: part[rank].position)
    }
  }

  /// The facts among `indices` whose line may hold the JSON string `text` in
  /// its attributes: its bytes, or a backslash where an escape could spell
  /// it (`attrsMayHoldEscapes`), found without decoding the lines; in the
  /// order given.
  public func facts(_ indices: [Int32], in table: FactTable, mayHold text: String) throws(LogError) -> [Int32] {
    if table.events != nil { return indices }
    let needle = Array(text.utf8)
    let holds = try inHalves(indices, in: table) { (part, slots) throws(LogError) in
      try self.linesHold(needle, part, in: table, into: slots)
    }
    return indices.indices.filter { holds[$0] }.map { indices[$0] }
  }

  /// Many lines are read in two halves in file order, one per core, each
  /// putting its values in their slots: the results come back in the order
  /// of `indices`, never copied. When both halves fail, the first half's
  /// error is the one reported.
  private func inHalves<Value>(
    _ indices: [Int32], in table: FactTable,
    _ work: @escaping @Sendable ([(position: Int, fact: Int32)], Slots<Value>) throws(LogError) -> Void
  ) throws(LogError) -> [Value] {
    let slots = Slots<Value>(count: indices.count)
    let all = indices.enumerated().map { (position: $0.offset, fact: $0.element) }
    guard indices.count >= 8192 else {
      try work(all, slots)
      return slots.array()
    }
    let facts = table.facts
    let inFileOrder = all.sorted { a, b in
      let (x, y) = (facts[Int(a.fact)], facts[Int(b.fact)])
      return x.file != y.file ? x.file < y.file : x.offset < y.offset
    }
    let middle = inFileOrder.count / 2
    let halves = [Array(inFileOrder[..<middle]), Array(inFileOrder[middle...])]
    let failures = PartResults<LogError>(count: 2)
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      do throws(LogError) { try work(halves[part], slots) } catch { failures.store(part, error) }
    }
    if let failure = failures.parts.lazy.compactMap({ $0 }).first { throw failure }
    return slots.array()
  }

  /// Whether each line of `indices` may hold `needle` (see `facts(_:in:mayHold:)`).
  private func linesHold(
    _ needle: [UInt8], _ part: [(position: Int, fact: Int32)], in table: FactTable, into slots: Slots<Bool>
  ) throws(LogError) {
    try withLines(part.map(\.fact), in: table) { (rank, line, _) throws(LogError) in
      slots.put(line.count > 0 && (needle.isEmpty || bytes(line, contain: needle) || attrsMayHoldEscapes(line)), at: part[rank].position)
    }
  }

  /// Calls `body` with each fact's position in `indices`, its line's bytes
  /// (without the `\n`) and its file, reading each file forwards once
  /// through a window of its bytes.
  func withLines(
    _ indices: [Int32], in table: FactTable,
    _ body: (Int, UnsafeRawBufferPointer, String) throws(LogError) -> Void
  ) throws(LogError) {
    let byFile = Dictionary(grouping: indices.indices) { table.facts[Int(indices[$0])].file }
    for (fileIndex, positions) in byFile {
      let file = table.files[Int(fileIndex)]
      let fd: FileDescriptor
      do { fd = try Sys.open(file, .readOnly) } catch { throw LogError(.noInput, "cannot read \(file): \(error)") }
      defer { Sys.close(fd) }
      try lockShared(fd, file: file)
      let window = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 << 20, alignment: 16)
      defer { window.deallocate() }
      var windowStart: Int64 = 0
      var windowCount = 0
      let sorted = positions.sorted { table.facts[Int(indices[$0])].offset < table.facts[Int(indices[$1])].offset }
      let offsets = sorted.map { table.facts[Int(indices[$0])].offset }
      /// How much to read from the `rank`th line on: through the lines that
      /// follow it closely, with room for the last one (`lineRoom`), at most
      /// the window. A read costs about as much as copying 8 KB more from
      /// the page cache, so a gap under `readThrough` is read and a larger
      /// one skipped: the lines of one org of the benchmark's log (one line
      /// in 14 to 90) are then read in 75% to 16% of its bytes, where a
      /// 64 KB threshold read 100% to 91%.
      func readLength(from rank: Int) -> Int {
        var last = rank
        while last + 1 < offsets.count, offsets[last + 1] - offsets[last] < readThrough,
          offsets[last + 1] - offsets[rank] < Int64(window.count - lineRoom)
        {
          last += 1
        }
        return min(window.count, Int(offsets[last] - offsets[rank]) + lineRoom)
      }
      for (rank, position) in sorted.enumerated() {
        let fact = table.facts[Int(indices[position])]
        var line: UnsafeRawBufferPointer?
        if fact.offset >= windowStart, fact.offset < windowStart + Int64(windowCount) {
          let start = Int(fact.offset - windowStart)
          if let found = Sys.firstByte(0x0a, in: window.baseAddress! + start, count: windowCount - start) {
            let end = UnsafeRawPointer(found) - UnsafeRawPointer(window.baseAddress!)
            line = UnsafeRawBufferPointer(rebasing: window[start..<end])
          }
        }
        if line == nil {
          do { windowCount = try Sys.pread(fd, window.baseAddress!, readLength(from: rank), fact.offset) } catch {
            throw LogError(.ioError, "cannot read \(file): \(error)")
          }
          windowStart = fact.offset
          if let found = Sys.firstByte(0x0a, in: window.baseAddress!, count: windowCount) {
            line = UnsafeRawBufferPointer(rebasing: window[0..<(UnsafeRawPointer(found) - UnsafeRawPointer(window.baseAddress!))])
          }
        }
        if let line {
          try body(position, line, file)
        } else {
          // A line longer than what was read from its start.
          let bytes = try readLine(of: file, at: fact.offset)
          var failure: LogError?
          bytes.withUnsafeBytes { raw in
            do throws(LogError) { try body(position, raw, file) } catch { failure = error }
          }
          if let failure { throw failure }
        }
      }
    }
  }
}

/// Lines closer than this are read through (`LogStore.withLines`).
private let readThrough: Int64 = 8 << 10
/// What is read past a line's start for the line: more than most lines
/// hold; a longer one is read again whole (`readLine`).
private let lineRoom = 4 << 10

/// Whether an escape could spell part of a string in the attributes of
/// `line` (a JSON object on one line): a backslash in the value of a member
/// named `attrs`, or in any member's name (`"attr\u0073"` is `attrs` too);
/// true when the line cannot be walked as an object. A backslash elsewhere
/// (a note's `\n`, a title's `\"`) cannot: most lines that hold one are
/// then not decoded to look.
func attrsMayHoldEscapes(_ line: UnsafeRawBufferPointer) -> Bool {
  guard let base = line.baseAddress, Sys.firstByte(0x5c, in: base, count: line.count) != nil else { return false }
  let bytes = line.bindMemory(to: UInt8.self)
  let count = bytes.count
  var at = 0
  func skipSpace() {
    while at < count, bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0d || bytes[at] == 0x0a { at += 1 }
  }
  /// Past a string starting at its quote; whether it holds a backslash (nil: unterminated).
  func skipString() -> Bool? {
    at += 1
    var escaped = false
    while at < count {
      switch bytes[at] {
      case 0x22:
        at += 1
        return escaped
      case 0x5c:
        escaped = true
        at += 2
      default: at += 1
      }
    }
    return nil
  }
  /// Past one value; whether it holds a backslash (nil: cannot be walked).
  func skipValue() -> Bool? {
    var depth = 0
    var escaped = false
    while at < count {
      let byte = bytes[at]
      if byte == 0x22 {
        guard let inString = skipString() else { return nil }
        escaped = escaped || inString
        if depth == 0 { return escaped }
        continue
      }
      // A number, true, false or null ends where its member does.
      if depth == 0 && (byte == 0x2c || byte == 0x7d) { return escaped }
      switch byte {
      case 0x7b, 0x5b: depth += 1
      case 0x7d, 0x5d:
        guard depth > 0 else { return nil }
        depth -= 1
        if depth == 0 {
          at += 1
          return escaped
        }
      case 0x5c: return nil  // outside a string: not JSON
      default: break
      }
      at += 1
    }
    return nil
  }
  skipSpace()
  guard at < count, bytes[at] == 0x7b else { return true }
  at += 1
  var attrsEscaped = false
  while true {
    skipSpace()
    guard at < count else { return true }
    if bytes[at] == 0x7d { return attrsEscaped }
    guard bytes[at] == 0x22 else { return true }
    let nameStart = at + 1
    guard let nameEscaped = skipString(), !nameEscaped else { return true }
    let isAttrs = at - 1 - nameStart == 5 && bytes[nameStart..<at - 1].elementsEqual("attrs".utf8)
    skipSpace()
    guard at < count, bytes[at] == 0x3a else { return true }
    at += 1
    skipSpace()
    guard let valueEscaped = skipValue() else { return true }
    if isAttrs && valueEscaped { attrsEscaped = true }
    skipSpace()
    guard at < count else { return true }
    if bytes[at] == 0x2c { at += 1 } else if bytes[at] != 0x7d { return true }
  }
}

/// Whether `line` holds the bytes of `needle` (not empty) somewhere.
private func bytes(_ line: UnsafeRawBufferPointer, contain needle: [UInt8]) -> Bool {
  guard let base = line.baseAddress, needle.count <= line.count else { return false }
  let first = needle[0]
  var from = 0
  while from + needle.count <= line.count, let found = Sys.firstByte(first, in: base + from, count: line.count - from - needle.count + 1) {
    let at = UnsafeRawPointer(found) - base
    if needle.withUnsafeBytes({ Sys.compareBytes(base + at, $0.baseAddress!, count: needle.count) == 0 }) { return true }
    from = at + 1
  }
  return false
}

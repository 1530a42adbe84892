#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Something a reader noticed and left out, without failing.
public struct ReadNotice: Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// A final line without `\n`: an append that never finished.
    case tornTail(bytes: Int)
    /// Bytes of a batch whose writer died before finishing it (a rollback record is present).
    case interruptedBatch(bytes: Int64)
    /// Lines holding nothing but spaces, tabs or CRs at the end of the file.
    case blankTail(lines: Int)
  }

  public var file: String
  public var line: Int
  public var kind: Kind

  public var description: String {
    switch kind {
    case .tornTail(let bytes):
      "\(file):\(line): torn final line (\(bytes) bytes without a newline, an append that never finished) was ignored; `timeline check --repair` removes it"
    case .interruptedBatch(let bytes):
      "\(file):\(line): an interrupted add --stdin batch (\(bytes) bytes) was ignored; `timeline check --repair` rolls it back"
    case .blankTail(let count):
      "\(file):\(line): \(count == 1 ? "a blank line" : "\(count) blank lines") at the end of the file \(count == 1 ? "was" : "were") ignored; `timeline check --repair` removes \(count == 1 ? "it" : "them")"
    }
  }
}

/// The log on disk: one `.jsonl` file, or a folder whose `*.jsonl` files are
/// read as one set (and `add` writes to `log.jsonl` there). The only code that
/// touches the files.
public struct LogStore: Sendable {
  /// The path the user gave (`--log`).
  public let path: String
  /// How long to wait for another process's lock before giving up (exit 75).
  public let lockTimeout: Double

  /// The file `add` writes to in a folder log.
  public static let folderLogName = "log.jsonl"

  public init(path: String, lockTimeout: Double = 10) {
    self.path = path
    self.lockTimeout = lockTimeout
  }

  /// Waits for cache files being written in the background; call it before the process ends.
  public static func finishWriting() {
    FactCache.writes.wait()
  }

  /// Whether the log is (or, when missing, would be created as) a single file.
  public var isSingleFile: Bool {
    switch Sys.type(of: path) {
    case .directory: false
    case .missing: path.hasSuffix(".jsonl")
    default: true
    }
  }

  /// The file that `add` appends to.
  public var appendTarget: String {
    isSingleFile ? path : join(path, LogStore.folderLogName)
  }

  /// The files of the log, in name order.
  /// - Throws: exit 66 when the log does not exist or cannot be listed.
  /// Whether anything is at the log's path (add creates a missing log).
  public var exists: Bool { Sys.type(of: path) != .missing }

  /// Whether writing a file at `output` would replace a file of this log:
  /// the log file itself, or a `.jsonl` file in the log folder (links and
  /// relative paths resolved).
  public func isLogFile(_ output: String) -> Bool {
    func resolved(_ path: String) -> String {
      if let real = realpath(path, nil) {
        defer { free(real) }
        return String(cString: real)
      }
      return resolved(parent(of: path)) + "/" + baseName(path)
    }
    let target = resolved(output)
    let log = resolved(path)
    return target == log || (output.hasSuffix(".jsonl") && parent(of: target) == log)
  }

  public func files() throws(LogError) -> [String] {
    switch Sys.type(of: path) {
    case .missing:
      throw LogError(.noInput, "no log at \(path): add an event to create it (timeline --log \(path) add ...), or point --log or TIMELINE_LOG at an existing log")
    case .directory:
      do {
        return try Sys.list(path).filter { $0.hasSuffix(".jsonl") }.map { join(path, $0) }.filter { Sys.type(of: $0) == .file }
      } catch {
        throw LogError(.noInput, "cannot read the log folder \(path): \(error)")
      }
    case .file:
      return [path]
    case .other:
      // A FIFO would block the reader forever, /dev/zero would fill memory.
      throw LogError(.noInput, "the log \(path) is not a regular file or a folder; point --log or TIMELINE_LOG at a .jsonl file or a folder of them")
    }
  }

  // MARK: - Reading

  /// Reads the bytes of one line at a known offset (for listing events found earlier).
  public func readLine(of file: String, at offset: Int64) throws(LogError) -> [UInt8] {
    let fd: Int32
    do { fd = try Sys.open(file, O_RDONLY) } catch { throw LogError(.noInput, "cannot read \(file): \(error)") }
    defer { Sys.close(fd) }
    var line: [UInt8] = []
    var position = offset
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let n: Int
      do { n = try Sys.pread(fd, chunk.baseAddress!, chunk.count, position) } catch {
        throw LogError(.ioError, "cannot read \(file): \(error)")
      }
      if n == 0 { return line }
      if let newline = chunk[..<n].firstIndex(of: 0x0a) {
        line.append(contentsOf: chunk[..<newline])
        return line
      }
      line.append(contentsOf: chunk[..<n])
      position += Int64(n)
    }
  }

  // MARK: - Appending

  /// Appends events as whole lines, all or nothing: `O_APPEND`, an exclusive
  /// `flock`, a rollback record for batches, one write of every line, `fsync`.
  /// Events without `recorded` are stamped max(now, the file's last recorded
  /// + 1 ms), 1 ms apart in order; given ones must keep the file increasing.
  /// - Parameters:
  ///   - label: names event `i` in an error ("<stdin>:3").
  ///   - notice: receives what was repaired on the way (a torn tail cut).
  ///   - dryRun: make every check of the real run, the lock and the file's
  ///     last `recorded` included, then stop before anything is created,
  ///     repaired or written.
  /// - Returns: the events as written (or as they would be), stamped.
  public func append(
    _ events: [Event], now: Timestamp, dryRun: Bool = false, label: (Int) -> String, notice: (String) -> Void
  ) throws(LogError) -> [Event] {
    // Everything that can reject the events is checked before anything is
    // changed, so that a rejected add leaves every file (and a missing log)
    // byte for byte as it was: first the batch on its own, before the log is
    // created; then, under the lock, against the file's last acknowledged line,
    // before a torn tail is cut or an interrupted batch rolled back.
    _ = try stamp(events, after: nil, now: now, label: label, file: nil)
    let target = try prepareTarget(create: !dryRun)
    let type = Sys.type(of: target)
    guard type == .file || type == .missing else {
      throw LogError(.cannotCreate, "cannot append to \(target): it is not a regular file; a log is a .jsonl file or a folder of them")
    }
    let created = type == .missing
    if dryRun && created { return try stamp(events, after: nil, now: now, label: label, file: target).0 }
    let fd: Int32
    do { fd = try Sys.open(target, O_RDWR | O_APPEND | (dryRun ? 0 : O_CREAT)) } catch {
      throw LogError(.cannotCreate, "cannot open \(target) for appending: \(error)\(hint(for: error))")
    }
    defer { Sys.close(fd) }
    if created { Sys.fsyncDirectory(parent(of: target)) }
    try acquire(fd, exclusive: true, file: target)
    let acknowledged = try acknowledgedSize(fd, file: target)
    let (stamped, bytes) = try stamp(
      events, after: try lastRecorded(fd, size: acknowledged, file: target), now: now, label: label, file: target)
    if dryRun { return stamped }
    if bytes.isEmpty { return [] }
    try recover(fd, file: target, keepWholeEvent: true, notice: notice)

    let originalSize: Int64
    do { originalSize = try Sys.size(fd) } catch { throw LogError(.ioError, "cannot stat \(target): \(error)") }
    let record = rollbackPath(for: target)
    let batch = events.count > 1
    if batch { try writeRollbackRecord(record, length: originalSize, dir: parent(of: record)) }
    do throws(Errno) {
      try Sys.writeAll(fd, bytes)
      try Sys.fsync(fd)
    } catch {
      // Leave the file as it was: cut whatever part of the write got in.
      try? Sys.ftruncate(fd, originalSize)
      try? Sys.fsync(fd)
      if batch { try? Sys.unlink(record) }
      throw LogError(.ioError, "cannot append to \(target): \(error)\(hint(for: error)); nothing was written")
    }
    if batch {
      do { try Sys.unlink(record) } catch {
        throw LogError(.ioError, "appended to \(target) but cannot remove \(record): \(error); the batch will be rolled back by the next add or check --repair")
      }
      Sys.fsyncDirectory(parent(of: record))
    }
    return stamped
  }

  /// Stamps events without `recorded` max(now, previous + 1 ms), checks that
  /// given ones keep increasing after `last`, and encodes them as lines.
  private func stamp(
    _ events: [Event], after last: Timestamp?, now: Timestamp, label: (Int) -> String, file: String?
  ) throws(LogError) -> ([Event], [UInt8]) {
    var cursor = last
    var stamped = events
    var bytes: [UInt8] = []
    for index in stamped.indices {
      if let given = stamped[index].recorded {
        if let previous = cursor, given <= previous {
          let whose = previous == last && file != nil ? "the latest recorded time in \(file!)" : "the recorded time of the line before it"
          throw LogError(.dataError, "\(label(index)): recorded \(given) is not after \(previous), \(whose); recorded times increase within a file: leave \"recorded\" out to have add stamp the event")
        }
        cursor = given
      } else {
        let next = max(now, cursor?.next ?? now)
        guard next <= Timestamp.latest else {
          throw LogError(.dataError, "\(label(index)): cannot stamp the event after \(cursor.map(\.description) ?? "\(now)")\(file.map { " in \($0)" } ?? ""), the last time a timestamp can hold (years end at 9999): an import gave that line a wrong \"recorded\"")
        }
        stamped[index].recorded = next
        cursor = next
      }
      bytes.append(contentsOf: EventCodec.encode(stamped[index]))
      bytes.append(0x0a)
    }
    return (stamped, bytes)
  }

  /// The length the file will have once `recover` has rolled back an
  /// interrupted batch and cut a torn final line, worked out without changing it.
  private func acknowledgedSize(_ fd: Int32, file: String) throws(LogError) -> Int64 {
    do {
      var size = try Sys.size(fd)
      if let length = readRollbackRecord(for: file), size > length { size = length }
      guard size > 0 else { return 0 }
      var last: UInt8 = 0
      _ = try Sys.pread(fd, &last, 1, size - 1)
      return last == 0x0a ? size : try startOfLastLine(fd, size: size)
    } catch {
      throw LogError(.ioError, "cannot read \(file) before appending: \(error)")
    }
  }

  /// Creates a missing log (a folder unless the path ends in `.jsonl`) and
  /// returns the file to append to.
  /// With `create` false, only says which file that would be.
  private func prepareTarget(create: Bool = true) throws(LogError) -> String {
    switch Sys.type(of: path) {
    case .directory:
      return join(path, LogStore.folderLogName)
    case .file:
      return path
    case .other:
      throw LogError(.cannotCreate, "cannot append to \(path): it is not a regular file or a folder; a log is a .jsonl file or a folder of them")
    case .missing:
      let dir = parent(of: path)
      guard Sys.type(of: dir) == .directory else {
        throw LogError(.cannotCreate, "cannot create the log \(path): the folder \(dir) does not exist; create it first (mkdir -p \(dir))")
      }
      if path.hasSuffix(".jsonl") { return path }
      if !create { return join(path, LogStore.folderLogName) }
      do { try Sys.mkdir(path) } catch {
        throw LogError(.cannotCreate, "cannot create the log folder \(path): \(error)\(hint(for: error))")
      }
      Sys.fsyncDirectory(dir)
      return join(path, LogStore.folderLogName)
    }
  }

  private func hint(for error: Errno) -> String {
    switch error.code {
    case EACCES, EPERM: " (check the permissions of the file and its folder)"
    case EROFS: " (the file system is read-only)"
    case EFBIG: " (the file size limit was reached: see ulimit -f)"
    case ENOSPC, EDQUOT: " (the disk is full)"
    default: ""
    }
  }

  /// Under an exclusive lock: rolls back an interrupted batch and cuts a torn final line.
  /// - Parameter keepWholeEvent: refuse (65) rather than cut a final line that
  ///   lacks only its `\n` but is a whole event: timeline writes a line and its
  ///   `\n` in one write, so such a line was most likely typed or pasted in by
  ///   hand, and `add` must not silently drop it. `check --repair` cuts it.
  private func recover(_ fd: Int32, file: String, keepWholeEvent: Bool = false, notice: (String) -> Void) throws(LogError) {
    var wholeEvent: String?
    do {
      let record = rollbackPath(for: file)
      if let length = readRollbackRecord(for: file) {
        let size = try Sys.size(fd)
        if size > length {
          try Sys.ftruncate(fd, length)
          try Sys.fsync(fd)
          notice("rolled back an interrupted add --stdin batch of \(size - length) bytes in \(file)")
        }
      }
      if Sys.type(of: record) != .missing {
        try Sys.unlink(record)
        Sys.fsyncDirectory(parent(of: record))
      }
      let size = try Sys.size(fd)
      guard size > 0 else { return }
      var last: UInt8 = 0
      _ = try Sys.pread(fd, &last, 1, size - 1)
      if last != 0x0a {
        let keep = try startOfLastLine(fd, size: size)
        if keepWholeEvent {
          var tail = [UInt8](repeating: 0, count: Int(size - keep))
          _ = try Sys.pread(fd, &tail, tail.count, keep)
          wholeEvent = (try? EventCodec.decode(tail, stored: true))?.id
        }
        if wholeEvent == nil {
          try Sys.ftruncate(fd, keep)
          try Sys.fsync(fd)
          notice("cut a torn final line of \(size - keep) bytes from \(file) (an append that never finished; it was never acknowledged)")
        }
      }
    } catch {
      throw LogError(.ioError, "cannot repair \(file) before appending: \(error)")
    }
    if let wholeEvent {
      throw LogError(.dataError, "the final line of \(file) (event \(wholeEvent)) has no newline, so it is not part of the log yet, but it is a whole event, perhaps added by hand: end it with a newline (echo >> \(file)) to keep it, or run `timeline check --repair` to remove it; nothing was appended")
    }
  }

  /// The offset where the file's last line starts (just after the previous `\n`).
  private func startOfLastLine(_ fd: Int32, size: Int64) throws(Errno) -> Int64 {
    var end = size - 1  // skip the final byte (a `\n`, or part of a torn line)
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
    defer { chunk.deallocate() }
    while end > 0 {
      let start = max(0, end - Int64(chunk.count))
      let count = Int(end - start)
      _ = try Sys.pread(fd, chunk.baseAddress!, count, start)
      if let newline = chunk[..<count].lastIndex(of: 0x0a) {
        return start + Int64(newline) + 1
      }
      end = start
    }
    return 0
  }

  /// The `recorded` of the file's last line (which ends in `\n`).
  private func lastRecorded(_ fd: Int32, size: Int64, file: String) throws(LogError) -> Timestamp? {
    guard size > 0 else { return nil }
    let line: [UInt8]
    do {
      let start = try startOfLastLine(fd, size: size)
      let count = Int(size - start - 1)
      let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
      defer { raw.deallocate() }
      _ = try Sys.pread(fd, raw.baseAddress!, count, start)
      line = Array(raw[..<count])
    } catch {
      throw LogError(.ioError, "cannot read the end of \(file): \(error)")
    }
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) {
      throw LogError(.dataError, "\(file) ends with a blank line, and an event appended after it would leave the blank line inside the log: run `timeline check --repair` to remove it, then add again; nothing was appended")
    }
    if case .object(let members)? = try? JSONParser.parse(line),
      case .string(let text)? = members.first(where: { $0.key == "recorded" })?.value,
      let recorded = try? Timestamp.parse(text)
    {
      return recorded
    }
    throw LogError(.dataError, "the last line of \(file) has no valid \"recorded\" time, so a new event cannot be stamped after it; run `timeline check` to find the problem")
  }

  // MARK: - Rollback records and repair

  /// Where a batch's rollback record lives: beside the real file, so that a
  /// log reached through a symlink and through its target shares one record
  /// (a reader through the other path would otherwise see a dead batch).
  private func rollbackPath(for file: String) -> String { (Sys.realPath(file) ?? file) + ".rollback" }

  /// The length before an unfinished batch, if one was interrupted.
  func rollbackLength(for file: String) -> Int64? { readRollbackRecord(for: file) }

  /// Takes the shared lock readers hold.
  func lockShared(_ fd: Int32, file: String) throws(LogError) { try acquire(fd, exclusive: false, file: file) }

  /// Writes and syncs `length\n` to the record: 73 when it cannot be created,
  /// 74 (and no record left behind) when the write fails (a full disk, a file
  /// size limit).
  private func writeRollbackRecord(_ record: String, length: Int64, dir: String) throws(LogError) {
    let fd: Int32
    do { fd = try Sys.open(record, O_WRONLY | O_CREAT | O_TRUNC) } catch {
      throw LogError(.cannotCreate, "cannot create the rollback record \(record): \(error)\(hint(for: error)); nothing was written")
    }
    defer { Sys.close(fd) }
    do throws(Errno) {
      try Sys.writeAll(fd, Array("\(length)\n".utf8))
      try Sys.fsync(fd)
    } catch {
      try? Sys.unlink(record)
      throw LogError(.ioError, "cannot write the rollback record \(record): \(error)\(hint(for: error)); nothing was written")
    }
    Sys.fsyncDirectory(dir)
  }

  /// The file length saved before an unfinished batch, if a complete rollback
  /// record exists: 1 to 18 decimal digits and `\n`, as `append` writes it.
  /// Anything else (torn, or not written by timeline: `-5`, `+1`) is no record,
  /// so a reader never gets a negative length to read up to.
  private func readRollbackRecord(for file: String) -> Int64? {
    guard let bytes = try? Sys.readSmallFile(rollbackPath(for: file)), bytes.last == 0x0a else { return nil }
    let digits = bytes.dropLast()
    guard (1...18).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Int64(String(decoding: digits, as: UTF8.self))
  }

  /// Rolls back interrupted batches and removes torn final lines in every file.
  /// - Returns: what was done, a line each.
  public func repair() throws(LogError) -> [String] {
    var done: [String] = []
    for file in try files() {
      let fd: Int32
      do { fd = try Sys.open(file, O_RDWR | O_APPEND) } catch {
        // A read-only log with nothing to repair is fine: check --repair then only checks.
        if try !needsRepair(file) { continue }
        throw LogError(.cannotCreate, "cannot open \(file) to repair it: \(error)\(hint(for: error))")
      }
      defer { Sys.close(fd) }
      try acquire(fd, exclusive: true, file: file)
      try recover(fd, file: file) { done.append($0) }
    }
    return done
  }

  /// Whether `file` has a rollback record or a final line without `\n`, seen under a shared lock.
  private func needsRepair(_ file: String) throws(LogError) -> Bool {
    let fd: Int32
    do { fd = try Sys.open(file, O_RDONLY) } catch { throw LogError(.noInput, "cannot read \(file): \(error)") }
    defer { Sys.close(fd) }
    try acquire(fd, exclusive: false, file: file)
    do {
      let size = try Sys.size(fd)
      var last: UInt8 = 0x0a
      if size > 0 { _ = try Sys.pread(fd, &last, 1, size - 1) }
      return last != 0x0a || Sys.type(of: rollbackPath(for: file)) != .missing
    } catch {
      throw LogError(.ioError, "cannot read \(file): \(error)")
    }
  }

  private func acquire(_ fd: Int32, exclusive: Bool, file: String) throws(LogError) {
    let locked: Bool
    do { locked = try Sys.lock(fd, exclusive: exclusive, timeout: lockTimeout) } catch {
      throw LogError(.ioError, "cannot lock \(file): \(error)")
    }
    guard locked else {
      throw LogError(.tempFail, "\(file) is locked by another timeline process (waited \(formatSeconds(lockTimeout)) s); try again when it has finished")
    }
  }
}

func formatSeconds(_ seconds: Double) -> String {
  seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}

func join(_ dir: String, _ name: String) -> String {
  dir.hasSuffix("/") ? dir + name : dir + "/" + name
}

func baseName(_ path: String) -> String {
  var trimmed = path
  while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
  return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
}

func parent(of path: String) -> String {
  var trimmed = path
  while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
  guard let slash = trimmed.lastIndex(of: "/") else { return "." }
  let dir = String(trimmed[..<slash])
  return dir.isEmpty ? "/" : dir
}

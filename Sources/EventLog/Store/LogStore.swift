/// Something a reader noticed and left out, without failing; the command
/// line says it, and how to repair it, in its own words.
public struct ReadNotice: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// A final line without `\n`: an append that never finished, or, when
    /// `wholeEvent`, an event typed or pasted without its newline (which
    /// `check --repair` keeps by adding the newline).
    case tornTail(bytes: Int, wholeEvent: Bool = false)
    /// A final line without `\n` that is no event but cannot be the torn
    /// end of an append either (`Unended.typed`): typed or pasted, it is
    /// left out and never cut; `reason` says what is wrong with it.
    case typedTail(bytes: Int, reason: String)
    /// Bytes of a batch whose writer died before finishing it (a rollback record is present).
    case interruptedBatch(bytes: Int64)
    /// Lines holding nothing but spaces, tabs or CRs at the end of the file.
    case blankTail(lines: Int)
    /// A rollback record that cannot prove the bytes after its length are its
    /// batch (`found` says why): the whole file was read, nothing is cut.
    case unverifiedRollback(record: String, found: String)
  }

  public var file: String
  public var line: Int
  public var kind: Kind

  /// What is wrong with a rollback record that cannot be used.
  public static func unverifiedMessage(record: String, file: String, found: String) -> String {
    "a rollback record \(record) does not match \(file) (\(found))"
  }

  /// The name a record that cannot be used is set aside under (in its folder).
  public static func setAsideName(of record: String) -> String { baseName(record) + ".set-aside" }
}

/// Something a writer repaired before appending, or a repair of the log did.
public struct RepairNote: Sendable, Equatable {
  /// What was done: said whole, or a value the command line words.
  public enum Done: Sendable, Equatable {
    case said(String)
    /// The bytes of a batch whose writer died before finishing it, proven by its rollback record, were cut.
    case rolledBackBatch(bytes: Int64, file: String)
  }

  public var done: Done
  /// The bytes of an incomplete final line that were cut, to be shown
  /// verbatim so that nothing is lost even then; nil when none were.
  public var cutBytes: [UInt8]?

  public init(_ done: Done, cutBytes: [UInt8]? = nil) {
    self.done = done
    self.cutBytes = cutBytes
  }

  init(message: String, cutBytes: [UInt8]? = nil) {
    self.init(.said(message), cutBytes: cutBytes)
  }
}

/// Something an append warns of, for the command line to say.
public enum AppendWarning: Sendable, Equatable {
  /// The latest recorded time in `file` is more than a day after the clock
  /// (`now`), so the new events are stamped after it, from `stamped` on.
  case clockAhead(file: String, latest: Timestamp, now: Timestamp, stamped: Timestamp)
}

/// The log on disk: one `.jsonl` file, or a folder whose `*.jsonl` files are
/// read as one set (and `add` writes to `<writer>.jsonl` there). The only code that
/// touches the files.
public struct LogStore: Sendable {
  /// The path the user gave (`--log`).
  public let path: String
  /// How long to wait for another process's lock before giving up (exit 75).
  public let lockTimeout: Double

  /// Who appends, in a folder log: `add` writes to `<writer>.jsonl` there (a
  /// slug, checked by `isValidWriter`; `log` by default). A file log ignores it.
  public let writer: String

  public init(path: String, lockTimeout: Double = 10, writer: String = "log") {
    self.path = path
    self.lockTimeout = lockTimeout
    self.writer = writer
  }

  /// Whether `name` can name a writer: a slug, `[a-z0-9][a-z0-9-]*`, at most 64 characters.
  public static func isValidWriter(_ name: String) -> Bool {
    guard let first = name.utf8.first, name.utf8.count <= 64 else { return false }
    func plain(_ byte: UInt8) -> Bool { (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) }
    return plain(first) && name.utf8.allSatisfy { plain($0) || $0 == UInt8(ascii: "-") }
  }

  /// How far (ms) a `recorded` time may be after the clock before `check`
  /// and `add` warn of it: a day, so that clocks a little apart never do.
  public static let clockTolerance: Int64 = 86_400_000

  /// The file this writer appends to in a folder log.
  public var writerFileName: String { writer + ".jsonl" }

  /// Whether a file of a folder log, by its name, is one of the log's: it
  /// ends in `.jsonl` and is not hidden, as the shell's `*.jsonl` matches.
  /// A hidden file is never read: an editor's lock (`.#log.jsonl`), macOS's
  /// `._log.jsonl` beside a copy, or a scratch file kept out of the log.
  public static func isLogFileName(_ name: some StringProtocol) -> Bool {
    name.hasSuffix(".jsonl") && !name.hasPrefix(".")
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
    isSingleFile ? path : join(path, writerFileName)
  }

  /// The refusal to create a log whose folder is missing, or is something else (a file).
  static func noFolderError(_ path: String) -> LogError {
    let dir = parent(of: path)
    if Sys.type(of: dir) == .missing {
      return LogError(.cannotCreate, "cannot create the log \(path): the folder \(dir) does not exist; create it first (mkdir -p \(dir))")
    }
    return LogError(.cannotCreate, "cannot create the log \(path): \(dir) is not a folder (a file, or something else is there); name a log inside a folder")
  }

  /// Whether anything is at the log's path (appending creates a missing log).
  public var exists: Bool { Sys.type(of: path) != .missing }

  /// Whether writing a file at `output` would replace a file of this log:
  /// the log file itself, or a `.jsonl` file in the log folder (links and
  /// relative paths resolved).
  public func isLogFile(_ output: String) -> Bool {
    func resolved(_ path: String) -> String {
      if let real = Sys.realPath(path) { return real }
      return resolved(parent(of: path)) + "/" + baseName(path)
    }
    let target = resolved(output)
    let log = resolved(path)
    return target == log || (LogStore.isLogFileName(baseName(target)) && parent(of: target) == log)
  }

  /// The files of the log, in name order.
  /// - Throws: exit 66 when the log does not exist or cannot be listed.
  public func files() throws(LogError) -> [String] {
    switch Sys.type(of: path) {
    case .missing:
      throw LogError(.noInput, "no log at \(path)", nextStep: .createLog(path: path))
    case .directory:
      let names: [String]
      do { names = try Sys.list(path).filter(LogStore.isLogFileName) } catch {
        throw LogError(.noInput, "cannot read the log folder \(path): \(error)")
      }
      // A name that is not UTF-8 reads back with U+FFFD, under which no file
      // opens: its events would go missing without a word.
      if let garbled = names.first(where: { $0.unicodeScalars.contains("\u{FFFD}") && Sys.type(of: join(path, $0)) == .missing }) {
        throw LogError(.noInput, "cannot read the log file \(join(path, garbled)): its name is not UTF-8 (shown with U+FFFD), so it cannot be opened by it; rename it with a UTF-8 name")
      }
      // A link whose target is gone (a share not mounted) would leave its
      // events out of every answer without a word.
      for name in names where Sys.type(of: join(path, name)) == .missing && Sys.nameExists(join(path, name)) {
        let target = Sys.linkTarget(join(path, name)).map { " to \($0)" } ?? ""
        throw LogError(.noInput, "cannot read the log file \(join(path, name)): it is a symbolic link\(target), which leads to no file; restore what it points at, or remove the link to leave its events out")
      }
      return names.map { join(path, $0) }.filter { Sys.type(of: $0) == .file }
    case .file:
      return [path]
    case .other:
      // A FIFO would block the reader forever, /dev/zero would fill memory.
      throw LogError(.noInput, "the log \(path) is not a regular file or a folder", nextStep: .pointAtLog)
    }
  }

  // MARK: - Reading

  /// Reads the bytes of one line at a known offset (for listing events found earlier).
  public func readLine(of file: String, at offset: Int64) throws(LogError) -> [UInt8] {
    let fd: FileDescriptor
    do { fd = try Sys.open(file, .readOnly) } catch { throw LogError(.noInput, "cannot read \(file): \(error)") }
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
  ///   - notice: receives what was repaired on the way (an interrupted batch
  ///     rolled back, a torn tail cut, with its bytes, a rollback record set aside).
  ///   - dryRun: make every check of the real run, the lock and the file's
  ///     last `recorded` included, then stop before anything is created,
  ///     repaired or written.
  ///   - warning: receives a warning: the file's latest recorded time is
  ///     more than a day after `now` (a clock ahead, a wrong recorded time
  ///     given), so new events are stamped after it.
  /// - Returns: the events as written (or as they would be), stamped.
  public func append(
    _ events: [Event], now: Timestamp, dryRun: Bool = false, label: (Int) -> String, notice: (RepairNote) -> Void,
    warning: (AppendWarning) -> Void = { _ in }
  ) throws(LogError) -> [Event] {
    // What a repair cut (a whole rolled-back batch can be megabytes) is said
    // once the lock is let go: a slow reader of standard error (a pager, a
    // pipe nobody drains) must not hold every other writer and reader.
    var notes: [RepairNote] = []
    defer { for note in notes { notice(note) } }
    return try appendLocked(events, now: now, dryRun: dryRun, label: label, notice: { notes.append($0) }, warning: warning)
  }

  private func appendLocked(
    _ events: [Event], now: Timestamp, dryRun: Bool, label: (Int) -> String, notice: (RepairNote) -> Void,
    warning: (AppendWarning) -> Void
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
    let fd: FileDescriptor
    do { fd = try Sys.open(target, dryRun ? [.readWrite, .append] : [.readWrite, .append, .create]) } catch {
      throw LogError(.cannotCreate, "cannot open \(target) for appending: \(error)\(hint(for: error))")
    }
    defer { Sys.close(fd) }
    if created { Sys.fsyncDirectory(parent(of: target)) }
    try acquire(fd, exclusive: true, file: target)
    let acknowledged = try acknowledgedSize(fd, file: target)
    // Refused before stamping, so that a dry run says what the real run would.
    if let refusal = try unendedFinalLine(fd, file: target) { throw refusal }
    let last = try lastRecorded(fd, size: acknowledged, file: target)
    let (stamped, bytes) = try stamp(events, after: last, now: now, label: label, file: target)
    // The first event stamped after a time more than a day ahead: the
    // file's last line's, or one given earlier in this batch.
    if let ahead = zip(events, stamped).first(where: {
      $0.0.recorded == nil && $0.1.recorded!.milliseconds > now.milliseconds + LogStore.clockTolerance
    })?.1.recorded {
      warning(.clockAhead(file: target, latest: Timestamp(milliseconds: ahead.milliseconds - 1), now: now, stamped: ahead))
    }
    if dryRun { return stamped }
    if bytes.isEmpty { return [] }
    try recover(fd, file: target, repairing: false, notice: notice)

    let before: FileStamp
    do { before = try Sys.stamp(fd) } catch { throw LogError(.ioError, "cannot stat \(target): \(error)") }
    let originalSize = before.size
    let record = ownRecordPath(for: target)
    let batch = events.count > 1
    if batch {
      let content = RollbackRecord(device: before.device, inode: before.inode, length: originalSize, batch: bytes)
      try writeRollbackRecord(record, content.encoded(), dir: parent(of: record))
    }
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
        throw LogError(.ioError, "appended to \(target) but cannot remove \(record): \(error)", nextStep: .batchRolledBackLater)
      }
      Sys.fsyncDirectory(parent(of: record))
    }
    // The chain of custody: the file as this add found it, and as it left it.
    if let left = try? Sys.stamp(fd) { recordCustody(of: target, before: before, after: left) }
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
          throw LogError(.dataError, "\(label(index)): recorded \(given) is not after \(previous), \(whose); recorded times increase within a file", nextStep: .leaveRecordedOut)
        }
        cursor = given
      } else {
        let next = max(now, cursor?.next ?? now)
        guard next <= Timestamp.latest else {
          throw LogError(.dataError, "\(label(index)): cannot stamp the event after \(cursor.map(\.description) ?? "\(now)")\(file.map { " in \($0)" } ?? ""), the last time a timestamp can hold (years end at 9999)", nextStep: .fixImportedRecorded)
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
  /// interrupted batch, cut a torn final line and removed blank lines at the
  /// end, worked out without changing it.
  private func acknowledgedSize(_ fd: FileDescriptor, file: String) throws(LogError) -> Int64 {
    do {
      var size = try Sys.size(fd)
      if case .verified(let length) = try rollbackState(fd, file: file), size > length { size = length }
      guard size > 0 else { return 0 }
      var last: UInt8 = 0
      _ = try Sys.pread(fd, &last, 1, size - 1)
      return try endOfContent(fd, size: last == 0x0a ? size : try startOfLastLine(fd, size: size))
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
      return join(path, writerFileName)
    case .file:
      return path
    case .other:
      throw LogError(.cannotCreate, "cannot append to \(path): it is not a regular file or a folder; a log is a .jsonl file or a folder of them")
    case .missing:
      let dir = parent(of: path)
      guard Sys.type(of: dir) == .directory else { throw LogStore.noFolderError(path) }
      if path.hasSuffix(".jsonl") { return path }
      if !create { return join(path, writerFileName) }
      do { try Sys.mkdir(path) } catch {
        throw LogError(.cannotCreate, "cannot create the log folder \(path): \(error)\(hint(for: error))")
      }
      Sys.fsyncDirectory(dir)
      return join(path, writerFileName)
    }
  }

  private func hint(for error: Errno) -> String {
    switch error {
    case .permissionDenied, .notPermitted: " (check the permissions of the file and its folder)"
    case .readOnlyFileSystem: " (the file system is read-only)"
    case .fileTooLarge: " (the file size limit was reached: see ulimit -f)"
    case .noSpace, .quotaExceeded: " (the disk is full)"
    default: ""
    }
  }

  /// Under an exclusive lock: rolls back an interrupted batch whose record
  /// proves the bytes after its length are that batch (any other record is
  /// set aside, nothing cut), then deals with a final line without `\n`.
  /// - Parameter repairing: false for `add`, which refuses (65) rather than
  ///   touch a final line that lacks only its `\n` but is a whole event
  ///   (timeline writes a line and its `\n` in one write, so such a line was
  ///   most likely typed or pasted in by hand); true for `check --repair`,
  ///   which keeps it by adding the newline. Either cuts an incomplete final
  ///   line and hands its bytes back in the note, and removes a run of blank
  ///   lines at the end of the file (an append after them would leave a blank
  ///   line inside the file).
  private func recover(_ fd: FileDescriptor, file: String, repairing: Bool, notice: (RepairNote) -> Void) throws(LogError) {
    var wholeEvent: String?  // refused by append before it calls this; never written after
    var typedTail: String?  // likewise
    var bomLine = false
    do throws(Errno) {
      let found = try rollbackRecord(fd, file: file)
      let record = found?.path ?? ownRecordPath(for: file)
      switch found?.state ?? .none {
      case .none:
        break
      case .verified(let length):
        let size = try Sys.size(fd)
        if size > length {
          var cut = [UInt8](repeating: 0, count: Int(size - length))
          _ = try Sys.pread(fd, &cut, cut.count, length)
          try Sys.ftruncate(fd, length)
          try Sys.fsync(fd)
          notice(RepairNote(.rolledBackBatch(bytes: size - length, file: file), cutBytes: cut))
        }
        try Sys.unlink(record)
        Sys.fsyncDirectory(parent(of: record))
      case .unverified(let claimed, let found):
        let line = try lineNumber(fd, at: claimed)
        let setAside = try setAside(record)
        notice(RepairNote(message: "\(file):\(line): \(ReadNotice.unverifiedMessage(record: record, file: file, found: found)): it was set aside as \(setAside), nothing cut; look at it, then delete it"))
      }
      var size = try Sys.size(fd)
      guard size > 0 else { return }
      if let (keep, tail) = try unendedLine(fd, size: size) {
        // The file's only line behind a byte order mark is not a torn append to cut.
        bomLine = tail.withUnsafeBytes { startsWithByteOrderMark($0, offset: keep) }
        let blank = isBlank(tail)
        let kind = blank ? LogStore.Unended.torn : LogStore.unended(tail)
        let eventID: String? = if case .event(let id) = kind { id } else { nil }
        if bomLine {
          // Refused below, nothing changed.
        } else if blank {
          // Removed below with the blank lines before it.
        } else if case .typed(let reason) = kind {
          // Never cut: check reports it, add refuses (before it gets here).
          typedTail = reason
        } else if let eventID, repairing {
          let content = try endOfContent(fd, size: keep)
          if content < keep {
            // Blank lines before the event would end up inside the file: the
            // event moves up over them. Its bytes are handed back first, so
            // that even a crash between the cut and the write loses nothing.
            notice(RepairNote(
              message: "moved the whole final event of \(file) (\(eventID)) over the blank lines before it; its bytes follow verbatim on the next line",
              cutBytes: tail))
            try Sys.ftruncate(fd, content)
            try Sys.writeAll(fd, tail + [0x0a])
            try Sys.fsync(fd)
            size = content + Int64(tail.count) + 1
          } else {
            try Sys.writeAll(fd, [0x0a])
            try Sys.fsync(fd)
            size += 1
          }
          notice(RepairNote(message: "added the missing newline at the end of \(file): its final line is a whole event (\(eventID)), which is kept"))
        } else if let eventID {
          wholeEvent = eventID
        } else {
          try Sys.ftruncate(fd, keep)
          try Sys.fsync(fd)
          size = keep
          notice(RepairNote(
            message: "cut a torn final line of \(tail.count) bytes from \(file) (an incomplete line: an append that never finished, never acknowledged); its bytes follow verbatim on the next line",
            cutBytes: tail))
        }
      }
      do {
        // Blank lines hold no event: removed, so that an append never leaves one inside the file.
        let end = try endOfContent(fd, size: size)
        if end < size {
          var removed = [UInt8](repeating: 0, count: Int(size - end))
          _ = try Sys.pread(fd, &removed, removed.count, end)
          try Sys.ftruncate(fd, end)
          try Sys.fsync(fd)
          let lines = removed.count { $0 == 0x0a } + (removed.last == 0x0a ? 0 : 1)
          notice(RepairNote(message: "removed \(lines == 1 ? "a blank line" : "\(lines) blank lines") (\(removed.count) \(removed.count == 1 ? "byte" : "bytes") of white space) at the end of \(file)"))
        }
      }
    } catch {
      throw LogError(.ioError, "cannot repair \(file)\(repairing ? "" : " before appending"): \(error)")
    }
    if bomLine { throw byteOrderMarkError(file) }
    if let wholeEvent { throw LogStore.finalEventError(file: file, id: wholeEvent) }
    if let typedTail, !repairing { throw LogStore.typedTailError(file: file, reason: typedTail) }
  }

  /// What a final line without its newline is. timeline writes each line
  /// whole, with its newline, in one write, so an append that died leaves a
  /// proper prefix of one canonical line: never a whole JSON value, nor lines
  /// ended by carriage returns (canonical JSON escapes a CR). A line that is
  /// a whole JSON value, or whose first CR-ended piece is one, was typed,
  /// pasted or saved with CR line ends, and is not cut as torn.
  public enum Unended: Equatable, Sendable {
    /// A whole event lacking only its newline (its id).
    case event(String)
    /// Typed or pasted, and no event: why.
    case typed(String)
    /// The end of an append that never finished.
    case torn
  }

  public static func unended(_ tail: [UInt8]) -> Unended {
    do throws(ValueError) {
      return .event(try EventCodec.decode(tail, stored: true).id)
    } catch {
      if (try? JSONParser.parse(tail)) != nil { return .typed(error.message) }
      if let cr = tail.firstIndex(of: 0x0d), (try? JSONParser.parse(Array(tail[..<cr]))) != nil {
        return .typed("its lines end in carriage returns alone (CR line ends), which timeline does not read: end them with newlines")
      }
      return .torn
    }
  }

  /// The refusal to append after a final line without its newline that was typed or pasted and is no event.
  private static func typedTailError(file: String, reason: String) -> LogError {
    LogError(.dataError, "the final line of \(file) has no newline and is not an event: \(reason); it is not the torn end of an append (timeline never writes one like it), so it is not cut: fix it or remove it by hand, then end the file with a newline; nothing was appended")
  }

  /// The refusal to append after a whole event on a final line without its newline.
  private static func finalEventError(file: String, id: String) -> LogError {
    LogError(.dataError, "the final line of \(file) (event \(id)) has no newline, so it is not part of the log yet, but it is a whole event, perhaps added by hand", nextStep: .keepFinalEvent(file: file))
  }

  /// What ends `file` when its final line lacks its newline (looking past a
  /// batch that a verified rollback record rolls back, as `recover` will):
  /// a whole event, which `add` refuses to append after (`check --repair`
  /// keeps it), or a byte order mark ahead of the file's only line, which is
  /// an error; `add` refuses both before anything, and a dry run says so too.
  private func unendedFinalLine(_ fd: FileDescriptor, file: String) throws(LogError) -> LogError? {
    let line: (start: Int64, bytes: [UInt8])?
    do {
      var size = try Sys.size(fd)
      if case .verified(let length) = try rollbackState(fd, file: file), size > length { size = length }
      line = try unendedLine(fd, size: size)
    } catch {
      throw LogError(.ioError, "cannot read \(file) before appending: \(error)")
    }
    guard let (start, tail) = line else { return nil }
    if tail.withUnsafeBytes({ startsWithByteOrderMark($0, offset: start) }) {
      return byteOrderMarkError(file)
    }
    guard !isBlank(tail) else { return nil }
    switch LogStore.unended(tail) {
    case .event(let id): return LogStore.finalEventError(file: file, id: id)
    case .typed(let reason): return LogStore.typedTailError(file: file, reason: reason)
    case .torn: return nil
    }
  }

  /// The final line of the file's first `size` bytes when it lacks its
  /// newline: where it starts and its bytes; nil when those bytes are none
  /// or end with a newline.
  private func unendedLine(_ fd: FileDescriptor, size: Int64) throws(Errno) -> (start: Int64, bytes: [UInt8])? {
    guard size > 0 else { return nil }
    var last: UInt8 = 0
    _ = try Sys.pread(fd, &last, 1, size - 1)
    guard last != 0x0a else { return nil }
    let start = try startOfLastLine(fd, size: size)
    var bytes = [UInt8](repeating: 0, count: Int(size - start))
    _ = try Sys.pread(fd, &bytes, bytes.count, start)
    return (start, bytes)
  }

  /// Where the file would end without its trailing run of blank lines (and
  /// a blank final fragment): just after the `\n` of its last line that holds
  /// anything but white space, or 0 when no line does.
  private func endOfContent(_ fd: FileDescriptor, size: Int64) throws(Errno) -> Int64 {
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
    defer { chunk.deallocate() }
    var end = size
    var lastNewline: Int64?  // the first `\n` after the content, as found going back
    while end > 0 {
      let start = max(0, end - Int64(chunk.count))
      let count = Int(end - start)
      _ = try Sys.pread(fd, chunk.baseAddress!, count, start)
      for index in stride(from: count - 1, through: 0, by: -1) {
        let byte = chunk[index]
        if byte == 0x0a {
          lastNewline = start + Int64(index)
        } else if !isBlankByte(byte) {
          // Content: keep through its line's newline (none: a final line without one, left as it is).
          return lastNewline.map { $0 + 1 } ?? size
        }
      }
      end = start
    }
    return 0
  }

  /// The line number of the line that starts at or contains byte `offset`
  /// (clamped to the file), for naming a place in a message.
  func lineNumber(_ fd: FileDescriptor, at offset: Int64?) throws(Errno) -> Int {
    let size = try Sys.size(fd)
    let end = min(offset ?? size, size)
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
    defer { chunk.deallocate() }
    var lines = 1
    var position: Int64 = 0
    while position < end {
      let n = try Sys.pread(fd, chunk.baseAddress!, Int(min(Int64(chunk.count), end - position)), position)
      if n == 0 { break }
      lines += chunk[..<n].count { $0 == 0x0a }
      position += Int64(n)
    }
    if offset == nil, size > 0 {
      var last: UInt8 = 0
      _ = try Sys.pread(fd, &last, 1, size - 1)
      if last != 0x0a { lines += 1 }
    }
    return lines
  }

  /// The offset where the file's last line starts (just after the previous `\n`).
  private func startOfLastLine(_ fd: FileDescriptor, size: Int64) throws(Errno) -> Int64 {
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
  private func lastRecorded(_ fd: FileDescriptor, size: Int64, file: String) throws(LogError) -> Timestamp? {
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
    if case .object(let members)? = try? JSONParser.parse(line),
      case .string(let text)? = members.first(where: { $0.key == "recorded" })?.value,
      let recorded = try? Timestamp.parse(text)
    {
      return recorded
    }
    throw LogError(.dataError, "the last line of \(file) has no valid \"recorded\" time, so a new event cannot be stamped after it", nextStep: .findWithCheck)
  }

  // MARK: - Rollback records and repair

  /// Where a batch writes its rollback record: beside the real file, so that
  /// a log reached through a symlink and through its target shares one
  /// record (a reader through the other path would otherwise see a dead batch).
  func ownRecordPath(for file: String) -> String { (Sys.realPath(file) ?? file) + ".rollback" }

  /// The rollback record that applies to `file`, if any: the one beside it,
  /// unless that one was written for another file of the folder (it names
  /// that file's identity, its batch follows that file's length, and the
  /// name it was written beside now holds a new file); else a record of the
  /// folder written for this file (its identity) beside another name: the
  /// file was renamed after its batch's writer died, as when a log file
  /// takes a writer's name. Either way the record is then judged by the
  /// file's bytes, as every record is.
  func rollbackPath(for file: String) -> String? { appliedRecord(for: file)?.path }

  /// The record `rollbackPath` finds, with its bytes as read once.
  private func appliedRecord(for file: String) -> (path: String, read: Result<[UInt8], RecordUnreadable>)? {
    let own = ownRecordPath(for: file)
    let dir = parent(of: own)
    let identity = Sys.identity(of: file)
    /// Whether another file of the folder has the identity a record names
    /// and the record's batch after its length (the file it was written for).
    func otherFile(named record: RollbackRecord) -> Bool {
      guard let names = try? Sys.list(dir) else { return false }
      return names.contains { name in
        let path = join(dir, name)
        guard LogStore.isLogFileName(name), path != (Sys.realPath(file) ?? file),
          Sys.identity(of: path).map({ $0 == (record.device, record.inode) }) == true,
          let fd = try? Sys.open(path, .readOnly)
        else { return false }
        defer { Sys.close(fd) }
        return (try? Sys.stamp(fd)).map { record.verify(fd, stamp: $0) == nil } == true
      }
    }
    if let read = recordBytes(at: own) {
      if case .success(let bytes) = read, case .record(let record) = RollbackRecord.parse(bytes),
        let identity, identity != (record.device, record.inode), otherFile(named: record)
      {
        return nil
      }
      return (own, read)
    }
    guard let identity else { return nil }
    for name in Sys.list(dir, endingWith: ".rollback") {
      let path = join(dir, name)
      guard let read = recordBytes(at: path), case .success(let bytes) = read,
        case .record(let record) = RollbackRecord.parse(bytes), identity == (record.device, record.inode)
      else { continue }
      return (path, read)
    }
    return nil
  }

  /// Whether a rollback record is present beside `file` (verified or not), with
  /// the length it claims (0 when it claims none): a kept answer is not used then.
  func rollbackLength(for file: String) -> Int64? {
    guard let (_, read) = appliedRecord(for: file) else { return nil }
    switch read {
    case .failure: return 0
    case .success(let bytes):
      switch RollbackRecord.parse(bytes) {
      case .record(let record): return record.length
      case .oldFormat(let length): return length
      case .garbled: return 0
      }
    }
  }

  /// The bytes of the rollback record at `path`: nil when there is none,
  /// a failure (what was found) when it cannot be read as one.
  private func recordBytes(at path: String) -> Result<[UInt8], RecordUnreadable>? {
    do throws(Errno) {
      // Not through a symlink, not a FIFO that would block, not a huge file.
      let record = try Sys.open(path, [.readOnly, .noFollow, .nonBlocking])
      defer { Sys.close(record) }
      let stamp = try Sys.stamp(record)
      guard Sys.isRegularFile(record) else { return .failure(RecordUnreadable(found: "it is not a regular file")) }
      guard stamp.size <= 1 << 30 else {
        return .failure(RecordUnreadable(found: "it is \(stamp.size) bytes, larger than any record timeline writes"))
      }
      return .success(try Sys.readAll(record))
    } catch {
      if error == .noSuchFile { return nil }
      if error == .tooManySymlinks { return .failure(RecordUnreadable(found: "it is a symbolic link, which timeline never writes")) }
      return .failure(RecordUnreadable(found: "it cannot be read: \(error)"))
    }
  }

  private struct RecordUnreadable: Error {
    var found: String
  }

  /// What a rollback record beside a file says about it.
  enum RollbackState: Equatable {
    case none
    /// The bytes after `length` are the start of the record's batch: cut them, or read only up to `length`.
    case verified(length: Int64)
    /// The record cannot prove that (`found` says why): never used to cut.
    /// `claimed`: the length it holds, when it holds one.
    case unverified(claimed: Int64?, found: String)
  }

  /// Reads and checks the rollback record of `file`, open as `fd`, under a lock.
  func rollbackState(_ fd: FileDescriptor, file: String) throws(Errno) -> RollbackState {
    try rollbackRecord(fd, file: file)?.state ?? .none
  }

  /// The record that applies to `file` (`rollbackPath`) and what it says, read once.
  private func rollbackRecord(_ fd: FileDescriptor, file: String) throws(Errno) -> (path: String, state: RollbackState)? {
    guard let (path, read) = appliedRecord(for: file) else { return nil }
    return (path, try judge(read, fd))
  }

  /// What a record's bytes say about the file open as `fd`.
  private func judge(_ read: Result<[UInt8], RecordUnreadable>, _ fd: FileDescriptor) throws(Errno) -> RollbackState {
    let bytes: [UInt8]
    switch read {
    case .failure(let unreadable): return .unverified(claimed: nil, found: unreadable.found)
    case .success(let read): bytes = read
    }
    switch RollbackRecord.parse(bytes) {
    case .oldFormat(let length):
      return .unverified(claimed: length, found: "it holds only a length, \(length), in the format of an older timeline, which cannot prove that the bytes after it are its batch")
    case .garbled(let why):
      return .unverified(claimed: nil, found: why)
    case .record(let record):
      let stamp = try Sys.stamp(fd)
      if let found = record.verify(fd, stamp: stamp) { return .unverified(claimed: record.length, found: found) }
      return .verified(length: record.length)
    }
  }

  /// Takes the shared lock readers hold.
  func lockShared(_ fd: FileDescriptor, file: String) throws(LogError) { try acquire(fd, exclusive: false, file: file) }

  /// Writes and syncs the record: 73 when it cannot be created, 74 (and no
  /// record left behind) when the write fails (a full disk, a file size limit).
  private func writeRollbackRecord(_ record: String, _ content: [UInt8], dir: String) throws(LogError) {
    // The one atomic writer: the record appears whole or not at all. recover
    // has set aside any record found, and the file's exclusive lock keeps other
    // writers out: a name taken now is not followed or overwritten.
    let folder: FileDescriptor
    do { folder = try Sys.open(dir, [.readOnly, .directory]) } catch {
      throw LogError(.cannotCreate, "cannot create the rollback record \(record): \(error)\(hint(for: error)); nothing was written")
    }
    defer { Sys.close(folder) }
    do {
      try Sys.writeAtomically(baseName(record), in: folder, replacing: false) { fd throws(Errno) in try Sys.writeAll(fd, content) }
    } catch {
      let cause = error.errno
      switch error.step {
      case .create, .rename:
        throw LogError(.cannotCreate, "cannot create the rollback record \(record): \(cause)\(hint(for: cause)); nothing was written")
      case .write:
        throw LogError(.ioError, "cannot write the rollback record \(record): \(cause)\(hint(for: cause)); nothing was written")
      }
    }
  }

  /// Renames a record that cannot be used to `RECORD.set-aside` (or
  /// `.set-aside-2`, ... when taken), a name git does not ignore, so that it
  /// is seen and never used to cut. Under the file's exclusive lock.
  /// - Returns: the new name.
  private func setAside(_ record: String) throws(Errno) -> String {
    var number = 1
    while true {
      let name = record + ".set-aside" + (number == 1 ? "" : "-\(number)")
      number += 1
      if Sys.nameExists(name) { continue }  // taken
      do throws(Errno) {
        try Sys.link(record, name)  // refuses a taken name, unlike rename
        try Sys.unlink(record)
      } catch {
        if error == .exists { continue }
        // A file system without hard links: rename, the name checked free just now.
        try Sys.rename(record, name)
      }
      Sys.fsyncDirectory(parent(of: record))
      return name
    }
  }

  /// Rolls back interrupted batches (sets aside records that cannot prove
  /// their batch), keeps a whole final event by adding its newline, cuts an
  /// incomplete final line, and removes blank lines at the end, in every file.
  /// - Returns: what was done, a note each (with the bytes of any line cut).
  public func repair() throws(LogError) -> [RepairNote] {
    var done: [RepairNote] = []
    for file in try files() {
      let fd: FileDescriptor
      do { fd = try Sys.open(file, [.readWrite, .append]) } catch {
        // A read-only log with nothing to repair is fine: check --repair then only checks.
        if try !needsRepair(file) { continue }
        throw LogError(.cannotCreate, "cannot open \(file) to repair it: \(error)\(hint(for: error))")
      }
      defer { Sys.close(fd) }
      try acquire(fd, exclusive: true, file: file)
      try recover(fd, file: file, repairing: true) { done.append($0) }
    }
    return done
  }

  /// Whether `file` has a rollback record, a final line without `\n` or
  /// blank lines at its end, seen under a shared lock.
  private func needsRepair(_ file: String) throws(LogError) -> Bool {
    let fd: FileDescriptor
    do { fd = try Sys.open(file, .readOnly) } catch { throw LogError(.noInput, "cannot read \(file): \(error)") }
    defer { Sys.close(fd) }
    try acquire(fd, exclusive: false, file: file)
    do {
      let size = try Sys.size(fd)
      var last: UInt8 = 0x0a
      if size > 0 { _ = try Sys.pread(fd, &last, 1, size - 1) }
      if last != 0x0a || rollbackPath(for: file) != nil { return true }
      return try endOfContent(fd, size: size) < size
    } catch {
      throw LogError(.ioError, "cannot read \(file): \(error)")
    }
  }

  private func acquire(_ fd: FileDescriptor, exclusive: Bool, file: String) throws(LogError) {
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

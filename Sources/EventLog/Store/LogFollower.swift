/// Follows a log as it grows (`export --follow`): hands back the whole
/// events appended since it last looked, each id once, and sleeps until a
/// file of the log changes (inotify on Linux, a poll of the files' stamps
/// elsewhere).
///
/// Each file is read under the shared lock that readers take, up to its last
/// newline, so that an `add --stdin` batch in flight is seen whole or not at
/// all; the bytes of a batch whose writer died (a rollback record proves them)
/// are never read. A file that was replaced or shrank (a `git pull`, a
/// `check --repair`) is read again from its start: the ids already handed
/// back are not handed back again.
public final class LogFollower {
  public let store: LogStore
  /// Per file: where reading stopped, and the last line read before it
  /// (where it starts and the FastHash of its bytes with the `\n`), which must
  /// still be there to resume: a file cut and grown again, or copied over in
  /// place, is read again from its start (`seen` drops what was handed back).
  private var offsets: [String: (device: UInt64, inode: UInt64, offset: Int64, lastLine: Int64, hash: UInt64)] = [:]
  private var seen = Set<String>()
  private var watcher: FileDescriptor?
  private var stamps: [String: FileStamp] = [:]
  /// The log's files the kernel reported written to since they were last
  /// read (by name, in order), and whether reports were lost since the last look.
  private var writes: [String] = []
  private var writesLost = false
  /// Lines that are not events, reported once each (file and offset).
  private var reported = Set<String>()

  /// Seconds between looks at the files when not using inotify; nil: inotify where there is one.
  private let pollInterval: Double?

  /// - Parameter poll: look at the files' stamps every `poll` seconds rather
  ///   than wait for inotify (which misses changes made by other computers
  ///   on a network file system).
  public init(store: LogStore, poll: Double? = nil) {
    self.store = store
    self.pollInterval = poll
  }

  deinit { if let watcher { Sys.close(watcher) } }

  /// Marks everything in the log now as read, before the caller reads the
  /// log itself and hands back what it selects (then `markSeen` those): an
  /// event appended in between is then in the caller's read, or handed back
  /// by the next `newEvents`, never lost.
  public func markCurrentRead() throws(LogError) {
    watch()  // first: every append after the mark is reported (see `landingOrder`)
    _ = try read(decoding: false) { _ in }
  }

  /// Starts the inotify watch on the log's folder (for a file log, the folder
  /// holding it), unless asked to poll or it runs already.
  private func watch() {
    guard watcher == nil && pollInterval == nil else { return }
    watcher = Sys.watch([store.isSingleFile ? parent(of: store.path) : store.path])
  }

  /// Marks ids as handed back (an event the caller wrote itself).
  public func markSeen(_ ids: some Sequence<String>) { seen.formUnion(ids) }

  /// The whole events appended since the last call, each id once, in the
  /// order their appends landed (`landingOrder`).
  /// - Parameter problem: receives a line that is not an event, once.
  public func newEvents(problem: (SkippedLine) -> Void) throws(LogError) -> [Event] {
    let (files, writes) = try read(decoding: true, problem: problem)
    // Runs are found among every line read (an event handed back before
    // still holds its place in a batch); then each id once.
    return LogFollower.landingOrder(files, writes: writes).filter { seen.insert($0.id).inserted }
  }

  /// Puts the new lines of several files (each in the order of its lines) in
  /// the order their appends landed. Within a file that is the order of its
  /// lines. Across files, the order in which the kernel reported the files
  /// written to (`writes`, by name, one per write, from inotify) says it;
  /// the `recorded` stamps cannot, as they run ahead of the clock (a batch is
  /// stamped 1 ms apart from max(now, the file's last + 1 ms), so the next
  /// append to that file, a few ms later, is stamped after a later append to
  /// another).
  ///
  /// A file's lines are taken in runs stamped 1 ms apart: an append stamped
  /// by `add` is one run, or part of one (two appends 1 ms of stamps apart
  /// make one run), so a batch is never split. Each report of a file brings
  /// its next run, its last report all the runs left. Runs of files no report
  /// names (reports lost) come first; without reports at all (polling) runs
  /// are ordered by their first stamp (ties: the files in name order). A
  /// batch whose `recorded` times were given (an import) may be taken as
  /// several runs where its times jump; it keeps its order within its file.
  static func landingOrder(_ files: [(name: String, events: [Event])], writes: [String]?) -> [Event] {
    var runs: [String: [ArraySlice<Event>]] = [:]
    for (name, events) in files {
      var start = events.startIndex
      for index in events.indices.dropFirst() {
        let previous = events[index - 1].recorded?.milliseconds ?? 0
        if events[index].recorded?.milliseconds != previous + 1 {
          runs[name, default: []].append(events[start..<index])
          start = index
        }
      }
      if start < events.endIndex { runs[name, default: []].append(events[start...]) }
    }
    let first = { (run: ArraySlice<Event>) in run.first?.recorded?.milliseconds ?? 0 }
    let byStamp = { (names: [String]) -> [Event] in
      let all = names.flatMap { runs[$0] ?? [] }
      return all.enumerated().sorted { (first($0.element), $0.offset) < (first($1.element), $1.offset) }.flatMap(\.element)
    }
    let reports = writes ?? []
    let reported = Set(reports)
    var ordered = byStamp(files.map(\.name).filter { !reported.contains($0) })
    var reportsLeft: [String: Int] = [:]
    for name in reports { reportsLeft[name, default: 0] += 1 }
    var next: [String: Int] = [:]
    for name in reports {
      reportsLeft[name]! -= 1
      guard let fileRuns = runs[name] else { continue }  // written, but with no new whole line
      let from = next[name, default: 0]
      let to = reportsLeft[name] == 0 ? fileRuns.count : min(from + 1, fileRuns.count)
      for run in fileRuns[from..<to] { ordered += run }
      next[name] = to
    }
    return ordered
  }

  /// Reads what each file holds past where the last read stopped, file by
  /// file, each in the order of its lines, ids handed back before included;
  /// with `decoding` false only moves the marks (the caller reads the log
  /// itself). Every file is locked (shared) for the whole read, so that no
  /// append lands while it reads: the reports of files written to that it
  /// collects then are of exactly the appends it sees, in the order they
  /// landed (`landingOrder`).
  /// - Returns: also those reports (nil when reports were lost).
  private func read(
    decoding: Bool, problem: (SkippedLine) -> Void
  ) throws(LogError) -> (files: [(name: String, events: [Event])], writes: [String]?) {
    var events: [(name: String, events: [Event])] = []
    var read: [String: FileStamp] = [:]
    defer { stamps = read }  // what polling compares with: the files as they were read
    let paths: [String]
    do { paths = try store.files() } catch {
      if error.code == .noInput { return ([], nil) }  // the log is gone for now: wait for it
      throw error
    }
    var locked: [(file: String, fd: FileDescriptor)] = []
    defer { for (_, fd) in locked { Sys.close(fd) } }
    func lock(_ files: [String]) throws(LogError) {
      for file in files {
        guard let fd = try? Sys.open(file, .readOnly) else { continue }  // removed since the listing
        locked.append((file, fd))
        try store.lockShared(fd, file: file)
      }
    }
    try lock(paths)
    collectWrites()
    // A file created since the listing and already written to is read now
    // too, so that its appends keep their place among the others'.
    while !store.isSingleFile,
      writes.contains(where: { name in name.hasSuffix(".jsonl") && !locked.contains { baseName($0.file) == name } }),
      let listed = try? store.files()
    {
      let added = listed.filter { file in !locked.contains { $0.file == file } }
      if added.isEmpty { break }
      try lock(added)
      collectWrites()
    }
    defer { (writes, writesLost) = ([], false) }
    let answered = writesLost ? nil : writes.filter { name in locked.contains { baseName($0.file) == name } }
    for (file, fd) in locked {
      do throws(Errno) {
        let stamp = try Sys.stamp(fd)
        read[file] = stamp
        var start: Int64 = 0
        if let known = offsets[file], known.device == stamp.device, known.inode == stamp.inode, known.offset <= stamp.size {
          var line = [UInt8](repeating: 0, count: Int(known.offset - known.lastLine))
          let got = line.isEmpty ? 0 : try Sys.pread(fd, &line, line.count, known.lastLine)
          if got == line.count && FastHash.hash(line) == known.hash { start = known.offset }
        }
        var end = stamp.size
        if case .verified(let length) = try store.rollbackState(fd, file: file), length < end { end = length }
        // Nothing new: the proof stays what it was (none when reading from the start).
        let none: (lastLine: Int64, hash: UInt64) = (0, FastHash.hash([UInt8]()))
        let kept = start == 0 ? none : (offsets[file].map { (lastLine: $0.lastLine, hash: $0.hash) } ?? none)
        guard end > start else {
          offsets[file] = (stamp.device, stamp.inode, start, kept.lastLine, kept.hash)
          continue
        }
        // Only marking: the last whole line is all that needs reading (its bytes prove the mark).
        if !decoding { start = max(start, try lastWholeLineStart(fd, before: end)) }
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(end - start), alignment: 1)
        defer { raw.deallocate() }
        let count = try Sys.pread(fd, raw.baseAddress!, raw.count, start)
        let bytes = Array(raw[..<count])
        guard let lastNewline = bytes.lastIndex(of: 0x0a) else {
          offsets[file] = (stamp.device, stamp.inode, start, kept.lastLine, kept.hash)
          continue
        }
        var lineStart = 0
        var fileEvents: [Event] = []
        for index in 0...lastNewline where decoding && bytes[index] == 0x0a {
          let line = Array(bytes[lineStart..<index])
          let offset = start + Int64(lineStart)
          lineStart = index + 1
          if isBlank(line) { continue }
          do throws(ValueError) {
            fileEvents.append(try EventCodec.decode(line, stored: true))
          } catch {
            if reported.insert("\(file)\u{0}\(offset)").inserted {
              problem(SkippedLine(file: file, offset: offset, fault: error))
            }
          }
        }
        if !fileEvents.isEmpty { events.append((baseName(file), fileEvents)) }
        // The last line read, with its newline, proves the next read resumes where this one stopped.
        let lastLine = lastNewline > 0 ? (bytes[..<lastNewline].lastIndex(of: 0x0a).map { $0 + 1 } ?? 0) : 0
        offsets[file] = (
          stamp.device, stamp.inode, start + Int64(lastNewline) + 1, start + Int64(lastLine),
          FastHash.hash(Array(bytes[lastLine...lastNewline])))
      } catch {
        throw LogError(.ioError, "cannot read \(file): \(error)")
      }
    }
    return (events, answered)
  }

  /// Adds to `writes` what the watch reported since it was last read.
  private func collectWrites() {
    guard let watcher else { return }
    if let names = Sys.writtenNames(watcher) { writes += names } else { writesLost = true }
    if writes.count > 1 << 16 {  // nobody reads: the order of this backlog is not worth its memory
      writes.removeAll()
      writesLost = true
    }
  }

  /// Where the last whole line before `end` starts (just after the newline
  /// before it), found reading backwards; 0 when there is no earlier newline.
  private func lastWholeLineStart(_ fd: FileDescriptor, before end: Int64) throws(Errno) -> Int64 {
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
    defer { chunk.deallocate() }
    var newlines = 0
    var position = end
    while position > 0 {
      let from = max(0, position - Int64(chunk.count))
      let count = try Sys.pread(fd, chunk.baseAddress!, Int(position - from), from)
      for index in stride(from: count - 1, through: 0, by: -1) where chunk[index] == 0x0a {
        newlines += 1
        if newlines == 2 { return from + Int64(index) + 1 }
      }
      position = from
    }
    return 0
  }

  /// What ended a wait.
  public enum Wake: Sendable { case changed, stopped, outputClosed }

  /// Sleeps until a file of the log may have changed, a stop signal arrives
  /// (after `catchStopSignals`), or the reader of `output` (a pipe) went away.
  /// Uses inotify on the log folder (for a file log, the folder holding it);
  /// elsewhere, when it cannot or when asked to poll, compares the files'
  /// stamps every second (or the interval given).
  /// - Parameter output: the descriptor whose reader is watched (standard output).
  public func wait(output: FileDescriptor) -> Wake {
    let poll = pollInterval ?? 1
    watch()
    while true {
      if Sys.stopRequested { return .stopped }
      // With inotify, a long timeout only as a safety net (a watch lost when the folder was replaced).
      let result = Sys.wait(for: watcher, output: output, timeout: watcher == nil ? poll : 30)
      if Sys.stopRequested { return .stopped }
      switch result {
      case .outputClosed: return .outputClosed
      case .interrupted: continue
      case .ready:
        collectWrites()
        return .changed
      case .timeout:
        if watcher != nil {
          // Re-arm a watch whose folder went away and came back.
          Sys.close(watcher!)
          watcher = nil
          watch()
          return .changed
        }
        if stampsChanged() { return .changed }
      }
    }
  }

  /// Whether any file of the log was added, removed or changed size or times since `newEvents` read it.
  private func stampsChanged() -> Bool {
    var now: [String: FileStamp] = [:]
    for file in (try? store.files()) ?? [] {
      guard let fd = try? Sys.open(file, .readOnly) else { continue }
      if let stamp = try? Sys.stamp(fd) { now[file] = stamp }
      Sys.close(fd)
    }
    return now != stamps
  }

  /// Makes SIGINT, SIGTERM and SIGHUP end `wait` (and SIGPIPE be ignored).
  public static func catchStopSignals() { Sys.catchStopSignals() }

  /// Whether SIGINT, SIGTERM or SIGHUP arrived since `catchStopSignals`.
  public static var stopRequested: Bool { Sys.stopRequested }
}

/// A line that a follower skipped because it is not an event: where it
/// starts and why, for the command line to say (and say how to find it).
public struct SkippedLine: Sendable, Equatable {
  public var file: String
  /// The byte the line starts at.
  public var offset: Int64
  public var fault: ValueError
}

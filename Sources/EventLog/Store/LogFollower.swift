/// Follows a log as it grows (`export --follow`): hands back the whole
/// events appended since it last looked, each id once, and sleeps until a
/// file of the log changes (inotify on Linux, a poll of the files' stamps
/// elsewhere).
///
/// Each file is read under the shared lock that readers take (a look holds
/// every file's at once), up to its last newline, so that an `add --stdin`
/// batch in flight is seen whole or not at all; the bytes of a batch whose
/// writer died (a rollback record proves them) are never read. Appends to
/// several files come back in the order they landed (`landingOrder`). A
/// file that was replaced or shrank (a `git pull`, a `check --repair`) is
/// read again from its start: the ids already handed back are not handed
/// back again.
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
  /// The appends the kernel reported since the last look, in order; the
  /// files a rollback record was created for since their last report; and
  /// whether reports were lost since the last look.
  private var appends: [Append] = []
  private var batchesBegun = Set<String>()
  private var appendsLost = false
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
    let (files, appends) = try read(decoding: true, problem: problem)
    // Lines are counted among every line read (an event handed back before
    // still holds its place in its append); then each id once.
    return LogFollower.landingOrder(files, appends: appends).filter { seen.insert($0.id).inserted }
  }

  /// An append to a file of the log, as the kernel reported it: the file's
  /// name, and whether a rollback record was created for it (a batch: two
  /// lines or more) or not (one line).
  struct Append: Equatable, Sendable {
    var file: String
    var batch: Bool
  }

  /// Puts the new lines of several files (each in the order of its lines) in
  /// the order their appends landed. Within a file that is the order of its
  /// lines. Across files, the order of the kernel's reports of the appends
  /// (`appends`, from inotify) says it; the `recorded` stamps cannot, as they
  /// run ahead of the clock (a batch is stamped 1 ms apart from max(now, the
  /// file's last + 1 ms), so the next append to that file, a few ms later,
  /// is stamped after a later append to another).
  ///
  /// Each append brings its lines (`linesPerAppend`): one for an append
  /// without a rollback record, the rest of its file's lines for a batch. A
  /// file no report names (reports lost) comes first; without reports at all
  /// (polling) a file's lines are taken in runs stamped 1 ms apart (an append
  /// stamped by `add` is one run, or part of one, so a batch is never split)
  /// and the runs are ordered by their first stamp (ties: the files in name
  /// order).
  static func landingOrder(_ files: [(name: String, events: [Event])], appends: [Append]?) -> [Event] {
    let appends = appends ?? []
    let reported = Set(appends.map(\.file))
    let first = { (run: ArraySlice<Event>) in run.first?.recorded?.milliseconds ?? 0 }
    let unreported = files.filter { !reported.contains($0.name) }.flatMap { runs(of: $0.events) }
    var ordered = unreported.enumerated().sorted { (first($0.element), $0.offset) < (first($1.element), $1.offset) }
      .flatMap(\.element)
    let lines = Dictionary(files.map { ($0.name, $0.events) }, uniquingKeysWith: { $1 })
    let batches = Dictionary(grouping: appends, by: \.file).mapValues { $0.map(\.batch) }
    var counts: [String: [Int]] = [:]
    for (name, events) in lines { if let batches = batches[name] { counts[name] = linesPerAppend(events, batches: batches) } }
    var taken: [String: (appends: Int, lines: Int)] = [:]
    for append in appends {
      guard let events = lines[append.file], let count = counts[append.file] else { continue }  // no new whole line
      let (index, from) = taken[append.file] ?? (0, 0)
      let to = min(events.count, from + count[index])
      ordered += events[from..<to]
      taken[append.file] = (index + 1, to)
    }
    return ordered
  }

  /// A file's lines in runs stamped 1 ms apart.
  static func runs(of events: [Event]) -> [ArraySlice<Event>] {
    var runs: [ArraySlice<Event>] = []
    var start = events.startIndex
    for index in events.indices.dropFirst() {
      let previous = events[index - 1].recorded?.milliseconds ?? 0
      if events[index].recorded?.milliseconds != previous + 1 {
        runs.append(events[start..<index])
        start = index
      }
    }
    if start < events.endIndex { runs.append(events[start...]) }
    return runs
  }

  /// How many of a file's new lines each of its appends brought: one for an
  /// append without a rollback record; a batch the rest, when it is the only
  /// one. Several batches split what is left at the ends of the runs stamped
  /// 1 ms apart, each at least two lines, the last taking all it can. The
  /// counts add up to the lines: the last append takes any left over.
  static func linesPerAppend(_ events: [Event], batches: [Bool]) -> [Int] {
    guard !batches.isEmpty else { return [] }
    var runEnds = Set<Int>()
    var end = 0
    for run in runs(of: events) {
      end += run.count
      runEnds.insert(end)
    }
    let lastBatch = batches.lastIndex(of: true)
    var counts: [Int] = []
    var cursor = 0
    for (index, batch) in batches.enumerated() {
      let left = events.count - cursor
      let after = batches[(index + 1)...]
      var count: Int
      if !batch {
        count = 1
      } else if index == lastBatch {
        count = left - after.count
      } else {
        // Up to the end of the run it starts in, leaving each later append its least.
        let most = left - after.reduce(0) { $0 + ($1 ? 2 : 1) }
        count = 2
        while count < most && !runEnds.contains(cursor + count) { count += 1 }
      }
      count = max(0, min(count, left))
      counts.append(count)
      cursor += count
    }
    counts[counts.count - 1] += events.count - cursor
    return counts
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
  ) throws(LogError) -> (files: [(name: String, events: [Event])], appends: [Append]?) {
    var events: [(name: String, events: [Event])] = []
    var read: [String: FileStamp] = [:]
    defer { stamps = read }  // what polling compares with: the files as they were read
    let paths: [String]
    do { paths = try store.files() } catch {
      if error.code == .noInput { return ([], nil) }  // the log is gone for now: wait for it
      throw error
    }
    var locked: [(file: String, fd: FileDescriptor)] = []
    var lockedNames = Set<String>()
    defer { for (_, fd) in locked { Sys.close(fd) } }
    func lock(_ files: [String]) throws(LogError) {
      for file in files {
        let fd: FileDescriptor
        do { fd = try Sys.open(file, .readOnly) } catch {
          if error == .noSuchFile { continue }  // removed since the listing
          throw LogError(.ioError, "cannot read \(file): \(error)")
        }
        locked.append((file, fd))
        lockedNames.insert(baseName(file))
        try store.lockShared(fd, file: file)
      }
    }
    try lock(paths)
    collectAppends()
    // A file created since the listing and already written to is read now
    // too, so that its appends keep their place among the others'.
    while !store.isSingleFile, appends.contains(where: { !lockedNames.contains($0.file) }), let listed = try? store.files() {
      let added = listed.filter { !lockedNames.contains(baseName($0)) }
      if added.isEmpty { break }
      try lock(added)
      collectAppends()
    }
    locked.sort { $0.file < $1.file }  // read in name order, the files added last too
    defer { (appends, appendsLost) = ([], false) }
    let answered = appendsLost ? nil : appends.filter { lockedNames.contains($0.file) }
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

  /// Adds to `appends` what the watch reported since it was last read: a
  /// write to a file of the log is an append, a batch when a rollback record
  /// beside it was created since its last write; a file moved in (a `git
  /// checkout`) brings all its lines, as a batch does. A heuristic where a
  /// write adds no line: a repair's cut (a dead batch rolled back, a torn
  /// tail or blank lines removed) counts as an append of one line, taking a
  /// line of the file's next append; order within the file stays right.
  private func collectAppends() {
    guard let watcher else { return }
    guard let reports = Sys.watchReports(watcher) else {
      appendsLost = true
      batchesBegun.removeAll()
      return
    }
    let single = store.isSingleFile ? baseName(store.path) : nil
    for (name, report) in reports {
      if name.hasSuffix(".jsonl.rollback") {
        if report != .written { batchesBegun.insert(String(name.dropLast(".rollback".count))) }
      } else if single.map({ $0 == name }) ?? LogStore.isLogFileName(name) {
        switch report {
        case .written: appends.append(Append(file: name, batch: batchesBegun.remove(name) != nil))
        case .movedIn: appends.append(Append(file: name, batch: true))
        case .created: break  // no line yet: its write is the append
        }
      }
    }
    if appends.count > 1 << 16 {  // nobody reads: the order of this backlog is not worth its memory
      appends.removeAll()
      appendsLost = true
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
        collectAppends()
        return .changed
      case .timeout:
        if watcher != nil {
          // Re-arm a watch whose folder went away and came back (keeping what
          // it reported). An append landing between the two watches goes
          // unreported: the next look orders by stamps, as when reports are lost.
          collectAppends()
          Sys.close(watcher!)
          watcher = nil
          watch()
          appendsLost = true
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

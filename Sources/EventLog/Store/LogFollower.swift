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
    _ = try read(decoding: false) { _ in }
  }

  /// Marks ids as handed back (an event the caller wrote itself).
  public func markSeen(_ ids: some Sequence<String>) { seen.formUnion(ids) }

  /// The whole events appended since the last call, each id once, in the
  /// order their appends landed as far as the files tell (`landingOrder`).
  /// - Parameter problem: receives a line that is not an event, once.
  public func newEvents(problem: (SkippedLine) -> Void) throws(LogError) -> [Event] {
    // Runs are found among every line read (an event handed back before
    // still holds its place in a batch); then each id once.
    LogFollower.landingOrder(try read(decoding: true, problem: problem)).filter { seen.insert($0.id).inserted }
  }

  /// Puts the new events of several files (each in the order of its lines)
  /// in the order their appends landed, as far as the lines tell. Within a
  /// file that is the order of its lines. Across files only the `recorded`
  /// stamps say, and they can run ahead of the clock: a batch is stamped 1 ms
  /// apart from max(now, the file's last + 1 ms), so its last lines may carry
  /// times after a later append to another file. So a file's lines are taken
  /// in runs stamped 1 ms apart (an append stamped by `add` is one run, or
  /// part of one), and the runs are ordered by their first stamp (ties: the
  /// files in name order): a batch is never split by another file's event.
  /// A batch whose `recorded` times were given (an import) may be split into
  /// runs where its times jump; it stays in order within its file.
  static func landingOrder(_ files: [[Event]]) -> [Event] {
    var runs: [ArraySlice<Event>] = []
    for events in files {
      var start = events.startIndex
      for index in events.indices.dropFirst() {
        let previous = events[index - 1].recorded?.milliseconds ?? 0
        if events[index].recorded?.milliseconds != previous + 1 {
          runs.append(events[start..<index])
          start = index
        }
      }
      if start < events.endIndex { runs.append(events[start...]) }
    }
    let first = { (run: ArraySlice<Event>) in run.first?.recorded?.milliseconds ?? 0 }
    return runs.enumerated().sorted { (first($0.element), $0.offset) < (first($1.element), $1.offset) }.flatMap(\.element)
  }

  /// Reads what each file holds past where the last read stopped, file by
  /// file (in name order), each in the order of its lines, ids handed back
  /// before included; with `decoding` false only moves the marks (the caller
  /// reads the log itself).
  private func read(decoding: Bool, problem: (SkippedLine) -> Void) throws(LogError) -> [[Event]] {
    var events: [[Event]] = []
    var read: [String: FileStamp] = [:]
    defer { stamps = read }  // what polling compares with: the files as they were read
    let paths: [String]
    do { paths = try store.files() } catch {
      if error.code == .noInput { return [] }  // the log is gone for now: wait for it
      throw error
    }
    for file in paths {
      let fd: FileDescriptor
      do { fd = try Sys.open(file, .readOnly) } catch { continue }  // removed since the listing
      defer { Sys.close(fd) }
      try store.lockShared(fd, file: file)
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
        if !fileEvents.isEmpty { events.append(fileEvents) }
        // The last line read, with its newline, proves the next read resumes where this one stopped.
        let lastLine = lastNewline > 0 ? (bytes[..<lastNewline].lastIndex(of: 0x0a).map { $0 + 1 } ?? 0) : 0
        offsets[file] = (
          stamp.device, stamp.inode, start + Int64(lastNewline) + 1, start + Int64(lastLine),
          FastHash.hash(Array(bytes[lastLine...lastNewline])))
      } catch {
        throw LogError(.ioError, "cannot read \(file): \(error)")
      }
    }
    return events
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
    let folder = store.isSingleFile ? parent(of: store.path) : store.path
    let poll = pollInterval ?? 1
    if watcher == nil && pollInterval == nil { watcher = Sys.watch([folder]) }
    while true {
      if Sys.stopRequested { return .stopped }
      // With inotify, a long timeout only as a safety net (a watch lost when the folder was replaced).
      let result = Sys.wait(for: watcher, output: output, timeout: watcher == nil ? poll : 30)
      if Sys.stopRequested { return .stopped }
      switch result {
      case .outputClosed: return .outputClosed
      case .interrupted: continue
      case .ready:
        if let watcher { Sys.drain(watcher) }
        return .changed
      case .timeout:
        if watcher != nil {
          // Re-arm a watch whose folder went away and came back.
          Sys.close(watcher!)
          watcher = Sys.watch([folder])
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

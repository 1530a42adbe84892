import Foundation
import ReferenceModel
import Testing

/// A running `timeline export --follow`, its standard output read as it comes.
final class RunningFollow: @unchecked Sendable {
  let process = Process()
  private let output = Pipe()
  private let errors = Pipe()
  private let lock = NSLock()
  private var received = Data()
  private var errorText = Data()
  private var newlines = 0

  /// How many whole lines have arrived.
  var lineCount: Int {
    lock.lock()
    defer { lock.unlock() }
    return newlines
  }

  init(_ arguments: [String], environment: [String: String] = [:]) throws {
    process.executableURL = URL(fileURLWithPath: timelineBinary)
    process.arguments = arguments
    process.environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1"].merging(environment) { $1 }
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    // Read with one large read(2) at a time, so that what the follower wrote
    // in one write (smaller than the pipe) arrives in one piece.
    let fd = output.fileHandleForReading.fileDescriptor
    let reader = Thread { [weak self] in
      var buffer = [UInt8](repeating: 0, count: 1 << 20)
      while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        guard let self else { return }
        self.lock.lock()
        self.received.append(contentsOf: buffer[..<n])
        self.newlines += buffer[..<n].reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
        self.lock.unlock()
      }
    }
    reader.start()
    errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      guard let self else { return }
      self.lock.lock()
      self.errorText.append(data)
      self.lock.unlock()
    }
    try process.run()
  }

  /// The whole lines received so far.
  var lines: [String] {
    lock.lock()
    defer { lock.unlock() }
    let text = String(decoding: received, as: UTF8.self)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
  }

  var stderr: String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: errorText, as: UTF8.self)
  }

  /// Waits (up to `timeout` seconds) until `count` lines have arrived; the lines then.
  @discardableResult
  func waitForLines(_ count: Int, timeout: Double = 20) -> [String] {
    let deadline = Date().addingTimeInterval(timeout)
    while lines.count < count && Date() < deadline { usleep(10_000) }
    return lines
  }

  /// Waits for the process to end (up to `timeout` seconds); its status, or nil if it is still running (then killed).
  func waitForExit(timeout: Double = 10) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    errors.fileHandleForReading.readabilityHandler = nil
    return process.terminationStatus
  }

  /// Closes the reading end of its standard output, as `head` does when it has enough.
  func closeOutput() {
    try? output.fileHandleForReading.close()
  }

  /// User and system CPU time so far, in seconds (Linux /proc).
  func cpuSeconds() -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }
}

/// Records every number of lines a follower has written, looking as often as it can, until stopped.
final class CountWatch: @unchecked Sendable {
  private let lock = NSLock()
  private var counts = Set<Int>()
  private var finished = false
  private let thread: Thread

  init(_ follow: RunningFollow) {
    let box = Box()
    thread = Thread { box.watch?.run(follow) }
    box.watch = self
    thread.start()
  }

  private final class Box: @unchecked Sendable { weak var watch: CountWatch? }

  private func run(_ follow: RunningFollow) {
    while true {
      let count = follow.lineCount
      lock.lock()
      counts.insert(count)
      let stop = finished
      lock.unlock()
      if stop { return }
      usleep(200)
    }
  }

  func stop() -> Set<Int> {
    lock.lock()
    finished = true
    lock.unlock()
    usleep(50_000)
    lock.lock()
    defer { lock.unlock() }
    return counts
  }
}

/// `export --follow` (issue 14): the selected events, then every event appended later.
@Suite struct FollowTests {
  func event(_ subject: String, _ day: Int = 1) -> String {
    #"{"date":"2026-01-\#(String(format: "%02d", day))","kind":"launch","org":"acme","subject":"acme/\#(subject)","attrs":{"type":"model"},"source":{"title":"T"}}"#
  }

  func ids(_ lines: [String]) throws -> [String] {
    try lines.map { line in
      guard case .string(let id)? = try J.parse(line)["id"] else { throw CocoaError(.coderInvalidValue) }
      return id
    }
  }

  /// A file cut and grown again under the same inode (add removing a blank
  /// last line, then appending) is read again from its start, so the new
  /// event is not lost (review of issue 14).
  @Test func aFileCutAndGrownAgainIsReadFromItsStart() throws {
    try withTemporaryDirectory { dir in
      let log = dir + "/l.jsonl"
      #expect(try timeline(["--log", log, "add", "--stdin"], stdin: event("a") + "\n" + event("b", 2) + "\n").status == 0)
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
      try handle.seekToEnd()
      try handle.write(contentsOf: Data("\n".utf8))
      try handle.close()
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow"])
      #expect(follow.waitForLines(2).count == 2)
      let added = try timeline(["--log", log, "add", "--stdin"], stdin: event("new", 3) + "\n")
      #expect(added.status == 0, "\(added.stderr)")
      #expect(try ids(follow.waitForLines(3)).last == added.output)
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
      #expect(!follow.stderr.contains("not an event"), "\(follow.stderr)")
    }
  }

  /// A retraction has no org: the stream carries it with the event it
  /// retracts, as a one-shot export does, so a consumer never keeps a
  /// withdrawn fact (review of issue 14).
  @Test func aFollowedSelectionCarriesTheRetractionOfAnEventItWrote() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let launched = try timeline(["--log", log, "add", "--stdin"], stdin: event("carried") + "\n")
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow", "--org", "acme"])
      #expect(try ids(follow.waitForLines(1)) == [launched.output])
      let retracted = try timeline(["--log", log, "retract", launched.output, "--reason", "wrong"])
      #expect(retracted.status == 0, "\(retracted.stderr)")
      #expect(try ids(follow.waitForLines(2)) == [launched.output, retracted.output])
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
      // Refused before anything runs, the log as it was.
      let before = snapshot(dir)
      let until = try timeline(["--log", log, "export", "--format", "jsonl", "--follow", "--until", "2026"])
      #expect(until.status == 64 && until.stderr.contains("--until"), "\(until.stderr)")
      let csv = try timeline(["--log", log, "export", "--format", "csv", "--follow"])
      #expect(csv.status == 64 && csv.stderr.contains("--follow writes jsonl or cloudevents"), "\(csv.stderr)")
      #expect(snapshot(dir) == before)
    }
  }

  @Test func aFileLogIsFollowedAsAppendsLandEachIdOnceUntilSIGTERM() throws {
    try withTemporaryDirectory { dir in
      let log = dir + "/events.jsonl"
      try writeLines(industryLines, to: log)
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow"])
      #expect(follow.waitForLines(11).count == 11)
      let one = try timeline(["--log", log, "add", "--stdin"], stdin: event("one") + "\n")
      #expect(one.status == 0)
      let after = follow.waitForLines(12)
      #expect(after.count == 12 && after.last!.contains(one.output), "\(after)")
      let batch = try timeline(["--log", log, "add", "--stdin"], stdin: [event("two"), event("three", 2), event("four", 3)].map { $0 + "\n" }.joined())
      #expect(batch.status == 0)
      // The same fact again (the same content id), then a new one: the repeat is not written.
      #expect(try timeline(["--log", log, "add", "--stdin"], stdin: event("one") + "\n").status == 0)
      let last = try timeline(["--log", log, "add", "--stdin"], stdin: event("five") + "\n")
      let lines = follow.waitForLines(16)
      usleep(300_000)
      #expect(try ids(follow.lines) == ids(lines))
      #expect(try Array(ids(lines).suffix(5)) == [one.output] + batch.lines + [last.output])
      #expect(Set(try ids(lines)).count == lines.count, "each id once")
      follow.process.terminate()  // SIGTERM
      #expect(follow.waitForExit() == 0, "exits cleanly: \(follow.stderr)")
      #expect(follow.stderr.isEmpty, "\(follow.stderr)")
    }
  }

  @Test func aFolderLogIsFollowedIncludingANewWriterFileUntilSIGINT() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow", "--org", "acme"])
      usleep(300_000)
      #expect(follow.lines.isEmpty, "no acme event yet")
      let alice = try timeline(["--log", log, "add", "--stdin", "--writer", "alice"], stdin: event("a") + "\n")
      #expect(follow.waitForLines(1).count == 1)
      // Another org's event is not selected; a new writer's file is found.
      #expect(try timeline(["--log", log, "add", "launch", "--date", "2026-01-02", "--subject", "other/x", "--set", "type=model"]).status == 0)
      let newbie = try timeline(["--log", log, "add", "--stdin", "--writer", "newbie"], stdin: event("b", 2) + "\n")
      #expect(FileManager.default.fileExists(atPath: log + "/newbie.jsonl"))
      let lines = follow.waitForLines(2)
      #expect(try ids(lines) == [alice.output, newbie.output])
      follow.process.interrupt()  // SIGINT
      #expect(follow.waitForExit() == 0)
      #expect(follow.lines.count == 2)
    }
  }

  @Test func pollingFindsAppendsAndANewWriterFileToo() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      #expect(try timeline(["--log", log, "export", "--format", "jsonl", "--poll", "1"]).status == 64)
      #expect(try timeline(["--log", log, "export", "--format", "jsonl", "--follow", "--poll", "0"]).status == 64)
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow", "--poll", "0.2"])
      #expect(follow.waitForLines(11).count == 11)
      let one = try timeline(["--log", log, "add", "--stdin"], stdin: event("p1") + "\n")
      #expect(follow.waitForLines(12).last?.contains(one.output) == true)
      let two = try timeline(["--log", log, "add", "--stdin", "--writer", "poller"], stdin: event("p2") + "\n" + event("p3") + "\n")
      let lines = follow.waitForLines(14)
      #expect(try Array(ids(lines).suffix(2)) == two.lines)
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
    }
  }

  @Test func aBatchAppearsWholeOrNotAtAll() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow"])
      #expect(follow.waitForLines(11).count == 11)
      // Every count of lines seen while two large batches land is a whole number of batches.
      let watch = CountWatch(follow)
      // Batches of 100 lines (about 20 kB, one write each to the pipe, which holds 64 kB).
      for round in 0..<10 {
        let batch = (0..<100).map { event("b\(round)-\($0)", $0 % 28 + 1) + "\n" }.joined()
        #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batch).status == 0)
      }
      #expect(follow.waitForLines(1011).count == 1011)
      let counts = watch.stop()
      #expect(counts.allSatisfy { $0 % 100 == 11 }, "part of a batch was written: \(counts.sorted())")
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
    }
  }

  /// Appends to several files that land between two looks come out in the
  /// order they landed, and a batch stays whole even when its stamps (1 ms
  /// apart, from max(now, the file's last + 1 ms)) run past the time of a
  /// later append to another file. Sorting by `recorded` alone put that
  /// append inside the batch (CI's broker round trip, stop 18).
  @Test func appendsToSeveralFilesLandInOrderAndABatchIsNeverSplitByAnother() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow"])
      #expect(follow.waitForLines(11).count == 11)
      // Stopped, the follower sees every append below in one look when it goes on.
      kill(follow.process.processIdentifier, SIGSTOP)
      let alice = try timeline(["--log", log, "add", "--stdin", "--writer", "alice"], stdin: event("a1") + "\n")
      let bob = try timeline(["--log", log, "add", "--stdin", "--writer", "bob"], stdin: event("b1") + "\n")
      let batch = try timeline(
        ["--log", log, "add", "--stdin", "--writer", "alice"], stdin: (0..<20).map { event("batch-\($0)", $0 + 1) + "\n" }.joined())
      #expect(alice.status == 0 && bob.status == 0 && batch.status == 0, "\(batch.stderr)")
      // bob's next append carries the time of the batch's eleventh line.
      let stamped = fileLines(log + "/alice.jsonl")
      try #require(stamped.count == 21)
      let middle = try #require(try J.parse(stamped[11])["recorded"]?.stringValue)
      let late = try timeline(
        ["--log", log, "add", "--stdin", "--writer", "bob"],
        stdin: #"{"date":"2026-01-05","kind":"launch","org":"acme","subject":"acme/b2","attrs":{"type":"model"},"source":{"title":"T"},"recorded":"\#(middle)"}"# + "\n")
      #expect(late.status == 0, "\(late.stderr)")
      kill(follow.process.processIdentifier, SIGCONT)
      let lines = follow.waitForLines(11 + 23)
      usleep(300_000)
      #expect(follow.lines.count == 34)
      #expect(try Array(ids(lines).dropFirst(11)) == [alice.output, bob.output] + batch.lines + [late.output])
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
    }
  }

  /// An append that continues a file's stamps ahead of the clock (its last
  /// line was recorded an hour from now, as an import may give) lands before
  /// another file's append stamped now: the kernel's reports of the files
  /// written to put it first, where the stamps alone would put it last.
  @Test func appendsStampedAheadOfTheClockComeInTheOrderTheyLanded() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let format = ISO8601DateFormatter()
      format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      let ahead = format.string(from: Date().addingTimeInterval(3600))
      let imported = try timeline(
        ["--log", log, "add", "--stdin", "--writer", "alice"],
        stdin: #"{"date":"2026-01-01","kind":"launch","org":"acme","subject":"acme/i","attrs":{"type":"model"},"source":{"title":"T"},"recorded":"\#(ahead)"}"# + "\n")
      #expect(imported.status == 0, "\(imported.stderr)")
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow"])
      #expect(follow.waitForLines(12).count == 12)
      kill(follow.process.processIdentifier, SIGSTOP)
      let alice = try timeline(["--log", log, "add", "--stdin", "--writer", "alice"], stdin: event("a") + "\n")
      let bob = try timeline(["--log", log, "add", "--stdin", "--writer", "bob"], stdin: event("b") + "\n")
      #expect(alice.status == 0 && bob.status == 0, "\(alice.stderr)\(bob.stderr)")
      kill(follow.process.processIdentifier, SIGCONT)
      let lines = follow.waitForLines(14)
      #expect(try Array(ids(lines).dropFirst(12)) == [alice.output, bob.output])
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
    }
  }

  @Test func sinceStartsFromARecordTimeAndFollowKeepsTheSelection() throws {
    try withTemporaryDirectory { dir in
      let log = dir + "/events.jsonl"
      try writeLines(industryLines, to: log)
      let plain = try timeline(["--log", log, "export", "--format", "jsonl", "--since", "2025-12-12T09:00:00.000Z"])
      #expect(plain.status == 0)
      #expect(try ids(plain.lines) == ["gemini3", "nbp-throttle", "blind", "r-nbp"], "recorded at or after T, in replay order")
      // r-nbp, recorded on 2025-12-13, goes with the event it retracts, as every export carries what its selection needs.
      #expect(try ids(timeline(["--log", log, "export", "--format", "jsonl", "--since", "2025-12-13"]).lines) == ["nbp-throttle", "r-nbp"])
      #expect(try timeline(["--log", log, "export", "--format", "jsonl", "--since", "2025-13-01"]).status == 64)
      let follow = try RunningFollow(["--log", log, "export", "--format", "cloudevents", "--follow", "--since", "2025-12-13T08:00:00Z"])
      #expect(follow.waitForLines(2).count == 2)
      let added = try timeline(["--log", log, "add", "--stdin"], stdin: event("late") + "\n")
      let lines = follow.waitForLines(3)
      #expect(lines.count == 3)
      // Each line is one structured-mode CloudEvent, as export writes it.
      let once = try timeline(["--log", log, "export", "--format", "cloudevents", "--since", "2025-12-13T08:00:00Z"])
      #expect(lines == once.lines)
      let cloudEvent = try J.parse(lines[2])
      #expect(cloudEvent["specversion"] == .string("1.0") && cloudEvent["id"] == .string(added.output))
      #expect(cloudEvent["type"] == .string("timeline.launch"))
      // --since is where the stream starts: an event landing later is written whatever its recorded time.
      let old = event("old").replacingOccurrences(of: #""source""#, with: #""recorded":"2020-01-01T00:00:00.000Z","source""#)
      let pulled = try timeline(["--log", dir + "/teammate.jsonl", "add", "--stdin"], stdin: old + "\n")
      #expect(pulled.status == 0, "\(pulled.stderr)")
      try FileManager.default.moveItem(atPath: dir + "/teammate.jsonl", toPath: dir + "/moved.jsonl")
      let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/moved.jsonl"))
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
      try handle.seekToEnd()
      try handle.write(contentsOf: bytes)
      try handle.close()
      #expect(try ids(follow.waitForLines(4)).last == pulled.output)
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
    }
  }

  @Test func itEndsWhenTheReaderGoesAwayAndRefusesAnOutputFile() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow"])
      #expect(follow.waitForLines(11).count == 11)
      follow.closeOutput()
      // Noticed while idle (the pipe's hang-up), or at the next write at the latest.
      #expect(try timeline(["--log", log, "add", "--stdin"], stdin: event("x") + "\n").status == 0)
      #expect(follow.waitForExit(timeout: 10) == 0, "\(follow.stderr)")
      let before = snapshot(log)
      let refused = try timeline(["--log", log, "export", "--format", "jsonl", "--follow", "-o", dir + "/out.jsonl"])
      #expect(refused.status == 64 && refused.stderr.contains("--follow writes to standard output"), "\(refused.stderr)")
      #expect(snapshot(log) == before)
    }
  }

  @Test func itIdlesQuietly() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let follow = try RunningFollow(["--log", log, "export", "--format", "jsonl", "--follow"])
      #expect(follow.waitForLines(11).count == 11)
      usleep(500_000)
      guard let start = follow.cpuSeconds() else {
        print("skipped the CPU measure: no /proc here")
        follow.process.terminate()
        return
      }
      sleep(10)
      let used = (follow.cpuSeconds() ?? 0) - start
      print("export --follow used \(used) s of CPU over 10 idle seconds")
      #expect(used < 0.1, "a busy loop: \(used) s of CPU in 10 idle seconds")
      // Still awake: an append is written.
      #expect(try timeline(["--log", log, "add", "--stdin"], stdin: event("x") + "\n").status == 0)
      #expect(follow.waitForLines(12).count == 12)
      follow.process.terminate()
      #expect(follow.waitForExit() == 0)
    }
  }
}

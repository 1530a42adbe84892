import EventLog
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

// Crashes (issue 5). Two halves: every on-disk state a crash can leave at
// each step of the append protocol, built byte by byte and checked
// deterministically; and real SIGKILLs of running writers, a short version of
// stress/crash.py (which runs hundreds of kills).

private let source = #","source":{"title":"t"}"#

/// `count` distinct events for `add --stdin`, tagged so a test can count them.
private func batchInput(_ count: Int, tag: String, noteLength: Int = 200) -> String {
  (0..<count).map { #"{"date":"2025-12-02","kind":"report","org":"acme","attrs":{"batch":"\#(tag)","i":\#($0)}\#(source),"note":"\#(String(repeating: "z", count: noteLength))"}"# }
    .joined(separator: "\n") + "\n"
}

private func bytes(_ path: String) -> [UInt8] {
  FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}

private func write(_ path: String, _ content: [UInt8]) {
  FileManager.default.createFile(atPath: path, contents: Data(content))
}

/// Writes the rollback record `add --stdin` writes before appending `batch`
/// to `log` (as it is now, `length` bytes long); `torn` cuts its last byte.
private func writeRecord(for log: String, length: Int, batch: [UInt8], torn: Bool = false) {
  var info = stat()
  #expect(stat(log, &info) == 0)
  var record = RollbackRecord(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), length: Int64(length), batch: batch).encoded()
  if torn { record.removeLast() }
  write(log + ".rollback", record)
}

/// The bytes a batch of `count` events would append to `file` as it is now
/// (appended to a copy, in `dir`, and read back from it).
private func batchBytes(after file: String, count: Int, dir: String) throws -> [UInt8] {
  let base = bytes(file)
  let copy = dir + "/copy.jsonl"
  write(copy, base)
  #expect(try timeline(["--log", copy, "add", "--stdin"], stdin: batchInput(count, tag: "dead")).status == 0)
  return Array(bytes(copy)[base.count...])
}

/// The ids `log --json` lists.
private func listedIDs(_ log: String) throws -> [String] {
  let result = try timeline(["--log", log, "log", "--json"])
  #expect(result.status == 0, "\(result.stderr)")
  let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
  return ((json?["events"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted()
}

/// The warnings `check --json` gives (it must give no error).
private func checkWarnings(_ log: String) throws -> [String] {
  let result = try timeline(["--log", log, "check", "--json"])
  #expect(result.status == 0, "\(result.stdout)")
  let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
  #expect((json?["errors"] as? [Any])?.isEmpty == true)
  return ((json?["warnings"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
}

/// A crash state: the committed log `base`, then `tail` (bytes of an append in
/// flight), with or without the batch's rollback record (whole or torn).
private struct CrashState: Sendable, CustomTestStringConvertible {
  var name: String
  var cut: @Sendable (Int) -> Int  // how many bytes of the append got in, given its length
  var batch: Bool
  var record: RecordState = .complete
  var addRefuses = false
  enum RecordState: Sendable { case none, complete, torn }

  var testDescription: String { name }
}

private let crashStates: [CrashState] = [
  CrashState(name: "batch: record written, no byte of the batch yet", cut: { _ in 0 }, batch: true),
  CrashState(name: "batch: first byte", cut: { _ in 1 }, batch: true),
  CrashState(name: "batch: middle of the first line", cut: { _ in 150 }, batch: true),
  CrashState(name: "batch: middle of the batch", cut: { $0 / 2 }, batch: true),
  CrashState(name: "batch: all but the final newline", cut: { $0 - 1 }, batch: true),
  CrashState(name: "batch: all written and fsynced, record not yet removed", cut: { $0 }, batch: true),
  CrashState(name: "batch: torn record, nothing written", cut: { _ in 0 }, batch: true, record: .torn),
  CrashState(name: "single add: first byte", cut: { _ in 1 }, batch: false, record: .none),
  CrashState(name: "single add: middle of the line", cut: { $0 / 2 }, batch: false, record: .none),
  // A whole event without its newline: add refuses rather than cut it (see
  // aWholeEventWithoutItsNewlineIsNotCutByAdd); check --repair keeps it by
  // adding the newline (issue 10: it used to cut it).
  CrashState(name: "single add: all but the newline", cut: { $0 - 1 }, batch: false, record: .none, addRefuses: true),
]

/// Builds the state a crash leaves and checks every promise: readers see only
/// the committed events, `check` warns of one torn tail or interrupted batch
/// and finds no error, the next `add` repairs (saying so) and appends, and
/// `check --repair` restores the committed bytes exactly (a whole final event
/// kept, with its newline added).
@Test(arguments: crashStates)
private func everyCrashPointLeavesTheCommittedLogIntact(state: CrashState) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    let base = bytes(log)
    let committed = try listedIDs(log)
    // The bytes the append would have written: let it append to a copy.
    let copy = dir + "/copy.jsonl"
    write(copy, base)
    let appended: Result<RunResult, Error> = Result {
      state.batch
        ? try timeline(["--log", copy, "add", "--stdin"], stdin: batchInput(4, tag: "inflight"))
        : try timeline(["--log", copy, "add", "report", "--date", "2025", "--org", "acme", "--source-title", "t", "--note", String(repeating: "w", count: 300)])
    }
    #expect(try appended.get().status == 0)
    let append = Array(bytes(copy)[base.count...])
    let inFlight = Array(append[..<state.cut(append.count)])

    func build() {
      write(log, base + inFlight)
      switch state.record {
      case .none: try? FileManager.default.removeItem(atPath: log + ".rollback")
      case .complete: writeRecord(for: log, length: base.count, batch: append)
      case .torn: writeRecord(for: log, length: base.count, batch: append, torn: true)
      }
    }

    // Readers see the committed events only.
    build()
    #expect(try listedIDs(log) == committed)
    let warnings = try checkWarnings(log).filter { $0.contains("torn") || $0.contains("interrupted") || $0.contains("without its newline") }
    #expect(warnings.count == (inFlight.isEmpty ? 0 : 1), "\(warnings)")

    // What check --repair leaves: the committed bytes, and a whole final event with its newline.
    let repairedBytes = state.addRefuses ? base + inFlight + [0x0a] : base
    var kept = committed
    if state.addRefuses {
      let refused = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
      #expect(refused.status == 65)
      #expect(refused.stderr.contains("check --repair"))
      #expect(bytes(log) == base + inFlight)
      #expect(try timeline(["--log", log, "check", "--repair"]).status == 0)
      #expect(bytes(log) == repairedBytes)
      kept = try listedIDs(log)
      #expect(kept.count == committed.count + 1)
    }
    // The next add repairs first, saying so, and appends after the committed bytes.
    let added = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
    #expect(added.status == 0, "\(added.stderr)")
    if !inFlight.isEmpty && !state.addRefuses {
      #expect(added.stderr.contains("rolled back") || added.stderr.contains("cut a torn final line"))
    }
    #expect(Array(bytes(log).prefix(base.count)) == base)
    #expect(try listedIDs(log) == (kept + [added.stdout.trimmingCharacters(in: .newlines)]).sorted())
    #expect(!FileManager.default.fileExists(atPath: log + ".rollback"))
    // A torn record (the writer died writing it, before the batch) proves nothing: set aside.
    #expect(FileManager.default.fileExists(atPath: log + ".rollback.set-aside") == (state.record == .torn))
    #expect(try checkWarnings(log).filter { $0.contains("torn") || $0.contains("interrupted") }.isEmpty)

    // check --repair restores the committed bytes exactly.
    build()
    let repaired = try timeline(["--log", log, "check", "--repair"])
    #expect(repaired.status == 0, "\(repaired.stdout)")
    #expect(bytes(log) == repairedBytes)
    #expect(!FileManager.default.fileExists(atPath: log + ".rollback"))
    #expect(try timeline(["--log", log, "state", "--json", "--at", "2025-12-31"]).status == 0)
  }
}

/// Bytes after a record's length that are not a prefix of its batch (the
/// batch and a later event, a changed byte, a length that is not a line
/// start) are not its batch: readers say so, nothing is cut, and the record
/// is set aside. The message says which: a line appended after what the
/// dead writer left (whole or part of its batch) is not called a rewrite or
/// a replacement of the file.
@Test(arguments: [
  "another event after the batch", "another event after part of the batch", "a flipped byte in the batch", "a record for a longer file",
])
func aRecordWhoseBatchIsNotWhatFollowsCutsNothing(change: String) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    let base = bytes(log)
    let batch = try batchBytes(after: log, count: 4, dir: dir)
    let copy = dir + "/copy.jsonl"  // the log with the whole batch: where another writer adds after it
    var content = base + batch
    var length = base.count
    switch change {
    case "another event after the batch":
      #expect(try timeline(["--log", copy, "add", "report", "--date", "2025", "--org", "later", "--source-title", "t"]).status == 0)
      content = bytes(copy)
    case "another event after part of the batch":
      // Two whole lines of the batch, then a line added by another writer (`echo >>`).
      let later = dir + "/later.jsonl"
      #expect(try timeline(["--log", later, "add", "report", "--date", "2025", "--org", "later", "--source-title", "t"]).status == 0)
      let secondEnd = batch.indices.filter { batch[$0] == 0x0a }[1]
      content = base + batch[...secondEnd] + bytes(later)
    case "a flipped byte in the batch":
      // A letter of a note: still a valid line, but not the batch's.
      let note = (base.count + batch.count / 2..<content.count).first { content[$0] == 0x7a && content[$0 + 1] == 0x7a }!
      content[note] = 0x79
    default:
      length = base.count + 1
    }
    write(log, content)
    writeRecord(for: log, length: length, batch: batch)
    let listed = try timeline(["--log", log, "log", "--json"])
    #expect(listed.stderr.contains("does not match"), "\(listed.stderr)")
    let said = switch change {
    case "another event after the batch": "the 4 lines after the \(base.count) bytes the file had before the batch are the batch's, but line 5 is not: a line was appended after the batch's writer died"
    case "another event after part of the batch": "the 2 lines after the \(base.count) bytes the file had before the batch are the batch's, but line 3 is not: a line was appended after the batch's writer died"
    case "a flipped byte in the batch": "though the lines around it are the batch's: the file was rewritten since the batch's writer died"
    default: "is not at the start of a line: the file was rewritten since the batch's writer died"
    }
    #expect(listed.stderr.contains(said), "\(listed.stderr)")
    let repaired = try timeline(["--log", log, "check", "--repair"])
    #expect(repaired.stderr.contains("set aside"), "\(repaired.stderr)")
    #expect(bytes(log) == content, "nothing cut")
    #expect(bytes(log + ".rollback.set-aside").count > 0)
    #expect(!FileManager.default.fileExists(atPath: log + ".rollback"))
  }
}

/// Starts `timeline` with `arguments` and standard input from `input`; the caller kills or waits.
private func start(_ arguments: [String], input: String?, output: String) throws -> Process {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: timelineBinary)
  process.arguments = arguments
  process.environment = ["NO_COLOR": "1", "TIMELINE_LOCK_TIMEOUT": "30"]
  FileManager.default.createFile(atPath: output, contents: nil)
  process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
  process.standardError = FileHandle.nullDevice
  process.standardInput = try input.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
  try process.run()
  return process
}

/// Real SIGKILLs: each round a batch writer is killed just after its rollback
/// record appears (in the write window) or at a random moment, while a single
/// add runs beside it. Afterwards every printed id is in the log, the killed
/// batch is all there or not at all, and the log checks clean after repair.
@Test func sigkilledWritersLoseNoAcknowledgedEventAndNoBatchIsHalfThere() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    var rng = SystemRandomNumberGenerator()
    var acknowledged: [String] = []
    var kills = 0
    let size = 1500
    for round in 0..<10 {
      let tag = "round\(round)"
      let input = dir + "/batch.in"
      try batchInput(size, tag: tag).write(toFile: input, atomically: false, encoding: .utf8)
      let batch = try start(["--log", log, "add", "--stdin"], input: input, output: dir + "/batch.out")
      let single = try start(
        ["--log", log, "add", "report", "--date", "2025-12-03", "--org", "solo", "--source-title", "t", "--note", tag],
        input: nil, output: dir + "/single.out")
      if round % 2 == 0 {
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: log + ".rollback") && batch.isRunning && Date() < deadline { usleep(200) }
        usleep(UInt32.random(in: 0...3000, using: &rng))
      } else {
        usleep(UInt32.random(in: 0...150_000, using: &rng))
      }
      if batch.isRunning {
        kill(batch.processIdentifier, SIGKILL)
        kills += 1
      }
      batch.waitUntilExit()
      single.waitUntilExit()
      for (process, output) in [(batch, "batch.out"), (single, "single.out")] {
        if process.terminationReason == .exit { #expect(process.terminationStatus == 0) }
        // A printed id is acknowledged, even if the kill came while the process was exiting;
        // a kill while printing leaves part of an id after the last newline, which is not one.
        let printed = String(decoding: bytes(dir + "/" + output), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        acknowledged += printed.dropLast().map(String.init)
      }
      // Whole lines, the whole batch or none of it, every acknowledged id.
      let listed = try listedIDs(log)
      #expect(Set(acknowledged).isSubset(of: Set(listed)), "round \(round): an acknowledged event is missing")
      let json = try timeline(["--log", log, "log", "--json"]).stdout
      let inBatch = json.components(separatedBy: "\"batch\":\"\(tag)\"").count - 1
      #expect(inBatch == 0 || inBatch == size, "round \(round): \(inBatch) of the \(size) events of a killed batch")
      #expect(try checkWarnings(log).filter { $0.contains("torn") || $0.contains("interrupted") }.count <= 1)
      if round % 3 == 2 {
        #expect(try timeline(["--log", log, "check", "--repair"]).status == 0)
        #expect(try checkWarnings(log).filter { $0.contains("torn") || $0.contains("interrupted") }.isEmpty)
      }
    }
    #expect(kills > 0)
    #expect(try timeline(["--log", log, "check", "--repair"]).status == 0)
    #expect(try timeline(["--log", log, "state", "--json"]).status == 0)
  }
}

/// A rollback record that timeline did not write (negative, signed, not a
/// number, the first version's length alone) is never used: readers read the
/// whole file and say so, and the next add sets it aside (issue 10: it used to
/// be removed, or, for a bare length, used to cut).
@Test(arguments: ["-5\n", "+5\n", "five\n", "\n", "99999999999999999999\n", "0\n", "timeline rollback record 2\n"])
func aRollbackRecordNotWrittenByTimelineIsSetAside(content: String) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    let base = bytes(log)
    write(log + ".rollback", Array(content.utf8))
    let read = try timeline(["--log", log, "log", "--json"])
    #expect(read.status == 0)
    #expect(read.stderr.contains("a rollback record \(log).rollback does not match \(log)"), "\(read.stderr)")
    #expect(try listedIDs(log).count == 3)
    #expect(bytes(log + ".rollback") == Array(content.utf8), "readers change nothing")
    let added = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stderr.contains("set aside as \(log).rollback.set-aside, nothing cut"), "\(added.stderr)")
    #expect(Array(bytes(log).prefix(base.count)) == base)
    #expect(!FileManager.default.fileExists(atPath: log + ".rollback"))
    #expect(bytes(log + ".rollback.set-aside") == Array(content.utf8))
    #expect(try listedIDs(log).count == 4)
  }
}

/// A final line that lacks only its newline but is a whole event was most
/// likely added by hand (timeline writes a line and its newline at once): add
/// refuses rather than cut it, readers ignore it with a warning as with any
/// torn tail, and the user chooses: end it with a newline, or check --repair,
/// which keeps it by adding the newline (issue 10: it used to cut it).
@Test func aWholeEventWithoutItsNewlineIsNotCutByAdd() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(2, tag: "base")).status == 0)
    var content = bytes(log)
    let typed = #"{"id":"by-hand","date":"2025-12-05","kind":"report","org":"acme","confidence":"reported","source":{"title":"t"},"recorded":"2099-01-01T00:00:00.000Z"}"#
    content += Array(typed.utf8)
    write(log, content)
    // A dry run says what the real run will (it used to show the state change and exit 0).
    let dry = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t", "--dry-run"])
    #expect(dry.status == 65 && dry.stderr.contains("by-hand") && dry.stdout.isEmpty, "\(dry.stdout)\(dry.stderr)")
    #expect(bytes(log) == content)
    let added = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
    #expect(added.status == 65)
    #expect(added.stderr.contains("by-hand"))
    #expect(added.stderr.contains("run `timeline check --repair` to keep it (it adds the newline)"), "\(added.stderr)")
    #expect(bytes(log) == content)
    #expect(try listedIDs(log).count == 2)
    // Readers and check say what check --repair will do with it: keep it.
    let checked = try timeline(["--log", log, "check"])
    #expect(checked.stdout.contains("a whole event without its newline") && checked.stdout.contains("keeps it by adding the newline"), "\(checked.stdout)")
    // Ending it with a newline makes it part of the log.
    write(log, content + [0x0a])
    #expect(try listedIDs(log).contains("by-hand"))
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"]).status == 0)
    // check --repair keeps such a line: it adds the newline.
    write(log + "2", content)
    let repaired = try timeline(["--log", log + "2", "check", "--repair"])
    #expect(repaired.status == 0, "\(repaired.stdout)")
    #expect(repaired.stderr.contains("added the missing newline"), "\(repaired.stderr)")
    #expect(bytes(log + "2") == content + [0x0a])
    #expect(try listedIDs(log + "2").contains("by-hand"))
  }
}

/// When add cuts an incomplete final line before appending, it prints the
/// bytes it cut, verbatim (a byte that is not UTF-8, an escape), on standard
/// error, so nothing is lost even then.
@Test func addPrintsTheBytesOfAnIncompleteLineItCutsVerbatim() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(2, tag: "base")).status == 0)
    let base = bytes(log)
    let torn: [UInt8] = Array(#"{"id":"half","note":"caf\#u{e9} "#.utf8) + [0xff, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x09, 0x0d]
    write(log, base + torn)
    let added = try shell("\(timelineBinary) --log \(log) add report --date 2025 --org next --source-title t 2> \(dir)/err")
    #expect(added.status == 0)
    let err = bytes(dir + "/err")
    #expect(String(decoding: err, as: UTF8.self).contains("cut a torn final line of \(torn.count) bytes"))
    #expect(err.count > torn.count && (0...(err.count - torn.count)).contains { Array(err[$0..<($0 + torn.count)]) == torn })
    #expect(Array(bytes(log).prefix(base.count)) == base)
    #expect(try listedIDs(log).count == 3)
  }
}

/// A log reached through a symlink and through its target shares one rollback
/// record (beside the real file): a batch that died part-way while written
/// through one path is invisible through the other, and rolled back by either.
@Test(arguments: [false, true])
func aBatchThatDiedThroughASymlinkIsInvisibleThroughTheTarget(throughLink: Bool) throws {
  try withTemporaryDirectory { dir in
    let real = dir + "/data/real.jsonl"
    let link = dir + "/link.jsonl"
    try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
    #expect(try timeline(["--log", real, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
    let base = bytes(real)
    let committed = try listedIDs(real)
    // A batch written through one path: it must put its record beside the real file.
    let writer = throughLink ? link : real
    let copy = dir + "/data/copy.jsonl"
    write(copy, base)
    #expect(try timeline(["--log", copy, "add", "--stdin"], stdin: batchInput(4, tag: "dead")).status == 0)
    let dead = Array(bytes(copy)[base.count...])
    write(real, base + dead.prefix(dead.count / 2))
    writeRecord(for: real, length: base.count, batch: dead)
    for path in [link, real] {
      #expect(try listedIDs(path) == committed, "reading through \(path)")
    }
    let added = try timeline(["--log", writer, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
    #expect(added.status == 0)
    #expect(added.stderr.contains("rolled back"))
    #expect(Array(bytes(real).prefix(base.count)) == base)
    #expect(try listedIDs(real).count == committed.count + 1)
    #expect(!FileManager.default.fileExists(atPath: real + ".rollback"))
    #expect(!FileManager.default.fileExists(atPath: link + ".rollback"))
    // A real batch through the link leaves no record anywhere once done.
    #expect(try timeline(["--log", link, "add", "--stdin"], stdin: batchInput(5, tag: "live")).status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["data", "link.jsonl"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data").sorted() == ["copy.jsonl", "real.jsonl"])
  }
}

/// How the file is replaced after a batch died and left its rollback record.
enum Replacement: String, CaseIterable, Sendable {
  /// `cp newer log`: the same inode, a newer copy holding more acknowledged events.
  case copiedOverSameInode
  /// A newer copy renamed over the log (as `git pull` or `rsync` do): a new
  /// inode, and bytes after the record's length that are not its batch (the
  /// bytes set it aside: a new inode alone does not, see
  /// `aDeadBatchPulledWithItsRecordIsHiddenInEveryClone`).
  case renamedOverNewInode
  /// Rewritten in place with another history (a `git checkout` keeping the inode).
  case rewrittenInPlace
  /// The first version's record, a bare length, with the file copied over.
  case oldFormatRecord
}

private func inode(_ path: String) -> UInt64 {
  var info = stat()
  return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
}

/// A real `add --stdin` into `log`, SIGKILLed as soon as its rollback record is written.
private func killABatchAfterItsRecord(_ log: String, dir: String) throws {
  let input = dir + "/dying.in"
  try batchInput(20_000, tag: "dying").write(toFile: input, atomically: false, encoding: .utf8)
  let batch = try start(["--log", log, "add", "--stdin"], input: input, output: dir + "/dying.out")
  let deadline = Date().addingTimeInterval(60)
  while bytes(log + ".rollback").isEmpty && batch.isRunning && Date() < deadline { usleep(100) }
  kill(batch.processIdentifier, SIGKILL)
  batch.waitUntilExit()
  #expect(batch.terminationReason == .uncaughtSignal, "the batch finished before it could be killed")
}

/// Issue 10: a batch dies leaving its rollback record; the file is then
/// replaced by a newer copy holding five more acknowledged events (or
/// rewritten). Readers read the whole file and say the record does not
/// match; the next writer (add, or check --repair) sets the record aside and
/// cuts nothing: every acknowledged event is still there.
@Test(arguments: Replacement.allCases, ["add", "check --repair"])
func aRollbackRecordOfAReplacedFileCutsNoAcknowledgedEvent(how: Replacement, writer: String) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    // The newer copy (a teammate's, or another history), with five more acknowledged events.
    let newer = dir + "/newer.jsonl"
    if how == .rewrittenInPlace {
      #expect(try timeline(["--log", newer, "add", "--stdin"], stdin: batchInput(2, tag: "other", noteLength: 50)).status == 0)
    } else {
      write(newer, bytes(log))
    }
    let five = try timeline(["--log", newer, "add", "--stdin"], stdin: batchInput(5, tag: "five"))
    #expect(five.status == 0)
    let acknowledged = five.stdout.split(separator: "\n").map(String.init)
    #expect(acknowledged.count == 5)
    let expected = try listedIDs(newer)

    if how == .oldFormatRecord {
      write(log + ".rollback", Array("\(bytes(log).count)\n".utf8))
    } else {
      try killABatchAfterItsRecord(log, dir: dir)
    }
    let record = bytes(log + ".rollback")
    #expect(!record.isEmpty)
    let before = inode(log)
    if how == .renamedOverNewInode {
      #expect(try shell("cp \(newer) \(dir)/incoming && mv \(dir)/incoming \(log)").status == 0)
      #expect(inode(log) != before)
    } else {
      #expect(try shell("cp \(newer) \(log)").status == 0)
      #expect(inode(log) == before)
    }
    let replaced = bytes(log)

    // Readers see every event of the file, say why the record is not used, and change nothing.
    let read = try timeline(["--log", log, "log", "--json"])
    #expect(read.status == 0, "\(read.stderr)")
    #expect(read.stderr.contains("a rollback record \(log).rollback does not match \(log)"), "\(read.stderr)")
    #expect(try listedIDs(log) == expected)
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0)
    #expect(check.stdout.contains("\(log):"), "\(check.stdout)")
    #expect(check.stdout.contains("warning: a rollback record \(log).rollback does not match \(log)"), "\(check.stdout)")
    #expect(bytes(log) == replaced)
    #expect(bytes(log + ".rollback") == record)

    // The next writer sets the record aside and cuts nothing.
    let wrote = writer == "add"
      ? try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
      : try timeline(["--log", log, "check", "--repair"])
    #expect(wrote.status == 0, "\(wrote.stderr)\(wrote.stdout)")
    #expect(wrote.stderr.contains("does not match \(log)"), "\(wrote.stderr)")
    #expect(wrote.stderr.contains("it was set aside as \(log).rollback.set-aside, nothing cut"), "\(wrote.stderr)")
    #expect(Array(bytes(log).prefix(replaced.count)) == replaced)
    let listed = try listedIDs(log)
    #expect(Set(acknowledged).isSubset(of: Set(listed)), "an acknowledged event was cut")
    #expect(Set(expected).isSubset(of: Set(listed)))
    #expect(listed.count == expected.count + (writer == "add" ? 1 : 0))
    #expect(!FileManager.default.fileExists(atPath: log + ".rollback"))
    #expect(bytes(log + ".rollback.set-aside") == record)
    // Set aside once: later commands say nothing more about it.
    let again = try timeline(["--log", log, "check"])
    #expect(!again.stdout.contains("rollback record"), "\(again.stdout)")
  }
}

/// A rollback record that appears beside a cached file whose stamp has not
/// changed (set aside, the cache built, then put back) still rolls its
/// batch out of every answer: the cache is not believed over the record
/// (the answer is what a full replay of the current bytes gives).
@Test func aRollbackRecordPutBackBesideACachedFileStillCounts() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(10_200, tag: "base", noteLength: 8)).status == 0)
    let committed = bytes(log)
    // The dead writer's batch (as add writes it, taken from a copy) and its record.
    write(dir + "/copy.jsonl", committed)
    #expect(try timeline(["--log", dir + "/copy.jsonl", "add", "--stdin"], stdin: batchInput(5, tag: "torn", noteLength: 8)).status == 0)
    let tail = Array(bytes(dir + "/copy.jsonl")[committed.count...])
    try FileManager.default.removeItem(atPath: dir + "/copy.jsonl")
    write(log, committed + tail)
    writeRecord(for: log, length: committed.count, batch: tail)
    let whole = try listedIDs(log)
    #expect(whole.count == 10_200, "the batch is rolled out")
    // Set aside, asked (the cache is built with the batch in), put back.
    try FileManager.default.moveItem(atPath: log + ".rollback", toPath: dir + "/saved")
    #expect(try listedIDs(log).count == 10_205)
    #expect(FileManager.default.fileExists(atPath: dir + "/.timeline-cache"))
    try FileManager.default.moveItem(atPath: dir + "/saved", toPath: log + ".rollback")
    #expect(try listedIDs(log) == whole)
  }
}

/// A file whose only line is an event behind a byte order mark, without its
/// newline (what an editor saving "UTF-8 with BOM" writes): the mark is the
/// error (65, named) for readers, check, check --repair, add and its dry
/// run, and nothing is cut: it was taken for a torn append and deleted.
@Test func aByteOrderMarkBeforeTheOnlyUnendedLineIsAnErrorAndNothingIsCut() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "acme", "--source-title", "t"]).status == 0)
    var content: [UInt8] = [0xef, 0xbb, 0xbf] + bytes(log)
    content.removeLast()  // its newline
    for body in [content, [0xef, 0xbb, 0xbf]] {
      write(log, body)
      let before = snapshot(dir)
      for arguments in [["state"], ["check"], ["check", "--repair"], ["add", "report", "--date", "2025", "--org", "acme", "--source-title", "t", "--dry-run"],
        ["add", "report", "--date", "2025", "--org", "acme", "--source-title", "t"]]
      {
        let result = try timeline(["--log", log] + arguments)
        #expect(result.status == 65 && result.stderr.contains("byte order mark"), "\(arguments): \(result.status) \(result.stderr)")
        #expect(bytes(log) == body, "\(arguments) changed the file")
        #expect(snapshot(dir) == before, "\(arguments) left something beside the log")
      }
    }
  }
}

/// A dry run writes nothing, derived data included: on a log large enough
/// to be cached, `add --dry-run` (reading the log for its changes, or for a
/// correction's target) and `import --dry-run` leave the folder as it was,
/// no cache made.
@Test func aDryRunOnALargeLogWritesNoCache() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(10_100, tag: "base", noteLength: 8))
    #expect(added.status == 0)
    let target = added.lines[0]
    write(dir + "/more.jsonl", Array(batchInput(3, tag: "more", noteLength: 8).utf8))
    let before = snapshot(dir)
    // (add never reads the log: no cache yet, so a dry run that made one would show.)
    #expect(!FileManager.default.fileExists(atPath: dir + "/.timeline-cache"))
    for arguments in [
      ["add", "report", "--date", "2025", "--org", "acme", "--source-title", "t", "--dry-run"],
      ["add", "report", "--date", "2025", "--org", "acme", "--source-title", "t", "--supersedes", target, "--dry-run"],
      ["import", dir + "/more.jsonl", "--dry-run"],
    ] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      #expect(snapshot(dir) == before, "\(arguments) wrote into the folder")
    }
    // The real questions make their cache, as before.
    #expect(try timeline(["--log", log, "state"]).status == 0)
    #expect(FileManager.default.fileExists(atPath: dir + "/.timeline-cache"))
  }
}

/// A batch dies in one clone, and its file and rollback record are committed
/// together (the record sits in the log folder, so `git add events` takes it)
/// and pulled into another clone, or copied together: the other clone holds
/// the same bytes under another inode. The bytes decide, not the inode, so
/// every clone hides the same dead batch and answers alike; the next `add`
/// there rolls it back. (When the inode decided, the other clone set the
/// record aside and showed half the batch.)
@Test(arguments: ["cp", "git clone"])
func aDeadBatchPulledWithItsRecordIsHiddenInEveryClone(how: String) throws {
  if how == "git clone" && gitPath == nil {
    print("skipped: git is not installed")
    return
  }
  try withTemporaryDirectory { dir in
    let alice = dir + "/alice"
    let log = alice + "/events/alice.jsonl"
    try FileManager.default.createDirectory(atPath: alice + "/events", withIntermediateDirectories: true)
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    let base = bytes(log)
    let committed = try listedIDs(log)
    let copy = dir + "/copy.jsonl"
    write(copy, base)
    #expect(try timeline(["--log", copy, "add", "--stdin"], stdin: batchInput(40, tag: "dead")).status == 0)
    let dead = Array(bytes(copy)[base.count...])
    let lineEnds = dead.indices.filter { dead[$0] == 0x0a }
    write(log, base + dead[...(lineEnds[19] + 70)])  // 20 whole lines and part of the 21st
    writeRecord(for: log, length: base.count, batch: dead)
    #expect(try listedIDs(log) == committed)

    let bob = dir + "/bob"
    let script = how == "cp"
      ? "cp -R '\(alice)' '\(bob)'"
      : "cd '\(alice)' && git init -q && git add events && git -c user.name=alice -c user.email=alice@example.com commit -qm batch && git clone -q '\(alice)' '\(bob)'"
    let moved = try shell(script)
    #expect(moved.status == 0, "\(moved.stderr)")
    let theirs = bob + "/events/alice.jsonl"
    #expect(bytes(theirs) == bytes(log) && bytes(theirs + ".rollback") == bytes(log + ".rollback"), "the same bytes")
    var mine = stat(), other = stat()
    #expect(stat(log, &mine) == 0 && stat(theirs, &other) == 0 && (mine.st_ino != other.st_ino || mine.st_dev != other.st_dev))

    // Bob's readers hide the batch as Alice's do, and say it is interrupted, not that the record does not match.
    let read = try timeline(["--log", bob + "/events", "log", "--json"])
    #expect(read.status == 0, "\(read.stderr)")
    #expect(!read.stderr.contains("does not match"), "\(read.stderr)")
    #expect(try listedIDs(bob + "/events") == committed)
    #expect(try timeline(["--log", bob + "/events", "log", "--json"]).stdout == (try timeline(["--log", alice + "/events", "log", "--json"])).stdout)
    #expect(try checkWarnings(bob + "/events").contains { $0.contains("interrupted") })

    // Bob's next add (or check --repair) rolls the batch back; nothing is set aside.
    let added = try timeline(["--log", bob + "/events", "add", "--writer", "alice", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stderr.contains("rolled back"), "\(added.stderr)")
    #expect(Array(bytes(theirs).prefix(base.count + 1)) == base + [UInt8(ascii: "{")])
    #expect(try listedIDs(bob + "/events").count == committed.count + 1)
    #expect(!FileManager.default.fileExists(atPath: theirs + ".rollback"))
    #expect(!FileManager.default.fileExists(atPath: theirs + ".rollback.set-aside"))
  }
}

/// A final line without its newline that is whole JSON but no event (typed
/// by hand), or events with CR line ends, cannot be the torn end of an
/// append (timeline writes whole canonical lines): add refuses (65) and
/// check --repair leaves it, byte for byte; readers leave it out and say so,
/// and check calls it an error.
@Test(arguments: [
  #"{"date":"2025-12-01","kind":"report","org":"openai","note":"typed by hand"}"#,
  #"{"id":"a","date":"2025-12-01","kind":"Report","org":"openai","recorded":"2025-12-01T00:00:00.000Z"}"#,
  #"{"id":"c1","date":"2025-12-01","kind":"report","org":"openai","recorded":"2025-12-01T00:00:00.000Z"}"# + "\r"
    + #"{"id":"c2","date":"2025-12-02","kind":"report","org":"openai","recorded":"2025-12-01T00:00:00.001Z"}"#,
])
func aTypedFinalLineThatIsNoEventIsNeverCut(typed: String) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(2, tag: "base")).status == 0)
    write(log, bytes(log) + Array(typed.utf8))
    let before = snapshot(dir)
    let added = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "next", "--source-title", "t"])
    #expect(added.status == 65, "\(added.stderr)")
    #expect(added.stderr.contains("has no newline and is not an event"), "\(added.stderr)")
    #expect(snapshot(dir) == before)
    let repaired = try timeline(["--log", log, "check", "--repair"])
    #expect(repaired.status == 65, "\(repaired.stdout)")
    #expect(repaired.stdout.contains("log.jsonl:3: error: a final line without its newline"), "\(repaired.stdout)")
    #expect(snapshot(dir) == before, "repair cut nothing")
    let listed = try timeline(["--log", log, "log", "--json"])
    #expect(listed.status == 0 && listed.stderr.contains("is not an event"), "\(listed.stderr)")
    #expect(try listedIDs(log).count == 2)
  }
}

/// The add that rolls back a dead batch says what it cut (the batch's bytes,
/// verbatim) only after it has let go of the lock: a standard error nobody
/// reads (a full pipe) holds that add, not every other writer.
@Test func anAddThatCutsABatchSaysSoAfterLettingGoOfTheLock() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    let base = bytes(log)
    // A dead batch far larger than a pipe's buffer, its record in place.
    let batch = try batchBytes(after: log, count: 2_000, dir: dir)
    write(log, base + batch.prefix(batch.count / 2))
    writeRecord(for: log, length: base.count, batch: batch)

    let stuck = Process()
    stuck.executableURL = URL(fileURLWithPath: timelineBinary)
    stuck.arguments = ["--log", log, "add", "report", "--date", "2025-12-03", "--org", "acme", "--source-title", "t"]
    stuck.environment = ["NO_COLOR": "1"]
    let unread = Pipe()
    stuck.standardError = unread
    stuck.standardOutput = FileHandle.nullDevice
    try stuck.run()
    let deadline = Date().addingTimeInterval(30)
    while FileManager.default.fileExists(atPath: log + ".rollback") && Date() < deadline { usleep(1000) }
    #expect(!FileManager.default.fileExists(atPath: log + ".rollback"), "the batch was rolled back")
    // The first add now waits on its standard error; another add must not wait on it.
    let other = try timeline(
      ["--log", log, "add", "report", "--date", "2025-12-04", "--org", "acme", "--source-title", "t"],
      environment: ["TIMELINE_LOCK_TIMEOUT": "3"])
    #expect(other.status == 0, "\(other.stderr)")
    let said = unread.fileHandleForReading.readDataToEndOfFile()
    stuck.waitUntilExit()
    #expect(stuck.terminationStatus == 0)
    #expect(String(decoding: said, as: UTF8.self).contains("dead"), "the cut bytes are said")
    #expect(try listedIDs(log).count == 5)
  }
}

/// A file renamed after its batch's writer died (a log file given a
/// writer's name, a file log moved) keeps its record: the record names the
/// file's identity, so readers of the new name still see none of the batch,
/// a new file at the old name is not judged by it, and `check --repair`
/// rolls the batch back from the renamed file.
@Test(arguments: [false, true])
func aFileRenamedAfterItsBatchDiedStillHidesTheBatch(folder: Bool) throws {
  try withTemporaryDirectory { dir in
    let events = dir + "/events"
    try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: true)
    let file = events + "/log.jsonl"
    let log = folder ? events : file
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: batchInput(3, tag: "base")).status == 0)
    let committed = try listedIDs(log)
    // The state a batch's writer leaves when it dies half-way: its record, half its bytes.
    let base = bytes(file)
    let batch = try batchBytes(after: file, count: 500, dir: dir)
    write(file, base + batch.prefix(batch.count / 2))
    writeRecord(for: file, length: base.count, batch: batch)
    let renamed = events + "/alice.jsonl"
    try FileManager.default.moveItem(atPath: file, toPath: renamed)
    let read = folder ? events : renamed
    #expect(try listedIDs(read) == committed, "no event of the dead batch is seen under the new name")
    let check = try timeline(["--log", read, "check"])
    #expect(check.status == 0, "\(check.stdout)")
    #expect(check.stdout.contains("alice.jsonl:4: warning: interrupted add --stdin batch"), "\(check.stdout)")
    if folder {
      // The writer's next add starts a new log.jsonl beside the old record, which is not its own.
      let added = try timeline(["--log", events, "add", "report", "--date", "2025-12-03", "--org", "acme", "--source-title", "t"])
      #expect(added.status == 0, "\(added.stderr)")
      #expect(!added.stderr.contains("set aside"), "\(added.stderr)")
      #expect(FileManager.default.fileExists(atPath: file + ".rollback"))
      #expect(try listedIDs(events).count == committed.count + 1)
    }
    let repaired = try timeline(["--log", read, "check", "--repair"])
    #expect(repaired.status == 0, "\(repaired.stderr)")
    #expect(repaired.stderr.contains("rolled back an interrupted add --stdin batch"), "\(repaired.stderr)")
    #expect(!FileManager.default.fileExists(atPath: file + ".rollback"))
    #expect(try Set(listedIDs(read)) == Set(committed + (folder ? try listedIDs(file) : [])))
    #expect(try timeline(["--log", read, "check"]).stdout.contains("no errors, no warnings"))
  }
}

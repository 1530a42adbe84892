import Foundation
import ReferenceModel
import Testing

// Issue 10, items 1-3: the projection cache never gives a stale answer,
// never crashes or lies when damaged, and never touches anything outside its
// folder. Every answer is compared with a cold replay of a copy of the log.

private let queries: [[String]] = [
  ["state", "--at", "2024-02-01", "--json"],
  ["diff", "2024-01", "2024-03-15", "--json"],
  ["state", "--at", "2024-12-31", "--org", "openai", "--json"],
  ["log", "--org", "google", "--json"],
]

/// A large generated log (file or folder), and cold replays of copies of it.
private struct TrustLog {
  let dir: String
  /// The log as given to --log.
  let log: String
  /// The file appended to.
  let file: String
  let cacheFolder: String

  init(in dir: String, folder: Bool = false, seed: UInt64 = 2024) throws {
    self.dir = dir
    var generator = LogGenerator(seed: seed)
    if folder {
      log = dir + "/events"
      file = log + "/log.jsonl"
      cacheFolder = log + "/.timeline-cache"
    } else {
      log = dir + "/events/big.jsonl"
      file = log
      cacheFolder = dir + "/events/.timeline-cache"
    }
    try FileManager.default.createDirectory(atPath: dir + "/events", withIntermediateDirectories: true)
    try writeLines(generator.log(count: 12_000).map(\.line), to: file)
  }

  var factsFile: String { cacheFolder + "/" + (log == file ? "big.jsonl.facts" : "log.facts") }

  func answers(expectNote: String? = nil) throws -> [String] {
    try queries.map { query in
      let result = try timeline(["--log", log] + query)
      #expect(result.status == 0, "\(query): \(result.stderr)")
      if let expectNote {
        let notes = result.stderr.components(separatedBy: "timeline: note: not using the cache folder").count - 1
        #expect(notes == 1, "\(query): \(result.stderr)")
        #expect(result.stderr.contains(expectNote), "\(query): \(result.stderr)")
      } else {
        #expect(result.stderr.isEmpty, "\(query): \(result.stderr)")
      }
      return result.stdout
    }
  }

  /// Each answer from a copy of the log's bytes with no cache at all.
  func coldReplay() throws -> [String] {
    let reference = dir + "/reference-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: reference) }
    let copy = reference + "/" + (file as NSString).lastPathComponent
    try FileManager.default.copyItem(atPath: file, toPath: copy)
    return try queries.map { query in
      try? FileManager.default.removeItem(atPath: reference + "/.timeline-cache")
      return try timeline(["--log", log == file ? copy : reference] + query).stdout
    }
  }

  /// Adds a launch after every date the first two queries look at.
  func add(_ subject: String, date: String = "2025-06-01") throws {
    let added = try timeline(["--log", log, "add", "launch", "--date", date, "--subject", subject,
                              "--set", "type=model", "--source-title", "t"])
    #expect(added.status == 0, "\(added.stderr)")
  }

  /// Rewrites a same-length piece of the file's second half, in place (same inode).
  func editInPlace(_ needle: String, _ replacement: String) throws {
    precondition(needle.utf8.count == replacement.utf8.count)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    let found = try #require(bytes.range(of: Data(needle.utf8), in: bytes.count / 2..<bytes.count))
    bytes.replaceSubrange(found, with: Data(replacement.utf8))
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
    try handle.seek(toOffset: 0)
    try handle.write(contentsOf: bytes)
    try handle.close()
  }
}

/// A tool's exit status, run with the tests' own environment (cp, git).
private func exitStatus(_ tool: String, _ arguments: [String], in directory: String? = nil) throws -> Int32 {
  try run(tool, arguments, environment: ProcessInfo.processInfo.environment, in: directory).status
}

// MARK: - A stale answer (item 1)

@Test func aSameLengthEditThenOneAddAnswersAsAColdReplay() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    let before = try log.answers()
    try log.editInPlace("\"date\":\"2024-01-1", "\"date\":\"2024-03-1")
    try log.add("openai/after-edit")
    let after = try log.answers()
    #expect(after == (try log.coldReplay()))
    #expect(after[0] != before[0] || after[1] != before[1], "the edit changes an answer")
  }
}

@Test func anEditedLongerCopyPutInPlaceWithCpDashPAnswersAsAColdReplay() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    _ = try log.answers()
    // The copy: the same bytes with one date changed in the middle, and longer.
    let edited = dir + "/edited.jsonl"
    try FileManager.default.copyItem(atPath: log.file, toPath: edited)
    let original = try Data(contentsOf: URL(fileURLWithPath: log.file))
    var bytes = original
    let found = try #require(bytes.range(of: Data("\"date\":\"2024-01-1".utf8), in: bytes.count / 2..<bytes.count))
    bytes[found.upperBound - 3] = UInt8(ascii: "3")
    try bytes.write(to: URL(fileURLWithPath: edited))
    var generator = LogGenerator(seed: 77)
    let extra = generator.log(count: 3).map(\.line).joined(separator: "\n") + "\n"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: edited))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(extra.utf8))
    try handle.close()
    #expect(try exitStatus("/bin/cp", ["-p", edited, log.file]) == 0)
    #expect(try log.answers() == (try log.coldReplay()))
  }
}

@Test func aMalformedEditFollowedByAnAppendIsRefusedNotSkipped() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    _ = try log.answers()
    try log.editInPlace("\"kind\":\"pause\"", "\"kind\":\"pawse\"")
    try log.add("openai/after-edit")
    let result = try timeline(["--log", log.log, "state", "--at", "2024-03", "--json"])
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stderr.contains(log.file + ":"))
    #expect(result.stderr.contains("pawse"))
  }
}

@Test func aGitCheckoutOfAnotherCommitAnswersAsAColdReplay() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    let git = "/usr/bin/git"
    guard FileManager.default.isExecutableFile(atPath: git) else { return }
    let repo = dir + "/events"
    for arguments in [["init", "-q"], ["config", "user.email", "t@t"], ["config", "user.name", "t"],
                      ["add", "big.jsonl"], ["commit", "-qm", "one"]] {
      #expect(try exitStatus(git, arguments, in: repo) == 0)
    }
    try log.editInPlace("\"date\":\"2024-01-1", "\"date\":\"2024-03-1")
    try log.add("openai/second-commit")
    #expect(try exitStatus(git, ["commit", "-qam", "two"], in: repo) == 0)
    let second = try log.answers()  // the cache now knows the second commit
    #expect(try exitStatus(git, ["checkout", "-q", "HEAD~1", "--", "big.jsonl"], in: repo) == 0)
    let first = try log.answers()
    #expect(first == (try log.coldReplay()))
    #expect(first != second)
    // The cache folder is not untracked for git: its .gitignore says `*`.
    let status = Process()
    status.executableURL = URL(fileURLWithPath: git)
    status.arguments = ["status", "--porcelain", "--untracked-files=all"]
    status.currentDirectoryURL = URL(fileURLWithPath: repo)
    let pipe = Pipe()
    status.standardOutput = pipe
    try status.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    status.waitUntilExit()
    #expect(!output.contains(".timeline-cache"), "\(output)")
  }
}

// MARK: - Damaged cache files (item 2)

@Test func randomlyDamagedCacheFilesNeverCrashAndAnswerAsAColdReplay() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    let reference = try log.coldReplay()
    #expect(try log.answers() == reference)
    let pristine = try Data(contentsOf: URL(fileURLWithPath: log.factsFile))
    var rng = SplitMix(seed: 10)
    for trial in 0..<24 {
      var bytes = pristine
      let what: String
      switch trial % 4 {
      case 0:  // 96 zero bytes, as in the issue
        let at = Int.random(in: 0..<(bytes.count - 96), using: &rng)
        bytes.replaceSubrange(at..<at + 96, with: Data(count: 96))
        what = "zeroed 96 bytes at \(at)"
      case 1:
        let length = Int.random(in: 0..<bytes.count, using: &rng)
        bytes = bytes.prefix(length)
        what = "truncated to \(length)"
      case 2:
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
        what = "flipped a bit at \(at)"
      default:
        for _ in 0..<8 {
          let at = Int.random(in: 0..<bytes.count, using: &rng)
          bytes[at] = UInt8.random(in: 0...255, using: &rng)
        }
        what = "8 random bytes"
      }
      try bytes.write(to: URL(fileURLWithPath: log.factsFile))
      try? FileManager.default.removeItem(atPath: log.cacheFolder + "/answers")  // no kept answer stands in
      let query = queries[trial % queries.count]
      let result = try timeline(["--log", log.log] + query)
      #expect(result.status == 0, "trial \(trial) (\(what)): \(result.status) \(result.stderr)")
      #expect(result.stdout == reference[trial % queries.count], "trial \(trial) (\(what))")
    }
  }
}

/// A facts section of 16 MB or more is read in two halves, one per core,
/// and its checksum taken beside the check of every fact against the
/// symbols: an intact one is believed (the file stays as it was written), a
/// byte changed in either half is caught (the cache is written again), and
/// every answer is a cold replay's.
@Test func aCacheReadInTwoHalvesIsBelievedWhole_AndCaughtWhenEitherHalfChanged() throws {
  try withTemporaryDirectory { dir in
    var generator = LogGenerator(seed: 21)
    let lines = generator.log(count: 180_000).map(\.line)  // 17.3 MB of facts
    let log = dir + "/big.jsonl"
    try writeLines(lines, to: log)
    let questions = [["state", "--at", "2024-03", "--json"], ["diff", "2024-01", "2024-03", "--json"], ["state", "--at", "2024-02", "--json"]]
    let reference = dir + "/reference"
    try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: log, toPath: reference + "/big.jsonl")
    let cold = try questions.map { question in
      try? FileManager.default.removeItem(atPath: reference + "/.timeline-cache")
      return try timeline(["--log", reference + "/big.jsonl"] + question).stdout
    }
    let factsFile = dir + "/.timeline-cache/big.jsonl.facts"
    func inode() throws -> Int {
      try FileManager.default.attributesOfItem(atPath: factsFile)[.systemFileNumber] as? Int ?? -1
    }
    func ask(_ number: Int) throws -> String {
      try? FileManager.default.removeItem(atPath: dir + "/.timeline-cache/answers")  // no kept answer stands in
      let result = try timeline(["--log", log] + questions[number])
      #expect(result.status == 0, "\(result.stderr)")
      return result.stdout
    }
    #expect(try ask(0) == cold[0])  // writes the cache
    let written = try inode()
    #expect(try ask(1) == cold[1])
    #expect(try inode() == written, "an intact cache read in two halves was not believed")
    let pristine = try Data(contentsOf: URL(fileURLWithPath: factsFile))
    let (factsStart, factCount) = factsSection(ofCache: pristine)
    let factsEnd = factsStart + factCount * 96
    try #require(factCount == lines.count && factsEnd <= pristine.count && factsEnd - factsStart >= 16 << 20)
    for (number, at) in [(2, factsStart + 4_096 + 17), (1, factsEnd - 4_096 - 17)] {
      var bytes = pristine
      bytes[at] ^= 0x10
      try bytes.write(to: URL(fileURLWithPath: factsFile))
      let changed = try inode()
      #expect(try ask(number) == cold[number], "byte \(at) changed")
      #expect(try inode() != changed, "byte \(at) changed, yet the cache was believed")
    }
  }
}

@Test func aDamagedKeptAnswerIsNeverPrinted() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    let reference = try log.answers()
    let answers = log.cacheFolder + "/answers"
    var kept: [String] = []
    // Asked twice, an answer is kept; a cache rewritten in between (its
    // background write can land late on a loaded machine) drops the kept
    // answers, so ask until every one is kept.
    for _ in 0..<4 where kept.count < queries.count {
      _ = try log.answers()
      kept = try FileManager.default.contentsOfDirectory(atPath: answers).filter { $0.count == 24 }
    }
    #expect(kept.count == queries.count)
    for name in kept {
      var bytes = try Data(contentsOf: URL(fileURLWithPath: answers + "/" + name))
      bytes[bytes.count - 10] ^= 0x20  // inside the answer's body
      try bytes.write(to: URL(fileURLWithPath: answers + "/" + name))
    }
    #expect(try log.answers() == reference)
  }
}

// MARK: - Symlinks and other users' folders (item 3)

/// Where a symlink is planted, and where it points.
enum PlantedLink: String, CaseIterable, CustomTestStringConvertible {
  case answersToLogFolder, answersElsewhere, cacheFolderElsewhere

  var testDescription: String { rawValue }
}

@Test(arguments: PlantedLink.allCases)
func aSymlinkInTheCacheFolderIsNeverFollowed(_ planted: PlantedLink) throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir, folder: true)
    let elsewhere = dir + "/elsewhere"
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: elsewhere + "/precious.txt"))
    try Data("{}\n".utf8).write(to: URL(fileURLWithPath: log.log + "/notes.txt"))
    let note: String
    switch planted {
    case .answersToLogFolder:
      _ = try log.answers()  // a cache folder of its own, then the link inside it
      try? FileManager.default.removeItem(atPath: log.cacheFolder + "/answers")
      try FileManager.default.createSymbolicLink(atPath: log.cacheFolder + "/answers", withDestinationPath: "..")
      note = log.cacheFolder + "/answers: it is a symbolic link"
    case .answersElsewhere:
      _ = try log.answers()
      try? FileManager.default.removeItem(atPath: log.cacheFolder + "/answers")
      try FileManager.default.createSymbolicLink(atPath: log.cacheFolder + "/answers", withDestinationPath: elsewhere)
      note = log.cacheFolder + "/answers: it is a symbolic link"
    case .cacheFolderElsewhere:
      try FileManager.default.createSymbolicLink(atPath: log.cacheFolder, withDestinationPath: elsewhere)
      note = log.cacheFolder + ": it is a symbolic link"
    }
    // Everything outside the cache folder (the link itself is inside it):
    // the log folder's and the other folder's entries, not followed.
    func outside() -> [String: Data] {
      var found: [String: Data] = [:]
      for folder in [log.log, elsewhere] {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name != ".timeline-cache" {
          found[folder + "/" + name] = FileManager.default.contents(atPath: folder + "/" + name) ?? Data("(not a file)".utf8)
        }
      }
      return found
    }
    let before = outside()
    #expect(before.count == 3)
    let reference = try log.coldReplay()
    for _ in 0..<3 {  // asked three times: the answers would be kept, then printed, then dropped
      #expect(try log.answers(expectNote: note) == reference)
    }
    try log.add("openai/after-link")
    let grown = try log.answers(expectNote: note)
    #expect(grown == (try log.coldReplay()))
    let check = try timeline(["--log", log.log, "check"])
    #expect(check.status == 65)  // the generated log holds integrity errors on purpose
    var after = outside()
    #expect(after.removeValue(forKey: log.file) != nil)
    var expected = before
    expected.removeValue(forKey: log.file)
    #expect(after == expected)
    #expect(FileManager.default.fileExists(atPath: log.file))
  }
}

@Test func theCacheFolderHasAGitignoreEvenWhenItWasMadeWithout() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    _ = try log.answers()
    let gitignore = log.cacheFolder + "/.gitignore"
    #expect(FileManager.default.contents(atPath: gitignore) == Data("*\n".utf8))
    try FileManager.default.removeItem(atPath: gitignore)
    _ = try log.answers()
    #expect(FileManager.default.contents(atPath: gitignore) == Data("*\n".utf8))
  }
}

@Test func filesInTheCacheFolderThatTimelineDidNotNameAreLeftAlone() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    _ = try log.answers()
    _ = try log.answers()  // kept answers now
    let answers = log.cacheFolder + "/answers"
    let strangers = [answers + "/README", answers + "/0123456789abcdef01234567.bak", log.cacheFolder + "/mine.txt"]
    for path in strangers { try Data("mine\n".utf8).write(to: URL(fileURLWithPath: path)) }
    try log.add("openai/forces-a-rewrite")  // the next read rewrites the cache and drops every kept answer
    let check = try timeline(["--log", log.log, "check"])
    #expect(check.status == 65)
    for path in strangers { #expect(FileManager.default.contents(atPath: path) == Data("mine\n".utf8), "\(path)") }
    let left = try FileManager.default.contentsOfDirectory(atPath: answers).filter { $0.count == 24 }
    #expect(left.isEmpty)
  }
}

@Test func aCacheFolderOfAnotherUserIsNotUsed() throws {
  guard geteuid() == 0 else { return }  // only root can give a folder away
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    try FileManager.default.createDirectory(atPath: log.cacheFolder, withIntermediateDirectories: true)
    #expect(chown(log.cacheFolder, 65534, 65534) == 0)
    let reference = try log.coldReplay()
    #expect(try log.answers(expectNote: log.cacheFolder + ": it belongs to another user (uid 65534)") == reference)
    #expect(try log.answers(expectNote: "belongs to another user") == reference)
    #expect(try FileManager.default.contentsOfDirectory(atPath: log.cacheFolder).isEmpty, "nothing written into it")
  }
}

@Test func aCacheFolderThatIsAFileIsNotUsedNorReplaced() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    try Data("mine\n".utf8).write(to: URL(fileURLWithPath: log.cacheFolder))
    let reference = try log.coldReplay()
    #expect(try log.answers(expectNote: log.cacheFolder + ": it is not a folder") == reference)
    #expect(FileManager.default.contents(atPath: log.cacheFolder) == Data("mine\n".utf8))
  }
}

@Test func aCustodyFileHardLinkedToTheLogIsNeverAppendedTo() throws {
  try withTemporaryDirectory { dir in
    let log = try TrustLog(in: dir)
    _ = try log.answers()
    let custody = log.cacheFolder + "/big.jsonl.custody"
    try? FileManager.default.removeItem(atPath: custody)
    try FileManager.default.linkItem(atPath: log.file, toPath: custody)
    let before = try Data(contentsOf: URL(fileURLWithPath: log.file))
    try log.add("openai/after-link")
    let after = try Data(contentsOf: URL(fileURLWithPath: log.file))
    #expect(after.prefix(before.count) == before)
    let added = after.dropFirst(before.count)
    #expect(added.last == 0x0a && added.filter { $0 == 0x0a }.count == 1, "one line, and nothing else")
    #expect(!added.contains(where: { $0 < 0x20 && $0 != 0x0a }))
    #expect(try log.answers() == (try log.coldReplay()))
  }
}

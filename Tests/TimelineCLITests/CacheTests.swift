import Foundation
import ReferenceModel
import Testing

// The projection cache (.timeline-cache beside a large log) is never needed
// for correctness: whatever happens to the log or to the cache, every answer
// equals the one a full replay gives.

private let cacheQueries: [[String]] = [
  ["state", "--at", "2024-03", "--json"],
  ["state", "--at", "2024-02-10", "--org", "google"],
  ["diff", "2024-01", "2024-03-15", "--json"],
  ["lineage", "--at", "2024-12-31", "--json"],
  ["strategy", "--json"],
  ["log", "--org", "openai", "--json"],
]

/// A file log large enough to be cached, and a copy of it elsewhere to replay in full.
private struct CachedLog {
  let log: String
  let copy: String

  init(in dir: String) throws {
    var generator = LogGenerator(seed: 2024)
    log = dir + "/cached/big.jsonl"
    copy = dir + "/reference/big.jsonl"
    for folder in [dir + "/cached", dir + "/reference"] {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    try writeLines(generator.log(count: 12_000).map(\.line), to: log)
  }

  var cacheFolder: String { (log as NSString).deletingLastPathComponent + "/.timeline-cache" }

  func answers() throws -> [String] {
    try cacheQueries.map { query in
      let result = try timeline(["--log", log] + query)
      #expect(result.status == 0, "\(query): \(result.stderr)")
      return result.stdout
    }
  }

  /// Each answer from a full replay of the same bytes, with no cache at all.
  func fullReplay() throws -> [String] {
    try? FileManager.default.removeItem(atPath: copy)
    try FileManager.default.copyItem(atPath: log, toPath: copy)
    let folder = (copy as NSString).deletingLastPathComponent + "/.timeline-cache"
    return try cacheQueries.map { query in
      try? FileManager.default.removeItem(atPath: folder)
      return try timeline(["--log", copy] + query).stdout
    }
  }
}

@Test func cacheIsBuiltForALargeLogAndItsAnswersMatchAFullReplay() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    let first = try cached.answers()
    #expect(FileManager.default.fileExists(atPath: cached.cacheFolder + "/big.jsonl.facts"))
    let again = try cached.answers()  // from the cache and the kept answers
    let reference = try cached.fullReplay()
    #expect(first == reference)
    #expect(again == reference)
  }
}

/// The cache keeps the log's file names, not paths: a file log or a folder
/// named relatively, with `./`, with a trailing slash or absolutely is read
/// from the one cache, never rebuilt (same inode), and answers as a full replay.
@Test(arguments: [false, true])
func everySpellingOfTheLogsPathSharesOneCache(folder: Bool) throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    let spellings = folder
      ? ["cached", "./cached/", dir + "/cached", "cached/../cached"]
      : ["cached/big.jsonl", "./cached/big.jsonl", dir + "/cached/big.jsonl", "cached/../cached/big.jsonl"]
    let cacheFile = cached.cacheFolder + (folder ? "/log.facts" : "/big.jsonl.facts")
    func inode() -> UInt64? {
      (try? FileManager.default.attributesOfItem(atPath: cacheFile))?[.systemFileNumber] as? UInt64
    }
    if folder {
      try FileManager.default.moveItem(atPath: cached.log, toPath: dir + "/cached/log.jsonl")
      try? FileManager.default.removeItem(atPath: cached.cacheFolder)
    }
    var answers: [String] = []
    var built: UInt64?
    for (number, spelling) in spellings.enumerated() {
      // A new question each time: a kept answer would not read the cache.
      let result = try timeline(["--log", spelling, "state", "--at", "2024-02-1\(number)", "--json"], in: dir)
      #expect(result.status == 0, "\(spelling): \(result.stderr)")
      answers.append(result.stdout)
      if built == nil { built = inode() }
      #expect(built != nil && inode() == built, "--log \(spelling) rebuilt the cache")
    }
    try FileManager.default.createDirectory(atPath: dir + "/plain", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: dir + "/cached/" + (folder ? "log.jsonl" : "big.jsonl"), toPath: dir + "/plain/one.jsonl")
    for (number, answer) in answers.enumerated() {
      try? FileManager.default.removeItem(atPath: dir + "/plain/.timeline-cache")
      #expect(answer == (try timeline(["--log", dir + "/plain/one.jsonl", "state", "--at", "2024-02-1\(number)", "--json"]).stdout))
    }
  }
}

@Test func appendingExtendsTheCacheAndAnswersFollow() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    _ = try cached.answers()
    for slug in ["x1", "x2"] {
      let added = try timeline(["--log", cached.log, "add", "launch", "--date", "2024-02-02", "--subject", "openai/\(slug)",
                                "--set", "type=model", "--source-title", "t"])
      #expect(added.status == 0)
    }
    let pause = try timeline(["--log", cached.log, "add", "pause", "--date", "2024-02-20", "--subject", "openai/x1", "--source-title", "t"])
    #expect(pause.status == 0)
    let answers = try cached.answers()
    #expect(answers[0].contains("openai/x2"))
    #expect(answers == (try cached.fullReplay()))
  }
}

@Test func editingTheLogInPlaceRebuildsTheCache() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    let before = try cached.answers()
    // Move one pause from January to March inside the file: same length, same inode.
    var bytes = try Data(contentsOf: URL(fileURLWithPath: cached.log))
    let needle = Data("\"date\":\"2024-01-1".utf8)
    let found = bytes.range(of: needle, in: bytes.count / 2..<bytes.count)!
    bytes[found.upperBound - 3] = UInt8(ascii: "3")  // 2024-01-1x -> 2024-03-1x
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: cached.log))
    try handle.seek(toOffset: 0)
    try handle.write(contentsOf: bytes)
    try handle.close()
    let after = try cached.answers()
    #expect(after == (try cached.fullReplay()))
    #expect(after != before)
  }
}

@Test func truncatingTheLogOrBreakingTheCacheFileChangesNoAnswer() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    _ = try cached.answers()
    // Drop the last 500 lines.
    let lines = try String(contentsOfFile: cached.log, encoding: .utf8).split(separator: "\n")
    let keep = lines.dropLast(500).map { $0.utf8.count + 1 }.reduce(0, +)
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: cached.log))
    try handle.truncate(atOffset: UInt64(keep))
    try handle.close()
    #expect(try cached.answers() == (try cached.fullReplay()))
    // A cache file that is garbage is ignored and rebuilt.
    try Data("not a cache".utf8).write(to: URL(fileURLWithPath: cached.cacheFolder + "/big.jsonl.facts"))
    #expect(try cached.answers() == (try cached.fullReplay()))
  }
}

@Test func checkRebuildsTheCache() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    _ = try cached.answers()  // builds the cache
    let cacheFile = cached.cacheFolder + "/big.jsonl.facts"
    try Data("not a cache".utf8).write(to: URL(fileURLWithPath: cacheFile))
    // The generated log holds integrity errors on purpose (an id used by two
    // events, retractions of ids not in the log), which replay resolves: check
    // reports them (65) and rebuilds the cache all the same.
    let checked = try timeline(["--log", cached.log, "check"])
    #expect(checked.status == 65)
    #expect(checked.stdout.contains("error: retracts ghost, which is not in the log"))
    #expect(FileManager.default.contents(atPath: cacheFile).map { $0 != Data("not a cache".utf8) } == true, "check rewrote the cache")
    #expect(try cached.answers() == (try cached.fullReplay()))
  }
}

@Test func aSmallLogGetsNoCache() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/small"
    #expect(try timeline(["--log", log, "add", "launch", "--date", "2025", "--subject", "a/b", "--source-title", "t"]).status == 0)
    #expect(try timeline(["--log", log, "state", "--json"]).status == 0)
    #expect(!FileManager.default.fileExists(atPath: log + "/.timeline-cache"))
  }
}

@Test func aKeptAnswerIsNeverPrintedForAChangedLog() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    let first = try cached.answers()
    let second = try cached.answers()  // asked twice: the answers are kept now
    let answersFolder = cached.cacheFolder + "/answers"
    let kept = try FileManager.default.contentsOfDirectory(atPath: answersFolder).filter { !$0.hasSuffix(".asked") }
    #expect(kept.count == cacheQueries.count)
    #expect(try cached.answers() == first)  // printed as kept
    #expect(second == first)
    let added = try timeline(["--log", cached.log, "add", "launch", "--date", "2024-01-05", "--subject", "google/zz",
                              "--set", "type=model", "--source-title", "t"])
    #expect(added.status == 0)
    let after = try cached.answers()
    #expect(after[0].contains("google/zz"))
    #expect(after == (try cached.fullReplay()))
  }
}

@Test func answersLongerThanOnePieceArriveAsOneWholeDocument() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    let answers = try cached.answers()
    // The writer sends 64 KB pieces: the big answers span many of them.
    #expect(answers.filter { $0.utf8.count > 4 << 16 }.count >= 2)
    for (query, answer) in zip(cacheQueries, answers) where query.contains("--json") {
      let document = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
      let basis = document?["basis"] as? [String: Any]
      #expect(basis?["events"] is NSNumber, "\(query): the document is cut or has no basis")
      #expect(answer.hasSuffix("}\n"), "\(query)")
    }
    let log = try JSONSerialization.jsonObject(with: Data(answers[cacheQueries.firstIndex { $0[0] == "log" }!].utf8)) as? [String: Any]
    let events = log?["events"] as? [Any]
    #expect(events?.count == (log?["basis"] as? [String: Any])?["events"] as? Int)
  }
}

/// `why` and `news --since` answers are kept like `state`'s (asked twice on
/// an unchanged log, the second answer is kept and the third printed from
/// it, the same bytes); a `news` without `--since` never is: its window
/// starts at the mark of the last run, which each run moves.
@Test func whyAndNewsSinceAreKeptAndNewsFromTheMarkIsNot() throws {
  try withTemporaryDirectory { dir in
    let cached = try CachedLog(in: dir)
    func kept() -> Int {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: cached.cacheFolder + "/answers")) ?? []
      return names.filter { !$0.hasSuffix(".asked") && !$0.hasSuffix(".tmp") }.count
    }
    for (index, query) in [["why", "openai", "--at", "2024-06", "--json"], ["news", "--since", "2000-01-01", "--json"]].enumerated() {
      let answers = try (0..<3).map { _ in try timeline(["--log", cached.log] + query) }
      #expect(answers.allSatisfy { $0.status == 0 && $0.stdout == answers[0].stdout }, "\(query)")
      #expect(kept() == index + 1, "\(query)")
    }
    let fromTheMark = try (0..<3).map { _ in try timeline(["--log", cached.log, "news", "--json"]) }
    #expect(fromTheMark.allSatisfy { $0.status == 0 })
    #expect(fromTheMark[0].stdout != fromTheMark[1].stdout)  // everything was new, then nothing
    #expect(kept() == 2)
  }
}

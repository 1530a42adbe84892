import Foundation
import ReferenceModel
import Testing

// The replay index (issue 15) through the binary: a large log's questions
// answered from the index, with the cache kept across adds, retractions of
// old events and corrections, each answer equal to a full replay of the same
// bytes with no cache at all.

@Test func answersFromTheReplayIndexMatchAFullReplayAcrossAppends() throws {
  try withTemporaryDirectory { dir in
    let (log, copy, _, generated) = try cachedLog(dir, seed: 1515)
    let old = generated.prefix(200).filter { $0.kind != "retract" }.map(\.id)

    var asked = 0
    // An org is asked about once a line names it (bench: from its first add on).
    var orgs = ["openai", "google", "meta"]
    /// New questions (never asked before, so no kept answer serves them), each compared with a full replay.
    func compare(_ step: String) throws {
      try? FileManager.default.removeItem(atPath: copy)
      try FileManager.default.copyItem(atPath: log, toPath: copy)
      let days = ["2024-01-0", "2024-02-0", "2024-03-0", "2024-02-1"]
      for _ in 0..<2 {
        asked += 1
        // (Each round a new `asked`, so every month of the log comes up.)
        let day = days[asked % days.count] + String(asked % 9 + 1)
        let org = orgs[asked % orgs.count]
        // news windows from a tenth of the log's record time to its end (the replay before one is derived from the index).
        let since = recordedText(generated[generated.count * (9 - asked % 8) / 10].recorded)
        try expectAnswersOfAFullReplay([
          ["state", "--at", day, "--org", org, "--json"], ["state", "--at", day, "--json"],
          ["state", "--at", day, "--org", org], ["diff", "2023-12-2\(asked % 9 + 1)", day, "--org", org, "--json"],
          ["log", "--org", org, "--json"], ["log", "--org", org, "--from", "2024-02-0\(asked % 9 + 1)"],
          ["news", "--since", since, "--at", day, "--json"], ["news", "--since", since, "--at", day, "--org", org],
          // why reads the index's known events (with the retractions that win their ids).
          ["why", "openai/a", "--at", day, "--json"], ["why", "ann", "--at", day, "--org", org], ["why", "google/b", "--json"],
          // lineage and strategy fold the index's kept events.
          ["lineage", "--at", day, "--json"], ["lineage", "--at", day, "--org", org],
          ["strategy", "--from", day, "--json"], ["strategy", "--org", org, "--to", day],
        ], log: log, copy: copy, step)
      }
    }
    try compare("unchanged")
    let steps: [(String, [String])] = [
      ("a plain add", ["add", "report", "--date", "2024-02-03", "--org", "openai", "--source-title", "t"]),
      ("an add naming a new org", ["add", "launch", "--date", "2024-01-20", "--subject", "bench/x", "--source-title", "t"]),
      ("a retraction of an old event", ["retract", old[40], "--reason", "wrong", "--date", "2024-03-01"]),
      ("a correction of an old event", ["add", "pause", "--date", "2024-02-11", "--subject", "openai/a", "--supersedes", old[77], "--source-title", "t"]),
      ("another plain add", ["add", "resume", "--date", "2024-02-12", "--subject", "openai/a", "--source-title", "t"]),
    ]
    for (step, arguments) in steps {
      let added = try timeline(["--log", log] + arguments)
      #expect(added.status == 0, "\(step): \(added.stderr)")
      if arguments.contains("bench/x") { orgs.append("bench") }
      try compare("after \(step)")
    }
  }
}

/// A 12,000-event log with its fact cache and replay index written, and a
/// copy of it to replay in full with no cache: the answers to compare with.
private func cachedLog(
  _ dir: String, seed: UInt64 = 2626
) throws -> (log: String, copy: String, cache: String, generated: [GenEvent]) {
  var generator = LogGenerator(seed: seed)
  let log = dir + "/cached/big.jsonl"
  let copy = dir + "/reference/big.jsonl"
  for folder in [dir + "/cached", dir + "/reference"] {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }
  let generated = generator.log(count: 12_000)
  try writeLines(generated.map(\.line), to: log)
  try FileManager.default.copyItem(atPath: log, toPath: copy)
  // The first question writes the fact cache, the second the replay index.
  for at in ["2024-03-30", "2024-03-29"] {
    #expect(try timeline(["--log", log, "state", "--at", at, "--json"]).status == 0)
  }
  let cache = dir + "/cached/.timeline-cache"
  #expect(FileManager.default.fileExists(atPath: cache + "/big.jsonl.replay"))
  return (log, copy, cache, generated)
}

/// Asks `log` each question and a full replay of `copy` (its cache removed
/// first, so no cache of its own answers) the same: both must answer (exit
/// 0, nothing on standard error) with the same bytes. `after` checks what
/// each question left behind.
private func expectAnswersOfAFullReplay(
  _ questions: [[String]], log: String, copy: String, _ step: String = "", after: () throws -> Void = {}
) throws {
  let copyCache = (copy as NSString).deletingLastPathComponent + "/.timeline-cache"
  for query in questions {
    let got = try timeline(["--log", log] + query)
    try? FileManager.default.removeItem(atPath: copyCache)
    let want = try timeline(["--log", copy] + query)
    let asked = (step.isEmpty ? "" : step + ": ") + query.joined(separator: " ")
    #expect(want.status == 0 && want.stderr.isEmpty, "\(asked): \(want.stderr)")
    #expect(got.status == 0 && got.stdout == want.stdout && got.stderr.isEmpty, "\(asked): \(got.stderr)")
    try after()
  }
}

/// The 64-bit little-endian integer at `at` of a cache file's bytes (the
/// headers of the fact cache and the replay index are made of them).
private func littleEndianWord(_ bytes: Data, at: Int) -> Int {
  bytes[at..<at + 8].withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
}

/// Where a fact cache's facts section starts, and how many 96-byte facts it
/// holds. The header: magic (8), version (8), its length L (8), L bytes
/// ending in the four sections' (count, checksum), then its FastHash (8);
/// the facts section follows.
func factsSection(ofCache bytes: Data) -> (start: Int, count: Int) {
  let headerEnd = 24 + littleEndianWord(bytes, at: 16)
  return (headerEnd + 8, littleEndianWord(bytes, at: headerEnd - 64))
}

/// The `--org` questions compared, each asked once.
private let orgQuestions: [[String]] = [
  ["state", "--at", "2024-02-11", "--org", "openai", "--json"], ["state", "--at", "2024-03-02", "--org", "google"],
  ["diff", "2024-01-12", "2024-02-17", "--org", "meta", "--json"], ["log", "--org", "openai", "--json"],
  ["log", "--org", "google", "--from", "2024-02-03", "--kind", "launch"],
]

// `why` writes the replay index when it finds none (as `state` does), so
// that a user who asks only `why` after the cache is rebuilt answers from
// the index from the next question on; its answers equal a full replay's.
@Test func whyWritesTheReplayIndexItDoesNotFind() throws {
  try withTemporaryDirectory { dir in
    let (log, copy, cache, _) = try cachedLog(dir)
    let index = cache + "/big.jsonl.replay"
    try FileManager.default.removeItem(atPath: index)
    try expectAnswersOfAFullReplay([["why", "openai/a", "--at", "2024-03-01", "--json"]], log: log, copy: copy)
    #expect(FileManager.default.fileExists(atPath: index), "why left no replay index")
    // With --known-at the replay is not the default one: it writes none.
    try FileManager.default.removeItem(atPath: index)
    try expectAnswersOfAFullReplay(
      [["why", "google/b", "--at", "2024-03-01", "--known-at", "2024-06-01T12:00:00Z", "--json"]], log: log, copy: copy)
    #expect(!FileManager.default.fileExists(atPath: index), "a replay with --known-at was written as the index")
  }
}

// An --org question on an unchanged log reads that org's part of the index
// and not the fact cache's facts: a fact damaged in the cache's facts section
// goes unread (the cache is left as it is), while a whole question reads it,
// finds it damaged and rebuilds the cache. Every answer equals a full replay.
@Test func anOrgQuestionReadsOnlyThatOrgsFacts() throws {
  try withTemporaryDirectory { dir in
    let (log, copy, cache, _) = try cachedLog(dir)
    let facts = cache + "/big.jsonl.facts"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: facts))
    // The lowest byte of every fact's id is changed: still a well-formed
    // key, so a question that read the facts without their checksum would
    // answer with other ids (another basis).
    let (factsStart, factCount) = factsSection(ofCache: bytes)
    let factSize = 96
    try #require(factCount >= 12_000 && factsStart + factCount * factSize < bytes.count)
    for fact in 0..<factCount { bytes[factsStart + fact * factSize] ^= 0x01 }
    try bytes.write(to: URL(fileURLWithPath: facts))
    try expectAnswersOfAFullReplay(orgQuestions, log: log, copy: copy) {
      let now = try Data(contentsOf: URL(fileURLWithPath: facts))
      #expect(now == bytes, "an --org question rewrote the damaged cache")
    }
    try expectAnswersOfAFullReplay([["state", "--at", "2024-02-20", "--json"]], log: log, copy: copy)
    #expect(try Data(contentsOf: URL(fileURLWithPath: facts)) != bytes, "the damaged cache was not rebuilt")
  }
}

// An org's copy of its facts in the replay index is checked before it is
// believed: with bytes of that section damaged, --org questions are answered
// from the whole table, as a full replay answers them.
@Test func aDamagedOrgPartOfTheIndexIsNotBelieved() throws {
  try withTemporaryDirectory { dir in
    let (log, copy, cache, _) = try cachedLog(dir)
    let index = cache + "/big.jsonl.replay"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: index))
    // The header: magic, version, identity (2), facts, names (8 bytes each),
    // then nine sections' (count, checksum); the org facts are the eighth.
    func word(_ at: Int) -> Int { littleEndianWord(bytes, at: at) }
    let counts = (0..<9).map { word(48 + 16 * $0) }
    let strides = [4, 4, 4, 4, 8, 8, 8]
    var start = 48 + 16 * 9 + 8
    for section in 0..<7 { start += counts[section] * strides[section] }
    let end = bytes.count - counts[8] * 8
    try #require(counts[7] > 0 && end > start && (end - start) % counts[7] == 0)
    // The lowest byte of each fact's id (its first field): still a well-formed
    // key, so only the org's checksum can tell (the basis would change).
    let factSize = (end - start) / counts[7]
    for position in stride(from: start, to: end, by: factSize) { bytes[position] ^= 0x01 }
    try bytes.write(to: URL(fileURLWithPath: index))
    try expectAnswersOfAFullReplay(orgQuestions, log: log, copy: copy)
  }
}

// The retractions that win their ids are kept in the replay index for
// `why` and a first `news`: with that section damaged (each entry another
// fact's index, still in bounds), only its checksum can tell, and the
// questions are answered as a full replay answers them.
@Test func aDamagedListOfKnownRetractionsIsNotBelieved() throws {
  try withTemporaryDirectory { dir in
    let (log, copy, cache, generated) = try cachedLog(dir)
    let index = cache + "/big.jsonl.replay"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: index))
    // The header (as above); the known retractions are the fourth section, of 4-byte fact indices.
    let counts = (0..<9).map { littleEndianWord(bytes, at: 48 + 16 * $0) }
    let start = 48 + 16 * 9 + 8 + (counts[0] + counts[1] + counts[2]) * 4
    try #require(counts[3] > 0 && start + counts[3] * 4 <= bytes.count)
    for position in stride(from: start, to: start + counts[3] * 4, by: 4) { bytes[position] ^= 0x01 }
    try bytes.write(to: URL(fileURLWithPath: index))
    // The keys that retracted events name, so that the answers list retractions.
    let retracted = Set(generated.filter { $0.kind == "retract" }.compactMap { $0.string("target") })
    let keys = generated.filter { retracted.contains($0.id) }.compactMap(\.subject).prefix(3)
    try #require(!keys.isEmpty)
    try expectAnswersOfAFullReplay(keys.map { ["why", $0, "--at", "2024-03-01", "--json"] }, log: log, copy: copy)
  }
}

// Many events are read from the log in two halves, one per core (from 8,192
// on): the whole log's `log --json` (12,000 events) lists, kind by kind,
// exactly what `log --kind K --json` lists (each under 8,192, read on one
// thread), in the same order, and every event once (one per id).
@Test func eventsReadInTwoHalvesComeBackWholeAndInOrder() throws {
  try withTemporaryDirectory { dir in
    let (log, _, _, _) = try cachedLog(dir)
    let all = try json(["log"], log: log)["events"]?.arrayValue ?? []
    #expect(all.count >= 8192, "\(all.count) events: too few to be read in halves")
    var listed = 0
    for kind in ["launch", "pause", "resume", "retire", "throttle", "unthrottle", "hire", "depart", "codename", "strategy", "metric", "report", "retract"] {
      let one = try json(["log", "--kind", kind], log: log)["events"]?.arrayValue ?? []
      #expect(one.count < 8192)
      #expect(all.filter { $0["kind"] == .string(kind) } == one, "\(kind)")
      listed += one.count
    }
    let custom = all.filter { $0["kind"]?.stringValue?.hasPrefix("x-") ?? false }.count
    #expect(listed + custom == all.count)
  }
}

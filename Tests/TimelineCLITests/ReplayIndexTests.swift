import Foundation
import ReferenceModel
import Testing

// The replay index (issue 15) through the binary: a large log's questions
// answered from the index, with the cache kept across adds, retractions of
// old events and corrections, each answer equal to a full replay of the same
// bytes with no cache at all.

@Test func answersFromTheReplayIndexMatchAFullReplayAcrossAppends() throws {
  try withTemporaryDirectory { dir in
    var generator = LogGenerator(seed: 1515)
    let log = dir + "/cached/big.jsonl"
    let copy = dir + "/reference/big.jsonl"
    for folder in [dir + "/cached", dir + "/reference"] {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    let generated = generator.log(count: 12_000)
    try writeLines(generated.map(\.line), to: log)
    let old = generated.prefix(200).filter { $0.kind != "retract" }.map(\.id)
    let cacheFolder = dir + "/cached/.timeline-cache"
    // The first question writes the fact cache, the second the replay index.
    for at in ["2024-03-30", "2024-03-29"] {
      #expect(try timeline(["--log", log, "state", "--at", at, "--json"]).status == 0)
    }
    #expect(FileManager.default.fileExists(atPath: cacheFolder + "/big.jsonl.replay"))

    var asked = 0
    /// New questions (never asked before, so no kept answer serves them), each compared with a full replay.
    func compare(_ step: String) throws {
      try? FileManager.default.removeItem(atPath: copy)
      try FileManager.default.copyItem(atPath: log, toPath: copy)
      let days = ["2024-01-0", "2024-02-0", "2024-03-0", "2024-02-1"]
      for round in 0..<2 {
        asked += 1
        let day = days[(asked + round) % days.count] + String(asked % 10)
        let org = ["openai", "google", "meta", "bench"][asked % 4]
        for query in [
          ["state", "--at", day, "--org", org, "--json"], ["state", "--at", day, "--json"],
          ["state", "--at", day, "--org", org], ["diff", "2024-01-1\(asked % 10)", day, "--org", org, "--json"],
          ["log", "--org", org, "--json"], ["log", "--org", org, "--from", "2024-02-0\(asked % 9 + 1)"],
        ] {
          let got = try timeline(["--log", log] + query)
          try? FileManager.default.removeItem(atPath: dir + "/reference/.timeline-cache")
          let want = try timeline(["--log", copy] + query)
          #expect(got.status == want.status && got.stdout == want.stdout, "\(step): \(query.joined(separator: " "))")
        }
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
      try compare("after \(step)")
    }
  }
}

import Foundation
import Testing

/// A team shares one folder log through a real git remote (issue 14): each
/// clone appends to its own writer's file, so no pull ever has to merge a file.
@Suite(.serialized) struct GitTeamTests {
  /// Adds `count` events as `writer` in `clone` (the log found as ./events,
  /// the writer kept by init), half one at a time and half as one batch.
  func addEvents(_ writer: String, _ range: Range<Int>, in clone: String) throws {
    func line(_ i: Int) -> String {
      #"{"date":"2025-12-\#(String(format: "%02d", i % 28 + 1))","kind":"launch","org":"acme","subject":"acme/\#(writer)-\#(i)","attrs":{"type":"model"},"source":{"title":"\#(writer) \#(i)"}}"#
    }
    let half = range.lowerBound + range.count / 2
    for i in range.lowerBound..<half {
      let result = try timeline(["add", "--stdin"], stdin: line(i) + "\n", in: clone)
      #expect(result.status == 0, "\(writer) \(i): \(result.stderr)")
    }
    let batch = try timeline(["add", "--stdin"], stdin: (half..<range.upperBound).map { line($0) + "\n" }.joined(), in: clone)
    #expect(batch.status == 0, "\(writer) batch: \(batch.stderr)")
  }

  /// Pulls (a merge, or a rebase), asserting that git met no conflict.
  func pull(_ clone: String, _ author: String, rebase: Bool = false) throws {
    let result = try git(["pull", rebase ? "--rebase" : "--no-rebase", "-q", "origin", "main"], in: clone, author: author)
    #expect(result.status == 0 && !result.stdout.contains("CONFLICT") && !result.stderr.contains("CONFLICT"), "pull in \(author)'s clone: \(result.stdout)\(result.stderr)")
  }

  func commit(_ clone: String, _ author: String, _ message: String) throws {
    try git(["add", "-A"], in: clone, author: author)
    try git(["commit", "-qm", message], in: clone, author: author)
  }

  /// The answers that must be the same in every clone holding the same files.
  func answers(_ clone: String) throws -> [String] {
    let env = ["TIMELINE_TODAY": "2026-01-31"]
    return try [["state", "--json"], ["log", "--json"], ["lineage", "--json"], ["state", "--json", "--known-at", "2999-01-01"]].map { arguments in
      let result = try timeline(arguments, in: clone, environment: env)
      #expect(result.status == 0, "\(arguments) in \(clone): \(result.stderr)")
      return result.stdout
    }
  }

  /// `check` finds nothing, and `git status` shows nothing to commit: no
  /// cache, no rollback record, no stray file, after the queries too.
  func expectClean(_ clone: String, events: Int, files: Int) throws {
    let check = try timeline(["check"], in: clone)
    #expect(check.status == 0)
    #expect(check.lines.last == "checked \(events) events in \(files) files: no errors, no warnings", "\(clone): \(check.stdout)")
    _ = try answers(clone)
    let status = try git(["status", "--porcelain", "--untracked-files=all"], in: clone)
    #expect(status.stdout.isEmpty, "git status in \(clone): \(status.stdout)")
    let tracked = try git(["ls-files"], in: clone).stdout
    #expect(!tracked.contains(".timeline-cache") && !tracked.contains(".rollback"), "\(tracked)")
  }

  @Test func twoWritersAddConcurrentlyAndEveryPullMergesWithoutConflict() throws {
    guard gitPath != nil else {
      print("skipped: git is not installed, so sharing a log through git cannot be tested")
      return
    }
    try withTemporaryDirectory { dir in
      let remote = dir + "/remote.git"
      try git(["init", "-q", "--bare", remote], in: dir)
      // The lead starts the repository and pushes it.
      let lead = dir + "/lead"
      try git(["clone", "-q", remote, lead], in: dir, allowFailure: true)
      try writeLines(["# research"], to: lead + "/README")
      try commit(lead, "lead", "start")
      try git(["push", "-q", "origin", "HEAD:main"], in: lead, author: "lead")
      // Three analysts clone it; carol then goes offline for the whole exchange.
      var clones: [String: String] = [:]
      for name in ["alice", "bob", "carol"] {
        let clone = dir + "/" + name
        try git(["clone", "-q", remote, clone], in: dir, author: name)
        let initialised = try timeline(["init", "--writer", name], in: clone)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        clones[name] = clone
      }
      let alice = clones["alice"]!
      let bob = clones["bob"]!
      let carol = clones["carol"]!
      // Carol's work, committed while offline.
      try addEvents("carol", 0..<4, in: carol)
      try commit(carol, "carol", "carol, offline")

      for round in 0..<2 {
        // Both add 25 events at the same time.
        let range = (round * 25)..<(round * 25 + 25)
        let writers = [("alice", alice), ("bob", bob)]
        DispatchQueue.concurrentPerform(iterations: 2) { index in
          let (writer, clone) = writers[index]
          do { try addEvents(writer, range, in: clone) } catch { Issue.record("\(writer): \(error)") }
        }
        try commit(alice, "alice", "alice round \(round)")
        try commit(bob, "bob", "bob round \(round)")
        // Interleaved: bob pulls first and pushes, alice must then merge bob's
        // push before hers (in round 1, with a rebase), and bob pulls hers.
        try pull(bob, "bob")
        try git(["push", "-q", "origin", "HEAD:main"], in: bob, author: "bob")
        try pull(alice, "alice", rebase: round == 1)
        try git(["push", "-q", "origin", "HEAD:main"], in: alice, author: "alice")
        try pull(bob, "bob", rebase: round == 0)
      }
      for clone in [alice, bob] {
        #expect(try json(["log"], log: clone + "/events")["events"]?.arrayValue.count == 100)
        try expectClean(clone, events: 100, files: 2)
      }
      #expect(try answers(alice) == answers(bob))

      // Carol comes back: one pull merges everything, her push reaches the others.
      try pull(carol, "carol")
      try git(["push", "-q", "origin", "HEAD:main"], in: carol, author: "carol")
      try pull(alice, "alice")
      try pull(bob, "bob", rebase: true)
      let fresh = dir + "/fresh"
      try git(["clone", "-q", remote, fresh], in: dir, author: "dave")
      let expected = try answers(alice)
      for clone in [alice, bob, carol, fresh] {
        #expect(try json(["log"], log: clone + "/events")["events"]?.arrayValue.count == 104, "\(clone)")
        #expect(try answers(clone) == expected, "\(clone) answers differently")
        try expectClean(clone, events: 104, files: 3)
      }
      // Each writer's file was written by one author only: check says nothing of shared names.
      #expect(!(try timeline(["check"], in: fresh).stdout.contains("commit authors")))
      let files = try FileManager.default.contentsOfDirectory(atPath: fresh + "/events").sorted()
      #expect(files == ["alice.jsonl", "bob.jsonl", "carol.jsonl"])
    }
  }
}

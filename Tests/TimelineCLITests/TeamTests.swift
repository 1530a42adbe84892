import Foundation
import Testing

/// One file per writer in a folder log, and the clock warnings (issue 14).
@Suite struct TeamTests {
  let launch = ["add", "launch", "--date", "2025-12-11", "--subject", "acme/rocket", "--set", "type=model", "--source-title", "T"]

  @Test func writerComesFromTheOptionThenTheEnvironmentThenInitThenLog() throws {
    try withTemporaryDirectory { dir in
      let log = dir + "/events"
      #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-01-01", "--subject", "acme/a", "--set", "type=model"]).status == 0)
      #expect(FileManager.default.fileExists(atPath: log + "/log.jsonl"))
      let initialised = try timeline(["--log", log, "init", "--writer", "alice"])
      #expect(initialised.status == 0, "\(initialised.stderr)")
      #expect(initialised.stderr.contains("\(log)/alice.jsonl"))
      #expect(fileLines(log + "/.timeline-cache/writer") == ["alice"])
      #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-01-02", "--subject", "acme/b", "--set", "type=model"]).status == 0)
      #expect(fileLines(log + "/alice.jsonl").count == 1)
      let env = ["TIMELINE_WRITER": "bob"]
      #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-01-03", "--subject", "acme/c", "--set", "type=model"], environment: env).status == 0)
      #expect(fileLines(log + "/bob.jsonl").count == 1)
      let carol = try timeline(["--log", log, "add", "launch", "--date", "2025-01-04", "--subject", "acme/d", "--set", "type=model", "--writer", "carol"], environment: env)
      #expect(carol.status == 0)
      #expect(fileLines(log + "/carol.jsonl").count == 1)
      let retract = try timeline(["--log", log, "retract", carol.output, "--reason", "wrong", "--writer", "dave"])
      #expect(retract.status == 0, "\(retract.stderr)")
      #expect(fileLines(log + "/dave.jsonl").count == 1)
      try writeLines([#"{"date":"2025-01-05","kind":"launch","org":"acme","subject":"acme/e","attrs":{"type":"model"}}"#], to: dir + "/in.jsonl")
      let imported = try timeline(["--log", log, "import", dir + "/in.jsonl", "--format", "jsonl", "--writer", "news-bot"])
      #expect(imported.status == 0, "\(imported.stderr)")
      #expect(imported.stdout.contains("news-bot.jsonl"))
      #expect(fileLines(log + "/news-bot.jsonl").count == 1)
      // Every file is read as one log.
      #expect(try json(["log"], log: log)["events"]?.arrayValue.count == 6)
    }
  }

  @Test func aBadWriterNameIsAUsageErrorAndWritesNothing() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      let before = snapshot(log)
      for (arguments, env) in [
        (["--writer", "Alice"], [String: String]()), (["--writer", "-x"], [:]), (["--writer", "a/b"], [:]),
        (["--writer", ""], [:]), (["--writer", String(repeating: "a", count: 65)], [:]), ([], ["TIMELINE_WRITER": "../log"]),
      ] {
        let result = try timeline(["--log", log] + launch + arguments, environment: env)
        #expect(result.status == 64, "\(arguments) \(env): \(result.stderr)")
        #expect(result.stderr.contains("is not a writer name"), "\(result.stderr)")
      }
      let badInit = try timeline(["--log", log, "init", "--writer", "Bob Smith"])
      #expect(badInit.status == 64)
      #expect(snapshot(log) == before)
      // A name kept by hand that is not a slug is named with its file.
      try FileManager.default.createDirectory(atPath: log + "/.timeline-cache", withIntermediateDirectories: true)
      try writeLines(["Not A Slug"], to: log + "/.timeline-cache/writer")
      let kept = try timeline(["--log", log] + launch)
      #expect(kept.status == 64)
      #expect(kept.stderr.contains(".timeline-cache/writer"), "\(kept.stderr)")
      #expect(kept.stderr.contains("timeline init --writer"), "\(kept.stderr)")
    }
  }

  /// A cache folder timeline does not use (here a symbolic link) may keep
  /// this clone's writer name, which is then not read: appending without a
  /// name given goes to log.jsonl and says so, since another clone may
  /// append there too; with --writer it appends to the writer's file.
  @Test func aWriterNameInACacheFolderNotUsedIsNotReadAndAddSaysSo() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      #expect(try timeline(["--log", log, "init", "--writer", "alice"]).status == 0)
      try FileManager.default.moveItem(atPath: log + "/.timeline-cache", toPath: dir + "/elsewhere")
      try FileManager.default.createSymbolicLink(atPath: log + "/.timeline-cache", withDestinationPath: dir + "/elsewhere")
      let elsewhere = snapshot(dir + "/elsewhere")
      let lines = fileLines(log + "/log.jsonl").count
      let added = try timeline(["--log", log] + launch)
      #expect(added.status == 0, "\(added.stderr)")
      #expect(added.stderr.contains("timeline: note: the writer name this clone keeps (timeline init --writer) is in \(log)/.timeline-cache"), "\(added.stderr)")
      #expect(added.stderr.contains("so this appends to log.jsonl"), "\(added.stderr)")
      #expect(fileLines(log + "/log.jsonl").count == lines + 1)
      let named = try timeline(["--log", log] + launch + ["--writer", "alice"])
      #expect(named.status == 0, "\(named.stderr)")
      #expect(!named.stderr.contains("writer name this clone keeps"), "\(named.stderr)")
      #expect(fileLines(log + "/alice.jsonl").count == 1)
      #expect(snapshot(dir + "/elsewhere") == elsewhere)
    }
  }

  @Test func aFileLogIgnoresTheWriter() throws {
    try withTemporaryDirectory { dir in
      let log = dir + "/events.jsonl"
      #expect(try timeline(["--log", log] + launch + ["--writer", "alice"], environment: ["TIMELINE_WRITER": "bob"]).status == 0)
      #expect(fileLines(log).count == 1)
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["events.jsonl"])
      let initFile = try timeline(["--log", dir + "/other", "init", "--writer", "alice"])
      #expect(initFile.status == 0)
      try writeLines([], to: dir + "/plain")
      #expect(try timeline(["init", dir + "/plain", "--writer", "alice"]).status == 64)
    }
  }

  @Test func checkWarnsOfARecordedTimeMoreThanADayAhead() throws {
    try withTemporaryDirectory { dir in
      let log = try folderLog(dir)
      // A teammate's clock a year ahead, then an hour ahead (not warned).
      let ahead = ISO8601DateFormatter().string(from: Date().addingTimeInterval(365 * 86_400))
      let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))
      try writeLines([
        #"{"id":"soon","date":"2025-12-20","kind":"launch","org":"acme","subject":"acme/soon","attrs":{"type":"model"},"source":{"title":"T"},"recorded":"\#(soon)"}"#,
        #"{"id":"ahead","date":"2025-12-21","kind":"launch","org":"acme","subject":"acme/ahead","attrs":{"type":"model"},"source":{"title":"T"},"recorded":"\#(ahead)"}"#,
      ], to: log + "/bob.jsonl")
      let check = try timeline(["--log", log, "check"])
      #expect(check.status == 0, "\(check.stdout)")
      #expect(check.stdout.contains("\(log)/bob.jsonl:2: warning: recorded "), "\(check.stdout)")
      #expect(check.stdout.contains("more than a day after this computer's clock"))
      #expect(!check.stdout.contains("bob.jsonl:1:"), "\(check.stdout)")
      #expect(check.stdout.components(separatedBy: "more than a day after").count == 2, "one warning: \(check.stdout)")
      // add that must stamp after it says so, and still appends after it.
      let before = fileLines(log + "/bob.jsonl")
      let add = try timeline(["--log", log] + launch + ["--writer", "bob"])
      #expect(add.status == 0, "\(add.stderr)")
      #expect(add.stderr.contains("timeline: warning: the latest recorded time in \(log)/bob.jsonl"), "\(add.stderr)")
      #expect(add.stderr.contains("is after this computer's clock"))
      let after = fileLines(log + "/bob.jsonl")
      #expect(after.count == 3 && Array(after.prefix(2)) == before)
      #expect(try timeline(["--log", log, "check"]).stdout.contains("no errors"))
      // Another writer's file is not affected, and says nothing.
      let other = try timeline(["--log", log] + launch + ["--writer", "alice"])
      #expect(other.status == 0 && !other.stderr.contains("warning"), "\(other.stderr)")
      // A time ahead given earlier in the same --stdin batch warns as well.
      let far = "2099-01-01T00:00:00.000Z"
      let batch = [
        #"{"date":"2025-12-22","kind":"report","org":"acme","source":{"title":"T"},"recorded":"\#(far)"}"#,
        #"{"date":"2025-12-23","kind":"report","org":"acme","source":{"title":"T"}}"#,
      ]
      let stdin = try timeline(["--log", log, "add", "--stdin", "--writer", "carol"], stdin: batch.joined(separator: "\n") + "\n")
      #expect(stdin.status == 0, "\(stdin.stderr)")
      #expect(stdin.stderr.contains("timeline: warning: the latest recorded time in \(log)/carol.jsonl, \(far), is after this computer's clock"), "\(stdin.stderr)")
      #expect(stdin.stderr.contains("stamped 2099-01-01T00:00:00.001Z"), "\(stdin.stderr)")
      #expect(fileLines(log + "/carol.jsonl").count == 2)
    }
  }

  @Test func checkWarnsWhenGitShowsAWriterFileChangedBySeveralAuthors() throws {
    guard gitPath != nil else {
      print("skipped: git is not installed, so a writer name shared in git history cannot be tested")
      return
    }
    try withTemporaryDirectory { dir in
      try git(["init", "-q"], in: dir)
      let log = dir + "/events"
      #expect(try timeline(["init", log, "--writer", "alice"]).status == 0)
      #expect(try timeline(["--log", log] + launch).status == 0)
      try git(["add", "-A"], in: dir, author: "alice")
      try git(["commit", "-qm", "a"], in: dir, author: "alice")
      // Clean while one author writes each file.
      #expect(!(try timeline(["--log", log, "check"]).stdout.contains("commit authors")))
      #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-12-12", "--subject", "acme/b", "--set", "type=model", "--source-title", "T"]).status == 0)
      try git(["add", "-A"], in: dir, author: "bob")
      try git(["commit", "-qm", "b"], in: dir, author: "bob")
      let check = try timeline(["--log", log, "check"])
      #expect(check.status == 0)
      #expect(check.stdout.contains("\(log)/alice.jsonl:1: warning: changed in git by 2 commit authors in its last 10 commits (bob@example.com, alice@example.com)"), "\(check.stdout)")
      #expect(check.stdout.contains("timeline init --writer NAME"))
      // Without git on the PATH: nothing to say, no error.
      let noGit = try timeline(["--log", log, "check"], environment: ["PATH": "/nonexistent"])
      #expect(noGit.status == 0 && !noGit.stdout.contains("commit authors") && noGit.stderr.isEmpty, "\(noGit.stderr)")
      // Bob takes a name of his own; once alice's file has had ten commits of hers alone, the warning is gone.
      for i in 0..<9 {
        #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-12-13", "--subject", "acme/c\(i)", "--set", "type=model", "--source-title", "T"]).status == 0)
        try git(["add", "-A"], in: dir, author: "alice")
        try git(["commit", "-qm", "c\(i)"], in: dir, author: "alice")
        #expect(try timeline(["--log", log, "check"]).stdout.contains("commit authors"), "still within ten commits")
      }
      #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-12-14", "--subject", "acme/d", "--set", "type=model", "--source-title", "T"]).status == 0)
      try git(["add", "-A"], in: dir, author: "alice")
      try git(["commit", "-qm", "d"], in: dir, author: "alice")
      #expect(!(try timeline(["--log", log, "check"]).stdout.contains("commit authors")))
    }
  }
}

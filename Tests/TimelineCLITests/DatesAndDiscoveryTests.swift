import Foundation
import ReferenceModel
import Testing

// Dates as people say them (--today, TIMELINE_TODAY, -p, diff A..B, add --date
// today) and the log found as git finds its repository (init, the created-log note).

// MARK: - Dates

/// `state --at FORM` as of `--today 2025-12-10` (a Wednesday): the day the answer is for.
@Test(arguments: [
  (["--at", "today"], "2025-12-10"),
  ([], "2025-12-10"),
  (["--at", "yesterday"], "2025-12-09"),
  (["--at", "Yesterday"], "2025-12-09"),
  (["--at", "this week"], "2025-12-14"),
  (["--at", "last-week"], "2025-12-07"),
  (["--at", "this month"], "2025-12-31"),
  (["--at", "last month"], "2025-11-30"),
  (["--at=last-month"], "2025-11-30"),
  (["--at", "this quarter"], "2025-12-31"),
  (["--at", "last quarter"], "2025-09-30"),
  (["--at", "this year"], "2025-12-31"),
  (["--at", "last year"], "2024-12-31"),
  (["--at", "2025-Q4"], "2025-12-31"),
  (["--at", "2025Q1"], "2025-03-31"),
  (["--at", "2024-Q1"], "2024-03-31"),
  (["--at", "2024-02"], "2024-02-29"),
  (["--at", "2025-11-15"], "2025-11-15"),
])
func stateAtEveryDateFormWithAFixedToday(arguments: [String], at: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--today", "2025-12-10", "--log", log, "state", "--json"] + arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    #expect(try J.parse(result.stdout)["at"] == .string(at), "\(arguments)")
  }
}

/// Edges of the calendar through the binary: a week spanning two years, a leap day, Q4 of the year before.
@Test(arguments: [
  ("2026-01-01", "this week", "2026-01-04"),
  ("2026-01-01", "last week", "2025-12-28"),
  ("2026-01-01", "last month", "2025-12-31"),
  ("2026-01-01", "last quarter", "2025-12-31"),
  ("2026-01-01", "yesterday", "2025-12-31"),
  ("2024-03-01", "yesterday", "2024-02-29"),
  ("2024-03-31", "last month", "2024-02-29"),
])
func relativeDatesAcrossYearsAndLeapDays(today: String, at: String, expected: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--today", today, "--log", log, "state", "--at", at, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try J.parse(result.stdout)["at"] == .string(expected), "\(at) as of \(today)")
  }
}

@Test func timelineTodayFixesTheDayAndTodayOverridesIt() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    #expect(try json(["state"], log: log, environment: ["TIMELINE_TODAY": "2025-11-20"])["at"] == .string("2025-11-20"))
    #expect(try json(["state", "--at", "last month"], log: log, environment: ["TIMELINE_TODAY": "2025-11-20"])["at"] == .string("2025-10-31"))
    let overridden = try timeline(["--today", "2025-12-01", "--log", log, "state", "--json"], environment: ["TIMELINE_TODAY": "2025-11-20"])
    #expect(try J.parse(overridden.stdout)["at"] == .string("2025-12-01"), "--today wins over TIMELINE_TODAY")
    // --known-at takes the words too: the end of that day or period.
    let known = try json(["state", "--at", "2025-12-31", "--known-at", "yesterday"], log: log, environment: ["TIMELINE_TODAY": "2025-12-13"])
    #expect(known["knownAt"] == .string("2025-12-12T23:59:59.999Z"))
    let knownMonth = try json(["state", "--known-at", "last month"], log: log, environment: ["TIMELINE_TODAY": "2026-01-05"])
    #expect(knownMonth["knownAt"] == .string("2025-12-31T23:59:59.999Z"))
    // strategy replays as of today: on 2025-12-09 the code-red shift of 2025-12-10 has not happened.
    let before = try json(["strategy"], log: log, environment: ["TIMELINE_TODAY": "2025-12-09"])
    #expect(before["shifts"]?.arrayValue.count == 0)
    #expect(try json(["strategy"], log: log, environment: ["TIMELINE_TODAY": "2025-12-10"])["shifts"]?.arrayValue.count == 1)

    for (arguments, env, what) in [
      (["--today", "2025-12", "state"], [String: String](), "--today 2025-12 is not a day"),
      (["--today", "yesterday", "state"], [:], "--today yesterday is not a day"),
      (["--today"], [:], "--today needs a value"),
      (["state"], ["TIMELINE_TODAY": "2025-02-30"], "TIMELINE_TODAY 2025-02-30 is not a day"),
    ] {
      let result = try timeline(["--log", log] + arguments, environment: env)
      #expect(result.status == 64, "\(arguments) \(env)")
      #expect(result.stderr.contains(what), "\(arguments): \(result.stderr)")
    }
  }
}

@Test func addDateTodayStoresTheDayItMeansAndRecordsTheRealTime() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let today = try timeline(["--today", "2025-12-10", "--log", log, "add", "report", "--date", "today", "--org", "acme"])
    #expect(today.status == 0, "\(today.stderr)")
    let yesterday = try timeline(["--log", log, "add", "report", "--date", "yesterday", "--org", "acme"], environment: ["TIMELINE_TODAY": "2025-01-01"])
    #expect(yesterday.status == 0, "\(yesterday.stderr)")
    let lines = fileLines(log + "/log.jsonl").map { try! J.parse($0) }
    #expect(lines.map { $0["date"] } == [.string("2025-12-10"), .string("2024-12-31")], "the log holds the day, never a relative date")
    #expect(!fileLines(log + "/log.jsonl").joined().contains("today"))
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    let realDay = formatter.string(from: Date())
    for line in lines {
      guard case .string(let recorded)? = line["recorded"] else { Issue.record("no recorded"); continue }
      #expect(recorded.hasPrefix(realDay), "recorded \(recorded) is the real clock's time, not --today's")
    }
    // The content id is that of the resolved date: the same fact given as a day is the same event.
    let same = try timeline(["--log", log, "add", "report", "--date", "2025-12-10", "--org", "acme"])
    #expect(same.output == today.output)

    // retract: dated today (the fixed one) unless --date, which takes yesterday too.
    let id = today.output
    let retracted = try timeline(["--today", "2025-12-20", "--log", log, "retract", id, "--reason", "wrong", "--date", "yesterday"])
    #expect(retracted.status == 0, "\(retracted.stderr)")
    #expect(try J.parse(fileLines(log + "/log.jsonl").last!)["date"] == .string("2025-12-19"))
    let byDefault = try timeline(["--today", "2025-12-21", "--log", log, "retract", yesterday.output, "--reason", "wrong"])
    #expect(byDefault.status == 0, "\(byDefault.stderr)")
    #expect(try J.parse(fileLines(log + "/log.jsonl").last!)["date"] == .string("2025-12-21"))

    // add takes only today and yesterday of the words: anything else is refused, the log unchanged.
    let before = snapshot(log)
    for word in ["last month", "tomorrow", "2025-Q4", "2025-1-5"] {
      let refused = try timeline(["--log", log, "add", "report", "--date", word, "--org", "acme"])
      #expect(refused.status == 65, "\(word)")
      #expect(refused.stderr.contains("today or yesterday"), "\(word): \(refused.stderr)")
    }
    let impossible = try timeline(["--log", log, "add", "report", "--date", "2025-02-30", "--org", "acme"])
    #expect(impossible.status == 65)
    #expect(impossible.stderr.contains("February 2025 has 28 days"), "\(impossible.stderr)")
    #expect(snapshot(log) == before)
  }
}

@Test func anUnknownDateWordIsAUsageErrorThatListsTheForms() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(log)
    for arguments in [
      ["state", "--at", "next month"], ["state", "--at", "someday"], ["log", "--from", "soon"], ["log", "--to", "last decade"],
      ["diff", "tomorrow", "today"], ["diff", "2025-11..later"], ["lineage", "--at", "lastmonth"],
      ["state", "--known-at", "next week"], ["strategy", "-p", "2025..eventually"], ["export", "--format", "jsonl", "--from", "2025-Q5"],
      ["render", "--to", "this decade"],
    ] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
      if !arguments.contains("2025-Q5") {
        #expect(result.stderr.contains("YYYY-Qn or YYYYQn, today, yesterday, or this or last followed by week, month, quarter or year"), "\(arguments): \(result.stderr)")
      } else {
        #expect(result.stderr.contains("there is no quarter 5"), "\(result.stderr)")
      }
    }
    #expect(snapshot(log) == before)
  }
}

/// The ids `log` lists with these arguments.
private func listed(_ arguments: [String], log: String) throws -> [String] {
  try json(["log"] + arguments, log: log)["events"]?.arrayValue.compactMap { event -> String? in
    guard case .string(let id)? = event["id"] else { return nil }
    return id
  } ?? []
}

@Test func periodWithOpenEndsIsTheSameAsFromAndTo() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    #expect(try listed(["-p", "2025-12-10.."], log: log) == ["code-red", "gpt52", "r-nbp"])
    #expect(try listed(["--period", "..2025-11"], log: log) == ["sora-launch", "gpt51", "gemini3"])
    #expect(try listed(["-p", "2025-11"], log: log) == ["gpt51", "gemini3"], "one date is its own period")
    #expect(try listed(["-p", "2025-Q4"], log: log) == (try listed(["--from", "2025-10", "--to", "2025-12"], log: log)))
    #expect(try listed(["--period=2025-12-05..2025-12-09"], log: log) == (try listed(["--from", "2025-12-05", "--to", "2025-12-09"], log: log)))
    let relative = try timeline(["--today", "2025-12-20", "--log", log, "log", "-p", "last month..this week", "--json"])
    let absolute = try timeline(["--log", log, "log", "--from", "2025-11", "--to", "2025-12-21", "--json"])
    #expect(relative.stdout == absolute.stdout)
    // strategy, export and render take it too.
    let strategy = try timeline(["--log", log, "strategy", "-p", "2025-12..", "--json"])
    #expect(strategy.stdout == (try timeline(["--log", log, "strategy", "--from", "2025-12", "--json"])).stdout)
    let export = try timeline(["--log", log, "export", "--format", "jsonl", "-p", "..2025-11"])
    #expect(export.stdout == (try timeline(["--log", log, "export", "--format", "jsonl", "--to", "2025-11"])).stdout)
    #expect(export.stdout.split(separator: "\n").count == 3)
    let render = try timeline(["--log", log, "render", "--format", "mermaid", "-p", "2025-11..2025-12"])
    #expect(render.status == 0, "\(render.stderr)")
    #expect(render.stdout == (try timeline(["--log", log, "render", "--format", "mermaid", "--from", "2025-11", "--to", "2025-12"])).stdout)

    for arguments in [["log", "-p", "2025..", "--from", "2025"], ["strategy", "--to", "2025", "-p", "..2025"], ["log", "-p", ".."],
                      ["export", "--format", "csv", "-p", "2024..2025..2026"]] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 64, "\(arguments)")
    }
    #expect(try timeline(["--log", log, "log", "-p", "2025", "--to", "2025"]).stderr.contains("use it or --from/--to, not both"))
  }
}

@Test func diffTakesBothDatesInOneArgument() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let two = try timeline(["--log", log, "diff", "2025-11", "2025-12", "--json"])
    let one = try timeline(["--log", log, "diff", "2025-11..2025-12", "--json"])
    #expect(two.status == 0 && one.status == 0, "\(one.stderr)")
    #expect(one.stdout == two.stdout)
    let relative = try timeline(["--today", "2025-12-10", "--log", log, "diff", "last month..today", "--json"])
    #expect(try J.parse(relative.stdout)["from"] == .string("2025-11-30"))
    #expect(try J.parse(relative.stdout)["to"] == .string("2025-12-10"))
    let quarters = try json(["diff", "2025-Q3", "2025Q4"], log: log)
    #expect(quarters["from"] == .string("2025-09-30") && quarters["to"] == .string("2025-12-31"))
    for arguments in [["diff", "2025-11"], ["diff", "2025-11.."], ["diff", "..2025-12"], ["diff", "2025-11..2025-12", "2026"]] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
    }
  }
}

// MARK: - Where the log is

/// Makes the folders of `paths` (relative to `dir`).
private func folders(_ dir: String, _ paths: String...) throws {
  for path in paths { try FileManager.default.createDirectory(atPath: dir + "/" + path, withIntermediateDirectories: true) }
}

@Test func theLogIsFoundFromANestedFolderAsGitFindsItsRepository() throws {
  try withTemporaryDirectory { dir throws in
    try folders(dir, "repo/.git", "repo/notes/2025/december")
    let log = try folderLog(dir + "/repo")
    let nested = dir + "/repo/notes/2025/december"
    let found = try timeline(["state", "--at", "2025-12-31", "--json"], in: nested)
    #expect(found.status == 0, "\(found.stderr)")
    #expect(found.stdout == (try timeline(["--log", log, "state", "--at", "2025-12-31", "--json"])).stdout)

    // add from the subfolder appends to the repository's log, creating nothing.
    let before = fileLines(log + "/log.jsonl").count
    let added = try timeline(["add", "report", "--date", "2025-12-20", "--org", "acme"], in: nested)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(!added.stderr.contains("created"), "\(added.stderr)")
    #expect(fileLines(log + "/log.jsonl").count == before + 1)
    #expect(!FileManager.default.fileExists(atPath: nested + "/events"), "no second log in the subfolder")

    // ./events, when it exists, comes first.
    let near = try folderLog(dir + "/repo/notes", [industryLines[0]])
    let nearer = try json(["log"], log: near)
    #expect(try timeline(["log", "--json"], in: dir + "/repo/notes").stdout == (try timeline(["--log", near, "log", "--json"])).stdout)
    #expect(nearer["events"]?.arrayValue.count == 1)
    // The nearest parent's events wins over a farther one.
    let fromDeeper = try timeline(["log", "--json"], in: nested)
    #expect(try J.parse(fromDeeper.stdout)["events"]?.arrayValue.count == 1)

    // A named log is never searched for.
    let named = try timeline(["state"], in: nested, environment: ["TIMELINE_LOG": "missing"])
    #expect(named.status == 66)
    #expect(named.stderr.contains("no log at missing"), "\(named.stderr)")
  }
}

@Test func theSearchStopsAtTheFolderHoldingGit() throws {
  try withTemporaryDirectory { dir throws in
    // An events folder above the repository is not the repository's log.
    let outer = try folderLog(dir)
    try folders(dir, "repo/.git", "repo/src/deep")
    let outerBefore = snapshot(outer)
    let result = try timeline(["state"], in: dir + "/repo/src/deep")
    #expect(result.status == 66)
    #expect(result.stderr.contains("no log found"), "\(result.stderr)")
    #expect(result.stderr.contains("/repo, which holds .git"), "\(result.stderr)")
    #expect(result.stderr.contains("timeline init"), "\(result.stderr)")
    // .git as a file (a worktree or submodule) stops it too; the folder holding it is still searched.
    try folders(dir, "wt/a")
    try writeLines(["gitdir: elsewhere"], to: dir + "/wt/.git")
    #expect(try timeline(["log"], in: dir + "/wt/a").status == 66)
    let inRoot = try folderLog(dir + "/wt", [industryLines[1]])
    let fromWorktree = try timeline(["log", "--json"], in: dir + "/wt/a")
    #expect(fromWorktree.stdout == (try timeline(["--log", inRoot, "log", "--json"])).stdout, "the folder holding .git is searched")

    // add there creates ./events, and says so.
    let added = try timeline(["add", "report", "--date", "2025", "--org", "acme"], in: dir + "/repo/src/deep")
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stderr == "timeline: created a new log at events\n")
    #expect(fileLines(dir + "/repo/src/deep/events/log.jsonl").count == 1)
    #expect(snapshot(outer) == outerBefore)
    // Without .git, the search goes on up (here to the temporary folder's events).
    try folders(dir, "plain/x/y")
    let upward = try timeline(["log", "--json"], in: dir + "/plain/x/y")
    #expect(upward.status == 0, "\(upward.stderr)")
    #expect(upward.stdout == (try timeline(["--log", outer, "log", "--json"])).stdout)
  }
}

@Test func everyCommandThatCreatesALogSaysSo() throws {
  try withTemporaryDirectory { dir throws in
    try folders(dir, ".git")
    let first = try timeline(["add", "report", "--date", "2025", "--org", "acme"], in: dir)
    #expect(first.status == 0)
    #expect(first.stderr == "timeline: created a new log at events\n")
    let second = try timeline(["add", "report", "--date", "2026", "--org", "acme"], in: dir)
    #expect(second.stderr.isEmpty, "only the command that creates it says so")

    let file = try timeline(["--log", dir + "/one.jsonl", "add", "report", "--date", "2025", "--org", "acme"])
    #expect(file.stderr == "timeline: created a new log at \(dir)/one.jsonl\n")
    try writeLines(["{\"date\":\"2025\",\"kind\":\"report\",\"org\":\"acme\"}"], to: dir + "/in.jsonl")
    let imported = try timeline(["--log", dir + "/imported", "import", dir + "/in.jsonl", "--format", "jsonl"])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stderr.contains("timeline: created a new log at \(dir)/imported\n"), "\(imported.stderr)")

    // A rejected add creates nothing and says nothing of it.
    let rejected = try timeline(["--log", dir + "/never", "add", "nonsense", "--date", "2025", "--org", "acme"])
    #expect(rejected.status == 65)
    #expect(!rejected.stderr.contains("created"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/never"))
  }
}

@Test func initCreatesAnEmptyFolderLogWithItsIgnoredCacheAndSaysWhatNext() throws {
  try withTemporaryDirectory { dir throws in
    try folders(dir, ".git", "sub")
    let result = try timeline(["init"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr == "timeline: created a new log at events\n")
    #expect(try contents(dir + "/events/.timeline-cache/.gitignore") == "*\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/events") == [".timeline-cache"], "an empty log")
    #expect(result.stdout.contains("timeline add launch --date today"), "\(result.stdout)")
    #expect(result.stdout.contains("timeline state"), "\(result.stdout)")
    // The first step it suggests works, from a subfolder too.
    let suggested = result.lines.first { $0.contains("timeline add") }!.trimmingCharacters(in: .whitespaces)
    let add = try timeline(Array(suggested.split(separator: " ").dropFirst().map(String.init)), in: dir + "/sub")
    #expect(add.status == 0, "\(add.stderr)")
    #expect(fileLines(dir + "/events/log.jsonl").count == 1)
    #expect(try json(["state"], log: dir + "/events")["orgs"]?["acme"] != nil)

    // Again: it says so and changes nothing.
    let before = snapshot(dir + "/events")
    let again = try timeline(["init"], in: dir)
    #expect(again.status == 0)
    #expect(again.stderr.contains("events already exists; nothing was changed"), "\(again.stderr)")
    #expect(again.stdout.isEmpty)
    #expect(snapshot(dir + "/events") == before)

    // Elsewhere: the next steps name the log.
    let other = try timeline(["init", dir + "/research"])
    #expect(other.status == 0)
    #expect(other.stdout.contains("timeline --log \(dir)/research add"), "\(other.stdout)")
    #expect(try contents(dir + "/research/.timeline-cache/.gitignore") == "*\n")
    let named = try timeline(["--log", dir + "/named", "init"])
    #expect(named.status == 0)
    #expect(FileManager.default.fileExists(atPath: dir + "/named/.timeline-cache/.gitignore"))
    let empty = try timeline(["--log", dir + "/named", "state", "--json"])
    #expect(empty.status == 0, "an empty log answers: \(empty.stderr)")

    let missingParent = try timeline(["init", dir + "/no/such/events"])
    #expect(missingParent.status == 73)
    #expect(missingParent.stderr.contains("mkdir -p"))
    let file = try timeline(["init", dir + "/log.jsonl"])
    #expect(file.status == 64)
    #expect(!FileManager.default.fileExists(atPath: dir + "/log.jsonl"))
  }
}

@Test func helpManAndCompletionsShowInitTodayAndPeriod() throws {
  let help = try timeline(["help"]).stdout
  #expect(help.contains("init "))
  #expect(help.contains("--today DATE"))
  #expect(help.contains("YYYY-Qn"))
  #expect(try timeline(["help", "log"]).stdout.contains("-p, --period PERIOD"))
  #expect(try timeline(["diff", "--help"]).stdout.contains("FROM..TO"))
  let man = try timeline(["man"]).stdout
  for piece in [".SS init", "\\-\\-today", "\\-p, \\-\\-period", "TIMELINE_TODAY", "ISO, Monday to Sunday"] {
    #expect(man.contains(piece), "man page lacks \(piece)")
  }
  #expect(try timeline(["completion", "bash"]).stdout.contains("--log --today --help"))
  #expect(try timeline(["completion", "zsh"]).stdout.contains("'--today["))
  #expect(try timeline(["completion", "fish"]).stdout.contains("-l today"))
}

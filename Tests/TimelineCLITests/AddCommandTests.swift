import Foundation
import ReferenceModel
import Testing

// add, add --stdin, add --dry-run and retract through the real binary.

/// `"recorded":"...Z"}` at the end of a stored line, with milliseconds.
func endsWithRecorded(_ line: String) -> Bool {
  line.contains(#/,"recorded":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"}$/#)
}

func recorded(of line: String) -> String {
  guard let value = try? J.parse(line), case .string(let text)? = value["recorded"] else { return "" }
  return text
}

@Test(arguments: [
  (["launch", "--date", "2025-12-11", "--org", "openai", "--subject", "openai/gpt-5.2", "--set", "type=model", "--set", "predecessor=openai/gpt-5.1",
    "--set", "codename=olive-oil-cake", "--confidence", "confirmed", "--source-title", "Introducing GPT-5.2", "--source-publisher", "OpenAI"],
   "d16757df582e",
   #"{"id":"d16757df582e","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/gpt-5.2","attrs":{"codename":"olive-oil-cake","predecessor":"openai/gpt-5.1","type":"model"},"confidence":"confirmed","source":{"publisher":"OpenAI","title":"Introducing GPT-5.2"}"#),
  (["metric", "--date", "2025-12", "--org", "openai", "--set", "name=valuation", "--set", "value=500000000000", "--set", "unit=USD",
    "--note", "about $500 billion"],
   "5aea54fd60ad",
   #"{"id":"5aea54fd60ad","date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation","unit":"USD","value":500000000000},"confidence":"reported","note":"about $500 billion""#),
  (["strategy", "--date", "2025-12-10", "--org", "openai", "--set", "label=code red", "--set", "focus=openai/chatgpt", "--set", "focus=openai/gpt-5.2",
    "--set", "deprioritize=openai/sora", "--source-title", "OpenAI 盲测新模型不如 Nano Banana Pro?", "--source-publisher", "InfoQ", "--source-date", "2025-12-10",
    "--note", "tab\there\nnewline \"q\" \u{07} ü"],
   "2a071141b346",
   #"{"id":"2a071141b346","date":"2025-12-10","kind":"strategy","org":"openai","attrs":{"deprioritize":["openai/sora"],"focus":["openai/chatgpt","openai/gpt-5.2"],"label":"code red"},"confidence":"reported","source":{"date":"2025-12-10","publisher":"InfoQ","title":"OpenAI 盲测新模型不如 Nano Banana Pro?"},"note":"tab\there\nnewline \"q\" \u0007 ü""#),
])
func addPrintsTheContentIDAloneAndAppendsTheCanonicalLine(arguments: [String], id: String, prefix: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let result = try timeline(["--log", log, "add"] + arguments)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == id + "\n", "the id alone on standard output")
    #expect(result.stderr == "timeline: created a new log at \(log)\n", "nothing but the note that the log was created")
    let lines = fileLines(log + "/log.jsonl")
    #expect(lines.count == 1, "one event is one line")
    #expect(lines.first?.hasPrefix(prefix) == true, "\(lines.first ?? "")")
    #expect(lines.first.map(endsWithRecorded) == true, "\(lines.first ?? "")")
  }
}

@Test func orgIsInferredFromAProductSubject() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-12-11", "--subject", "openai/gpt-5.2"]).status == 0)
    #expect(try timeline(["--log", log, "add", "metric", "--date", "2025-12", "--subject", "openai/chatgpt", "--set", "name=users", "--set", "value=8e8"]).status == 0)
    let lines = fileLines(log + "/log.jsonl")
    #expect(lines[0].contains(#""kind":"launch","org":"openai","subject":"openai/gpt-5.2""#))
    #expect(lines[1].contains(#""org":"openai","subject":"openai/chatgpt","attrs":{"name":"users","value":800000000}"#))
    let before = snapshot(log)
    let person = try timeline(["--log", log, "add", "hire", "--date", "2025-12-09", "--subject", "denise-dresser", "--set", "role=CRO"])
    #expect(snapshot(log) == before)
    #expect(person.status == 65, "a person subject names no org")
    #expect(person.stderr.contains("missing \"org\""))
  }
}

@Test(arguments: [
  (["strategy", "--org", "o", "--set", "focus=a"], #""attrs":{"focus":["a"]}"#),
  (["strategy", "--org", "o", "--set", "focus=a", "--set", "focus=b", "--set", "deprioritize=c"], #""attrs":{"deprioritize":["c"],"focus":["a","b"]}"#),
  (["metric", "--org", "o", "--set", "name=v", "--set", "value=5e11"], #""attrs":{"name":"v","value":500000000000}"#),
  (["metric", "--org", "o", "--set", "name=v", "--set", "value=0.1"], #""attrs":{"name":"v","value":0.1}"#),
  (["metric", "--org", "o", "--set", "name=v", "--set", "value=1e21"], #""attrs":{"name":"v","value":1e+21}"#),
  (["metric", "--org", "o", "--set", "name=v", "--set", "value=-0"], #""attrs":{"name":"v","value":0}"#),
  (["metric", "--org", "o", "--set", "name=v", "--set", "value=0.0000005"], #""attrs":{"name":"v","value":5e-7}"#),
  (["report", "--org", "o", "--set", "value=5"], #""attrs":{"value":"5"}"#),
  (["x-blind-test", "--org", "o", "--set", "k=a", "--set", "k=b", "--set", "one=1"], #""attrs":{"k":["a","b"],"one":"1"}"#),
  (["hire", "--org", "o", "--subject", "ann", "--set", "role=CEO", "--set", "from=x=y"], #""attrs":{"from":"x=y","role":"CEO"}"#),
  (["report", "--org", "o", "--set", "text="], #""attrs":{"text":""}"#),
])
func setValuesAreTypedByTheKind(arguments: [String], attrs: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let result = try timeline(["--log", log, "add", "--date", "2025"] + arguments)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(fileLines(log + "/log.jsonl").first?.contains(attrs) == true, "\(fileLines(log + "/log.jsonl"))")
  }
}

@Test func customIDIsKeptAndAContentFormIDMustMatch() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let custom = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "o", "--id", "my.event_1"])
    #expect(custom.status == 0, "\(custom.stderr)")
    #expect(custom.stdout == "my.event_1\n")
    #expect(fileLines(log + "/log.jsonl").last?.hasPrefix(#"{"id":"my.event_1","date":"2025""#) == true)
    let plain = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "p"])
    let contentID = plain.output
    let matching = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "p", "--id", contentID])
    #expect(matching.status == 0, "a content id that matches the content is accepted")
    #expect(matching.stdout == contentID + "\n")
    let before = snapshot(log)
    let mismatched = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "p", "--id", "0123456789ab"])
    #expect(mismatched.status == 65)
    #expect(mismatched.stderr.contains("has the form of a content id") && mismatched.stderr.contains(contentID), "\(mismatched.stderr)")
    #expect(snapshot(log) == before)
  }
}

@Test func addingTheSameFactTwiceGivesTheSameIDAndReplayCollapsesIt() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let args = ["--log", log, "add", "launch", "--date", "2025-12-11", "--subject", "openai/gpt-5.2"]
    let first = try timeline(args)
    let second = try timeline(args)
    #expect(first.stdout == second.stdout)
    let lines = fileLines(log + "/log.jsonl")
    #expect(lines.count == 2, "add reads nothing of the log: the fact is appended again")
    #expect(recorded(of: lines[0]) < recorded(of: lines[1]))
    let state = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(state["basis"]?["events"] == .number(1))
    let listed = try json(["log"], log: log)
    #expect(listed["events"]?.arrayValue.count == 1)
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "identical content under one id is not an error")
  }
}

@Test func dryRunShowsTheEventAndItsEffectAndWritesNothing() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(log)
    let result = try timeline(["--log", log, "add", "pause", "--date", "2025-12-20", "--subject", "openai/gpt-5.2", "--dry-run"])
    #expect(result.status == 0)
    #expect(result.lines.first?.hasPrefix(#"{"id":""#) == true)
    #expect(result.lines.first?.contains(#""kind":"pause","org":"openai","subject":"openai/gpt-5.2""#) == true)
    #expect(result.stdout.contains("Would change the state at 2025-12-20:"))
    #expect(result.stdout.contains("openai/gpt-5.2  status      active -> paused       (reported)"))
    #expect(result.stdout.contains("openai/gpt-5.2  confidence  confirmed -> reported"), "the pause rests on a report")
    #expect(result.stdout.contains("(dry run: nothing was written)"))
    #expect(snapshot(log) == before)
    let nothing = try timeline(["--log", log, "add", "report", "--date", "2025-12-20", "--org", "openai", "--dry-run"])
    #expect(nothing.stdout.contains("Would change nothing in the state at 2025-12-20."))
    #expect(snapshot(log) == before)
  }
}

@Test func dryRunOnAMissingLogCreatesNothing() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/new-log"
    let result = try timeline(["--log", log, "add", "launch", "--date", "2025", "--subject", "openai/x", "--dry-run"])
    #expect(result.status == 0)
    #expect(!FileManager.default.fileExists(atPath: log))
    let batch = try timeline(["--log", log, "add", "--stdin", "--dry-run"], stdin: #"{"date":"2025","kind":"report","org":"o"}"# + "\n")
    #expect(batch.status == 0)
    #expect(!FileManager.default.fileExists(atPath: log))
  }
}

@Test func stdinBatchIsStampedOneMillisecondApartInInputOrder() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let input = [
      #"{"date":"2025-12-10","kind":"report","org":"c"}"#, "", "   ",
      #"{"kind":"report","date":"2025-12-10","org":"a"}"#,
      #"{"date":"2025-12-10","kind":"report","org":"b","id":"chosen"}"#,
    ].joined(separator: "\n") + "\n"
    let result = try timeline(["--log", log, "add", "--stdin"], stdin: input)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.count == 3, "blank lines are skipped")
    #expect(result.lines[2] == "chosen")
    let lines = fileLines(log + "/log.jsonl")
    #expect(lines.count == 3)
    let times = lines.map(recorded(of:))
    #expect(lines.map { $0.contains(#""org":"c""#) } == [true, false, false], "input order")
    let ms = times.map(millis)
    #expect(ms[1] == ms[0] + 1 && ms[2] == ms[1] + 1, "\(times)")
    let state = try json(["log"], log: log)
    #expect(state["events"]?.arrayValue.map { $0["org"]?.description ?? "" } == ["\"c\"", "\"a\"", "\"b\""], "same-day events keep the order they were given")
  }
}

/// Milliseconds of the time of day of a canonical recorded text (same day assumed).
func millis(_ text: String) -> Int {
  let time = text.split(separator: "T")[1].dropLast()
  let parts = time.split(separator: ":")
  let seconds = parts[2].split(separator: ".")
  return ((Int(parts[0])! * 60 + Int(parts[1])!) * 60 + Int(seconds[0])!) * 1000 + Int(seconds[1])!
}

@Test func givenRecordedIsKeptInCanonicalFormAndLaterStampsFollowIt() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let input = #"{"date":"2025","kind":"report","org":"a","recorded":"2099-01-01T01:00:00+01:00"}"# + "\n" + #"{"date":"2025","kind":"report","org":"b"}"# + "\n"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: input).status == 0)
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "c"]).status == 0)
    let times = fileLines(log + "/log.jsonl").map(recorded(of:))
    #expect(times == ["2099-01-01T00:00:00.000Z", "2099-01-01T00:00:00.001Z", "2099-01-01T00:00:00.002Z"], "max(now, last + 1 ms)")
  }
}

@Test func emptyStdinAppendsNothingAndSucceeds() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(log)
    let result = try timeline(["--log", log, "add", "--stdin"], stdin: "\n\n")
    #expect(result.status == 0)
    #expect(result.stdout.isEmpty)
    #expect(snapshot(log) == before)
  }
}

@Test func addCreatesAFolderLogUnlessThePathEndsInJsonl() throws {
  try withTemporaryDirectory { dir throws in
    #expect(try timeline(["--log", dir + "/folder", "add", "report", "--date", "2025", "--org", "o"]).status == 0)
    var isDirectory: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: dir + "/folder", isDirectory: &isDirectory) && isDirectory.boolValue)
    #expect(fileLines(dir + "/folder/log.jsonl").count == 1)
    #expect(try timeline(["--log", dir + "/single.jsonl", "add", "report", "--date", "2025", "--org", "o"]).status == 0)
    #expect(fileLines(dir + "/single.jsonl").count == 1)
    let nowhere = try timeline(["--log", dir + "/missing/parent/log", "add", "report", "--date", "2025", "--org", "o"])
    #expect(nowhere.status == 73)
    #expect(!FileManager.default.fileExists(atPath: dir + "/missing"), "nothing is created")
    #expect(nowhere.stderr.hasPrefix("timeline: error: "))
    #expect(nowhere.stderr.contains(dir + "/missing/parent"))
  }
}

@Test func addInAFolderWritesLogJsonlAndReadsEveryFile() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
    try writeLines([industryLines[0]], to: log + "/imported.jsonl")
    try writeLines(["not json at all"], to: log + "/notes.txt")
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "o"]).status == 0)
    #expect(fileLines(log + "/imported.jsonl").count == 1)
    #expect(fileLines(log + "/log.jsonl").count == 1)
    let listed = try json(["log"], log: log)
    #expect(listed["events"]?.arrayValue.count == 2, "every *.jsonl file, and only those")
  }
}

@Test func retractAppendsARetractionThatRemovesTheEvent() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "retract", "sora-pause", "--reason", "it was only rumoured", "--date", "2025-12-14"])
    #expect(result.status == 0, "\(result.stderr)")
    let id = result.output
    #expect(id.count == 12)
    let line = fileLines(log + "/log.jsonl").last ?? ""
    #expect(line.hasPrefix(#"{"id":"\#(id)","date":"2025-12-14","kind":"retract","attrs":{"reason":"it was only rumoured","target":"sora-pause"},"confidence":"reported","recorded":""#))
    let state = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(state["orgs"]?["openai"]?["products"]?["openai/sora"]?["status"] == .string("active"))
    let listed = try timeline(["--log", log, "log", "--subject", "openai/sora"])
    #expect(listed.stdout.contains("[retracted]"))
    let today = try timeline(["--log", log, "retract", "gpt51", "--reason", "r"])
    #expect(today.status == 0)
    let todayLine = try J.parse(fileLines(log + "/log.jsonl").last ?? "")
    guard case .string(let date)? = todayLine["date"], case .string(let stamp)? = todayLine["recorded"] else { Issue.record("no date"); return }
    #expect(date.count == 10 && stamp.hasPrefix(date), "dated today (UTC) unless --date")
  }
}

@Test func supersedesReplacesTheCorrectedEvent() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "add", "metric", "--date", "2025-12", "--org", "openai", "--set", "name=valuation", "--set", "value=600000000000",
                               "--set", "unit=USD", "--supersedes", "valuation", "--source-title", "correction"])
    #expect(result.status == 0, "\(result.stderr)")
    let state = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(state["orgs"]?["openai"]?["metrics"]?["openai"]?["valuation"]?["value"] == .number(6e11))
    #expect(state["orgs"]?["openai"]?["metrics"]?["openai"]?["valuation"]?["event"] == .string(result.output))
    let retracted = try timeline(["--log", log, "retract", result.output, "--reason", "the correction was wrong"])
    #expect(retracted.status == 0)
    let back = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(back["orgs"]?["openai"]?["metrics"]?["openai"]?["valuation"]?["value"] == .number(5e11), "retracting a correction brings back what it corrected")
  }
}

@Test func addCutsATornTailBeforeAppendingAndSaysSo() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"id":"torn","date":"2025","ki"#.utf8))
    try handle.close()
    let result = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "o"])
    #expect(result.status == 0)
    #expect(result.stderr.contains("torn"), "\(result.stderr)")
    let lines = fileLines(file)
    #expect(lines.count == industryLines.count + 1)
    #expect(Array(lines.prefix(industryLines.count)) == industryLines, "acknowledged events are untouched")
    #expect(lines.last?.contains(#""org":"o""#) == true, "never glued onto the torn line")
    #expect(try timeline(["--log", log, "check"]).stdout.contains("no errors"))
  }
}

/// A correction replaces an earlier event (DESIGN.md, `supersedes`): in a
/// batch its target must be in the log or on an earlier line. A later line,
/// or lines superseding each other (a cycle every replay would drop whole),
/// refuse the batch, naming both lines, and write nothing.
@Test(arguments: [
  ([#"{"id":"a","date":"2025-01-01","kind":"launch","org":"acme","subject":"acme/r","supersedes":"b","source":{"title":"s"}}"#,
    #"{"id":"b","date":"2025-01-02","kind":"pause","org":"acme","subject":"acme/r","supersedes":"a","source":{"title":"s"}}"#],
   "<stdin>:1: cannot supersede b: it comes later in this batch (<stdin>:2); a correction replaces an earlier event, so put b first"),
  ([#"{"id":"a","date":"2025-01-01","kind":"launch","org":"acme","subject":"acme/r","supersedes":"b","source":{"title":"s"}}"#,
    #"{"id":"b","date":"2025-01-02","kind":"launch","org":"acme","subject":"acme/r","source":{"title":"s"}}"#],
   "<stdin>:1: cannot supersede b: it comes later in this batch (<stdin>:2)"),
  ([#"{"id":"a","date":"2025-01-01","kind":"report","org":"acme","supersedes":"b","source":{"title":"s"}}"#,
    #"{"id":"b","date":"2025-01-02","kind":"report","org":"acme","supersedes":"c","source":{"title":"s"}}"#,
    #"{"id":"c","date":"2025-01-03","kind":"report","org":"acme","supersedes":"a","source":{"title":"s"}}"#],
   "<stdin>:1: cannot supersede b: it comes later in this batch (<stdin>:2)"),
])
func stdinCorrectionOfALaterLineIsRefusedAndWritesNothing(lines: [String], message: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(log)
    let result = try timeline(["--log", log, "add", "--stdin"], stdin: lines.joined(separator: "\n") + "\n")
    #expect(result.status == 65)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(snapshot(log) == before)
  }
}

/// The same lines in the other order are a correction of an earlier line,
/// and a retraction may still name a later line of its batch.
@Test func stdinCorrectionOfAnEarlierLineAndRetractionOfALaterOneAreAppended() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let input = [
      #"{"id":"r","date":"2025-02-01","kind":"retract","attrs":{"target":"c"}}"#,
      #"{"id":"b","date":"2025-01-02","kind":"launch","org":"acme","subject":"acme/r","source":{"title":"s"}}"#,
      #"{"id":"a","date":"2025-01-01","kind":"launch","org":"acme","subject":"acme/r","supersedes":"b","source":{"title":"s"}}"#,
      #"{"id":"c","date":"2025-01-03","kind":"pause","org":"acme","subject":"acme/r","source":{"title":"s"}}"#,
    ].joined(separator: "\n") + "\n"
    let result = try timeline(["--log", log, "add", "--stdin"], stdin: input)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines == ["r", "b", "a", "c"])
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "\(check.stdout)")
  }
}

/// `import` appends a batch in recorded order, then line order, and checks
/// corrections in that order: a line without `recorded` that supersedes a
/// later one is refused, as on `add --stdin`, and so is a ring of
/// corrections. A correction recorded before its target in another log (two
/// writers' clocks differ) keeps its time, so that an export imports back.
@Test func importRefusesACorrectionOfALaterLineAndARingButKeepsGivenRecordedTimes() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = dir + "/in.jsonl"
    let target = #"{"id":"b","date":"2025-01-02","kind":"launch","org":"acme","subject":"acme/r","source":{"title":"s"}"#
    let correction = #"{"id":"a","date":"2025-01-01","kind":"launch","org":"acme","subject":"acme/r","supersedes":"b","source":{"title":"s"}"#
    let before = snapshot(log)
    try writeLines([correction + "}", target + "}"], to: file)
    let forward = try timeline(["--log", log, "import", file])
    #expect(forward.status == 65)
    #expect(forward.stderr.contains("\(file):1: cannot supersede b: it comes later in this batch (\(file):2); a correction replaces an earlier event, so put b first"), "\(forward.stderr)")
    #expect(snapshot(log) == before)
    let ring = #"{"id":"b","date":"2025-01-02","kind":"pause","org":"acme","subject":"acme/r","supersedes":"a","source":{"title":"s"}"#
    try writeLines([correction + #","recorded":"2099-01-01T00:00:00.001Z"}"#, ring + #","recorded":"2099-01-01T00:00:00.002Z"}"#], to: file)
    let cycle = try timeline(["--log", log, "import", file])
    #expect(cycle.status == 65)
    #expect(cycle.stderr.contains("\(file):1: cannot supersede b: it comes later in this batch (\(file):2)"), "\(cycle.stderr)")
    #expect(snapshot(log) == before)
    try writeLines([correction + #","recorded":"2099-01-01T00:00:00.001Z"}"#, target + #","recorded":"2099-01-01T00:00:00.002Z"}"#], to: file)
    let skewed = try timeline(["--log", log, "import", file])
    #expect(skewed.status == 0, "\(skewed.stderr)")
  }
}

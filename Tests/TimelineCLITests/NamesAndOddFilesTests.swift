import Foundation
import Testing

// Issue 10, items 6 and 7: names that only look like others, and odd log files.

private let hireAnn = ["add", "hire", "--date", "2025-12-09", "--org", "openai", "--subject", "ann", "--source-title", "t"]

/// A stored line with a chosen id and recorded time (the seconds), holding `attrs` (JSON).
private func storedLine(_ id: String, _ second: Int, kind: String, subject: String? = nil, attrs: String) -> String {
  let subjectField = subject.map { #","subject":"\#($0)""# } ?? ""
  return #"{"id":"\#(id)","date":"2025-12-09","kind":"\#(kind)","org":"openai"\#(subjectField),"attrs":\#(attrs),"confidence":"reported","source":{"title":"t"},"recorded":"2025-12-20T00:00:\#(String(format: "%02d", second)).000Z"}"#
}

/// A log already holding every kind of look-alike name (written by hand or by an older timeline).
private let lookAlikeLines = [
  storedLine("h1", 1, kind: "hire", subject: "ann", attrs: #"{"role":"CEO"}"#),
  storedLine("h2", 2, kind: "hire", subject: "bob", attrs: #"{"role":"ceo"}"#),
  storedLine("h3", 3, kind: "hire", subject: "cat", attrs: #"{"role":"CRO "}"#),
  storedLine("h4", 4, kind: "hire", subject: "dan", attrs: "{\"role\":\"CFO\u{00A0}\"}"),
  storedLine("c1", 5, kind: "codename", attrs: "{\"codename\":\"caf\u{00E9}\"}"),
  storedLine("c2", 6, kind: "codename", attrs: "{\"codename\":\"cafe\u{0301}\"}"),
  storedLine("c3", 7, kind: "codename", attrs: "{\"codename\":\"olive\u{200B}cake\"}"),
  storedLine("l1", 8, kind: "launch", subject: "openai/x", attrs: #"{"type":"Model"}"#),
  // The same zero-width space written as a JSON escape, out of canonical key order.
  #"{"recorded":"2025-12-20T00:00:09.000Z","id":"c4","date":"2025-12-09","kind":"codename","org":"openai","attrs":{"codename":"tea\u200bcake"},"source":{"title":"t"}}"#,
]

/// Add, --stdin and import refuse a name with white space at an end, a no-break space or a format character.
@Test(arguments: [
  ("role=CEO ", #""CEO ""#, "ends with white space"),
  ("role=CEO\u{00A0}", #""CEO\u{00A0}""#, "U+00A0"),
  ("role=C\u{200B}EO", #""C\u{200B}EO""#, "U+200B"),
] as [(String, String, String)])
func lookAlikeNamesAreRefusedByAddStdinAndImport(setting: String, shown: String, fault: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    let role = String(setting.dropFirst(5))
    let json = "\"" + role + "\""  // no character here needs a JSON escape
    let stdinLine = #"{"date":"2025-12-09","kind":"hire","org":"openai","subject":"ann","attrs":{"role":\#(json)},"source":{"title":"t"}}"#
    try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
    try writeLines([stdinLine], to: dir + "/in/hire.jsonl")
    try writeLines(["date,kind,org,subject,attrs.role,source.title", "2025-12-09,hire,openai,ann,\(role),t"], to: dir + "/in/hire.csv")
    let runs: [(String, RunResult)] = [
      ("add", try timeline(["--log", log] + hireAnn + ["--set", setting])),
      ("add --stdin", try timeline(["--log", log, "add", "--stdin"], stdin: stdinLine + "\n")),
      ("import jsonl", try timeline(["--log", log, "import", dir + "/in/hire.jsonl", "--format", "jsonl"])),
      ("import csv", try timeline(["--log", log, "import", dir + "/in/hire.csv", "--format", "csv"])),
    ]
    for (what, result) in runs {
      #expect(result.status == 65, "\(what): \(result.stderr)")
      #expect(result.stderr.hasPrefix("timeline: error: "), "\(what): \(result.stderr)")
      for piece in [shown, fault, "role", #"write "CEO""#] {
        #expect(result.stderr.contains(piece), "\(what) does not say \(piece): \(result.stderr)")
      }
      #expect(result.stdout.isEmpty, "\(what): \(result.stdout)")
    }
    #expect(runs[1].1.stderr.contains("<stdin>:1"))
    #expect(runs[2].1.stderr.contains("hire.jsonl:1"))
    #expect(runs[3].1.stderr.contains("hire.csv:2"))
    #expect(snapshot(dir).filter { !$0.key.contains("/in/") } == before, "every log file byte for byte as it was")
  }
}

/// Each of the other names is checked too: codename, label, focus and
/// deprioritize items, metric name and unit, launch type.
@Test(arguments: [
  ["add", "codename", "--date", "2025-12", "--org", "openai", "--set", "codename=olive\u{200B}cake"],
  ["add", "strategy", "--date", "2025-12", "--org", "openai", "--set", "label=code red\u{202F}"],
  ["add", "strategy", "--date", "2025-12", "--org", "openai", "--set", "focus=openai/sora\u{FEFF}"],
  ["add", "strategy", "--date", "2025-12", "--org", "openai", "--set", "deprioritize= openai/sora"],
  ["add", "metric", "--date", "2025-12", "--org", "openai", "--set", "name=users\u{2007}", "--set", "value=1"],
  ["add", "metric", "--date", "2025-12", "--org", "openai", "--set", "name=users", "--set", "value=1", "--set", "unit=USD\u{200E}"],
  ["add", "launch", "--date", "2025-12", "--subject", "openai/x", "--set", "type=model "],
])
func everyKindOfNameIsRefusedByAdd(arguments: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    let result = try timeline(["--log", log] + arguments)
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stderr.contains("names are compared exactly"), "\(result.stderr)")
    #expect(snapshot(dir) == before)
  }
}

/// Names that are each fine but clash with another (CEO and ceo, NFC and NFD
/// café) are accepted by add, --stdin and import, and check warns about them,
/// naming both and where each is; a launch type Model is accepted with a warning.
@Test func clashingNamesAreAcceptedAndCheckNamesBoth() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let add = try timeline(["--log", log] + hireAnn + ["--set", "role=CEO"])
    #expect(add.status == 0, "\(add.stderr)")
    let stdin = [
      #"{"date":"2025-12-09","kind":"hire","org":"openai","subject":"bob","attrs":{"role":"ceo"},"source":{"title":"t"}}"#,
      #"{"date":"2025-12-09","kind":"codename","org":"openai","attrs":{"codename":"caf\u00e9"},"source":{"title":"t"}}"#,
    ].joined(separator: "\n") + "\n"
    let batch = try timeline(["--log", log, "add", "--stdin"], stdin: stdin)
    #expect(batch.status == 0, "\(batch.stderr)")
    try writeLines(["date,kind,org,subject,attrs.codename,attrs.type,source.title", "2025-12-10,launch,openai,openai/x,cafe\u{0301},Model,t"], to: dir + "/in.csv")
    let imported = try timeline(["--log", log, "import", dir + "/in.csv", "--format", "csv"])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stderr.contains(#"warning: \#(dir)/in.csv:2: launch type "Model" differs from the known type "model" only in case"#), "\(imported.stderr)")
    let typed = try timeline(["--log", log, "add", "launch", "--date", "2025-12-11", "--subject", "openai/y", "--set", "type=Model", "--source-title", "t"])
    #expect(typed.status == 0)
    #expect(typed.stderr.contains(#"timeline: warning: launch type "Model" differs from the known type "model" only in case"#), "\(typed.stderr)")

    let file = log + "/log.jsonl"
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "warnings do not fail: \(check.stdout)")
    #expect(check.stdout.contains(#"\#(file):2: warning: role "ceo" and "CEO" (at \#(file):1) differ only in case"#), "\(check.stdout)")
    #expect(check.stdout.contains(#"\#(file):4: warning: codename "café" (written "cafe\u{0301}") and "café" (written "caf\u{00E9}", at \#(file):3) differ only in Unicode normalization"#), "\(check.stdout)")
    #expect(check.stdout.contains(#"\#(file):4: warning: launch type "Model" differs from the known type "model" only in case"#), "\(check.stdout)")
    #expect(check.stdout.contains(#"\#(file):5: warning: launch type "Model""#), "\(check.stdout)")
  }
}

/// A log that already holds look-alike names answers every query (the fast
/// scanner and the strict codec read such lines), and check warns about each
/// at file:line without failing.
@Test func lookAlikeNamesInTheLogAreCheckWarningsNotReplayErrors() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, lookAlikeLines)
    let file = log + "/log.jsonl"
    let before = snapshot(dir)
    for query in [["state", "--at", "2025-12-31"], ["log"], ["lineage"], ["strategy"], ["diff", "2025-11", "2025-12"], ["export", "--format", "jsonl"]] {
      let result = try timeline(["--log", log] + query)
      #expect(result.status == 0, "\(query): \(result.stderr)")
    }
    let state = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(state["orgs"]?["openai"]?["roles"]?["CRO "]?["person"] == .string("cat"))
    #expect(state["orgs"]?["openai"]?["codenames"]?["tea\u{200B}cake"]?["event"] == .string("c4"))
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "\(check.stdout)")
    for expected in [
      #"\#(file):2: warning: role "ceo" and "CEO" (at \#(file):1) differ only in case"#,
      #"\#(file):3: warning: role "CRO " ends with white space (U+0020 SPACE, character 4)"#,
      #"\#(file):4: warning: role "CFO\u{00A0}" holds a no-break space (U+00A0 NO-BREAK SPACE, character 4)"#,
      #"\#(file):6: warning: codename "café" (written "cafe\u{0301}") and "café" (written "caf\u{00E9}", at \#(file):5) differ only in Unicode normalization"#,
      #"\#(file):7: warning: codename "olive\u{200B}cake" holds an invisible format character (U+200B ZERO WIDTH SPACE, character 6)"#,
      #"\#(file):8: warning: launch type "Model" differs from the known type "model" only in case"#,
      #"\#(file):9: warning: codename "tea\u{200B}cake" holds an invisible format character"#,
    ] {
      #expect(check.stdout.contains(expected), "check does not say \(expected):\n\(check.stdout)")
    }
    #expect(check.stdout.contains("no errors, 7 warnings"), "\(check.stdout)")
    #expect(snapshot(dir) == before)
  }
}

// MARK: - Odd files

/// A byte order mark at the start of a log file is an error naming it, for queries and check.
@Test func byteOrderMarkInTheLogIsAnErrorNamingIt() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let file = log + "/log.jsonl"
    try writeBytes([0xef, 0xbb, 0xbf] + Array(industryLines.map { $0 + "\n" }.joined().utf8), to: file)
    let before = snapshot(dir)
    for query in [["state"], ["log"], ["check"]] {
      let result = try timeline(["--log", log] + query)
      #expect(result.status == 65, "\(query)")
      let said = result.stderr + result.stdout
      #expect(said.contains("\(file):1:"), "\(said)")
      #expect(said.contains("a byte order mark (BOM, the bytes EF BB BF) at the start of \(file)"), "\(said)")
      #expect(said.contains(#"sed -i '1s/^\xEF\xBB\xBF//' \#(file)"#), "\(said)")
    }
    #expect(snapshot(dir) == before)
  }
}

/// An import file that starts with a byte order mark (a spreadsheet's CSV) is read without it.
@Test(arguments: ["csv", "jsonl"])
func importReadsAFileThatStartsWithAByteOrderMark(format: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let text = format == "csv"
      ? "date,kind,org,subject,attrs.type,source.title\n2025-12-11,launch,openai,openai/gpt-5.2,model,Introducing GPT-5.2\n"
      : #"{"date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/gpt-5.2","attrs":{"type":"model"},"source":{"title":"Introducing GPT-5.2"}}"# + "\n"
    try writeBytes([0xef, 0xbb, 0xbf] + Array(text.utf8), to: dir + "/in." + format)
    let result = try timeline(["--log", log, "import", dir + "/in." + format, "--format", format])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = fileLines(log + "/log.jsonl")
    #expect(lines.count == 1)
    #expect(lines.first?.contains(#""subject":"openai/gpt-5.2""#) == true)
    #expect(lines.first?.utf8.first == UInt8(ascii: "{"))
  }
}

/// Blank lines at the end of a file are a warning: every query answers as
/// without them, check warns, nothing is written.
@Test(arguments: ["\n", "\n\n", "  \t\r\n", "\n   \n\r\n"])
func blankLinesAtTheEndAreAWarning(tail: String) throws {
  try withTemporaryDirectory { dir throws in
    let whole = try folderLog(dir + "/whole")
    let log = try folderLog(dir + "/blank")
    let file = log + "/log.jsonl"
    try writeBytes(Array((industryLines.map { $0 + "\n" }.joined() + tail).utf8), to: file)
    let before = snapshot(dir)
    for query in [["state"], ["log"], ["lineage"], ["strategy"], ["diff", "2025-11", "2025-12"]] {
      let got = try timeline(["--log", log] + query + ["--json"])
      #expect(got.status == 0, "\(query): \(got.stderr)")
      #expect(got.stderr.hasPrefix("timeline: warning: \(file):\(industryLines.count + 1): "), "\(got.stderr)")
      #expect(got.stderr.contains("blank line"), "\(got.stderr)")
      #expect(got.stderr.contains("check --repair"), "\(got.stderr)")
      let expected = try timeline(["--log", whole] + query + ["--json"])
      #expect(got.stdout == expected.stdout, "\(query): answers as without the blank lines")
    }
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "\(check.stdout)")
    #expect(check.stdout.contains("\(file):\(industryLines.count + 1): warning: "), "\(check.stdout)")
    #expect(check.stdout.contains("blank line"))
    #expect(snapshot(dir) == before, "queries and check change nothing")
    // add would put the blank lines inside the log: it removes them first, says so, and appends.
    let add = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "openai"])
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stderr.contains("blank line"), "\(add.stderr)")
    let bytes = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
    #expect(bytes.hasPrefix(industryLines.map { $0 + "\n" }.joined()))
    #expect(!bytes.contains("\n\n") && bytes.split(separator: "\n").count == industryLines.count + 1, "the event follows the last one, no blank line between")
    let after = try timeline(["--log", log, "check"])
    #expect(after.status == 0 && !after.stdout.contains("blank line"), "\(after.stdout)")
  }
}

/// A blank line followed by an event stays an error, for queries and check.
@Test func blankLineInTheMiddleIsStillAnError() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let file = log + "/log.jsonl"
    try writeBytes(Array((industryLines[0] + "\n \n\n" + industryLines[1] + "\n\n").utf8), to: file)
    let before = snapshot(dir)
    let state = try timeline(["--log", log, "state"])
    #expect(state.status == 65)
    #expect(state.stderr.contains("\(file):2: a blank line inside the log"), "\(state.stderr)")
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 65)
    #expect(check.stdout.contains("\(file):2: error: a blank line inside the log"), "\(check.stdout)")
    #expect(check.stdout.contains("\(file):5: warning: "), "the final blank line is still a warning: \(check.stdout)")
    #expect(snapshot(dir) == before)
  }
}

/// Lines of a file over 4 MiB, read in two parts split at a line break.
private func largeLog(events: Int) -> [String] {
  (0..<events).map { index in
    let time = String(format: "2025-12-20T%02d:%02d:%02d.%03dZ", index / 3_600_000 % 24, index / 60_000 % 60, index / 1000 % 60, index % 1000)
    return #"{"id":"n\#(index)","date":"2025-12-09","kind":"report","org":"openai","note":"\#(String(repeating: "x", count: 120))","confidence":"reported","source":{"title":"t"},"recorded":"\#(time)"}"#
  }
}

/// In a large file read in two parts, blank lines that end the first part
/// are an error when the second holds events, and one warning when the
/// second holds only more blank lines.
@Test func blankLinesAtThePartBoundaryOfALargeFile() throws {
  try withTemporaryDirectory { dir throws in
    let lines = largeLog(events: 24_000)
    let body = lines.map { $0 + "\n" }.joined()
    let half = body.utf8.count
    let log = try folderLog(dir, [])
    let file = log + "/log.jsonl"
    // A blank line of spaces across the middle of the file, events after it: an error there.
    let wide = String(repeating: " ", count: 4096) + "\n"
    try writeBytes(Array((body + wide + body.replacingOccurrences(of: #""id":"n"#, with: #""id":"m"#).replacingOccurrences(of: "2025-12-20T", with: "2025-12-21T")).utf8), to: file)
    let split = try timeline(["--log", log, "state"])
    #expect(split.status == 65)
    #expect(split.stderr.contains("\(file):\(lines.count + 1): a blank line inside the log"), "\(split.stderr)")
    let checked = try timeline(["--log", log, "check"])
    #expect(checked.status == 65)
    #expect(checked.stdout.contains("\(file):\(lines.count + 1): error: a blank line inside the log"), "\(checked.stdout.suffix(500))")
    // Blank lines from before the middle to the end: one warning at the first.
    let blanks = String(repeating: wide, count: half / wide.utf8.count + 2)
    try writeBytes(Array((body + blanks).utf8), to: file)
    let tail = try timeline(["--log", log, "log", "--json"])
    #expect(tail.status == 0, "\(tail.stderr)")
    #expect(tail.stderr.contains("timeline: warning: \(file):\(lines.count + 1): \(half / wide.utf8.count + 2) blank lines at the end"), "\(tail.stderr)")
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0)
    #expect(check.stdout.contains("\(file):\(lines.count + 1): warning: \(half / wide.utf8.count + 2) blank lines at the end"), "\(check.stdout.suffix(500))")
  }
}

/// A log folder without a .jsonl file (or TIMELINE_LOG=/) says so, and answers as an empty log.
@Test func aFolderWithoutLogFilesSaysSo() throws {
  try withTemporaryDirectory { dir throws in
    let folder = dir + "/notes"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try writeLines(["not a log"], to: folder + "/README.txt")
    let before = snapshot(dir)
    for arguments in [["state"], ["log"], ["check"]] {
      let result = try timeline(["--log", folder] + arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("timeline: note: the log folder \(folder) holds no .jsonl file"), "\(result.stderr)")
    }
    let root = try timeline(["state"], environment: ["TIMELINE_LOG": "/"])
    #expect(root.status == 0)
    #expect(root.stderr.contains("timeline: note: the log folder / holds no .jsonl file"), "\(root.stderr)")
    #expect(snapshot(dir) == before)
  }
}

/// Hidden `.jsonl` files in a log folder are not the log's, as the shell's
/// `*.jsonl` would not match them: an editor's lock, macOS's `._` copy
/// beside a file, a scratch file. Each would otherwise add events or stop
/// every question with 65.
@Test func hiddenFilesInALogFolderAreNotRead() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let expected = try timeline(["--log", log, "log", "--json"], environment: ["TIMELINE_TODAY": "2026-01-31"])
    #expect(expected.status == 0, "\(expected.stderr)")
    try writeLines([industryLines[0].replacingOccurrences(of: "2025-12", with: "2024-12")], to: log + "/.scratch.jsonl")
    try writeBytes([0x00, 0x05, 0x16, 0x07, 0xff, 0xfe], to: log + "/._log.jsonl")
    try FileManager.default.createSymbolicLink(atPath: log + "/.#log.jsonl", withDestinationPath: "ann@host.1234")
    let before = snapshot(dir)
    let listed = try timeline(["--log", log, "log", "--json"], environment: ["TIMELINE_TODAY": "2026-01-31"])
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout == expected.stdout)
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("in 1 file"), "\(check.stdout)")
    #expect(!check.stdout.contains(".scratch") && !check.stdout.contains("._log"), "\(check.stdout)")
    #expect(snapshot(dir) == before)
  }
}

/// A window that ends before it starts is a usage error in every command, in one wording.
@Test(arguments: [
  (["log", "--from", "2025-12", "--to", "2025-11"], "--to 2025-11 (2025-11-30) is before --from 2025-12 (2025-12-01)"),
  (["strategy", "--from", "2025-12-10", "--to", "2025-12-09"], "--to 2025-12-09 is before --from 2025-12-10"),
  (["export", "--format", "jsonl", "--from", "2025-12", "--to", "2025-11-30"], "--to 2025-11-30 is before --from 2025-12 (2025-12-01)"),
  (["render", "--from", "2025-12", "--to", "2025-11"], "--to 2025-11 (2025-11-30) is before --from 2025-12 (2025-12-01)"),
  (["diff", "2025-12-10", "2025-11-15"], "TO 2025-11-15 is before FROM 2025-12-10"),
  (["diff", "2025-12", "2025-12-15"], "TO 2025-12-15 is before FROM 2025-12 (2025-12-31)"),
] as [([String], String)])
func reversedWindowIsAUsageError(arguments: [String], message: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    let result = try timeline(["--log", log] + arguments)
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("timeline: error: the window ends before it starts: \(message)"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(snapshot(dir) == before)
  }
}

/// diff's reversed window explains a partial FROM only when FROM is one:
/// `today` is a whole day, as a full date is.
@Test(arguments: [
  (["diff", "2025-12", "2025-12-15"], true),
  (["diff", "2025-Q4", "2025-11-01"], true),
  (["diff", "today", "yesterday"], false),
  (["diff", "2025-12-16..2025-12-15"], false),
] as [([String], Bool)])
func diffSaysAPartialFromIsTheEndOfItsPeriodOnlyForAPartialFrom(arguments: [String], partial: Bool) throws {
  try withTemporaryDirectory { dir throws in
    let result = try timeline(["--log", try folderLog(dir), "--today", "2025-12-20"] + arguments)
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("a partial FROM means the end of its period") == partial, "\(result.stderr)")
  }
}

@Test func windowsThatDoNotEndBeforeTheyStartStillAnswer() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    for arguments in [["log", "--from", "2025-12", "--to", "2025-12"], ["diff", "2025-12-15", "2025-12"], ["diff", "2025-12", "2025-12"], ["strategy", "--from", "2025-12-10", "--to", "2025-12-10"]] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
  }
}

/// A log file whose name is not UTF-8 cannot be opened by the name the
/// folder listing gives: every question stops with 66 naming it, rather
/// than answer without its events.
@Test func aLogFileWhoseNameIsNotUTF8StopsEveryQuestion() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let made = try shell("cp '\(log)/log.jsonl' \"\(log)/$(printf 'caf\\351.jsonl')\" && rm '\(log)/log.jsonl'")
    #expect(made.status == 0, "\(made.stderr)")
    for arguments in [["state"], ["log"], ["check"]] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 66, "\(arguments): \(result.stdout) \(result.stderr)")
      #expect(result.stderr.contains("its name is not UTF-8"), "\(result.stderr)")
    }
  }
}

/// A log file that is a symbolic link whose target is gone (a share not
/// mounted) stops every question with 66 naming it, rather than answer
/// without its events; a link that leads to a file is read as the file.
@Test func aLogFileLinkedToNothingStopsEveryQuestion() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let elsewhere = dir + "/share"
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    let line = #"{"id":"shared1","date":"2025-06-01","kind":"report","org":"acme","confidence":"reported","recorded":"2025-06-02T00:00:00.000Z"}"#
    try (line + "\n").write(toFile: elsewhere + "/bob.jsonl", atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: log + "/bob.jsonl", withDestinationPath: elsewhere + "/bob.jsonl")
    let linked = try timeline(["--log", log, "log", "--json"])
    #expect(linked.status == 0 && linked.stdout.contains("shared1"), "\(linked.stderr)")
    try FileManager.default.removeItem(atPath: elsewhere + "/bob.jsonl")
    let before = snapshot(dir)
    for arguments in [["state"], ["log"], ["check"], ["why", "acme"]] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 66, "\(arguments): \(result.stdout) \(result.stderr)")
      #expect(result.stderr.contains("cannot read the log file \(log)/bob.jsonl: it is a symbolic link to \(elsewhere)/bob.jsonl, which leads to no file"), "\(result.stderr)")
      #expect(result.stdout.isEmpty)
    }
    #expect(snapshot(dir) == before)
  }
}

import Foundation
import ReferenceModel
import Testing

// Issue 13, item 4: import infers its format, CSV export has a column per attr
// and reads back exactly.

@Test func importTellsTheFormatFromTheFileName() throws {
  try withTemporaryDirectory { dir in
    let event = #"{"date":"2025-01-01","kind":"report","org":"acme","note":"one"}"#
    try writeLines([event], to: dir + "/a.jsonl")
    try writeLines([event.replacing("one", with: "two")], to: dir + "/b.NDJSON")
    try writeLines(["[" + event.replacing("one", with: "three") + "]"], to: dir + "/c.json")
    try writeLines(["date,kind,org,note", "2025-01-02,report,acme,four"], to: dir + "/d.csv")
    let log = dir + "/log"
    for name in ["a.jsonl", "b.NDJSON", "c.json", "d.csv"] {
      let result = try timeline(["--log", log, "import", dir + "/" + name])
      #expect(result.status == 0, "\(name): \(result.stderr)")
      #expect(result.stdout.contains("1 event; appended 1"), "\(name): \(result.stdout)")
    }
    #expect(try timeline(["--log", log, "export", "--format", "jsonl"]).stdout.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 4)
    // --format still wins over the name.
    try writeLines([event.replacing("one", with: "five")], to: dir + "/e.csv")
    #expect(try timeline(["--log", log, "import", dir + "/e.csv", "--format", "jsonl"]).status == 0)
  }
}

@Test func importRefusesStandardInputWithoutFormatAndUnknownNames() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir + "/log")
    let before = snapshot(log)
    let piped = try timeline(["--log", log, "import", "-"], stdin: #"{"date":"2025-01-01","kind":"report","org":"acme"}"# + "\n")
    #expect(piped.status == 64)
    #expect(piped.stderr.contains("reading standard input (-) needs --format csv, jsonl or json"), "\(piped.stderr)")
    try writeLines(["date,kind,org"], to: dir + "/events.txt")
    let unknown = try timeline(["--log", log, "import", dir + "/events.txt"])
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("cannot tell the format of '\(dir)/events.txt' from its name"), "\(unknown.stderr)")
    #expect(unknown.stderr.contains(".csv, .jsonl, .ndjson, .json"))
    #expect(snapshot(log) == before, "a refused import changed the log")
    // With --format, standard input is read.
    let given = try timeline(["--log", log, "import", "-", "--format", "jsonl"], stdin: #"{"date":"2025-01-01","kind":"report","org":"acme"}"# + "\n")
    #expect(given.status == 0, "\(given.stderr)")
  }
}

/// Events whose attrs need every kind of column: schema-typed, free-form typed, and JSON.
private let attrLines = [
  #"{"date":"2025-01-01","kind":"report","org":"acme","attrs":{"count":3,"ok":true,"tags":["a","b"],"text":"42","empty":"","semi":["x;y"],"none":[],"a:b":"c","neg":-1.5e-7,"big":1e300,"pad":[" pad"],"formula":"=1+1","minus":"-3"},"note":"free attrs"}"#,
  #"{"date":"2025-01-02","kind":"x-deal","org":"acme","attrs":{"count":"three","value":12,"ok":false}}"#,
  #"{"date":"2025-01-03","kind":"metric","org":"acme","attrs":{"name":"valuation","value":500000000000,"unit":"USD"}}"#,
  #"{"date":"2025-01-04","kind":"metric","org":"acme","attrs":{"name":"revenue","value":-0.25}}"#,
  #"{"date":"2025-01-05","kind":"strategy","org":"acme","attrs":{"focus":["agents","coding"],"deprioritize":["a;b"]}}"#,
]

@Test func csvExportHasOneColumnPerAttrName() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: attrLines.joined(separator: "\n") + "\n").status == 0)
    let csv = try timeline(["--log", log, "export", "--format", "csv"]).stdout
    let rows = csv.components(separatedBy: "\r\n")
    #expect(rows[0] == "id,date,kind,org,subject,confidence,note,attrs.a:b:json,attrs.big:number,attrs.count,attrs.count:number,attrs.deprioritize:json,attrs.empty:json,attrs.focus,attrs.formula,attrs.minus,attrs.name,attrs.neg:number,attrs.none:json,attrs.ok:bool,attrs.pad:json,attrs.semi:json,attrs.tags:list,attrs.text,attrs.unit,attrs.value,attrs.value:number,source.title,source.publisher,source.url,source.date,supersedes,recorded")
    let header = rows[0].components(separatedBy: ",")
    func cells(_ kind: String, _ note: String? = nil) -> [String: String] {
      let row = rows.first { $0.contains(",\(kind),") && (note.map($0.contains) ?? true) }!
      return Dictionary(uniqueKeysWithValues: zip(header, row.components(separatedBy: ",")))
    }
    let valuation = cells("metric", "valuation")
    #expect(valuation["attrs.name"] == "valuation" && valuation["attrs.value"] == "500000000000" && valuation["attrs.unit"] == "USD")
    #expect(cells("metric", "revenue")["attrs.value"] == "'-0.25", "a negative number is made inert like any cell")
    let strategy = cells("strategy")
    #expect(strategy["attrs.focus"] == "agents;coding")
    let deal = cells("x-deal")
    #expect(deal["attrs.count"] == "three" && deal["attrs.value:number"] == "12" && deal["attrs.ok:bool"] == "false")
    #expect(csv.contains(",3,") && csv.contains(",true,") && csv.contains(",a;b,") && csv.contains(",1e+300,"))
    #expect(csv.contains(#","""""","#), "an empty string is JSON \"\"")
    #expect(csv.contains(#","[""x;y""]","#), "a list item with ; is JSON")
  }
}

/// export (csv or jsonl) -> import into an empty log: state --json and log --json are the same bytes.
private func expectAnswersSurviveRoundTrip(_ log: String, in dir: String) throws {
  for format in ["csv", "jsonl"] {
    let file = dir + "/export.\(format)"
    let copy = dir + "/copy-\(format)"
    #expect(try timeline(["--log", log, "export", "--format", format, "-o", file]).status == 0)
    let imported = try timeline(["--log", copy, "import", file])
    #expect(imported.status == 0, "\(format): \(imported.stderr)")
    for query in [["state", "--json"], ["log", "--json"], ["state", "--json", "--at", "2024-06-30"], ["export", "--format", "jsonl"]] {
      let original = try timeline(["--log", log, "--today", "2026-01-01"] + query)
      let copied = try timeline(["--log", copy, "--today", "2026-01-01"] + query)
      #expect(original.status == 0 && !original.stdout.isEmpty, "\(query): \(original.stderr)")
      #expect(copied.stdout == original.stdout, "\(format): \(query.joined(separator: " ")) differs after the round trip")
    }
  }
}

/// The generated events that import accepts: the generator also writes
/// references that add and import refuse (retracting a retraction, superseding
/// a missing event), which a log can hold but no import can bring in.
private func importable(_ events: [GenEvent]) -> [GenEvent] {
  var kept = events
  while true {
    let kinds = Dictionary(kept.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
    let next = kept.filter { event in
      let target = event.kind == "retract" ? event.string("target") : event.supersedes
      guard let target else { return true }
      return kinds[target].map { $0 != "retract" } ?? false
    }
    if next.count == kept.count { return kept }
    kept = next
  }
}

@Test func csvAndJsonlRoundTripsKeepEveryAnswer() throws {
  try withTemporaryDirectory { dir in
    let free = dir + "/free"
    #expect(try timeline(["--log", free, "add", "--stdin"], stdin: attrLines.joined(separator: "\n") + "\n").status == 0)
    var generator = LogGenerator(seed: 1313)
    let generated = dir + "/generated"
    try FileManager.default.createDirectory(atPath: generated, withIntermediateDirectories: true)
    try writeLines(importable(generator.log(count: 3_000)).map(\.line), to: generated + "/log.jsonl")
    for (index, log) in [checkoutRoot + "/events", free, generated].enumerated() {
      let work = dir + "/rt\(index)"
      try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
      try expectAnswersSurviveRoundTrip(log, in: work)
    }
  }
}

@Test func theOlderCsvWithOneAttrsCellIsStillRead() throws {
  try withTemporaryDirectory { dir in
    let old = """
      id,date,kind,org,subject,confidence,note,attrs,source.title,source.publisher,source.url,source.date,supersedes,recorded\r
      ,2025-12,metric,openai,,reported,,"{""name"":""valuation"",""unit"":""USD"",""value"":500000000000}",,,,,,\r

      """
    try old.write(toFile: dir + "/old.csv", atomically: true, encoding: .utf8)
    let result = try timeline(["--log", dir + "/log", "import", dir + "/old.csv"])
    #expect(result.status == 0, "\(result.stderr)")
    let events = try timeline(["--log", dir + "/log", "export", "--format", "jsonl"]).stdout
    #expect(events.contains(#""attrs":{"name":"valuation","unit":"USD","value":500000000000}"#), "\(events)")
  }
}

@Test func exportLayoutCellsThatAreNotTheirTypeAreRejectedWithTheirLine() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: attrLines.joined(separator: "\n") + "\n").status == 0)
    var csv = try timeline(["--log", log, "export", "--format", "csv"]).stdout
    csv = csv.replacing(",500000000000,", with: ",half a trillion,").replacing(",false,", with: ",no,")
    // Content ids would no longer match the changed content: let import compute them.
    let rows = csv.components(separatedBy: "\r\n").map { $0.hasPrefix("id,") ? $0 : $0.replacing(/^[0-9a-f]{12},/, with: ",") }
    try rows.joined(separator: "\r\n").write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
    let copy = try folderLog(dir + "/copy")
    let before = snapshot(copy)
    let result = try timeline(["--log", copy, "import", dir + "/bad.csv"])
    #expect(result.status == 65)
    #expect(result.stderr.contains("bad.csv:3: 'attrs.ok:bool': 'no' is not true or false"), "\(result.stderr)")
    #expect(result.stderr.contains("bad.csv:4: 'attrs.value': 'half a trillion' is not a number"), "\(result.stderr)")
    #expect(snapshot(copy) == before)
  }
}

/// The README's "typical spreadsheet import", exactly as written there.
@Test func theReadmeSpreadsheetImportWorks() throws {
  try withTemporaryDirectory { dir in
    let sheet = """
      Date,Company,Product,What happened
      2025-11-12,OpenAI,GPT-5.1,"Released to paid users first, free users a week later"
      2025-11-18,Google,Gemini 3 Pro,Launched in the Gemini app and AI Studio
      2025-11-24,Anthropic,Claude Opus 4.5,A third of the price of Opus 4.1

      """
    try sheet.write(toFile: dir + "/launches.csv", atomically: true, encoding: .utf8)
    let result = try shell(
      "cd '\(dir)' && '\(timelineBinary)' --log events import launches.csv --kind launch --map Date=date --map Company=org:slug --map Product=subject:slug --map 'What happened=note'")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("3 rows read from launches.csv; 3 events; appended 3"), "\(result.stdout)")
    let state = try timeline(["--log", dir + "/events", "state", "--at", "2025-11-30"]).stdout
    for product in ["openai/gpt-5.1", "google/gemini-3-pro", "anthropic/claude-opus-4.5"] {
      #expect(state.contains(product), "\(product) missing from\n\(state)")
    }
  }
}

// Issue 13, item 4: completion offers the log's names.

@Test func completeListsTheLogsNamesAndNeverFailsLoudly() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir + "/log")
    #expect(try timeline(["--log", log, "add", "hire", "--date", "2025-12-09", "--org", "openai", "--subject", "denise-dresser", "--set", "role=CRO"]).status == 0)
    let orgs = try timeline(["--log", log, "complete", "orgs"])
    #expect(orgs.status == 0 && orgs.stderr.isEmpty)
    #expect(orgs.stdout.split(separator: "\n").contains("openai"))
    #expect(orgs.stdout.split(separator: "\n").map(String.init) == orgs.stdout.split(separator: "\n").map(String.init).sorted(), "sorted")
    #expect(try timeline(["--log", log, "complete", "people"]).stdout == "denise-dresser\n")
    #expect(try timeline(["--log", log, "complete", "roles", "C"]).stdout == "CRO\n")
    #expect(try timeline(["--log", log, "complete", "set", "role="]).stdout == "role=CRO\n")
    let ids = try timeline(["--log", log, "complete", "ids"]).stdout.split(separator: "\n")
    #expect(ids.count == fileLines(try exportedJSONL(log)).count && !ids.isEmpty)
    let subjects = try timeline(["--log", log, "complete", "subjects", "openai/"]).stdout.split(separator: "\n")
    #expect(!subjects.isEmpty && subjects.allSatisfy { $0.hasPrefix("openai/") })
    // No log, an unknown kind, a bad log: nothing, exit 0, no error.
    for arguments in [["--log", dir + "/none", "complete", "orgs"], ["--log", log, "complete", "colours"], ["--log", dir + "/bad.jsonl", "complete", "orgs"]] {
      try writeLines(["not json"], to: dir + "/bad.jsonl")
      let quiet = try timeline(arguments)
      #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(arguments): \(quiet)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/none"), "complete created a log")
  }
}

private func exportedJSONL(_ log: String) throws -> String {
  let path = log + ".export.jsonl"
  try timeline(["--log", log, "export", "--format", "jsonl"]).stdout.write(toFile: path, atomically: true, encoding: .utf8)
  return path
}

/// Runs bash with the generated script and COMP_WORDS set as a shell would; the replies, one line per probe.
private func bashCompletions(_ probes: [(words: [String], cword: Int)], in dir: String) throws -> [String] {
  try timeline(["completion", "bash"]).stdout.write(toFile: dir + "/timeline.bash", atomically: true, encoding: .utf8)
  var script = "export PATH='\((timelineBinary as NSString).deletingLastPathComponent)':$PATH\nsource '\(dir)/timeline.bash'\n"
  for probe in probes {
    let words = probe.words.map { "'" + $0 + "'" }.joined(separator: " ")
    script += "COMP_WORDS=(\(words)); COMP_CWORD=\(probe.cword); COMPREPLY=(); _timeline; echo \"${COMPREPLY[*]}\"\n"
  }
  try script.write(toFile: dir + "/probe.bash", atomically: true, encoding: .utf8)
  let result = try shell("cd '\(dir)' && /bin/bash probe.bash")
  #expect(result.status == 0, "\(result.stderr)")
  return result.stdout.components(separatedBy: "\n").dropLast()
}

@Test func bashCompletesTheLogsNames() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    #expect(try timeline(["--log", log, "add", "hire", "--date", "2025-12-09", "--org", "openai", "--subject", "denise-dresser", "--set", "role=CRO"]).status == 0)
    let ids = try timeline(["--log", log, "complete", "ids"]).stdout.split(separator: "\n").map(String.init)
    let first = ids[0]
    let replies = try bashCompletions([
      (["timeline", "state", "--org", "o"], 3),
      (["timeline", "--log", log, "log", "--subject", "openai/"], 5),
      (["timeline", "retract", String(first.prefix(4))], 2),
      (["timeline", "add", "hire", "--set", "role", "=", "C"], 6),
      (["timeline", "add", "launch", "--supersedes", ""], 4),
      (["timeline", "--log", dir + "/nowhere", "state", "--org", ""], 5),
    ], in: dir)
    #expect(replies.count == 6)
    #expect(replies[0] == "openai")
    let products = try timeline(["--log", log, "complete", "subjects", "openai/"]).stdout.split(separator: "\n").joined(separator: " ")
    #expect(replies[1] == products && !products.isEmpty)
    #expect(replies[2].split(separator: " ").map(String.init) == ids.filter { $0.hasPrefix(first.prefix(4)) })
    #expect(replies[3] == "CRO")
    #expect(replies[4].split(separator: " ").count == ids.count)
    #expect(replies[5] == "", "no log: no names, and no error")
  }
}

// Issue 13, item 4: progress on a terminal only.

@Test func progressIsDrawnAndClearedOnATerminalOnly() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    try writeLines(industryLines, to: dir + "/in.jsonl")
    // Captured (not a terminal): never a progress line, however long it takes.
    for arguments in [["check"], ["state"], ["export", "--format", "csv"], ["import", dir + "/in.jsonl", "--dry-run"]] {
      let piped = try timeline(["--log", log] + arguments, environment: ["TIMELINE_PROGRESS_AFTER": "0"])
      #expect(piped.status == 0)
      #expect(!piped.stderr.contains("\r") && !piped.stderr.contains("..."), "\(arguments): \(piped.stderr)")
    }
    // On a terminal (script gives it a pseudo-terminal), drawn at once with TIMELINE_PROGRESS_AFTER=0, then cleared.
    for (arguments, what) in [("check", "checking the log"), ("state", "reading the log"), ("export --format jsonl", "exporting"),
                              ("import '\(dir)/in.jsonl' --dry-run", "reading \(dir)/in.jsonl")] {
      let result = try shell("TIMELINE_PROGRESS_AFTER=0 script -qec \"'\(timelineBinary)' --log '\(log)' \(arguments)\" /dev/null")
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      #expect(result.stdout.contains("\rtimeline: \(what)... 0s\u{1b}[K"), "\(arguments): \(result.stdout.debugDescription)")
      #expect(result.stdout.contains("\r\u{1b}[K"), "the line is cleared")
    }
    // Written to a file, the export's line is cleared before the note that names it.
    let written = try shell("TIMELINE_PROGRESS_AFTER=0 script -qec \"'\(timelineBinary)' --log '\(log)' export --format jsonl -o '\(dir)/out.jsonl'\" /dev/null")
    #expect(written.status == 0, "\(written.stderr)")
    let drawn = try #require(written.stdout.range(of: "timeline: exporting... ", options: .backwards), "\(written.stdout.debugDescription)")
    let note = try #require(written.stdout.range(of: "timeline: wrote \(dir)/out.jsonl"), "\(written.stdout.debugDescription)")
    #expect(drawn.upperBound < note.lowerBound && written.stdout[drawn.upperBound..<note.lowerBound].contains("\r\u{1b}[K"),
            "\(written.stdout.debugDescription)")
  }
}

func installed(_ program: String) -> Bool {
  ["/usr/bin/", "/bin/", "/usr/local/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + program) }
}

@Test(.enabled(if: installed("fish"), "fish is not installed (.ci/run installs it)"))
func fishCompletesTheLogsNames() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    #expect(try timeline(["--log", log, "add", "hire", "--date", "2025-12-09", "--org", "openai", "--subject", "denise-dresser", "--set", "role=CRO"]).status == 0)
    try timeline(["completion", "fish"]).stdout.write(toFile: dir + "/timeline.fish", atomically: true, encoding: .utf8)
    let bin = (timelineBinary as NSString).deletingLastPathComponent
    let result = try shell("""
      cd '\(dir)' && PATH='\(bin)':$PATH fish -c "source timeline.fish; complete -C'timeline state --org o'; echo SPLIT; complete -C'timeline add hire --set role=C'; echo SPLIT; complete -C'timeline --log \(log) lineage openai/'"
      """)
    #expect(result.status == 0, "\(result.stderr)")
    let parts = result.stdout.components(separatedBy: "SPLIT\n")
    try #require(parts.count == 3, "\(result.stdout)")
    #expect(parts[0].hasPrefix("openai\t"), "\(result.stdout)")
    #expect(parts[1].hasPrefix("role=CRO"), "\(result.stdout)")
    let products = try timeline(["--log", log, "complete", "subjects", "openai/"]).stdout
    #expect(parts[2].split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == products.split(separator: "\n").map(String.init))
  }
}

@Test(.enabled(if: installed("zsh"), "zsh is not installed (.ci/run installs it)"))
func zshScriptParsesAndAsksTheLogForNames() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    try timeline(["completion", "zsh"]).stdout.write(toFile: dir + "/_timeline", atomically: true, encoding: .utf8)
    #expect(try shell("zsh -n '\(dir)/_timeline'").status == 0)
    // compadd stands in for zsh's completion system: it prints what it is given.
    let bin = (timelineBinary as NSString).deletingLastPathComponent
    let result = try shell("""
      cd '\(dir)' && PATH='\(bin)':$PATH zsh -c 'source ./_timeline 2>/dev/null; compadd() { shift; print -l ${(P)1}; }; _timeline_words=(timeline --log \(log) state --org); PREFIX=o; _timeline_live orgs'
      """)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "openai\n", "\(result.stdout)")
  }
}

/// fish offers the commands after global options and their values
/// (`--log PATH`, `--today DATE`, `--color WHEN`), and none once a command is named.
@Test(.enabled(if: installed("fish"), "fish is not installed (.ci/run installs it)"))
func fishCompletesCommandsAfterGlobalOptions() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    try timeline(["completion", "fish"]).stdout.write(toFile: dir + "/timeline.fish", atomically: true, encoding: .utf8)
    let bin = (timelineBinary as NSString).deletingLastPathComponent
    let asks = ["timeline --log \(log) sta", "timeline --today 2025-12-01 lin", "timeline --color never -q st", "timeline --log=\(log) che", "timeline state st"]
    let result = try shell("cd '\(dir)' && PATH='\(bin)':$PATH fish -c \"source timeline.fish; " + asks.map { "complete -C'\($0)'; echo SPLIT" }.joined(separator: "; ") + "\"")
    #expect(result.status == 0, "\(result.stderr)")
    let parts = result.stdout.components(separatedBy: "SPLIT\n").map { $0.split(separator: "\n").map { String($0.split(separator: "\t")[0]) } }
    try #require(parts.count == asks.count + 1, "\(result.stdout)")
    #expect(parts[0] == ["state"], "\(result.stdout)")
    #expect(parts[1] == ["lineage"], "\(result.stdout)")
    #expect(parts[2] == ["state", "strategy"], "\(result.stdout)")
    #expect(parts[3] == ["check"], "\(result.stdout)")
    #expect(parts[4].isEmpty, "no command after a command: \(result.stdout)")
  }
}

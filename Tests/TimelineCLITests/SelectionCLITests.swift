import Foundation
import ReferenceModel
import Testing

// Selections through the binary: log --grep and source lines, export
// carrying what its selection needs, names a query does not know, lineage limits.

let selectionLines = [
  #"{"id":"val","date":"2025-06","kind":"metric","org":"xai","attrs":{"name":"valuation","unit":"USD","value":200000000000},"confidence":"reported","recorded":"2025-07-01T00:00:00.000Z"}"#,
  #"{"id":"grok","date":"2025-07-09","kind":"launch","org":"xai","subject":"xai/grok-4","attrs":{"type":"model"},"confidence":"confirmed","source":{"title":"Grok 4 Hazelnut blind test","publisher":"LMArena","url":"https://lmarena.example/grok"},"note":"Launch Stream","recorded":"2025-07-10T00:00:00.000Z"}"#,
  #"{"id":"grok3","date":"2025-02-17","kind":"launch","org":"xai","subject":"xai/grok-3","attrs":{"type":"model"},"confidence":"confirmed","recorded":"2025-07-10T00:00:01.000Z"}"#,
  #"{"id":"grok4b","date":"2025-07-09","kind":"launch","org":"xai","subject":"xai/grok-4","attrs":{"type":"model","predecessor":"xai/grok-3"},"confidence":"confirmed","supersedes":"grok","recorded":"2025-10-01T00:00:00.000Z"}"#,
  #"{"id":"no-val","date":"2025-09-01","kind":"retract","attrs":{"reason":"the figure was a raise that never closed","target":"val"},"confidence":"confirmed","recorded":"2025-09-01T00:00:00.000Z"}"#,
  #"{"id":"llama","date":"2025-04-05","kind":"launch","org":"meta","subject":"meta/llama-4","attrs":{"type":"model","codename":"behemoth"},"confidence":"confirmed","source":{"url":"https://ai.meta.example/llama-4"},"recorded":"2025-04-06T00:00:00.000Z"}"#,
  #"{"id":"shift","date":"2025-06","kind":"strategy","org":"meta","attrs":{"focus":["meta/superintelligence"],"label":"closed frontier"},"confidence":"rumor","recorded":"2025-06-20T00:00:00.000Z"}"#,
  #"{"id":"cto","date":"2025-06-12","kind":"hire","org":"meta","subject":"alex-wang","attrs":{"role":"chief-ai-officer","from":"scale-ai"},"confidence":"confirmed","recorded":"2025-06-20T00:00:01.000Z"}"#,
]

private func ids(_ document: J) -> [String] {
  (document["events"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
}

@Test(arguments: [
  ("HAZELNUT", ["grok"]),  // source title, any case
  ("lmarena", ["grok"]),  // publisher
  ("LMARENA.EXAMPLE/GROK", ["grok"]),  // URL
  ("ai.meta.example", ["llama"]),  // URL of a source without a title
  ("launch stream", ["grok"]),  // note
  ("XAI/GROK-3", ["grok3", "grok4b"]),  // subject, and a string in attrs (predecessor)
  ("Meta", ["llama", "shift", "cto"]),  // org
  ("Behemoth", ["llama"]),  // a string in attrs
  ("SUPERINTELLIGENCE", ["shift"]),  // an item of a list in attrs
  ("never closed", ["no-val"]),  // a retraction's reason
  ("scale-ai", ["cto"]),  // an attr the fact table does not keep
  ("no such words", []),
])
func grepFindsTextInEachFieldIgnoringCase(text: String, expected: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    let found = try json(["log", "--grep", text], log: log)
    #expect(Set(ids(found)) == Set(expected), "--grep \(text)")
    #expect(found["basis"]?["events"] == .number(Double(expected.count)))
  }
}

@Test func grepNarrowsWhatTheOtherFiltersKept() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    #expect(ids(try json(["log", "--grep", "grok", "--from", "2025-07"], log: log)) == ["grok", "grok4b"])
    #expect(ids(try json(["log", "--grep", "model", "--org", "meta"], log: log)) == ["llama"])
    #expect(try timeline(["log", "--help"]).stdout.contains("--grep TEXT"))
  }
}

@Test func logTextShowsEachSourceTitleOrElseItsURL() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    let result = try timeline(["--log", log, "log", "--org", "meta"])
    #expect(result.status == 0)
    let lines = result.lines
    let launch = try #require(lines.firstIndex { $0.contains("  llama  ") })
    #expect(lines[launch + 1].trimmingCharacters(in: .whitespaces) == "source: https://ai.meta.example/llama-4")
    let grok = try timeline(["--log", log, "log", "--subject", "xai/grok-4"]).lines
    let first = try #require(grok.firstIndex { $0.contains("  grok  ") })
    #expect(grok[first + 1].trimmingCharacters(in: .whitespaces) == "source: Grok 4 Hazelnut blind test")
    // An event without a source has no source line.
    let shift = try #require(lines.firstIndex { $0.contains("  shift  ") })
    #expect(!lines[shift + 1].contains("source:"))
  }
}

// MARK: - names a query does not know

@Test(arguments: [
  (["state", "--org", "xAI"], "--org \"xAI\"", "did you mean \"xai\"?"),
  (["strategy", "--org", "Meta"], "--org \"Meta\"", "did you mean \"meta\"?"),
  (["diff", "2025-01", "2025-12", "--org", "mta"], "--org \"mta\"", "did you mean \"meta\"?"),
  (["log", "--subject", "xai/Grok-4"], "--subject \"xai/Grok-4\"", "did you mean \"xai/grok-4\" or \"xai/grok-3\"?"),
  (["log", "--org", "xia"], "--org \"xia\"", "did you mean \"xai\"?"),
  (["export", "--format", "jsonl", "--org", "XAI"], "--org \"XAI\"", "did you mean \"xai\"?"),
  (["render", "--format", "svg", "--org", "Meta"], "--org \"Meta\"", "did you mean \"meta\"?"),
  (["lineage", "xai/grok-5"], "MODEL \"xai/grok-5\"", "did you mean \"xai/grok-3\" or \"xai/grok-4\"?"),
  (["lineage", "--org", "xAI"], "--org \"xAI\"", "did you mean \"xai\"?"),
])
func unknownNameIsBadDataWithTheNearestNames(arguments: [String], named: String, hint: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    let before = snapshot(log)
    let result = try timeline(["--log", log] + arguments)
    #expect(result.status == 65, "\(arguments): \(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("timeline: error: \(named): no event in the log"), "\(result.stderr)")
    #expect(result.stderr.contains(hint), "\(result.stderr)")
    #expect(snapshot(log) == before)
  }
}

@Test(arguments: [
  ["state", "--org", "xai", "--at", "2020"],  // known, nothing by then
  ["state", "--org", "scale-ai", "--at", "2025-12-31"],  // named only in a hire's attrs
  ["strategy", "--org", "xai"],  // known, no shifts
  ["log", "--org", "meta", "--to", "2020"],
  ["log", "--subject", "meta/superintelligence"],  // named only in a list in attrs
  ["lineage", "meta/llama-4", "--at", "2020"],  // a model, not yet launched
  ["lineage", "--org", "xai", "--at", "2020"],
])
func knownNameWithNothingByThenIsAnEmptyAnswer(arguments: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    let result = try timeline(["--log", log] + arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    #expect(result.stderr.isEmpty)
  }
}

@Test func lineageIsLimitedToAnOrgOrAFamilyPrefix() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    let all = try json(["lineage", "--at", "2025-12-31"], log: log)
    #expect(all["models"]?.objectValue.keys.sorted() == ["meta/llama-4", "xai/grok-3", "xai/grok-4"])
    let meta = try json(["lineage", "--org", "meta", "--at", "2025-12-31"], log: log)
    #expect(meta["models"]?.objectValue.keys.sorted() == ["meta/llama-4"])
    let family = try json(["lineage", "xai/grok", "--at", "2025-12-31"], log: log)
    #expect(family["models"]?.objectValue.keys.sorted() == ["xai/grok-3", "xai/grok-4"])
    #expect(family["models"]?["xai/grok-4"]?["predecessor"] == .string("xai/grok-3"))
    let text = try timeline(["--log", log, "lineage", "xai/grok", "--at", "2025-12-31"])
    #expect(text.stdout.contains("xai/grok-3") && text.stdout.contains("└── xai/grok-4") && !text.stdout.contains("llama"))
  }
}

// MARK: - export carries what its selection needs

/// Exports `selection` from `source`, imports the file into an empty log, and
/// checks that each query (run with `--json` on both) answers the same.
private func expectRoundTrip(_ source: String, selection: [String], queries: [[String]], in dir: String, _ label: String) throws {
  let file = dir + "/export-\(abs(label.hashValue)).jsonl"
  let exported = try timeline(["--log", source, "export", "--format", "jsonl", "-o", file] + selection)
  #expect(exported.status == 0, "\(label) \(selection): \(exported.stderr)")
  let copy = dir + "/copy-\(abs(label.hashValue))"
  let imported = try timeline(["--log", copy, "import", file, "--format", "jsonl"])
  try #require(imported.status == 0, "\(label) \(selection): \(imported.stderr)")
  for query in queries {
    let a = try timeline(["--log", source] + query + ["--json"])
    let b = try timeline(["--log", copy] + query + ["--json"])
    #expect(a.status == 0 && b.status == 0, "\(label) \(query): \(a.stderr) \(b.stderr)")
    #expect(a.stdout == b.stdout, "\(label): export \(selection), then \(query)")
  }
}

@Test func exportOfAnOrgCarriesTheRetractionOfItsEvents() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    let lines = try timeline(["--log", log, "export", "--format", "jsonl", "--org", "xai"]).lines
    #expect(lines.contains { $0.contains(#""id":"no-val""#) }, "the retraction of xAI's valuation has no org, and goes with it")
    try expectRoundTrip(log, selection: ["--org", "xai"], queries: [["state", "--org", "xai", "--at", "2025-12-31"], ["log", "--org", "xai"]], in: dir, "fixture")
    let copy = dir + "/copy-\(abs("fixture".hashValue))"
    let state = try json(["state", "--org", "xai", "--at", "2025-12-31"], log: copy)
    #expect(state["orgs"]?["xai"]?["metrics"] == .object([:]), "the retracted valuation stays retracted")
  }
}

@Test func exportToADateCarriesALaterRetractionAndCorrection() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    let lines = try timeline(["--log", log, "export", "--format", "jsonl", "--to", "2025-08"]).lines
    #expect(lines.contains { $0.contains(#""id":"no-val""#) }, "a retraction dated after --to goes with its target")
    try expectRoundTrip(log, selection: ["--to", "2025-08"], queries: [
      ["state", "--at", "2025-08-31"], ["log", "--to", "2025-08"], ["lineage", "--at", "2025-08-31"],
    ], in: dir, "to")
  }
}

@Test(arguments: [
  ["--org", "openai"], ["--org", "google"], ["--from", "2025-11"], ["--to", "2025-06"], ["--kind", "launch"],
  ["--subject", "openai/sora"], ["--min-confidence", "confirmed"], ["--min-confidence", "reported"],
])
func exportOfTheShippedLogRoundTrips(selection: [String]) throws {
  try withTemporaryDirectory { dir throws in
    try expectRoundTrip(checkoutRoot + "/events", selection: selection, queries: roundTripQueries(selection), in: dir, "shipped")
  }
}

@Test(arguments: [11, 12, 13] as [UInt64])
func exportOfAGeneratedLogRoundTripsForEverySelection(seed: UInt64) throws {
  var generator = LogGenerator(seed: seed)
  var events = generator.log(count: 300)
  // import refuses a reference to an event it lacks or to a retraction: a
  // log made through timeline holds none, so neither may the generated one.
  let retractionIDs = Set(events.filter { $0.kind == "retract" }.map(\.id))
  while true {
    let present = Set(events.map(\.id))
    let kept = events.filter { event in
      let target = event.supersedes ?? (event.kind == "retract" ? event.string("target") : nil)
      return target.map { present.contains($0) && !retractionIDs.contains($0) } ?? true
    }
    if kept.count == events.count { break }
    events = kept
  }
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, events.map(\.line))
    for selection in [
      ["--org", "openai"], ["--org", "meta"], ["--from", "2024-02"], ["--to", "2024-02-10"], ["--kind", "launch"], ["--kind", "metric"],
      ["--subject", "google/a"], ["--min-confidence", "reported"], ["--min-confidence", "confirmed"],
    ] {
      try expectRoundTrip(log, selection: selection, queries: roundTripQueries(selection), in: dir, "seed \(seed) \(selection)")
    }
  }
}

/// The queries a selection answers: its own `log`, and the replays it fully holds.
private func roundTripQueries(_ selection: [String]) -> [[String]] {
  let at = "2026-12-31"
  switch selection[0] {
  case "--org":
    return [["log"] + selection, ["state", "--at", at] + selection, ["strategy"] + selection]
  case "--to":
    return [["log"] + selection, ["state", "--at", selection[1]], ["lineage", "--at", selection[1]]]
  case "--min-confidence":
    return [["log"] + selection, ["state", "--at", at] + selection, ["lineage", "--at", at] + selection, ["strategy"] + selection]
  default:
    return [["log"] + selection]
  }
}

extension J {
  fileprivate var objectValue: [String: J] {
    if case .object(let members) = self { return members }
    return [:]
  }
}

@Test func aNameSpelledWithAnEscapeInAnUnindexedAttrIsKnown() throws {
  try withTemporaryDirectory { dir throws in
    // "\u0078" is x: the line names xai-labs only through an escape, in a report's free-form attrs.
    let log = try folderLog(dir, selectionLines + [
      #"{"id":"report","date":"2025-08-01","kind":"report","org":"meta","attrs":{"rival":"\u0078ai-labs"},"confidence":"rumor","recorded":"2025-08-02T00:00:00.000Z"}"#,
    ])
    #expect(try timeline(["--log", log, "state", "--org", "xai-labs", "--at", "2025-12-31"]).status == 0)
    #expect(try timeline(["--log", log, "state", "--org", "xai-lab", "--at", "2025-12-31"]).status == 65)
  }
}

// MARK: - one selection for log, export and render

/// The ids of the events a rendered page lists (its table: `<tr id="e-ID"`).
private func renderedIDs(_ html: String) -> Set<String> {
  var ids = Set<String>()
  for part in html.components(separatedBy: "<tr id=\"e-").dropFirst() {
    if let end = part.firstIndex(of: "\"") { ids.insert(String(part[..<end])) }
  }
  return ids
}

/// Day-dated events with no retraction or correction: here the events whose
/// period starts in a window are the events that overlap it, and every event
/// stands, so log, export and render must list the same ones.
private let dayDatedLines = selectionLines.filter { line in
  !["\"val\"", "\"no-val\"", "\"grok4b\"", "\"shift\""].contains { line.hasPrefix("{\"id\":" + $0) }
} + [
  #"{"id":"shift2","date":"2025-06-20","kind":"strategy","org":"meta","attrs":{"focus":["meta/superintelligence"]},"confidence":"rumor","recorded":"2025-06-21T00:00:00.000Z"}"#,
  #"{"id":"val2","date":"2025-07-01","kind":"metric","org":"xai","attrs":{"name":"valuation","unit":"USD","value":200000000000},"confidence":"reported","recorded":"2025-07-02T00:00:00.000Z"}"#,
]

@Test(arguments: [
  [], ["--org", "meta"], ["--org", "xai"], ["--from", "2025-06-01", "--to", "2025-07-05"], ["-p", "2025-06..2025-07"],
  ["--org", "xai", "--to", "2025-07-05"], ["--min-confidence", "reported"], ["--min-confidence", "confirmed"],
  ["--from", "2025-07-10"],
])
func logExportAndRenderSelectTheSameEvents(selection: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, dayDatedLines)
    let listed = Set(ids(try json(["log"] + selection, log: log)))
    let exported = try timeline(["--log", log, "export", "--format", "jsonl"] + selection)
    #expect(exported.status == 0, "\(exported.stderr)")
    let exportedIDs = Set(exported.lines.compactMap { try? J.parse($0) }.compactMap { $0["id"]?.stringValue })
    let rendered = try timeline(["--log", log, "render"] + selection)
    #expect(rendered.status == 0, "\(rendered.stderr)")
    #expect(!listed.isEmpty || selection == ["--from", "2025-07-10"], "\(selection) selects something")
    #expect(exportedIDs == listed, "export \(selection)")
    #expect(renderedIDs(rendered.stdout) == listed, "render \(selection)")
  }
}

/// With retractions and corrections: export carries the retraction of what
/// it selects, log lists the selected events (retractions and dropped ones
/// marked), render draws those that stand; each from the one selection.
@Test(arguments: [
  ([], ["val", "grok", "grok3", "grok4b", "no-val", "llama", "shift", "cto"], [], ["grok3", "grok4b", "llama", "shift", "cto"]),
  (["--org", "xai"], ["val", "grok", "grok3", "grok4b"], ["no-val"], ["grok3", "grok4b"]),
  (["--org", "meta"], ["llama", "shift", "cto"], [], ["llama", "shift", "cto"]),
] as [([String], [String], [String], [String])])
func exportCarriesWhatLogListsAndRenderDrawsWhatStands(selection: [String], listed: [String], carried: [String], drawn: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, selectionLines)
    #expect(Set(ids(try json(["log"] + selection, log: log))) == Set(listed), "log \(selection)")
    let exported = try timeline(["--log", log, "export", "--format", "jsonl"] + selection)
    let exportedIDs = Set(exported.lines.compactMap { try? J.parse($0) }.compactMap { $0["id"]?.stringValue })
    #expect(exportedIDs == Set(listed + carried), "export \(selection)")
    #expect(renderedIDs(try timeline(["--log", log, "render"] + selection).stdout) == Set(drawn), "render \(selection)")
  }
}

/// Record-time bounds take any RFC 3339 instant: one finer than a
/// millisecond, or a leap second, keeps exactly the records that instant
/// bounds (it was refused, or read as the start of its second).
@Test func recordTimeBoundsKeepExactlyWhatTheirInstantBounds() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/r.jsonl"
    let lines = [
      #"{"date":"2025-12-01","kind":"report","org":"acme","source":{"title":"before"},"recorded":"2025-12-02T23:59:59.999Z"}"#,
      #"{"date":"2025-12-01","kind":"report","org":"acme","source":{"title":"after"},"recorded":"2025-12-03T00:00:00.000Z"}"#,
    ]
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: lines.joined(separator: "\n") + "\n")
    #expect(added.status == 0, "\(added.stderr)")
    let (before, after) = (added.lines[0], added.lines[1])
    func listed(_ bound: [String]) throws -> [String] {
      let result = try timeline(["--log", log, "log", "--json"] + bound)
      #expect(result.status == 0, "\(bound): \(result.stderr)")
      return (try J.parse(result.stdout)["events"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }
    for instant in ["2025-12-02T23:59:60Z", "2025-12-02T23:59:59.9995Z"] {
      #expect(try listed(["--until", instant]) == [before], "\(instant)")
      #expect(try listed(["--since", instant]) == [after], "\(instant)")
      #expect(try listed(["--known-at", instant]) == [before], "\(instant)")
    }
    let state = try timeline(["--log", log, "state", "--known-at", "2025-12-02T23:59:60Z", "--json"])
    #expect(try J.parse(state.stdout)["knownAt"]?.stringValue == "2025-12-02T23:59:59.999Z")
  }
}

/// A window that ends before it starts: one message (but for the command
/// named in its hint) and 64 from every command that takes that window.
@Test(arguments: [
  (["--from", "2025-12", "--to", "2025-11"], ["log", "export --format jsonl", "render", "strategy"]),
  (["-p", "2025-12..2025-11"], ["log", "export --format jsonl", "render", "strategy"]),
  (["--period", "2025-12-10..2025-12-09"], ["log", "export --format csv", "render --format svg", "strategy"]),
  (["--since", "2025-12-13", "--until", "2025-12-12"], ["log", "export --format jsonl"]),
  (["--since", "2025-12-13T00:00:00Z", "--known-at", "2025-12-12T23:59:59Z"], ["news", "log"]),
  (["2025-12..2025-11"], ["diff"]),
  (["2025-12", "2025-11"], ["diff"]),
] as [([String], [String])])
func aReversedWindowIsOneErrorInEveryCommand(window: [String], commands: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    var messages = Set<String>()
    for command in commands {
      let words = command.split(separator: " ").map(String.init)
      let result = try timeline(["--log", log] + words + window)
      #expect(result.status == 64, "\(command) \(window): \(result.stderr)")
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.hasPrefix("timeline: error: the window ends before it starts: ")
        || result.stderr.hasPrefix("timeline: error: the record-time window ends before it starts: "), "\(result.stderr)")
      messages.insert(result.stderr.replacingOccurrences(of: "timeline \(words[0]) --help", with: "timeline COMMAND --help"))
    }
    #expect(messages.count == 1, "\(window): \(messages)")
    #expect(snapshot(dir) == before)
  }
}

// Every query reads its options before the log: a bad --known-at is a usage
// error (64) even when a name it asks about is unknown too (65 comes only
// after the log is read), in why and lineage as in state.
@Test func aBadOptionIsRefusedBeforeAnUnknownName() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir, [#"{"date":"2025-01-01","kind":"launch","org":"acme","subject":"acme/x"}"#])
    let before = snapshot(dir)
    for query in [
      ["why", "nosuch", "--known-at", "garbage"], ["lineage", "--org", "nosuch", "--known-at", "garbage"],
      ["state", "--org", "nosuch", "--known-at", "garbage"],
    ] {
      let result = try timeline(["--log", log] + query)
      #expect(result.status == 64 && result.stderr.contains("--known-at"), "\(query.joined(separator: " ")): \(result.status) \(result.stderr)")
    }
    #expect(snapshot(dir) == before)
  }
}

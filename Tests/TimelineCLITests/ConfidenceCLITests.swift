import Foundation
import ReferenceModel
import Testing

// DESIGN.md, "Confidence in every answer", through the real binary: JSON
// carries it, text marks what rests on a rumor or a report, --min-confidence
// replays as if the log held only the surer events, retract --confidence.

/// A confirmed product throttled on a report, a rumored successor, a
/// confirmed CEO, a reported metric, a confirmed and a rumored strategy
/// shift, and a confirmed launch withdrawn by a reported retraction.
let confidenceLines = [
  #"{"id":"alpha","date":"2025-11-01","kind":"launch","org":"openai","subject":"openai/alpha","attrs":{"type":"model"},"confidence":"confirmed","recorded":"2025-12-01T08:00:00.000Z"}"#,
  #"{"id":"ceo","date":"2025-11-01","kind":"hire","org":"openai","subject":"ann","attrs":{"role":"CEO"},"confidence":"confirmed","recorded":"2025-12-01T08:00:01.000Z"}"#,
  #"{"id":"core","date":"2025-11-02","kind":"strategy","org":"openai","attrs":{"focus":["openai/alpha"],"label":"core"},"confidence":"confirmed","recorded":"2025-12-01T08:00:02.000Z"}"#,
  #"{"id":"gamma","date":"2025-11-05","kind":"launch","org":"openai","subject":"openai/gamma","attrs":{"type":"product"},"confidence":"confirmed","recorded":"2025-12-01T08:00:03.000Z"}"#,
  #"{"id":"valuation","date":"2025-12-01","kind":"metric","org":"openai","attrs":{"name":"valuation","unit":"USD","value":5},"confidence":"reported","recorded":"2025-12-01T08:00:04.000Z"}"#,
  #"{"id":"limits","date":"2025-12-02","kind":"throttle","org":"openai","subject":"openai/alpha","confidence":"reported","recorded":"2025-12-02T08:00:00.000Z"}"#,
  #"{"id":"beta","date":"2025-12-03","kind":"launch","org":"openai","subject":"openai/beta","attrs":{"predecessor":"openai/alpha","type":"model"},"confidence":"rumor","recorded":"2025-12-03T08:00:00.000Z"}"#,
  #"{"id":"bet","date":"2025-12-04","kind":"strategy","org":"openai","attrs":{"focus":["openai/beta"],"label":"bet"},"confidence":"rumor","recorded":"2025-12-04T08:00:00.000Z"}"#,
  #"{"id":"no-gamma","date":"2025-12-05","kind":"retract","attrs":{"reason":"a mix-up","target":"gamma"},"confidence":"reported","recorded":"2025-12-05T08:00:00.000Z"}"#,
]

@Test func stateTextMarksWhatRestsOnARumorOrAReportAndNothingConfirmed() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let result = try timeline(["--log", log, "state", "--at", "2025-12-31"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.dropFirst() == [
      "",
      "openai",
      "  products",
      "    openai/alpha  active, throttled  model  launched 2025-11-01  (reported)",
      "    openai/beta   active             model  launched 2025-12-03  (rumor)",
      "  roles",
      "    CEO  ann  since 2025-11-01",
      // Items resting on strategies of unlike confidence each carry their own mark.
      "  focus  openai/alpha, openai/beta (rumor)",
      "  metrics",
      "    openai  valuation  5 USD  as of 2025-12-01  (reported)",
    ])
  }
}

@Test func diffLineageAndStrategyTextMarkWhatRestsOnARumorOrAReport() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let diff = try timeline(["--log", log, "diff", "2025-11-30", "2025-12-31"])
    #expect(diff.status == 0)
    for line in [
      "  products  openai/alpha  throttled   false -> true                       (reported)",
      "  products  openai/alpha  confidence  confirmed -> reported",
      "  products  openai/beta   +           active, model, launched 2025-12-03  (rumor)",
      "  focus     openai/beta   +                                               (rumor)",
      "  metrics   openai        valuation   (none) -> 5 USD                     (reported)",
    ] {
      #expect(diff.lines.contains(line), "missing: \(line)\n\(diff.stdout)")
    }
    let lineage = try timeline(["--log", log, "lineage", "--at", "2025-12-31"])
    #expect(lineage.stdout.contains("\nopenai/alpha  active (reported)  launched 2025-11-01\n└── openai/beta  active (rumor)  launched 2025-12-03\n"))
    let strategy = try timeline(["--log", log, "strategy"])
    #expect(strategy.lines.contains("2025-11-02  openai  \"core\"  core"), "a confirmed shift shows nothing extra")
    #expect(strategy.lines.contains("2025-12-04  openai  \"bet\"  bet  (rumor)"))
  }
}

/// A focus item is an entry resting on the strategy that put it there; a
/// surer strategy listing it again takes it over (its confidence changes,
/// which diff reports), a less sure one does not (DESIGN, "Confidence in
/// every answer").
@Test func aFocusItemRestsOnItsSurestStrategyAndDiffReportsItsConfidence() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [
      #"{"id":"rumored","date":"2025-12-01","kind":"strategy","org":"openai","attrs":{"focus":["openai/alpha"],"label":"a"},"confidence":"rumor","recorded":"2025-12-01T08:00:00.000Z"}"#,
      #"{"id":"confirmed","date":"2025-12-05","kind":"strategy","org":"openai","attrs":{"focus":["openai/alpha"],"label":"b"},"confidence":"confirmed","recorded":"2025-12-05T08:00:00.000Z"}"#,
      #"{"id":"again","date":"2025-12-09","kind":"strategy","org":"openai","attrs":{"focus":["openai/alpha"],"deprioritize":["openai/beta"],"label":"c"},"confidence":"reported","recorded":"2025-12-09T08:00:00.000Z"}"#,
    ])
    let diff = try json(["diff", "2025-12-02", "2025-12-31"], log: log)
    func change(_ section: String, _ key: String, _ field: J, _ before: J, _ after: J) -> J {
      .object(["org": .string("openai"), "section": .string(section), "key": .string(key), "field": field, "before": before, "after": after])
    }
    #expect(diff["changes"] == .array([
      change("focus", "openai/alpha", .string("confidence"), .string("rumor"), .string("confirmed")),
      change("deprioritized", "openai/beta", .null, .null, .bool(true)),
    ]))
    let why = try json(["why", "openai/alpha", "--at", "2025-12-31"], log: log)
    let focus = why["entries"]?.arrayValue.first { $0["section"] == .string("focus") }?["fields"]?["focus"]
    #expect(focus?["event"] == .string("confirmed") && focus?["confidence"] == .string("confirmed"), "\(String(describing: focus))")
    let text = try timeline(["--log", log, "state", "--at", "2025-12-31"])
    #expect(text.lines.contains("  focus          openai/alpha"), "confirmed: no mark\n\(text.stdout)")
    #expect(text.lines.contains("  deprioritized  openai/beta   (reported)"), "\(text.stdout)")
    #expect(try timeline(["--log", log, "state", "--at", "2025-12-02"]).lines.contains("  focus  openai/alpha  (rumor)"))
  }
}

/// A removal rests on the event that made it: a role left by a rumored
/// departure, an item a reported strategy moved to the other list, are
/// marked so (DESIGN: text marks every change that rests on a rumor or a report).
@Test func aRemovalIsMarkedWithTheEventThatMadeIt() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [
      #"{"id":"hired","date":"2025-11-01","kind":"hire","org":"acme","subject":"bob","attrs":{"role":"CEO"},"confidence":"confirmed","recorded":"2025-11-01T08:00:00.000Z"}"#,
      #"{"id":"bet","date":"2025-11-02","kind":"strategy","org":"acme","attrs":{"focus":["acme/x"],"label":"a"},"confidence":"confirmed","recorded":"2025-11-02T08:00:00.000Z"}"#,
      #"{"id":"left","date":"2025-11-05","kind":"depart","org":"acme","subject":"bob","attrs":{"role":"CEO"},"confidence":"rumor","recorded":"2025-11-05T08:00:00.000Z"}"#,
      #"{"id":"dropped","date":"2025-11-06","kind":"strategy","org":"acme","attrs":{"deprioritize":["acme/x"],"label":"b"},"confidence":"reported","recorded":"2025-11-06T08:00:00.000Z"}"#,
    ])
    let diff = try timeline(["--log", log, "diff", "2025-11-03", "2025-11-30"])
    #expect(diff.status == 0, "\(diff.stderr)")
    // A holder whose hire is retracted leaves with no mark, though an older
    // departure (ann's, a rumor) left the same role empty before.
    let retracted = try folderLog(dir + "/r", [
      #"{"id":"ann","date":"2025-11-01","kind":"hire","org":"acme","subject":"ann","attrs":{"role":"CEO"},"confidence":"confirmed","recorded":"2025-11-01T08:00:00.000Z"}"#,
      #"{"id":"ann-left","date":"2025-11-02","kind":"depart","org":"acme","subject":"ann","attrs":{"role":"CEO"},"confidence":"rumor","recorded":"2025-11-02T08:00:00.000Z"}"#,
      #"{"id":"bob","date":"2025-11-03","kind":"hire","org":"acme","subject":"bob","attrs":{"role":"CEO"},"confidence":"confirmed","recorded":"2025-11-03T08:00:00.000Z"}"#,
      #"{"id":"no-bob","date":"2025-11-04","kind":"retract","attrs":{"target":"bob","reason":"wrong"},"confidence":"confirmed","recorded":"2025-11-04T08:00:00.000Z"}"#,
    ])
    let news = try timeline(["--log", retracted, "news", "--since", "2025-11-04T08:00:00Z", "--at", "2025-11-30"])
    #expect(news.lines.contains { $0.hasPrefix("  roles  CEO  -  bob since 2025-11-03") && !$0.contains("(rumor)") }, "\(news.stdout)")
    for line in [
      "  roles          CEO     -  bob since 2025-11-01  (rumor)",
      "  focus          acme/x  -",
      "  deprioritized  acme/x  +                        (reported)",
    ] {
      #expect(diff.lines.contains(line), "missing: \(line)\n\(diff.stdout)")
    }
  }
}

@Test func codenamesInStateAndLineageTextSayWhenTheyAreRumors() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [
      #"{"id":"cake","date":"2025-12-10","kind":"codename","org":"openai","subject":"openai/gpt-5.2","attrs":{"codename":"olive-oil-cake"},"confidence":"rumor","recorded":"2025-12-10T08:00:00.000Z"}"#,
      #"{"id":"nut","date":"2025-12-10","kind":"codename","org":"openai","attrs":{"codename":"hazelnut"},"confidence":"confirmed","recorded":"2025-12-10T08:00:01.000Z"}"#,
    ])
    let state = try timeline(["--log", log, "state", "--at", "2025-12-10"])
    #expect(state.lines.suffix(2) == ["    hazelnut        (unknown model)  since 2025-12-10", "    olive-oil-cake  openai/gpt-5.2   since 2025-12-10  (rumor)"])
    let lineage = try timeline(["--log", log, "lineage", "--at", "2025-12-10"])
    #expect(lineage.lines.last == "openai/gpt-5.2  unlaunched  codenames: olive-oil-cake (rumor)")
  }
}

@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
func theMarkIsDimWithColourAndPlainWithout() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let arguments = ["--log", log, "state", "--at", "2025-12-31"]
    #expect(try onTerminal(arguments, environment: ["TERM": "xterm"]).contains("\u{1B}[2m(rumor)\u{1B}[0m"))
    let plain = try onTerminal(arguments, environment: ["TERM": "xterm", "NO_COLOR": "1"])
    #expect(plain.contains("(rumor)") && !plain.contains("\u{1B}"))
  }
}

@Test func jsonCarriesConfidenceOnEveryEntryModelAndShift() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let state = try json(["state", "--at", "2025-12-31"], log: log)
    let openai = state["orgs"]?["openai"]
    #expect(openai?["products"]?["openai/alpha"]?["confidence"] == .string("reported"), "confirmed, throttled on a report")
    #expect(openai?["products"]?["openai/alpha"]?["event"] == .string("limits"))
    #expect(openai?["products"]?["openai/beta"]?["confidence"] == .string("rumor"))
    #expect(openai?["roles"]?["CEO"]?["confidence"] == .string("confirmed"))
    #expect(openai?["metrics"]?["openai"]?["valuation"]?["confidence"] == .string("reported"))
    let lineage = try json(["lineage", "--at", "2025-12-31"], log: log)
    #expect(lineage["models"]?["openai/alpha"]?["confidence"] == .string("reported"))
    #expect(lineage["models"]?["openai/beta"]?["confidence"] == .string("rumor"))
    let strategy = try json(["strategy"], log: log)
    #expect(strategy["shifts"]?.arrayValue.map { $0["confidence"] ?? .null } == [.string("confirmed"), .string("rumor")])
    let diff = try json(["diff", "2025-11-30", "2025-12-31"], log: log)
    let confidenceChange = try J.parse(#"{"org":"openai","section":"products","key":"openai/alpha","field":"confidence","before":"confirmed","after":"reported"}"#)
    #expect(diff["changes"]?.arrayValue.contains(confidenceChange) == true, "\(diff)")
  }
}

@Test func diffReportsAMetricsConfidenceAloneWithItsName() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [
      #"{"id":"v1","date":"2025-11-01","kind":"metric","org":"openai","attrs":{"name":"valuation","value":5},"confidence":"rumor","recorded":"2025-12-01T08:00:00.000Z"}"#,
      #"{"id":"v2","date":"2025-12-01","kind":"metric","org":"openai","attrs":{"name":"valuation","value":5},"confidence":"confirmed","recorded":"2025-12-01T08:00:01.000Z"}"#,
    ])
    let diff = try json(["diff", "2025-11-30", "2025-12-31"], log: log)
    #expect(diff["changes"] == (try J.parse(#"[{"org":"openai","section":"metrics","key":"openai","field":"confidence","name":"valuation","before":"rumor","after":"confirmed"}]"#)))
    let text = try timeline(["--log", log, "diff", "2025-11-30", "2025-12-31"])
    #expect(text.lines.contains("  metrics  openai  valuation confidence  rumor -> confirmed"), "\(text.stdout)")
  }
}

// MARK: - --min-confidence

@Test func minConfidenceDropsALowRetractionSoItsTargetStandsAndCountsWhatWasFolded() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let all = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(all["orgs"]?["openai"]?["products"]?["openai/gamma"] == nil, "the reported retraction stands")
    let sure = try json(["state", "--at", "2025-12-31", "--min-confidence", "confirmed"], log: log)
    let products = sure["orgs"]?["openai"]?["products"]
    #expect(products?["openai/gamma"]?["event"] == .string("gamma"), "below C, the retraction is dropped and its target stands")
    #expect(products?["openai/alpha"]?["throttled"] == .bool(false), "the reported throttle is left out")
    #expect(products?["openai/alpha"]?["confidence"] == .string("confirmed"))
    #expect(products?["openai/beta"] == nil)
    #expect(sure["basis"] == Naive.basis(["alpha", "ceo", "core", "gamma"]))
    let text = try timeline(["--log", log, "state", "--at", "2025-12-31", "--min-confidence", "confirmed"])
    #expect(!text.stdout.contains("(rumor)") && !text.stdout.contains("(reported)"))
    #expect(text.stdout.hasPrefix("State at 2025-12-31, confirmed facts only  (4 events, basis "), "the header says the answer is narrower")
    #expect(text.stdout.contains("    openai/gamma  active  product  launched 2025-11-05\n"))
    let reported = try json(["state", "--at", "2025-12-31", "--min-confidence", "reported"], log: log)
    #expect(reported["orgs"]?["openai"]?["products"]?["openai/gamma"] == nil, "at reported, the retraction is in the log")
    #expect(reported["orgs"]?["openai"]?["products"]?["openai/beta"] == nil)
  }
}

@Test func minConfidenceSelectsTheSameEventsInEveryCommand() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let confirmed = ["alpha", "ceo", "core", "gamma"]
    let listed = try json(["log", "--min-confidence", "confirmed"], log: log)
    #expect(listed["events"]?.arrayValue.map { $0["id"] ?? .null } == .some(confirmed.map(J.string)))
    let text = try timeline(["--log", log, "log", "--min-confidence", "confirmed"])
    #expect(!text.stdout.contains("[retracted]"), "the retraction is not in the log it sees")
    let diff = try json(["diff", "2025-11-30", "2025-12-31", "--min-confidence", "confirmed"], log: log)
    #expect(diff["changes"] == .array([]))
    #expect(diff["basis"] == Naive.basis(confirmed))
    let diffText = try timeline(["--log", log, "diff", "2025-11-30", "2025-12-31", "--min-confidence", "reported"])
    #expect(diffText.stdout.hasPrefix("Changes from 2025-11-30 to 2025-12-31, reported and confirmed facts only  ("))
    let lineageText = try timeline(["--log", log, "lineage", "--min-confidence", "confirmed"])
    #expect(lineageText.stdout.hasPrefix("Lineage at ") && lineageText.lines.first?.contains(", confirmed facts only  (") == true)
    let strategyText = try timeline(["--log", log, "strategy", "--min-confidence", "confirmed"])
    #expect(strategyText.stdout.hasPrefix("Strategy shifts, confirmed facts only  (1 shift; "))
    let lineage = try json(["lineage", "--at", "2025-12-31", "--min-confidence", "reported"], log: log)
    #expect(lineage["models"]?["openai/beta"] == nil)
    let strategy = try json(["strategy", "--min-confidence", "reported"], log: log)
    #expect(strategy["shifts"]?.arrayValue.count == 1)
    let export = try timeline(["--log", log, "export", "--format", "jsonl", "--min-confidence", "confirmed"])
    #expect(export.status == 0)
    #expect(export.lines.count == 4)
    #expect(export.lines.allSatisfy { $0.contains(#""confidence":"confirmed""#) })
    let svg = try timeline(["--log", log, "render", "--format", "svg", "--min-confidence", "confirmed"])
    #expect(svg.status == 0)
    #expect(svg.stdout.contains("data-event=\"gamma\""), "the retraction below C is dropped")
    #expect(!svg.stdout.contains("data-event=\"beta\"") && !svg.stdout.contains("data-event=\"limits\""))
    let everything = try timeline(["--log", log, "render", "--format", "svg"])
    #expect(everything.stdout.contains("data-event=\"beta\"") && !everything.stdout.contains("data-event=\"gamma\""))
  }
}

@Test(arguments: [
  ["state"], ["diff", "2025-11-30", "2025-12-31"], ["lineage"], ["strategy"], ["log"], ["render"], ["export", "--format", "jsonl"],
])
func badMinConfidenceIsAUsageErrorNamingTheWords(command: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let before = snapshot(log)
    let result = try timeline(["--log", log] + command + ["--min-confidence", "confirm"])
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("timeline: error: --min-confidence: 'confirm' is not one of rumor, reported, confirmed"), "\(result.stderr)")
    #expect(result.stderr.contains("did you mean"))
    #expect(snapshot(log) == before)
    let help = try timeline(command.prefix(1) + ["--help"])
    #expect(help.stdout.contains("--min-confidence C"), "\(command[0]) --help")
  }
}

// MARK: - retract --confidence

@Test func retractTakesAConfidenceReportedByDefault() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let rumor = try timeline(["--log", log, "retract", "beta", "--reason", "no such model", "--date", "2025-12-06", "--confidence", "rumor"])
    #expect(rumor.status == 0, "\(rumor.stderr)")
    #expect(fileLines(log + "/log.jsonl").last?.contains(#""confidence":"rumor""#) == true)
    let plain = try timeline(["--log", log, "retract", "limits", "--reason", "wrong product", "--date", "2025-12-06"])
    #expect(plain.status == 0)
    #expect(fileLines(log + "/log.jsonl").last?.contains(#""confidence":"reported""#) == true)
    // The rumored retraction counts only for a replay that keeps rumors.
    let all = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(all["orgs"]?["openai"]?["products"]?["openai/beta"] == nil)
    let reported = try json(["lineage", "--at", "2025-12-31", "--min-confidence", "reported"], log: log)
    #expect(reported["models"]?["openai/alpha"]?["confidence"] == .string("confirmed"), "the reported retraction of the throttle counts")
    let before = snapshot(log)
    let bad = try timeline(["--log", log, "retract", "alpha", "--reason", "x", "--confidence", "sure"])
    #expect(bad.status == 65)
    #expect(bad.stderr.hasPrefix("timeline: error: invalid retraction: --confidence: 'sure' is not rumor, reported or confirmed"))
    #expect(snapshot(log) == before)
  }
}

// MARK: - The page's legend

@Test func pageLegendSaysWhatEachMarkerStyleMeans() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, confidenceLines)
    let page = try timeline(["--log", log, "render"]).stdout
    #expect(page.contains("<p class=\"confidence-legend\">How sure each fact is shows in its marker: ringed in black, confirmed (the organisation&#39;s own announcement); plain, reported (press reports, insiders); hollow with a dashed outline, a rumor (suspected, not confirmed).</p>"))
    for (confidence, label) in [("confirmed", "confirmed"), ("reported", "reported"), ("rumor", "rumor (unconfirmed)")] {
      #expect(page.contains("<g class=\"legend-confidence-\(confidence)\">"))
      #expect(page.contains(">\(label)</text>"))
    }
  }
}

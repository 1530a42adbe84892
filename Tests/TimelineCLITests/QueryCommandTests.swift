import Foundation
import ReferenceModel
import Testing

// state, diff, lineage, strategy and log through the real binary, text and --json.

@Test func stateJSONHasExactlyTheShapeOfDesign() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let got = try json(["state", "--at", "2025-12-10"], log: log)
    let expected = try J.parse(#"""
      {"at": "2025-12-10", "knownAt": null, "orgs": {
        "google": {"products": {"google/gemini-3": {"status": "active", "throttled": false, "type": "model", "since": "2025-11-18", "launched": "2025-11-18", "confidence": "confirmed", "event": "gemini3"}},
                   "roles": {}, "focus": [], "deprioritized": [], "metrics": {}, "codenames": {}},
        "lmarena": {"products": {}, "roles": {}, "focus": [], "deprioritized": [], "metrics": {}, "codenames": {}},
        "openai": {"products": {
                     "openai/gpt-5.1": {"status": "active", "throttled": false, "type": "model", "since": "2025-11-12", "launched": "2025-11-12", "confidence": "confirmed", "event": "gpt51"},
                     "openai/sora": {"status": "active", "throttled": false, "type": "product", "since": "2025-02", "launched": "2025-02", "confidence": "reported", "event": "sora-launch"}},
                   "roles": {"CRO": {"person": "denise-dresser", "since": "2025-12-09", "confidence": "confirmed", "event": "cro"}},
                   "focus": ["openai/chatgpt", "openai/gpt-5.2"], "deprioritized": ["openai/sora"], "metrics": {}, "codenames": {}}},
       "basis": {"events": 6, "digest": "DIGEST"}}
      """#.replacingOccurrences(of: "DIGEST", with: digest(["gpt51", "sora-launch", "cro", "code-red", "gemini3", "blind"])))
    #expect(differences(got, expected).isEmpty, "\(differences(got, expected))")
  }
}

/// SHA-256 of the sorted ids joined by `\n`, computed by the naive model.
func digest(_ ids: [String]) -> String {
  guard case .string(let hex)? = Naive.basis(ids)["digest"] else { return "" }
  return hex
}

@Test func statePartialAtMeansTheEndOfTheMonthAndShowsPartialFacts() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let got = try json(["state", "--at", "2025-12"], log: log)
    #expect(got["at"] == .string("2025-12-31"), "the query date is the day it stands for")
    let openai = got["orgs"]?["openai"]
    #expect(openai?["products"]?["openai/sora"] == (try J.parse(#"{"status":"paused","throttled":false,"type":"product","since":"2025-12","launched":"2025-02","confidence":"reported","event":"sora-pause"}"#)), "dates keep their precision")
    #expect(openai?["metrics"] == (try J.parse(#"{"openai":{"valuation":{"value":500000000000,"unit":"USD","date":"2025-12","confidence":"reported","event":"valuation"}}}"#)))
    #expect(openai?["codenames"] == (try J.parse(#"{"olive-oil-cake":{"subject":"openai/gpt-5.2","confidence":"confirmed","date":"2025-12-11","event":"gpt52"}}"#)))
    #expect(got["basis"]?["events"] == .number(9))
    let midMonth = try json(["state", "--at", "2025-12-15"], log: log)
    #expect(midMonth["orgs"]?["openai"]?["products"]?["openai/sora"]?["status"] == .string("active"), "December is not certain on the 15th")
    #expect(midMonth["orgs"]?["openai"]?["metrics"] == .object([:]))
  }
}

@Test func stateKnownAtShowsWhatTheLogKnewThen() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let now = try json(["state", "--at", "2025-12-31"], log: log)
    #expect(now["orgs"]?["google"]?["products"]?["google/nano-banana-pro"] == nil, "the throttle was retracted")
    let then = try json(["state", "--at", "2025-12-31", "--known-at", "2025-12-12"], log: log)
    #expect(then["knownAt"] == .string("2025-12-12T23:59:59.999Z"), "a date means the end of that UTC day")
    #expect(then["orgs"]?["google"]?["products"]?["google/nano-banana-pro"] == (try J.parse(#"{"status":"active","throttled":true,"type":null,"since":"2025-12-05","launched":null,"confidence":"reported","event":"nbp-throttle"}"#)), "before the retraction was recorded")
    let earlier = try json(["state", "--at", "2025-12-31", "--known-at", "2025-12-12T10:00:00+01:00"], log: log)
    #expect(earlier["knownAt"] == .string("2025-12-12T09:00:00.000Z"))
    #expect(earlier["orgs"]?["google"]?["products"]?["google/gemini-3"] != nil, "recorded <= T is known")
    #expect(earlier["orgs"]?["google"]?["products"]?["google/nano-banana-pro"] == nil)
    #expect(earlier["orgs"]?["lmarena"] == nil)
  }
}

@Test func stateOrgFiltersTheOrgsAndTheBasis() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let got = try json(["state", "--at", "2025-12-10", "--org", "google"], log: log)
    guard case .object(let orgs)? = got["orgs"] else { Issue.record("no orgs"); return }
    #expect(Array(orgs.keys) == ["google"])
    #expect(got["basis"] == Naive.basis(["gemini3"]))
    // A known org with nothing by then is an empty answer; an org no event names is bad data (issue 12).
    let nothingYet = try json(["state", "--org", "google", "--at", "2025-01-01"], log: log)
    #expect(nothingYet["orgs"] == .object([:]))
    #expect(try timeline(["--log", log, "state", "--org", "nobody"]).status == 65)
  }
}

@Test func stateTextIsGroupedByOrgAndAligned() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "state", "--at", "2025-12"])
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty)
    let text = result.stdout
    #expect(text.hasPrefix("State at 2025-12-31  (9 events, basis \(digest(["gpt51", "sora-launch", "sora-pause", "cro", "code-red", "gpt52", "valuation", "gemini3", "blind"]).prefix(12)))"))
    for line in [
      "openai", "  products", "    openai/gpt-5.1  active  model    launched 2025-11-12",
      "    openai/gpt-5.2  active  model    launched 2025-12-11",
      "    openai/sora     paused  product  launched 2025-02     since 2025-12  (reported)",
      "  roles", "    CRO  denise-dresser  since 2025-12-09",
      "  focus          openai/chatgpt, openai/gpt-5.2  (reported)", "  deprioritized  openai/sora                     (reported)",
      "    openai  valuation  500 B USD  as of 2025-12  (reported)",
      "    olive-oil-cake  openai/gpt-5.2  since 2025-12-11",
      "google", "    google/gemini-3  active  model  launched 2025-11-18",
    ] {
      #expect(text.contains("\n" + line + "\n"), "missing line: \(line)\n\(text)")
    }
    #expect(text.range(of: "\ngoogle\n")!.lowerBound < text.range(of: "\nopenai\n")!.lowerBound, "orgs in order")
  }
}

@Test func diffJSONListsChangesAndTheEventsBehindThem() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let got = try json(["diff", "2025-12-10", "2025-12"], log: log)
    #expect(got["from"] == .string("2025-12-10"))
    #expect(got["to"] == .string("2025-12-31"))
    let expected = try J.parse(#"""
      [{"org":"openai","section":"products","key":"openai/gpt-5.2","field":null,"before":null,
        "after":{"status":"active","throttled":false,"type":"model","since":"2025-12-11","launched":"2025-12-11","confidence":"confirmed","event":"gpt52"}},
       {"org":"openai","section":"products","key":"openai/sora","field":"status","before":"active","after":"paused"},
       {"org":"openai","section":"metrics","key":"openai","field":"valuation","before":null,"after":500000000000},
       {"org":"openai","section":"codenames","key":"olive-oil-cake","field":null,"before":null,
        "after":{"subject":"openai/gpt-5.2","confidence":"confirmed","date":"2025-12-11","event":"gpt52"}}]
      """#)
    let changes = got["changes"]?.arrayValue ?? []
    #expect(Set(changes.map(\.description)) == Set(expected.arrayValue.map(\.description)))
    #expect(changes.count == 4)
    #expect(got["events"] == .strings(["sora-pause", "valuation", "gpt52"]), "kept at TO but not at FROM, in replay order")
    #expect(got["basis"] == Naive.basis(["gpt51", "sora-launch", "sora-pause", "cro", "code-red", "gpt52", "valuation", "gemini3", "blind"]), "the events folded at TO")
    for key in ["from", "to", "changes", "events", "basis"] { #expect(got[key] != nil, "\(key)") }
  }
}

@Test func diffWithNoChangeSaysSo() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "diff", "2025-12-12", "2025-12-20"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("No changes."))
    let got = try json(["diff", "2025-12-12", "2025-12-20"], log: log)
    #expect(got["changes"] == .array([]))
    #expect(got["events"] == .array([]))
  }
}

@Test func diffTextGroupsChangesByOrg() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "diff", "2025-12-10", "2025-12"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("Changes from 2025-12-10 to 2025-12-31  (4 changes, 3 new events; basis "))
    #expect(result.stdout.contains("\nopenai\n"))
    #expect(result.stdout.contains("status     active -> paused"))
    #expect(result.stdout.contains("valuation  (none) -> 500 B USD"))
    #expect(result.stdout.contains("\nEvents\n"))
  }
}

@Test func lineageJSONShowsTheFamilyTree() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let got = try json(["lineage", "--at", "2025-12-31"], log: log)
    let expected = try J.parse(#"""
      {"google/gemini-3": {"org":"google","predecessor":null,"successors":[],"codenames":[],"launched":"2025-11-18","status":"active","confidence":"confirmed"},
       "openai/gpt-5":    {"org":"openai","predecessor":null,"successors":["openai/gpt-5.1"],"codenames":[],"launched":null,"status":"unlaunched","confidence":null},
       "openai/gpt-5.1":  {"org":"openai","predecessor":"openai/gpt-5","successors":["openai/gpt-5.2"],"codenames":[],"launched":"2025-11-12","status":"active","confidence":"confirmed"},
       "openai/gpt-5.2":  {"org":"openai","predecessor":"openai/gpt-5.1","successors":[],"codenames":["olive-oil-cake"],"launched":"2025-12-11","status":"active","confidence":"confirmed"}}
      """#)
    #expect(got["at"] == .string("2025-12-31"))
    #expect(differences(got["models"] ?? .null, expected).isEmpty, "\(differences(got["models"] ?? .null, expected))")
    #expect(got["basis"]?["events"] == .number(9))
    let family = try json(["lineage", "openai/gpt-5.1", "--at", "2025-12-31"], log: log)
    guard case .object(let models)? = family["models"] else { Issue.record("no models"); return }
    #expect(models.keys.sorted() == ["openai/gpt-5", "openai/gpt-5.1", "openai/gpt-5.2"])
    let before = try json(["lineage", "--at", "2025-12-10"], log: log)
    #expect(before["models"]?["openai/gpt-5.2"] == nil)
  }
}

@Test func lineageTextDrawsTrees() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "lineage", "--at", "2025-12-31"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("""
      openai/gpt-5  unlaunched
      └── openai/gpt-5.1  active  launched 2025-11-12
          └── openai/gpt-5.2  active  launched 2025-12-11  codenames: olive-oil-cake
      """))
    let before = snapshot(log)
    let unknown = try timeline(["--log", log, "lineage", "openai/gpt-5.3"])
    #expect(unknown.status == 65)
    #expect(snapshot(log) == before)
    #expect(unknown.stderr.hasPrefix("timeline: error: "))
    #expect(unknown.stderr.contains("openai/gpt-5.3"))
  }
}

@Test func strategyJSONCarriesFocusBeforeAndAfter() throws {
  try withTemporaryDirectory { dir throws in
    var lines = industryLines
    lines.append(#"{"id":"steady","date":"2025-06","kind":"strategy","org":"openai","attrs":{"focus":["openai/sora"],"label":"video"},"confidence":"rumor","source":{"title":"x"},"recorded":"2025-12-14T08:00:00.000Z"}"#)
    let log = try folderLog(dir, lines)
    let got = try json(["strategy", "--org", "openai"], log: log)
    let expected = try J.parse(#"""
      [{"date":"2025-06","org":"openai","label":"video","added":["openai/sora"],"removed":[],"focusBefore":[],"focusAfter":["openai/sora"],"confidence":"rumor","event":"steady"},
       {"date":"2025-12-10","org":"openai","label":"code red","added":["openai/chatgpt","openai/gpt-5.2"],"removed":["openai/sora"],
        "focusBefore":["openai/sora"],"focusAfter":["openai/chatgpt","openai/gpt-5.2"],"confidence":"reported","event":"code-red"}]
      """#)
    #expect(differences(got["shifts"] ?? .null, expected).isEmpty, "\(differences(got["shifts"] ?? .null, expected))")
    #expect(got["basis"] != nil)
    let december = try json(["strategy", "--from", "2025-12"], log: log)
    #expect(december["shifts"]?.arrayValue.count == 1, "--from 2025-12 means its first day")
    let june = try json(["strategy", "--to", "2025-06"], log: log)
    #expect(june["shifts"]?.arrayValue.count == 1, "--to 2025-06 means its last day")
    let text = try timeline(["--log", log, "strategy"])
    #expect(text.stdout.contains("2025-12-10  openai  \"code red\"  code-red"))
    #expect(text.stdout.contains("  focus before  openai/sora\n  focus after   openai/chatgpt, openai/gpt-5.2"))
  }
}

@Test func logListsEveryEventInReplayOrderRetractionsIncluded() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let got = try json(["log"], log: log)
    let ids = got["events"]?.arrayValue.compactMap { event -> String? in
      if case .string(let id)? = event["id"] { return id }
      return nil
    }
    #expect(ids == ["sora-launch", "gpt51", "gemini3", "sora-pause", "valuation", "nbp-throttle", "blind", "cro", "code-red", "gpt52", "r-nbp"])
    #expect(got["basis"] == Naive.basis(ids ?? []), "log's basis counts the events listed, retractions included")
    // --json events carry all their fields, exactly as stored.
    let stored = Dictionary(uniqueKeysWithValues: industryLines.map { line in
      let value = try! J.parse(line)
      guard case .string(let id)? = value["id"] else { fatalError() }
      return (id, value)
    })
    for event in got["events"]?.arrayValue ?? [] {
      guard case .string(let id)? = event["id"] else { continue }
      #expect(event == stored[id], "\(id)")
    }
    let text = try timeline(["--log", log, "log"])
    #expect(text.status == 0)
    // Each event with a source has its source line below it (issue 12).
    #expect(text.lines.filter { !$0.hasPrefix("            source: ") }.count == 12)
    #expect(text.lines.first { $0.contains("nbp-throttle") }?.contains("[retracted]") == true)
    #expect(text.lines.last == "11 events; basis \(digest(ids ?? []).prefix(12))")
  }
}

@Test(arguments: [
  (["--from", "2025-12"], ["sora-pause", "valuation", "nbp-throttle", "blind", "cro", "code-red", "gpt52", "r-nbp"]),
  (["--from", "2025-12-02"], ["nbp-throttle", "blind", "cro", "code-red", "gpt52", "r-nbp"]),
  (["--to", "2025-11"], ["sora-launch", "gpt51", "gemini3"]),
  (["--to", "2025-12-01"], ["sora-launch", "gpt51", "gemini3", "sora-pause", "valuation"]),
  (["--from", "2025-12-05", "--to", "2025-12-05"], ["nbp-throttle", "blind"]),
  (["--org", "google"], ["gemini3", "nbp-throttle"]),
  (["--kind", "launch"], ["sora-launch", "gpt51", "gemini3", "gpt52"]),
  (["--kind", "retract"], ["r-nbp"]),
  (["--kind", "x-blind-test"], ["blind"]),
  (["--subject", "openai/sora"], ["sora-launch", "sora-pause"]),
  (["--subject", "openai"], ["valuation", "code-red"]),
  (["--subject", "denise-dresser"], ["cro"]),
  (["--org", "openai", "--kind", "launch", "--from", "2025-12"], ["gpt52"]),
  (["--known-at", "2025-12-10"], ["sora-launch", "gpt51", "sora-pause", "cro", "code-red"]),
])
func logFiltersSelectEvents(arguments: [String], expected: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let got = try json(["log"] + arguments, log: log)
    let ids = got["events"]?.arrayValue.map { $0["id"]?.description ?? "" }
    #expect(ids == expected.map { "\"\($0)\"" })
  }
}

/// `log` reads each listed line again at its offset, reading through small
/// gaps and skipping large ones, with a few KB of room past a line's start:
/// lines longer than that room, around it, and lines far apart or close
/// together must each come back whole, from the fact cache and from the
/// replay index's part of one org.
@Test func logReadsEveryLineWholeWhateverItsLengthAndItsGapToTheNext() throws {
  try withTemporaryDirectory { dir throws in
    let lengths = [0, 10, 3_000, 4_000, 4_095, 4_096, 4_200, 8_191, 8_192, 9_000, 20_000]
    var lines: [String] = []
    for (n, length) in lengths.enumerated() {
      for (m, gap) in [0, 2_000, 7_000, 8_200, 12_000].enumerated() {
        let id = "a\(n)-\(m)"
        let recorded = String(format: "2025-01-01T00:%02d:%02d.000Z", n, m)
        lines.append(#"{"id":"\#(id)","date":"2025","kind":"report","org":"a","note":"\#(String(repeating: "n", count: length))","confidence":"reported","recorded":"\#(recorded)"}"#)
        if gap > 0 {
          lines.append(#"{"id":"b\#(n)-\#(m)","date":"2025","kind":"report","org":"b","note":"\#(String(repeating: "g", count: gap))","confidence":"reported","recorded":"\#(recorded)"}"#)
        }
      }
    }
    // Enough short lines after them that the log is cached and indexed.
    for n in 0..<10_000 {
      lines.append(#"{"id":"c\#(n)","date":"2025","kind":"report","org":"c","confidence":"reported","recorded":"2025-01-02T00:00:00.000Z"}"#)
    }
    let log = try folderLog(dir, lines)
    let stored = Dictionary(uniqueKeysWithValues: lines.map { line in
      let value = try! J.parse(line)
      return (value["id"]!.description, value)
    })
    // The first question writes the fact cache, the second the replay index.
    for at in ["2025-12-30", "2025-12-31"] {
      #expect(try timeline(["--log", log, "state", "--at", at]).status == 0)
    }
    #expect(FileManager.default.fileExists(atPath: log + "/.timeline-cache/log.replay"))
    for arguments in [["log"], ["log", "--org", "a"]] {
      let events = try json(arguments, log: log)["events"]?.arrayValue ?? []
      let expected = arguments.count == 1 ? lines.count : lines.filter { $0.contains(#""org":"\#(arguments[2])""#) }.count
      #expect(events.count == expected, "\(arguments)")
      for event in events {
        let whole = event == stored[event["id"]!.description]  // (not expanded: the lines are long)
        #expect(whole, "\(arguments): \(event["id"]!)")
      }
    }
    let text = try timeline(["--log", log, "log", "--org", "a"])
    #expect(text.status == 0)
    let longest = "\"" + String(repeating: "n", count: lengths.max()!) + "\""
    #expect(text.lines.filter { $0.hasSuffix(longest) }.count == 5, "a piped listing's lines are whole")
  }
}

@Test func everyQueryOutputIsOneJSONDocumentWithABasis() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    for command in [["state"], ["diff", "2025-11", "2025-12"], ["lineage"], ["strategy"], ["log"]] {
      let result = try timeline(["--log", log] + command + ["--json"])
      #expect(result.status == 0)
      let value = try J.parse(result.stdout)
      #expect(value["basis"]?["events"] != nil, "\(command)")
      #expect(value["basis"]?["digest"]?.description.count == 66, "\(command)")
      #expect(result.stdout.hasSuffix("}\n"))
    }
  }
}

@Test func queriesWorkOnAFileLogAndThroughTheEnvironment() throws {
  try withTemporaryDirectory { dir throws in
    let file = dir + "/story.jsonl"
    try writeLines(industryLines, to: file)
    let direct = try timeline(["--log", file, "state", "--at", "2025-12", "--json"])
    let viaEnvironment = try timeline(["state", "--at", "2025-12", "--json"], environment: ["TIMELINE_LOG": file])
    let equalsForm = try timeline(["state", "--log=\(file)", "--at", "2025-12", "--json"])
    #expect(direct.status == 0)
    #expect(direct.stdout == viaEnvironment.stdout)
    #expect(direct.stdout == equalsForm.stdout, "--log may come after the command, as --log=PATH")
    try FileManager.default.createDirectory(atPath: dir + "/events", withIntermediateDirectories: true)
    try writeLines(industryLines, to: dir + "/events/one.jsonl")
    let defaultLog = try timeline(["state", "--at", "2025-12", "--json"], in: dir)
    #expect(defaultLog.stdout == direct.stdout, "the default log is ./events")
  }
}

/// A fact known only as "November 2025" or "2025" is certain from the last day of its period.
@Test(arguments: [
  ("2025-11", "2025-11-15", false), ("2025-11", "2025-11-29", false), ("2025-11", "2025-11-30", true), ("2025-11", "2025-12-01", true),
  ("2025-11", "2025-11", true), ("2025-11", "2025-10", false), ("2025", "2025-12-30", false), ("2025", "2025-12-31", true),
  ("2025", "2025-12", true), ("2025", "2025", true), ("2025", "2025-06", false), ("2025-11-15", "2025-11-14", false), ("2025-11-15", "2025-11-15", true),
])
func partialDatesThroughTheBinary(eventDate: String, at: String, known: Bool) throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    #expect(try timeline(["--log", log, "add", "pause", "--date", eventDate, "--subject", "openai/sora"]).status == 0)
    let state = try json(["state", "--at", at], log: log)
    #expect((state["orgs"]?["openai"]?["products"]?["openai/sora"] != nil) == known)
    let diff = try json(["diff", "2024", at], log: log)
    #expect(diff["events"]?.arrayValue.count == (known ? 1 : 0))
  }
}

/// A whole state of many entries is written on two cores (its orgs split
/// where half its entries are, the second half written into memory
/// meanwhile): the document is byte for byte the orgs' parts, each as the
/// `--org` answer writes it alone, in code point order, joined as one writer joins them.
@Test func aLargeStateWrittenOnTwoCoresIsTheSameDocument() throws {
  try withTemporaryDirectory { dir throws in
    var lines: [String] = []
    // Orgs of unequal sizes, so that the split is not at the middle org: 61,400 entries.
    let orgs = (0..<20).map { "org-" + String($0 + 10) }
    for (rank, org) in orgs.enumerated() {
      for product in 0..<(300 + 100 * rank) {
        lines.append(#"{"id":"\#(org)-p\#(product)","date":"2025-01-01","kind":"launch","org":"\#(org)","subject":"\#(org)/p-\#(product)","attrs":{"type":"model","codename":"c-\#(product)"},"confidence":"confirmed","recorded":"2025-01-02T00:00:00.000Z"}"#)
      }
    }
    let log = dir + "/big.jsonl"
    try writeLines(lines.shuffled(), to: log)
    let whole = try timeline(["--log", log, "state", "--at", "2025-06-01", "--json"])
    try #require(whole.status == 0, "\(whole.stderr)")
    /// The lines of one org's member (`    "org": {` to its closing brace) in a state answer.
    func part(_ org: String, of answer: String) -> [Substring] {
      let lines = answer.split(separator: "\n", omittingEmptySubsequences: false)
      guard let start = lines.firstIndex(of: "    \"\(org)\": {"),
        let end = lines[start...].firstIndex(where: { $0.hasPrefix("    }") })
      else { return [] }
      return Array(lines[start...end])
    }
    var expected = ["{", "  \"at\": \"2025-06-01\",", "  \"knownAt\": null,", "  \"orgs\": {"]
    for (rank, org) in orgs.sorted().enumerated() {
      let alone = try timeline(["--log", log, "state", "--at", "2025-06-01", "--org", org, "--json"])
      try #require(alone.status == 0, "\(alone.stderr)")
      var lines = part(org, of: alone.stdout).map(String.init)
      try #require(lines.count > 2, "\(org): \(alone.stdout.prefix(300))")
      if rank < orgs.count - 1 { lines[lines.count - 1] += "," }
      expected += lines
    }
    let got = whole.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let prefix = Array(got.prefix(expected.count))
    #expect(prefix.count == expected.count && prefix == expected, "first difference at line \(prefix.indices.first { prefix[$0] != expected[$0] } ?? -1)")
    #expect(got.dropFirst(expected.count).first == "  },")
  }
}

/// decisions.md: with --org, only that org's events are folded, so the basis
/// counts only them: lineage's as state's, with the same models as the whole
/// lineage shows for that org.
@Test func lineageWithAnOrgFoldsAndCountsOnlyThatOrgsEvents() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    let lineage = try json(["lineage", "--org", "openai", "--at", "2025-12-31"], log: log)
    let state = try json(["state", "--org", "openai", "--at", "2025-12-31"], log: log)
    let whole = try json(["lineage", "--at", "2025-12-31"], log: log)
    #expect(lineage["basis"] == state["basis"])
    #expect(lineage["basis"]?["events"] != whole["basis"]?["events"])
    guard case .object(let models)? = whole["models"], case .object(let own)? = lineage["models"] else {
      Issue.record("no models: \(whole)")
      return
    }
    #expect(!own.isEmpty)
    #expect(own == models.filter { $0.value["org"] == .string("openai") })
  }
}

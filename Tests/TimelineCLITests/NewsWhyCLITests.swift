import Foundation
import ReferenceModel
import Testing

// DESIGN.md, "What is new, and why", through the real binary: news by
// --since and by the mark of the last run, why for every kind of key, the
// JSON shapes, and record-time windows on log and export.

private func ids(_ document: J, _ key: String = "events") -> [String] {
  document[key]?.arrayValue.compactMap { if case .string(let id)? = $0["id"] { id } else { nil } } ?? []
}


@Test func newsSinceListsWhatWasRecordedInTheWindowAndTheChangesItMade() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let document = try json(["news", "--since", "2025-12-12", "--known-at", "2025-12-12T09:30:00Z", "--at", "2025-12-31"], log: log)
    #expect(document["at"]?.stringValue == "2025-12-31")
    #expect(document["knownFrom"]?.stringValue == "2025-12-12T00:00:00.000Z")
    #expect(document["knownTo"]?.stringValue == "2025-12-12T09:30:00.000Z")
    // Recorded on 2025-12-12 up to 09:30: the valuation (dated 2025-12) and Gemini 3 (dated November).
    #expect(ids(document) == ["gemini3", "valuation"])
    let changes = document["changes"]?.arrayValue.map { "\($0["org"]?.stringValue ?? "-") \($0["section"]?.stringValue ?? "-") \($0["key"]?.stringValue ?? "-")" }
    #expect(changes == ["google products google/gemini-3", "openai metrics openai"])
    #expect(document["basis"]?["events"] != nil)
    #expect(document["events"]?.arrayValue.first?["retracted"] == .bool(false))
  }
}

@Test func newsTextShowsTheTwoTimesTheChangesByOrgAndEachEventWithItsSource() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "news", "--since", "2025-12-13", "--known-at", "2025-12-13", "--at", "2025-12-31"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.first?.hasPrefix("News from 2025-12-13T00:00:00.000Z to 2025-12-13T23:59:59.999Z, state at 2025-12-31") == true)
    #expect(result.stdout.contains("google\n  products  google/nano-banana-pro  -  active, throttled\n"))
    #expect(result.stdout.contains("New events\n  2025-12-13  r-nbp  retract"))
    // Nothing in the window wrote the throttle or moved a mark.
    #expect(!FileManager.default.fileExists(atPath: log + "/.timeline-cache/log.news"))
  }
}

@Test func newsWithoutSinceStartsAtTheMarkOfTheLastRun() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let first = try json(["news", "--at", "2025-12-31"], log: log)
    #expect(ids(first).count == industryLines.count, "before the first run, everything is new")
    #expect(first["knownFrom"] == .null)
    let second = try json(["news", "--at", "2025-12-31"], log: log)
    #expect(ids(second).isEmpty && second["changes"]?.arrayValue.isEmpty == true)
    #expect(second["mark"]?.stringValue != nil)
    // An add between runs is new; so is a teammate's file pulled in, though recorded long before.
    let added = try timeline(["--log", log, "add", "resume", "--date", "2025-12-20", "--subject", "openai/sora"])
    #expect(added.status == 0, "\(added.stderr)")
    let teammate = #"{"id":"old-hire","date":"2025-12-01","kind":"hire","org":"google","subject":"jo","attrs":{"role":"CEO"},"confidence":"confirmed","recorded":"2020-01-01T00:00:00.000Z"}"#
    try writeLines([teammate], to: log + "/teammate.jsonl")
    let third = try json(["news", "--at", "2025-12-31"], log: log)
    #expect(ids(third) == ["old-hire", added.output])
    let changes = third["changes"]?.arrayValue.map { "\($0["section"]?.stringValue ?? "-") \($0["key"]?.stringValue ?? "-") \($0["field"]?.stringValue ?? "entry")" }
    #expect(changes == ["roles CEO entry", "products openai/sora status"])
    // --since looks back without moving the mark.
    let since = try json(["news", "--since", "2000-01-01", "--at", "2025-12-31"], log: log)
    #expect(ids(since).count == industryLines.count + 2)
    #expect(ids(try json(["news", "--at", "2025-12-31"], log: log)).isEmpty)
  }
}

@Test func newsWithADamagedMarkCountsEverythingAsNew() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    _ = try json(["news"], log: log)
    let mark = log + "/.timeline-cache/log.news"
    var bytes = [UInt8](FileManager.default.contents(atPath: mark)!)
    bytes[bytes.count / 2] ^= 0x01
    try writeBytes(bytes, to: mark)
    #expect(ids(try json(["news"], log: log)).count == industryLines.count)
    // Nor is a mark whose marked bytes changed trusted: the file counts whole.
    #expect(ids(try json(["news"], log: log)).isEmpty)
    var lines = industryLines
    lines[0] = lines[0].replacingOccurrences(of: #""title":"GPT-5.1""#, with: #""title":"GPT-5.1!""#)
    try writeLines(lines, to: log + "/log.jsonl")
    #expect(ids(try json(["news"], log: log)).count == industryLines.count)
  }
}

@Test func newsRefusesASymlinkedCacheFolderAndStillAnswers() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    try FileManager.default.createDirectory(atPath: dir + "/elsewhere", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: log + "/.timeline-cache", withDestinationPath: dir + "/elsewhere")
    let result = try timeline(["--log", log, "news", "--json"])
    #expect(result.status == 0)
    #expect(result.stderr.contains("the news mark was not kept"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/elsewhere").isEmpty)
  }
}

@Test(arguments: [
  // The product: its fields, and every event about it with the retraction-free history.
  ("openai/sora", ["openai products openai/sora", "openai deprioritized openai/sora"], ["sora-launch", "sora-pause", "code-red"]),
  // A person: the roles they hold.
  ("denise-dresser", ["openai roles CRO"], ["cro"]),
  // A codename: its entry and the launch that named it.
  ("olive-oil-cake", ["openai codenames olive-oil-cake"], ["gpt52"]),
  // A metric's subject (the org's own valuation), and every event of the org.
  ("openai", ["openai metrics openai"], ["sora-launch", "gpt51", "sora-pause", "valuation", "cro", "code-red", "gpt52"]),
  // A product retracted: its events with the retraction, and a custom kind naming it in attrs.
  ("google/nano-banana-pro", [], ["nbp-throttle", "blind", "r-nbp"]),
  // A string only a free-form attribute holds.
  ("code red", [], ["sora-pause", "code-red"]),
])
func whyAnswersForEveryKindOfKey(_ key: String, _ entries: [String], _ events: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let document = try json(["why", key, "--at", "2025-12-31"], log: log)
    let found = document["entries"]?.arrayValue.map { "\($0["org"]?.stringValue ?? "-") \($0["section"]?.stringValue ?? "-") \($0["key"]?.stringValue ?? "-")" }
    #expect(found == entries)
    #expect(ids(document) == events)
  }
}

/// A string in attrs spelled with escapes is found (the line is read whole
/// because of them), and one in a note, escaped or not, is not about the key.
@Test func whyFindsAnAttributeStringSpelledWithEscapesAndNotANote() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, industryLines + [
      #"{"id":"escaped","date":"2025-12-14","kind":"pause","org":"google","subject":"google/gemini-3","attrs":{"reason":"code\u0020r\u0065d"},"confidence":"reported","note":"a\nb","recorded":"2025-12-14T08:00:00.000Z"}"#,
      #"{"id":"noted","date":"2025-12-14","kind":"report","org":"google","note":"code red\n\"again\"","confidence":"rumor","recorded":"2025-12-14T09:00:00.000Z"}"#,
    ])
    #expect(ids(try json(["why", "code red", "--at", "2025-12-31"], log: log)) == ["sora-pause", "code-red", "escaped"])
    #expect(ids(try json(["why", "google/gemini-3", "--at", "2025-12-31"], log: log)) == ["gemini3", "escaped"])
  }
}

/// Names are compared byte for byte (the table's symbols are): an NFD
/// spelling written with escapes is another name than the NFC one, for `why`
/// and for the check of known names, as it is when written without escapes
/// (Swift's `==` took the two for one once the line was decoded).
@Test func whyAndKnownNamesTellNFCFromNFDWithOrWithoutEscapes() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, industryLines + [
      #"{"id":"nfc","date":"2025-12-14","kind":"pause","org":"google","subject":"google/gemini-3","attrs":{"reason":"caf\u00e9"},"confidence":"reported","recorded":"2025-12-14T08:00:00.000Z"}"#,
      #"{"id":"nfd","date":"2025-12-15","kind":"pause","org":"google","subject":"google/gemini-3","attrs":{"reason":"cafe\u0301"},"confidence":"reported","recorded":"2025-12-15T08:00:00.000Z"}"#,
      #"{"id":"nfd-only","date":"2025-12-16","kind":"pause","org":"google","subject":"google/gemini-3","attrs":{"reason":"cre\u0300me"},"confidence":"reported","recorded":"2025-12-16T08:00:00.000Z"}"#,
    ])
    #expect(ids(try json(["why", "caf\u{e9}", "--at", "2025-12-31"], log: log)) == ["nfc"])
    #expect(ids(try json(["why", "cafe\u{301}", "--at", "2025-12-31"], log: log)) == ["nfd"])
    #expect(ids(try json(["why", "cre\u{300}me", "--at", "2025-12-31"], log: log)) == ["nfd-only"])
    // "crème" in NFC is named by no line: the log holds only its NFD spelling.
    let before = snapshot(dir)
    let composed = try timeline(["--log", log, "why", "cr\u{e8}me", "--at", "2025-12-31"])
    #expect(composed.status == 65 && composed.stderr.contains("cr\u{e8}me"), "\(composed.stderr)")
    #expect(snapshot(dir) == before, "a refused why left the folder as it was")
  }
}

@Test func whyJSONGivesEachFieldItsValueEventConfidenceAndDateAndMarksRetractedEvents() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let sora = try json(["why", "openai/sora", "--at", "2025-12-31"], log: log)
    let fields = sora["entries"]?.arrayValue.first?["fields"]
    #expect(fields?["status"] == .object([
      "value": .string("paused"), "event": .string("sora-pause"), "confidence": .string("reported"), "date": .string("2025-12"),
    ]))
    // Never stated by an event: a default, resting on nothing.
    #expect(fields?["throttled"] == .object(["value": .bool(false), "event": .null, "confidence": .null, "date": .null]))
    #expect(fields?["launched"]?["event"] == .string("sora-launch"))
    let nbp = try json(["why", "google/nano-banana-pro", "--at", "2025-12-31"], log: log)
    let throttle = nbp["events"]?.arrayValue.first { $0["id"] == .string("nbp-throttle") }
    #expect(throttle?["retracted"] == .bool(true) && throttle?["superseded"] == .bool(false))
    #expect(sora["at"]?.stringValue == "2025-12-31" && sora["basis"]?["digest"] != nil)
  }
}

/// A product first heard of through a throttle is active by default; its
/// launch, later, states it: `why` gives the status the launch as its event
/// (DESIGN: each field rests on the event that set its current value).
@Test func aLaunchAfterAThrottleStatesTheStatusItFoundByDefault() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    try writeLines([
      #"{"id":"t1","date":"2025-01-01","kind":"throttle","org":"acme","subject":"acme/x","confidence":"reported","source":{"title":"s"},"recorded":"2025-12-01T00:00:00.000Z"}"#,
      #"{"id":"l1","date":"2025-02-01","kind":"launch","org":"acme","subject":"acme/x","attrs":{"type":"model"},"confidence":"confirmed","source":{"title":"s"},"recorded":"2025-12-01T00:00:00.001Z"}"#,
    ], to: log)
    let why = try json(["why", "acme/x", "--at", "2025-12-31"], log: log)
    let fields = why["entries"]?.arrayValue.first?["fields"]
    #expect(fields?["status"] == .object([
      "value": .string("active"), "event": .string("l1"), "confidence": .string("confirmed"), "date": .string("2025-02-01"),
    ]))
    #expect(fields?["throttled"]?["event"] == .string("t1"))
    let text = try timeline(["--log", log, "why", "acme/x", "--at", "2025-12-31"])
    #expect(!text.stdout.contains("(default)"), "\(text.stdout)")
  }
}

@Test func whyTextShowsEachFieldsSource() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "why", "denise-dresser", "--at", "2025-12-31"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.contains("  person  denise-dresser  cro  2025-12-09"))
    #expect(result.lines.contains("      source: \"Hire\""))
    // An amount reads as in state and diff (decisions.md, "Amounts"), not as its raw digits.
    let metric = try timeline(["--log", log, "why", "openai", "--at", "2025-12-31"])
    #expect(metric.lines.contains { $0.hasPrefix("  value  500 B  valuation") }, "\(metric.stdout)")
  }
}

@Test func logAndExportSelectByRecordTime() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let listed = try json(["log", "--since", "2025-12-12", "--until", "2025-12-12T10:00:00Z"], log: log)
    #expect(ids(listed) == ["gemini3", "valuation", "nbp-throttle"])
    #expect(ids(try json(["log", "--since", "2025-12-13"], log: log)) == ["r-nbp"])
    #expect(ids(try json(["log", "--until", "2025-11"], log: log)) == ["sora-launch", "gpt51"])
    let exported = try timeline(["--log", log, "export", "--format", "jsonl", "--since", "2025-12-12T09:00:00Z", "--until", "2025-12-12T11:00:00Z"])
    #expect(exported.status == 0, "\(exported.stderr)")
    // r-nbp, recorded later, retracts nbp-throttle: an export carries the
    // retractions of what it selects, whenever they were recorded.
    #expect(exported.lines.map { try? J.parse($0) }.compactMap { $0?["id"]?.stringValue } == ["gemini3", "nbp-throttle", "blind", "r-nbp"])
  }
}

@Test(arguments: [
  ["log", "--since", "2025-12-13", "--until", "2025-12-12"],
  ["export", "--format", "jsonl", "--since", "2025-12-13T00:00:00Z", "--until", "2025-12-12T23:59:59Z"],
  ["news", "--since", "2025-12", "--known-at", "2025-11"],
  ["log", "--since", "2025-12-10T00:00:00.001Z", "--until", "2025-12-10T00:00:00Z"],
])
func reversedRecordWindowIsAUsageError(_ arguments: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = try Data(contentsOf: URL(fileURLWithPath: log + "/log.jsonl"))
    let result = try timeline(["--log", log] + arguments)
    #expect(result.status == 64)
    #expect(result.stderr.contains("the record-time window ends before it starts"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: log + "/log.jsonl")) == before)
    #expect(!FileManager.default.fileExists(atPath: log + "/.timeline-cache/log.news"))
  }
}

@Test func aRecordTimeThatIsNeitherATimeNorADateIsAUsageError() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "log", "--since", "last fortnight"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--since:"))
  }
}

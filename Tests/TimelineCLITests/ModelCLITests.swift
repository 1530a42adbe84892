import Foundation
import ReferenceModel
import Testing

// The model test through the real binary: on random logs, the --json answers
// match the naive recompute, and neither shuffling the lines nor splitting them
// over several files of a folder changes any answer.

/// The ways one generated log is laid out on disk.
func layouts(of generated: [GenEvent], seed: UInt64, in dir: String) throws -> [String] {
  var rng = SplitMix(seed: seed &+ 1000)
  let lines = generated.map(\.line)
  let ordered = dir + "/ordered.jsonl"
  try writeLines(lines, to: ordered)
  let shuffled = dir + "/shuffled.jsonl"
  try writeLines(lines.shuffled(using: &rng), to: shuffled)
  let folder = dir + "/split"
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  var parts: [[String]] = [[], [], []]
  for line in lines.shuffled(using: &rng) { parts[Int.random(in: 0..<3, using: &rng)].append(line) }
  for (index, part) in parts.enumerated() { try writeLines(part, to: folder + "/part-\(index).jsonl") }
  try writeLines(["not an event"], to: folder + "/notes.txt")
  return [ordered, shuffled, folder]
}

/// The naive `log`: every event after rule 2 (and --known-at), retractions included, in replay order.
func naiveLog(_ generated: [GenEvent], knownAt: Int64?, minConfidence: String = "rumor") -> [String] {
  let ranks = ["rumor": 0, "reported": 1, "confirmed": 2]
  var byID: [String: GenEvent] = [:]
  for event in generated where ranks[event.confidence]! >= ranks[minConfidence]! {
    if byID[event.id].map({ event.recorded < $0.recorded }) ?? true { byID[event.id] = event }
  }
  return byID.values.filter { knownAt == nil || $0.recorded <= knownAt! }.sorted { a, b in
    if a.date.first != b.date.first { return a.date.first < b.date.first }
    if a.recorded != b.recorded { return a.recorded < b.recorded }
    return Array(a.id.utf8).lexicographicallyPrecedes(Array(b.id.utf8))
  }.map(\.id)
}

func sortedByText(_ items: [J]) -> [J] { items.sorted { $0.description < $1.description } }

@Test(arguments: [11, 22, 33, 44] as [UInt64])
func binaryAnswersMatchTheModelWhateverTheLayout(seed: UInt64) throws {
  try withTemporaryDirectory { dir throws in
    var generator = LogGenerator(seed: seed)
    let generated = generator.log(count: 60)
    let logs = try layouts(of: generated, seed: seed, in: dir)
    let knownAt = generated[generated.count / 2].recorded
    let knownAtText = recordedText(knownAt)

    var queries: [(arguments: [String], expected: J)] = []
    for at in ["2024-01-15", "2024-02", "2024-02-29", "2024"] {
      let kept = Naive.kept(generated, at: naiveDay(at), knownAt: nil)
      queries.append((["state", "--at", at], .object(["orgs": Naive.state(kept).json, "basis": Naive.basis(kept.map(\.id))])))
    }
    let knownKept = Naive.kept(generated, at: naiveDay("2024"), knownAt: knownAt)
    queries.append((["state", "--at", "2024", "--known-at", knownAtText],
                    .object(["orgs": Naive.state(knownKept).json, "basis": Naive.basis(knownKept.map(\.id))])))
    let openai = Naive.kept(generated, at: naiveDay("2024-03"), knownAt: nil, org: "openai")
    queries.append((["state", "--at", "2024-03", "--org", "openai"], .object(["orgs": Naive.state(openai).json, "basis": Naive.basis(openai.map(\.id))])))
    let from = Naive.kept(generated, at: naiveDay("2024-01-31"), knownAt: nil)
    let to = Naive.kept(generated, at: naiveDay("2024-03"), knownAt: nil)
    let fromIDs = Set(from.map(\.id))
    queries.append((["diff", "2024-01-31", "2024-03"], .object([
      "changes": .array(sortedByText(Naive.changes(from: Naive.state(from), to: Naive.state(to)))),
      "events": .strings(to.map(\.id).filter { !fromIDs.contains($0) }), "basis": Naive.basis(to.map(\.id)),
    ])))
    let all = Naive.kept(generated, at: naiveDay("2024"), knownAt: nil)
    queries.append((["lineage", "--at", "2024"], .object(["models": Naive.lineage(all), "basis": Naive.basis(all.map(\.id))])))
    queries.append((["strategy"], .object(["shifts": Naive.strategy(all), "basis": Naive.basis(all.map(\.id))])))
    let listed = naiveLog(generated, knownAt: nil)
    queries.append((["log"], .object(["ids": .strings(listed), "basis": Naive.basis(listed)])))
    let listedThen = naiveLog(generated, knownAt: knownAt)
    queries.append((["log", "--known-at", knownAtText], .object(["ids": .strings(listedThen), "basis": Naive.basis(listedThen)])))
    // --min-confidence: the replay as if the log held only the events that sure or surer.
    for least in ["reported", "confirmed"] {
      let sure = Naive.kept(generated, at: naiveDay("2024"), knownAt: nil, minConfidence: least)
      queries.append((["state", "--at", "2024", "--min-confidence", least],
                      .object(["orgs": Naive.state(sure).json, "basis": Naive.basis(sure.map(\.id))])))
      let sureFrom = Naive.kept(generated, at: naiveDay("2024-01-31"), knownAt: nil, minConfidence: least)
      let sureFromIDs = Set(sureFrom.map(\.id))
      queries.append((["diff", "2024-01-31", "2024", "--min-confidence", least], .object([
        "changes": .array(sortedByText(Naive.changes(from: Naive.state(sureFrom), to: Naive.state(sure)))),
        "events": .strings(sure.map(\.id).filter { !sureFromIDs.contains($0) }), "basis": Naive.basis(sure.map(\.id)),
      ])))
      queries.append((["lineage", "--at", "2024", "--min-confidence", least], .object(["models": Naive.lineage(sure), "basis": Naive.basis(sure.map(\.id))])))
      queries.append((["strategy", "--min-confidence", least], .object(["shifts": Naive.strategy(sure), "basis": Naive.basis(sure.map(\.id))])))
      let listedSure = naiveLog(generated, knownAt: nil, minConfidence: least)
      queries.append((["log", "--min-confidence", least], .object(["ids": .strings(listedSure), "basis": Naive.basis(listedSure)])))
    }

    for (arguments, expected) in queries {
      var outputs: [String] = []
      for log in logs {
        let result = try timeline(["--log", log] + arguments + ["--json"])
        #expect(result.status == 0, "seed \(seed) \(arguments) on \(log): \(result.stderr)")
        outputs.append(result.stdout)
      }
      #expect(outputs[1] == outputs[0], "seed \(seed) \(arguments): shuffling the lines changed the answer")
      #expect(outputs[2] == outputs[0], "seed \(seed) \(arguments): splitting over files changed the answer")
      var got = try J.parse(outputs[0])
      if case .object(var members) = got {
        if let changes = members["changes"] { members["changes"] = .array(sortedByText(changes.arrayValue)) }
        if let events = members["events"], arguments[0] == "log" {
          members["ids"] = .array(events.arrayValue.map { $0["id"] ?? .null })
        }
        got = .object(members.filter { expected[$0.key] != nil })
      }
      let wrong = differences(got, expected).prefix(5)
      #expect(wrong.isEmpty, "seed \(seed) \(arguments)")
    }
  }
}

/// `log --json` reads and writes a long listing a part at a time (65,536
/// events): across the parts' edges nothing is lost, repeated or out of
/// replay order, `--grep` chooses within each part, and the basis is that of
/// every event listed.
@Test func aListingLongerThanOnePartIsWholeAndInReplayOrder() throws {
  try withTemporaryDirectory { dir throws in
    var generator = LogGenerator(seed: 77)
    let generated = generator.log(count: 150_000)
    let log = dir + "/long.jsonl"
    try writeLines(generated.map(\.line), to: log)
    let expected = naiveLog(generated, knownAt: nil)
    // More than two parts of 65,536: a first, a middle and a last one.
    try #require(expected.count > 2 * 65_536)
    let listing = try json(["log"], log: log)
    let ids = listing["events"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
    #expect(ids.count == expected.count && ids == expected)
    #expect(listing["basis"] == Naive.basis(expected))
    // The event listed under each id: the earliest recorded (an id may be re-used with other content).
    var listedEvent: [String: GenEvent] = [:]
    for event in generated where listedEvent[event.id].map({ event.recorded < $0.recorded }) ?? true { listedEvent[event.id] = event }
    let byOrg = Set(listedEvent.values.filter { $0.org == "openai" }.map(\.id))
    let grepped = try json(["log", "--grep", "OPENAI"], log: log)["events"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
    // Every openai event, in the listing's order (other events may name it elsewhere).
    let want = expected.filter { byOrg.contains($0) }
    let got = grepped.filter { byOrg.contains($0) }
    #expect(got.count == want.count && got == want, "\(got.count) of \(want.count); first difference at \(zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }.map { "\($0.offset): \($0.element)" } ?? "-")")
    #expect(grepped.count < expected.count)
  }
}

/// `news` and `log` read and write a long listing a part at a time (65,536
/// events), never holding it whole: news lists every new event once, in
/// replay order and marked, across the parts' edges; as text, every row's
/// columns are as wide as the widest cell of the whole listing (a first pass
/// measures every part), though the widest org comes only in the last part.
@Test func aLongListingIsWholeAndAlignedAcrossItsParts() throws {
  try withTemporaryDirectory { dir throws in
    var generator = LogGenerator(seed: 78)
    let generated = generator.log(count: 150_000)
    let wide = "an-organisation-wider-than-any-other"
    let last = #"{"id":"zz-widest","date":"2099-12-31","kind":"launch","org":"\#(wide)","subject":"\#(wide)/x","attrs":{"type":"model"},"confidence":"confirmed","recorded":"2099-12-31T00:00:00.000Z"}"#
    // A report whose attr no other event has, last in replay order: CSV's header is of every part.
    let late = #"{"id":"zz-late","date":"2099-12-31","kind":"report","org":"openai","attrs":{"zz-only-here":"x"},"confidence":"rumor","recorded":"2099-12-31T00:00:01.000Z"}"#
    let log = dir + "/long.jsonl"
    try writeLines(generated.map(\.line) + [last, late], to: log)
    let expected = naiveLog(generated, knownAt: nil) + ["zz-widest", "zz-late"]
    try #require(expected.count > 2 * 65_536)

    // export writes every event once, in replay order, a part at a time.
    let exported = try timeline(["--log", log, "export", "--format", "jsonl"])
    #expect(exported.status == 0, "\(exported.stderr)")
    let exportedIDs = try exported.lines.map { try J.parse($0)["id"]?.stringValue ?? "" }
    #expect(exportedIDs.count == expected.count && exportedIDs == expected)
    let csv = try timeline(["--log", log, "export", "--format", "csv", "-o", dir + "/long.csv"])
    #expect(csv.status == 0, "\(csv.stderr)")
    let header = fileLines(dir + "/long.csv").first ?? ""
    #expect(header.split(separator: ",").contains("attrs.zz-only-here"), "\(header)")

    // Everything is new to a news run from the beginning.
    let news = try json(["news", "--since", "1970-01-01", "--at", "2099-12-31"], log: log)
    let events = news["events"]?.arrayValue ?? []
    let ids = events.compactMap { $0["id"]?.stringValue }
    #expect(ids.count == expected.count && ids == expected)
    func flag(_ event: J, _ name: String) -> Bool? { if case .bool(let value)? = event[name] { value } else { nil } }
    #expect(events.allSatisfy { flag($0, "retracted") != nil && flag($0, "superseded") != nil })
    #expect(events.contains { flag($0, "retracted") == true })

    var orgOf: [String: String] = [:]
    for event in generated where orgOf[event.id] == nil { orgOf[event.id] = event.org ?? "" }
    orgOf["zz-widest"] = wide
    orgOf["zz-late"] = "openai"
    for (arguments, indent) in [(["log"], ""), (["news", "--since", "1970-01-01", "--at", "2099-12-31"], "  ")] {
      let result = try timeline(["--log", log] + arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      // Event rows begin with a date (four digits, then - or a space) after the indent; the widest is next to last.
      let rows = result.lines.filter { line in
        let head = Array(line.utf8.dropFirst(indent.count).prefix(5))
        return line.hasPrefix(indent) && head.count == 5 && head.prefix(4).allSatisfy { (0x30...0x39).contains($0) }
          && (head[4] == UInt8(ascii: "-") || head[4] == 0x20)
      }
      try #require(rows.count == expected.count, "\(arguments): \(rows.count) rows")
      let widestRow = try #require(rows.dropLast().last)
      let orgColumn = try #require(widestRow.range(of: wide)).lowerBound.utf16Offset(in: widestRow)
      let idColumn = try #require(widestRow.range(of: "zz-widest")).lowerBound.utf16Offset(in: widestRow)
      var misaligned: [String] = []
      for row in rows {
        let bytes = Array(row.utf8)
        guard bytes.count > orgColumn else { misaligned.append(row); continue }
        let id = String(decoding: bytes[idColumn...].prefix { $0 != 0x20 }, as: UTF8.self)
        let org = try #require(orgOf[id], "\(arguments): no event \(id) in \(row)")
        // The org cell starts at the org column and is padded to the widest org.
        let cell = String(decoding: bytes[orgColumn...].prefix(wide.utf8.count + 2), as: UTF8.self)
        if cell != org + String(repeating: " ", count: wide.utf8.count + 2 - org.utf8.count) { misaligned.append(row) }
      }
      #expect(misaligned.isEmpty, "\(arguments): \(misaligned.count) rows misaligned, first \(misaligned.first ?? "")")
    }
  }
}

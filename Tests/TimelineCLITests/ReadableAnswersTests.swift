import Foundation
import Testing

// Issue 12, "Readable answers": amounts people can read, one rule for lists,
// errors that name the real fault, and notes where a value is odd but allowed.

/// value (as JSON writes it), unit, and how `state` shows it.
private let amounts: [(value: String, unit: String?, text: String)] = [
  ("0", nil, "0"),
  ("0.1", nil, "0.1"),
  ("0.01", "share", "0.01 share"),
  ("1e-7", nil, "1e-7"),
  ("999", "users", "999 users"),
  ("1000", "users", "1,000 users"),
  ("12500", "users", "12,500 users"),
  ("1234.5", "USD", "1,234.5 USD"),
  ("999999", nil, "999,999"),
  ("1000000", "users", "1 M users"),
  ("1200000", "users", "1.2 M users"),
  ("1234567", "users", "1.23 M users"),
  ("999999999", "USD", "1 B USD"),
  ("183000000000", "USD", "183 B USD"),
  ("500000000000", "USD", "500 B USD"),
  ("1500000000000", "USD", "1.5 T USD"),
  ("1500000000000000", "USD", "1,500 T USD"),
  ("1e+21", "USD", "1e+21 USD"),
  ("-2500000000", "USD", "-2.5 B USD"),
  ("-12500", nil, "-12,500"),
  ("-0.5", nil, "-0.5"),
]

@Test func stateShowsAmountsGroupedShortenedAndWithTheirUnit() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let batch = amounts.enumerated().map { index, amount in
      let unit = amount.unit.map { #","unit":"\#($0)""# } ?? ""
      return #"{"date":"2025-12-01","kind":"metric","org":"acme","confidence":"confirmed","attrs":{"name":"m\#(String(format: "%02d", index))","value":\#(amount.value)\#(unit)}}"#
    }.joined(separator: "\n") + "\n"
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: batch)
    #expect(added.status == 0, "\(added.stderr)")
    let state = try timeline(["--log", log, "state", "--at", "2025-12-31"])
    #expect(state.status == 0, "\(state.stderr)")
    let rows = state.stdout.split(separator: "\n").filter { $0.contains(" m") && $0.contains("as of") }
    #expect(rows.count == amounts.count, "\(state.stdout)")
    for (index, amount) in amounts.enumerated() {
      let name = "m" + String(format: "%02d", index)
      guard let row = rows.first(where: { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) == name }) else {
        Issue.record("no row for \(name) in \(state.stdout)")
        continue
      }
      // The cells are padded to a column; the amount is its own cell.
      let cells = row.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      #expect(cells.contains(amount.text), "\(amount.value) \(amount.unit ?? ""): \(row)")
    }
    // JSON keeps the exact value.
    let json = try timeline(["--log", log, "state", "--at", "2025-12-31", "--json"])
    #expect(json.stdout.contains(#""value": 183000000000"#), "\(json.stdout)")
    #expect(json.stdout.contains(#""value": 1234567"#))
  }
}

@Test func diffShowsShortenedAmountsWithTheUnitAndKeepsNearAmountsApart() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let lines = [
      #"{"date":"2025-11-01","kind":"metric","org":"xai","attrs":{"name":"valuation","value":183000000000,"unit":"USD"}}"#,
      #"{"date":"2025-12-01","kind":"metric","org":"xai","attrs":{"name":"valuation","value":350000000000,"unit":"USD"}}"#,
      #"{"date":"2025-11-01","kind":"metric","org":"xai","attrs":{"name":"users","value":1234567,"unit":"users"}}"#,
      #"{"date":"2025-12-01","kind":"metric","org":"xai","attrs":{"name":"users","value":1234999,"unit":"users"}}"#,
      #"{"date":"2025-11-01","kind":"metric","org":"xai","attrs":{"name":"revenue","value":2000000,"unit":"EUR"}}"#,
      #"{"date":"2025-12-01","kind":"metric","org":"xai","attrs":{"name":"revenue","value":3000000,"unit":"USD"}}"#,
      #"{"date":"2025-12-01","kind":"metric","org":"xai","attrs":{"name":"gpus","value":200000}}"#,
    ]
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: lines.joined(separator: "\n") + "\n").status == 0)
    let diff = try timeline(["--log", log, "diff", "2025-11-15", "2025-12-15"])
    #expect(diff.status == 0, "\(diff.stderr)")
    #expect(diff.stdout.contains("valuation  183 B -> 350 B USD"), "\(diff.stdout)")
    #expect(diff.stdout.contains("users      1.2346 M -> 1.235 M users"), "two amounts that round alike get more digits: \(diff.stdout)")
    #expect(diff.stdout.contains("revenue    2 M EUR -> 3 M USD"), "a changed unit is shown on both sides: \(diff.stdout)")
    #expect(diff.stdout.contains("gpus       (none) -> 200,000"), "\(diff.stdout)")
    let json = try timeline(["--log", log, "diff", "2025-11-15", "2025-12-15", "--json"])
    #expect(json.stdout.contains(#""after": 350000000000"#), "JSON keeps the exact value: \(json.stdout)")
  }
}

// A metric restated in another unit changed the state entry: diff reports
// its unit, in JSON always (field "unit", with the metric's name, as a change
// of confidence is reported), in text when the value stayed.
@Test func diffReportsAChangeOfAMetricsUnitAlone() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let lines = [
      #"{"date":"2025-11-01","kind":"metric","org":"xai","attrs":{"name":"revenue","value":2000000,"unit":"EUR"},"confidence":"confirmed"}"#,
      #"{"date":"2025-12-01","kind":"metric","org":"xai","attrs":{"name":"revenue","value":2000000,"unit":"USD"},"confidence":"confirmed"}"#,
    ]
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: lines.joined(separator: "\n") + "\n").status == 0)
    let diff = try timeline(["--log", log, "diff", "2025-11-15", "2025-12-15"])
    #expect(diff.status == 0, "\(diff.stderr)")
    #expect(diff.stdout.contains("metrics  xai  revenue unit  EUR -> USD"), "\(diff.stdout)")
    let changes = try json(["diff", "2025-11-15", "2025-12-15"], log: log)["changes"]?.arrayValue ?? []
    #expect(changes.count == 1)
    #expect(changes.first?["field"]?.stringValue == "unit" && changes.first?["name"]?.stringValue == "revenue")
    #expect(changes.first?["before"]?.stringValue == "EUR" && changes.first?["after"]?.stringValue == "USD")
    // The value and the unit changed together: JSON has both changes; text
    // one line, the units on both sides.
    let both = #"{"date":"2026-01-01","kind":"metric","org":"xai","attrs":{"name":"revenue","value":3000000,"unit":"GBP"},"confidence":"confirmed"}"#
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: both + "\n").status == 0)
    let fields = (try json(["diff", "2025-12-15", "2026-01-15"], log: log)["changes"]?.arrayValue ?? []).map { $0["field"]?.stringValue }
    #expect(fields == ["revenue", "unit"])
    let text = try timeline(["--log", log, "diff", "2025-12-15", "2026-01-15"])
    #expect(text.stdout.contains("revenue  2 M USD -> 3 M GBP") && !text.stdout.contains("USD -> GBP"), "\(text.stdout)")
    #expect(text.stdout.contains("(1 change,"), "the header counts the lines shown: \(text.stdout)")
  }
}

/// The focus list of the one strategy event of `log`.
private func focusOfTheOnlyEvent(_ log: String) throws -> [String] {
  let events = try json(["log"], log: log)["events"]?.arrayValue ?? []
  return (events.first?["attrs"]?["focus"]?.arrayValue ?? []).compactMap { if case .string(let item) = $0 { item } else { nil } }
}

@Test(arguments: [
  ["--set", "focus=acme/a,acme/b"],
  ["--set", "focus=acme/a", "--set", "focus=acme/b"],
  ["--set", "focus=acme/a; acme/b"],
  ["--set", "focus=acme/a, acme/b"],
])
func aCommaSplitsAListGivenByFlagAsRepeatingTheKeyDoes(_ sets: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let result = try timeline(["--log", log, "add", "strategy", "--date", "2025-12-10", "--org", "acme", "--source-title", "t"] + sets)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try focusOfTheOnlyEvent(log) == ["acme/a", "acme/b"])
  }
}

@Test func everyWayOfWritingAListGivesTheSameContentID() throws {
  try withTemporaryDirectory { dir throws in
    var ids = Set<String>()
    for sets in [["--set", "focus=acme/a,acme/b"], ["--set", "focus=acme/a", "--set", "focus=acme/b"], ["--set", "focus=acme/a;acme/b"]] {
      let result = try timeline(["--log", dir + "/\(ids.count).jsonl", "add", "strategy", "--date", "2025-12-10", "--org", "acme"] + sets)
      #expect(result.status == 0, "\(result.stderr)")
      ids.insert(result.stdout)
    }
    #expect(ids.count == 1, "\(ids)")
  }
}

@Test(arguments: ["acme/a;acme/b", "acme/a,acme/b", "acme/a; acme/b"])
func importSplitsAListCellOnSemicolonsOrCommas(_ cell: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let csv = "date,kind,org,attrs.focus,source.title\n2025-12-10,strategy,acme,\"\(cell)\",t\n"
    let result = try timeline(["--log", log, "import", "--format", "csv", "-"], stdin: csv)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try focusOfTheOnlyEvent(log) == ["acme/a", "acme/b"])
  }
}

@Test(arguments: [
  (["--subject", "xai/Grok-4"], "capitals are not allowed in a slug: write xai/grok-4"),
  (["--subject", "xai/grok 4"], "spaces are not allowed in a slug: write xai/grok-4"),
  (["--subject", "xai/grok_4"], "underscores are not allowed in a slug: write xai/grok-4"),
  (["--org", "xai", "--subject", "xai/Grok 4"], "capitals and spaces are not allowed in a slug: write xai/grok-4"),
  (["--org", "xAI", "--subject", "xai/grok-4"], "capitals are not allowed in an org slug: write xai"),
  (["--org", "x.ai", "--subject", "x.ai/grok-4"], "dots are not allowed in an org slug: write x-ai"),
])
func aSlugErrorNamesTheFaultAndTheSlugToWrite(_ options: [String], _ message: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    let result = try timeline(["--log", log, "add", "launch", "--date", "2025-07-09"] + options)
    #expect(result.status == 65)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(!result.stderr.contains("missing \"org\""), "the org is not blamed: \(result.stderr)")
    #expect(snapshot(dir) == before)
  }
}

@Test func aPersonSlugErrorNamesTheFault() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "add", "hire", "--date", "2025", "--org", "xai", "--subject", "Elon Musk", "--set", "role=CEO"])
    #expect(result.status == 65)
    #expect(result.stderr.contains("capitals and spaces are not allowed in a slug: write elon-musk"), "\(result.stderr)")
  }
}

@Test(arguments: [
  ("-d", "did you mean \"--date\"?"),
  ("--dat", "did you mean \"--date\"?"),
  ("--sub", "did you mean \"--subject\"?"),
  ("--dte", "did you mean \"--date\"?"),
])
func aMistypedOptionSuggestsTheOptionItsLettersBegin(_ typed: String, _ hint: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "add", "launch", typed, "2025", "--subject", "openai/x"])
    #expect(result.status == 64)
    #expect(result.stderr.contains(hint), "\(result.stderr)")
  }
}

@Test(arguments: ["https://example.com/x", "http://example.com/x", "doi:10.1000/182", "mailto:a@example.com", "git+ssh://h/r", "urn:isbn:0451450523"])
func aSourceURLWithAnySchemeIsAccepted(_ url: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let result = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "acme", "--source-url", url])
    #expect(result.status == 0, "\(result.stderr)")
  }
}

@Test(arguments: [
  ("example.com/x", "add the scheme: https://example.com/x"),
  ("www.example.com", "add the scheme: https://www.example.com"),
  ("//example.com/x", "add the scheme: https://example.com/x"),
  ("1http://x", "add the scheme: https://1http://x"),
])
func aSourceURLWithoutASchemeIsRefusedEveryWay(_ url: String, _ hint: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    let byFlag = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "acme", "--source-url", url])
    let byStdin = try timeline(["--log", log, "add", "--stdin"], stdin: #"{"date":"2025","kind":"report","org":"acme","source":{"url":"\#(url)"}}"# + "\n")
    let byImport = try timeline(["--log", log, "import", "--format", "csv", "-"], stdin: "date,kind,org,source.url\n2025,report,acme,\(url)\n")
    for result in [byFlag, byStdin, byImport] {
      #expect(result.status == 65)
      #expect(result.stderr.contains(url) && result.stderr.contains(hint), "\(result.stderr)")
    }
    #expect(snapshot(dir) == before)
  }
}

@Test func aLogAlreadyHoldingAURLWithoutASchemeStaysReadableAndCheckWarns() throws {
  try withTemporaryDirectory { dir throws in
    let line = #"{"id":"old","date":"2025","kind":"report","org":"acme","confidence":"reported","source":{"url":"example.com/x"},"recorded":"2025-12-01T00:00:00.000Z"}"#
    let log = try folderLog(dir, [line])
    #expect(try timeline(["--log", log, "log"]).status == 0)
    #expect(try timeline(["--log", log, "state", "--at", "2025-12-31"]).status == 0)
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "a warning, not an error: \(check.stdout)")
    #expect(check.stdout.contains("log.jsonl:1: warning: source url \"example.com/x\" has no scheme"), "\(check.stdout)")
    #expect(check.stdout.contains("https://example.com/x"))
  }
}

@Test func addNotesAnEventDatedAfterToday() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let future = try timeline(["--log", log, "--today", "2025-12-15", "add", "launch", "--date", "2026-03", "--subject", "xai/grok-5"])
    #expect(future.status == 0, "\(future.stderr)")
    #expect(future.stderr.contains("a planned or expected event"), "\(future.stderr)")
    #expect(future.stderr.contains("2026-03, after today (2025-12-15)"), "\(future.stderr)")
    let byEnvironment = try timeline(["--log", log, "add", "launch", "--date", "2025-12-20", "--subject", "xai/grok-4.2"], environment: ["TIMELINE_TODAY": "2025-12-15"])
    #expect(byEnvironment.stderr.contains("a planned or expected event"), "\(byEnvironment.stderr)")
    // Today itself, and a partial date whose period has begun, are not after today.
    let today = try timeline(["--log", log, "--today", "2025-12-15", "add", "launch", "--date", "2025-12", "--subject", "xai/grok-4.1"])
    #expect(today.status == 0)
    #expect(!today.stderr.contains("planned"), "\(today.stderr)")
    // A retraction ignores dates (its target never happened): no note, by
    // add --stdin as by retract; an event without subject is named by its org.
    let target = future.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let batch = #"{"date":"2026-03-01","kind":"retract","attrs":{"target":"\#(target)","reason":"x"}}"# + "\n"
      + #"{"date":"2026-04","kind":"report","org":"xai"}"# + "\n"
    let stdin = try timeline(["--log", log, "--today", "2025-12-15", "add", "--stdin"], stdin: batch)
    #expect(stdin.status == 0, "\(stdin.stderr)")
    #expect(!stdin.stderr.contains("<stdin>:1"), "\(stdin.stderr)")
    #expect(stdin.stderr.contains("<stdin>:2: report xai is dated 2026-04, after today (2025-12-15)"), "\(stdin.stderr)")
  }
}

@Test func anImportRowReportsEveryFaultItHas() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    let csv = "date,kind,org,subject,confidence,source.url\n2025-13-01,launch,xAI,xai/Grok 4,sure,example.com\n"
    let result = try timeline(["--log", log, "import", "--format", "csv", "-"], stdin: csv)
    #expect(result.status == 65)
    for fault in ["2025-13-01", "\"sure\"", "\"xAI\" is not an org slug", "write xai/grok-4", "add the scheme: https://example.com"] {
      #expect(result.stderr.contains(fault), "\(fault) is not reported: \(result.stderr)")
    }
    #expect(result.stderr.contains("1 of the 1 rows"), "one row, counted once: \(result.stderr)")
    #expect(snapshot(dir) == before)
  }
}

@Test func anImportRowWithAnUnreadableNumberIsNotAlsoCalledMissingIt() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let csv = "date,kind,org,attrs.name,attrs.value\n2025-11,metric,,users,lots\n"
    let result = try timeline(["--log", log, "import", "--format", "csv", "-"], stdin: csv)
    #expect(result.status == 65)
    #expect(result.stderr.contains("empty 'org'") && result.stderr.contains("'lots' is not a number"), "\(result.stderr)")
    #expect(!result.stderr.contains("missing attr \"value\""), "\(result.stderr)")
  }
}

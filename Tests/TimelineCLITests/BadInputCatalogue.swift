import Foundation
import Testing

/// How the log looks before a bad command runs.
enum Setup: Sendable {
  /// The industry log as a folder (`events/log.jsonl`).
  case folder
  /// The industry log as one file (`story.jsonl`).
  case file
  /// A folder log whose `log.jsonl` holds exactly these bytes.
  case bytes([UInt8])
  /// No log at all.
  case missing
}

/// One bad input: what is run, on which log, and what must come out.
struct BadInput: Sendable, CustomTestStringConvertible {
  var name: String
  var setup: Setup
  var arguments: [String]
  var stdin: String?
  var status: Int32
  /// Pieces of standard error that name the offending thing (value, option, file:line).
  var names: [String]
  var testDescription: String { name }

  /// The same bad input on another log.
  func on(_ setup: Setup) -> BadInput {
    var copy = self
    copy.setup = setup
    return copy
  }

  init(_ name: String, _ arguments: [String], stdin: String? = nil, _ status: Int32, names: [String]) {
    self.name = name
    self.setup = .folder
    self.arguments = arguments
    self.stdin = stdin
    self.status = status
    self.names = names
  }
}

private let good1 = #"{"date":"2025-12-20","kind":"report","org":"openai","source":{"title":"a"}}"#
private let good2 = #"{"date":"2025-12-21","kind":"launch","org":"openai","subject":"openai/o5","source":{"title":"b"}}"#
private let industryBytes = Array(industryLines.map { $0 + "\n" }.joined().utf8)
private let launch = ["add", "launch", "--subject", "openai/gpt-5.3", "--source-title", "t"]

/// The catalogue: each bad input with its exit code (README, "Decisions": bad data 65, usage 64, no log 66).
let catalogue: [BadInput] = [
  // dates
  BadInput("impossibleDay", launch + ["--date", "2025-02-30"], 65, names: ["2025-02-30", "February 2025 has 28 days"]),
  BadInput("impossibleMonth", launch + ["--date", "2025-13"], 65, names: ["2025-13", "no month 13"]),
  BadInput("dayZero", launch + ["--date", "2025-01-00"], 65, names: ["2025-01-00", "there is no day 00"]),
  BadInput("twoDigitYear", launch + ["--date", "25-12-01"], 65, names: ["25-12-01", "YYYY"]),
  BadInput("missingDate", launch, 65, names: ["--date"]),
  BadInput("badSourceDate", launch + ["--date", "2025", "--source-date", "2025-12-32"], 65, names: ["--source-date", "2025-12-32"]),
  // kinds, fields and attrs
  BadInput("unknownKind", ["add", "lunch", "--date", "2025", "--subject", "openai/x"], 65, names: ["lunch", "did you mean \"launch\""]),
  BadInput("hireWithoutRole", ["add", "hire", "--date", "2025-12-09", "--org", "openai", "--subject", "ann"], 65, names: ["role"]),
  BadInput("mistypedAttr", launch + ["--date", "2025", "--set", "predecesor=openai/gpt-5.2"], 65, names: ["predecesor", "did you mean \"predecessor\""]),
  BadInput("valueNotANumber", ["add", "metric", "--date", "2025", "--org", "openai", "--set", "name=v", "--set", "value=abc"], 65, names: ["abc", "number"]),
  BadInput("valueNotExact", ["add", "metric", "--date", "2025", "--org", "openai", "--set", "name=v", "--set", "value=9007199254740993"], 65, names: ["9007199254740993"]),
  BadInput("badOrgSlug", ["add", "report", "--date", "2025", "--org", "OpenAI"], 65, names: ["OpenAI", "org slug"]),
  BadInput("subjectOfAnotherOrg", ["add", "pause", "--date", "2025", "--org", "openai", "--subject", "google/gemini-3"], 65, names: ["google/gemini-3"]),
  BadInput("badConfidence", launch + ["--date", "2025", "--confidence", "sure"], 65, names: ["sure"]),
  BadInput("setWithoutEquals", launch + ["--date", "2025", "--set", "type"], 64, names: ["--set", "type"]),
  // the command line
  BadInput("unknownOption", launch + ["--date", "2025", "--frobnicate"], 64, names: ["--frobnicate"]),
  BadInput("unknownCommand", ["frobnicate"], 64, names: ["frobnicate"]),
  BadInput("missingOptionValue", launch + ["--date"], 64, names: ["--date"]),
  BadInput("repeatedOption", ["state", "--at", "2025", "--at", "2026"], 64, names: ["--at"]),
  BadInput("badAtDate", ["state", "--at", "2025-13"], 64, names: ["--at", "2025-13"]),
  BadInput("badDiffDate", ["diff", "2025-11", "2025-11-31"], 64, names: ["2025-11-31"]),
  BadInput("badKnownAt", ["state", "--known-at", "2025-12-10T25:00:00Z"], 64, names: ["--known-at", "2025-12-10T25:00:00Z"]),
  BadInput("unknownLogKind", ["log", "--kind", "lunch"], 64, names: ["lunch"]),
  BadInput(
    "stdinOneIdForTwoEvents", ["add", "--stdin"],
    stdin: #"{"id":"dup","date":"2025","kind":"report","org":"a"}"# + "\n" + #"{"id":"dup","date":"2024","kind":"report","org":"a"}"# + "\n",
    65, names: ["<stdin>:2", "id dup is also given to a different event at <stdin>:1"]),
  BadInput("kindWithStdin", ["add", "report", "--stdin"], stdin: good1 + "\n", 64, names: ["report", "--stdin"]),
  BadInput("retractWithoutReason", ["retract", "gpt51"], 64, names: ["--reason"]),
  // references
  BadInput("retractUnknownID", ["retract", "ghost", "--reason", "r"], 65, names: ["ghost"]),
  BadInput("retractARetraction", ["retract", "r-nbp", "--reason", "r"], 65, names: ["r-nbp", "retraction"]),
  BadInput("supersedesUnknownID", launch + ["--date", "2025", "--supersedes", "ghost"], 65, names: ["ghost"]),
  BadInput("supersedesARetraction", launch + ["--date", "2025", "--supersedes", "r-nbp"], 65, names: ["r-nbp", "retraction"]),
  BadInput("contentFormIDThatDoesNotMatch", launch + ["--date", "2025", "--id", "0123456789ab"], 65, names: ["0123456789ab"]),
  BadInput("invalidID", launch + ["--date", "2025", "--id", "no spaces"], 65, names: ["no spaces"]),
  // broken logs
  BadInput("malformedLineInTheLog", ["state"], 65, names: ["log.jsonl:3"]).on(.bytes(Array((industryLines[0] + "\n" + industryLines[1] + "\n{\"id\":\"x\",\n" + industryLines[2] + "\n").utf8))),
  BadInput("blankLineInTheLog", ["log"], 65, names: ["log.jsonl:2"]).on(.bytes(Array((industryLines[0] + "\n\n" + industryLines[1] + "\n").utf8))),
  BadInput("invalidEventInTheLog", ["lineage"], 65, names: ["log.jsonl:2", "2025-13"]).on(.bytes(Array((industryLines[0] + "\n" + #"{"id":"x","date":"2025-13","kind":"report","org":"o","recorded":"2025-12-20T00:00:00.000Z"}"# + "\n").utf8))),
  BadInput("nonUTF8LineInTheLog", ["diff", "2025-11", "2025-12"], 65, names: ["log.jsonl:2", "UTF-8"]).on(.bytes(Array((industryLines[0] + "\n").utf8) + [0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a] + Array((industryLines[1] + "\n").utf8))),
  BadInput("addAfterAMalformedLastLine", ["add", "report", "--date", "2025", "--org", "o"], 65, names: ["log.jsonl"]).on(.bytes(Array((industryLines[0] + "\nnot json\n").utf8))),
  BadInput("queryOnAMissingLog", ["state"], 66, names: ["no-such-log"]).on(.missing),
  BadInput("retractOnAMissingLog", ["retract", "abc", "--reason", "r"], 66, names: ["no-such-log"]).on(.missing),
  BadInput("byteOrderMarkInTheLog", ["state"], 65, names: ["log.jsonl:1", "byte order mark", "sed -i"]).on(.bytes([0xef, 0xbb, 0xbf] + industryBytes)),
  BadInput("blankLinesBeforeAnEventInTheLog", ["strategy"], 65, names: ["log.jsonl:2", "blank line"]).on(.bytes(Array((industryLines[0] + "\n \t\r\n" + industryLines[1] + "\n").utf8))),
  // names that only look like others (DESIGN.md, "Kinds")
  BadInput("nameWithTrailingSpace", ["add", "hire", "--date", "2025-12-09", "--org", "openai", "--subject", "ann", "--set", "role=CEO "], 65, names: [#""CEO ""#, "ends with white space", #"write "CEO""#]),
  BadInput("nameWithNoBreakSpace", ["add", "hire", "--date", "2025-12-09", "--org", "openai", "--subject", "ann", "--set", "role=CEO\u{00A0}"], 65, names: [#""CEO\u{00A0}""#, "U+00A0 NO-BREAK SPACE", "character 4"]),
  BadInput("nameWithZeroWidthSpace", ["add", "codename", "--date", "2025-12", "--org", "openai", "--set", "codename=olive\u{200B}cake"], 65, names: [#""olive\u{200B}cake""#, "U+200B", #"write "olivecake""#]),
  BadInput("stdinNameWithFormatCharacter", ["add", "--stdin"], stdin: good1 + "\n" + #"{"date":"2025","kind":"metric","org":"openai","attrs":{"name":"users","value":1,"unit":"\ufeffUSD"}}"# + "\n",
           65, names: ["<stdin>:2", #""\u{FEFF}USD""#, "nothing was appended"]),
  BadInput("stdinFocusItemWithNarrowNoBreakSpace", ["add", "--stdin"], stdin: #"{"date":"2025","kind":"strategy","org":"openai","attrs":{"focus":["openai/sora\u202f"]}}"# + "\n",
           65, names: ["<stdin>:1", "focus", #""openai/sora\u{202F}""#]),
  // windows that end before they start
  BadInput("logReversedWindow", ["log", "--from", "2025-12", "--to", "2025-11"], 64, names: ["--to 2025-11", "--from 2025-12"]),
  BadInput("strategyReversedWindow", ["strategy", "--from", "2025-12-10", "--to", "2025-12-01"], 64, names: ["--to 2025-12-01", "--from 2025-12-10"]),
  BadInput("exportReversedWindow", ["export", "--format", "csv", "--from", "2026", "--to", "2025"], 64, names: ["--to 2025", "--from 2026"]),
  BadInput("renderReversedWindow", ["render", "--from", "2025-12", "--to", "2025-11"], 64, names: ["--to 2025-11", "--from 2025-12"]),
  BadInput("diffReversed", ["diff", "2025-12-10", "2025-11"], 64, names: ["TO 2025-11", "FROM 2025-12-10"]),
  BadInput("diffPartialFromAfterTo", ["diff", "2025-12", "2025-12-15"], 64, names: ["TO 2025-12-15", "FROM 2025-12 (2025-12-31)"]),
  // add --stdin batches: all or nothing, the bad line named <stdin>:N
  BadInput("stdinOneBadLineAmongGoodOnes", ["add", "--stdin"], stdin: [good1, good2, #"{"date":"2025-02-30","kind":"report","org":"openai"}"#, good1].joined(separator: "\n") + "\n",
           65, names: ["<stdin>:3", "2025-02-30", "nothing was appended"]).on(.file),
  BadInput("stdinDuplicateKeys", ["add", "--stdin"], stdin: good1 + "\n" + #"{"date":"2025","kind":"report","org":"openai","org":"google"}"# + "\n",
           65, names: ["<stdin>:2", "duplicate", "org"]),
  BadInput("stdinUnknownTopLevelField", ["add", "--stdin"], stdin: #"{"date":"2025","kind":"report","org":"openai","colour":"red"}"# + "\n" + good2 + "\n",
           65, names: ["<stdin>:1", "colour"]),
  BadInput("stdinNumberNotExact", ["add", "--stdin"], stdin: good1 + "\n" + #"{"date":"2025","kind":"metric","org":"openai","attrs":{"name":"v","value":1e400}}"# + "\n",
           65, names: ["<stdin>:2", "1e400"]),
  BadInput("stdinMalformedJSON", ["add", "--stdin"], stdin: good1 + "\n" + #"{"date":"2025","kind":"report","org":"openai""# + "\n", 65, names: ["<stdin>:2"]),
  BadInput("stdinRecordedNotAfterTheFilesLast", ["add", "--stdin"],
           stdin: good1 + "\n" + #"{"date":"2025","kind":"report","org":"openai","recorded":"2025-12-13T08:00:00.000Z"}"# + "\n",
           65, names: ["<stdin>:2", "2025-12-13T08:00:00.000Z"]).on(.file),
  BadInput("stdinRecordedGoingBackwardsInTheBatch", ["add", "--stdin"],
           stdin: #"{"date":"2025","kind":"report","org":"a","recorded":"2099-01-02T00:00:00Z"}"# + "\n" + #"{"date":"2025","kind":"report","org":"b","recorded":"2099-01-01T00:00:00Z"}"# + "\n",
           65, names: ["<stdin>:2"]),
  BadInput("stdinRecordedGoingBackwardsOnAMissingLog", ["add", "--stdin"],
           stdin: #"{"date":"2025","kind":"report","org":"a","recorded":"2099-01-02T00:00:00Z"}"# + "\n" + #"{"date":"2025","kind":"report","org":"b","recorded":"2099-01-01T00:00:00Z"}"# + "\n",
           65, names: ["<stdin>:2"]).on(.missing),
  BadInput("stdinRetractionOfAnUnknownID", ["add", "--stdin"], stdin: good1 + "\n" + #"{"date":"2025-12-20","kind":"retract","attrs":{"target":"ghost"}}"# + "\n",
           65, names: ["<stdin>:2", "ghost"]),
  BadInput("stdinRetractionOfARetraction", ["add", "--stdin"], stdin: #"{"date":"2025-12-20","kind":"retract","attrs":{"target":"r-nbp"}}"# + "\n",
           65, names: ["<stdin>:1", "r-nbp"]),
  BadInput("stdinRetractionWithAnOrg", ["add", "--stdin"], stdin: #"{"date":"2025-12-20","kind":"retract","org":"openai","attrs":{"target":"gpt51"}}"# + "\n",
           65, names: ["<stdin>:1", "org"]),
  BadInput("stdinContentIDThatDoesNotMatch", ["add", "--stdin"], stdin: #"{"id":"0123456789ab","date":"2025","kind":"report","org":"openai"}"# + "\n",
           65, names: ["<stdin>:1", "0123456789ab"]),
  // readable refusals (issue 12, "Readable answers")
  BadInput("subjectWithCapitals", ["add", "launch", "--date", "2025", "--subject", "xai/Grok-4"], 65, names: ["xai/Grok-4", "capitals are not allowed in a slug: write xai/grok-4"]),
  BadInput("personWithASpace", ["add", "hire", "--date", "2025", "--org", "xai", "--subject", "elon musk", "--set", "role=CEO"], 65, names: ["elon musk", "spaces are not allowed in a slug: write elon-musk"]),
  BadInput("orgWithAnUnderscore", ["add", "report", "--date", "2025", "--org", "x_ai"], 65, names: ["x_ai", "underscores are not allowed in an org slug: write x-ai"]),
  BadInput("shortOptionThatIsNotOne", ["add", "launch", "-d", "2025", "--subject", "openai/x"], 64, names: ["-d", "did you mean \"--date\"?"]),
  BadInput("sourceURLWithoutAScheme", launch + ["--date", "2025", "--source-url", "example.com/x"], 65, names: ["example.com/x", "add the scheme: https://example.com/x"]),
  BadInput("stdinSourceURLWithoutAScheme", ["add", "--stdin"], stdin: good1 + "\n" + #"{"date":"2025","kind":"report","org":"openai","source":{"url":"example.com/x"}}"# + "\n",
           65, names: ["<stdin>:2", "add the scheme: https://example.com/x"]),
  BadInput("importSourceURLWithoutAScheme", ["import", "--format", "csv", "-"], stdin: "date,kind,org,source.url\n2025,report,openai,example.com/x\n",
           65, names: ["<stdin>:2", "add the scheme: https://example.com/x"]),
  BadInput("emptyItemInAList", ["add", "strategy", "--date", "2025", "--org", "openai", "--set", "focus=openai/a,,openai/b"], 65, names: ["focus", "empty item"]),
  BadInput("importRowWithThreeFaults", ["import", "--format", "csv", "-"], stdin: "date,kind,org,subject,confidence\n2025-02-30,launch,openai,openai/Sora 2,sure\n",
           65, names: ["<stdin>:2", "2025-02-30", "\"sure\"", "write openai/sora-2"]),
  BadInput("stdinLineWithTwoFaults", ["add", "--stdin"], stdin: #"{"date":"2025","kind":"launch","org":"OpenAI","subject":"openai/Sora","source":{"url":"x.com"}}"# + "\n",
           65, names: ["<stdin>:1", "in an org slug: write openai", "write openai/sora", "add the scheme: https://x.com"]),
  BadInput("stdinEmptyID", ["add", "--stdin"], stdin: #"{"id":"","date":"2025","kind":"report","org":"openai"}"# + "\n", 65, names: ["<stdin>:1", "id"]),
]

extension BadInput {
  /// The log this input is tried against, made in `dir`.
  func makeLog(in dir: String) throws -> String {
    switch setup {
    case .folder: return try folderLog(dir)
    case .file:
      let log = dir + "/story.jsonl"
      try writeLines(industryLines, to: log)
      return log
    case .bytes(let bytes):
      let log = try folderLog(dir, [])
      try writeBytes(bytes, to: log + "/log.jsonl")
      return log
    case .missing: return dir + "/no-such-log"
    }
  }
}

@Test(arguments: catalogue)
func badInputIsRefusedAndLeavesEveryLogFileUnchanged(_ bad: BadInput) throws {
  try withTemporaryDirectory { dir throws in
    let log = try bad.makeLog(in: dir)
    let before = snapshot(dir)
    let result = try timeline(["--log", log] + bad.arguments, stdin: bad.stdin)
    #expect(result.status == bad.status, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("timeline: error: "), "\(result.stderr)")
    for name in bad.names { #expect(result.stderr.contains(name), "stderr does not name \(name): \(result.stderr)") }
    #expect(result.stdout.isEmpty, "nothing on standard output: \(result.stdout)")
    #expect(snapshot(dir) == before, "every file byte for byte as it was")
    if case .missing = bad.setup { #expect(!FileManager.default.fileExists(atPath: log), "no log was created") }
  }
}

@Test func theCatalogueHasAtLeastTwentyFiveBadInputs() {
  #expect(catalogue.count >= 25)
}

/// A torn final line is a warning, not an error: queries answer without it, and nothing is written.
@Test(arguments: [["state"], ["log"], ["lineage"], ["strategy"], ["diff", "2025-11", "2025-12"]])
func tornLineIsAWarningNamingFileAndLine(arguments: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    try writeBytes(industryBytes + Array(#"{"id":"half","date":"2025","kind":"rep"#.utf8), to: log + "/log.jsonl")
    let before = snapshot(dir)
    let result = try timeline(["--log", log] + arguments)
    #expect(result.status == 0)
    #expect(result.stderr.hasPrefix("timeline: warning: "), "\(result.stderr)")
    #expect(result.stderr.contains("\(log)/log.jsonl:12"), "\(result.stderr)")
    #expect(result.stderr.contains("check --repair"))
    #expect(snapshot(dir) == before)
    let whole = try folderLog(dir + "/whole")
    let expected = try timeline(["--log", whole] + arguments + ["--json"])
    let got = try timeline(["--log", log] + arguments + ["--json"])
    #expect(got.stdout == expected.stdout, "the torn line is ignored")
  }
}

@Test func invalidUTF8OnStdinIsRefused() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    // Process input is bytes: write them through a file rather than a Swift String.
    let input = dir + "/input"
    try writeBytes(Array((good1 + "\n").utf8) + [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d, 0x0a], to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "'\(timelineBinary)' --log '\(log)' add --stdin < '\(input)' 2> '\(dir)/err'"]
    process.environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
    try process.run()
    process.waitUntilExit()
    try FileManager.default.removeItem(atPath: input)
    let stderr = String(decoding: FileManager.default.contents(atPath: dir + "/err") ?? Data(), as: UTF8.self)
    try FileManager.default.removeItem(atPath: dir + "/err")
    #expect(process.terminationStatus == 65)
    #expect(stderr.hasPrefix("timeline: error: "))
    #expect(stderr.contains("<stdin>:2"), "\(stderr)")
    #expect(snapshot(dir) == before)
  }
}

@Test func rejectedBatchLeavesATornTailAsItWas() throws {
  // A rejected command leaves every log file byte for byte as it was, even the
  // unacknowledged tail that a successful add would have cut.
  try withTemporaryDirectory { dir throws in
    let log = dir + "/story.jsonl"
    try writeBytes(industryBytes + Array(#"{"id":"half""#.utf8), to: log)
    let before = snapshot(dir)
    let result = try timeline(["--log", log, "add", "--stdin"], stdin: #"{"date":"2025","kind":"report","org":"openai","recorded":"2025-01-01T00:00:00Z"}"# + "\n")
    #expect(result.status == 65)
    #expect(result.stderr.contains("<stdin>:1"))
    #expect(snapshot(dir) == before)
  }
}

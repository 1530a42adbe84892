import Foundation
import Testing

// Hostile content (issue 5): every input is either stored and read back
// exactly, or refused with exit 65 leaving the log byte for byte as it was;
// nothing crashes, hangs or splits a line.

/// A `recorded` at the last writable instant: `add` must refuse to stamp after
/// it rather than write `10000-01-01T...`, which would make the log unreadable.
@Test func addAfterTheLastWritableRecordedTimeIsRefusedAndWritesNothing() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    let imported = try timeline(
      ["--log", log, "add", "--stdin"],
      stdin: #"{"date":"2025","kind":"report","org":"a","recorded":"9999-12-31T23:59:59.999Z"}"# + "\n")
    #expect(imported.status == 0)
    let before = snapshot(dir)
    let added = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "b"])
    #expect(added.status == 65)
    #expect(added.stderr.contains("9999-12-31T23:59:59.999Z"))
    #expect(snapshot(dir) == before)
    #expect(try timeline(["--log", log, "log", "--json"]).status == 0)
  }
}

/// An offset that carries a given `recorded` before year 1 is refused, not written as year 0.
@Test func recordedOutsideTheWritableYearsIsRefused() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    let result = try timeline(
      ["--log", log, "add", "--stdin"],
      stdin: #"{"date":"2025","kind":"report","org":"a","recorded":"0001-01-01T00:00:00+01:00"}"# + "\n")
    #expect(result.status == 65)
    #expect(result.stderr.contains("<stdin>:1"))
    #expect(snapshot(dir).isEmpty)
  }
}

/// Invalid UTF-8 in an argument or in TIMELINE_LOG is refused with 65, not
/// replaced by U+FFFD and stored (or opened as another path). Foundation's
/// Process takes Strings, so the bytes go through `sh -c` with printf.
@Test(arguments: [
  #"add report --date 2025 --org a --note "$(printf 'bad\377byte')""#,
  #"add report --date 2025 --org a --set "$(printf 'k\300\257=v')""#,
  #"--log "$(printf 'log\376.jsonl')" add report --date 2025 --org a"#,
])
func invalidUTF8InAnArgumentIsRefused(arguments: String) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "z"]).status == 0)
    let before = snapshot(dir)
    let result = try shell("cd \(dir) && TIMELINE_LOG=\(log) \(timelineBinary) \(arguments)")
    #expect(result.status == 65)
    #expect(result.stderr.contains("not valid UTF-8"))
    #expect(snapshot(dir) == before)
  }
}

@Test func invalidUTF8InTimelineLogIsRefused() throws {
  try withTemporaryDirectory { dir in
    let result = try shell(#"cd \#(dir) && TIMELINE_LOG="$(printf 'x\377')" \#(timelineBinary) add report --date 2025 --org a"#)
    #expect(result.status == 65)
    #expect(result.stderr.contains("TIMELINE_LOG"))
    #expect(snapshot(dir).isEmpty)
  }
}

// MARK: - Stored and read back exactly

/// The event `log --json` lists under `id`.
private func listedEvent(_ log: String, id: String) throws -> [String: Any]? {
  let result = try timeline(["--log", log, "log", "--json"])
  #expect(result.status == 0, "\(result.stderr)")
  let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
  return (json?["events"] as? [[String: Any]])?.first { $0["id"] as? String == id }
}

/// `text` as a JSON string literal the way DESIGN.md's canonical encoding
/// writes it (only `"`, `\\` and U+0000-U+001F escaped), computed here
/// independently. `log --json` and the log line must hold exactly these bytes:
/// comparing bytes, not decoded Strings, because Swift compares strings by
/// canonical equivalence and Foundation's JSON reader drops a U+FEFF.
private func canonicalLiteral(_ text: String) -> [UInt8] {
  var out: [UInt8] = [0x22]
  for byte in text.utf8 {
    switch byte {
    case 0x22, 0x5c: out += [0x5c, byte]
    case 0x0a: out += Array(#"\n"#.utf8)
    case 0x0d: out += Array(#"\r"#.utf8)
    case 0x09: out += Array(#"\t"#.utf8)
    case 0..<0x20: out += Array(String(format: #"\u%04x"#, byte).utf8)
    default: out.append(byte)
    }
  }
  return out + [0x22]
}

/// Whether `haystack` holds `needle` byte for byte.
private func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
  guard needle.count <= haystack.count else { return false }
  let first = needle[0]
  var index = 0
  while let start = haystack[index...].firstIndex(of: first) {
    if start + needle.count > haystack.count { return false }
    if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
    index = start + 1
  }
  return false
}

/// Checks that `add` stored `text` under `key` exactly, in the log line and in `log --json`.
private func expectStoredExactly(_ text: String, key: String, log: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let literal = canonicalLiteral(text)
  let line = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log)))
  #expect(containsBytes(line, Array("\"\(key)\":".utf8) + literal), "the log line lacks \(key) as given", sourceLocation: sourceLocation)
  let listed = try timeline(["--log", log, "log", "--json"])
  #expect(listed.status == 0, sourceLocation: sourceLocation)
  #expect(containsBytes(Array(listed.stdout.utf8), Array("\"\(key)\": ".utf8) + literal), "log --json lacks \(key) as given", sourceLocation: sourceLocation)
}

/// Every line of the file is one whole JSON object (no value split a line).
private func expectWholeLines(_ file: String, count: Int) throws {
  let (lines, endsWithNewline) = try logLines(file)
  #expect(endsWithNewline)
  #expect(lines.count == count)
  #expect(lines.allSatisfy { $0 != nil })
}

/// Texts that must survive byte for byte: Swift compares strings by canonical
/// equivalence, so the tests compare UTF-8 bytes.
private let hostileNotes: [(name: String, text: String)] = [
  ("newlines and returns", "line one\nline two\r\nline three\r"),
  ("quotes and backslashes", #"she said "no" \ and \"yes\" \\n \u0041"#),
  ("tabs and control characters", "a\tb\u{1}\u{7}\u{8}\u{b}\u{c}\u{1b}[31m\u{1f}\u{7f}z"),
  ("right-to-left marks and overrides", "\u{200f}שלום\u{202e}evil.exe\u{202c}\u{2066}x\u{2069}"),
  ("emoji and joiners", "👩‍👩‍👧‍👦 🏳️‍🌈 🇫🇷 😀\u{fe0f}"),
  ("combining characters, not normalised", "e\u{301} é A\u{30a} Å ﬁ"),
  ("line and paragraph separators", "a\u{2028}b\u{2029}c\u{85}d"),
  ("BOM and noncharacters", "\u{feff}x\u{fffe}\u{ffff}\u{10ffff}"),
  ("JSON and shell syntax", #"{"id":"x"}\n'; rm -rf / #$(reboot) `ls` %s %n"#),
  ("100 KB of text", String(repeating: "0123456789abcdef", count: 6400)),
]

@Test(arguments: hostileNotes.indices)
func hostileTextInFlagsIsStoredAndReadBackExactly(index: Int) throws {
  let (_, text) = hostileNotes[index]
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    let added = try timeline([
      "--log", log, "add", "report", "--date", "2025-12-01", "--org", "acme", "--note", text, "--set", "quote=" + text,
      "--source-title", text, "--source-url", "https://example.com/" + text,
    ])
    #expect(added.status == 0, "\(added.stderr)")
    try expectStoredExactly(text, key: "note", log: log)
    try expectStoredExactly(text, key: "quote", log: log)
    try expectStoredExactly(text, key: "title", log: log)
    try expectStoredExactly("https://example.com/" + text, key: "url", log: log)
    try expectWholeLines(log, count: 1)
    // The same fact added again gets the same id (the content id hashes these bytes).
    #expect(try timeline(["--log", log, "check"]).status == 0)
  }
}

/// Through `add --stdin`, where JSON escapes reach what argv cannot: NUL, every
/// C0 control, escaped surrogate pairs, and a megabyte of text.
@Test(arguments: [
  ("NUL", #"a\u0000b\u0000"#, "a\u{0}b\u{0}"),
  ("every C0 control", (0..<32).map { String(format: "\\u%04x", $0) }.joined(), String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) })),
  ("escaped surrogate pair", #"\ud83d\ude00 \uD834\uDD1E"#, "😀 𝄞"),
  ("escaped solidus and unicode", #"\/\u00e9\u20AC"#, "/é€"),
  ("1 MB of text", String(repeating: "ŉ1234567", count: 116_509), String(repeating: "ŉ1234567", count: 116_509)),
])
func hostileTextOnStandardInputIsStoredAndReadBackExactly(name: String, escaped: String, text: String) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    let line = #"{"date":"2025-12-01","kind":"x-test","org":"acme","attrs":{"k":"\#(escaped)","list":["\#(escaped)","\#(escaped)"]},"note":"\#(escaped)"}"#
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: line + "\n")
    #expect(added.status == 0, "\(added.stderr)")
    try expectStoredExactly(text, key: "note", log: log)
    try expectStoredExactly(text, key: "k", log: log)
    let event = try listedEvent(log, id: added.stdout.trimmingCharacters(in: .newlines))
    let list = (event?["attrs"] as? [String: Any])?["list"] as? [String]
    #expect(list?.count == 2)
    try expectWholeLines(log, count: 1)
  }
}

/// Attr keys of a custom kind may be any text; they are kept and sorted by code point.
@Test func hostileAttrKeysAreStoredSortedByCodePoint() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    let line = #"{"date":"2025","kind":"report","org":"acme","attrs":{"z":1,"é":2,"e\u0301":3,"a\nb":4,"\u0000":5,"😀":6,"\"":7}}"#
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: line + "\n")
    #expect(added.status == 0, "\(added.stderr)")
    let stored = String(decoding: try Data(contentsOf: URL(fileURLWithPath: log)), as: UTF8.self)
    // Code point order: U+0000 < '"' < 'a' < 'e' < 'z' < 'é' < '😀'; "é" and "e\u0301"
    // are different keys (not normalised), though Swift's == calls them equal.
    #expect(containsBytes(Array(stored.utf8), Array(#""attrs":{"\u0000":5,"\"":7,"a\nb":4,"e\#u{301}":3,"z":1,"é":2,"😀":6}"#.utf8)), "\(stored)")
    #expect(try timeline(["--log", log, "check"]).status == 0)
  }
}

/// 50,000 attrs in one line are read and written in well under a second each:
/// inserting keys one by one was quadratic (20,000 took 11 s, for every query).
@Test func anEventWithFiftyThousandAttrsIsStoredAndReadQuickly() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    let attrs = (0..<50_000).reversed().map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
    let started = Date()
    let added = try timeline(["--log", log, "add", "--stdin"], stdin: #"{"date":"2025","kind":"report","org":"a","attrs":{\#(attrs)}}"# + "\n")
    #expect(added.status == 0, "\(added.stderr)")
    let listed = try timeline(["--log", log, "log", "--json"])
    #expect(listed.status == 0)
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(listed.stdout.contains("\"k49999\": 49999"))
  }
}

// MARK: - Refused with 65, the log unchanged

/// Runs `add --stdin` with `input` on a log holding one event: exit 65, the log byte for byte as it was.
private func expectRefused(_ input: [UInt8], mentioning: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "z", "--source-title", "t"]).status == 0)
    let before = snapshot(dir)
    let inputFile = dir + "/in"
    FileManager.default.createFile(atPath: inputFile, contents: Data(input))
    let result = try shell("\(timelineBinary) --log \(log) add --stdin < \(inputFile)")
    #expect(result.status == 65, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains("<stdin>:"), sourceLocation: sourceLocation)
    if let mentioning { #expect(result.stderr.contains(mentioning), "\(result.stderr)", sourceLocation: sourceLocation) }
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    try FileManager.default.removeItem(atPath: inputFile)
    #expect(snapshot(dir) == before.filter { $0.key != inputFile }, sourceLocation: sourceLocation)
  }
}

private let prefix = Array(#"{"date":"2025","kind":"report","org":"a","note":""#.utf8)
private let suffix = Array(#""}"#.utf8) + [0x0a]

@Test(arguments: [
  ("lone continuation byte", [0x80]), ("0xff", [0xff]), ("overlong slash", [0xc0, 0xaf]),
  ("overlong NUL", [0xe0, 0x80, 0x80]), ("UTF-16 surrogate", [0xed, 0xa0, 0x80]),
  ("beyond U+10FFFF", [0xf4, 0x90, 0x80, 0x80]), ("five-byte form", [0xf8, 0x88, 0x80, 0x80, 0x80]),
  ("truncated sequence", [0xe2, 0x82]), ("Latin-1", [0xe9, 0x74, 0xe9]),
] as [(String, [UInt8])])
func invalidUTF8OnStandardInputIsRefused(name: String, bad: [UInt8]) throws {
  try expectRefused(prefix + bad + suffix, mentioning: "UTF-8")
  // After a valid event of the same batch, too: the whole batch is refused.
  try expectRefused(Array(#"{"date":"2025","kind":"report","org":"ok"}"#.utf8) + [0x0a] + prefix + bad + suffix)
}

@Test(arguments: [
  ("raw NUL", Array(#"{"date":"2025","kind":"report","org":"a","note":"a"#.utf8) + [0] + suffix),
  ("raw tab", Array("{\"date\":\"2025\",\"kind\":\"report\",\"org\":\"a\",\"note\":\"a\tb\"}\n".utf8)),
  ("lone surrogate escape", Array(#"{"date":"2025","kind":"report","org":"a","note":"\ud800"}"#.utf8) + [0x0a]),
  ("byte order mark", [0xef, 0xbb, 0xbf] + Array(#"{"date":"2025","kind":"report","org":"a"}"#.utf8) + [0x0a]),
  ("number no double holds", Array(#"{"date":"2025","kind":"report","org":"a","attrs":{"n":9007199254740993}}"#.utf8) + [0x0a]),
  ("number out of range", Array(#"{"date":"2025","kind":"report","org":"a","attrs":{"n":1e400}}"#.utf8) + [0x0a]),
  ("duplicate attr", Array(#"{"date":"2025","kind":"report","org":"a","attrs":{"n":1,"n":2}}"#.utf8) + [0x0a]),
  ("duplicate attr after null", Array(#"{"date":"2025","kind":"report","org":"a","attrs":{"n":null,"n":2}}"#.utf8) + [0x0a]),
  ("duplicate field", Array(#"{"date":"2025","kind":"report","org":"a","org":"b"}"#.utf8) + [0x0a]),
  ("empty attr key", Array(#"{"date":"2025","kind":"report","org":"a","attrs":{"":1}}"#.utf8) + [0x0a]),
  ("object attr", Array(#"{"date":"2025","kind":"report","org":"a","attrs":{"o":{"p":1}}}"#.utf8) + [0x0a]),
] as [(String, [UInt8])])
func malformedLinesOnStandardInputAreRefused(name: String, input: [UInt8]) throws {
  try expectRefused(input)
}

@Test func aByteOrderMarkOnStandardInputIsNamed() throws {
  try expectRefused([0xef, 0xbb, 0xbf] + Array(#"{"date":"2025","kind":"report","org":"a"}"#.utf8) + [0x0a], mentioning: "byte order mark")
}

/// Nesting past 64 levels is refused, and 100,000 levels neither crash the
/// parser's stack nor hang.
@Test(arguments: [65, 1000, 100_000])
func deeplyNestedJSONIsRefusedWithoutCrashing(depth: Int) throws {
  let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
  try expectRefused(Array(#"{"date":"2025","kind":"report","org":"a","attrs":{"deep":\#(nested)}}"#.utf8) + [0x0a], mentioning: "nest deeper than 64")
  let open = String(repeating: "{\"a\":", count: depth)
  try expectRefused(Array(open.utf8) + [0x0a])
}

/// The same hostile bytes in a log file: every query exits 65 naming file:line,
/// and check lists the line as an error; nothing crashes.
@Test(arguments: [
  ("invalid UTF-8", Array(#"{"id":"a1","date":"2025","kind":"report","org":"a","confidence":"reported","note":""#.utf8) + [0xff] + Array(#"","recorded":"2025-12-01T00:00:00.000Z"}"#.utf8)),
  ("deep nesting", Array((#"{"id":"a1","date":"2025","kind":"report","org":"a","attrs":{"d":"# + String(repeating: "[", count: 100_000)).utf8)),
  ("raw NUL", Array(#"{"id":"a1","date":"2025","kind":"report","org":"a","confidence":"reported","note":"#.utf8) + [0x22, 0, 0x22] + Array(#","recorded":"2025-12-01T00:00:00.000Z"}"#.utf8)),
  // A blank line at the end is a warning now (DESIGN.md, "Caches and recovery
  // records"); one inside the log stays an error: NamesAndOddFilesTests.
] as [(String, [UInt8])])
func hostileLinesInALogFileAreReportedWithFileAndLine(name: String, line: [UInt8]) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "z", "--source-title", "t"]).status == 0)
    var content = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log)))
    content += line + [0x0a]
    FileManager.default.createFile(atPath: log, contents: Data(content))
    let query = try timeline(["--log", log, "state"])
    #expect(query.status == 65)
    #expect(query.stderr.contains("\(log):2:"), "\(query.stderr)")
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 65)
    #expect(check.stdout.contains("\(log):2: error:"), "\(check.stdout)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == Data(content))
  }
}

/// A text answer shows what the log holds on one line and never hands the
/// terminal a control character or a direction override from it (an escape
/// sequence in a unit could recolour, retitle or hide what follows): every
/// free-text name an event can carry (a role, a launch's type, a metric's
/// name and unit, a codename, a strategy's label and items, a custom
/// kind's attrs, a note) is shown escaped, in every text command.
@Test func textAnswersNeverPassOnAControlCharacterFromTheLog() throws {
  try withTemporaryDirectory { dir throws in
    // Names refuse direction overrides (they would look like another name); text takes them.
    let hostile = "x\u{1b}[31m\u{7}\r\n\ty"
    let text = hostile + "\u{202e}z"
    let log = dir + "/log.jsonl"
    let adds: [[String]] = [
      ["launch", "--date", "2025-01", "--org", "a", "--subject", "a/p", "--set", "type=" + hostile, "--set", "codename=" + hostile],
      ["hire", "--date", "2025-02", "--org", "a", "--subject", "bob", "--set", "role=" + hostile],
      ["metric", "--date", "2025-03", "--org", "a", "--set", "name=" + hostile, "--set", "value=5", "--set", "unit=" + hostile],
      ["metric", "--date", "2025-04", "--org", "a", "--set", "name=" + hostile, "--set", "value=6", "--set", "unit=u" + hostile],
      ["codename", "--date", "2025-05", "--org", "a", "--set", "codename=c" + hostile],
      ["strategy", "--date", "2025-06", "--org", "a", "--set", "label=" + hostile, "--set", "focus=" + hostile,
       "--set", "deprioritize=d" + hostile],
      ["x-odd", "--date", "2025-07", "--org", "a", "--set", "k=" + text, "--note", text],
      ["depart", "--date", "2025-08", "--org", "a", "--subject", "bob", "--set", "role=" + hostile],
      ["hire", "--date", "2025-09", "--org", "a", "--subject", "ann", "--set", "role=CRO"],
      // One override, one DEL, in the middle of long plain text (text is read eight bytes at a time).
      ["report", "--date", "2025-07", "--org", "a", "--note", "abcdefghij\u{202e}klmnopqrstuvwxyz", "--set", "k=abcdefghijk\u{7f}lmnopqrstuvwxyz"],
      // C1 controls: U+009B is CSI to many terminals, U+0085 a line break to some.
      ["metric", "--date", "2025-07", "--org", "a", "--set", "name=c1", "--set", "value=1", "--set", "unit=abcdefghi\u{9b}31mz"],
      ["report", "--date", "2025-07", "--org", "a", "--note", "x\u{85}y\u{9b}31mz"],
    ]
    for arguments in adds {
      let added = try timeline(["--log", log, "add"] + arguments)
      #expect(added.status == 0, "\(arguments): \(added.stderr)")
    }
    let questions: [[String]] = [
      ["state", "--at", "2025-07-31"], ["state", "--at", "2025-12-31"], ["diff", "2024", "2025-07-31"],
      ["diff", "2025-07-31", "2025-12-31"], ["news", "--since", "2000-01-01"], ["why", "a", "--at", "2025-07-31"],
      ["why", "bob", "--at", "2025-07-31"], ["why", "a/p", "--at", "2025-07-31"], ["why", hostile, "--at", "2025-07-31"],
      ["lineage"], ["strategy"], ["log"],
    ]
    for question in questions {
      let answer = try timeline(["--log", log] + question)
      #expect(answer.status == 0, "\(question): \(answer.stderr)")
      let unsafe = answer.stdout.unicodeScalars.filter { scalar in
        (scalar.value < 0x20 && scalar != "\n") || (0x7f...0x9f).contains(scalar.value) || (0x202a...0x202e).contains(scalar.value)
          || (0x2066...0x2069).contains(scalar.value)
      }
      #expect(unsafe.isEmpty, "\(question): \(unsafe.map { String($0.value, radix: 16) })\n\(answer.stdout)")
    }
    // Completion lists names one a line: a name that cannot be typed is left out.
    #expect(try timeline(["--log", log, "complete", "roles"]).stdout == "CRO\n")
    #expect(try timeline(["--log", log, "complete", "set", "role="]).stdout == "role=CRO\n")
  }
}

/// Input of events with no newline in 64 MB (/dev/zero, a binary file) is
/// refused at once (65), before memory fills: never a crash; nothing is
/// created. A JSON document may be minified onto one line, so it has no limit.
@Test func endlessInputWithoutANewlineIsRefusedAtOnce() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    for command in ["add --stdin < /dev/zero", "import /dev/zero --format jsonl", "import - --format csv < /dev/zero"] {
      let result = try shell("timeout 60 \(timelineBinary) --log \(log) \(command) 2> \(dir)/err")
      let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
      #expect(result.status == 65, "\(command): \(result.status) \(err)")
      #expect(err.contains("has more than 64 MB without a newline"), "\(command): \(err)")
      #expect(!FileManager.default.fileExists(atPath: log))
    }
  }
}

/// An empty source is refused through the binary, naming the line, and the
/// log is left byte for byte; in the log it is a malformed line (65).
@Test func anEmptySourceIsRefusedAndLeavesTheLogAsItWas() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    for source in ["{}", #"{"title":null}"#] {
      let line = #"{"date":"2025-12-01","kind":"report","org":"acme","source":\#(source)}"#
      let result = try timeline(["--log", log, "add", "--stdin"], stdin: line + "\n")
      #expect(result.status == 65, "\(source): \(result.stderr)")
      #expect(result.stderr.contains(#"<stdin>:1: "source" needs at least a title or a url"#), "\(result.stderr)")
      #expect(snapshot(dir) == before)
    }
    try writeLines([#"{"id":"e1","date":"2025-12-01","kind":"report","org":"acme","confidence":"reported","source":{},"recorded":"2025-12-01T00:00:00.000Z"}"#], to: log + "/hand.jsonl")
    let read = try timeline(["--log", log, "state"])
    #expect(read.status == 65 && read.stderr.contains("hand.jsonl:1"), "\(read.stderr)")
  }
}

import Foundation
import ReferenceModel
import Testing

// check and check --repair.

@Test func checkOfACleanLogSaysSoAndExits0() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-12-11", "--subject", "openai/gpt-5.2", "--source-title", "t"]).status == 0)
    #expect(try timeline(["--log", log, "add", "pause", "--date", "2025-12-12", "--subject", "openai/gpt-5.2", "--source-url", "https://x"]).status == 0)
    let result = try timeline(["--log", log, "check"])
    #expect(result.status == 0)
    #expect(result.stdout == "checked 2 events in 1 file: no errors, no warnings\n")
    let report = try J.parse(try timeline(["--log", log, "check", "--json"]).stdout)
    #expect(report["errors"] == .array([]))
    #expect(report["warnings"] == .array([]))
  }
}

@Test func checkWarningsDoNotFail() throws {
  try withTemporaryDirectory { dir throws in
    // The industry log's own throttle of nano-banana-pro is retracted: it
    // never happened, so it is not warned about; this one stands.
    let throttle = #"{"id":"nbp-limit","date":"2025-12-14","kind":"throttle","org":"google","subject":"google/nano-banana-pro","confidence":"reported","source":{"title":"Limits"},"recorded":"2025-12-14T08:00:00.000Z"}"#
    let log = try folderLog(dir, industryLines + [throttle])
    let result = try timeline(["--log", log, "check"])
    #expect(result.status == 0, "\(result.stdout)")
    let file = log + "/log.jsonl"
    #expect(result.lines.contains("\(file):12: warning: throttle of google/nano-banana-pro, which was never launched in this log; the event creates it (add its launch if it is known)"), "\(result.stdout)")
    #expect(result.lines.last == "checked 12 events in 1 file: no errors, 1 warning")
  }
}

/// Each bad line, appended after the industry log, and what check must say about it.
@Test(arguments: [
  (#"{"id":"000000000000","date":"2025","kind":"report","org":"o","source":{"title":"t"},"recorded":"2025-12-20T00:00:00.000Z"}"#, "id 000000000000 does not match the event's content"),
  (#"{"id":"late","date":"2025","kind":"report","org":"o","source":{"title":"t"},"recorded":"2025-12-01T00:00:00.000Z"}"#, "is not after the previous line's"),
  (#"{"id":"gpt51","date":"2025","kind":"report","org":"o","source":{"title":"t"},"recorded":"2025-12-20T00:00:00.000Z"}"#, "id gpt51 is already used by a different event at"),
  (#"{"id":"r2","date":"2025-12-20","kind":"retract","attrs":{"target":"ghost"},"recorded":"2025-12-20T00:00:00.000Z"}"#, "retracts ghost, which is not in the log"),
  (#"{"id":"r2","date":"2025-12-20","kind":"retract","attrs":{"target":"r-nbp"},"recorded":"2025-12-20T00:00:00.000Z"}"#, "retracts r-nbp, which is itself a retraction"),
  (#"{"id":"s2","date":"2025","kind":"report","org":"o","supersedes":"ghost","source":{"title":"t"},"recorded":"2025-12-20T00:00:00.000Z"}"#, "supersedes ghost, which is not in the log"),
  (#"{"id":"s2","date":"2025","kind":"report","org":"o","supersedes":"r-nbp","source":{"title":"t"},"recorded":"2025-12-20T00:00:00.000Z"}"#, "supersedes r-nbp, which is a retraction"),
  (#"{"id":"bad","date":"2025-02-30","kind":"report","org":"o","recorded":"2025-12-20T00:00:00.000Z"}"#, "February 2025 has 28 days"),
  (#"{"date":"2025","kind":"report","org":"o","recorded":"2025-12-20T00:00:00.000Z"}"#, "missing \"id\""),
  (#"not json"#, "malformed JSON"),
  // A blank last line is a warning now (DESIGN.md, "Caches and recovery
  // records"); blank lines before an event: NamesAndOddFilesTests.
])
func checkReportsEachErrorWithFileAndLineAndExits65(line: String, message: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, industryLines + [line])
    let file = log + "/log.jsonl"
    let before = snapshot(log)
    let result = try timeline(["--log", log, "check"])
    #expect(result.status == 65)
    let errors = result.lines.filter { $0.contains(": error: ") }
    #expect(errors.count == 1, "\(result.stdout)")
    #expect(errors.first?.hasPrefix("\(file):12: error: ") == true, "\(errors)")
    #expect(errors.first?.contains(message) == true, "\(errors)")
    #expect(result.lines.last?.hasPrefix("checked ") == true)
    #expect(result.lines.last?.contains("1 error") == true)
    let report = try J.parse(try timeline(["--log", log, "check", "--json"]).stdout)
    let found = report["errors"]?.arrayValue.first
    #expect(found?["file"] == .string(file))
    #expect(found?["line"] == .number(12))
    #expect(found?["message"]?.description.contains(message.replacingOccurrences(of: "\"", with: "\\\"")) == true)
    #expect(report["warnings"] != nil)
    #expect(snapshot(log) == before, "check reads only")
  }
}

@Test func checkReadsEveryFileOfAFolderAndNamesEach() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    try writeLines([#"{"id":"x","date":"2025-13","kind":"report","org":"o","recorded":"2025-12-20T00:00:00.000Z"}"#], to: log + "/other.jsonl")
    let before = snapshot(log)
    let result = try timeline(["--log", log, "check"])
    #expect(snapshot(log) == before)
    #expect(result.status == 65)
    #expect(result.stdout.contains("\(log)/other.jsonl:1: error: "))
    #expect(result.lines.last?.contains("in 2 files") == true)
  }
}

@Test func repairCutsATornTailAndNothingElse() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    var bytes = Array(industryLines.map { $0 + "\n" }.joined().utf8)
    bytes += Array(#"{"id":"half","date":"20"#.utf8)
    try writeBytes(bytes, to: file)
    let warned = try timeline(["--log", log, "check"])
    #expect(warned.status == 0, "a torn tail is a warning")
    #expect(warned.stdout.contains("\(file):12: warning: torn final line"))
    let repaired = try timeline(["--log", log, "check", "--repair"])
    #expect(repaired.status == 0)
    #expect(repaired.stderr.contains("cut a torn final line"), "\(repaired.stderr)")
    #expect(fileLines(file) == industryLines)
    #expect(!(try timeline(["--log", log, "check"])).stdout.contains("torn"))
    let again = try timeline(["--log", log, "check", "--repair"])
    #expect(again.status == 0)
    #expect(fileLines(file) == industryLines, "repairing a whole log changes nothing")
  }
}

/// Issue 10: a final line that is a whole, valid event lacking only its
/// newline (as many editors save a file) is kept by check --repair, which adds
/// the newline: the event is then in the log and in `state`.
@Test func repairKeepsAWholeFinalEventByAddingItsNewline() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    let typed = #"{"id":"gemini3-flash","date":"2025-12-17","kind":"launch","org":"google","subject":"google/gemini-3-flash","attrs":{"type":"model"},"confidence":"confirmed","source":{"title":"Gemini 3 Flash"},"recorded":"2025-12-17T09:00:00.000Z"}"#
    var bytes = Array(industryLines.map { $0 + "\n" }.joined().utf8)
    bytes += Array(typed.utf8)
    try writeBytes(bytes, to: file)
    let repaired = try timeline(["--log", log, "check", "--repair"])
    #expect(repaired.status == 0, "\(repaired.stdout)")
    #expect(repaired.stderr.contains("timeline: repaired: added the missing newline at the end of \(file): its final line is a whole event (gemini3-flash), which is kept"), "\(repaired.stderr)")
    #expect(fileLines(file) == industryLines + [typed])
    #expect(repaired.lines.last == "checked 12 events in 1 file: no errors, no warnings", "\(repaired.stdout)")
    let state = try timeline(["--log", log, "state", "--at", "2025-12-31", "--json"])
    #expect(state.status == 0)
    #expect(state.stdout.contains("\"google/gemini-3-flash\""))
  }
}

/// Blank lines before a whole final event lacking its newline would end up
/// inside the file once it gets its newline (every query then 65): the
/// event moves up over them, its bytes printed first (review of issue 10).
@Test func repairMovesAWholeFinalEventOverTheBlankLinesBeforeIt() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    let typed = #"{"id":"gemini3-flash","date":"2025-12-17","kind":"launch","org":"google","subject":"google/gemini-3-flash","attrs":{"type":"model"},"confidence":"confirmed","source":{"title":"Gemini 3 Flash"},"recorded":"2025-12-17T09:00:00.000Z"}"#
    try writeBytes(Array((industryLines.map { $0 + "\n" }.joined() + "\n \n" + typed).utf8), to: file)
    let repaired = try timeline(["--log", log, "check", "--repair"])
    #expect(repaired.status == 0, "\(repaired.stdout)")
    #expect(repaired.stderr.contains(typed), "its bytes are printed before it moves: \(repaired.stderr)")
    #expect(fileLines(file) == industryLines + [typed])
    #expect(try timeline(["--log", log, "state", "--json"]).status == 0)
  }
}

/// Only an incomplete final line is cut, and its bytes, whatever they are
/// (not UTF-8, an escape sequence), are printed verbatim on standard error.
@Test func repairPrintsTheBytesOfAnIncompleteFinalLineItCutsVerbatim() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    let committed = Array(industryLines.map { $0 + "\n" }.joined().utf8)
    let torn: [UInt8] = Array(#"{"id":"half","date":"2025-12-1","note":"caf\#u{e9} "#.utf8) + [0xfe, 0x1b, 0x5b, 0x31, 0x6d, 0x20]
    try writeBytes(committed + torn, to: file)
    let repaired = try shell("\(timelineBinary) --log \(log) check --repair 2> \(dir)/err")
    #expect(repaired.status == 0, "\(repaired.stdout)")
    let err = [UInt8](FileManager.default.contents(atPath: dir + "/err") ?? Data())
    let expected = Array("timeline: repaired: cut a torn final line of \(torn.count) bytes from \(file) (an incomplete line: an append that never finished, never acknowledged); its bytes follow verbatim on the next line\n".utf8) + torn + [0x0a]
    #expect(err == expected, "\(String(decoding: err, as: UTF8.self))")
    #expect(fileLines(file) == industryLines)
  }
}

/// A run of blank lines (empty, or only spaces, tabs and carriage returns) at
/// the end of a file is removed by check --repair, which says so; nothing else
/// is touched.
@Test(arguments: ["\n", "\n\n", "  \n\t\r\n", "\n   ", "\r\n \t"])
func repairRemovesBlankLinesAtTheEnd(blank: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    try writeBytes(Array(industryLines.map { $0 + "\n" }.joined().utf8) + Array(blank.utf8), to: file)
    let repaired = try timeline(["--log", log, "check", "--repair"])
    #expect(repaired.status == 0, "\(repaired.stdout)")
    let count = blank.utf8.count { $0 == 0x0a } + (blank.utf8.last == 0x0a ? 0 : 1)
    let lines = count == 1 ? "a blank line" : "\(count) blank lines"
    #expect(repaired.stderr.contains("timeline: repaired: removed \(lines) (\(blank.utf8.count) byte"), "\(repaired.stderr)")
    #expect(repaired.stderr.contains("of white space) at the end of \(file)"))
    #expect(fileLines(file) == industryLines)
    let again = try timeline(["--log", log, "check", "--repair"])
    #expect(again.stderr.isEmpty, "\(again.stderr)")
  }
}

/// add after blank lines at the end of a file removes them first (saying
/// so), rather than refuse or leave a blank line inside the file.
@Test func addRemovesBlankLinesAtTheEndBeforeAppending() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    try writeBytes(Array(industryLines.map { $0 + "\n" }.joined().utf8) + Array("\n \t\n".utf8), to: file)
    let added = try timeline(["--log", log, "add", "report", "--date", "2025-12-20", "--org", "openai", "--source-title", "t"])
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stderr.contains("timeline: note: removed 2 blank lines (4 bytes of white space) at the end of \(file)"), "\(added.stderr)")
    let lines = fileLines(file)
    #expect(Array(lines.prefix(industryLines.count)) == industryLines)
    #expect(lines.count == industryLines.count + 1)
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "\(check.stdout)")
  }
}

/// A line of a test log: an acme event with id `id`, recorded `ms` ms after
/// 2025-12-01, with what `rest` adds (kind, subject, supersedes, attrs).
private func acmeLine(_ id: String, _ ms: Int, _ rest: String) -> String {
  let retraction = rest.contains(#""kind":"retract""#)
  return #"{"id":"\#(id)","date":"2025-04-01",\#(rest)\#(retraction ? "" : #","org":"acme""#),"confidence":"confirmed","source":{"title":"s"},"recorded":"2025-12-01T00:00:00.\#(String(format: "%03d", ms))Z"}"#
}

/// Corrections that supersede one another in a ring are all dropped by
/// replay (each is superseded by a standing one): an error at each event,
/// naming every place of the ring; retracting one breaks the ring.
@Test func checkReportsACycleOfCorrectionsAtEachOfItsEvents() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    let lines = [
      acmeLine("a", 1, #""kind":"report","supersedes":"b""#),
      acmeLine("b", 2, #""kind":"report","supersedes":"a""#),
      acmeLine("c", 3, #""kind":"report","supersedes":"d""#),
      acmeLine("d", 4, #""kind":"report","supersedes":"e""#),
      acmeLine("e", 5, #""kind":"report","supersedes":"c""#),
      acmeLine("f", 6, #""kind":"report","supersedes":"c""#),  // into the ring, not in it
    ]
    try writeLines(lines, to: log)
    let result = try timeline(["--log", log, "check"])
    #expect(result.status == 65)
    let errors = result.lines.filter { $0.contains(": error: ") }
    #expect(errors.count == 5, "\(result.stdout)")
    #expect(errors.first == "\(log):1: error: a cycle of corrections: a (\(log):1) supersedes b (\(log):2), which supersedes a; replay drops every event of the cycle, so none of them stands; retract the one that is wrong (`timeline retract a --reason R` for this one) to let the others stand, or, if a line of the cycle was written by hand, remove it")
    #expect(errors.contains { $0.hasPrefix("\(log):2: error: a cycle of corrections: b (\(log):2) supersedes a (\(log):1), which supersedes b;") })
    #expect(errors.contains { $0.hasPrefix("\(log):4: error: a cycle of corrections: d (\(log):4) supersedes e (\(log):5), which supersedes c (\(log):3), which supersedes d;") })
    #expect(!result.stdout.contains("\(log):6: error"), "f supersedes c but is not in the ring")
    try writeLines(lines + [acmeLine("r", 7, #""kind":"retract","attrs":{"target":"a"}"#), acmeLine("s", 8, #""kind":"retract","attrs":{"target":"d"}"#)], to: log)
    let fixed = try timeline(["--log", log, "check"])
    #expect(fixed.status == 0, "a retraction breaks its ring: \(fixed.stdout)")
  }
}

/// "Never launched" counts the launches that stand, as replay does: one
/// retracted or superseded by another kind of event does not launch its
/// product; one corrected by another launch does, and a product event that
/// is itself retracted is not warned about.
@Test func checkWarnsOfAProductWhoseOnlyLaunchNoLongerStands() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    try writeLines([
      acmeLine("t1", 1, #""kind":"throttle","subject":"acme/y""#),
      acmeLine("t4", 2, #""kind":"launch","subject":"acme/y""#),
      acmeLine("r", 3, #""kind":"retract","attrs":{"target":"t4"}"#),
      acmeLine("p1", 4, #""kind":"pause","subject":"acme/z""#),
      acmeLine("l1", 5, #""kind":"launch","subject":"acme/z""#),
      acmeLine("n1", 6, #""kind":"report","supersedes":"l1""#),
      acmeLine("p2", 7, #""kind":"pause","subject":"acme/w""#),
      acmeLine("l2", 8, #""kind":"launch","subject":"acme/w""#),
      acmeLine("l3", 9, #""kind":"launch","subject":"acme/w","supersedes":"l2""#),
      acmeLine("p3", 10, #""kind":"pause","subject":"acme/v""#),
      acmeLine("r3", 11, #""kind":"retract","attrs":{"target":"p3"}"#),
    ], to: log)
    let result = try timeline(["--log", log, "check"])
    #expect(result.status == 0)
    let warnings = result.lines.filter { $0.contains(": warning: ") }
    #expect(warnings == [
      "\(log):1: warning: throttle of acme/y, which was never launched in this log (its launch t4 is retracted); the event creates it (add its launch if it is known)",
      "\(log):4: warning: pause of acme/z, which was never launched in this log (its launch l1 is superseded); the event creates it (add its launch if it is known)",
    ], "\(result.stdout)")
  }
}

/// A model that is its own predecessor, or a ring of predecessors, leaves
/// the lineage without a root: check warns at each standing launch of it
/// (a retracted one is not warned about).
@Test func checkWarnsOfPredecessorRingsAtEachStandingLaunch() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    try writeLines([
      acmeLine("a1", 1, #""kind":"launch","subject":"acme/a","attrs":{"predecessor":"acme/b","type":"model"}"#),
      acmeLine("b1", 2, #""kind":"launch","subject":"acme/b","attrs":{"predecessor":"acme/a","type":"model"}"#),
      acmeLine("s1", 3, #""kind":"launch","subject":"acme/s","attrs":{"predecessor":"acme/s","type":"model"}"#),
      acmeLine("c1", 4, #""kind":"launch","subject":"acme/c","attrs":{"predecessor":"acme/a","type":"model"}"#),
      acmeLine("d1", 5, #""kind":"launch","subject":"acme/d","attrs":{"predecessor":"acme/d","type":"model"}"#),
      acmeLine("r1", 6, #""kind":"retract","attrs":{"target":"d1"}"#),
    ], to: log)
    let result = try timeline(["--log", log, "check"])
    #expect(result.status == 0, "warnings only: \(result.stdout)")
    let warnings = result.lines.filter { $0.contains(": warning: ") }
    #expect(warnings.map { $0.components(separatedBy: ": warning: ")[0] } == ["\(log):1", "\(log):2", "\(log):3"], "\(result.stdout)")
    #expect(warnings[0].contains("launch of acme/a names acme/b as its predecessor, which descends from acme/a"))
    #expect(warnings[2].contains("launch of acme/s names acme/s itself as its predecessor"))
    // The text tree names every link of a ring, a model drawn already as "(shown above)".
    let tree = try timeline(["--log", log, "lineage", "--at", "2025-12-31"])
    #expect(tree.status == 0, "\(tree.stderr)")
    #expect(tree.lines.contains("│   └── acme/a  (shown above)"), "\(tree.stdout)")
    #expect(tree.lines.contains("└── acme/s  (shown above)"), "\(tree.stdout)")
  }
}

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
    let log = try folderLog(dir)
    let result = try timeline(["--log", log, "check"])
    #expect(result.status == 0, "\(result.stdout)")
    let file = log + "/log.jsonl"
    #expect(result.lines.contains("\(file):9: warning: throttle of google/nano-banana-pro, which was never launched in this log; the event creates it (add its launch if it is known)"))
    #expect(result.lines.last == "checked 11 events in 1 file: no errors, 1 warning")
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

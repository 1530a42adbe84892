import Foundation
import Testing

// Integrity (issue 5): `check` finds what a hand edit or a careless merge can
// do to a log, naming file:line for each, in text and in --json.

/// A folder log of two files with known events; returns the folder and the lines of each file.
private func twoFileLog(_ dir: String) throws -> (log: String, a: String, b: String) {
  let log = dir + "/log"
  let a = log + "/a.jsonl"
  let b = log + "/b.jsonl"
  try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
  for (file, orgs) in [(a, ["acme", "globex"]), (b, ["initech", "umbrella"])] {
    for org in orgs {
      let result = try timeline(["--log", file, "add", "launch", "--date", "2025-12-01", "--subject", "\(org)/widget", "--source-title", "t"])
      #expect(result.status == 0, "\(result.stderr)")
    }
  }
  return (log, a, b)
}

private func lines(_ file: String) throws -> [String] {
  try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
}

private func setLines(_ file: String, _ lines: [String]) throws {
  try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
}

/// check's findings as (file, line, message), from --json.
/// check (without --repair) never changes the log, whatever it finds.
private func findings(_ log: String) throws -> (status: Int32, errors: [(String, Int, String)], text: String) {
  let before = snapshot(log)
  defer { #expect(snapshot(log) == before, "check changed the log") }
  let json = try timeline(["--log", log, "check", "--json"])
  let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
  let errors = ((object?["errors"] as? [[String: Any]]) ?? []).map {
    ($0["file"] as? String ?? "", ($0["line"] as? NSNumber)?.intValue ?? 0, $0["message"] as? String ?? "")
  }
  let text = try timeline(["--log", log, "check"])
  #expect(text.status == json.status)
  return (json.status, errors, text.stdout)
}

@Test func aHandEditedLineNoLongerMatchesItsContentID() throws {
  try withTemporaryDirectory { dir in
    let (log, a, _) = try twoFileLog(dir)
    var content = try lines(a)
    content[1] = content[1].replacingOccurrences(of: "2025-12-01", with: "2025-11-30")
    try setLines(a, content)
    let (status, errors, text) = try findings(log)
    #expect(status == 65)
    #expect(errors.count == 1)
    #expect(errors.first?.0 == a && errors.first?.1 == 2)
    #expect(errors.first?.2.contains("does not match the event's content") == true)
    #expect(text.contains("\(a):2: error: id "))
  }
}

@Test func twoDifferentEventsUnderOneIDAreFoundAcrossFiles() throws {
  try withTemporaryDirectory { dir in
    let (log, a, b) = try twoFileLog(dir)
    // Two user-chosen ids that clash, in different files.
    for (file, org) in [(a, "acme"), (b, "initech")] {
      let result = try timeline(["--log", file, "add", "report", "--date", "2025-12-02", "--org", org, "--id", "memo-1", "--source-title", "t"])
      #expect(result.status == 0)
    }
    let (status, errors, text) = try findings(log)
    #expect(status == 65)
    #expect(errors.count == 1)
    #expect(errors.first?.0 == b && errors.first?.1 == 3)
    #expect(errors.first?.2.contains("already used by a different event at \(a):3") == true)
    #expect(text.contains("\(b):3: error: id memo-1 is already used"))
    // The same fact twice under one id is no error: replay collapses it.
    let again = try timeline(["--log", a, "add", "report", "--date", "2025-12-02", "--org", "acme", "--id", "memo-1", "--source-title", "t"])
    #expect(again.status == 0)
    #expect(try findings(log).errors.count == 1)
  }
}

@Test func aRetractionOrSupersedesThatPointsNowhereIsFound() throws {
  try withTemporaryDirectory { dir in
    let (log, a, _) = try twoFileLog(dir)
    let target = try lines(a)[0].components(separatedBy: "\"")[3]
    #expect(try timeline(["--log", log, "retract", target, "--reason", "wrong", "--date", "2025-12-03"]).status == 0)
    #expect(try timeline(["--log", log, "add", "launch", "--date", "2025-12-04", "--subject", "acme/widget", "--supersedes", target, "--source-title", "t"]).status == 0)
    // Then the target is lost (a bad merge dropped its line): both now point nowhere.
    var content = try lines(a)
    content.removeFirst()
    try setLines(a, content)
    let (status, errors, text) = try findings(log)
    #expect(status == 65)
    let retraction = errors.first { $0.2.contains("retracts \(target), which is not in the log") }
    let supersedes = errors.first { $0.2.contains("supersedes \(target), which is not in the log") }
    #expect(retraction?.0 == log + "/log.jsonl" && retraction?.1 == 1)
    #expect(supersedes?.0 == log + "/log.jsonl" && supersedes?.1 == 2)
    #expect(text.contains("\(log)/log.jsonl:1: error: retracts \(target)"))
    #expect(text.contains("\(log)/log.jsonl:2: error: supersedes \(target)"))
  }
}

@Test func aRetractionOfARetractionAndTimeGoingBackwardsAreFound() throws {
  try withTemporaryDirectory { dir in
    let (log, a, _) = try twoFileLog(dir)
    let target = try lines(a)[0].components(separatedBy: "\"")[3]
    let retraction = try timeline(["--log", a, "retract", target, "--reason", "wrong", "--date", "2025-12-03"])
    let retractionID = retraction.stdout.trimmingCharacters(in: .newlines)
    // A hand-written retraction of that retraction, with a user id, appended by hand.
    var content = try lines(a)
    content.append(#"{"id":"undo-1","date":"2025-12-04","kind":"retract","attrs":{"reason":"undo","target":"\#(retractionID)"},"confidence":"reported","recorded":"2000-01-01T00:00:00.000Z"}"#)
    try setLines(a, content)
    let (status, errors, _) = try findings(log)
    #expect(status == 65)
    #expect(errors.contains { $0.0 == a && $0.1 == 4 && $0.2.contains("which is itself a retraction") })
    #expect(errors.contains { $0.0 == a && $0.1 == 4 && $0.2.contains("is not after the previous line") })
  }
}

/// A clean log checks clean, and a hand edit that keeps the bytes valid JSON
/// still fails every query with file:line until it is fixed: nothing is skipped.
@Test func aMalformedLineStopsQueriesNamingFileAndLine() throws {
  try withTemporaryDirectory { dir in
    let (log, _, b) = try twoFileLog(dir)
    #expect(try findings(log).status == 0)
    var content = try lines(b)
    content[0] = content[0].replacingOccurrences(of: "\"kind\":\"launch\"", with: "\"kind\":\"lanch\"")
    try setLines(b, content)
    let before = snapshot(log)
    let query = try timeline(["--log", log, "state"])
    #expect(snapshot(log) == before)
    #expect(query.status == 65)
    #expect(query.stderr.contains("\(b):1: unknown kind \"lanch\""))
    #expect(query.stderr.contains("did you mean"))
  }
}

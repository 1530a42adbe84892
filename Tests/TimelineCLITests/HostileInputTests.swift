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

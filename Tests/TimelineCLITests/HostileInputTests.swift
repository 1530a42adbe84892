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

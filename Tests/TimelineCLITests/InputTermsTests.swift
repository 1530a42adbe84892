import Foundation
import Testing

/// A fault is said in the terms of the input it was typed in: `--set` for
/// add's flags, the line's own JSON for `add --stdin`, columns for `import`.
@Suite struct InputTermsTests {
  let hireWithoutRole = #"{"date":"2025","kind":"hire","org":"openai","subject":"bob"}"#

  /// A log with one event, so that a rejected add has something to leave
  /// alone; every test here is a rejection, so the log must be byte for byte
  /// as it was after `body`.
  func withLog(_ body: (String) throws -> Void) throws {
    try withTemporaryDirectory { dir in
      let log = dir + "/log.jsonl"
      let made = try timeline(["--log", log, "add", "launch", "--org", "openai", "--subject", "openai/sora", "--date", "2025", "--source-title", "t"])
      #expect(made.status == 0, "\(made.stderr)")
      let before = snapshot(log)
      try body(log)
      #expect(snapshot(log) == before, "a rejected input changed the log")
    }
  }

  @Test func stdinLineWithoutARequiredAttrIsToldItInJSON() throws {
    try withLog { log in
      let before = snapshot(log)
      let result = try timeline(["--log", log, "add", "--stdin"], stdin: hireWithoutRole + "\n")
      #expect(result.status == 65)
      #expect(result.stderr.contains(#"<stdin>:1: missing attr "role": a hire event needs it (like "attrs":{"role":"CEO"})"#), "\(result.stderr)")
      #expect(!result.stderr.contains("--set"), "\(result.stderr)")
      #expect(snapshot(log) == before)
    }
  }

  @Test func stdinLineWithAnUnknownAttrIsToldTheNearestNameNotAFlag() throws {
    try withLog { log in
      let before = snapshot(log)
      let line = #"{"date":"2025","kind":"hire","org":"openai","subject":"bob","attrs":{"rol":"CEO"}}"#
      let result = try timeline(["--log", log, "add", "--stdin"], stdin: line + "\n")
      #expect(result.status == 65)
      #expect(result.stderr.contains(#"<stdin>:1: unknown attr "rol" (did you mean "role"?): a hire event takes role, from"#), "\(result.stderr)")
      #expect(!result.stderr.contains("--set"), "\(result.stderr)")
      #expect(snapshot(log) == before)
    }
  }

  @Test func stdinNumberAttrExampleIsAJSONNumber() throws {
    try withLog { log in
      let line = #"{"date":"2025","kind":"metric","org":"openai","attrs":{"name":"valuation"}}"#
      let result = try timeline(["--log", log, "add", "--stdin"], stdin: line + "\n")
      #expect(result.status == 65)
      #expect(result.stderr.contains(#"missing attr "value": a metric event needs it (like "attrs":{"value":500000000000})"#), "\(result.stderr)")
    }
  }

  @Test func flagsWithoutARequiredAttrAreToldTheFlag() throws {
    try withLog { log in
      let before = snapshot(log)
      let result = try timeline(["--log", log, "add", "hire", "--org", "openai", "--subject", "bob", "--date", "2025"])
      #expect(result.status == 65)
      #expect(result.stderr == "timeline: error: invalid hire event: missing attr \"role\": a hire event needs it (--set role=CEO)\n")
      #expect(snapshot(log) == before)
    }
  }

  @Test func importedRowWithoutARequiredAttrIsToldAColumnOrASetting() throws {
    try withLog { log in
      let csv = (log as NSString).deletingLastPathComponent + "/hires.csv"
      try "date,kind,org,subject\n2025,hire,openai,bob\n".write(toFile: csv, atomically: true, encoding: .utf8)
      let before = snapshot(log)
      let result = try timeline(["--log", log, "import", csv])
      #expect(result.status == 65)
      #expect(result.stderr.contains(#"missing attr "role": a hire event needs it (a column mapped to attrs.role, or --set attrs.role=CEO)"#), "\(result.stderr)")
      #expect(snapshot(log) == before)
    }
  }

  @Test func importedJSONLineIsToldItInJSON() throws {
    try withLog { log in
      let result = try timeline(["--log", log, "import", "-", "--format", "jsonl"], stdin: hireWithoutRole + "\n")
      #expect(result.status == 65)
      #expect(result.stderr.contains(#"(like "attrs":{"role":"CEO"})"#), "\(result.stderr)")
      #expect(!result.stderr.contains("--set"), "\(result.stderr)")
    }
  }
}

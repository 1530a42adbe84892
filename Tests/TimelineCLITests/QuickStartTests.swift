import Foundation
import Testing

// The README's "Your first ten events" starts from an empty folder: these
// tests run its `$ timeline ...` lines in order, in a fresh folder, with
// TIMELINE_TODAY=2025-12-15 as the README sets it, and compare what each
// prints on standard output with the README. Record times come from the
// real clock, so a time like 2026-12-04T17:22:39.563Z is compared as a
// placeholder on both sides.

private let quickStartHeading = "## Your first ten events"

/// Replaces every RFC 3339 UTC time with milliseconds by one placeholder.
private func withoutTimes(_ text: String) -> String {
  var result = ""
  var rest = Substring(text)
  while let match = rest.firstMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/#) {
    result += rest[..<match.range.lowerBound] + "TIME"
    rest = rest[match.range.upperBound...]
  }
  return result + rest
}

@Test func quickStartRunsAsWrittenFromAnEmptyFolder() throws {
  let readme = try String(contentsOfFile: checkoutRoot + "/README.md", encoding: .utf8)
  let commands = try walkthroughCommands(readme: readme, heading: quickStartHeading)
  let subcommands = commands.compactMap { $0.arguments.first }
  for needed in ["init", "add", "state", "diff", "why", "news"] {
    #expect(subcommands.contains(needed), "the quick start shows no `timeline \(needed)`")
  }
  #expect(subcommands.filter { $0 == "add" }.count == 10, "ten events")
  try withTemporaryDirectory { dir in
    for command in commands {
      #expect(!command.arguments.contains("--log"), "\(command.testDescription): the quick start uses the log init made")
      let result = try timeline(command.arguments, in: dir, environment: ["TIMELINE_TODAY": "2025-12-15"])
      let expected = command.expected.isEmpty ? "" : command.expected.joined(separator: "\n") + "\n"
      #expect(result.status == 0, "\(command.testDescription) exited \(result.status): \(result.stderr)")
      #expect(
        withoutTimes(result.stdout) == withoutTimes(expected),
        "\(command.testDescription): the README shows output the program does not print:\n\(result.stdout)")
    }
  }
}

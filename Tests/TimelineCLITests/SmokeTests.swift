import Foundation
import Testing

@Test func versionPrintsNameAndVersion() throws {
  let result = try timeline(["--version"])
  #expect(result.status == 0)
  #expect(result.stdout.hasPrefix("timeline "))
}

@Test func addThenStateShowsTheLaunchedProduct() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let added = try timeline(["--log", log, "add", "launch", "--date", "2025-12-11", "--subject", "openai/gpt-5.2",
                              "--set", "type=model", "--source-title", "Introducing GPT-5.2"])
    #expect(added.status == 0)
    #expect(added.stdout.trimmingCharacters(in: .whitespacesAndNewlines).count == 12)
    let state = try timeline(["--log", log, "state", "--at", "2025-12-11", "--json"])
    #expect(state.status == 0)
    #expect(state.stdout.contains("\"openai/gpt-5.2\""))
  }
}

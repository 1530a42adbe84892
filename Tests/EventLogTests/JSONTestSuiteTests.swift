import Foundation
import Testing

@testable import EventLog

// Nicolas Seriot's JSONTestSuite (test_parsing), read where it lies:
// ../shared/testdata/JSONTestSuite from the repository root (not copied).
// y_ files must be accepted and n_ files refused by the JSON layer; i_ files
// are the parser's choice. Every file, given to the event decoder, gets a
// clear rejection (a message), never a crash. Where ../shared is not beside
// the clone, these tests are skipped with that reason.

/// ../shared/testdata/JSONTestSuite/test_parsing beside the clone, or under
/// $TIMELINE_SHARED (as the CLI tests find ../shared); nil when neither has it.
private let suiteFolder: String? = [
  ProcessInfo.processInfo.environment["TIMELINE_SHARED"], repositoryRoot + "/../shared",
].compactMap { $0.map { $0 + "/testdata/JSONTestSuite/test_parsing" } }.first { FileManager.default.fileExists(atPath: $0) }

private let suite = suiteFolder ?? repositoryRoot + "/../shared/testdata/JSONTestSuite/test_parsing"
private let suiteIsThere = suiteFolder != nil
private let suiteReason: Comment = "reads ../shared/testdata/JSONTestSuite (or $TIMELINE_SHARED)"

private func suiteFiles(_ prefix: String) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: suite)) ?? []).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
}

private func contents(_ name: String) throws -> [UInt8] {
  [UInt8](try Data(contentsOf: URL(fileURLWithPath: suite + "/" + name)))
}

@Test(.enabled(if: suiteIsThere, suiteReason))
func jsonTestSuiteIsPresent() {
  #expect(suiteFiles("y_").count >= 95, "JSONTestSuite not found at \(suite)")
  #expect(suiteFiles("n_").count >= 180)
}

@Test(arguments: suiteFiles("y_"))
func jsonParserAcceptsEveryYFile(name: String) throws {
  let bytes = try contents(name)
  #expect(throws: Never.self) { try JSONParser.parse(bytes) }
}

@Test(arguments: suiteFiles("n_"))
func jsonParserRejectsEveryNFile(name: String) throws {
  let bytes = try contents(name)
  #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
}

/// No file of the suite is an event (none has date and kind), so the decoder
/// refuses each, with a message that says why: malformed JSON for the n_
/// files, a missing field or a wrong type for the rest.
@Test(arguments: suiteFiles("y_") + suiteFiles("n_") + suiteFiles("i_"))
func eventDecoderRejectsEveryFileClearly(name: String) throws {
  let bytes = try contents(name)
  // Nor does the reader's fast scanner take any of them.
  var scanner = EventScanner()
  #expect(bytes.withUnsafeBytes { scanner.scanEvent($0, stored: true) } == nil)
  for stored in [true, false] {
    do {
      _ = try EventCodec.decode(bytes, stored: stored)
      Issue.record("\(name) was decoded as an event")
    } catch {
      #expect(!error.message.isEmpty)
      let parses = (try? JSONParser.parse(bytes)) != nil
      #expect(error.message.hasPrefix("malformed JSON") == !parses, "\(name): \(error.message)")
    }
  }
}

/// The i_ files (implementation-defined): what this parser chose, pinned so a
/// change is noticed. Accepted: big or tiny numbers (the JSON layer keeps the
/// literal; the event decoder later refuses a number no double holds exactly).
/// Refused: lone or invalid surrogate escapes, invalid or overlong UTF-8,
/// UTF-16 and BOMs, and nesting deeper than 64 levels.
@Test(.enabled(if: suiteIsThere, suiteReason))
func implementationDefinedFilesGiveThePinnedAnswers() throws {
  var accepted: [String] = []
  var rejected: [String] = []
  for name in suiteFiles("i_") {
    if (try? JSONParser.parse(try contents(name))) != nil { accepted.append(name) } else { rejected.append(name) }
  }
  print("JSONTestSuite i_ files: \(accepted.count) accepted: \(accepted.joined(separator: " "))")
  print("JSONTestSuite i_ files: \(rejected.count) rejected: \(rejected.joined(separator: " "))")
  #expect(accepted.allSatisfy { $0.hasPrefix("i_number_") }, "\(accepted)")
  #expect(rejected.allSatisfy { !$0.hasPrefix("i_number_") }, "\(rejected)")
}

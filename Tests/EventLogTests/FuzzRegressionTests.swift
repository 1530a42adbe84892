import Foundation
import Testing

@testable import EventLog

/// The repository's root, found from this file's path (Tests/EventLogTests/...).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

/// The inputs kept in fuzz/regressions/TARGET: every one once broke a fuzz target.
func fuzzRegressions(_ target: String) -> [String] {
  let dir = repositoryRoot + "/fuzz/regressions/" + target
  return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
}

/// The date target's property: what a parser accepts, it writes in a form it reads back as the same value.
@Test(arguments: fuzzRegressions("dates"))
func dateFuzzRegressionRoundTrips(path: String) throws {
  let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
  if let date = try? EventDate.parse(text) {
    #expect(try EventDate.parse(date.description) == date)
  }
  if let time = try? Timestamp.parse(text) {
    #expect(try Timestamp.parse(time.description) == time)
  }
}

/// The json-line target's property: an accepted line's canonical form is accepted again, unchanged.
@Test(arguments: fuzzRegressions("json-line"))
func jsonLineFuzzRegressionRoundTrips(path: String) throws {
  let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  _ = try? JSONParser.parse(bytes)
  var scanner = EventScanner()
  if let fast = bytes.withUnsafeBytes({ scanner.scanEvent($0, stored: true) }) {
    #expect(try EventCodec.encode(EventCodec.decode(bytes, stored: true)) == EventCodec.encode(fast))
  }
  if let event = try? EventCodec.decode(bytes, stored: true) {
    let line = EventCodec.encode(event)
    #expect(EventCodec.encode(try EventCodec.decode(line, stored: true)) == line)
  }
  if let event = try? EventCodec.decode(bytes, stored: false) {
    let content = EventCodec.content(event)
    #expect(EventCodec.content(try EventCodec.decode(content, stored: false)) == content)
  }
}

/// A UTC offset must not carry a timestamp out of the years 0001-9999: `add`
/// would write `recorded` as 0000-... or 10000-..., which no reader accepts.
@Test(arguments: [
  ("0001-01-01T00:00:00+01:00", false), ("9999-12-31T23:30:00-01:00", false),
  ("0001-01-01T00:00:00Z", true), ("0001-01-01T01:00:00+01:00", true),
  ("9999-12-31T23:59:59.999Z", true), ("9999-12-31T22:59:59.999-01:00", true),
])
func timestampsOutsideTheWritableYearsAreRefused(text: String, accepted: Bool) {
  let parsed = try? Timestamp.parse(text)
  #expect((parsed != nil) == accepted)
  if let parsed { #expect(parsed >= Timestamp.earliest && parsed <= Timestamp.latest) }
}

import Foundation
import ReferenceModel
import Testing

@testable import EventLog

/// A small file that comes first in a large folder log is cached with its
/// samples, so that when it grows the cache is extended, not rebuilt.
@Test func everyFileOfACachedLogIsCachedWithItsSamples() throws {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-cache-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: dir) }
  var generator = LogGenerator(seed: 11)
  let lines = generator.log(count: FactCache.threshold + 500).map(\.line)
  try (lines.prefix(5).joined(separator: "\n") + "\n").write(toFile: dir + "/a.jsonl", atomically: false, encoding: .utf8)
  try (lines.dropFirst(5).joined(separator: "\n") + "\n").write(toFile: dir + "/b.jsonl", atomically: false, encoding: .utf8)

  let store = LogStore(path: dir)
  _ = try store.loadFacts()
  LogStore.finishWriting()
  let (_, entries) = try #require(FactCache(store: store).read())
  #expect(entries.map(\.path) == [dir + "/a.jsonl", dir + "/b.jsonl"])
  for entry in entries {
    let fd = try Sys.open(entry.path, O_RDONLY)
    defer { Sys.close(fd) }
    #expect(entry.samples == FactCache.samples(fd, extent: entry.extent), "\(entry.path)")
  }
}

import Foundation
import Testing

// Concurrency (issue 5): many processes appending at once lose nothing and
// never interleave. This is the scaled-down run; stress/concurrency.py runs
// 8 processes x 500 adds.

/// A value shared between threads, behind a lock.
final class Locked<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()
  init(_ value: Value) { self.value = value }
  func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
    lock.lock()
    defer { lock.unlock() }
    return body(&value)
  }
}

/// `count` processes each running `adds` single adds one after the other, all at once.
/// - Returns: the ids each add printed, and the failures.
private func concurrentAdds(log: String, processes: Int, adds: Int) -> (ids: [String], failures: [String]) {
  let collected = Locked((ids: [String](), failures: [String]()))
  DispatchQueue.concurrentPerform(iterations: processes) { writer in
    for index in 0..<adds {
      do {
        let result = try timeline(
          ["--log", log, "add", "report", "--date", "2025-12-01", "--org", "org\(writer)", "--source-title", "t",
           "--note", "writer \(writer) add \(index)"], environment: ["TIMELINE_LOCK_TIMEOUT": "60"])
        collected.withLock {
          if result.status == 0 { $0.ids.append(result.stdout.trimmingCharacters(in: .newlines)) } else { $0.failures.append(result.stderr) }
        }
      } catch {
        collected.withLock { $0.failures.append("\(error)") }
      }
    }
  }
  return collected.withLock { $0 }
}

/// The lines of a log file, each decoded (nil when a line is not a whole JSON object).
func logLines(_ file: String) throws -> (lines: [[String: Any]?], endsWithNewline: Bool) {
  let data = try Data(contentsOf: URL(fileURLWithPath: file))
  var parts = data.split(separator: 0x0a, omittingEmptySubsequences: false)
  let endsWithNewline = parts.last?.isEmpty ?? true
  parts.removeLast()
  return (parts.map { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }, endsWithNewline)
}

@Test(arguments: ["log.jsonl", "folder"])
func concurrentAddsLoseNothingAndNeverInterleave(name: String) throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/" + name
    let processes = 4
    let adds = 15
    let (ids, failures) = concurrentAdds(log: log, processes: processes, adds: adds)
    #expect(failures.isEmpty, "\(failures.prefix(3))")
    #expect(ids.count == processes * adds)
    let file = name.hasSuffix(".jsonl") ? log : log + "/log.jsonl"
    let (lines, endsWithNewline) = try logLines(file)
    #expect(endsWithNewline)
    #expect(lines.count == processes * adds)
    #expect(lines.allSatisfy { $0 != nil }, "a line is not a whole event")
    let present = Set(lines.compactMap { $0?["id"] as? String })
    #expect(present.count == processes * adds)
    #expect(Set(ids) == present)
    // recorded strictly increases down the file, whoever wrote each line.
    let recorded = lines.compactMap { $0?["recorded"] as? String }
    #expect(zip(recorded, recorded.dropFirst()).allSatisfy { $0 < $1 })
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0)
    #expect(check.stdout.contains("checked \(processes * adds) events in 1 file: no errors, no warnings"))
  }
}

/// A reader racing a batch writer sees the whole batch or none of it: it takes
/// a shared lock, so it never reads a batch in flight.
@Test func readersRacingABatchSeeAllOfItOrNone() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log.jsonl"
    let first = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "a", "--source-title", "t"])
    #expect(first.status == 0)
    let size = 3000
    let input = (0..<size).map { #"{"date":"2025-12-02","kind":"report","org":"b","attrs":{"i":\#($0)},"source":{"title":"t"},"note":"\#(String(repeating: "y", count: 300))"}"# }
      .joined(separator: "\n") + "\n"
    let seen = Locked([Int]())
    let writerStatus = Locked(Int32(-1))
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      let status = (try? timeline(["--log", log, "add", "--stdin"], stdin: input))?.status ?? -1
      writerStatus.withLock { $0 = status }
    }
    for _ in 0..<8 {
      DispatchQueue.global().async(group: group) {
        for _ in 0..<4 {
          guard let result = try? timeline(["--log", log, "log", "--json"]),
            let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let events = json["events"] as? [Any]
          else {
            seen.withLock { $0.append(-1) }
            continue
          }
          seen.withLock { $0.append(events.count) }
        }
      }
    }
    group.wait()
    #expect(writerStatus.withLock { $0 } == 0)
    let counts = seen.withLock { $0 }
    #expect(counts.count == 32)
    #expect(counts.allSatisfy { $0 == 1 || $0 == 1 + size }, "a reader saw part of a batch: \(counts)")
  }
}

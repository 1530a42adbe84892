import Testing

@testable import EventLog

/// The order in which `export --follow` writes the appends to several files
/// that one look finds (`LogFollower.landingOrder`): within a file the order
/// of its lines, a batch never split; across files the order in which the
/// kernel reported the appends, else the stamps.
@Suite struct LandingOrderTests {
  /// An event with this id, recorded `millisecond` ms after a fixed instant.
  func event(_ id: String, _ millisecond: Int64) -> Event {
    Event(
      id: id, date: EventDate(year: 2025, month: 12, day: 1), kind: .report, org: "acme",
      recorded: Timestamp(milliseconds: 1_764_547_200_000 + millisecond))
  }

  func ids(_ events: [Event]) -> [String] { events.map(\.id) }
  func one(_ file: String) -> LogFollower.Append { LogFollower.Append(file: file, batch: false) }
  func batch(_ file: String) -> LogFollower.Append { LogFollower.Append(file: file, batch: true) }

  /// alice's batch is stamped 100..119 ms (its clock ahead of the wall's); bob
  /// appended at 110 ms, while the batch was already in.
  var batchAndLaterAppend: [(name: String, events: [Event])] {
    [("alice.jsonl", (0..<20).map { event("a\($0)", 100 + Int64($0)) }), ("bob.jsonl", [event("b", 110)])]
  }
  var theBatch: [String] { (0..<20).map { "a\($0)" } }

  @Test func withoutReportsABatchIsNeverSplitByAStampInsideIt() {
    #expect(ids(LogFollower.landingOrder(batchAndLaterAppend, appends: nil)) == theBatch + ["b"])
  }

  @Test func theReportsOrderTheAppendsWhereTheStampsCannot() {
    // alice's single append continues her batch's stamps (121 ms, ahead of
    // the clock); bob's came at 115 ms by his clock. The reports tell which landed first.
    let files: [(name: String, events: [Event])] = [("alice.jsonl", [event("a", 121)]), ("bob.jsonl", [event("b", 115)])]
    #expect(ids(LogFollower.landingOrder(files, appends: [one("alice.jsonl"), one("bob.jsonl")])) == ["a", "b"])
    #expect(ids(LogFollower.landingOrder(files, appends: [one("bob.jsonl"), one("alice.jsonl")])) == ["b", "a"])
    #expect(ids(LogFollower.landingOrder(files, appends: nil)) == ["b", "a"], "the stamps alone say bob")
    #expect(ids(LogFollower.landingOrder(batchAndLaterAppend, appends: [batch("alice.jsonl"), one("bob.jsonl")])) == theBatch + ["b"])
  }

  @Test func appendsStampedAsOneRunAreToldApartByTheirReports() {
    // alice's two single appends are stamped 1 ms apart (her clock ahead):
    // one run. bob's append and carol's batch landed between them.
    let files: [(name: String, events: [Event])] = [
      ("alice.jsonl", [event("a1", 120), event("a2", 121)]), ("bob.jsonl", [event("b", 110)]),
      ("carol.jsonl", [event("c1", 111), event("c2", 112)]),
    ]
    let appends = [one("alice.jsonl"), one("bob.jsonl"), batch("carol.jsonl"), one("alice.jsonl")]
    #expect(ids(LogFollower.landingOrder(files, appends: appends)) == ["a1", "b", "c1", "c2", "a2"])
    // A batch and then a single append to the same file, one run: the single one is the last line.
    let batchThenOne: [(name: String, events: [Event])] = [
      ("alice.jsonl", theBatch.indices.map { event("a\($0)", 100 + Int64($0)) } + [event("z", 120)]),
      ("bob.jsonl", [event("b", 110)]),
    ]
    #expect(
      ids(LogFollower.landingOrder(batchThenOne, appends: [batch("alice.jsonl"), one("bob.jsonl"), one("alice.jsonl")]))
        == theBatch + ["b", "z"])
  }

  @Test func severalBatchesToOneFileSplitAtTheEndsOfTheirRuns() {
    // Two batches to alice (5..7 ms, then 40..41 ms), bob's append between.
    let files: [(name: String, events: [Event])] = [
      ("alice.jsonl", [event("a1", 5), event("a2", 6), event("a3", 7), event("a4", 40), event("a5", 41)]),
      ("bob.jsonl", [event("b", 20)]),
    ]
    let appends = [batch("alice.jsonl"), one("bob.jsonl"), batch("alice.jsonl")]
    #expect(ids(LogFollower.landingOrder(files, appends: appends)) == ["a1", "a2", "a3", "b", "a4", "a5"])
    #expect(LogFollower.linesPerAppend(files[0].events, batches: [true, true]) == [3, 2])
    // Counts always add up to the lines: more lines than reports say go to the last; fewer leave the last ones none.
    #expect(LogFollower.linesPerAppend(files[0].events, batches: [false, false]) == [1, 4])
    #expect(LogFollower.linesPerAppend([event("x", 1)], batches: [false, true, false]) == [1, 0, 0])
  }

  @Test func filesNoReportNamesComeFirstByTheirStamps() {
    // carol's file was appended to while reports were lost; bob's report is of a later append.
    var files = batchAndLaterAppend
    files.append(("carol.jsonl", [event("c", 50)]))
    let order = ids(LogFollower.landingOrder(files, appends: [one("bob.jsonl"), batch("alice.jsonl")]))
    #expect(order == ["c", "b"] + theBatch)
  }
}

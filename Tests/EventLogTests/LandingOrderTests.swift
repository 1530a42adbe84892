import Testing

@testable import EventLog

/// The order in which `export --follow` writes the appends to several files
/// that one look finds (`LogFollower.landingOrder`): within a file the order
/// of its lines, a batch never split; across files the order in which the
/// kernel reported the files written to, else the stamps.
@Suite struct LandingOrderTests {
  /// An event with this id, recorded `millisecond` ms after a fixed instant.
  func event(_ id: String, _ millisecond: Int64) -> Event {
    Event(
      id: id, date: EventDate(year: 2025, month: 12, day: 1), kind: .report, org: "acme",
      recorded: Timestamp(milliseconds: 1_764_547_200_000 + millisecond))
  }

  func ids(_ events: [Event]) -> [String] { events.map(\.id) }

  /// alice's batch is stamped 100..119 ms (its clock ahead of the wall's); bob
  /// appended at 110 ms, while the batch was already in.
  var batchAndLaterAppend: [(name: String, events: [Event])] {
    [("alice.jsonl", (0..<20).map { event("a\($0)", 100 + Int64($0)) }), ("bob.jsonl", [event("b", 110)])]
  }

  @Test func withoutReportsABatchIsNeverSplitByAStampInsideIt() {
    let order = ids(LogFollower.landingOrder(batchAndLaterAppend, writes: nil))
    #expect(order == (0..<20).map { "a\($0)" } + ["b"])
  }

  @Test func reportsOfTheFilesWrittenToOrderTheAppends() {
    // alice's single append continues her batch's stamps (121 ms, ahead of
    // the clock); bob's came at 115 ms by his clock. The reports tell which landed first.
    let files: [(name: String, events: [Event])] = [("alice.jsonl", [event("a", 121)]), ("bob.jsonl", [event("b", 115)])]
    #expect(ids(LogFollower.landingOrder(files, writes: ["alice.jsonl", "bob.jsonl"])) == ["a", "b"])
    #expect(ids(LogFollower.landingOrder(files, writes: ["bob.jsonl", "alice.jsonl"])) == ["b", "a"])
    #expect(ids(LogFollower.landingOrder(files, writes: nil)) == ["b", "a"], "the stamps alone say bob")
  }

  @Test func eachReportBringsItsFilesNextRunAndTheLastAllTheRest() {
    // alice: a single append (5 ms), another (9 ms), then a batch (40..42 ms); bob between them, and after.
    let files: [(name: String, events: [Event])] = [
      ("alice.jsonl", [event("a1", 5), event("a2", 9), event("a3", 40), event("a4", 41), event("a5", 42)]),
      ("bob.jsonl", [event("b1", 20), event("b2", 60)]),
    ]
    let writes = ["alice.jsonl", "alice.jsonl", "bob.jsonl", "alice.jsonl", "bob.jsonl"]
    #expect(ids(LogFollower.landingOrder(files, writes: writes)) == ["a1", "a2", "b1", "a3", "a4", "a5", "b2"])
    // Fewer reports than runs (reports lost on the way): a file's last report brings all its runs left.
    #expect(ids(LogFollower.landingOrder(files, writes: ["bob.jsonl", "alice.jsonl"])) == ["b1", "b2", "a1", "a2", "a3", "a4", "a5"])
    // More reports than runs (two appends stamped 1 ms apart are one run): the first brings it.
    let merged: [(name: String, events: [Event])] = [("alice.jsonl", [event("a1", 5), event("a2", 6)]), ("bob.jsonl", [event("b1", 7)])]
    #expect(ids(LogFollower.landingOrder(merged, writes: ["alice.jsonl", "bob.jsonl", "alice.jsonl"])) == ["a1", "a2", "b1"])
  }

  @Test func filesNoReportNamesComeFirstByTheirStamps() {
    // carol's file was appended to before the watch began; bob's report is of a later append.
    var files = batchAndLaterAppend
    files.append(("carol.jsonl", [event("c", 50)]))
    let order = ids(LogFollower.landingOrder(files, writes: ["bob.jsonl"]))
    #expect(order == ["c"] + (0..<20).map { "a\($0)" } + ["b"])
  }
}

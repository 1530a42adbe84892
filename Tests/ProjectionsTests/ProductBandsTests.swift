import EventLog
import Projections
import Testing

private func event(_ date: String, _ kind: Kind, _ subject: String, id: String, recorded: Int64) throws -> Event {
  Event(id: id, date: try EventDate.parse(date), kind: kind, org: "openai", subject: subject,
        recorded: Timestamp(milliseconds: recorded))
}

@Test func bandsSplitWhereStatusOrThrottlingChanges() throws {
  let events = try [
    event("2024-12-09", .launch, "openai/sora", id: "a", recorded: 1),
    event("2025-11-28", .throttle, "openai/sora", id: "b", recorded: 2),
    event("2025-12-02", .pause, "openai/sora", id: "c", recorded: 3),
    event("2025-12-20", .resume, "openai/sora", id: "d", recorded: 4),
    event("2026-01", .retire, "openai/sora", id: "e", recorded: 5),
  ]
  let bands = productBands(folding: Replay(events).standing)
  #expect(bands.count == 1)
  let spans = bands[0].spans
  #expect(spans.map(\.status) == [.active, .active, .paused, .active, .retired])
  #expect(spans.map(\.throttled) == [false, true, true, true, true])
  #expect(spans.map(\.event) == ["a", "b", "c", "d", "e"])
  // Each span ends where the next begins; the last lasts.
  for (span, next) in zip(spans, spans.dropFirst()) { #expect(span.end == next.start) }
  #expect(spans.last?.end == nil)
  #expect(bands[0].launched?.description == "2024-12-09")
}

@Test func eventsThatChangeNothingDoNotSplitABand() throws {
  let events = try [
    event("2025-01-01", .launch, "openai/x", id: "a", recorded: 1),
    event("2025-02-01", .resume, "openai/x", id: "b", recorded: 2),
    event("2025-03-01", .unthrottle, "openai/x", id: "c", recorded: 3),
  ]
  let bands = productBands(folding: Replay(events).standing)
  #expect(bands[0].spans.count == 1)
}

@Test func bandsAreOrderedByOrgThenFirstDay() throws {
  var late = try event("2025-06-01", .launch, "openai/b", id: "b", recorded: 1)
  var google = try event("2025-09-01", .launch, "google/g", id: "g", recorded: 2)
  google.org = "google"
  late.org = "openai"
  let early = try event("2025-01-01", .launch, "openai/a", id: "a", recorded: 3)
  let bands = productBands(folding: Replay([late, google, early]).standing)
  #expect(bands.map(\.product) == ["google/g", "openai/a", "openai/b"])
}

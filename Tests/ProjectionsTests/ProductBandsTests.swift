import EventLog
import Projections
import Foundation
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
  let bands = productBands(folding: events)
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
  let bands = productBands(folding: events)
  #expect(bands[0].spans.count == 1)
}

@Test func bandsAreOrderedByOrgThenFirstDay() throws {
  var late = try event("2025-06-01", .launch, "openai/b", id: "b", recorded: 1)
  var google = try event("2025-09-01", .launch, "google/g", id: "g", recorded: 2)
  google.org = "google"
  late.org = "openai"
  let early = try event("2025-01-01", .launch, "openai/a", id: "a", recorded: 3)
  let bands = productBands(folding: [early, late, google].sorted { $0.date.firstDay < $1.date.firstDay })
  #expect(bands.map(\.product) == ["google/g", "openai/a", "openai/b"])
}

/// The model: for every prefix of a sequence of product events, the last span
/// of each band says what `CompetitorState` says of the product.
@Test func bandsAgreeWithCompetitorStateAfterEveryEvent() throws {
  let kinds: [Kind] = [.launch, .pause, .resume, .retire, .throttle, .unthrottle]
  var generator = SystemRandomNumberGenerator()
  for _ in 0..<20 {
    var events: [Event] = []
    for step in 0..<40 {
      let kind = kinds.randomElement(using: &generator)!
      let product = ["openai/a", "openai/b", "openai/c"].randomElement(using: &generator)!
      let day = String(format: "2025-%02d-%02d", 1 + step / 28, 1 + step % 28)
      events.append(try event(day, kind, product, id: "e\(step)", recorded: Int64(step)))
      let state = CompetitorState(folding: events)
      let bands = productBands(folding: events)
      #expect(Set(bands.map(\.product)) == Set(state.orgs["openai"].map { Array($0.products.keys) } ?? []), "a band per product")
      for band in bands {
        let product = try #require(state.orgs["openai"]?.products[band.product])
        #expect(band.spans.last?.status == product.status)
        #expect(band.spans.last?.throttled == product.throttled)
        #expect(band.launched == product.launched)
        #expect(band.type == product.type)
      }
    }
  }
}

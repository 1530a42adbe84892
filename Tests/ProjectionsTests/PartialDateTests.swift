import EventLog
import Testing

@testable import Projections

/// A fact known only to the month counts from the last day of that month.
@Test(arguments: [
  ("2025-11-15", false),
  ("2025-11-30", true),
  ("2025-12-01", true),
])
func monthPrecisionPauseCountsFromTheLastDayOfItsMonth(at: String, paused: Bool) throws {
  let launch = Event(id: "launch", date: try EventDate.parse("2025-10-01"), kind: .launch, org: "openai",
                     subject: "openai/sora", recorded: Timestamp(milliseconds: 1))
  let pause = Event(id: "pause", date: try EventDate.parse("2025-11"), kind: .pause, org: "openai",
                    subject: "openai/sora", recorded: Timestamp(milliseconds: 2))
  let day = try EventDate.parse(at).lastDay
  let state = Replay([launch, pause]).state(at: day)
  #expect(state.orgs["openai"]?.products["openai/sora"]?.status == (paused ? .paused : .active))
}

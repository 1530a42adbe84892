import EventLog
import Projections
import Testing

// MARK: - Rule 5: --at and partial dates

/// Whether an event dated `eventDate` is folded as of `at` (a query date, meaning the end of its period).
@Test(arguments: [
  ("2025-11", "2025-11-15", false),
  ("2025-11", "2025-11-29", false),
  ("2025-11", "2025-11-30", true),
  ("2025-11", "2025-12-01", true),
  ("2025-11", "2025-11", true),
  ("2025-11", "2025-10", false),
  ("2025-11", "2025", true),
  ("2025-02", "2025-02-28", true),
  ("2024-02", "2024-02-28", false),
  ("2024-02", "2024-02-29", true),
  ("2025", "2025-06-30", false),
  ("2025", "2025-12-30", false),
  ("2025", "2025-12-31", true),
  ("2025", "2025-12", true),
  ("2025", "2025", true),
  ("2025", "2026-01-01", true),
  ("2025", "2024", false),
  ("2025-11-15", "2025-11-14", false),
  ("2025-11-15", "2025-11-15", true),
  ("2025-11-15", "2025-11", true),
  ("2025-11-15", "2025-10", false),
])
func partialEventDateCountsFromTheLastDayOfItsPeriod(eventDate: String, at: String, kept: Bool) {
  let events = [ev("e", "launch", eventDate, subject: "openai/sora", recorded: 1)]
  #expect(keptIDs(events, at: at) == (kept ? ["e"] : []))
  #expect((state(events, at: at).orgs["openai"]?.products["openai/sora"] != nil) == kept)
}

@Test func partialDatesFoldFromTheFirstDayOfTheirPeriod() {
  // "2025-12" is certain only from 2025-12-31, but once certain it is ordered at 2025-12-01,
  // so a pause known only as "December" comes before a resume on 2025-12-05.
  var log = LogBuilder()
  log.add("l", "launch", "2025-11-01", subject: sora)
  log.add("r", "resume", "2025-12-05", subject: sora)
  log.add("p", "pause", "2025-12", subject: sora)
  #expect(keptIDs(log.events, at: "2025-12-10") == ["l", "r"])
  #expect(state(log.events, at: "2025-12-10").orgs["openai"]?.products[sora]?.status == .active)
  #expect(keptIDs(log.events, at: "2025-12-31") == ["l", "p", "r"])
  #expect(state(log.events, at: "2025-12-31").orgs["openai"]?.products[sora]?.status == .active)
}

@Test func yearDateFoldsOnJanuaryFirst() {
  var log = LogBuilder()
  log.add("d2", "metric", "2025-01-02", attrs: ["name": s("v"), "value": n(3)])
  log.add("y", "metric", "2025", attrs: ["name": s("v"), "value": n(2)])
  log.add("d1", "metric", "2025-01-01", attrs: ["name": s("v"), "value": n(1)])
  #expect(keptIDs(log.events, at: "2026") == ["y", "d1", "d2"], "2025 sorts as 2025-01-01, then recorded order")
  #expect(state(log.events, at: "2026").orgs["openai"]?.metrics["openai"]?["v"]?.value == 3)
  #expect(keptIDs(log.events, at: "2025-12-30") == ["d1", "d2"])
}

@Test func foldOrderIsFirstDayThenRecordedThenID() {
  let events = [
    ev("b", "report", "2025-12-01", recorded: 5),
    ev("a", "report", "2025-12-01", recorded: 5),
    ev("c", "report", "2025-12", recorded: 1),
    ev("d", "report", "2025-11-30", recorded: 9),
    ev("e", "report", "2025-12-01", recorded: 2),
  ]
  #expect(Replayed(events).standingIDs == ["d", "c", "e", "a", "b"])
  for _ in 0..<10 {
    #expect(Replayed(events.shuffled()).standingIDs == ["d", "c", "e", "a", "b"], "input order never matters")
  }
}

// MARK: - Rule 3: --known-at

@Test func knownAtKeepsOnlyWhatWasRecordedByThen() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)  // recorded +1 s
  log.add("p", "pause", "2025-12-02", subject: sora)  // recorded +2 s
  #expect(keptIDs(log.events, at: "2025-12-31", knownAt: LogBuilder.recordedTime(1)) == ["l"], "recorded <= T is kept")
  #expect(keptIDs(log.events, at: "2025-12-31", knownAt: LogBuilder.recordedTime(2)) == ["l", "p"])
  #expect(keptIDs(log.events, at: "2025-12-31", knownAt: Timestamp(milliseconds: LogBuilder.recordedTime(2).milliseconds - 1)) == ["l"])
  #expect(keptIDs(log.events, at: "2025-12-31", knownAt: LogBuilder.recordedTime(0)) == [])
}

@Test func knownAtBeforeARetractionShowsTheRetractedEvent() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)
  log.add("p", "pause", "2025-12-02", subject: sora)
  log.retract("r", "p")  // recorded +3 s
  #expect(keptIDs(log.events, at: "2025-12-31") == ["l"])
  #expect(keptIDs(log.events, at: "2025-12-31", knownAt: LogBuilder.recordedTime(2)) == ["l", "p"])
}

@Test func knownAtBeforeACorrectionShowsTheOriginal() {
  var log = LogBuilder()
  log.add("m1", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(4e11)])
  log.add("m2", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(5e11)], supersedes: "m1")
  #expect(state(log.events, at: "2025-12-31").orgs["openai"]?.metrics["openai"]?["valuation"]?.value == 5e11)
  #expect(state(log.events, at: "2025-12-31", knownAt: LogBuilder.recordedTime(1)).orgs["openai"]?.metrics["openai"]?["valuation"]?.value == 4e11)
}

// MARK: - Rule 4: retract and supersedes

@Test func retractedEventNeverHappened() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)
  log.add("p", "pause", "2025-12-02", subject: sora)
  log.retract("r", "p")
  #expect(Replayed(log.events).standingIDs == ["l"], "neither the target nor the retraction is folded")
  #expect(state(log.events, at: "2025-12-31").orgs["openai"]?.products[sora]?.status == .active)
}

@Test func retractionIgnoresAt() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)
  log.retract("r", "l", date: "2026-06-01")
  #expect(keptIDs(log.events, at: "2025-12-31") == [], "a retraction dated later still means it never happened")
}

@Test func retractionOfAnUnknownIDChangesNothing() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)
  log.retract("r", "nope")
  #expect(keptIDs(log.events, at: "2025-12-31") == ["l"])
}

@Test func retractionOfARetractionIsIgnored() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)
  log.retract("r1", "l")
  log.retract("r2", "r1")
  #expect(keptIDs(log.events, at: "2025-12-31") == [], "r1 still stands: retractions cannot be retracted")
}

@Test func supersededEventIsReplacedByItsCorrection() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora, attrs: ["type": s("product")])
  log.add("l2", "launch", "2025-12-02", subject: sora, attrs: ["type": s("model")], supersedes: "l")
  #expect(Replayed(log.events).standingIDs == ["l2"])
  #expect(keptIDs(log.events, at: "2025-12-31") == ["l2"])
  #expect(describe(state(log.events, at: "2025-12-31").orgs["openai"]?.products[sora]) == "active throttled=false type=model since=2025-12-02 launched=2025-12-02 event=l2")
}

@Test func supersedesIgnoresAt() {
  var log = LogBuilder()
  log.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(1)])
  log.add("m2", "metric", "2025-12-20", attrs: ["name": s("v"), "value": n(2)], supersedes: "m1")
  #expect(keptIDs(log.events, at: "2025-12-10") == [], "the corrected event is gone even before its correction's date")
  #expect(keptIDs(log.events, at: "2025-12-20") == ["m2"])
}

@Test func retractingACorrectionBringsBackWhatItCorrected() {
  var log = LogBuilder()
  log.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(1)])
  log.add("m2", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(2)], supersedes: "m1")
  log.retract("r", "m2")
  #expect(keptIDs(log.events, at: "2025-12-31") == ["m1"])
  #expect(state(log.events, at: "2025-12-31").orgs["openai"]?.metrics["openai"]?["v"]?.value == 1)
}

@Test func retractingTheOriginalAlsoRemovesNothingElse() {
  var log = LogBuilder()
  log.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(1)])
  log.add("m2", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(2)], supersedes: "m1")
  log.retract("r", "m1")
  #expect(keptIDs(log.events, at: "2025-12-31") == ["m2"])
}

@Test func chainOfCorrectionsKeepsOnlyTheLast() {
  var log = LogBuilder()
  log.add("a", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(1)])
  log.add("b", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(2)], supersedes: "a")
  log.add("c", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(3)], supersedes: "b")
  #expect(keptIDs(log.events, at: "2025-12-31") == ["c"])
  log.retract("r", "c")
  #expect(keptIDs(log.events, at: "2025-12-31") == ["b"], "retracting the last correction brings back the one before")
}

@Test func supersedesOfARetractionIsIgnored() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)
  log.retract("r", "l")
  log.add("x", "report", "2025-12-02", supersedes: "r")
  #expect(keptIDs(log.events, at: "2025-12-31") == ["x"], "the retraction still stands")
}

@Test func supersedesOfAnUnknownIDChangesNothing() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora, supersedes: "nope")
  #expect(keptIDs(log.events, at: "2025-12-31") == ["l"])
}

// MARK: - Rule 2: duplicate ids

@Test func identicalDuplicatesCollapseToOneEventRecordedFirst() {
  let first = ev("same", "launch", "2025-12-01", subject: sora, recorded: 1)
  let again = ev("same", "launch", "2025-12-01", subject: sora, recorded: 5)
  for events in [[first, again], [again, first]] {
    #expect(Replayed(events).standingIDs == ["same"])
    #expect(keptIDs(events, at: "2025-12-31", knownAt: LogBuilder.recordedTime(2)) == ["same"], "known since the first append")
  }
}

@Test func duplicateIDWithDifferentContentKeepsTheEarliestRecorded() {
  let early = ev("dup", "pause", "2025-12-01", subject: sora, recorded: 1)
  let late = ev("dup", "retire", "2025-12-01", subject: sora, recorded: 2)
  for events in [[early, late], [late, early]] {
    #expect(Replayed(events).standingIDs == ["dup"])
    #expect(state(events, at: "2025-12-31").orgs["openai"]?.products[sora]?.status == .paused)
  }
}

@Test func duplicateIDsAreCollapsedBeforeKnownAt() {
  // The earliest recorded wins even when --known-at would only have seen the later one... which it cannot:
  // with known-at before both, nothing is known; between them, the earliest is.
  let early = ev("dup", "pause", "2025-12-01", subject: sora, recorded: 1)
  let late = ev("dup", "retire", "2025-12-01", subject: sora, recorded: 3)
  #expect(state([late, early], at: "2025-12-31", knownAt: LogBuilder.recordedTime(2)).orgs["openai"]?.products[sora]?.status == .paused)
  #expect(Replayed([late, early], knownAt: LogBuilder.recordedTime(0)).standingIDs.isEmpty)
}

@Test func retractionOfADuplicatedIDRemovesIt() {
  var log = LogBuilder()
  log.add("dup", "launch", "2025-12-01", subject: sora)
  log.add("dup", "launch", "2025-12-01", subject: sora)
  log.retract("r", "dup")
  #expect(keptIDs(log.events, at: "2025-12-31") == [])
}

// MARK: - --org

@Test func orgFilterKeepsOnlyThatOrgsEvents() {
  var log = LogBuilder()
  log.add("a", "launch", "2025-12-01", subject: "openai/m")
  log.add("b", "launch", "2025-12-01", org: "google", subject: "google/m")
  log.retract("r", "b")
  log.add("c", "report", "2025-12-02", org: "google")
  #expect(Replayed(log.events).keptIDs(at: day("2025-12-31"), org: "google") == ["c"])
  #expect(Replayed(log.events).keptIDs(at: day("2025-12-31"), org: "openai") == ["a"])
  #expect(Replayed(log.events).keptIDs(at: day("2025-12-31"), org: "nobody").isEmpty)
}

// MARK: - Basis

@Test func basisDigestIsSHA256OfSortedIDsJoinedByNewline() {
  // Computed independently: python3 -c 'import hashlib; print(hashlib.sha256("\n".join(sorted(ids, key=str.encode)).encode()).hexdigest())'
  let ids = ["b", "B", "a", "é", "a-1", "a.1", "A"]
  let basis = Basis(ids: ids)
  #expect(basis.events == 7)
  #expect(basis.digest == "6f1df44877adf9eb94d3bcd043a73ecea10e5acc5a323d3cd78537054e4b5117")
  #expect(Basis(ids: ids.reversed()) == basis, "order does not matter")
  #expect(Basis(ids: []).digest == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  #expect(Basis(ids: ["d16757df582e"]).digest == "3d22cf4b85e791abba2ba318cfefa42b1512fdcd9d9ef8ac7d6013343068ad2c")
  let events = ["b", "B", "a"].enumerated().map { ev($1, "report", "2025", recorded: Int64($0)) }
  #expect(Basis(events) == Basis(ids: ["a", "b", "B"]))
  // Ids longer than the hashing buffer, and an empty one, are hashed whole:
  // python3 -c 'import hashlib; ids=["x"*70000,"y","","a"*65536]; print(hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest())'
  let long = Basis(ids: [String(repeating: "x", count: 70_000), "y", "", String(repeating: "a", count: 65_536)])
  #expect(long.digest == "b8bef278e4dea887d0410bf4ddffaae6412f0ab405f7ba41f097c826022b248e")
}

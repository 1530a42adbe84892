import EventLog
@testable import Projections
import Testing

// DESIGN.md, "Confidence in every answer": each field of an entry rests on the
// event that set its value, a surer repeat takes it over, and the entry is as
// sure as its least sure field. All as of 2025-12-31.

/// The product openai/sora as "CONFIDENCE event=ID".
@Test(arguments: [
  Case("launchAloneIsAsSureAsTheLaunch", "rumor event=l") {
    $0.add("l", "launch", "2025-12-01", subject: sora, attrs: ["type": s("model")], confidence: .rumor)
  },
  Case("confirmedLaunchOnTheSameDateTakesOverEveryField", "confirmed event=l2") {
    $0.add("l1", "launch", "2025-12-01", subject: sora, attrs: ["type": s("model")], confidence: .rumor)
    $0.add("l2", "launch", "2025-12-01", subject: sora, attrs: ["type": s("model")], confidence: .confirmed)
  },
  Case("launchedDateOfARumorStaysARumorWhenTheConfirmedLaunchIsLater", "rumor event=l2") {
    $0.add("l1", "launch", "2025-12-01", subject: sora, confidence: .rumor)
    $0.add("l2", "launch", "2025-12-05", subject: sora, confidence: .confirmed)
  },
  Case("launchedDateOfAnotherPrecisionIsNotTheSameDate", "rumor event=l2") {
    $0.add("l1", "launch", "2025-12", subject: sora, confidence: .rumor)
    $0.add("l2", "launch", "2025-12-31", subject: sora, confidence: .confirmed)
  },
  Case("typeOfARumorStaysARumorWhenTheConfirmedLaunchGivesNone", "rumor event=l2") {
    $0.add("l1", "launch", "2025-12-01", subject: sora, attrs: ["type": s("model")], confidence: .rumor)
    $0.add("l2", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
  },
  Case("confirmedProductThrottledOnAReportIsReported", "reported event=t") {
    $0.add("l", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
    $0.add("t", "throttle", "2025-12-03", subject: sora)
  },
  Case("confirmedThrottleTakesOverTheThrottledField", "confirmed event=t2") {
    $0.add("l", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
    $0.add("t1", "throttle", "2025-12-03", subject: sora, confidence: .rumor)
    $0.add("t2", "throttle", "2025-12-04", subject: sora, confidence: .confirmed)
  },
  Case("lessSureRepeatChangesNothing", "confirmed event=p1") {
    $0.add("l", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
    $0.add("p1", "pause", "2025-12-03", subject: sora, confidence: .confirmed)
    $0.add("p2", "pause", "2025-12-04", subject: sora, confidence: .rumor)
  },
  Case("equallySureRepeatChangesNothing", "reported event=p1") {
    $0.add("l", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
    $0.add("p1", "pause", "2025-12-03", subject: sora)
    $0.add("p2", "pause", "2025-12-04", subject: sora)
  },
  Case("surerPauseTakesOverTheStatus", "confirmed event=p2") {
    $0.add("l", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
    $0.add("p1", "pause", "2025-12-03", subject: sora, confidence: .rumor)
    $0.add("p2", "pause", "2025-12-04", subject: sora, confidence: .confirmed)
  },
  Case("resumeOfAnActiveProductTakesOverItsStatusButNotItsLaunchDate", "reported event=r") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("r", "resume", "2025-12-04", subject: sora, confidence: .confirmed)
  },
  // A default no event stated (not throttled, active) rests on the first
  // event that states it, whatever its confidence, in either order.
  Case("rumoredUnthrottleOfAProductNeverThrottledStatesItsThrottling", "rumor event=u") {
    $0.add("l", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
    $0.add("u", "unthrottle", "2025-12-04", subject: sora, confidence: .rumor)
  },
  Case("confirmedLaunchAfterARumoredUnthrottleStatesTheStatus", "rumor event=l") {
    $0.add("u", "unthrottle", "2025-12-01", subject: sora, confidence: .rumor)
    $0.add("l", "launch", "2025-12-04", subject: sora, confidence: .confirmed)
  },
  Case("productFirstHeardOfThroughAThrottleRestsOnIt", "rumor event=t") {
    $0.add("t", "throttle", "2025-12-01", subject: sora, confidence: .rumor)
  },
  Case("itsDefaultStatusIsStatedByALaterResume", "rumor event=r") {
    $0.add("t", "throttle", "2025-12-01", subject: sora, confidence: .confirmed)
    $0.add("r", "resume", "2025-12-02", subject: sora, confidence: .rumor)
  },
  Case("reportedStatusWithAConfirmedThrottleIsReported", "reported event=t") {
    $0.add("p", "pause", "2025-12-01", subject: sora)
    $0.add("t", "throttle", "2025-12-02", subject: sora, confidence: .confirmed)
  },
])
func productConfidence(_ row: Case) {
  let product = state(row.events, at: "2025-12-31").orgs["openai"]?.products[sora]
  #expect(product.map { "\($0.confidence) event=\($0.event)" } == row.expected)
}

/// Every entry kind other than products: "CONFIDENCE event=ID date".
@Test(arguments: [
  Case("hireIsAsSureAsItsEvent", "roles.CEO: rumor event=h 2025-12-01") {
    $0.add("h", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")], confidence: .rumor)
  },
  Case("surerHireOfTheSameHolderTakesOverKeepingSince", "roles.CEO: confirmed event=h2 2025-12-01") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")], confidence: .rumor)
    $0.add("h2", "hire", "2025-12-05", subject: "ann", attrs: ["role": s("CEO")], confidence: .confirmed)
  },
  Case("lessSureHireOfTheSameHolderChangesNothing", "roles.CEO: confirmed event=h1 2025-12-01") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")], confidence: .confirmed)
    $0.add("h2", "hire", "2025-12-05", subject: "ann", attrs: ["role": s("CEO")], confidence: .rumor)
  },
  Case("newHolderRestsOnItsOwnHire", "roles.CEO: rumor event=h2 2025-12-05") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")], confidence: .confirmed)
    $0.add("h2", "hire", "2025-12-05", subject: "bob", attrs: ["role": s("CEO")], confidence: .rumor)
  },
  Case("metricIsAsSureAsItsEvent", "metrics.openai.v: confirmed event=m 2025-12-01") {
    $0.add("m", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .confirmed)
  },
  Case("surerRepeatOfAMetricTakesItOverWithItsDate", "metrics.openai.v: confirmed event=m2 2025-12-05") {
    $0.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .rumor)
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .confirmed)
  },
  Case("lessSureRepeatOfAMetricChangesNothing", "metrics.openai.v: confirmed event=m1 2025-12-01") {
    $0.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .confirmed)
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .rumor)
  },
  Case("metricValueOnARumorWithAConfirmedUnitIsARumor", "metrics.openai.v: rumor event=m2 2025-12-05") {
    $0.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .confirmed)
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(6), "unit": s("USD")], confidence: .rumor)
  },
  Case("metricUnitOnARumorWithAConfirmedValueIsARumor", "metrics.openai.v: rumor event=m2 2025-12-05") {
    $0.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .confirmed)
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(5), "unit": s("EUR")], confidence: .rumor)
  },
  Case("confirmedValueWithTheSameUnitTakesOverTheUnitToo", "metrics.openai.v: confirmed event=m2 2025-12-05") {
    $0.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(5), "unit": s("USD")], confidence: .rumor)
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(6), "unit": s("USD")], confidence: .confirmed)
  },
  Case("codenameIsAsSureAsItsLink", "codenames.cake: rumor event=c 2025-12-01") {
    $0.add("c", "codename", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  Case("confirmedLaunchNamingTheCodenameTakesItOver", "codenames.cake: confirmed event=l 2025-12-11") {
    $0.add("c", "codename", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("l", "launch", "2025-12-11", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .confirmed)
  },
  Case("aSurerCodenameEventNamingNoModelTakesOverAnUnlinkedCodename", "codenames.cake: confirmed event=k 2025-12-05") {
    $0.add("c", "codename", "2025-12-01", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("k", "codename", "2025-12-05", attrs: ["codename": s("cake")], confidence: .confirmed)
  },
])
func entryConfidence(_ row: Case) {
  let org = state(row.events, at: "2025-12-31").orgs["openai"] ?? OrgState()
  var lines: [String] = []
  for (role, r) in org.roles { lines.append("roles.\(role): \(r.confidence) event=\(r.event) \(r.since)") }
  for (subject, names) in org.metrics {
    for (name, m) in names { lines.append("metrics.\(subject).\(name): \(m.confidence) event=\(m.event) \(m.date)") }
  }
  for (name, c) in org.codenames { lines.append("codenames.\(name): \(c.confidence) event=\(c.event) \(c.date)") }
  #expect(lines.sorted().joined(separator: "; ") == row.expected)
}

@Test func lineageModelsCarryTheirProductsConfidenceAndNoneWithoutOne() {
  var log = LogBuilder()
  log.add("l1", "launch", "2025-12-01", subject: "openai/gpt-5", attrs: ["type": s("model")], confidence: .confirmed)
  log.add("t", "throttle", "2025-12-02", subject: "openai/gpt-5")
  log.add("l2", "launch", "2025-12-03", subject: "openai/gpt-5.1", attrs: ["predecessor": s("openai/gpt-4")], confidence: .rumor)
  let lineage = Replayed(log.events).lineage(at: day("2025-12-31"))
  #expect(lineage.models["openai/gpt-5"]?.confidence == .reported, "confirmed, throttled on a report")
  #expect(lineage.models["openai/gpt-5.1"]?.confidence == .rumor)
  #expect(lineage.models["openai/gpt-4"] != nil)
  #expect(lineage.models["openai/gpt-4"]?.confidence == nil, "a predecessor never heard of itself has no state entry")
}

@Test func strategyShiftsCarryTheirEventsConfidence() {
  var log = LogBuilder()
  log.add("s1", "strategy", "2025-12-01", attrs: ["focus": list("a")], confidence: .rumor)
  log.add("s2", "strategy", "2025-12-02", attrs: ["focus": list("b")], confidence: .confirmed)
  log.add("s3", "strategy", "2025-12-03", attrs: ["focus": list("c")])
  let shifts = Replayed(log.events).strategyShifts(at: day("2025-12-31"))
  #expect(shifts.map(\.confidence) == [.rumor, .confirmed, .reported])
}

/// What `diff 2025-12-01 2025-12-31` reports when only how sure an entry is changes.
@Test(arguments: [
  Case("surerPauseIsAProductConfidenceChange", "openai products openai/sora confidence: rumor -> confirmed") {
    $0.add("p1", "pause", "2025-11-01", subject: sora, confidence: .rumor)
    $0.add("p2", "pause", "2025-12-05", subject: sora, confidence: .confirmed)
  },
  Case("surerHireIsARoleConfidenceChange", "openai roles CEO confidence: rumor -> confirmed") {
    $0.add("h1", "hire", "2025-11-01", subject: "ann", attrs: ["role": s("CEO")], confidence: .rumor)
    $0.add("h2", "hire", "2025-12-05", subject: "ann", attrs: ["role": s("CEO")], confidence: .confirmed)
  },
  Case("surerMetricIsAConfidenceChangeNamingTheMetric", "openai metrics openai confidence of v: reported -> confirmed") {
    $0.add("m1", "metric", "2025-11-01", attrs: ["name": s("v"), "value": n(5)])
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(5)], confidence: .confirmed)
  },
  Case("lessSureMetricValueIsAValueAndAConfidenceChange", "") {
    $0.add("m1", "metric", "2025-11-01", attrs: ["name": s("v"), "value": n(5)], confidence: .confirmed)
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(6)], confidence: .rumor)
  }.with("openai metrics openai confidence of v: confirmed -> rumor\nopenai metrics openai v: 5 -> 6"),
  Case("throttleOnAReportMakesAConfirmedProductReported", "") {
    $0.add("l", "launch", "2025-11-01", subject: sora, confidence: .confirmed)
    $0.add("t", "throttle", "2025-12-05", subject: sora)
  }.with("openai products openai/sora confidence: confirmed -> reported\nopenai products openai/sora throttled: false -> true"),
])
func diffReportsConfidenceChanges(_ row: Case) {
  let found = changes(from: state(row.events, at: "2025-12-01"), to: state(row.events, at: "2025-12-31"))
  #expect(found.map(describe).sorted().joined(separator: "\n") == row.expected)
}

@Test func changesRestOnTheEntryTheyLeave() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-11-01", subject: sora, confidence: .confirmed)
  log.add("t", "throttle", "2025-12-05", subject: sora, confidence: .rumor)
  log.add("h", "hire", "2025-12-05", subject: "ann", attrs: ["role": s("CEO")], confidence: .confirmed)
  let found = changes(from: state(log.events, at: "2025-12-01"), to: state(log.events, at: "2025-12-31"))
  #expect(found.first { $0.field == "throttled" }?.confidence == .rumor)
  #expect(found.first { $0.section == "roles" }?.confidence == .confirmed)
  #expect(found.first { $0.field == "confidence" }?.confidence == nil, "a change of confidence says it itself")
}

// MARK: - --min-confidence

@Test func minConfidenceDropsALowRetractionSoItsTargetStands() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora, confidence: .confirmed)
  log.add("r", "retract", "2025-12-02", org: nil, attrs: ["target": s("l"), "reason": s("wrong")], confidence: .reported)
  let all = Replayed(log.events)
  #expect(all.state(at: day("2025-12-31")).orgs["openai"]?.products[sora] == nil, "the retraction stands")
  let confirmed = Replayed(log.events, minConfidence: .confirmed)
  #expect(confirmed.state(at: day("2025-12-31")).orgs["openai"]?.products[sora]?.event == "l", "its target stands")
  #expect(confirmed.standingIDs == ["l"])
  #expect(confirmed.basis(at: day("2025-12-31")).events == 1)
  #expect(Replayed(log.events, minConfidence: .reported).standingIDs == [], "reported keeps the reported retraction")
}

@Test func minConfidenceDropsALowCorrectionSoItsTargetStands() {
  var log = LogBuilder()
  log.add("m1", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(5)], confidence: .confirmed)
  log.add("m2", "metric", "2025-12-01", attrs: ["name": s("v"), "value": n(6)], confidence: .rumor, supersedes: "m1")
  #expect(Replayed(log.events).standingIDs == ["m2"])
  let sure = Replayed(log.events, minConfidence: .reported)
  #expect(sure.standingIDs == ["m1"])
  #expect(sure.state(at: day("2025-12-31")).orgs["openai"]?.metrics["openai"]?["v"]?.value == 5)
}

@Test func minConfidenceTargetsOnlyWhatTheLogWouldHold() {
  // A confirmed retraction of a rumor: above the rumor, the target is not in the log, and nothing is retracted.
  var log = LogBuilder()
  log.add("c", "codename", "2025-12-01", attrs: ["codename": s("cake")], confidence: .rumor)
  log.add("r", "retract", "2025-12-02", org: nil, attrs: ["target": s("c"), "reason": s("wrong")], confidence: .confirmed)
  log.add("h", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")], confidence: .reported)
  let sure = Replayed(log.events, minConfidence: .reported)
  #expect(sure.standingIDs == ["h"])
  #expect(sure.replay.retracted.isEmpty)
  #expect(Replayed(log.events, minConfidence: .confirmed).standingIDs == [])
}

@Test func minConfidenceChoosesAmongDuplicateIDsOnlyWhatItKeeps() {
  // Two contents under one id: the earliest recorded wins, among the events sure enough.
  var log = LogBuilder()
  log.add("x", "launch", "2025-12-01", subject: sora, confidence: .rumor)
  log.add("x", "launch", "2025-12-01", subject: "openai/o5", confidence: .confirmed)
  #expect(Replayed(log.events).state(at: day("2025-12-31")).orgs["openai"]?.products.keys.sorted() == [sora])
  #expect(Replayed(log.events, minConfidence: .confirmed).state(at: day("2025-12-31")).orgs["openai"]?.products.keys.sorted() == ["openai/o5"])
}

import EventLog
import Projections
import Testing

/// A named table row: the events of a log, and what a projection must give.
struct Case: Sendable, CustomTestStringConvertible {
  var name: String
  var events: [Event]
  var expected: String
  var testDescription: String { name }

  init(_ name: String, _ expected: String, _ build: (inout LogBuilder) -> Void) {
    var log = LogBuilder()
    build(&log)
    self.name = name
    self.events = log.events
    self.expected = expected
  }
}

let sora = "openai/sora"

/// The product kinds: launch, pause, resume, retire, throttle, unthrottle; as of 2025-12-31.
@Test(arguments: [
  Case("launchMakesProductActive", "active throttled=false type=product since=2025-12-01 launched=2025-12-01 event=l") {
    $0.add("l", "launch", "2025-12-01", subject: sora, attrs: ["type": s("product")])
  },
  Case("pauseAfterLaunchMakesProductPaused", "paused throttled=false type=null since=2025-12-05 launched=2025-12-01 event=p") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p", "pause", "2025-12-05", subject: sora, attrs: ["reason": s("code red")])
  },
  Case("resumeAfterPauseMakesProductActiveAgain", "active throttled=false type=null since=2025-12-09 launched=2025-12-01 event=r") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p", "pause", "2025-12-05", subject: sora)
    $0.add("r", "resume", "2025-12-09", subject: sora)
  },
  Case("retireMakesProductRetired", "retired throttled=false type=null since=2025-12-07 launched=2025-12-01 event=x") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("x", "retire", "2025-12-07", subject: sora)
  },
  Case("throttleKeepsStatusAndSetsThrottled", "active throttled=true type=null since=2025-12-01 launched=2025-12-01 event=t") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("t", "throttle", "2025-12-03", subject: sora, attrs: ["limit": s("2 a day")])
  },
  Case("unthrottleClearsThrottled", "active throttled=false type=null since=2025-12-01 launched=2025-12-01 event=u") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("t", "throttle", "2025-12-03", subject: sora)
    $0.add("u", "unthrottle", "2025-12-04", subject: sora)
  },
  Case("throttledPausedProductStaysThrottled", "paused throttled=true type=null since=2025-12-04 launched=2025-12-01 event=p") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("t", "throttle", "2025-12-03", subject: sora)
    $0.add("p", "pause", "2025-12-04", subject: sora)
  },
  Case("secondPauseChangesNothing", "paused throttled=false type=null since=2025-12-05 launched=2025-12-01 event=p1") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p1", "pause", "2025-12-05", subject: sora)
    $0.add("p2", "pause", "2025-12-06", subject: sora)
  },
  Case("resumeOfActiveProductChangesNothing", "active throttled=false type=null since=2025-12-01 launched=2025-12-01 event=l") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("r", "resume", "2025-12-02", subject: sora)
  },
  Case("relaunchKeepsFirstLaunchDateAndTakesNewType", "active throttled=false type=model since=2025-12-01 launched=2025-12-01 event=l2") {
    $0.add("l1", "launch", "2025-12-01", subject: sora, attrs: ["type": s("product")])
    $0.add("l2", "launch", "2025-12-08", subject: sora, attrs: ["type": s("model")])
  },
  Case("relaunchWithoutTypeKeepsType", "active throttled=false type=model since=2025-12-01 launched=2025-12-01 event=l1") {
    $0.add("l1", "launch", "2025-12-01", subject: sora, attrs: ["type": s("model")])
    $0.add("l2", "launch", "2025-12-08", subject: sora)
  },
  Case("launchAfterRetireRevivesProduct", "active throttled=false type=null since=2025-12-09 launched=2025-12-01 event=l2") {
    $0.add("l1", "launch", "2025-12-01", subject: sora)
    $0.add("x", "retire", "2025-12-05", subject: sora)
    $0.add("l2", "launch", "2025-12-09", subject: sora)
  },
  Case("pauseOfNeverLaunchedProductCreatesIt", "paused throttled=false type=null since=2025-12-05 launched=null event=p") {
    $0.add("p", "pause", "2025-12-05", subject: sora)
  },
  Case("throttleOfNeverLaunchedProductCreatesItActive", "active throttled=true type=null since=2025-12-05 launched=null event=t") {
    $0.add("t", "throttle", "2025-12-05", subject: sora)
  },
  Case("launchAfterPauseOfUnlaunchedProductSetsLaunched", "active throttled=false type=null since=2025-12-08 launched=2025-12-08 event=l") {
    $0.add("p", "pause", "2025-12-05", subject: sora)
    $0.add("l", "launch", "2025-12-08", subject: sora)
  },
  Case("eventsAreFoldedInDateOrderNotRecordedOrder", "paused throttled=false type=null since=2025-12-05 launched=2025-12-01 event=p") {
    $0.add("p", "pause", "2025-12-05", subject: sora)
    $0.add("l", "launch", "2025-12-01", subject: sora)
  },
  Case("sameDayEventsFoldInRecordedOrder", "active throttled=false type=null since=2025-12-05 launched=2025-12-01 event=r") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("p", "pause", "2025-12-05", subject: sora)
    $0.add("r", "resume", "2025-12-05", subject: sora)
  },
  Case("reportAndCustomKindsDoNotTouchProducts", "active throttled=false type=null since=2025-12-01 launched=2025-12-01 event=l") {
    $0.add("l", "launch", "2025-12-01", subject: sora)
    $0.add("rep", "report", "2025-12-02", subject: sora, attrs: ["status": s("paused")])
    $0.add("x", "x-blind-test", "2025-12-03", subject: sora, attrs: ["status": s("retired")])
    $0.add("m", "metric", "2025-12-03", subject: sora, attrs: ["name": s("users"), "value": n(1)])
    $0.add("c", "codename", "2025-12-03", subject: sora, attrs: ["codename": s("c")])
  },
])
func productKindEffect(_ row: Case) {
  let result = state(row.events, at: "2025-12-31")
  #expect(describe(result.orgs["openai"]?.products[sora]) == row.expected)
}

/// hire and depart: who holds which role, as of 2025-12-31.
@Test(arguments: [
  Case("hireGivesTheRoleToThePerson", "CRO=denise since 2025-12-09 by h") {
    $0.add("h", "hire", "2025-12-09", subject: "denise", attrs: ["role": s("CRO"), "from": s("slack")])
  },
  Case("hireReplacesTheHolder", "CEO=bob since 2025-12-05 by h2") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("h2", "hire", "2025-12-05", subject: "bob", attrs: ["role": s("CEO")])
  },
  Case("rehiringTheHolderKeepsSince", "CEO=ann since 2025-12-01 by h1") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("h2", "hire", "2025-12-05", subject: "ann", attrs: ["role": s("CEO")])
  },
  Case("onePersonMayHoldSeveralRoles", "CEO=ann since 2025-12-01 by h1; CTO=ann since 2025-12-02 by h2") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("h2", "hire", "2025-12-02", subject: "ann", attrs: ["role": s("CTO")])
  },
  Case("departWithRoleLeavesThatRole", "CTO=ann since 2025-12-02 by h2") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("h2", "hire", "2025-12-02", subject: "ann", attrs: ["role": s("CTO")])
    $0.add("d", "depart", "2025-12-03", subject: "ann", attrs: ["role": s("CEO")])
  },
  Case("departWithoutRoleLeavesEveryRoleAtTheOrg", "CFO=bob since 2025-12-02 by h3") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("h2", "hire", "2025-12-02", subject: "ann", attrs: ["role": s("CTO")])
    $0.add("h3", "hire", "2025-12-02", subject: "bob", attrs: ["role": s("CFO")])
    $0.add("d", "depart", "2025-12-03", subject: "ann")
  },
  Case("departOfSomeoneElseLeavesTheHolder", "CEO=ann since 2025-12-01 by h1") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("d", "depart", "2025-12-03", subject: "bob", attrs: ["role": s("CEO")])
  },
  Case("departFromARoleNotHeldChangesNothing", "CEO=ann since 2025-12-01 by h1") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("d", "depart", "2025-12-03", subject: "ann", attrs: ["role": s("CTO")])
  },
  Case("departAtAnotherOrgLeavesThisOne", "CEO=ann since 2025-12-01 by h1") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("d", "depart", "2025-12-03", org: "google", subject: "ann")
  },
  Case("departBeforeHireInDateOrderDoesNotUndoIt", "CEO=ann since 2025-12-05 by h1") {
    $0.add("d", "depart", "2025-12-03", subject: "ann")
    $0.add("h1", "hire", "2025-12-05", subject: "ann", attrs: ["role": s("CEO")])
  },
  Case("rehireAfterDepartIsANewTenure", "CEO=ann since 2025-12-09 by h2") {
    $0.add("h1", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("d", "depart", "2025-12-03", subject: "ann")
    $0.add("h2", "hire", "2025-12-09", subject: "ann", attrs: ["role": s("CEO")])
  },
])
func roleKindEffect(_ row: Case) {
  let roles = state(row.events, at: "2025-12-31").orgs["openai"]?.roles ?? [:]
  let text = roles.keys.sorted().map { "\($0)=\(roles[$0]!.person) since \(roles[$0]!.since) by \(roles[$0]!.event)" }
  #expect(text.joined(separator: "; ") == row.expected)
}

/// codename events and launch codenames: what each codename names, as of 2025-12-31.
@Test(arguments: [
  Case("launchCodenameLinksToTheProduct", "cake=openai/gpt-5.2 confirmed 2025-12-11 l") {
    $0.add("l", "launch", "2025-12-11", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .confirmed)
  },
  Case("codenameWithoutSubjectIsKnownButUnlinked", "cake=null rumor 2025-12-01 c") {
    $0.add("c", "codename", "2025-12-01", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  Case("codenameWithSubjectLinksAnUnlinkedCodename", "cake=openai/gpt-5.2 rumor 2025-12-05 c2") {
    $0.add("c1", "codename", "2025-12-01", attrs: ["codename": s("cake")], confidence: .confirmed)
    $0.add("c2", "codename", "2025-12-05", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  Case("codenameWithoutSubjectKeepsTheLink", "cake=openai/gpt-5.2 rumor 2025-12-01 c1") {
    $0.add("c1", "codename", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("c2", "codename", "2025-12-05", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  // Under per-field confidence (DESIGN, "Confidence in every answer") such an event does not state the link.
  Case("codenameWithoutSubjectLeavesTheLinkAsSureAsItWas", "cake=openai/gpt-5.2 rumor 2025-12-01 c1") {
    $0.add("c1", "codename", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("c2", "codename", "2025-12-05", attrs: ["codename": s("cake")], confidence: .confirmed)
  },
  Case("repeatedLinkOnlyRaisesConfidence", "cake=openai/gpt-5.2 reported 2025-12-05 c2") {
    $0.add("c1", "codename", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("c2", "codename", "2025-12-05", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .reported)
  },
  Case("repeatedLinkWithLowerConfidenceChangesNothing", "cake=openai/gpt-5.2 confirmed 2025-12-01 c1") {
    $0.add("c1", "codename", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .confirmed)
    $0.add("c2", "codename", "2025-12-05", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  Case("linkToAnotherSubjectMovesTheCodename", "cake=openai/o5 rumor 2025-12-05 c2") {
    $0.add("c1", "codename", "2025-12-01", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .confirmed)
    $0.add("c2", "codename", "2025-12-05", subject: "openai/o5", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  Case("codenameThenLaunchWithTheSameCodenameLinks", "cake=openai/gpt-5.2 reported 2025-12-11 l") {
    $0.add("c", "codename", "2025-12-01", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("l", "launch", "2025-12-11", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")])
  },
  Case("twoCodenamesForOneModel", "a=openai/m reported 2025-12-01 c1; b=openai/m reported 2025-12-02 c2") {
    $0.add("c1", "codename", "2025-12-01", subject: "openai/m", attrs: ["codename": s("a")])
    $0.add("c2", "codename", "2025-12-02", subject: "openai/m", attrs: ["codename": s("b")])
  },
])
func codenameKindEffect(_ row: Case) {
  let codenames = state(row.events, at: "2025-12-31").orgs["openai"]?.codenames ?? [:]
  let text = codenames.keys.sorted().map { key in
    let c = codenames[key]!
    return "\(key)=\(c.subject ?? "null") \(c.confidence.rawValue) \(c.date) \(c.event)"
  }
  #expect(text.joined(separator: "; ") == row.expected)
}

/// strategy: focus and deprioritized lists (kept sorted by code point), as of 2025-12-31.
@Test(arguments: [
  Case("focusItemsJoinFocusSorted", "focus=[a, b] deprioritized=[]") {
    $0.add("s", "strategy", "2025-12-10", attrs: ["focus": list("b", "a")])
  },
  Case("laterFocusItemsAreMerged", "focus=[a, b, c] deprioritized=[]") {
    $0.add("s1", "strategy", "2025-12-01", attrs: ["focus": list("c", "a")])
    $0.add("s2", "strategy", "2025-12-10", attrs: ["focus": list("b", "a")])
  },
  Case("deprioritizeMovesAFocusItemOut", "focus=[b] deprioritized=[a]") {
    $0.add("s1", "strategy", "2025-12-01", attrs: ["focus": list("a", "b")])
    $0.add("s2", "strategy", "2025-12-10", attrs: ["deprioritize": list("a")])
  },
  Case("focusMovesADeprioritizedItemBack", "focus=[a] deprioritized=[]") {
    $0.add("s1", "strategy", "2025-12-01", attrs: ["deprioritize": list("a")])
    $0.add("s2", "strategy", "2025-12-10", attrs: ["focus": list("a")])
  },
  Case("codeRedFocusAndDeprioritize", "focus=[openai/chatgpt, openai/gpt-5.2] deprioritized=[openai/sora]") {
    $0.add("s0", "strategy", "2025-11-01", attrs: ["focus": list("openai/sora", "openai/chatgpt")])
    $0.add("s", "strategy", "2025-12-10", attrs: ["label": s("code red"), "focus": list("openai/gpt-5.2", "openai/chatgpt"), "deprioritize": list("openai/sora")])
  },
  Case("labelAloneChangesNoList", "focus=[a] deprioritized=[]") {
    $0.add("s1", "strategy", "2025-12-01", attrs: ["focus": list("a")])
    $0.add("s2", "strategy", "2025-12-10", attrs: ["label": s("steady")])
  },
  Case("codePointOrderPutsUppercaseFirst", "focus=[B, a, é] deprioritized=[]") {
    $0.add("s", "strategy", "2025-12-10", attrs: ["focus": list("é", "a", "B")])
  },
  Case("anotherOrgsStrategyDoesNotMoveThisOne", "focus=[a] deprioritized=[]") {
    $0.add("s1", "strategy", "2025-12-01", attrs: ["focus": list("a")])
    $0.add("s2", "strategy", "2025-12-10", org: "google", attrs: ["deprioritize": list("a")])
  },
])
func strategyKindEffect(_ row: Case) {
  let org = state(row.events, at: "2025-12-31").orgs["openai"]
  let text = "focus=[\((org?.focus ?? []).joined(separator: ", "))] deprioritized=[\((org?.deprioritized ?? []).joined(separator: ", "))]"
  #expect(text == row.expected)
}

/// metric: the latest value per (subject, name), the subject defaulting to the org; as of 2025-12-31.
@Test(arguments: [
  Case("metricWithoutSubjectIsAboutTheOrg", "openai.valuation=500000000000 USD 2025-12 m") {
    $0.add("m", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(5e11), "unit": s("USD")])
  },
  Case("metricWithTheOrgAsSubjectIsTheSameEntry", "openai.valuation=600000000000 USD 2025-12-20 m2") {
    $0.add("m1", "metric", "2025-12", attrs: ["name": s("valuation"), "value": n(5e11), "unit": s("USD")])
    $0.add("m2", "metric", "2025-12-20", subject: "openai", attrs: ["name": s("valuation"), "value": n(6e11), "unit": s("USD")])
  },
  Case("metricOfAProductIsKeptUnderTheProduct", "openai/chatgpt.users=800000000 null 2025-12-01 m") {
    $0.add("m", "metric", "2025-12-01", subject: "openai/chatgpt", attrs: ["name": s("users"), "value": n(8e8)])
  },
  Case("latestDateWinsNotLatestRecorded", "openai.valuation=2 null 2025-12-10 m1") {
    $0.add("m1", "metric", "2025-12-10", attrs: ["name": s("valuation"), "value": n(2)])
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("valuation"), "value": n(1)])
  },
  Case("namesAreSeparateEntries", "openai.a=1 null 2025-12-01 m1; openai.b=2.5 x 2025-12-02 m2") {
    $0.add("m1", "metric", "2025-12-01", attrs: ["name": s("a"), "value": n(1)])
    $0.add("m2", "metric", "2025-12-02", attrs: ["name": s("b"), "value": n(2.5), "unit": s("x")])
  },
  Case("laterValueWithoutUnitDropsTheUnit", "openai.a=3 null 2025-12-02 m2") {
    $0.add("m1", "metric", "2025-12-01", attrs: ["name": s("a"), "value": n(1), "unit": s("USD")])
    $0.add("m2", "metric", "2025-12-02", attrs: ["name": s("a"), "value": n(3)])
  },
])
func metricKindEffect(_ row: Case) {
  let metrics = state(row.events, at: "2025-12-31").orgs["openai"]?.metrics ?? [:]
  var text: [String] = []
  for subject in metrics.keys.sorted() {
    for name in metrics[subject]!.keys.sorted() {
      let m = metrics[subject]![name]!
      text.append("\(subject).\(name)=\(CanonicalJSON.numberText(m.value)) \(m.unit ?? "null") \(m.date) \(m.event)")
    }
  }
  #expect(text.joined(separator: "; ") == row.expected)
}

@Test func reportAndCustomKindsAreKeptButChangeNothing() {
  var log = LogBuilder()
  log.add("r", "report", "2025-12-01", subject: "google/gemini-3", attrs: ["winner": s("google/gemini-3")])
  log.add("x", "x-blind-test", "2025-12-02", org: "lmarena", attrs: ["rank": n(1)])
  #expect(Replayed(log.events).standingIDs == ["r", "x"], "custom kinds stand in the replay (log lists them)")
  let result = state(log.events, at: "2025-12-31")
  #expect(Set(result.orgs.keys) == ["openai", "lmarena"], "an org with only observations is still known")
  for org in result.orgs.values {
    #expect(org.products.isEmpty && org.roles.isEmpty && org.focus.isEmpty && org.deprioritized.isEmpty)
    #expect(org.metrics.isEmpty && org.codenames.isEmpty)
  }
}

@Test func eventsOfOneOrgNeverTouchAnother() {
  var log = LogBuilder()
  log.add("l1", "launch", "2025-12-01", subject: "openai/m")
  log.add("l2", "launch", "2025-12-01", org: "google", subject: "google/m")
  log.add("p", "pause", "2025-12-02", org: "google", subject: "google/m")
  let result = state(log.events, at: "2025-12-31")
  #expect(result.orgs["openai"]?.products["openai/m"]?.status == .active)
  #expect(result.orgs["google"]?.products["google/m"]?.status == .paused)
  #expect(result.orgs["openai"]?.products["google/m"] == nil)
}

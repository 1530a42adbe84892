import Dispatch
import EventLog
import Foundation
import Projections
import Testing

// MARK: - Diff

/// One change as a line: org section key field: before -> after.
func describe(_ change: Change) -> String {
  func value(_ v: DiffValue) -> String {
    switch v {
    case .null: "null"
    case .bool(let flag): "\(flag)"
    case .number(let number): CanonicalJSON.numberText(number)
    case .string(let text): text
    case .date(let date): date.description
    case .product(let p): "{\(describe(p))}"
    case .role(let r): "{\(r.person) since \(r.since)}"
    case .codename(let c): "{\(c.subject ?? "null") \(c.confidence.rawValue)}"
    }
  }
  // A unit or confidence change of a metric names the metric.
  let name = change.name.map { " of \($0)" } ?? ""
  return "\(change.org) \(change.section) \(change.key) \(change.field ?? "null")\(name): \(value(change.before)) -> \(value(change.after))"
}

func diff(_ events: [Event], from: String, to: String) -> [String] {
  changes(from: state(events, at: from), to: state(events, at: to)).map(describe)
}

/// What `diff 2025-12-01 2025-12-31` reports for events after the first date.
@Test(arguments: [
  Case("newProductIsAWholeEntry", "openai products openai/sora null: null -> {active throttled=false type=null since=2025-12-05 launched=2025-12-05 event=l}") {
    $0.add("l", "launch", "2025-12-05", subject: sora)
  },
  Case("statusChangeIsTheStatusField", "openai products openai/sora status: active -> paused") {
    $0.add("l", "launch", "2025-11-01", subject: sora)
    $0.add("p", "pause", "2025-12-05", subject: sora)
  },
  Case("throttleIsTheThrottledField", "openai products openai/sora throttled: false -> true") {
    $0.add("l", "launch", "2025-11-01", subject: sora)
    $0.add("t", "throttle", "2025-12-05", subject: sora)
  },
  Case("pauseThenResumeIsNoChange", "") {
    $0.add("l", "launch", "2025-11-01", subject: sora)
    $0.add("p", "pause", "2025-12-05", subject: sora)
    $0.add("r", "resume", "2025-12-06", subject: sora)
  },
  Case("sinceAndEventAloneAreNotAChange", "") {
    $0.add("l", "launch", "2025-11-01", subject: sora, attrs: ["type": s("model")])
    $0.add("l2", "launch", "2025-12-05", subject: sora, attrs: ["type": s("model")])
    $0.add("m1", "metric", "2025-11-01", attrs: ["name": s("v"), "value": n(1)])
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(1)])
    $0.add("h1", "hire", "2025-11-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("h2", "hire", "2025-12-05", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("c1", "codename", "2025-11-01", subject: sora, attrs: ["codename": s("c")])
    $0.add("c2", "codename", "2025-12-05", subject: sora, attrs: ["codename": s("c")], confidence: .rumor)
    $0.add("s1", "strategy", "2025-11-01", attrs: ["focus": list("a")])
    $0.add("s2", "strategy", "2025-12-05", attrs: ["focus": list("a")])
    $0.add("x", "report", "2025-12-06", subject: sora)
  },
  Case("aMetricsUnitAloneIsAChangeOfItsUnit", "openai metrics openai unit of v: null -> u\nopenai metrics openai unit of w: USD -> EUR") {
    $0.add("m1", "metric", "2025-11-01", attrs: ["name": s("v"), "value": n(1)])
    $0.add("m2", "metric", "2025-12-05", attrs: ["name": s("v"), "value": n(1), "unit": s("u")])
    $0.add("m3", "metric", "2025-11-01", attrs: ["name": s("w"), "value": n(2), "unit": s("USD")])
    $0.add("m4", "metric", "2025-12-05", attrs: ["name": s("w"), "value": n(2), "unit": s("EUR")])
  },
  Case("newMetricIsReportedPerName", "openai metrics openai valuation: null -> 500000000000") {
    $0.add("m", "metric", "2025-12-05", attrs: ["name": s("valuation"), "value": n(5e11), "unit": s("USD")])
  },
  Case("changedMetricValueIsReportedPerName", "openai metrics openai/chatgpt users: 700000000 -> 800000000") {
    $0.add("m1", "metric", "2025-11", subject: "openai/chatgpt", attrs: ["name": s("users"), "value": n(7e8)])
    $0.add("m2", "metric", "2025-12-05", subject: "openai/chatgpt", attrs: ["name": s("users"), "value": n(8e8)])
    $0.add("m3", "metric", "2025-12-05", subject: "openai/chatgpt", attrs: ["name": s("other"), "value": n(1)])
  }.with("openai metrics openai/chatgpt other: null -> 1\nopenai metrics openai/chatgpt users: 700000000 -> 800000000"),
  Case("newRoleIsAWholeEntry", "openai roles CRO null: null -> {denise since 2025-12-09}") {
    $0.add("h", "hire", "2025-12-09", subject: "denise", attrs: ["role": s("CRO")])
  },
  Case("replacedHolderIsThePersonField", "openai roles CEO person: ann -> bob") {
    $0.add("h1", "hire", "2025-11-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("h2", "hire", "2025-12-09", subject: "bob", attrs: ["role": s("CEO")])
  },
  Case("departureRemovesTheWholeEntry", "openai roles CEO null: {ann since 2025-11-01} -> null") {
    $0.add("h1", "hire", "2025-11-01", subject: "ann", attrs: ["role": s("CEO")])
    $0.add("d", "depart", "2025-12-09", subject: "ann")
  },
  Case("focusMovesAreItemsAppearingAndDisappearing", "openai deprioritized openai/sora null: null -> true\nopenai focus openai/gpt-5.2 null: null -> true\nopenai focus openai/sora null: true -> null") {
    $0.add("s1", "strategy", "2025-11-01", attrs: ["focus": list("openai/sora")])
    $0.add("s2", "strategy", "2025-12-10", attrs: ["focus": list("openai/gpt-5.2"), "deprioritize": list("openai/sora")])
  },
  Case("newCodenameIsAWholeEntry", "openai codenames cake null: null -> {null rumor}") {
    $0.add("c", "codename", "2025-12-05", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  Case("linkedCodenameIsTheSubjectField", "openai codenames cake subject: null -> openai/gpt-5.2") {
    $0.add("c", "codename", "2025-11-05", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("c2", "codename", "2025-12-05", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
  },
  Case("surerCodenameIsTheConfidenceField", "openai codenames cake confidence: rumor -> confirmed") {
    $0.add("c", "codename", "2025-11-05", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .rumor)
    $0.add("c2", "codename", "2025-12-05", subject: "openai/gpt-5.2", attrs: ["codename": s("cake")], confidence: .confirmed)
  },
  Case("typeAndLaunchedAreFieldsToo", "openai products openai/sora launched: null -> 2025-12-05\nopenai products openai/sora status: paused -> active\nopenai products openai/sora type: null -> model") {
    $0.add("p", "pause", "2025-11-05", subject: sora)
    $0.add("l", "launch", "2025-12-05", subject: sora, attrs: ["type": s("model")])
  },
  Case("partialDateAtTheEndOfTheRangeIsIncluded", "openai metrics openai v: null -> 1") {
    $0.add("m", "metric", "2025-12", attrs: ["name": s("v"), "value": n(1)])
  },
  Case("partialDateOfTheStartMonthIsAChange", "openai products openai/sora null: null -> {active throttled=false type=null since=2025-12 launched=2025-12 event=l}") {
    $0.add("l", "launch", "2025-12", subject: sora)
  },
])
func diffFieldSemantics(_ row: Case) {
  #expect(diff(row.events, from: "2025-12-01", to: "2025-12-31").sorted().joined(separator: "\n") == row.expected)
}

extension Case {
  func with(_ expected: String) -> Case {
    var copy = self
    copy.expected = expected
    return copy
  }
}

@Test func diffOfAStateWithItselfIsEmpty() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: sora)
  log.add("h", "hire", "2025-12-01", subject: "ann", attrs: ["role": s("CEO")])
  #expect(diff(log.events, from: "2025-12-31", to: "2025-12-31").isEmpty)
  let backwards = diff(log.events, from: "2025-12-31", to: "2025-11-30")
  #expect(backwards.count == 2, "\(backwards)")
  #expect(backwards.allSatisfy { $0.contains("-> null") }, "backwards, entries disappear: \(backwards)")
}

// MARK: - Lineage

func lineage(_ events: [Event], at date: String = "2025-12-31") -> Lineage {
  Replayed(events).lineage(at: day(date))
}

func describe(_ node: ModelNode?) -> String {
  guard let node else { return "none" }
  return "\(node.org) pred=\(node.predecessor ?? "null") succ=[\(node.successors.joined(separator: ","))] "
    + "codenames=[\(node.codenames.joined(separator: ","))] launched=\(node.launched.map(\.description) ?? "null") \(node.status)"
}

@Test func predecessorChainsMakeAFamilyTree() {
  var log = LogBuilder()
  log.add("l5", "launch", "2025-08-07", subject: "openai/gpt-5", attrs: ["type": s("model")])
  log.add("l51", "launch", "2025-11-12", subject: "openai/gpt-5.1", attrs: ["type": s("model"), "predecessor": s("openai/gpt-5")])
  log.add("l52", "launch", "2025-12-11", subject: "openai/gpt-5.2", attrs: ["type": s("model"), "predecessor": s("openai/gpt-5.1"), "codename": s("olive-oil-cake")])
  log.add("mini", "launch", "2025-12-12", subject: "openai/gpt-5.1-mini", attrs: ["predecessor": s("openai/gpt-5.1")])
  log.add("sora", "launch", "2025-02-01", subject: sora, attrs: ["type": s("product")])
  log.add("g3", "launch", "2025-11-18", org: "google", subject: "google/gemini-3", attrs: ["type": s("model")])
  let tree = lineage(log.events)
  #expect(tree.models.keys.sorted() == ["google/gemini-3", "openai/gpt-5", "openai/gpt-5.1", "openai/gpt-5.1-mini", "openai/gpt-5.2"], "a product launched without type=model or a predecessor link is not a model")
  #expect(describe(tree.models["openai/gpt-5"]) == "openai pred=null succ=[openai/gpt-5.1] codenames=[] launched=2025-08-07 active")
  #expect(describe(tree.models["openai/gpt-5.1"]) == "openai pred=openai/gpt-5 succ=[openai/gpt-5.1-mini,openai/gpt-5.2] codenames=[] launched=2025-11-12 active")
  #expect(describe(tree.models["openai/gpt-5.2"]) == "openai pred=openai/gpt-5.1 succ=[] codenames=[olive-oil-cake] launched=2025-12-11 active")
  #expect(tree.roots == ["google/gemini-3", "openai/gpt-5"])
  #expect(tree.family(of: "openai/gpt-5.2").models.keys.sorted() == ["openai/gpt-5", "openai/gpt-5.1", "openai/gpt-5.1-mini", "openai/gpt-5.2"], "family goes both ways")
  #expect(tree.family(of: "google/gemini-3").models.keys.sorted() == ["google/gemini-3"])
  #expect(tree.family(of: "nobody/x").models.isEmpty)
  let before = lineage(log.events, at: "2025-12-10")
  #expect(before.models["openai/gpt-5.2"] == nil, "lineage replays as of --at")
  #expect(before.models["openai/gpt-5.1"]?.successors == [])
}

@Test func unlaunchedPredecessorIsListedAsUnlaunched() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", org: "meta", subject: "meta/llama-5", attrs: ["predecessor": s("openai/gpt-2")])
  let tree = lineage(log.events)
  #expect(describe(tree.models["openai/gpt-2"]) == "openai pred=null succ=[meta/llama-5] codenames=[] launched=null unlaunched", "the predecessor's org is its own")
  #expect(describe(tree.models["meta/llama-5"]) == "meta pred=openai/gpt-2 succ=[] codenames=[] launched=2025-12-01 active")
}

@Test func codenameSubjectIsAModel() {
  var log = LogBuilder()
  log.add("c", "codename", "2025-12-01", subject: "openai/o5", attrs: ["codename": s("garlic")], confidence: .rumor)
  log.add("c2", "codename", "2025-12-01", attrs: ["codename": s("unlinked")])
  log.add("p", "pause", "2025-12-02", subject: "openai/o6")
  let tree = lineage(log.events)
  #expect(tree.models.keys.sorted() == ["openai/o5"], "an unlinked codename names no model; a paused product is not a model")
  #expect(describe(tree.models["openai/o5"]) == "openai pred=null succ=[] codenames=[garlic] launched=null unlaunched")
}

@Test func statusOfAModelFollowsItsProduct() {
  var log = LogBuilder()
  log.add("l", "launch", "2025-12-01", subject: "openai/m", attrs: ["type": s("model")])
  log.add("x", "retire", "2025-12-20", subject: "openai/m")
  #expect(lineage(log.events).models["openai/m"]?.status == "retired")
  #expect(lineage(log.events, at: "2025-12-19").models["openai/m"]?.status == "active")
}

@Test func laterPredecessorLinkReplacesTheEarlierOne() {
  var log = LogBuilder()
  log.add("l1", "launch", "2025-12-01", subject: "openai/b", attrs: ["predecessor": s("openai/a")])
  log.add("l2", "launch", "2025-12-02", subject: "openai/b", attrs: ["predecessor": s("openai/z")])
  let tree = lineage(log.events)
  #expect(tree.models["openai/b"]?.predecessor == "openai/z")
  #expect(tree.models["openai/a"]?.successors == [])
  #expect(tree.models["openai/z"]?.successors == ["openai/b"])
}

/// Swift Testing's time limit counts from when the test is scheduled, so on two
/// busy cores it fired while the test still waited for a thread. The walk runs on
/// its own thread instead, and only its own running time is bounded.
@Test func predecessorCyclesDoNotHang() throws {
  var log = LogBuilder()
  log.add("a", "launch", "2025-12-01", subject: "openai/a", attrs: ["predecessor": s("openai/b")])
  log.add("b", "launch", "2025-12-02", subject: "openai/b", attrs: ["predecessor": s("openai/c")])
  log.add("c", "launch", "2025-12-03", subject: "openai/c", attrs: ["predecessor": s("openai/a")])
  log.add("s", "launch", "2025-12-04", subject: "openai/self", attrs: ["predecessor": s("openai/self")])
  let events = log.events
  let done = DispatchSemaphore(value: 0)
  nonisolated(unsafe) var built: Lineage?
  let walker = Thread {
    let tree = lineage(events)
    built = tree
    _ = tree.family(of: "openai/a")
    _ = tree.family(of: "openai/self")
    done.signal()
  }
  walker.start()
  let finished = done.wait(timeout: .now() + 60) == .success
  #expect(finished, "lineage and family walks over a cycle finished within 60 s")
  let tree = try #require(finished ? built : nil)
  #expect(tree.models.count == 4)
  #expect(tree.roots == [], "a cycle has no root")
  #expect(tree.family(of: "openai/a").models.keys.sorted() == ["openai/a", "openai/b", "openai/c"])
  #expect(tree.family(of: "openai/self").models.keys.sorted() == ["openai/self"])
  #expect(tree.models["openai/self"]?.successors == ["openai/self"])
}

// MARK: - Strategy shifts

func describe(_ shift: StrategyShift) -> String {
  "\(shift.date) \(shift.org) \(shift.label ?? "null") +[\(shift.added.joined(separator: ","))] -[\(shift.removed.joined(separator: ","))] "
    + "[\(shift.focusBefore.joined(separator: ","))] -> [\(shift.focusAfter.joined(separator: ","))] \(shift.event)"
}

@Test func strategyShiftsCarryFocusBeforeAndAfter() {
  var log = LogBuilder()
  log.add("s1", "strategy", "2025-06", attrs: ["label": s("platform"), "focus": list("openai/sora", "openai/chatgpt")])
  log.add("g", "strategy", "2025-07-01", org: "google", attrs: ["focus": list("google/gemini-3")])
  log.add("s2", "strategy", "2025-12-10", attrs: ["label": s("code red"), "focus": list("openai/gpt-5.2", "openai/chatgpt"), "deprioritize": list("openai/sora")])
  log.add("l", "launch", "2025-12-11", subject: "openai/gpt-5.2")
  let shifts = Replayed(log.events).strategyShifts(at: day("2025-12-31")).map(describe)
  #expect(shifts == [
    "2025-06 openai platform +[openai/sora,openai/chatgpt] -[] [] -> [openai/chatgpt,openai/sora] s1",
    "2025-07-01 google null +[google/gemini-3] -[] [] -> [google/gemini-3] g",
    "2025-12-10 openai code red +[openai/gpt-5.2,openai/chatgpt] -[openai/sora] [openai/chatgpt,openai/sora] -> [openai/chatgpt,openai/gpt-5.2] s2",
  ])
}

@Test func retractedStrategyShiftIsNotAShift() {
  var log = LogBuilder()
  log.add("s1", "strategy", "2025-06-01", attrs: ["focus": list("a")])
  log.add("s2", "strategy", "2025-07-01", attrs: ["focus": list("b")])
  log.retract("r", "s1")
  let shifts = Replayed(log.events).strategyShifts(at: day("2025-12-31")).map(describe)
  #expect(shifts == ["2025-07-01 openai null +[b] -[] [] -> [b] s2"])
}

/// `sortedKeys` sorts ASCII keys with `<` and others by their UTF-8 bytes:
/// both must be code point order, whatever the keys' case, digits,
/// punctuation and shared prefixes.
@Test func sortedKeysAreInCodePointOrderWithAndWithoutNonASCIIKeys() {
  var random = SystemRandomNumberGenerator()
  let ascii = Array(" !\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~\u{7f}").map(String.init)
  let wider = ascii + ["é", "e\u{301}", "\u{FF5E}", "\u{1F600}", "ß", "\u{0}"]
  for alphabet in [ascii, wider] {
    for _ in 0..<300 {
      let keys = (0..<Int.random(in: 0...40, using: &random)).map { _ in
        "org/" + (0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
      }
      let expected = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      #expect(sortedKeys(keys).map { Array($0.utf8) } == expected.map { Array($0.utf8) }, "\(keys)")
    }
  }
}

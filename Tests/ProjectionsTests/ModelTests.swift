import EventLog
import Projections
import ReferenceModel
import Testing

// The model test: many random logs, every projection of the library compared
// with the naive recompute of ReferenceModel, which shares no code with
// Projections: from EventLog it takes only the event model, the JSON parser,
// the canonical encoding and SHA-256, each tested on its own (SHA-256 against
// the FIPS 180-4 vectors).

extension J {
  static func date(_ date: EventDate?) -> J { .string(date?.description) }

  init(state: CompetitorState) {
    var orgs: [String: J] = [:]
    for (name, org) in state.orgs {
      var products: [String: J] = [:]
      for (id, p) in org.products { products[id] = J(product: p) }
      var roles: [String: J] = [:]
      for (role, r) in org.roles { roles[role] = J(role: r) }
      var metrics: [String: J] = [:]
      for (subject, names) in org.metrics {
        var entries: [String: J] = [:]
        for (metric, m) in names {
          entries[metric] = .object([
            "value": .number(m.value), "unit": .string(m.unit), "date": .date(m.date), "confidence": .string(m.confidence.rawValue),
            "event": .string(m.event),
          ])
        }
        metrics[subject] = .object(entries)
      }
      var codenames: [String: J] = [:]
      for (name, c) in org.codenames { codenames[name] = J(codename: c) }
      orgs[name] = .object([
        "products": .object(products), "roles": .object(roles), "focus": .strings(org.focus), "deprioritized": .strings(org.deprioritized),
        "metrics": .object(metrics), "codenames": .object(codenames),
      ])
    }
    self = .object(orgs)
  }

  init(product p: ProductState) {
    self = .object(["status": .string(p.status.rawValue), "throttled": .bool(p.throttled), "type": .string(p.type), "since": .date(p.since),
                    "launched": .date(p.launched), "confidence": .string(p.confidence.rawValue), "event": .string(p.event)])
  }
  init(role r: RoleState) {
    self = .object(["person": .string(r.person), "since": .date(r.since), "confidence": .string(r.confidence.rawValue), "event": .string(r.event)])
  }
  init(codename c: CodenameState) {
    self = .object(["subject": .string(c.subject), "confidence": .string(c.confidence.rawValue), "date": .date(c.date), "event": .string(c.event)])
  }

  init(change: Change) {
    func value(_ v: DiffValue) -> J {
      switch v {
      case .null: .null
      case .bool(let flag): .bool(flag)
      case .number(let number): .number(number)
      case .string(let text): .string(text)
      case .date(let date): .date(date)
      case .product(let p): J(product: p)
      case .role(let r): J(role: r)
      case .codename(let c): J(codename: c)
      }
    }
    var members: [String: J] = ["org": .string(change.org), "section": .string(change.section), "key": .string(change.key),
                                "field": .string(change.field), "before": value(change.before), "after": value(change.after)]
    if let name = change.name { members["name"] = .string(name) }
    self = .object(members)
  }

  init(lineage: Lineage) {
    var models: [String: J] = [:]
    for (id, node) in lineage.models {
      models[id] = .object(["org": .string(node.org), "predecessor": .string(node.predecessor), "successors": .strings(node.successors),
                            "codenames": .strings(node.codenames), "launched": .date(node.launched), "status": .string(node.status),
                            "confidence": .string(node.confidence?.rawValue)])
    }
    self = .object(models)
  }

  init(shift: StrategyShift) {
    self = .object(["date": .date(shift.date), "org": .string(shift.org), "label": .string(shift.label), "added": .strings(shift.added),
                    "removed": .strings(shift.removed), "focusBefore": .strings(shift.focusBefore), "focusAfter": .strings(shift.focusAfter),
                    "confidence": .string(shift.confidence.rawValue), "event": .string(shift.event)])
  }

  init(basis: Basis) { self = .object(["events": .number(Double(basis.events)), "digest": .string(basis.digest)]) }
}

/// Query dates around the generated period (2024-01 to 2024-03, 2024 a leap year).
let queryDates = ["2023-12-31", "2024-01-15", "2024-01-31", "2024-01", "2024-02-28", "2024-02-29", "2024-02", "2024-03-01", "2024-03", "2024"]

func decodeAll(_ generated: [GenEvent]) throws -> [Event] {
  try generated.map { try EventCodec.decode(Array($0.line.utf8), stored: true) }
}

/// A canonical order for lists compared as sets.
func sortedJ(_ items: [J]) -> [J] { items.sorted { $0.description < $1.description } }

@Test(arguments: 0..<16)
func projectionsMatchTheNaiveModel(batch: Int) throws {
  for seed in UInt64(batch * 8)..<UInt64(batch * 8 + 8) {
    var generator = LogGenerator(seed: seed)
    let count = Int.random(in: 1...70, using: &generator.rng)
    let generated = generator.log(count: count)
    let events = try decodeAll(generated).shuffled(using: &generator.rng)
    let someRecorded = generated.randomElement(using: &generator.rng)!.recorded
    let knownAts: [Int64?] = [nil, someRecorded, someRecorded - 1]
    let org = ["openai", "google", "meta"].randomElement(using: &generator.rng)!
    // Every other seed replays above a random least confidence (--min-confidence).
    let least = seed % 2 == 0 ? Confidence.rumor : Confidence.allCases.randomElement(using: &generator.rng)!
    func context(_ query: String) -> Comment { "seed \(seed), \(count) events, --min-confidence \(least): \(query)" }

    for knownAt in knownAts {
      let replay = Replayed(events, knownAt: knownAt.map { Timestamp(milliseconds: $0) }, minConfidence: least)
      for (index, at) in queryDates.enumerated() {
        for orgFilter in index % 2 == 0 ? [nil, org] : [nil] {
          let naiveKept = Naive.kept(generated, at: naiveDay(at), knownAt: knownAt, org: orgFilter, minConfidence: least.rawValue)
          let query = "state --at \(at) --known-at \(knownAt.map(String.init) ?? "-") --org \(orgFilter ?? "-")"
          #expect(replay.keptIDs(at: day(at), org: orgFilter) == naiveKept.map(\.id), context(query + ": fold order"))
          let got = J(state: replay.state(at: day(at), org: orgFilter))
          let want = Naive.state(naiveKept).json
          let wrong = differences(got, want).prefix(5)
          #expect(wrong.isEmpty, context(query))
          #expect(J(basis: replay.basis(at: day(at), org: orgFilter)) == Naive.basis(naiveKept.map(\.id)), context(query + ": basis"))
          if !wrong.isEmpty { return }
        }
        // lineage folds every org
        let naiveKept = Naive.kept(generated, at: naiveDay(at), knownAt: knownAt, minConfidence: least.rawValue)
        let lineage = replay.lineage(at: day(at))
        let naiveLineage = Naive.lineage(naiveKept)
        let wrongModels = differences(J(lineage: lineage), naiveLineage).prefix(5)
        #expect(wrongModels.isEmpty, context("lineage --at \(at)"))
        if let model = lineage.models.keys.sorted().randomElement(using: &generator.rng) {
          #expect(J(lineage: lineage.family(of: model)) == Naive.family(naiveLineage, of: model), context("lineage \(model) --at \(at)"))
        }
        #expect(lineage.roots == naiveRoots(naiveLineage), context("roots at \(at)"))
      }
      // diff between random pairs of dates
      for _ in 0..<4 {
        let from = queryDates.randomElement(using: &generator.rng)!
        let to = queryDates.randomElement(using: &generator.rng)!
        let orgFilter: String? = Bool.random(using: &generator.rng) ? org : nil
        let whole = changes(from: replay.state(at: day(from), org: orgFilter), to: replay.state(at: day(to), org: orgFilter))
        // diff folds only the facts that bear on an entry an event between the dates can change.
        #expect(replay.replay.diff(from: day(from), to: day(to), org: orgFilter).changes == whole, context("diff \(from) \(to), folded in part"))
        let got = sortedJ(whole.map { J(change: $0) })
        let naiveBefore = Naive.kept(generated, at: naiveDay(from), knownAt: knownAt, org: orgFilter, minConfidence: least.rawValue)
        let naiveAfter = Naive.kept(generated, at: naiveDay(to), knownAt: knownAt, org: orgFilter, minConfidence: least.rawValue)
        let want = sortedJ(Naive.changes(from: Naive.state(naiveBefore), to: Naive.state(naiveAfter)))
        let wrongChanges = differences(.array(got), .array(want)).prefix(5)
        #expect(wrongChanges.isEmpty, context("diff \(from) \(to) --org \(orgFilter ?? "-")"))
      }
      // strategy over everything, and within a range
      let naiveAll = Naive.kept(generated, at: naiveDay("2024-12-31"), knownAt: knownAt, minConfidence: least.rawValue)
      #expect(J.array(replay.strategyShifts(at: day("2024-12-31")).map { J(shift: $0) }) == Naive.strategy(naiveAll), context("strategy"))
      for orgFilter in [nil, org] {
        let shifts = replay.strategyShifts(at: day("2024-12-31"), org: orgFilter).filter {
          $0.date.firstDay >= day("2024-01-31") && $0.date.firstDay <= day("2024-02-29")
        }
        let naiveShifts = Naive.strategy(Naive.kept(generated, at: naiveDay("2024-12-31"), knownAt: knownAt, org: orgFilter, minConfidence: least.rawValue), from: 20240131, to: 20240229)
        #expect(J.array(shifts.map { J(shift: $0) }) == naiveShifts, context("strategy --from 2024-01-31 --to 2024-02-29 --org \(orgFilter ?? "-")"))
      }
    }
  }
}

func naiveRoots(_ models: J) -> [String] {
  guard case .object(let all) = models else { return [] }
  return all.filter { id, node in
    guard case .string(let p)? = node["predecessor"] else { return true }
    return all[p] == nil
  }.map(\.key).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
}

@Test func generatedLogsCoverEveryRuleTheModelChecks() throws {
  // The model test is only as good as its logs: make sure collisions happen.
  var kinds = Set<String>()
  var retractions = 0, retractedRetractions = 0, corrections = 0, identicalDuplicates = 0, conflictingDuplicates = 0, partial = 0
  for seed in UInt64(0)..<100 {
    var generator = LogGenerator(seed: seed)
    let generated = generator.log(count: 60)
    var seen: [String: String] = [:]
    for event in generated {
      kinds.insert(event.kind)
      if event.kind == "retract" {
        retractions += 1
        if let target = event.string("target"), generated.contains(where: { $0.id == target && $0.kind == "retract" }) { retractedRetractions += 1 }
      }
      if event.supersedes != nil { corrections += 1 }
      if event.date.day == 0 { partial += 1 }
      let content = "\(event.kind) \(event.date) \(event.org ?? "") \(event.subject ?? "") \(event.attrs) \(event.confidence) \(event.supersedes ?? "")"
      if let before = seen[event.id] {
        if before == content { identicalDuplicates += 1 } else { conflictingDuplicates += 1 }
      }
      seen[event.id] = content
    }
  }
  #expect(kinds.count == 14)
  #expect(retractions > 100 && retractedRetractions > 5 && corrections > 100)
  #expect(identicalDuplicates > 50 && conflictingDuplicates > 50 && partial > 500)
}

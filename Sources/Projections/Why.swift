import EventLog

/// `why KEY` (DESIGN.md, "What is new, and why"): the state entries named by
/// a key, each field with the event its value rests on, and every event about
/// the key with the retractions and corrections that target them.
public struct Why: Sendable, Equatable {
  /// Entries at the date asked, ordered by org, section, key and metric name.
  public var entries: [WhyEntry]
  /// Facts (indices into the replay's table) about the key, of any date,
  /// retractions and corrections of them included, in replay order.
  public var events: [Int32]
  /// The events folded into the state the entries come from.
  public var basis: Basis
}

/// One state entry and where each of its fields comes from.
public struct WhyEntry: Sendable, Equatable {
  public var org: String
  /// products, roles, focus, deprioritized, metrics or codenames.
  public var section: String
  public var key: String
  /// A metric's name (a metrics entry is one subject's one metric).
  public var name: String?
  /// In the order of the `state --json` keys.
  public var fields: [WhyField]
}

/// One field of an entry: its value and the fact it rests on.
public struct WhyField: Sendable, Equatable {
  /// The `state --json` key (`status`, `person`, `value`, ...).
  public var name: String
  public var value: DiffValue
  /// The fact that set the value or took it over; nil for a default no event
  /// stated (the `throttled: false` of a product only ever launched).
  public var fact: Int32?
  public var confidence: Confidence?
  public var date: EventDate?
}

/// What `why` reads of a replay: what every replay answers, and its known
/// events (rule 2's winners, retractions included, in file order). A full
/// `Replay` has them, and so does the indexed default replay with its known
/// events (`IndexedReplay.withKnown`).
public protocol WhyReplay: ReplayAnswers {
  var known: [Int32] { get }
}

extension Replay: WhyReplay {}

extension WhyReplay {
  /// The facts whose attributes hold strings the table does not keep (a
  /// reason, a limit, a hire's `from`, anything of a report or a custom
  /// kind), one of which may be the key by their `attrMarks`: `why` needs
  /// their events read whole to know whether a string in their `attrs`
  /// equals the key. Facts already about the key by their org or subject
  /// are left out, as are facts `--org` leaves out.
  public func whyCandidates(_ key: String, org: String? = nil) -> [Int32] {
    let facts = table.facts
    let keySymbol = table.names.lookup(key) ?? -1
    let orgSymbol = org.map { table.names.lookup($0) ?? -1 }
    let marks = AttrMarks.of(key)
    return known.filter { index in
      let fact = facts[Int(index)]
      if fact.org == keySymbol || fact.subject == keySymbol { return false }
      if let orgSymbol, fact.org != orgSymbol, fact.factKind != .retract { return false }
      return fact.factKind.holdsUnkeptStrings && AttrMarks.mayHold(fact, marks)
    }
  }

  /// Of `candidates` (`whyCandidates`, read from the log as `events`, in the
  /// same order), those whose `attrs` hold a string (or list item) equal to
  /// `key`: `why`'s `attrMatches`.
  public func whyAttrMatches(_ key: String, candidates: [Int32], events: [Event]) -> Set<Int32> {
    var matches = Set<Int32>()
    for (index, event) in zip(candidates, events) where KnownNames.holds(key, inAttrsOf: event) {
      matches.insert(index)
    }
    return matches
  }

  /// `why KEY` at `day` (KEY: a product id, a role, a person, a focus
  /// item, a metric's subject, a codename or an org; with `org`, only that
  /// org's entries and events, and what targets them), where `attrMatches`
  /// finds the facts among `whyCandidates` whose `attrs` hold a string
  /// equal to the key (by reading their events): it runs on one core, then
  /// the entries are folded there, while the basis of the events kept at
  /// `day` (which needs neither) is hashed on the other. What `attrMatches`
  /// throws, `why` throws.
  public func why<Failure: Error>(
    _ key: String, at day: Day, org: String? = nil, attrMatches: @Sendable () throws(Failure) -> Set<Int32>
  ) throws(Failure) -> Why {
    let kept = self.kept(at: day, org: org)
    let (about, basis) = concurrently(
      {
        Result { () throws(Failure) -> ([WhyEntry], [Int32]) in
          let matches = try attrMatches()
          var entries: [WhyEntry] = []
          if let symbol = table.names.lookup(key) {
            var fold = StateFold(table: table)
            table.facts.withUnsafeBufferPointer { all in
              for index in bearing(on: symbol, kept) { fold.apply(all[Int(index)], index) }
            }
            entries = fold.entries(named: key)
          }
          return (entries, eventsAbout(key, org: org, attrMatches: matches))
        }
      }, { self.basis(kept) })
    let (entries, events) = try about.get()
    return Why(entries: entries, events: events, basis: basis)
  }

  /// The facts of `kept` that can change an entry `StateFold.entries(named:)`
  /// reads for `symbol`, in their order (the rest of a state is a tenth of
  /// `why`'s time at 1M events): the product, metric subject and codename
  /// `symbol`, the roles of each org where the person or the role comes up,
  /// the strategies of each org that lists the item.
  func bearing(on symbol: Int32, _ kept: [Int32]) -> [Int32] {
    let facts = table.facts
    var keys = EntryKeys()
    keys.products.insert(symbol)
    keys.metricSubjects.insert(symbol)
    keys.codenames.insert(symbol)
    // The facts are read in file order (`kept` is in replay order, and
    // reading 96-byte facts in it missed the cache at each: a fifth of `why`).
    var bears = [Bool](repeating: false, count: facts.count)
    for index in kept { bears[Int(index)] = true }
    for index in facts.indices where bears[index] {
      let fact = facts[index]
      if fact.factKind == .hire || fact.factKind == .depart {
        if fact.subject == symbol || fact.role == symbol { keys.roleOrgs.insert(fact.org) }
      } else if fact.factKind == .strategy, keepsAttr(fact, symbol) {
        keys.strategyOrgs.insert(fact.org)  // (a label naming the key adds an org to fold, harmlessly)
      }
    }
    for index in facts.indices where bears[index] && !keys.bears(facts[index]) { bears[index] = false }
    return kept.filter { bears[Int($0)] }
  }

  /// Every known event whose org, subject or a kept attribute string equals
  /// the key (or that `attrMatches` names), with the retractions and
  /// corrections that target them, transitively, in replay order.
  func eventsAbout(_ key: String, org: String?, attrMatches: Set<Int32>) -> [Int32] {
    let facts = table.facts
    let orgSymbol = org.map { table.names.lookup($0) ?? -1 }
    let symbol = table.names.lookup(key)
    var matched: [Int32] = []
    var keys = Set<UInt64>()
    // One pass over the known events (in file order) finds both those about
    // the key and those that target another (a few in a hundred), which
    // `targeting` reads.
    var referring: [(target: UInt64, index: Int32)] = []
    for index in known {
      let fact = facts[Int(index)]
      if fact.target != 0 { referring.append((fact.target, index)) }
      guard let symbol else { continue }
      if let orgSymbol, fact.org != orgSymbol { continue }
      if fact.org == symbol || fact.subject == symbol || keepsAttr(fact, symbol) {
        matched.append(index)
        keys.insert(fact.id)
      }
    }
    for index in attrMatches where !keys.contains(facts[Int(index)].id) {
      matched.append(index)
      keys.insert(facts[Int(index)].id)
    }
    matched += targeting(keys, among: referring)
    return Replay.sortInReplayOrder(&matched, table: table)
  }

  /// The retractions and corrections among `referring` (known events that
  /// target another, with their targets) that target an event of `keys`,
  /// or one of themselves, transitively (a correction of a correction, the
  /// retraction of a correction): found from each key in turn, by the
  /// target, in `referring` sorted by it.
  func targeting(_ keys: Set<UInt64>, among referring: [(target: UInt64, index: Int32)]) -> [Int32] {
    let facts = table.facts
    let byTarget = referring.sorted { $0.target < $1.target }
    var seen = keys
    var next = Array(keys)
    var found: [Int32] = []
    while let key = next.popLast() {
      var low = partitionPoint(byTarget.indices) { byTarget[$0].target < key }
      while low < byTarget.count && byTarget[low].target == key {
        let index = byTarget[low].index
        let id = facts[Int(index)].id
        if seen.insert(id).inserted {
          found.append(index)
          next.append(id)
        }
        low += 1
      }
    }
    return found
  }

  /// Whether `symbol` is an attribute string the fact keeps in the table
  /// (not a custom kind's name): a name slot, or a strategy's list item.
  func keepsAttr(_ fact: Fact, _ symbol: Int32) -> Bool {
    if fact.keepsName(symbol) { return true }
    guard fact.factKind == .strategy else { return false }
    // Its focus items, then its deprioritize items, side by side in `lists`.
    let start = Int(fact.listStart)
    return table.lists[start..<start + Int(fact.focusCount) + Int(fact.deprioritizeCount)].contains(symbol)
  }
}

extension StateFold {
  /// The entries named by `key`: a product, a role or a role held by the
  /// person `key`, a focus or deprioritized item, a metric subject's
  /// metrics, a codename; each field with the fact it rests on.
  func entries(named key: String) -> [WhyEntry] {
    let names = table.names
    guard let symbol = names.lookup(key) else { return [] }
    var entries: [WhyEntry] = []
    func field(_ name: String, _ value: DiffValue, _ source: Int32, _ sure: UInt8? = nil) -> WhyField {
      guard source >= 0 else { return WhyField(name: name, value: value) }
      let fact = table.facts[Int(source)]
      return WhyField(
        name: name, value: value, fact: source, confidence: Confidence(code: sure.map { $0 - 1 } ?? fact.confidence),
        date: fact.date)
    }
    func text(_ symbol: Int32) -> DiffValue { symbol == 0 ? .null : .string(names[symbol]) }
    let slot = productSlot.indices.contains(Int(symbol)) ? productSlot[Int(symbol)] : -1
    if slot >= 0 {
      let product = products[Int(slot)].state
      entries.append(WhyEntry(org: names[product.org], section: "products", key: key, fields: [
        field("status", .string(product.status.rawValue), product.statusSource, product.statusSure),
        field("throttled", .bool(product.throttled), product.throttledSource, product.throttledSure),
        field("type", text(product.type), product.typeSource, product.typeSure),
        field("launched", product.launched < 0 ? .null : .date(table.facts[Int(product.launched)].date), product.launchedSource,
              product.launchedSure),
      ]))
    }
    for (org, held) in roles {
      for (role, holder) in held where role == symbol || holder.person == symbol {
        entries.append(WhyEntry(
          org: names[org], section: "roles", key: names[role],
          fields: [field("person", .string(names[holder.person]), holder.event, holder.confidence + 1)]))
      }
    }
    for (section, lists, sources) in [("focus", focus, focusSource), ("deprioritized", deprioritized, deprioritizedSource)] {
      for (org, items) in lists where items.contains(symbol) {
        entries.append(WhyEntry(
          org: names[org], section: section, key: key,
          fields: [field(section, .bool(true), sources[StateFold.pair(org, symbol)] ?? -1)]))
      }
    }
    for (pair, metric) in metrics where Int32(truncatingIfNeeded: pair >> 32) == symbol {
      entries.append(WhyEntry(
        org: names[metric.org], section: "metrics", key: key, name: names[Int32(truncatingIfNeeded: pair)],
        fields: [
          field("value", .number(metric.value), metric.valueSource, metric.valueSure),
          field("unit", text(metric.unit), metric.unitSource, metric.unitSure),
        ]))
    }
    for (pair, codename) in codenames where Int32(truncatingIfNeeded: pair) == symbol {
      entries.append(WhyEntry(
        org: names[Int32(truncatingIfNeeded: pair >> 32)], section: "codenames", key: key,
        fields: [field("subject", text(codename.subject), codename.event, codename.confidence + 1)]))
    }
    let sections = ["products", "roles", "focus", "deprioritized", "metrics", "codenames"]
    return entries.sorted { a, b in
      let left = [a.org, String(sections.firstIndex(of: a.section)!), a.key, a.name ?? ""]
      let right = [b.org, String(sections.firstIndex(of: b.section)!), b.key, b.name ?? ""]
      return left.lexicographicallyPrecedes(right, by: codePointPrecedes)
    }
  }
}

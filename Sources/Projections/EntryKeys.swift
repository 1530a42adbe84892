import EventLog

/// State entries named by what their values depend on, the partition the
/// fold keeps (DESIGN.md, "Kinds"): a product's entry by the product events
/// about it, an org's roles by its hires and departures, its focus and
/// deprioritized lists by its strategies, a subject's metrics by the
/// metric events about it, a codename's entries by the events naming it.
/// Folded alone, the facts that bear on some entries give those entries as
/// the whole fold does, so `diff`, `news` and `why` fold only those. (Other
/// entries may come out partial, such as the product of a launch kept for
/// its codename; two states folded from the same facts of them agree.)
/// Changing what a kind does in `StateFold.apply` changes this partition:
/// the property tests of `why`, `news` and `diff` hold the two together.
struct EntryKeys {
  /// Product subjects.
  var products = SymbolSet()
  var roleOrgs = SymbolSet()
  var strategyOrgs = SymbolSet()
  /// Metric subjects (an org's own metrics are about the org).
  var metricSubjects = SymbolSet()
  var codenames = SymbolSet()

  /// Adds the entries `fact` can change.
  mutating func insert(_ fact: Fact) {
    if fact.factKind.isProduct {
      if fact.subject != 0 { products.insert(fact.subject) }
      if fact.codename != 0 { codenames.insert(fact.codename) }
      return
    }
    switch fact.factKind {
    case .hire, .depart: roleOrgs.insert(fact.org)
    case .strategy: strategyOrgs.insert(fact.org)
    case .metric: metricSubjects.insert(fact.about)
    case .codename: if fact.codename != 0 { codenames.insert(fact.codename) }
    default: break  // retractions, reports and custom kinds change no entry
    }
  }

  /// Whether `fact` can change one of these entries.
  func bears(_ fact: Fact) -> Bool {
    if fact.factKind.isProduct { return products.contains(fact.subject) || codenames.contains(fact.codename) }
    switch fact.factKind {
    case .hire, .depart: return roleOrgs.contains(fact.org)
    case .strategy: return strategyOrgs.contains(fact.org)
    case .metric: return metricSubjects.contains(fact.about)
    case .codename: return codenames.contains(fact.codename)
    default: return false
    }
  }
}

/// A set of symbols (names of a `FactTable`) as bits: `news` asks it once
/// for every fact kept at a date, where a hashed set cost a sixth of its time.
struct SymbolSet {
  private var words: [UInt64] = []

  mutating func insert(_ symbol: Int32) {
    let word = Int(UInt32(bitPattern: symbol) >> 6)
    if word >= words.count { words += [UInt64](repeating: 0, count: word + 1 - words.count) }
    words[word] |= 1 << UInt64(symbol & 63)
  }

  @inline(__always) func contains(_ symbol: Int32) -> Bool {
    let word = Int(UInt32(bitPattern: symbol) >> 6)
    return word < words.count && words[word] & (1 << UInt64(symbol & 63)) != 0
  }
}

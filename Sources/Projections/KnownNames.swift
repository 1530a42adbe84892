import EventLog

/// The names a log knows: a name (`--org`, `--subject`, `lineage MODEL`,
/// `why KEY`) is known when any line of the log names it as its org, its
/// subject or a string in its attrs, whatever its date, record time,
/// confidence or retraction. A query about an unknown name is bad data,
/// with the nearest known names as a hint; a known name with nothing by the
/// date asked is an ordinary empty answer.
///
/// The fact table indexes orgs, subjects and the attrs the replay reads, so
/// most names are answered from it alone; the other strings (a pause's
/// reason, a hire's `from`, a report's or a custom kind's attrs) are only in
/// the lines, which the caller reads when the table does not know the name
/// (`linesWithOtherStrings`, then `isNamed(_:by:)`).
public enum KnownNames {
  /// Whether the table's indexed strings name `name`.
  public static func isIndexed(_ name: String, in table: FactTable) -> Bool {
    guard let symbol = table.names.lookup(name) else { return false }
    // A custom kind's name (x-...) is interned too, but is not a name of the log.
    guard name.hasPrefix("x-") else { return true }
    return usedSymbols(in: table).contains(symbol)
  }

  /// The lines (facts) that may hold `name` among strings in their attrs
  /// that the table does not index (by their `attrMarks`): the lines to
  /// read when `isIndexed` says no.
  public static func linesWithOtherStrings(in table: FactTable, mayHold name: String) -> [Int32] {
    let marks = AttrMarks.of(name)
    var lines: [Int32] = []
    for (index, fact) in table.facts.enumerated() where fact.factKind.holdsUnkeptStrings && AttrMarks.mayHold(fact, marks) {
      lines.append(Int32(index))
    }
    return lines
  }

  /// Whether an event names `name` as its org, its subject or a string in its attrs.
  public static func isNamed(_ name: String, by event: Event) -> Bool {
    [event.org, event.subject].contains { $0.map { same($0, name) } ?? false } || holds(name, inAttrsOf: event)
  }

  /// Whether a string in the event's attrs (list items too) is `name`.
  static func holds(_ name: String, inAttrsOf event: Event) -> Bool {
    event.attrs.contains { $0.value.strings.contains { same($0, name) } }
  }

  /// Names are compared byte for byte, as the table's symbols are: NFC and
  /// NFD spellings are two names (Swift's `==` would take them for one).
  static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

  /// The known names nearest to `name` (edit distance, ignoring case), at most `limit`.
  public static func nearest(to name: String, in table: FactTable, limit: Int = 3) -> [String] {
    let candidates = usedSymbols(in: table).map { table.names[$0] }
    return EventLog.nearest(name, in: candidates, limit: limit)
  }

  /// Whether a known name starts with `prefix` (`lineage anthropic/claude`: a family of models).
  public static func hasName(withPrefix prefix: String, in table: FactTable) -> Bool {
    usedSymbols(in: table).contains { table.names[$0].hasPrefix(prefix) }
  }

  /// The names of one sort that the log's lines use, whatever their date,
  /// record time, confidence or retraction, each once, unsorted (`timeline
  /// complete`): orgs, subjects, people (the subjects of hires and
  /// departures), roles, or event ids.
  public static func names(_ sort: NameSort, in table: FactTable) -> Set<String> {
    var symbols = Set<Int32>()
    var ids = Set<String>()
    for fact in table.facts {
      switch sort {
      case .orgs: symbols.insert(fact.org)
      case .subjects: symbols.insert(fact.subject)
      case .people where fact.factKind == .hire || fact.factKind == .depart: symbols.insert(fact.subject)
      case .roles where fact.factKind == .hire || fact.factKind == .depart: symbols.insert(fact.role)
      case .ids: ids.insert(table.idString(fact.id))
      default: break
      }
    }
    var names = ids
    for symbol in symbols where symbol != 0 { names.insert(table.names[symbol]) }
    return names
  }

  /// The sorts of name `names(_:in:)` lists.
  public enum NameSort: String, Sendable, CaseIterable {
    case orgs, subjects, people, roles, ids
  }

  /// Of the ids given (retraction targets, superseded ids), those an event of
  /// the log has, each with whether one of its events is a retraction
  /// (which nothing may retract or supersede).
  public static func retractionFlags(of ids: [String], in table: FactTable) -> [String: Bool] {
    var wanted: [UInt64: String] = [:]
    for id in ids { if let key = table.existingKey(id) { wanted[key] = id } }
    var isRetraction: [String: Bool] = [:]
    guard !wanted.isEmpty else { return isRetraction }
    for fact in table.facts {
      if let id = wanted[fact.id] { isRetraction[id] = (isRetraction[id] ?? false) || fact.factKind == .retract }
    }
    return isRetraction
  }

  /// The symbols the facts use as a name: org, subject, indexed attrs, list items.
  static func usedSymbols(in table: FactTable) -> Set<Int32> {
    var used = Set<Int32>()
    for fact in table.facts {
      used.insert(fact.org)
      used.insert(fact.subject)
      fact.forEachKeptName { used.insert($0) }
    }
    used.formUnion(table.lists)
    used.remove(0)
    return used
  }
}

/// A check's warnings about the names a log already holds (DESIGN.md,
/// "Kinds"): a name with white space at an end, a no-break space or a format
/// character (on every line that holds it); two names of one category that
/// differ only in case or Unicode normalization (once per pair, naming both
/// and where each is first used); a launch type that is a known one but for
/// its case (on every line). Each distinct name is judged once, however many
/// lines hold it, so a large log costs one pass over its facts.
func nameFindings(_ table: FactTable) -> [Finding] {
  let names = table.names
  // Per symbol: 1 judged, 2 faulty, 4 a known launch type but for its case.
  var verdict = [UInt8](repeating: 0, count: names.count)
  var faults: [Int32: Names.Fault] = [:]
  // Per symbol, the categories it was seen in; and each first sighting.
  var seenIn = [UInt8](repeating: 0, count: names.count)
  var firstUses: [(category: Names.Category, symbol: Int32, fact: Int)] = []
  var findings: [Finding] = []
  func place(_ fact: Fact, _ problem: Finding.Problem) -> Finding {
    Finding(file: table.files[Int(fact.file)], line: Int(fact.line), problem: problem)
  }

  func judge(_ symbol: Int32) -> UInt8 {
    let known = verdict[Int(symbol)]
    if known != 0 { return known }
    var result: UInt8 = 1
    if let fault = Names.fault(names[symbol]) {
      result |= 2
      faults[symbol] = fault
    }
    if Names.knownTypeDifferingInCase(names[symbol]) != nil { result |= 4 }
    verdict[Int(symbol)] = result
    return result
  }

  for (index, fact) in table.facts.enumerated() {
    func use(_ symbol: Int32, _ category: Names.Category, attr: String? = nil) {
      guard symbol > 0 else { return }
      let bit = UInt8(1) << UInt8(category.rawValue)
      if seenIn[Int(symbol)] & bit == 0 {
        seenIn[Int(symbol)] |= bit
        firstUses.append((category, symbol, index))
      }
      let found = judge(symbol)
      if found & 2 != 0, let fault = faults[symbol] {
        let name = names[symbol]
        let what = attr.map { "\($0) item" } ?? category.singular
        let fixed = Names.cleaned(name)
        let apart = fixed.isEmpty ? "a \(what) that cannot be seen" : "a \(what) apart from \(Names.escaped(fixed)), which looks the same"
        findings.append(place(fact, .faultyName(said: "\(what) \(Names.escaped(name)) \(fault.description): replay takes it as \(apart)", id: table.idString(fact.id))))
      }
      if category == .launchType, found & 4 != 0, let known = Names.knownTypeDifferingInCase(names[symbol]) {
        findings.append(place(fact, .typeCase(said: "launch type \(Names.escaped(names[symbol])) differs from the known type \"\(known)\" only in case: replay and lineage take it as another type", known: known, id: table.idString(fact.id))))
      }
    }
    switch fact.factKind {
    case .launch:
      use(fact.launchType, .launchType)
      use(fact.codename, .codename)
    case .hire, .depart: use(fact.role, .role)
    case .codename: use(fact.codename, .codename)
    case .strategy:
      use(fact.label, .label)
      for item in table.focus(of: fact) { use(item, .focusItem, attr: "focus") }
      for item in table.deprioritize(of: fact) { use(item, .focusItem, attr: "deprioritize") }
    case .metric:
      use(fact.metricName, .metricName)
      use(fact.unit, .unit)
    default: break
    }
  }

  // Names of one category that are equal once lowercased; Swift compares
  // strings by canonical equivalence, so NFC and NFD spellings meet too.
  var groups: [Names.Category: [String: [(symbol: Int32, fact: Int)]]] = [:]
  for use in firstUses where use.category != .launchType {
    groups[use.category, default: [:]][names[use.symbol].lowercased(), default: []].append((use.symbol, use.fact))
  }
  for category in Names.Category.allCases {
    for (_, spellings) in groups[category] ?? [:] where spellings.count > 1 {
      let ordered = spellings.sorted { $0.fact < $1.fact }
      let first = ordered[0]
      let firstName = names[first.symbol]
      let firstFact = table.facts[first.fact]
      let firstPlace = "\(table.files[Int(firstFact.file)]):\(firstFact.line)"
      for other in ordered.dropFirst() {
        let name = names[other.symbol]
        let fact = table.facts[other.fact]
        let message: String
        if name == firstName {
          message = "\(category.singular) \"\(name)\" (written \(Names.escaped(name, allNonASCII: true))) and \"\(firstName)\" (written \(Names.escaped(firstName, allNonASCII: true)), at \(firstPlace)) differ only in Unicode normalization: replay takes them as two \(category.plural) that look the same; write one form (NFC, as most keyboards type it) in new events"
        } else {
          let alsoNormalization = !name.lowercased().utf8.elementsEqual(firstName.lowercased().utf8)
          message = "\(category.singular) \(Names.escaped(name)) and \(Names.escaped(firstName)) (at \(firstPlace)) differ only in case\(alsoNormalization ? " and Unicode normalization" : ""): replay takes them as two \(category.plural); use one spelling"
        }
        findings.append(place(fact, .said(message)))
      }
    }
  }
  return findings
}

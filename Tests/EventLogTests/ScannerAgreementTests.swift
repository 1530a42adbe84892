import EventLog
import ReferenceModel
import Testing

// The fast scanner and the strict codec must agree on every line: the scanner
// may give up (the reader then asks the strict codec), but it must never
// accept a line the strict codec refuses, and what it accepts must be the
// same event and the same fact.

/// The scanner's verdict on one stored line, checked against the strict codec's.
/// - Parameter valid: the line is known to be a valid stored event, so both
///   decoders must accept it (the scanner giving up would prove nothing).
private func expectAgreement(_ line: [UInt8], _ context: String, valid: Bool = false) {
  let strict = try? EventCodec.decode(line, stored: true)
  var scanner = EventScanner()
  var fastTable = FactTable()
  let (scannedEvent, scannedFact) = line.withUnsafeBytes { raw in
    (scanner.scanEvent(raw, stored: true),
     scanner.scanFact(raw, into: &fastTable, file: 0, line: 1, offset: 0))
  }
  if valid {
    #expect(strict != nil && scannedEvent != nil && scannedFact, "a valid line refused: \(context)")
  }
  if scannedEvent != nil || scannedFact {
    #expect(strict != nil, "the scanner accepts what the strict codec refuses: \(context)")
  }
  guard let strict else { return }
  if let scannedEvent {
    #expect(EventCodec.encode(scannedEvent) == EventCodec.encode(strict), "a different event: \(context)")
  }
  if scannedFact {
    var strictTable = FactTable()
    strictTable.append(strict, file: 0, line: 1, offset: 0)
    #expect(describe(fastTable) == describe(strictTable), "a different fact: \(context)")
  }
}

/// A fact with its symbols spelled out, so that two tables compare.
private func describe(_ table: FactTable) -> String {
  guard let fact = table.facts.first else { return "none" }
  let names = [fact.org, fact.subject].map { table.names[$0] } + namedFields(of: fact, in: table)
  let lists = Array(table.focus(of: fact).map { table.names[$0] }) + ["|"] + table.deprioritize(of: fact).map { table.names[$0] }
  return "\(table.idString(fact.id)) \(fact.kind) \(fact.firstDay)-\(fact.lastDay)/\(fact.precision) \(fact.recorded) "
    + "\(fact.confidence) \(names) \(fact.value) \(table.idString(fact.target)) \(lists) marks \(fact.attrMarks)"
}

@Test func scannerAgreesWithTheStrictCodecOnGeneratedLogs() {
  var generator = LogGenerator(seed: 99)
  for event in generator.log(count: 3_000) {
    expectAgreement(Array(event.line.utf8), event.line, valid: true)
  }
}

@Test func scannerAgreesWithTheStrictCodecOnMutatedLines() {
  var generator = LogGenerator(seed: 5)
  var rng = SplitMix(seed: 17)
  let lines = generator.log(count: 400).map { Array($0.line.utf8) }
  let alphabet = Array(#"{}[]",:\ -.0123456789eEtrufalsn"#.utf8) + [0x00, 0x0a, 0x7f, 0x80, 0xc3, 0xa9, 0xed, 0xa0, 0xf4, 0xff]
  for round in 0..<20_000 {
    var line = lines[Int(rng.next() % UInt64(lines.count))]
    for _ in 0..<Int(1 + rng.next() % 3) {
      let position = Int(rng.next() % UInt64(line.count))
      let byte = alphabet[Int(rng.next() % UInt64(alphabet.count))]
      switch rng.next() % 3 {
      case 0: line[position] = byte
      case 1: line.insert(byte, at: position)
      default: line.remove(at: position)
      }
    }
    expectAgreement(line, "mutation \(round): \(String(decoding: line, as: UTF8.self))")
  }
}

/// `why` and a name check read only the lines whose `attrMarks` may hold
/// the key: a line's marks must hold those of every string and list item in
/// its attrs (escapes decoded), whichever decoder read it, and must rule out
/// most lines for a string they do not hold.
@Test func attrMarksHoldEveryStringOfTheAttrsAndRuleOutOthers() throws {
  var generator = LogGenerator(seed: 41)
  let lines = generator.log(count: 2_000).map(\.line) + [
    #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","attrs":{"reason":"caf\u00e9 \ud83d\ude00 \"q\""},"recorded":"2025-12-11T00:00:00.000Z"}"#,
    #"{"id":"a2","date":"2025-12-11","kind":"report","org":"openai","attrs":{"items":["seven bytes","","a string of exactly sixteen","x"],"n":1},"recorded":"2025-12-11T00:00:00.000Z"}"#,
    #"{"id":"a3","date":"2025-12-11","kind":"x-y","org":"openai","attrs":{"k":"ünïcödé"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  ]
  var scanner = EventScanner()
  var scanned = FactTable()
  var strict = FactTable()
  var events: [Event] = []
  for line in lines {
    let event = try EventCodec.decode(Array(line.utf8), stored: true)
    events.append(event)
    strict.append(event, file: 0, line: 1, offset: 0)
    #expect(Array(line.utf8).withUnsafeBytes { scanner.scanFact($0, into: &scanned, file: 0, line: 1, offset: 0) }, "\(line)")
  }
  var holding = 0
  for (index, event) in events.enumerated() where event.kind.code.holdsUnkeptStrings {
    holding += 1
    for pair in event.attrs {
      for text in pair.value.strings {
        #expect(AttrMarks.mayHold(strict.facts[index], AttrMarks.of(text)), "strict \(text) in \(lines[index])")
        #expect(AttrMarks.mayHold(scanned.facts[index], AttrMarks.of(text)), "scanned \(text) in \(lines[index])")
      }
    }
  }
  #expect(holding > 100, "the log has lines with unkept strings")
  // Strings no line holds: most lines with unkept strings are ruled out.
  let unkept = strict.facts.filter { $0.factKind.holdsUnkeptStrings }
  var mayHold = 0
  for number in 0..<200 {
    let marks = AttrMarks.of("absent-\(number)")
    mayHold += unkept.filter { AttrMarks.mayHold($0, marks) }.count
  }
  #expect(Double(mayHold) / Double(200 * unkept.count) < 0.2)
}

@Test(arguments: [
  #"{"id":"a1","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":"model","type":"product"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":null,"type":"model"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":""},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"metric","org":"openai","attrs":{"name":"v","value":9007199254740993},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"retract","attrs":{"target":"a1"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","supersedes":"a1","recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","source":{"publisher":"p"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","source":{},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","source":{"title":null},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"strategy","org":"openai","attrs":{"focus":["openai/x",""]},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"x-y","org":"openai","attrs":{"":"v"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"hire","org":"openai","subject":"ann","attrs":{"role":"CEO"},"note":"\ud800","recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"hire","org":"openai","subject":"ann","attrs":{"role":"CEO"},"recorded":"2025-12-11T00:00:00.0001Z"}"#,
  #" { "recorded" : "2025-12-11T01:00:00+01:00" , "kind" : "report" , "date" : "2025" , "org" : "openai" , "id" : "a\u0031" } "#,
])
func scannerAgreesWithTheStrictCodecOnEdgeCases(line: String) {
  expectAgreement(Array(line.utf8), line)
}

/// The scanner judges an event's org, subject and predecessor by their
/// shapes (`NameShapes`), remembering one verdict per shape: one scanner
/// reading many lines into one table must still refuse exactly what the
/// strict codec refuses, whichever line of a shape it judged first.
@Test func oneScannerJudgesNamesOfEveryShapeAsTheStrictCodecDoes() {
  let kinds = FactKind.builtIn.map(\.name) + ["x-y"]
  let orgs = [nil, "openai", "anthropic", "OpenAI", "open.ai", ""]
  let subjects = [
    nil, "", "openai", "anthropic", "openai/x", "openai/y", "anthropic/x", "zzz/x", "OpenAI/x", "openai/X", "ann",
    "open.ai", "Ann", "a b",
  ]
  let predecessors = [nil, "openai/old", "anthropic/old", "Old", "old", ""]
  let sources = ["", #","source":{"title":"t"}"#, #","source":{"publisher":"p"}"#]
  var lines: [String] = []
  for kind in kinds {
    for org in orgs {
      for subject in subjects {
        for (number, source) in sources.enumerated() {
          for predecessor in kind == "launch" ? predecessors : [nil] {
            var attrs: [String] = []
            switch kind {
            case "hire", "depart": attrs.append(#""role":"ceo""#)
            case "codename": attrs.append(#""codename":"c""#)
            case "metric": attrs += [#""name":"arr""#, #""value":1"#]
            case "retract": attrs.append(#""target":"b2""#)
            default: break
            }
            if let predecessor { attrs.append(#""predecessor":"\#(predecessor)""#) }
            var line = #"{"id":"a1","date":"2025-12-11","kind":"\#(kind)""#
            if let org { line += #","org":"\#(org)""# }
            if let subject { line += #","subject":"\#(subject)""# }
            line += #","attrs":{\#(attrs.joined(separator: ","))}"# + source
            lines.append(line + #","recorded":"2025-12-11T00:00:00.000Z"}"#)
            // The same event superseding another: refused for a retraction only.
            if number == 1 && (subject == nil || subject == "openai/y") {
              lines.append(line + #","supersedes":"b2","recorded":"2025-12-11T00:00:00.000Z"}"#)
            }
          }
        }
      }
    }
  }
  var rng = SplitMix(seed: 3)
  var accepted = 0
  for round in 0..<3 {
    var order = lines
    for index in order.indices.reversed() { order.swapAt(index, Int(rng.next() % UInt64(index + 1))) }
    var scanner = EventScanner()
    var table = FactTable()
    for line in order {
      let bytes = Array(line.utf8)
      let valid = (try? EventCodec.decode(bytes, stored: true)) != nil
      let scanned = bytes.withUnsafeBytes { scanner.scanFact($0, into: &table, file: 0, line: 1, offset: 0) }
      #expect(scanned == valid, "round \(round): the scanner \(scanned ? "accepts" : "refuses") \(line)")
      if scanned { accepted += 1 }
    }
  }
  // The lines hold valid and invalid events of every shape.
  #expect(accepted > lines.count / 10 && accepted < lines.count * 2)
}

/// The names a fact keeps, each read through its named accessor, as `attr=value`.
private func namedFields(of fact: Fact, in table: FactTable) -> [String] {
  let kind = fact.factKind
  var fields: [String] = []
  func field(_ name: String, _ symbol: Int32) { fields.append("\(name)=\(table.names[symbol])") }
  switch kind {
  case .launch:
    field("type", fact.launchType)
    field("predecessor", fact.predecessor)
    field("codename", fact.codename)
  case .hire, .depart: field("role", fact.role)
  case .codename: field("codename", fact.codename)
  case .strategy: field("label", fact.label)
  case .metric:
    field("name", fact.metricName)
    field("unit", fact.unit)
  case .custom: field("kind", fact.customName)
  case .pause, .resume, .retire, .throttle, .unthrottle, .report, .retract: break
  }
  // The accessors and the kind table say the same.
  for kept in kind.keptAttributes where fact[kept.field] != 0 {
    #expect(fields.contains("\(kept.key)=\(table.names[fact[kept.field]])"), "\(kept.key) of a \(kind.name)")
  }
  return fields
}

/// One event of every kind in the kind table (and a custom kind), with every
/// attribute the table says its fact keeps.
private let everyKind: [String] = FactKind.builtIn.map { kind in
  var attrs: [String] = []
  for kept in kind.keptAttributes {
    switch kept.field {
    case .value: attrs.append("\"\(kept.key)\":2.5")
    case .target: attrs.append("\"\(kept.key)\":\"b2\"")
    case .focus, .deprioritize: attrs.append("\"\(kept.key)\":[\"openai/\(kept.key)-1\",\"openai/\(kept.key)-2\"]")
    case .predecessor: attrs.append("\"\(kept.key)\":\"openai/old\"")
    default: attrs.append("\"\(kept.key)\":\"\(kept.key) of \(kind.name)\"")
    }
  }
  let org = kind == .retract ? "" : #""org":"openai","#
  let subject: String
  switch EventSchema.subjectRule(of: kind.kind(customName: "")) {
  case .product, .optionalProduct, .productOrOrg, .any: subject = #""subject":"openai/x","#
  case .person: subject = #""subject":"ann","#
  case .orgOnly, .none: subject = ""
  }
  return #"{"id":"a1","date":"2025-12-11","kind":"\#(kind.name)",\#(org)\#(subject)"attrs":{\#(attrs.joined(separator: ","))},"recorded":"2025-12-11T00:00:00.000Z"}"#
} + [#"{"id":"a1","date":"2025-12-11","kind":"x-funding","org":"openai","attrs":{"round":"B"},"recorded":"2025-12-11T00:00:00.000Z"}"#]

@Test(arguments: everyKind)
func everyKindKeepsTheSameNamedFieldsFromTheScannerAndTheCodec(line: String) {
  expectAgreement(Array(line.utf8), line, valid: true)
}

@Test func everyKeptNameIsReadByItsNamedAccessor() throws {
  for line in everyKind {
    let event = try EventCodec.decode(Array(line.utf8), stored: true)
    var table = FactTable()
    table.append(event, file: 0, line: 1, offset: 0)
    let fact = try #require(table.facts.first)
    for kept in event.kind.code.keptAttributes where kept.field.isName {
      #expect(table.names[fact[kept.field]] == event.attrs[kept.key]?.description, "\(kept.key) of \(line)")
    }
    var kept = 0
    fact.forEachKeptName { _ in kept += 1 }
    #expect(kept == event.kind.code.keptAttributes.filter(\.field.isName).count, "\(line)")
  }
}

@Test func aFactTakes96Bytes() {
  #expect(MemoryLayout<Fact>.stride == 96)
}

@Test func theKindTableIsInDesignOrderAndEachRowIsItsCode() {
  #expect(FactKind.builtIn.map(\.rawValue) == Array(0..<13))
  #expect(Kind.builtIn.map(\.description) == [
    "launch", "pause", "resume", "retire", "throttle", "unthrottle", "hire", "depart", "codename", "strategy", "metric",
    "report", "retract",
  ])
  #expect(FactKind.builtIn.filter(\.isProduct) == [.launch, .pause, .resume, .retire, .throttle, .unthrottle])
}

/// `Fact.factKind` spells the kind table's codes out as a switch: every byte
/// a fact may hold reads as the kind its raw value names, and any other as custom.
@Test func aFactReadsItsKindAsTheRawValueNamesIt() throws {
  var table = FactTable()
  let line = #"{"id":"a1","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/x","recorded":"2025-12-11T00:00:00.000Z"}"#
  table.append(try EventCodec.decode(Array(line.utf8), stored: true), file: 0, line: 1, offset: 0)
  for code in UInt8.min...UInt8.max {
    var fact = table.facts[0]
    fact.kind = code
    #expect(fact.factKind == (FactKind(rawValue: code) ?? .custom), "code \(code)")
  }
}

/// The scanner finds a kind by its length and a letter, then checks the
/// whole name: every built-in name, each with every letter changed, cut short,
/// grown by a letter or capitalized, and custom names, judged as the strict
/// codec does. Each name stands on a line that is valid for the built-in kind
/// it comes from, so that a built-in name the scanner misreads is caught
/// rather than refused by both decoders for another reason.
@Test func scannerReadsKindNamesAsTheStrictCodecDoes() {
  /// The rest of a valid line of each built-in kind.
  let rest: [String: String] = [
    "launch": #""org":"openai","subject":"openai/x""#, "pause": #""org":"openai","subject":"openai/x""#,
    "resume": #""org":"openai","subject":"openai/x""#, "retire": #""org":"openai","subject":"openai/x""#,
    "throttle": #""org":"openai","subject":"openai/x""#, "unthrottle": #""org":"openai","subject":"openai/x""#,
    "hire": #""org":"openai","subject":"ann","attrs":{"role":"ceo"}"#, "depart": #""org":"openai","subject":"ann""#,
    "codename": #""org":"openai","attrs":{"codename":"c"}"#, "strategy": #""org":"openai""#,
    "metric": #""org":"openai","attrs":{"name":"arr","value":1}"#, "report": #""org":"openai""#,
    "retract": #""attrs":{"target":"b2"}"#,
  ]
  #expect(Set(rest.keys) == Set(FactKind.builtIn.map(\.name)))
  for (base, fields) in rest.sorted(by: { $0.key < $1.key }) {
    var names = [base, String(base.dropLast()), base + "s", base.capitalized, base.uppercased(), "x-" + base, "x-" + base.capitalized]
    let bytes = Array(base.utf8)
    for position in bytes.indices {
      for letter in [UInt8(ascii: "a"), UInt8(ascii: "p"), UInt8(ascii: "s"), UInt8(ascii: "t")] where letter != bytes[position] {
        var changed = bytes
        changed[position] = letter
        names.append(String(decoding: changed, as: UTF8.self))
      }
    }
    for name in names {
      let line = Array(#"{"id":"a1","date":"2025-12-11","kind":"\#(name)",\#(fields),"recorded":"2025-12-11T00:00:00.000Z"}"#.utf8)
      expectAgreement(line, "kind \"\(name)\" (from \(base))")
      if name == base {
        // The built-in name itself: both decoders accept the line, as this kind.
        expectAgreement(line, "kind \"\(name)\"", valid: true)
      }
    }
  }
  for name in ["x-a", "x-", "x", "", "x-Funding", "x-funding"] {
    let line = #"{"id":"a1","date":"2025-12-11","kind":"\#(name)","org":"openai","recorded":"2025-12-11T00:00:00.000Z"}"#
    expectAgreement(Array(line.utf8), "kind \"\(name)\"", valid: name == "x-a" || name == "x-funding")
  }
}

/// Every built-in kind is found by its own name, and no other.
@Test func everyKindIsFoundByItsName() {
  for kind in FactKind.builtIn {
    let name = Array(kind.name.utf8)
    #expect(name.withUnsafeBufferPointer { FactKind(name: $0) } == kind, "\(kind.name)")
  }
}

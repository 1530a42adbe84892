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
  let names = [fact.org, fact.subject, fact.a, fact.b, fact.c].map { table.names[$0] }
  let lists = Array(table.focus(of: fact).map { table.names[$0] }) + ["|"] + table.deprioritize(of: fact).map { table.names[$0] }
  return "\(table.idString(fact.id)) \(fact.kind) \(fact.firstDay)-\(fact.lastDay)/\(fact.precision) \(fact.recorded) "
    + "\(fact.confidence) \(names) \(fact.value) \(table.idString(fact.target)) \(lists)"
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

@Test(arguments: [
  #"{"id":"a1","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":"model","type":"product"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":null,"type":"model"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":""},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"metric","org":"openai","attrs":{"name":"v","value":9007199254740993},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"retract","attrs":{"target":"a1"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","supersedes":"a1","recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","source":{"publisher":"p"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"pause","org":"openai","subject":"openai/x","source":{},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"strategy","org":"openai","attrs":{"focus":["openai/x",""]},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"x-y","org":"openai","attrs":{"":"v"},"recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"hire","org":"openai","subject":"ann","attrs":{"role":"CEO"},"note":"\ud800","recorded":"2025-12-11T00:00:00.000Z"}"#,
  #"{"id":"a1","date":"2025-12-11","kind":"hire","org":"openai","subject":"ann","attrs":{"role":"CEO"},"recorded":"2025-12-11T00:00:00.0001Z"}"#,
  #" { "recorded" : "2025-12-11T01:00:00+01:00" , "kind" : "report" , "date" : "2025" , "org" : "openai" , "id" : "a\u0031" } "#,
])
func scannerAgreesWithTheStrictCodecOnEdgeCases(line: String) {
  expectAgreement(Array(line.utf8), line)
}

import Testing

@testable import EventLog

/// DESIGN.md's test vectors: the canonical content and the id it hashes to.
let designVectors: [(content: String, id: String)] = [
  (
    #"{"date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/gpt-5.2","attrs":{"codename":"olive-oil-cake","predecessor":"openai/gpt-5.1","type":"model"},"confidence":"confirmed","source":{"publisher":"OpenAI","title":"Introducing GPT-5.2"}}"#,
    "d16757df582e"
  ),
  (
    #"{"date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation","unit":"USD","value":500000000000},"confidence":"reported","note":"about $500 billion"}"#,
    "5aea54fd60ad"
  ),
  (
    #"{"date":"2025-12-10","kind":"strategy","org":"openai","attrs":{"deprioritize":["openai/sora"],"focus":["openai/chatgpt","openai/gpt-5.2"],"label":"code red"},"confidence":"reported","source":{"date":"2025-12-10","publisher":"InfoQ","title":"OpenAI 盲测新模型不如 Nano Banana Pro?"},"note":"tab\there\nnewline \"q\" \u0007 ü"}"#,
    "2a071141b346"
  ),
]

@Test(arguments: 0..<designVectors.count)
func contentIDMatchesDesignVector(index: Int) throws {
  let vector = designVectors[index]
  let event = try EventCodec.decode(Array(vector.content.utf8), stored: false)
  #expect(String(decoding: EventCodec.content(event), as: UTF8.self) == vector.content)
  #expect(EventCodec.contentID(event) == vector.id)
}

/// The first vector's id, worked out by hand: the SHA-256 of its content
/// computed independently (sha256sum of the same bytes) begins d16757df582e.
@Test func contentIDIsTheFirstTwelveHexDigitsOfTheContentHash() throws {
  let content = Array(designVectors[0].content.utf8)
  let digest = SHA256.hex(content)
  #expect(digest.hasPrefix("d16757df582e"))
  let event = try EventCodec.decode(content, stored: false)
  #expect(EventCodec.contentID(event) == String(digest.prefix(12)))
}

@Test func keyOrderOnReadDoesNotChangeTheContentID() throws {
  let shuffled = #"{"source":{"title":"Introducing GPT-5.2","publisher":"OpenAI"},"confidence":"confirmed","attrs":{"type":"model","predecessor":"openai/gpt-5.1","codename":"olive-oil-cake"},"subject":"openai/gpt-5.2","org":"openai","kind":"launch","date":"2025-12-11"}"#
  let event = try EventCodec.decode(Array(shuffled.utf8), stored: false)
  #expect(EventCodec.contentID(event) == "d16757df582e")
}

@Test func confidenceDefaultsToReportedAndIsWritten() throws {
  let event = try EventCodec.decode(Array(#"{"date":"2025","kind":"report","org":"openai"}"#.utf8), stored: false)
  #expect(String(decoding: EventCodec.content(event), as: UTF8.self) == #"{"date":"2025","kind":"report","org":"openai","confidence":"reported"}"#)
}

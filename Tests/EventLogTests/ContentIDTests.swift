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

/// The key of a content id as the plain reading gives it: 12 lowercase hex
/// digits, the first on top; nil for anything else.
private func plainContentKey(_ bytes: [UInt8]) -> UInt64? {
  guard bytes.count == 12 else { return nil }
  var value: UInt64 = 0
  for byte in bytes {
    guard let digit = "0123456789abcdef".utf8.firstIndex(of: byte) else { return nil }
    value = value << 4 | UInt64("0123456789abcdef".utf8.distance(from: "0123456789abcdef".utf8.startIndex, to: digit))
  }
  return value | EventKey.contentBit
}

/// The key is read eight and four digits at a time: every byte value in every
/// position of an id, ids of every digit, and other lengths read as the plain
/// reading reads them.
@Test func contentKeysAreReadAsTheirDigitsSay() {
  var ids: [[UInt8]] = [Array("000000000000".utf8), Array("ffffffffffff".utf8), Array("0123456789ab".utf8),
                        Array("cdef01234567".utf8), Array("d16757df582e".utf8), Array("D16757DF582E".utf8),
                        Array("d16757df582".utf8), Array("d16757df582ee".utf8), []]
  let base = Array("5aea54fd60ad".utf8)
  for position in base.indices {
    for byte in 0...255 {
      var id = base
      id[position] = UInt8(byte)
      ids.append(id)
    }
  }
  var rng = SplitMix(seed: 12)
  for _ in 0..<10_000 {
    ids.append((0..<12).map { _ in Array("0123456789abcdef".utf8)[Int(rng.next() % 16)] })
  }
  for id in ids {
    let key = id.withUnsafeBufferPointer { EventKey.content($0) }
    #expect(key == plainContentKey(id), "\(String(decoding: id, as: UTF8.self))")
  }
}

import EventLog
import Testing

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@Test func everyKeyOrderDecodesToTheSameEvent() throws {
  let members = [
    #""id":"custom-1""#, #""date":"2025-12-11""#, #""kind":"launch""#, #""org":"openai""#,
    #""subject":"openai/gpt-5.2""#, #""attrs":{"type":"model","codename":"c"}"#, #""confidence":"rumor""#,
    #""source":{"url":"u","title":"t"}"#, #""supersedes":"old-1""#, #""note":"n""#,
    #""recorded":"2025-12-11T10:00:00.000Z""#,
  ]
  let reference = try decodeLine("{" + members.joined(separator: ",") + "}", stored: true)
  var generator = SplitMix(seed: 7)
  for _ in 0..<50 {
    let shuffled = members.shuffled(using: &generator)
    let event = try decodeLine("{" + shuffled.joined(separator: ",") + "}", stored: true)
    #expect(event == reference)
    #expect(EventCodec.encode(event) == EventCodec.encode(reference))
  }
  #expect(text(EventCodec.encode(reference)) == "{" + [
    #""id":"custom-1""#, #""date":"2025-12-11""#, #""kind":"launch""#, #""org":"openai""#,
    #""subject":"openai/gpt-5.2""#, #""attrs":{"codename":"c","type":"model"}"#, #""confidence":"rumor""#,
    #""source":{"title":"t","url":"u"}"#, #""supersedes":"old-1""#, #""note":"n""#,
    #""recorded":"2025-12-11T10:00:00.000Z""#,
  ].joined(separator: ",") + "}", "canonical order on write, attrs and source keys sorted")
}

@Test func insignificantWhitespaceIsAcceptedOnReadAndNeverWritten() throws {
  let spaced = "  { \"date\" : \"2025\" ,\t\"kind\":\"report\", \"org\" :\"o\" , \"attrs\" : { \"b\" : [ \"x\" , \"y\" ] , \"a\" : 1 } }\r"
  let event = try decodeLine(spaced)
  #expect(text(EventCodec.content(event)) == #"{"date":"2025","kind":"report","org":"o","attrs":{"a":1,"b":["x","y"]},"confidence":"reported"}"#)
}

/// Duplicate keys anywhere in an event are refused.
@Test(arguments: [
  (#"{"date":"2025","kind":"report","org":"o","org":"p"}"#, "duplicate field \"org\""),
  (#"{"date":"2025","date":"2025","kind":"report","org":"o"}"#, "duplicate field \"date\""),
  (#"{"date":"2025","kind":"report","org":"o","note":null,"note":"x"}"#, "duplicate field \"note\""),
  (#"{"date":"2025","kind":"report","org":"o","attrs":{"a":"1","a":"2"}}"#, "duplicate attr \"a\""),
  (#"{"date":"2025","kind":"report","org":"o","source":{"title":"t","title":"u"}}"#, "duplicate source field \"title\""),
])
func duplicateKeysAreRefused(line: String, fragment: String) {
  do {
    _ = try decodeLine(line)
    Issue.record("accepted \(line)")
  } catch {
    #expect(error.message.contains(fragment), "\(error.message)")
  }
}

@Test(arguments: [
  (#"{"date":"2025","kind":"report","org":"o","tags":["a"]}"#, "unknown field \"tags\""),
  (#"{"date":"2025","kind":"report","org":"o","Date":"2025"}"#, "unknown field \"Date\""),
  (#"{"date":"2025","kind":"report","org":"o","notes":"x"}"#, "did you mean \"note\""),
  (#"["date","2025"]"#, "one JSON object per line"),
  (#""text""#, "one JSON object per line"),
])
func unknownTopLevelFieldsAndNonObjectsAreRefused(line: String, fragment: String) {
  do {
    _ = try decodeLine(line)
    Issue.record("accepted \(line)")
  } catch {
    #expect(error.message.contains(fragment), "\(error.message)")
  }
}

@Test func nullFieldsAndEmptyAttrsAreOmittedFromTheCanonicalForm() throws {
  let withNulls = try decodeLine(#"{"date":"2025","kind":"report","org":"o","subject":null,"attrs":{},"source":null,"supersedes":null,"note":null,"confidence":null}"#)
  let plain = try decodeLine(#"{"date":"2025","kind":"report","org":"o"}"#)
  #expect(withNulls == plain)
  #expect(text(EventCodec.content(withNulls)) == #"{"date":"2025","kind":"report","org":"o","confidence":"reported"}"#)
  #expect(EventCodec.contentID(withNulls) == EventCodec.contentID(plain))
  let nullAttr = try decodeLine(#"{"date":"2025","kind":"report","org":"o","attrs":{"a":null}}"#)
  #expect(text(EventCodec.content(nullAttr)) == text(EventCodec.content(plain)))
  let nullSourceFields = try decodeLine(#"{"date":"2025","kind":"report","org":"o","source":{"title":"t","url":null}}"#)
  #expect(text(EventCodec.content(nullSourceFields)).contains(#""source":{"title":"t"}"#))
}

/// Strings that must survive a write and a read unchanged, as one line.
@Test(arguments: [
  "plain",
  "quote \" backslash \\ slash /",
  "tab\there\nnewline\rreturn",
  "bell \u{07} nul \u{00} escape \u{1B} unit \u{1F} del \u{7F}",
  "ü é 盲测 🍰 \u{2028}\u{2029} \u{FEFF}",
  "\\n is not a newline",
  "",
  "trailing backslash \\",
])
func stringsRoundTripOnOneLine(note: String) throws {
  var event = try decodeLine(#"{"id":"e-1","date":"2025","kind":"report","org":"o","recorded":"2025-12-10T08:15:02.114Z"}"#, stored: true)
  event.note = note
  event.attrs["k\n\"ey"] = .string(note)
  event.attrs["list"] = .strings([note, "\u{01}"])
  let line = EventCodec.encode(event)
  #expect(!line.contains(0x0a), "one event is one line")
  #expect(!line.contains(0x0d))
  #expect(line.allSatisfy { $0 >= 0x20 }, "no raw control characters")
  let back = try EventCodec.decode(line, stored: true)
  #expect(back.note == note)
  #expect(back == event)
  #expect(EventCodec.encode(back) == line)
}

/// Only `"`, `\` and U+0000-U+001F are escaped: `\n`, `\r`, `\t`, the rest as lowercase `\u00xx`.
@Test(arguments: [
  ("\"", #""\"""#),
  ("\\", #""\\""#),
  ("\n", #""\n""#),
  ("\r", #""\r""#),
  ("\t", #""\t""#),
  ("\u{00}", #""\u0000""#),
  ("\u{08}", #""\u0008""#),
  ("\u{0C}", #""\u000c""#),
  ("\u{1B}", #""\u001b""#),
  ("\u{1F}", #""\u001f""#),
  ("\u{7F}", "\"\u{7F}\""),
  ("/", #""/""#),
  ("ü", "\"ü\""),
  ("🍰", "\"🍰\""),
])
func canonicalStringEscapesOnlyWhatItMust(value: String, expected: String) {
  var out: [UInt8] = []
  CanonicalJSON.appendString(value, to: &out)
  #expect(text(out) == expected)
}

@Test func escapedInputDecodesToTheSameStringAsRawInput() throws {
  let escaped = try decodeLine(#"{"date":"2025","kind":"report","org":"o","note":"\u00fc\u76f2 \ud83c\udf70 \/ \b\f"}"#)
  #expect(escaped.note == "ü盲 🍰 / \u{08}\u{0C}")
  #expect(text(EventCodec.content(escaped)).contains(#""note":"ü盲 🍰 / \u0008\u000c""#))
}

/// RFC 8785 number text (ECMAScript's shortest round trip form).
@Test(arguments: [
  ("500000000000", "500000000000"),
  ("5e11", "500000000000"),
  ("0.1", "0.1"),
  ("1.50", "1.5"),
  ("1e21", "1e+21"),
  ("1E21", "1e+21"),
  ("1e+21", "1e+21"),
  ("100000000000000000000", "100000000000000000000"),
  ("123456789012345680000", "123456789012345680000"),
  ("5e-7", "5e-7"),
  ("0.0000005", "5e-7"),
  ("0.000001", "0.000001"),
  ("1.5e-7", "1.5e-7"),
  ("-0", "0"),
  ("-0.0", "0"),
  ("0", "0"),
  ("0e10", "0"),
  ("-1", "-1"),
  ("-2.5e-10", "-2.5e-10"),
  ("1", "1"),
  ("1.0", "1"),
  ("9007199254740992", "9007199254740992"),
  ("0.30000000000000004", "0.30000000000000004"),
  ("1.7976931348623157e308", "1.7976931348623157e+308"),
  ("5e-324", "5e-324"),
  ("123.456", "123.456"),
  ("-1e-6", "-0.000001"),
  ("1e-7", "1e-7"),
])
func numbersAreWrittenAsRFC8785Does(literal: String, expected: String) throws {
  let event = try decodeLine(#"{"date":"2025","kind":"metric","org":"o","attrs":{"name":"n","value":\#(literal)}}"#)
  #expect(text(EventCodec.content(event)).contains(#""value":\#(expected)}"#), "\(text(EventCodec.content(event)))")
  let reread = try decodeLine(text(EventCodec.content(event)))
  #expect(reread == event, "the canonical text reads back as the same number")
}

/// Numbers a double cannot hold exactly are refused rather than rounded.
@Test(arguments: ["1e400", "-1e400", "1e-400", "9007199254740993", "0.1000000000000000000001", "123456789012345678901", "1e99999999999999999999"])
func inexactNumbersAreRefused(literal: String) {
  do {
    let event = try decodeLine(#"{"date":"2025","kind":"metric","org":"o","attrs":{"name":"n","value":\#(literal)}}"#)
    Issue.record("\(literal) was accepted as \(String(describing: event.attrs["value"]))")
  } catch {
    #expect(error.message.contains(literal), "the message quotes the number: \(error.message)")
    #expect(error.message.contains("exactly"), "\(error.message)")
  }
}

@Test func numberTextOfCommonDoubles() {
  #expect(CanonicalJSON.numberText(500_000_000_000) == "500000000000")
  #expect(CanonicalJSON.numberText(0.1) == "0.1")
  #expect(CanonicalJSON.numberText(1e21) == "1e+21")
  #expect(CanonicalJSON.numberText(1e20) == "100000000000000000000")
  #expect(CanonicalJSON.numberText(5e-7) == "5e-7")
  #expect(CanonicalJSON.numberText(1e-6) == "0.000001")
  #expect(CanonicalJSON.numberText(-0.0) == "0")
  #expect(CanonicalJSON.numberText(-1.5) == "-1.5")
  #expect(CanonicalJSON.numberText(0.1 + 0.2) == "0.30000000000000004")
}

@Test func customIDIsKeptAndTheContentIDIgnoresIt() throws {
  let bare = try decodeLine(#"{"date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation","unit":"USD","value":500000000000},"confidence":"reported","note":"about $500 billion"}"#)
  let custom = try decodeLine(#"{"id":"valuation-dec","date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation","unit":"USD","value":500000000000},"note":"about $500 billion","recorded":"2025-12-10T08:15:02.114Z"}"#)
  #expect(custom.id == "valuation-dec")
  #expect(EventCodec.contentID(bare) == "5aea54fd60ad")
  #expect(EventCodec.contentID(custom) == "5aea54fd60ad", "id and recorded are not part of the content")
  #expect(text(EventCodec.encode(custom)).hasPrefix(#"{"id":"valuation-dec","date":"2025-12""#))
  #expect(text(EventCodec.encode(custom)).hasSuffix(#","recorded":"2025-12-10T08:15:02.114Z"}"#))
}

@Test(arguments: [
  ("5aea54fd60ad", true), ("000000000000", true), ("abcdefabcdef", true),
  ("5AEA54FD60AD", false), ("5aea54fd60a", false), ("5aea54fd60adx", false), ("5aea54fd60ag", false),
  ("valuation-dec", false),
])
func contentIDFormIsTwelveLowercaseHexDigits(id: String, isContentForm: Bool) {
  #expect(EventSchema.isContentIDForm(id) == isContentForm)
  #expect(EventSchema.isValidID(id))
}

@Test func theSameFactAddedTwiceHasTheSameContentID() throws {
  let a = try decodeLine(#"{"date":"2025","kind":"report","org":"o","attrs":{"b":"2","a":"1"}}"#)
  let b = try decodeLine(#"{"attrs":{"a":"1","b":"2"},"org":"o","kind":"report","date":"2025","confidence":"reported"}"#)
  #expect(EventCodec.contentID(a) == EventCodec.contentID(b))
  let c = try decodeLine(#"{"date":"2025","kind":"report","org":"o","attrs":{"a":"1","b":"2"},"confidence":"rumor"}"#)
  #expect(EventCodec.contentID(a) != EventCodec.contentID(c), "confidence is part of the fact")
}

@Test func contentIDIsComputedIndependentlyFromTheCanonicalBytes() throws {
  // The id of these canonical bytes, worked out outside Swift:
  // printf '%s' "$canonical" | sha256sum | cut -c1-12
  let event = try decodeLine(#"{"kind":"hire","org":"openai","date":"2025-12-09","subject":"denise-dresser","attrs":{"role":"CRO"}}"#)
  let canonical = #"{"date":"2025-12-09","kind":"hire","org":"openai","subject":"denise-dresser","attrs":{"role":"CRO"},"confidence":"reported"}"#
  #expect(text(EventCodec.content(event)) == canonical)
  #expect(EventCodec.contentID(event) == "6150d9d417b8")
}

/// A small seeded generator so that tests are repeatable.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Test(arguments: [
  ("a", "ab", true), ("ab", "a", false), ("", "a", true), ("a", "", false), ("a", "a", false),
  ("z", "é", true),  // U+007A before U+00E9
  ("\u{FF5E}", "\u{1F600}", true),  // by code point, not by UTF-16 unit (0xFF5E > 0xD83D)
  ("e\u{301}", "é", true), ("é", "e\u{301}", false),  // canonically equal to Swift, distinct code points
])
func keysSortByCodePoint(a: String, b: String, precedes: Bool) {
  #expect(codePointPrecedes(a, b) == precedes)
  #expect(codePointPrecedes(a, b) == a.utf8.lexicographicallyPrecedes(b.utf8))
}

import EventLog
import Testing

private func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
private func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue { try JSONParser.parse(bytes) }

@Test func parserReadsEveryKindOfValue() throws {
  let value = try parse(#" {"s":"x","n":-1.5e3,"t":true,"f":false,"z":null,"a":[1,[],{}],"o":{"k":"v"}} "#)
  guard case .object(let members) = value else { Issue.record("not an object"); return }
  #expect(members.map(\.key) == ["s", "n", "t", "f", "z", "a", "o"], "members keep their order")
  #expect(members[0].value == .string("x"))
  if case .number(let number) = members[1].value {
    #expect(number.literal == "-1.5e3")
    #expect(number.value == -1500)
  } else {
    Issue.record("n is not a number")
  }
  #expect(members[2].value == .bool(true))
  #expect(members[3].value == .bool(false))
  #expect(members[4].value == .null)
  #expect(members[5].value == .array([.number(JSONNumber(literal: "1", value: 1)), .array([]), .object([])]))
  #expect(members[6].value == .object([JSONMember("k", .string("v"))]))
}

@Test func parserKeepsDuplicateKeysForTheCallerToJudge() throws {
  #expect(try parse(#"{"a":1,"a":2}"#) == .object([
    JSONMember("a", .number(JSONNumber(literal: "1", value: 1))), JSONMember("a", .number(JSONNumber(literal: "2", value: 2))),
  ]))
}

@Test func surrogatePairEscapesDecodeToOneScalar() throws {
  #expect(try parse(#""\ud83c\udf70""#) == .string("🍰"))
  #expect(try parse(#""\u00E9\u00e9""#) == .string("éé"))
}

/// Texts that are not strict JSON.
@Test(arguments: [
  #"{"a":1,}"#, #"[1,]"#, #"{"a":01}"#, #"{"a":NaN}"#, #"{"a":Infinity}"#, #"{"a":.5}"#, #"{"a":1.}"#, #"{"a":+1}"#,
  #"{"a":1e}"#, #"{"a":-}"#, "{'a':1}", #"{a:1}"#, #"{"a":1} // c"#, #"/* c */ {}"#, #"{"a":1}{"#, #"{"a":1"#, #"{"a""#,
  #"{"a":tru}"#, #"{"a":nul}"#, #""\x""#, #""\u12""#, #""\u12G4""#, #""\ud83c""#, #""\udf70""#, #""\ud83c\u0041""#,
  "\"tab\tin string\"", "\"new\nline\"", "", "   ", #"{"a" 1}"#, #"[1 2]"#, "\"unterminated",
])
func nonStrictJSONIsRefused(text: String) {
  #expect(throws: JSONSyntaxError.self, "\(text)") { try parse(text) }
}

/// Byte sequences that are not valid UTF-8.
@Test(arguments: [
  [0x22, 0xff, 0x22], [0x22, 0xc0, 0x80, 0x22], [0x22, 0xc1, 0xbf, 0x22], [0x22, 0xe0, 0x80, 0x80, 0x22],
  [0x22, 0xed, 0xa0, 0x80, 0x22], [0x22, 0xf5, 0x80, 0x80, 0x80, 0x22], [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22],
  [0x22, 0xc3, 0x22], [0x22, 0xe2, 0x82, 0x22], [0x22, 0x80, 0x22], [0xfe, 0xff],
] as [[UInt8]])
func invalidUTF8IsRefused(bytes: [UInt8]) {
  #expect(throws: JSONSyntaxError.self) { try parse(bytes: bytes) }
}

@Test func validMultiByteUTF8IsKept() throws {
  #expect(try parse(bytes: [0x22, 0xc3, 0xbc, 0xe7, 0x9b, 0xb2, 0xf0, 0x9f, 0x8d, 0xb0, 0x22]) == .string("ü盲🍰"))
}

@Test func nestingIsLimitedToSixtyFourLevels() throws {
  _ = try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
  #expect(throws: JSONSyntaxError.self) {
    try parse(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))
  }
  #expect(throws: JSONSyntaxError.self) {
    try parse(String(repeating: #"{"a":"#, count: 100_000))
  }
}

@Test func syntaxErrorsSayWhere() {
  do {
    _ = try parse(#"{"a":1,}"#)
    Issue.record("a trailing comma was accepted")
  } catch {
    #expect(error.column == 8, "\(error.description)")
    #expect(error.description.contains("column 8"))
  }
}

import Foundation
import Testing

// The log reader must be exactly as strict as the event codec: a query on a log
// with any line the codec refuses fails with 65 naming file:line, never skips it
// and never reads it differently (the fast scanner falls back to the codec).

private let good = #"{"id":"ok","date":"2025-12-01","kind":"launch","org":"openai","subject":"openai/a","recorded":"2025-12-01T00:00:00.000Z"}"#
private let stamp = #","recorded":"2025-12-20T00:00:00.000Z"}"#

/// Stored lines (id and recorded present) that the codec refuses.
let refusedStoredLines: [String] = [
  // fields
  #"{"id":"b","date":"2025","kind":"report","org":"o","org":"p""# + stamp,
  #"{"id":"b","id":"c","date":"2025","kind":"report","org":"o""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","tags":["a"]"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","Note":"x""# + stamp,
  #"{"id":"","date":"2025","kind":"report","org":"o""# + stamp,
  #"{"id":"a b","date":"2025","kind":"report","org":"o""# + stamp,
  #"{"id":7,"date":"2025","kind":"report","org":"o""# + stamp,
  #"{"date":"2025","kind":"report","org":"o""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o"}"#,
  #"{"id":"b","date":"2025","kind":"report","org":"o","recorded":"2025-12-20T00:00:00.0001Z"}"#,
  #"{"id":"b","date":"2025","kind":"report","org":"o","recorded":"2025-12-20T00:00:00"}"#,
  #"{"id":"b","date":"2025","kind":"report","org":"o","recorded":null}"#,
  #"{"id":"b","date":"2025","kind":"report","org":"o","confidence":"sure""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","confidence":1"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","note":7"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","source":{"publisher":"P"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","source":{"title":"T","title":"U"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","source":{"title":"T","author":"A"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","source":{"title":"T","date":"2025-13"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","supersedes":"b""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","supersedes":"no/slash""# + stamp,
  // dates and kinds
  #"{"id":"b","date":"2025-02-30","kind":"report","org":"o""# + stamp,
  #"{"id":"b","date":"2025-13","kind":"report","org":"o""# + stamp,
  #"{"id":"b","date":"25-12-01","kind":"report","org":"o""# + stamp,
  #"{"id":"b","date":"0000","kind":"report","org":"o""# + stamp,
  #"{"id":"b","date":20251201,"kind":"report","org":"o""# + stamp,
  #"{"id":"b","kind":"report","org":"o""# + stamp,
  #"{"id":"b","date":"2025","kind":"lunch","org":"o""# + stamp,
  #"{"id":"b","date":"2025","kind":"x-","org":"o""# + stamp,
  #"{"id":"b","date":"2025","kind":"x-Blind","org":"o""# + stamp,
  #"{"id":"b","date":"2025","kind":"Launch","org":"o""# + stamp,
  #"{"id":"b","date":"2025","org":"o""# + stamp,
  // orgs and subjects
  #"{"id":"b","date":"2025","kind":"report""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"OpenAI""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"open.ai""# + stamp,
  #"{"id":"b","date":"2025","kind":"launch","org":"openai""# + stamp,
  #"{"id":"b","date":"2025","kind":"launch","org":"openai","subject":"google/x""# + stamp,
  #"{"id":"b","date":"2025","kind":"pause","org":"openai","subject":"sora""# + stamp,
  #"{"id":"b","date":"2025","kind":"hire","org":"openai","subject":"openai/bob","attrs":{"role":"CRO"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"strategy","org":"openai","subject":"openai/sora""# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","subject":"google","attrs":{"name":"n","value":1}"# + stamp,
  #"{"id":"b","date":"2025","kind":"retract","org":"openai","attrs":{"target":"ok"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"retract","subject":"x","attrs":{"target":"ok"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"retract","attrs":{"target":"b"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"retract","supersedes":"ok","attrs":{"target":"ok"}"# + stamp,
  // attrs
  #"{"id":"b","date":"2025","kind":"hire","org":"openai","subject":"bob""# + stamp,
  #"{"id":"b","date":"2025","kind":"codename","org":"openai""# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","attrs":{"name":"n"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","attrs":{"name":"n","value":"5"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","attrs":{"name":"n","value":1e400}"# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","attrs":{"name":"n","value":9007199254740993}"# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","attrs":{"name":"n","value":1e-400}"# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","attrs":{"name":"n","value":01}"# + stamp,
  #"{"id":"b","date":"2025","kind":"metric","org":"openai","attrs":{"name":"n","value":NaN}"# + stamp,
  #"{"id":"b","date":"2025","kind":"launch","org":"openai","subject":"openai/x","attrs":{"predecesor":"openai/y"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"launch","org":"openai","subject":"openai/x","attrs":{"predecessor":"gpt-4"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":true}"# + stamp,
  #"{"id":"b","date":"2025","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":""}"# + stamp,
  #"{"id":"b","date":"2025","kind":"resume","org":"openai","subject":"openai/x","attrs":{"reason":"r"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"strategy","org":"openai","attrs":{"focus":"openai/x"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"strategy","org":"openai","attrs":{"focus":["openai/x",1]}"# + stamp,
  #"{"id":"b","date":"2025","kind":"strategy","org":"openai","attrs":{"focus":[""]}"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","attrs":{"a":"1","a":"2"}"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","attrs":{"nested":{"a":1}}"# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","attrs":["a"]"# + stamp,
  // JSON syntax and strings
  #"{"id":"b","date":"2025","kind":"report","org":"o",}"#,
  #"{"id":"b","date":"2025","kind":"report","org":"o"}}"#,
  #"{"id":"b","date":"2025","kind":"report","org":"o""#,
  #"{"id":"b","date":"2025","kind":"report","org":"o","note":"\x""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","note":"\ud83c""# + stamp,
  #"{"id":"b","date":"2025","kind":"report","org":"o","note":"\udf70""# + stamp,
  "{\"id\":\"b\",\"date\":\"2025\",\"kind\":\"report\",\"org\":\"o\",\"note\":\"tab\there\"" + stamp,
  #"{'id':'b'}"#,
  #"["b"]"#,
  "",
  " ",
  #"{"id":"b","date":"2025","kind":"report","org":"o","attrs":{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"# + stamp,
]

@Test(arguments: refusedStoredLines)
func aLogLineTheCodecRefusesFailsEveryQuery(line: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [good, line, good.replacingOccurrences(of: "\"ok\"", with: "\"ok2\"").replacingOccurrences(of: "00:00:00.000Z", with: "00:00:01.000Z")])
    let before = snapshot(log)
    for command in [["state"], ["log", "--json"]] {
      let result = try timeline(["--log", log] + command)
      #expect(snapshot(log) == before)
      #expect(result.status == 65, "\(command): \(result.stderr)")
      #expect(result.stderr.hasPrefix("timeline: error: \(log)/log.jsonl:2: "), "\(result.stderr)")
      #expect(result.stdout.isEmpty)
    }
  }
}

/// Byte sequences that are not UTF-8, inside a string of a stored line.
@Test(arguments: [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0x00], [0x1f]] as [[UInt8]])
func aLogLineWithInvalidBytesFailsEveryQuery(bytes: [UInt8]) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir, [])
    let line = Array(#"{"id":"b","date":"2025","kind":"report","org":"o","note":"x"#.utf8) + bytes + Array(("\"" + stamp).utf8)
    try writeBytes(Array((good + "\n").utf8) + line + [0x0a], to: log + "/log.jsonl")
    let before = snapshot(log)
    let result = try timeline(["--log", log, "lineage"])
    #expect(snapshot(log) == before)
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("timeline: error: \(log)/log.jsonl:2: "), "\(result.stderr)")
  }
}

/// Lines the codec accepts in unusual but valid forms are read the same as their canonical form.
@Test(arguments: [
  #"{"recorded":"2025-12-20T01:00:00.000+01:00","org":"openai","kind":"metric","date":"2025-12","id":"b","attrs":{"value":5E11,"unit":"USD","name":"valuation"}}"#,
  #"{ "id" : "b" , "date" : "2025-12" , "kind" : "metric" , "org" : "openai" , "attrs" : { "name" : "valuation" , "value" : 500000000000.0 , "unit" : "USD" } , "recorded" : "2025-12-20T00:00:00Z" }"#,
  #"{"id":"b","date":"2025-12","kind":"metric","org":"openai","subject":null,"attrs":{"name":"valuation","value":5e+11,"unit":"USD","extra":null},"note":null,"source":null,"supersedes":null,"recorded":"2025-12-20T00:00:00.000Z"}"#,
  #"{"id":"b","date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"val\u0075ation","value":500000000000,"unit":"\u0055SD"},"confidence":"reported","recorded":"2025-12-20T00:00:00.000Z"}"#,
])
func validLinesInAnyFormReadAsTheirCanonicalForm(line: String) throws {
  try withTemporaryDirectory { dir throws in
    let canonical = try folderLog(dir + "/a", [#"{"id":"b","date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation","unit":"USD","value":500000000000},"confidence":"reported","recorded":"2025-12-20T00:00:00.000Z"}"#])
    let unusual = try folderLog(dir + "/b", [line])
    for command in [["state", "--at", "2025-12"], ["log"]] {
      let want = try timeline(["--log", canonical] + command + ["--json"])
      let got = try timeline(["--log", unusual] + command + ["--json"])
      #expect(got.status == 0, "\(got.stderr)")
      #expect(got.stdout == want.stdout)
    }
  }
}

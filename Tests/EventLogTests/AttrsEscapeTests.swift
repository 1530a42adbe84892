@testable import EventLog
import Testing

// `why` and the known-name check read a line whole only when its bytes hold
// the name or an escape could spell it in the attributes (`attrsMayHoldEscapes`):
// a backslash elsewhere in the line, such as a note's `\n`, does not count.

@Test(arguments: [
  (#"{"id":"a","attrs":{"reason":"plain"}}"#, false),
  (#"{"id":"a","note":"two\nlines","attrs":{"reason":"plain"}}"#, false),
  (#"{"source":{"title":"say \"hi\""},"attrs":{"l":[1,2,{"x":"y"}]}}"#, false),
  (#"{"note":"\"attrs\":{\"x\":\"\\n\"}"}"#, false),
  (#"{"a":[1,2],"note":"\t","attrs":{}}"#, false),
  (#"{"attrs":{"reason":"code\u0020red"}}"#, true),
  (#"{"attrs":{"focus":["a","b\/c"]},"note":"x"}"#, true),
  (#"{"attrs":{"n":1,"l":[1,{"x":"\t"}]}}"#, true),
  (#"{ "a" : 1 , "attrs" : { "x" : "\u0041" } }"#, true),
  (#"{"attr\u0073":{"reason":"x"},"note":"\n"}"#, true),
  (#"{"attrs":{"x":"y"},"attrs":{"x":"\u0041"}}"#, true),
  (#"{"note":"unterminated \"#, true),
  (#"not an object \n"#, true),
  (#"{"note":"\n","attrs":{"x":"y"}"#, true),
])
func aBackslashCountsOnlyWhereItCouldSpellAnAttributeString(_ line: String, _ mayHold: Bool) {
  let bytes = Array(line.utf8)
  #expect(bytes.withUnsafeBytes { attrsMayHoldEscapes($0) } == mayHold, "\(line)")
}

/// Every cut of a line (a line changed since it was read may end anywhere)
/// is walked without reading past its end, and a cut inside the attributes
/// is never ruled out.
@Test func everyCutOfALineIsWalkedSafely() {
  let line = Array(#"{"note":"a\nb","attrs":{"reason":"x\u0041","l":["p",{"q":"\t"}]},"id":"z"}"#.utf8)
  let attrsStart = line.firstIndex(of: UInt8(ascii: "{"), after: 12)
  for end in 0...line.count {
    let cut = Array(line[..<end])
    let result = cut.withUnsafeBytes { attrsMayHoldEscapes($0) }
    if end > attrsStart { #expect(result, "cut at \(end)") }
  }
}

extension Array where Element == UInt8 {
  fileprivate func firstIndex(of byte: UInt8, after start: Int) -> Int { self[start...].firstIndex(of: byte)! }
}

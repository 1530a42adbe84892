import EventLog
import Testing

/// Decodes one line as `add --stdin` reads it (no id or recorded needed).
func decodeLine(_ line: String, stored: Bool = false) throws(ValueError) -> Event {
  try EventCodec.decode(Array(line.utf8), stored: stored)
}

/// Events that every rule of DESIGN.md's kinds table accepts.
@Test(arguments: [
  #"{"date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/gpt-5.2","attrs":{"type":"model","predecessor":"openai/gpt-5.1","codename":"olive-oil-cake"}}"#,
  #"{"date":"2025-12","kind":"launch","org":"openai","subject":"openai/sora"}"#,
  #"{"date":"2025","kind":"launch","org":"meta","subject":"meta/llama-4","attrs":{"predecessor":"openai/gpt-2"}}"#,
  #"{"date":"2025-12-01","kind":"pause","org":"openai","subject":"openai/sora","attrs":{"reason":"code red"}}"#,
  #"{"date":"2025-12-01","kind":"pause","org":"openai","subject":"openai/sora"}"#,
  #"{"date":"2025-12-01","kind":"resume","org":"openai","subject":"openai/sora"}"#,
  #"{"date":"2025-12-01","kind":"retire","org":"openai","subject":"openai/sora","attrs":{"reason":"old"}}"#,
  #"{"date":"2025-12-01","kind":"throttle","org":"google","subject":"google/nano-banana-pro","attrs":{"limit":"2 images a day"}}"#,
  #"{"date":"2025-12-01","kind":"unthrottle","org":"google","subject":"google/nano-banana-pro"}"#,
  #"{"date":"2025-12-09","kind":"hire","org":"openai","subject":"denise-dresser","attrs":{"role":"CRO","from":"slack"}}"#,
  #"{"date":"2025-12-09","kind":"hire","org":"openai","subject":"j.doe","attrs":{"role":"CEO"}}"#,
  #"{"date":"2025-12-09","kind":"depart","org":"openai","subject":"denise-dresser","attrs":{"role":"CRO"}}"#,
  #"{"date":"2025-12-09","kind":"depart","org":"openai","subject":"denise-dresser"}"#,
  #"{"date":"2025-12","kind":"codename","org":"openai","attrs":{"codename":"olive-oil-cake"}}"#,
  #"{"date":"2025-12","kind":"codename","org":"openai","subject":"openai/gpt-5.2","attrs":{"codename":"olive-oil-cake"}}"#,
  #"{"date":"2025-12-10","kind":"strategy","org":"openai","attrs":{"label":"code red","focus":["openai/chatgpt"],"deprioritize":["openai/sora"]}}"#,
  #"{"date":"2025-12-10","kind":"strategy","org":"openai","subject":"openai","attrs":{"focus":[]}}"#,
  #"{"date":"2025-12-10","kind":"strategy","org":"openai"}"#,
  #"{"date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation","value":500000000000,"unit":"USD"}}"#,
  #"{"date":"2025-12","kind":"metric","org":"openai","subject":"openai","attrs":{"name":"valuation","value":5e11}}"#,
  #"{"date":"2025-12","kind":"metric","org":"openai","subject":"openai/chatgpt","attrs":{"name":"weekly-users","value":8e8,"unit":"people"}}"#,
  #"{"date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"ratio","value":-0.25}}"#,
  #"{"date":"2025-12","kind":"report","org":"openai"}"#,
  #"{"date":"2025-12","kind":"report","org":"openai","subject":"google/gemini-3","attrs":{"winner":"google/gemini-3","score":0.7,"blind":true,"models":["a","b"]}}"#,
  #"{"date":"2025-12","kind":"report","org":"openai","subject":"sam-altman"}"#,
  #"{"date":"2025-12","kind":"x-blind-test","org":"lmarena","subject":"google/gemini-3","attrs":{"rank":1,"anything":"goes"}}"#,
  #"{"date":"2025-12","kind":"x-a","org":"a"}"#,
  #"{"date":"2025-12-12","kind":"retract","attrs":{"target":"d16757df582e","reason":"wrong"}}"#,
  #"{"date":"2025-12-12","kind":"retract","attrs":{"target":"my-own_id.1"}}"#,
  #"{"date":"2025","kind":"report","org":"openai","confidence":"rumor"}"#,
  #"{"date":"2025","kind":"report","org":"openai","confidence":"confirmed","source":{"url":"https://example.com"}}"#,
  #"{"date":"2025","kind":"report","org":"openai","source":{"title":"T","publisher":"P","url":"https://u.example","date":"2025-12"}}"#,
  #"{"date":"2025","kind":"report","org":"openai","supersedes":"d16757df582e","note":"fixed"}"#,
  #"{"id":"A-z_0.9","date":"2025","kind":"report","org":"openai"}"#,
  #"{"date":"2025","kind":"report","org":"0penai-2"}"#,
])
func validEventIsAccepted(line: String) throws {
  _ = try decodeLine(line)
}

/// Events that break one rule, with a piece of the message naming what is wrong.
@Test(arguments: [
  // subjects
  (#"{"date":"2025","kind":"launch","org":"openai"}"#, "missing \"subject\""),
  (#"{"date":"2025","kind":"launch","org":"openai","subject":"google/gemini-3"}"#, "belongs to google"),
  (#"{"date":"2025","kind":"pause","org":"openai","subject":"sora"}"#, "is not a product id"),
  (#"{"date":"2025","kind":"throttle","org":"openai","subject":"openai/Sora"}"#, "is not a product id"),
  (#"{"date":"2025","kind":"unthrottle","org":"openai","subject":"openai/"}"#, "is not a product id"),
  (#"{"date":"2025","kind":"hire","org":"openai","attrs":{"role":"CRO"}}"#, "missing \"subject\""),
  (#"{"date":"2025","kind":"hire","org":"openai","subject":"openai/bob","attrs":{"role":"CRO"}}"#, "is not a person slug"),
  (#"{"date":"2025","kind":"depart","org":"openai","subject":"Bob"}"#, "is not a person slug"),
  (#"{"date":"2025","kind":"codename","org":"openai","subject":"google/x","attrs":{"codename":"c"}}"#, "belongs to google"),
  (#"{"date":"2025","kind":"strategy","org":"openai","subject":"openai/sora"}"#, "about its org"),
  (#"{"date":"2025","kind":"strategy","org":"openai","subject":"google"}"#, "about its org"),
  (#"{"date":"2025","kind":"metric","org":"openai","subject":"google","attrs":{"name":"n","value":1}}"#, "is not a product id"),
  (#"{"date":"2025","kind":"metric","org":"openai","subject":"google/x","attrs":{"name":"n","value":1}}"#, "belongs to google"),
  (#"{"date":"2025","kind":"report","org":"openai","subject":"Not A Slug"}"#, "is not a slug"),
  (#"{"date":"2025","kind":"retract","subject":"x","attrs":{"target":"abc"}}"#, "has no \"subject\""),
  // orgs
  (#"{"date":"2025","kind":"report"}"#, "missing \"org\""),
  (#"{"date":"2025","kind":"report","org":"OpenAI"}"#, "is not an org slug"),
  (#"{"date":"2025","kind":"report","org":"open.ai"}"#, "is not an org slug"),
  (#"{"date":"2025","kind":"report","org":"-openai"}"#, "is not an org slug"),
  (#"{"date":"2025","kind":"report","org":""}"#, "is not an org slug"),
  (#"{"date":"2025","kind":"retract","org":"openai","attrs":{"target":"abc"}}"#, "has no \"org\""),
  // attrs: required, unknown, types
  (#"{"date":"2025","kind":"hire","org":"openai","subject":"bob"}"#, "missing attr \"role\""),
  (#"{"date":"2025","kind":"codename","org":"openai"}"#, "missing attr \"codename\""),
  (#"{"date":"2025","kind":"metric","org":"openai","attrs":{"value":1}}"#, "missing attr \"name\""),
  (#"{"date":"2025","kind":"metric","org":"openai","attrs":{"name":"n"}}"#, "missing attr \"value\""),
  (#"{"date":"2025","kind":"retract","attrs":{"reason":"r"}}"#, "missing attr \"target\""),
  (#"{"date":"2025","kind":"launch","org":"openai","subject":"openai/x","attrs":{"predecesor":"openai/y"}}"#, "did you mean \"predecessor\""),
  (#"{"date":"2025","kind":"resume","org":"openai","subject":"openai/x","attrs":{"reason":"r"}}"#, "takes no attrs"),
  (#"{"date":"2025","kind":"hire","org":"openai","subject":"bob","attrs":{"role":"CRO","salary":1}}"#, "unknown attr \"salary\""),
  (#"{"date":"2025","kind":"metric","org":"openai","attrs":{"name":"n","value":"5"}}"#, "must be a number"),
  (#"{"date":"2025","kind":"metric","org":"openai","attrs":{"name":5,"value":5}}"#, "must be a string"),
  (#"{"date":"2025","kind":"launch","org":"openai","subject":"openai/x","attrs":{"type":true}}"#, "must be a string, not a boolean"),
  (#"{"date":"2025","kind":"strategy","org":"openai","attrs":{"focus":"openai/x"}}"#, "must be an array of strings"),
  (#"{"date":"2025","kind":"strategy","org":"openai","attrs":{"focus":["openai/x",1]}}"#, "must be an array of strings"),
  (#"{"date":"2025","kind":"strategy","org":"openai","attrs":{"deprioritize":[""]}}"#, "empty item"),
  (#"{"date":"2025","kind":"pause","org":"openai","subject":"openai/x","attrs":{"reason":""}}"#, "is empty"),
  (#"{"date":"2025","kind":"launch","org":"openai","subject":"openai/x","attrs":{"predecessor":"gpt-4"}}"#, "is not a product id"),
  (#"{"date":"2025","kind":"report","org":"openai","attrs":{"nested":{"a":1}}}"#, "is an object"),
  (#"{"date":"2025","kind":"report","org":"openai","attrs":["a"]}"#, "must be an object"),
  (#"{"date":"2025","kind":"retract","attrs":{"target":"not an id"}}"#, "is not a valid id"),
  // kinds
  (#"{"date":"2025","kind":"lunch","org":"openai"}"#, "did you mean \"launch\""),
  (#"{"date":"2025","kind":"x-","org":"openai"}"#, "unknown kind"),
  (#"{"date":"2025","kind":"x-Blind","org":"openai"}"#, "unknown kind"),
  (#"{"date":"2025","kind":"Launch","org":"openai"}"#, "unknown kind"),
  (#"{"date":"2025","org":"openai"}"#, "missing \"kind\""),
  // dates, fields and values
  (#"{"kind":"report","org":"openai"}"#, "missing \"date\""),
  (#"{"date":20251201,"kind":"report","org":"openai"}"#, "\"date\" must be a string"),
  (#"{"date":"2025-02-30","kind":"report","org":"openai"}"#, "February 2025 has 28 days"),
  (#"{"date":"2025","kind":"report","org":"openai","confidence":"certain"}"#, "is not rumor, reported or confirmed"),
  (#"{"date":"2025","kind":"report","org":"openai","source":{"publisher":"P"}}"#, "needs at least a title or a url"),
  // An empty source is not a source left out: it is refused, not dropped.
  (#"{"date":"2025","kind":"report","org":"openai","source":{}}"#, "needs at least a title or a url"),
  (#"{"date":"2025","kind":"report","org":"openai","source":{"title":null,"url":null}}"#, "needs at least a title or a url"),
  (#"{"date":"2025","kind":"report","org":"openai","source":{"title":"T","author":"A"}}"#, "unknown source field \"author\""),
  (#"{"date":"2025","kind":"report","org":"openai","source":{"title":"T","date":"2025-13"}}"#, "\"source.date\""),
  (#"{"date":"2025","kind":"report","org":"openai","source":"T"}"#, "\"source\" must be an object"),
  (#"{"id":"a b","date":"2025","kind":"report","org":"openai"}"#, "is not a valid id"),
  (#"{"id":"","date":"2025","kind":"report","org":"openai"}"#, "is not a valid id"),
  (#"{"date":"2025","kind":"report","org":"openai","supersedes":"no/slash"}"#, "is not a valid id"),
  (#"{"id":"abc","date":"2025","kind":"report","org":"openai","supersedes":"abc"}"#, "cannot supersede itself"),
  (#"{"id":"abc","date":"2025","kind":"retract","attrs":{"target":"abc"}}"#, "cannot retract itself"),
  (#"{"date":"2025","kind":"retract","supersedes":"abc","attrs":{"target":"def"}}"#, "cannot supersede"),
  (#"{"date":"2025","kind":"report","org":"openai","recorded":"2025-12-10"}"#, "\"recorded\""),
  (#"{"date":"2025","kind":"report","org":"openai","note":7}"#, "\"note\" must be a string"),
])
func invalidEventIsRefusedNamingTheProblem(line: String, fragment: String) {
  do {
    let event = try decodeLine(line)
    Issue.record("accepted: \(event)")
  } catch {
    #expect(error.message.contains(fragment), "\(error.message)")
  }
}

/// A product event without its org is one fault, which names the org its
/// subject suggests; the subject is not blamed for belonging to an empty org.
@Test func aMissingOrgIsOneFaultNamingTheSubjectsOrg() throws {
  let event = Event(id: "", date: try EventDate.parse("2024-02-29"), kind: .launch, org: nil, subject: "acme/x")
  let faults = EventSchema.faults(event).map(\.message)
  #expect(faults == [#"missing "org": every launch event names an org (a slug like openai); its subject acme/x suggests "org": "acme""#])
}

@Test func anIDLongerThanSixtyFourCharactersIsRefused() throws {
  let ok = String(repeating: "a", count: 64)
  _ = try decodeLine(#"{"id":"\#(ok)","date":"2025","kind":"report","org":"o"}"#)
  #expect(throws: ValueError.self) {
    try decodeLine(#"{"id":"\#(ok)b","date":"2025","kind":"report","org":"o"}"#)
  }
}

@Test func storedLinesNeedAnIDAndARecordedTime() throws {
  let line = #"{"id":"e1","date":"2025","kind":"report","org":"o","recorded":"2025-12-10T08:15:02.114Z"}"#
  _ = try decodeLine(line, stored: true)
  #expect(throws: ValueError.self) { try decodeLine(#"{"date":"2025","kind":"report","org":"o","recorded":"2025-12-10T08:15:02.114Z"}"#, stored: true) }
  #expect(throws: ValueError.self) { try decodeLine(#"{"id":"e1","date":"2025","kind":"report","org":"o"}"#, stored: true) }
}

@Test(arguments: Kind.builtIn)
func everyBuiltInKindNameReadsBack(kind: Kind) {
  #expect(Kind(kind.description) == kind)
  #expect(!Kind.isCustomName(kind.description))
}

@Test(arguments: [("x-blind-test", true), ("x-1", true), ("x-a.b", true), ("x-", false), ("x-A", false), ("x_a", false), ("y-a", false), ("x-a b", false)])
func customKindNamesStartWithXDash(name: String, valid: Bool) {
  #expect(Kind.isCustomName(name) == valid)
  #expect((Kind(name) != nil) == valid)
}

import EventLog
import Testing

/// Names that look like others: refused in a new event, read as they are from the log.
@Test(arguments: [
  ("role", "CEO ", "ends with white space", #""CEO ""#),
  ("role", " CEO", "starts with white space", #"" CEO""#),
  ("role", "CEO\u{00A0}", "no-break space", #""CEO\u{00A0}""#),
  ("role", "Chief\u{2007}Officer", "no-break space", #""Chief\u{2007}Officer""#),
  ("role", "Chief\u{202F}Officer", "no-break space", #""Chief\u{202F}Officer""#),
  ("role", "C\u{200B}EO", "format character", #""C\u{200B}EO""#),
  ("role", "\u{FEFF}CEO", "format character", #""\u{FEFF}CEO""#),
  ("role", "CEO\u{200E}", "format character", #""CEO\u{200E}""#),
  ("role", "CEO\t", "ends with white space", #""CEO\u{0009}""#),
] as [(String, String, String, String)])
func aNameThatOnlyLooksRightIsRefusedInANewEventButReadFromTheLog(attr: String, value: String, fault: String, shown: String) throws {
  let event = Event(date: try EventDate.parse("2025-12-09"), kind: .hire)
  var hire = event
  hire.org = "openai"
  hire.subject = "ann"
  hire.attrs[attr] = .string(value)
  #expect(throws: ValueError.self) { try Names.check(hire) }
  do {
    try Names.check(hire)
  } catch {
    #expect(error.message.contains(fault), "\(error.message)")
    #expect(error.message.contains(shown), "\(error.message)")
  }
  // The same line as a new event (refused) and as a line of the log (read).
  hire.id = "e1"
  hire.recorded = try Timestamp.parse("2025-12-09T00:00:00.000Z")
  let line = EventCodec.encode(hire)
  #expect(throws: ValueError.self) { try EventCodec.decode(line, stored: false) }
  #expect(try EventCodec.decode(line, stored: true).attrs[attr] == .string(value))
  var scanner = EventScanner()
  let scanned = line.withUnsafeBytes { scanner.scanEvent($0, stored: true) }
  #expect(scanned == nil || scanned?.attrs[attr] == .string(value))
}

@Test func everyKindOfNameIsChecked() throws {
  let lines = [
    #"{"date":"2025","kind":"launch","org":"o","subject":"o/x","attrs":{"type":"model "}}"#,
    #"{"date":"2025","kind":"launch","org":"o","subject":"o/x","attrs":{"codename":"a\u200bb"}}"#,
    #"{"date":"2025","kind":"depart","org":"o","subject":"p","attrs":{"role":"CEO\u00a0"}}"#,
    #"{"date":"2025","kind":"codename","org":"o","attrs":{"codename":" cake"}}"#,
    #"{"date":"2025","kind":"strategy","org":"o","attrs":{"label":"code red\u2060"}}"#,
    #"{"date":"2025","kind":"strategy","org":"o","attrs":{"focus":["o/x "]}}"#,
    #"{"date":"2025","kind":"strategy","org":"o","attrs":{"deprioritize":["o/x\u00ad"]}}"#,
    #"{"date":"2025","kind":"metric","org":"o","attrs":{"name":"users ","value":1}}"#,
    #"{"date":"2025","kind":"metric","org":"o","attrs":{"name":"users","value":1,"unit":"\ufeffUSD"}}"#,
  ]
  for line in lines {
    #expect(throws: ValueError.self, "\(line)") { try EventCodec.decode(Array(line.utf8), stored: false) }
  }
  // Free text is not a name: a note or a reason may hold anything.
  let free = #"{"date":"2025","kind":"pause","org":"o","subject":"o/x","attrs":{"reason":"code red "},"note":" a\u00a0b\u200b "}"#
  _ = try EventCodec.decode(Array(free.utf8), stored: false)
}

@Test func goodNamesPass() throws {
  for name in ["CEO", "Chief Executive Officer", "café", "cafe\u{301}", "olive-oil-cake", "北京", "Model"] {
    #expect(Names.fault(name) == nil, "\(name)")
  }
  #expect(Names.knownTypeDifferingInCase("Model") == "model")
  #expect(Names.knownTypeDifferingInCase("model") == nil)
  #expect(Names.knownTypeDifferingInCase("gadget") == nil)
  #expect(Names.cleaned(" C\u{200B}E\u{00A0}O ") == "CE O")
}

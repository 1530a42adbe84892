/// The strict JSON-lines codec of events: one canonical line per event on
/// write, any key order on read; unknown fields, duplicate keys, numbers a
/// double cannot hold exactly and invalid UTF-8 are refused.
public enum EventCodec {
  /// The top-level fields, in canonical order.
  public static let fields = [
    "id", "date", "kind", "org", "subject", "attrs", "confidence", "source", "supersedes", "note", "recorded",
  ]
  static let sourceFields = ["date", "publisher", "title", "url"]

  /// Decodes one line (without its `\n`).
  /// - Parameter stored: the line comes from the log, so `id` and `recorded` are required.
  public static func decode(_ line: UnsafeRawBufferPointer, stored: Bool) throws(ValueError) -> Event {
    let value: JSONValue
    do {
      value = try JSONParser.parse(line)
    } catch {
      throw ValueError("malformed JSON: \(error.description)")
    }
    return try decode(value, stored: stored)
  }

  /// Decodes one line held in a byte array.
  public static func decode(_ line: [UInt8], stored: Bool) throws(ValueError) -> Event {
    let result: Result<Event, ValueError> = line.withUnsafeBytes { raw in
      do throws(ValueError) { return .success(try decode(raw, stored: stored)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Decodes a parsed JSON value as an event and validates it.
  /// - Parameter validating: false leaves the rules of `EventSchema.validate`
  ///   (and a new event's names and URL) to the caller, who may want every
  ///   fault (`EventSchema.faults`); the fields are still decoded strictly.
  public static func decode(_ value: JSONValue, stored: Bool, validating: Bool = true) throws(ValueError) -> Event {
    guard case .object(let members) = value else {
      throw ValueError("expected one JSON object per line, found \(value.typeDescription)")
    }
    var seen = Set<String>()
    var byName: [String: JSONValue] = [:]
    for member in members {
      guard let field = fields.first(where: { $0.utf8.elementsEqual(member.key.utf8) }) else {
        throw ValueError("unknown field \"\(member.key)\"\(didYouMean(member.key, in: fields)); an event has " + fields.joined(separator: ", "))
      }
      guard seen.insert(field).inserted else { throw ValueError("duplicate field \"\(field)\"") }
      if member.value != .null { byName[field] = member.value }
    }

    func string(_ field: String) throws(ValueError) -> String? {
      guard let value = byName[field] else { return nil }
      guard case .string(let text) = value else {
        throw ValueError("\"\(field)\" must be a string, not \(value.typeDescription)")
      }
      return text
    }

    guard let dateText = try string("date") else { throw ValueError("missing \"date\": write YYYY, YYYY-MM or YYYY-MM-DD") }
    let date: EventDate
    do { date = try EventDate.parse(dateText) } catch { throw ValueError("\"date\": " + error.message) }
    guard let kindName = try string("kind") else { throw ValueError("missing \"kind\": one of " + kindList) }
    guard let kind = Kind(kindName) else {
      throw ValueError("unknown kind \"\(kindName)\"\(didYouMean(kindName, in: Kind.builtIn.map(\.description))): use one of \(kindList), or a custom kind x-...")
    }
    var event = Event(date: date, kind: kind)
    if let id = try string("id") {
      // An id that is given must be a valid one: an empty "id" is not "no id".
      guard EventSchema.isValidID(id) else {
        throw ValueError("\"id\": \"\(id)\" is not a valid id: use 1 to 64 of A-Z a-z 0-9 . _ -, or leave \"id\" out to get the content id")
      }
      event.id = id
    }
    event.org = try string("org")
    event.subject = try string("subject")
    event.supersedes = try string("supersedes")
    event.note = try string("note")
    if let confidence = try string("confidence") {
      guard let level = Confidence(rawValue: confidence) else {
        throw ValueError("\"confidence\": \"\(confidence)\" is not rumor, reported or confirmed")
      }
      event.confidence = level
    }
    if let recorded = try string("recorded") {
      do { event.recorded = try Timestamp.parse(recorded) } catch { throw ValueError("\"recorded\": " + error.message) }
    }
    if let attrs = byName["attrs"] { event.attrs = try decodeAttrs(attrs, kind: kind) }
    if let source = byName["source"] { event.source = try decodeSource(source) }
    if stored {
      if event.id.isEmpty { throw ValueError("missing \"id\": every line of the log has one", hint: .writtenOnAppend) }
      if event.recorded == nil { throw ValueError("missing \"recorded\": every line of the log has one", hint: .writtenOnAppend) }
    }
    guard validating else { return event }
    try EventSchema.validate(event)
    // A line of the log is read as it is (check warns about its names); a
    // new event must not bring in a name that only looks like another.
    if !stored {
      try Names.check(event)
      try EventSchema.checkSourceURL(event)
    }
    return event
  }

  static var kindList: String { Kind.builtIn.map(\.description).joined(separator: ", ") }

  static func decodeAttrs(_ value: JSONValue, kind: Kind) throws(ValueError) -> Attributes {
    guard case .object(let members) = value else {
      throw ValueError("\"attrs\" must be an object, not \(value.typeDescription)")
    }
    var pairs: [Attributes.Pair] = []
    var keys = Set<[UInt8]>()
    for member in members {
      guard keys.insert(Array(member.key.utf8)).inserted else {
        throw ValueError("duplicate attr \"\(member.key)\"")
      }
      let value: AttrValue
      switch member.value {
      case .null: continue
      case .string(let text): value = .string(text)
      case .bool(let flag): value = .bool(flag)
      case .number(let number):
        guard let exact = number.exactValue else {
          throw ValueError("attr \"\(member.key)\": the number \(number.literal) cannot be stored exactly as a double; write it with at most 17 significant digits within ±1.8e308")
        }
        value = .number(exact)
      case .array(let items):
        var strings: [String] = []
        for item in items {
          guard case .string(let text) = item else {
            throw ValueError("attr \"\(member.key)\" must be an array of strings, but holds \(item.typeDescription)")
          }
          strings.append(text)
        }
        value = .strings(strings)
      case .object:
        throw ValueError("attr \"\(member.key)\" is an object; attrs hold strings, numbers, booleans or arrays of strings")
      }
      pairs.append(Attributes.Pair(key: member.key, value: value))
    }
    let attrs = Attributes(pairs)
    return attrs
  }

  static func decodeSource(_ value: JSONValue) throws(ValueError) -> Source? {
    guard case .object(let members) = value else {
      throw ValueError("\"source\" must be an object with title, publisher, url or date, not \(value.typeDescription)")
    }
    var source = Source()
    var seen = Set<String>()
    for member in members {
      guard let field = sourceFields.first(where: { $0.utf8.elementsEqual(member.key.utf8) }) else {
        throw ValueError("unknown source field \"\(member.key)\"\(didYouMean(member.key, in: sourceFields)); a source has title, publisher, url and date")
      }
      guard seen.insert(field).inserted else { throw ValueError("duplicate source field \"\(field)\"") }
      if member.value == .null { continue }
      guard case .string(let text) = member.value else {
        throw ValueError("\"source.\(field)\" must be a string, not \(member.value.typeDescription)")
      }
      switch field {
      case "title": source.title = text
      case "publisher": source.publisher = text
      case "url": source.url = text
      default:
        do { source.date = try EventDate.parse(text) } catch { throw ValueError("\"source.date\": " + error.message) }
      }
    }
    // An empty source (`{}`, or every field null) is kept, for validation to
    // refuse as it refuses a source without a title or url.
    return source
  }

  // MARK: - Writing

  /// The canonical line of `event` with its id and recorded time, without `\n`.
  public static func encode(_ event: Event) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(320)
    write(event, withIdentity: true, to: &out)
    return out
  }

  /// The canonical encoding without `id` and `recorded`: what a content id hashes.
  public static func content(_ event: Event) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(300)
    write(event, withIdentity: false, to: &out)
    return out
  }

  /// Writes the content of `event` into `buffer` (emptied first), for
  /// callers that hash many events without allocating for each.
  public static func content(_ event: Event, into buffer: inout [UInt8]) {
    buffer.removeAll(keepingCapacity: true)
    write(event, withIdentity: false, to: &buffer)
  }

  /// The content id: the first 12 hex digits of the SHA-256 of `content(event)`.
  public static func contentID(_ event: Event) -> String {
    String(hexString(SHA256.hash(content(event))).prefix(12))
  }

  /// Appends attrs as the canonical encoding writes them: keys by code point, no whitespace.
  public static func appendAttrs(_ attrs: Attributes, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "{"))
    for (index, pair) in attrs.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      CanonicalJSON.appendString(pair.key, to: &out)
      out.append(UInt8(ascii: ":"))
      switch pair.value {
      case .string(let text): CanonicalJSON.appendString(text, to: &out)
      case .number(let value): CanonicalJSON.appendNumber(value, to: &out)
      case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
      case .strings(let items):
        out.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
          if index > 0 { out.append(UInt8(ascii: ",")) }
          CanonicalJSON.appendString(item, to: &out)
        }
        out.append(UInt8(ascii: "]"))
      }
    }
    out.append(UInt8(ascii: "}"))
  }

  static func write(_ event: Event, withIdentity: Bool, to out: inout [UInt8]) {
    var first = true
    func key(_ name: StaticString) {
      out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
      first = false
      out.append(UInt8(ascii: "\""))
      out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
      out.append(UInt8(ascii: "\""))
      out.append(UInt8(ascii: ":"))
    }
    /// `"name":"value"`, or nothing when there is no value.
    func optional(_ name: StaticString, _ value: String?) {
      guard let value else { return }
      key(name)
      CanonicalJSON.appendString(value, to: &out)
    }
    if withIdentity {
      key("id")
      CanonicalJSON.appendString(event.id, to: &out)
    }
    key("date")
    CanonicalJSON.appendDate(event.date, to: &out)
    key("kind")
    CanonicalJSON.appendString(event.kind.description, to: &out)
    optional("org", event.org)
    optional("subject", event.subject)
    if !event.attrs.isEmpty {
      key("attrs")
      appendAttrs(event.attrs, to: &out)
    }
    key("confidence")
    CanonicalJSON.appendString(event.confidence.rawValue, to: &out)
    if let source = event.source, !source.isEmpty {
      key("source")
      var separator = UInt8(ascii: "{")
      func member(_ name: String, _ value: String?) {
        guard let value else { return }
        out.append(separator)
        separator = UInt8(ascii: ",")
        CanonicalJSON.appendString(name, to: &out)
        out.append(UInt8(ascii: ":"))
        CanonicalJSON.appendString(value, to: &out)
      }
      // Code point order of the source's keys.
      if let date = source.date {
        out.append(separator)
        separator = UInt8(ascii: ",")
        CanonicalJSON.appendString("date", to: &out)
        out.append(UInt8(ascii: ":"))
        CanonicalJSON.appendDate(date, to: &out)
      }
      member("publisher", source.publisher)
      member("title", source.title)
      member("url", source.url)
      out.append(UInt8(ascii: "}"))
    }
    optional("supersedes", event.supersedes)
    optional("note", event.note)
    if withIdentity, let recorded = event.recorded {
      key("recorded")
      CanonicalJSON.appendString(recorded.description, to: &out)
    }
    out.append(UInt8(ascii: "}"))
  }
}

/// The fast decoder of log lines: bytes straight into a `Fact` (or an
/// `Event`), with no JSON tree and no Foundation object. It understands exactly
/// the event object (known fields; string, attrs and source values) and gives
/// up (nil, false) on anything else or anything invalid, so that the caller
/// falls back to the strict codec, whose verdict and message always win. It
/// must never accept a line the strict codec refuses: validation is
/// `EventSchema.validate` itself, and tests compare the two decoders line by
/// line.
public struct EventScanner {
  private var raw = RawEvent()
  private var arena = Arena()
  private var memo = ValidationMemo()
  /// The context verdicts (`contextIsValid`), by the key packed into one index.
  private var contextVerdicts = ContextVerdicts()
  private var shapes = NameShapes()
  private var memoTable: UInt64 = 0
  private var key: [Int32] = []
  /// The names behind the shapes that `keepAttrs` wrote into `key` (by
  /// position in it), for the judge's stand-in.
  private var shaped: [(at: Int, symbol: Int32)] = []

  public init() {}

  /// Decodes one stored line (without its `\n`) into `table`. One scanner
  /// serves one table (its verdicts speak of the table's symbols).
  ///
  /// In steps: scan the line; start the fact from the fields every event has;
  /// judge the context (org, subject, source, supersedes) by its verdicts; walk
  /// the attributes once, keeping what the kind table says and noting their
  /// shape; judge that shape by the memo; add a strategy's lists.
  /// - Returns: false when the fast path cannot decide; nothing is appended then.
  public mutating func scanFact(
    _ line: UnsafeRawBufferPointer, into table: inout FactTable, file: UInt16, line number: Int32, offset: Int64
  ) -> Bool {
    guard scan(line), let date = raw.date, let kind = raw.kind, let id = raw.id, let recorded = raw.recorded,
      let idKey = EventScanner.key(of: id, in: &table)
    else { return false }
    if memoTable != table.identity {
      memo = ValidationMemo()
      contextVerdicts = ContextVerdicts()
      shapes = NameShapes()
      memoTable = table.identity
    }
    var fact = Fact(
      id: idKey, org: raw.org.map { table.names.intern($0) } ?? 0,
      subject: raw.subject.map { table.names.intern($0) } ?? 0, slot0: 0, slot1: 0, slot2: 0, target: 0,
      firstDay: date.firstDay.yyyymmdd, lastDay: date.lastDay.yyyymmdd, recorded: recorded.milliseconds, value: 0,
      listStart: 0, focusCount: 0, deprioritizeCount: 0, kind: kind.rawValue, precision: date.precisionCode,
      confidence: raw.confidence.code, file: file, line: number, attrMarks: 0, offset: offset)
    if let supersedes = raw.supersedes {
      guard let target = EventScanner.reference(supersedes, from: id, in: &table) else { return false }
      fact.target = target
    }
    if kind == .custom, let name = raw.customKind { fact.slot0 = table.names.intern(name) }
    guard contextIsValid(fact, date: date, table: table),
      let lists = keepAttrs(of: kind, into: &fact, id: id, table: &table),
      attrsAreValid(kind, date: date, table: table)
    else { return false }
    if kind == .strategy { guard appendLists(lists, to: &fact, in: &table) else { return false } }
    table.facts.append(fact)
    return true
  }

  /// The key of a reference to another event (`supersedes`, a retraction's
  /// target): a valid id, not the event's own; nil otherwise.
  @inline(__always) private static func reference(
    _ bytes: UnsafeBufferPointer<UInt8>, from id: UnsafeBufferPointer<UInt8>, in table: inout FactTable
  ) -> UInt64? {
    guard !bytes.elementsEqual(id) else { return nil }
    return key(of: bytes, in: &table)
  }

  /// The key of a valid id, nil for an invalid one. A content id (almost
  /// every id) is valid: its form is checked once, while it is read.
  @inline(__always) private static func key(of id: UnsafeBufferPointer<UInt8>, in table: inout FactTable) -> UInt64? {
    if let key = EventKey.content(id) { return key }
    return EventSchema.isValidID(bytes: id) ? table.customKey(id) : nil
  }

  /// Whether validation accepts the event's context: its kind, org, subject,
  /// source and supersedes. The verdict's key holds the kind, the shapes of
  /// the org and the subject (`NameShapes.orgClass`, `subjectClass`), the
  /// source's state and whether it supersedes: all that
  /// `EventSchema.checkOrgAndSubject` and `checkSourceAndReferences` look at.
  /// The first time a key is seen, `EventSchema` judges a stand-in event with
  /// this event's org and subject; its verdict then serves every event of
  /// that key (a million events have at most a few hundred keys, where their
  /// org-subject pairs number hundreds of thousands).
  @inline(__always) private mutating func contextIsValid(_ fact: Fact, date: EventDate, table: FactTable) -> Bool {
    let sourceState = raw.sourceState
    let supersedes = raw.supersedes != nil
    let key = ContextVerdicts.key(
      kind: fact.kind, org: shapes.orgClass(fact.org, in: table.names),
      subject: shapes.subjectClass(fact.subject, org: fact.org, in: table.names), source: sourceState,
      supersedes: supersedes)
    if let known = contextVerdicts[key] { return known }
    let event = Event(
      id: "x", date: date, kind: fact.factKind.kind(customName: "x-x"),
      org: fact.org == 0 ? nil : table.names[fact.org], subject: fact.subject == 0 ? nil : table.names[fact.subject],
      source: RawEvent.sourcePlaceholder(sourceState), supersedes: supersedes ? "y" : nil)
    var valid = true
    do {
      try EventSchema.checkOrgAndSubject(event)
      try EventSchema.checkSourceAndReferences(event)
    } catch { valid = false }
    contextVerdicts[key] = valid
    return valid
  }

  /// Where a strategy's lists are in `raw.items`.
  private struct StrategyLists {
    var focus = 0..<0
    var deprioritize = 0..<0
  }

  /// The one walk over the attributes: keeps in `fact` what the kind table
  /// (`FactKind.keptAttributes`) says, marks its strings (`attrMarks`) for a
  /// kind that may hold strings the fact does not keep, and writes their
  /// shape into the memo key that `attrsAreValid` judges.
  /// - Returns: where a strategy's lists are, or nil for an attribute the
  ///   fast path refuses (an empty key of a free-form kind, a bad target).
  @inline(__always) private mutating func keepAttrs(
    of kind: FactKind, into fact: inout Fact, id: UnsafeBufferPointer<UInt8>, table: inout FactTable
  ) -> StrategyLists? {
    key.removeAll(keepingCapacity: true)
    shaped.removeAll(keepingCapacity: true)
    key.append(-1 - Int32(kind.rawValue))  // never equal to a context key
    var lists = StrategyLists()
    let freeForm = kind == .report || kind == .custom
    let keeps = kind == .custom ? UnsafeBufferPointer(start: nil, count: 0) : FactKind.keptBuffers[Int(kind.rawValue)]
    let marking = kind.holdsUnkeptStrings
    for attr in raw.attrs {
      if marking { fact.attrMarks |= marks(of: attr.value) }
      if freeForm {
        // Free-form attributes: only their keys are checked, and nothing of them is kept.
        if attr.key.isEmpty { return nil }
        continue
      }
      let keySymbol = table.names.intern(attr.key)
      let kept = KeptAttr.find(attr.key, in: keeps)
      // Each attribute adds three entries to the key (a list also one per
      // item): its key, its type (1 string, 2 number, 3 bool, 4 list,
      // 5 free text) and what validation sees of its value.
      switch attr.value {
      case .null:
        continue
      case .string(let bytes):
        if kept?.field == .target {
          guard let target = EventScanner.reference(bytes, from: id, in: &table) else { return nil }
          fact.target = target
          key.append(keySymbol)
          key.append(1)
          key.append(-1)
          continue
        }
        guard let kept, !bytes.isEmpty else {
          // Free text (reason, limit, from, ...): validation asks only that it
          // is not empty (EventSchema.checkAttrs), so that is all the key holds.
          key.append(keySymbol)
          key.append(5)
          key.append(bytes.isEmpty ? 0 : 1)
          continue
        }
        let symbol = table.names.intern(bytes)
        fact.keep(symbol, as: kept.field)
        key.append(keySymbol)
        key.append(1)
        if kept.formChecked {
          // Its form is what validation checks: the key holds its shape, the judge the name.
          shaped.append((key.count, symbol))
          key.append(NameShapes.formKey(shapes.shape(of: symbol, in: table.names)))
        } else {
          key.append(-2)
        }
      case .number(let value):
        key.append(keySymbol)
        key.append(2)
        key.append(0)
        if kept?.field == .value { fact.value = value }
      case .bool(let flag):
        key.append(keySymbol)
        key.append(3)
        key.append(flag ? 1 : 0)
      case .list(let start, let count):
        key.append(keySymbol)
        key.append(4)
        key.append(Int32(count))
        for item in raw.items[start..<start + count] { key.append(item.isEmpty ? 0 : 1) }
        if kept?.field == .focus { lists.focus = start..<start + count }
        if kept?.field == .deprioritize { lists.deprioritize = start..<start + count }
      }
    }
    return lists
  }

  /// `AttrMarks` of an attribute's strings: a string, or a list's items.
  @inline(__always) private func marks(of value: RawValue) -> UInt32 {
    switch value {
    case .string(let bytes): return AttrMarks.of(bytes)
    case .list(let start, let count): return raw.items[start..<start + count].reduce(0) { $0 | AttrMarks.of($1) }
    default: return 0
    }
  }

  /// Whether validation accepts the attributes whose shape `keepAttrs` wrote
  /// into the memo key (the first time a shape is seen, `EventSchema` judges
  /// a stand-in event rebuilt from the key).
  @inline(__always) private mutating func attrsAreValid(_ kind: FactKind, date: EventDate, table: FactTable) -> Bool {
    // Looked up and kept apart from the judging, which reads `key` and
    // `shaped` (a closure would take copies of them for every line).
    if let known = memo.known(key) { return known }
    let valid = judgeAttrs(kind, date: date, table: table)
    memo.remember(key, valid)
    return valid
  }

  /// `EventSchema`'s verdict on a stand-in event rebuilt from the attribute shapes in `key`.
  private func judgeAttrs(_ kind: FactKind, date: EventDate, table: FactTable) -> Bool {
    var event = Event(id: "x", date: date, kind: kind.kind(customName: "x-x"), org: "x")
    var index = 1
    while index < key.count {
      let name = table.names[key[index]]
      switch key[index + 1] {
      case 1:
        let value = key[index + 2]
        let text = value == -1 ? "y" : value == -2 ? "text" : table.names[shaped.first { $0.at == index + 2 }!.symbol]
        event.attrs[name] = .string(text)
      case 2: event.attrs[name] = .number(0)
      case 3: event.attrs[name] = .bool(key[index + 2] == 1)
      case 5: event.attrs[name] = .string(key[index + 2] == 0 ? "" : "text")
      default:
        let count = Int(key[index + 2])
        event.attrs[name] = .strings(key[(index + 3)..<(index + 3 + count)].map { $0 == 0 ? "" : "item" })
        index += count
      }
      index += 3
    }
    do { try EventSchema.checkAttrs(event) } catch { return false }
    return true
  }

  /// Adds a strategy's focus items, then its deprioritize items, to the
  /// table's lists; false (nothing added) when a list is longer than a fact counts.
  @inline(__always) private func appendLists(
    _ lists: StrategyLists, to fact: inout Fact, in table: inout FactTable
  ) -> Bool {
    guard lists.focus.count <= Int(UInt16.max), lists.deprioritize.count <= Int(UInt16.max) else { return false }
    fact.listStart = Int32(table.lists.count)
    fact.focusCount = UInt16(lists.focus.count)
    fact.deprioritizeCount = UInt16(lists.deprioritize.count)
    for item in raw.items[lists.focus] { table.lists.append(table.names.intern(item)) }
    for item in raw.items[lists.deprioritize] { table.lists.append(table.names.intern(item)) }
    return true
  }

  /// Decodes one line into a whole event.
  /// - Parameter stored: require `id` and `recorded`, as every line of the log has.
  public mutating func scanEvent(_ line: UnsafeRawBufferPointer, stored: Bool) -> Event? {
    guard scan(line), let date = raw.date, let factKind = raw.kind else { return nil }
    let kind = factKind.kind(customName: raw.customKind.map { String(decoding: $0, as: UTF8.self) } ?? "")
    if stored && (raw.id == nil || raw.recorded == nil) { return nil }
    func string(_ bytes: UnsafeBufferPointer<UInt8>?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
    var event = Event(
      id: string(raw.id) ?? "", date: date, kind: kind, org: string(raw.org), subject: string(raw.subject),
      confidence: raw.confidence, supersedes: string(raw.supersedes), note: string(raw.note), recorded: raw.recorded)
    if raw.hasSource {
      let source = Source(title: string(raw.title), publisher: string(raw.publisher), url: string(raw.url), date: raw.sourceDate)
      event.source = source  // empty: refused by validation, as the codec leaves it
    }
    for attr in raw.attrs {
      let key = String(decoding: attr.key, as: UTF8.self)
      switch attr.value {
      case .string(let bytes): event.attrs[key] = .string(String(decoding: bytes, as: UTF8.self))
      case .number(let value): event.attrs[key] = .number(value)
      case .bool(let flag): event.attrs[key] = .bool(flag)
      case .null: break
      case .list(let start, let count):
        event.attrs[key] = .strings(raw.items[start..<start + count].map { String(decoding: $0, as: UTF8.self) })
      }
    }
    do { try EventSchema.validate(event) } catch { return nil }
    return event
  }

  /// Scans the line into `raw`; false when it is not a plain event object.
  private mutating func scan(_ line: UnsafeRawBufferPointer) -> Bool {
    guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
    arena.reserve(line.count)
    raw.reset()
    var scanner = Scanner(p: base, end: base + line.count, arena: arena)
    return scanner.event(into: &raw)
  }
}

/// One attribute value, pointing into the line or the arena.
private enum RawValue {
  case string(UnsafeBufferPointer<UInt8>)
  case number(Double)
  case bool(Bool)
  /// A null value: the attribute is absent, but its key counts as given.
  case null
  /// Items `start..<start + count` of `RawEvent.items`.
  case list(Int, Int)
}

/// The fields of one line as byte ranges, reused from line to line.
private struct RawEvent {
  typealias Bytes = UnsafeBufferPointer<UInt8>
  var id: Bytes?
  var date: EventDate?
  var kind: FactKind?
  /// A custom kind's name.
  var customKind: Bytes?
  var org: Bytes?
  var subject: Bytes?
  var confidence = Confidence.reported
  var supersedes: Bytes?
  var note: Bytes?
  var recorded: Timestamp?
  var hasSource = false
  var title: Bytes?
  var publisher: Bytes?
  var url: Bytes?
  var sourceDate: EventDate?
  var attrs: [(key: Bytes, value: RawValue)] = []
  var items: [Bytes] = []

  mutating func reset() {
    id = nil
    date = nil
    kind = nil
    customKind = nil
    org = nil
    subject = nil
    confidence = .reported
    supersedes = nil
    note = nil
    recorded = nil
    hasSource = false
    title = nil
    publisher = nil
    url = nil
    sourceDate = nil
    attrs.removeAll(keepingCapacity: true)
    items.removeAll(keepingCapacity: true)
  }

  /// 0 no source, 1 with a title or url, 2 without either (`{}` included).
  var sourceState: Int32 {
    if title != nil || url != nil { return 1 }
    return hasSource ? 2 : 0
  }

  /// Enough of a source in `state` (`sourceState`) for validation to judge
  /// it as the strict codec does.
  static func sourcePlaceholder(_ state: Int32) -> Source? {
    switch state {
    case 1: Source(title: "")
    case 2: Source(publisher: "")
    default: nil
    }
  }
}

/// Room for the decoded bytes of escaped strings: as large as the line, so
/// it never moves while a line's ranges point into it.
private final class Arena {
  var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
  var capacity = 4096
  var used = 0

  deinit { storage.deallocate() }

  func reserve(_ lineLength: Int) {
    used = 0
    if lineLength > capacity {
      storage.deallocate()
      capacity = max(lineLength, capacity * 2)
      storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }
  }
}

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

private struct Scanner {
  typealias Bytes = UnsafeBufferPointer<UInt8>
  var p: UnsafePointer<UInt8>
  let end: UnsafePointer<UInt8>
  let arena: Arena

  @inline(__always) mutating func skipWhitespace() {
    while p < end {
      let byte = p.pointee
      guard byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 else { return }
      p += 1
    }
  }

  @inline(__always) mutating func consume(_ byte: UInt8) -> Bool {
    if p < end && p.pointee == byte {
      p += 1
      return true
    }
    skipWhitespace()
    guard p < end, p.pointee == byte else { return false }
    p += 1
    return true
  }

  /// Whether the next value is `null` (consumed if so).
  @inline(__always) mutating func null() -> Bool {
    skipWhitespace()
    guard end - p >= 4, p[0] == UInt8(ascii: "n"), p[1] == UInt8(ascii: "u"), p[2] == UInt8(ascii: "l"),
      p[3] == UInt8(ascii: "l")
    else { return false }
    p += 4
    return true
  }

  /// A string at the cursor: its bytes in the line, or decoded into the arena
  /// when it has escapes. UTF-8 and control characters are checked.
  mutating func string() -> Bytes? {
    skipWhitespace()
    guard p < end, p.pointee == quote else { return nil }
    p += 1
    let start = p
    while true {
      // Eight bytes at a time: step over plain ASCII up to the first quote,
      // backslash, control character or non-ASCII byte. (The lowest flagged
      // byte of each test is exact; only bytes above a hit may be false alarms.)
      if end - p >= 8 {
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let high = word & 0x8080_8080_8080_8080
        let control = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
        let quotes = word ^ 0x2222_2222_2222_2222
        let quoteHit = (quotes &- 0x0101_0101_0101_0101) & ~quotes & 0x8080_8080_8080_8080
        let slashes = word ^ 0x5c5c_5c5c_5c5c_5c5c
        let slashHit = (slashes &- 0x0101_0101_0101_0101) & ~slashes & 0x8080_8080_8080_8080
        let hits = high | control | quoteHit | slashHit
        if hits == 0 {
          p += 8
          continue
        }
        p += hits.trailingZeroBitCount >> 3
      } else if p >= end {
        return nil
      }
      let byte = p.pointee
      if byte == quote {
        let result = Bytes(start: start, count: p - start)
        p += 1
        return result
      }
      if byte == backslash { return escapedString(from: start) }
      if byte < 0x20 { return nil }
      if byte < 0x80 { p += 1 } else if !skipUTF8() { return nil }
    }
  }

  mutating func escapedString(from start: UnsafePointer<UInt8>) -> Bytes? {
    let out = arena.storage + arena.used
    var count = 0
    @inline(__always) func put(_ byte: UInt8) {
      out[count] = byte
      count += 1
    }
    let prefix = p - start
    out.update(from: start, count: prefix)
    count = prefix
    while p < end {
      let byte = p.pointee
      if byte == quote {
        p += 1
        arena.used += count
        return Bytes(start: out, count: count)
      }
      if byte == backslash {
        p += 1
        guard p < end else { return nil }
        let escape = p.pointee
        p += 1
        switch escape {
        case quote: put(quote)
        case backslash: put(backslash)
        case UInt8(ascii: "/"): put(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): put(0x08)
        case UInt8(ascii: "f"): put(0x0c)
        case UInt8(ascii: "n"): put(0x0a)
        case UInt8(ascii: "r"): put(0x0d)
        case UInt8(ascii: "t"): put(0x09)
        case UInt8(ascii: "u"):
          guard var scalar = hex4() else { return nil }
          if scalar >= 0xdc00 && scalar <= 0xdfff { return nil }
          if scalar >= 0xd800 && scalar <= 0xdbff {
            guard end - p >= 6, p[0] == backslash, p[1] == UInt8(ascii: "u") else { return nil }
            p += 2
            guard let low = hex4(), low >= 0xdc00 && low <= 0xdfff else { return nil }
            scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
          }
          // A \uXXXX escape (6 bytes, or 12 for a pair) decodes to at most 4 bytes.
          switch scalar {
          case 0..<0x80:
            put(UInt8(scalar))
          case 0x80..<0x800:
            put(UInt8(0xc0 | scalar >> 6))
            put(UInt8(0x80 | scalar & 0x3f))
          case 0x800..<0x10000:
            put(UInt8(0xe0 | scalar >> 12))
            put(UInt8(0x80 | scalar >> 6 & 0x3f))
            put(UInt8(0x80 | scalar & 0x3f))
          default:
            put(UInt8(0xf0 | scalar >> 18))
            put(UInt8(0x80 | scalar >> 12 & 0x3f))
            put(UInt8(0x80 | scalar >> 6 & 0x3f))
            put(UInt8(0x80 | scalar & 0x3f))
          }
        default: return nil
        }
      } else if byte < 0x20 {
        return nil
      } else if byte < 0x80 {
        put(byte)
        p += 1
      } else {
        let sequenceStart = p
        guard skipUTF8() else { return nil }
        let length = p - sequenceStart
        (out + count).update(from: sequenceStart, count: length)
        count += length
      }
    }
    return nil
  }

  mutating func hex4() -> UInt32? {
    guard end - p >= 4 else { return nil }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = p.pointee
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: return nil
      }
      value = value << 4 | digit
      p += 1
    }
    return value
  }

  /// Steps over one multi-byte UTF-8 sequence (Unicode table 3-7).
  @inline(__always) mutating func skipUTF8() -> Bool {
    guard let (length, low, high) = utf8Sequence(startingWith: p.pointee) else { return false }
    guard end - p >= length, p[1] >= low, p[1] <= high else { return false }
    if length > 2 && p[2] & 0xc0 != 0x80 { return false }
    if length > 3 && p[3] & 0xc0 != 0x80 { return false }
    p += length
    return true
  }

  /// A string or `null`; `ok` is false when it is neither.
  @inline(__always) mutating func optionalString(_ ok: inout Bool) -> Bytes? {
    if null() { return nil }
    let value = string()
    ok = value != nil
    return value
  }

  /// A JSON number's exact double value, or nil.
  mutating func number() -> Double? {
    skipWhitespace()
    let start = p
    var negative = false
    if p < end && p.pointee == UInt8(ascii: "-") {
      negative = true
      p += 1
    }
    guard p < end, isDigit(p.pointee) else { return nil }
    var integer: UInt64 = 0
    var digits = 0
    if p.pointee == UInt8(ascii: "0") {
      p += 1
      if p < end && isDigit(p.pointee) { return nil }
      digits = 1
    } else {
      while p < end && isDigit(p.pointee) {
        integer = integer &* 10 &+ UInt64(p.pointee - UInt8(ascii: "0"))
        digits += 1
        p += 1
      }
    }
    var plain = true
    if p < end && p.pointee == UInt8(ascii: ".") {
      plain = false
      p += 1
      guard p < end, isDigit(p.pointee) else { return nil }
      while p < end && isDigit(p.pointee) { p += 1 }
    }
    if p < end && (p.pointee == UInt8(ascii: "e") || p.pointee == UInt8(ascii: "E")) {
      plain = false
      p += 1
      if p < end && (p.pointee == UInt8(ascii: "+") || p.pointee == UInt8(ascii: "-")) { p += 1 }
      guard p < end, isDigit(p.pointee) else { return nil }
      while p < end && isDigit(p.pointee) { p += 1 }
    }
    if plain && digits <= 15 {
      // Every integer below 10^15 is a double exactly.
      let value = Double(integer)
      return negative ? -value : value
    }
    let literal = String(decoding: Bytes(start: start, count: p - start), as: UTF8.self)
    return JSONNumber(literal: literal, value: Double(literal) ?? .nan).exactValue
  }

  @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  @inline(__always) func equals(_ key: Bytes, _ name: StaticString) -> Bool {
    guard key.count == name.utf8CodeUnitCount, let base = key.baseAddress else { return false }
    return memcmpBytes(base, name.utf8Start, key.count)
  }

  /// Reads a quoted field name at the cursor when it is one of the known
  /// fields spelled plainly (the canonical case), without scanning it as a
  /// string: its index in canonical order (`EventCodec.fields`), or nil
  /// (cursor unmoved) for anything else. The names are literals, so that
  /// eleven reads a line touch no global array.
  @inline(__always) mutating func knownField() -> Int? {
    guard end - p > 4, p.pointee == quote else { return nil }
    let field: Int
    let name: StaticString
    switch p[1] {
    case UInt8(ascii: "i"): (field, name) = (0, "\"id\"")
    case UInt8(ascii: "d"): (field, name) = (1, "\"date\"")
    case UInt8(ascii: "k"): (field, name) = (2, "\"kind\"")
    case UInt8(ascii: "o"): (field, name) = (3, "\"org\"")
    case UInt8(ascii: "s"):
      if p[2] != UInt8(ascii: "u") {
        (field, name) = (7, "\"source\"")
      } else if p[3] == UInt8(ascii: "b") {
        (field, name) = (4, "\"subject\"")
      } else {
        (field, name) = (8, "\"supersedes\"")
      }
    case UInt8(ascii: "a"): (field, name) = (5, "\"attrs\"")
    case UInt8(ascii: "c"): (field, name) = (6, "\"confidence\"")
    case UInt8(ascii: "n"): (field, name) = (9, "\"note\"")
    case UInt8(ascii: "r"): (field, name) = (10, "\"recorded\"")
    default: return nil
    }
    let count = name.utf8CodeUnitCount
    guard end - p >= count, memcmpBytes(name.utf8Start, p, count) else { return nil }
    p += count
    return field
  }

  /// The index of a top-level field in canonical order, or nil.
  func fieldIndex(_ key: Bytes) -> Int? {
    switch key.count {
    case 2 where equals(key, "id"): return 0
    case 3 where equals(key, "org"): return 3
    case 4:
      if equals(key, "date") { return 1 }
      if equals(key, "kind") { return 2 }
      if equals(key, "note") { return 9 }
      return nil
    case 5 where equals(key, "attrs"): return 5
    case 6 where equals(key, "source"): return 7
    case 7 where equals(key, "subject"): return 4
    case 8 where equals(key, "recorded"): return 10
    case 10:
      if equals(key, "confidence") { return 6 }
      if equals(key, "supersedes") { return 8 }
      return nil
    default: return nil
    }
  }

  mutating func event(into raw: inout RawEvent) -> Bool {
    guard consume(UInt8(ascii: "{")) else { return false }
    if consume(UInt8(ascii: "}")) { return false }
    var seen: UInt16 = 0
    var ok = true
    repeat {
      guard let field = knownField() ?? string().flatMap(fieldIndex), seen & (1 << field) == 0,
        consume(UInt8(ascii: ":"))
      else { return false }
      seen |= 1 << field
      switch field {
      case 0:
        raw.id = optionalString(&ok)
        // "id":"" is not a valid id (validation skips an empty one as "not yet assigned"): let the codec refuse it.
        if raw.id?.isEmpty == true { return false }
      case 1:
        guard let text = string(), let date = EventDate.parse(bytes: text) else { return false }
        raw.date = date
      case 2:
        guard let name = string(), let kind = FactKind(name: name) else { return false }
        raw.kind = kind
        if kind == .custom { raw.customKind = name }
      case 3: raw.org = optionalString(&ok)
      case 4: raw.subject = optionalString(&ok)
      case 5: if !null() && !attributes(into: &raw) { return false }
      case 6:
        if !null() {
          guard let name = string() else { return false }
          switch name.count {
          case 5 where equals(name, "rumor"): raw.confidence = .rumor
          case 8 where equals(name, "reported"): raw.confidence = .reported
          case 9 where equals(name, "confirmed"): raw.confidence = .confirmed
          default: return false
          }
        }
      case 7: if !null() && !source(into: &raw) { return false }
      case 8: raw.supersedes = optionalString(&ok)
      case 9: raw.note = optionalString(&ok)
      default:
        if !null() {
          guard let text = string(), let recorded = Timestamp.parse(bytes: text) else { return false }
          raw.recorded = recorded
        }
      }
      guard ok else { return false }
    } while consume(UInt8(ascii: ","))
    guard consume(UInt8(ascii: "}")) else { return false }
    skipWhitespace()
    return p == end
  }

  mutating func source(into raw: inout RawEvent) -> Bool {
    guard consume(UInt8(ascii: "{")) else { return false }
    raw.hasSource = true
    if consume(UInt8(ascii: "}")) { return true }
    var seen: UInt8 = 0
    var ok = true
    repeat {
      guard let key = string() else { return false }
      let field: UInt8
      switch key.count {
      case 3 where equals(key, "url"): field = 1
      case 4 where equals(key, "date"): field = 2
      case 5 where equals(key, "title"): field = 4
      case 9 where equals(key, "publisher"): field = 8
      default: return false
      }
      guard seen & field == 0, consume(UInt8(ascii: ":")) else { return false }
      seen |= field
      switch field {
      case 1: raw.url = optionalString(&ok)
      case 4: raw.title = optionalString(&ok)
      case 8: raw.publisher = optionalString(&ok)
      default:
        if !null() {
          guard let text = string(), let date = EventDate.parse(bytes: text) else { return false }
          raw.sourceDate = date
        }
      }
      guard ok else { return false }
    } while consume(UInt8(ascii: ","))
    return consume(UInt8(ascii: "}"))
  }

  mutating func attributes(into raw: inout RawEvent) -> Bool {
    guard consume(UInt8(ascii: "{")) else { return false }
    if consume(UInt8(ascii: "}")) { return true }
    repeat {
      guard let key = string(), consume(UInt8(ascii: ":")) else { return false }
      // Many attributes are left to the strict codec, which checks duplicates in linear time.
      guard raw.attrs.count < 32 else { return false }
      for other in raw.attrs where other.key.elementsEqual(key) { return false }
      skipWhitespace()
      guard p < end else { return false }
      switch p.pointee {
      case quote:
        guard let value = string() else { return false }
        raw.attrs.append((key, .string(value)))
      case UInt8(ascii: "["):
        p += 1
        let start = raw.items.count
        if !consume(UInt8(ascii: "]")) {
          repeat {
            guard let item = string() else { return false }
            raw.items.append(item)
          } while consume(UInt8(ascii: ","))
          guard consume(UInt8(ascii: "]")) else { return false }
        }
        raw.attrs.append((key, .list(start, raw.items.count - start)))
      case UInt8(ascii: "t"):
        guard end - p >= 4, p[1] == UInt8(ascii: "r"), p[2] == UInt8(ascii: "u"), p[3] == UInt8(ascii: "e") else {
          return false
        }
        p += 4
        raw.attrs.append((key, .bool(true)))
      case UInt8(ascii: "f"):
        guard end - p >= 5, p[1] == UInt8(ascii: "a"), p[2] == UInt8(ascii: "l"), p[3] == UInt8(ascii: "s"),
          p[4] == UInt8(ascii: "e")
        else { return false }
        p += 5
        raw.attrs.append((key, .bool(false)))
      case UInt8(ascii: "n"):
        guard null() else { return false }
        raw.attrs.append((key, .null))
      default:
        guard let value = number() else { return false }
        raw.attrs.append((key, .number(value)))
      }
    } while consume(UInt8(ascii: ","))
    return consume(UInt8(ascii: "}"))
  }
}

/// What validation looks at in a name, worked out once per symbol: whether
/// it is empty, an org slug, a slug, a product id (`EventSchema.productParts`)
/// and that product's org. `EventSchema` judges an event's org by whether it
/// is an org slug, its subject by these and by whether it is the org or one
/// of the org's products, and a form-checked attribute (a launch's
/// predecessor) by whether it is a product id; so the validation memo keys
/// hold these shapes instead of the names, and one verdict serves every name
/// of a shape. A rule of `EventSchema` that looks at more of a name needs
/// more here (the scanner agreement tests judge names of every shape).
private struct NameShapes {
  /// By symbol; 0: not worked out yet.
  private var shapes: [UInt8] = []
  /// By symbol: the symbol of a product id's org, 0 when not known yet.
  private var productOrg: [Int32] = []

  static let known: UInt8 = 1, empty: UInt8 = 2, orgSlug: UInt8 = 4, slug: UInt8 = 8, product: UInt8 = 16

  mutating func shape(of symbol: Int32, in names: SymbolTable) -> UInt8 {
    let index = Int(symbol)
    if index >= shapes.count {
      // Room for every name the table has now (no array made for it: a new name comes on most lines).
      let count = max(names.count, index + 1)
      shapes.append(contentsOf: repeatElement(0, count: count - shapes.count))
      productOrg.append(contentsOf: repeatElement(0, count: count - productOrg.count))
    }
    if shapes[index] != 0 { return shapes[index] }
    let name = names[symbol]
    var shape = NameShapes.known
    if name.isEmpty { shape |= NameShapes.empty }
    if EventSchema.isOrgSlug(name) { shape |= NameShapes.orgSlug }
    if EventSchema.isSlug(name) { shape |= NameShapes.slug }
    if EventSchema.productParts(name) != nil { shape |= NameShapes.product }
    shapes[index] = shape
    return shape
  }

  /// 0 none (a retraction's), 1 an org slug, 2 anything else.
  mutating func orgClass(_ org: Int32, in names: SymbolTable) -> Int32 {
    guard org != 0 else { return 0 }
    return shape(of: org, in: names) & NameShapes.orgSlug != 0 ? 1 : 2
  }

  /// 0 none; 1 the org itself (with no org, the empty name: `EventSchema`
  /// compares the subject with the org or ""); 2 a product of the org;
  /// 3 a product of another org; 4 another slug; 5 anything else.
  mutating func subjectClass(_ subject: Int32, org: Int32, in names: SymbolTable) -> Int32 {
    guard subject != 0 else { return 0 }
    let shape = shape(of: subject, in: names)
    if subject == org || (org == 0 && shape & NameShapes.empty != 0) { return 1 }
    if shape & NameShapes.product != 0 { return org != 0 && productOrg(of: subject, in: names) == org ? 2 : 3 }
    return shape & NameShapes.slug != 0 ? 4 : 5
  }

  /// The symbol of the org of a product id (a name whose shape holds
  /// `product`); 0 when that org is no name of the table (yet: it is looked
  /// up again next time).
  private mutating func productOrg(of symbol: Int32, in names: SymbolTable) -> Int32 {
    if productOrg[Int(symbol)] == 0, let parts = EventSchema.productParts(names[symbol]), let org = names.lookup(parts.org) {
      productOrg[Int(symbol)] = org
    }
    return productOrg[Int(symbol)]
  }

  /// A form-checked attribute's shape in a memo key: below -2, apart from
  /// the other values `keepAttrs` writes there.
  static func formKey(_ shape: UInt8) -> Int32 { -16 - Int32(shape) }
}

/// The verdicts on event contexts, in a table indexed by the whole key: a
/// kind (256), an org class (3), a subject class (6), a source state (3) and
/// whether the event supersedes another (2); no hashing on the way.
private struct ContextVerdicts {
  /// 0: not judged yet, 1: valid, 2: refused.
  private var verdicts = [UInt8](repeating: 0, count: 256 * 3 * 6 * 3 * 2)

  @inline(__always) static func key(kind: UInt8, org: Int32, subject: Int32, source: Int32, supersedes: Bool) -> Int {
    (((Int(kind) * 3 + Int(org)) * 6 + Int(subject)) * 3 + Int(source)) * 2 + (supersedes ? 1 : 0)
  }

  subscript(key: Int) -> Bool? {
    get { verdicts[key] == 0 ? nil : verdicts[key] == 1 }
    set { verdicts[key] = newValue.map { $0 ? 1 : 2 } ?? 0 }
  }
}

/// Verdicts of validation by everything it depends on but the event's own id,
/// dates and numbers (which the scanner checks itself), so that a million
/// events are judged by `EventSchema.validate` only once per distinct shape.
private struct ValidationMemo {
  private var slots = [Int32](repeating: 0, count: 4096)
  private var entries: [(start: Int, count: Int, valid: Bool)] = []
  private var keys: [Int32] = []

  /// The verdict kept for `key`, if any.
  func known(_ key: [Int32]) -> Bool? {
    let slot = find(key)
    return slots[slot] == 0 ? nil : entries[Int(slots[slot]) - 1].valid
  }

  /// Keeps the verdict for `key`, which has none yet.
  mutating func remember(_ key: [Int32], _ valid: Bool) {
    let slot = find(key)
    entries.append((keys.count, key.count, valid))
    keys.append(contentsOf: key)
    slots[slot] = Int32(entries.count)
    if entries.count * 2 > slots.count { rehash() }
  }

  /// The slot that holds `key`, or the empty one where it would go.
  private func find(_ key: [Int32]) -> Int {
    let hash = ValidationMemo.hash(key[...])
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      let entry = entries[Int(slots[slot]) - 1]
      if entry.count == key.count && keys.withUnsafeBufferPointer({ stored in
        key.withUnsafeBufferPointer { Sys.compareBytes(stored.baseAddress! + entry.start, $0.baseAddress!, count: $0.count * 4) == 0 }
      }) {
        return slot
      }
      slot = (slot + 1) & mask
    }
    return slot
  }

  /// A well-mixed hash of a key (murmur3's finalizer on a running sum).
  static func hash(_ key: ArraySlice<Int32>) -> UInt64 {
    var h: UInt64 = 0x9e37_79b9_7f4a_7c15
    for value in key {
      h = (h ^ UInt64(UInt32(bitPattern: value))) &* 0xff51_afd7_ed55_8ccd
      h ^= h >> 33
    }
    h = (h ^ (h >> 33)) &* 0xc4ce_b9fe_1a85_ec53
    return h ^ (h >> 33)
  }

  private mutating func rehash() {
    slots = [Int32](repeating: 0, count: slots.count * 2)
    let mask = slots.count - 1
    for (index, entry) in entries.enumerated() {
      var slot = Int(truncatingIfNeeded: ValidationMemo.hash(keys[entry.start..<entry.start + entry.count])) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(index + 1)
    }
  }
}

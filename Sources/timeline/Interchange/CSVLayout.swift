import EventLog

/// The CSV that `export --format csv` writes and `import` reads back exactly:
/// the event's fields, with one column per attr name where the single `attrs`
/// cell used to be, so that a spreadsheet can filter on `attrs.name`.
///
/// A column `attrs.NAME` holds the attr as its kind's schema types it (a metric's
/// value a number, a strategy's focus a list joined by `;`); for the free-form
/// kinds (report, x-...) it holds a string. A free-form attr of another type goes
/// to a typed column: `attrs.NAME:number`, `attrs.NAME:bool` (true or false) or
/// `attrs.NAME:list` (joined by `;`). What none of these can say exactly (an
/// empty string or list, a list item that is empty, holds `;` or has spaces at
/// either end, a name holding `:`) goes to `attrs.NAME:json`, the canonical JSON
/// of the value. An empty cell is an absent attr.
enum CSVLayout {
  /// The columns of the event's fields, in order; the attr columns go where `attrs` is.
  static let fieldColumns = ImportMapping.fields

  enum CellType: String, CaseIterable {
    case number, bool, list, json
  }

  /// A column's header: `attrs.NAME` or `attrs.NAME:TYPE`.
  struct AttrColumn: Hashable {
    var name: String
    var type: CellType?

    var header: String { "attrs." + name + (type.map { ":" + $0.rawValue } ?? "") }

    /// Reads `attrs.NAME[:TYPE]`; a name may hold `:` only in a `:json` column.
    init?(header: String) {
      guard header.hasPrefix("attrs."), header.count > 6 else { return nil }
      var name = String(header.dropFirst(6))
      var type: CellType?
      if let colon = name.lastIndex(of: ":"), let given = CellType(rawValue: String(name[name.index(after: colon)...])) {
        type = given
        name = String(name[..<colon])
      }
      guard !name.isEmpty, type == .json || !name.contains(":") else { return nil }
      self.name = name
      self.type = type
    }

    init(name: String, type: CellType?) {
      self.name = name
      self.type = type
    }
  }

  /// The column an attr of `kind` is written to, and its cell.
  static func column(_ name: String, _ value: AttrValue, kind: Kind) -> (AttrColumn, String) {
    func json() -> (AttrColumn, String) {
      var bytes: [UInt8] = []
      var one = Attributes()
      one[name] = value
      EventCodec.appendAttrs(one, to: &bytes)
      // {"NAME":VALUE} -> VALUE
      var key: [UInt8] = []
      CanonicalJSON.appendString(name, to: &key)
      return (AttrColumn(name: name, type: .json), String(decoding: bytes.dropFirst(key.count + 2).dropLast(), as: UTF8.self))
    }
    if name.contains(":") { return json() }
    let typed = EventSchema.attrs(of: kind) != nil
    switch value {
    case .string(let text):
      return text.isEmpty ? json() : (AttrColumn(name: name, type: nil), text)
    case .number(let number):
      return (AttrColumn(name: name, type: typed ? nil : .number), CanonicalJSON.numberText(number))
    case .bool(let flag):
      return (AttrColumn(name: name, type: typed ? nil : .bool), flag ? "true" : "false")
    case .strings(let items):
      let plain = !items.isEmpty && items.allSatisfy { !$0.isEmpty && !$0.contains(";") && $0.trimmed == $0 }
      return plain ? (AttrColumn(name: name, type: typed ? nil : .list), items.joined(separator: ";")) : json()
    }
  }

  /// The attr columns of the events exported, added part by part, and the
  /// header they make.
  struct Columns {
    private var attrs = Set<AttrColumn>()

    mutating func add(_ events: [Event]) {
      for event in events {
        for pair in event.attrs { attrs.insert(CSVLayout.column(pair.key, pair.value, kind: event.kind).0) }
      }
    }

    /// The field columns, with the attr columns sorted by name (then plain before typed) in place of `attrs`.
    var header: [String] {
      let sorted = attrs.sorted {
        $0.name != $1.name ? codePointPrecedes($0.name, $1.name) : ($0.type?.rawValue ?? "") < ($1.type?.rawValue ?? "")
      }.map(\.header)
      return CSVLayout.fieldColumns.flatMap { $0 == "attrs" ? sorted : [$0] }
    }
  }

  /// One event as the cells of `header`.
  static func row(_ event: Event, header: [String]) -> [String] {
    var attrs: [String: String] = [:]
    for pair in event.attrs {
      let (column, cell) = column(pair.key, pair.value, kind: event.kind)
      attrs[column.header] = cell
    }
    return header.map { name in
      switch name {
      case "id": event.id
      case "date": event.date.description
      case "kind": event.kind.description
      case "org": event.org ?? ""
      case "subject": event.subject ?? ""
      case "confidence": event.confidence.rawValue
      case "note": event.note ?? ""
      case "source.title": event.source?.title ?? ""
      case "source.publisher": event.source?.publisher ?? ""
      case "source.url": event.source?.url ?? ""
      case "source.date": event.source?.date?.description ?? ""
      case "supersedes": event.supersedes ?? ""
      case "recorded": event.recorded?.description ?? ""
      default: attrs[name] ?? ""
      }
    }
  }

  /// Whether a header is one `export --format csv` writes: every field column
  /// but `attrs`, in any order, and attr columns. (The older layout, with the
  /// attrs as one JSON cell, is read by the general column mapping.)
  static func isExportHeader(_ columns: [String]) -> Bool {
    let fields = fieldColumns.filter { $0 != "attrs" }
    return Set(columns).count == columns.count && fields.allSatisfy(columns.contains)
      && columns.allSatisfy { fields.contains($0) || AttrColumn(header: $0) != nil }
  }

  /// The value a cell of a column of `type` holds (the column's `header` names it in an error).
  static func cellValue(_ text: String, header: String, type: CellType) throws(ValueError) -> JSONValue {
    switch type {
    case .json:
      do { return try JSONParser.parse(Array(text.utf8)) } catch {
        throw ValueError("'\(header)': '\(Markup.truncate(text, 60))' is not JSON: \(error.description)")
      }
    case .number:
      guard case .number(let number)? = try? JSONParser.parse(Array(text.trimmed.utf8)) else {
        throw ValueError("'\(header)': '\(Markup.truncate(text, 60))' is not a number")
      }
      return .number(number)
    case .list:
      return .array(text.split(separator: ";", omittingEmptySubsequences: false).map { .string(String($0).trimmed) })
    case .bool:
      switch text.trimmed {
      case "true": return .bool(true)
      case "false": return .bool(false)
      default: throw ValueError("'\(header)': '\(Markup.truncate(text, 60))' is not true or false")
      }
    }
  }

  /// A row of the export layout as an event, exactly as it was exported.
  static func event(_ values: [String: String]) throws(ValueError) -> Event {
    var members: [JSONMember] = []
    func cell(_ column: String) -> String? {
      guard let text = values[column], !text.isEmpty else { return nil }
      return CSV.uncell(text)
    }
    for name in ["id", "date", "kind", "org", "subject", "confidence", "supersedes", "note", "recorded"] {
      if let value = cell(name) { members.append(JSONMember(name, .string(value))) }
    }
    let kind = cell("kind").flatMap(Kind.init)
    var attrs: [JSONMember] = []
    for header in values.keys.sorted() {
      guard let column = AttrColumn(header: header), let text = cell(header) else { continue }
      if attrs.contains(where: { $0.key == column.name }) {
        throw ValueError("attr '\(column.name)' has a value in two columns; keep one")
      }
      let value: JSONValue
      if let type = column.type {
        value = try cellValue(text, header: header, type: type)
      } else {
        switch kind.flatMap({ EventSchema.attrType(column.name, of: $0) }) {
        case .number?: value = try cellValue(text, header: header, type: .number)
        case .strings?: value = try cellValue(text, header: header, type: .list)
        default: value = .string(text)
        }
      }
      attrs.append(JSONMember(column.name, value))
    }
    if !attrs.isEmpty { members.append(JSONMember("attrs", .object(attrs))) }
    var source: [JSONMember] = []
    for name in ["title", "publisher", "url", "date"] {
      if let value = cell("source." + name) { source.append(JSONMember(name, .string(value))) }
    }
    if !source.isEmpty { members.append(JSONMember("source", .object(source))) }
    var event = try EventCodec.decode(JSONValue.object(members), stored: false)
    try assignID(&event)
    return event
  }
}

/// The CSV header: field names, which `import` maps back without `--map`.
let csvColumns = ImportMapping.fields

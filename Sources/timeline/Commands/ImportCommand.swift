import EventLog
import Projections

let importFormats = ["csv", "jsonl", "json"]

let importCommand = Command(
  name: "import",
  summary: "append the events of a CSV, JSON-lines or JSON file, all or nothing, skipping those already in the log",
  positionals: [PositionalSpec(name: "FILE", help: "the file to read (- for standard input)")],
  options: [
    OptionSpec(name: "format", value: "FORMAT", help: "csv (RFC 4180, a header row), jsonl (one JSON object a line) or json (an array of objects); by default the file name's ending says: .csv, .jsonl or .ndjson, .json (standard input needs --format)", choices: importFormats),
    OptionSpec(name: "preset", value: "NAME", help: "a ready mapping for a known data set: \(importPresets.map(\.name).joined(separator: ", ")) (see below); --map, --set and --kind add to it", choices: importPresets.map(\.name)),
    OptionSpec(name: "map", value: "COLUMN=FIELD", help: "put a column into a field, FIELD[@KIND][:TRANSFORM]...: date, kind, org, subject, confidence, note, attrs (a JSON object), attrs.NAME, source.title, source.publisher, source.url, source.date, supersedes, recorded, id", repeatable: true),
    OptionSpec(name: "set", value: "FIELD=VALUE", help: "give a field the same value in every event; FIELD@KIND for one kind's events", repeatable: true),
    OptionSpec(name: "kind", value: "KIND", help: "each row yields an event of this kind; repeat for several events a row (launch and retire)", repeatable: true),
    OptionSpec(name: "skip-empty", value: "COLUMN", help: "skip (and list) the rows where this column is empty, instead of rejecting them", repeatable: true),
    OptionSpec(name: "restamp", value: nil, help: "leave out the recorded times the file gives; the events are stamped now"),
    OptionSpec(name: "dry-run", value: nil, help: "check everything and print the lines that would be appended (stamped as now), then the summary; write nothing"),
    writerOption,
  ],
  details: [
    "A byte order mark at the start of the file (spreadsheets save CSV with one) is ignored.",
    "All or nothing: every row is checked first, and if any is rejected, each is listed as FILE:LINE (name): reason (the name: the cell mapped to subject, when there is one) and nothing is appended (exit 65). Events get their content ids, so importing the same file twice appends nothing the second time: an event whose id is already in the log is skipped.",
    "Without --map or --preset, jsonl lines are whole events (as add --stdin reads them; with --set, --kind or --skip-empty they are records of columns), and CSV columns or JSON keys named like fields (the header `timeline export --format csv` writes) fill those fields, but for the fields --set or --kind give; the other columns are not read, and are named on standard error. An apostrophe that export put before a formula-like cell is removed. A JSON value keeps its type: an array fills a list attr as it is, a boolean or a number a free attr (report, x- kinds), and a source object fills source.*.",
    "Transforms, applied in order: slug (lowercase ASCII: accents dropped, Greek spelled out, + as plus; an org gets no dots), first (the first of a comma-separated list), first-url, year-if-jan1 (YYYY-01-01 becomes YYYY), trim, lower. Several columns mapped to note become lines \"Column: value\". A subject without a slash, for a product kind, is put under the event's org (google + Reader = google/reader). A list attr (focus, deprioritize) from a cell is split on commas and semicolons, as add --set splits it.",
  ] + importPresets.map { "Preset \($0.name): \($0.about)\n  " + $0.arguments.map(shellQuote).joined(separator: " ") },
  examples: [
    "timeline import events.csv",
    "some-command | timeline import - --format jsonl",
    "timeline import graveyard.json --preset killedbygoogle",
    "timeline import notable_ai_models.csv --preset epoch --dry-run",
    "timeline import launches.csv --format csv --kind launch --set org=acme --map Name=subject:slug --map Day=date --map URL=source.url",
  ],
  run: runImport)

/// A named mapping for a data set in ../shared/data.
struct ImportPreset {
  var name: String
  var about: String
  var arguments: [String]
}

let importPresets = [
  ImportPreset(
    name: "killedbygoogle",
    about: "Killed by Google's graveyard.json: each product a launch (dateOpen) and a retire (dateClose) of google/SLUG, type from the file's type, description as the launch's note, link as the source.",
    arguments: [
      "--format", "json", "--kind", "launch", "--kind", "retire", "--set", "org=google", "--map", "name=subject:slug",
      "--map", "dateOpen=date@launch", "--map", "dateClose=date@retire", "--map", "type=attrs.type@launch",
      "--map", "description=note@launch", "--map", "link=source.url:first-url", "--set", "source.publisher=Killed by Google",
    ]),
  ImportPreset(
    name: "epoch",
    about: "Epoch AI's Notable AI Models CSV: each model a launch of ORG/SLUG with type model, the first listed organisation as the org (the whole list, domain, accessibility, parameters and base model in the note), YYYY-01-01 read as the year only, the first link as the source; rows without an organisation or a date are skipped and listed.",
    arguments: [
      "--format", "csv", "--kind", "launch", "--map", "Model=subject:slug", "--map", "Organization=org:first:slug",
      "--map", "Publication date=date:year-if-jan1", "--map", "Link=source.url:first-url", "--map", "Reference=source.title:trim",
      "--set", "source.publisher=Epoch AI, Notable AI Models", "--set", "attrs.type=model", "--map", "Organization=note",
      "--map", "Domain=note", "--map", "Model accessibility=note", "--map", "Parameters=note", "--map", "Base model=note",
      "--skip-empty", "Organization", "--skip-empty", "Publication date",
    ]),
]

func shellQuote(_ word: String) -> String {
  if !word.isEmpty && word.allSatisfy({ $0.isLetter || $0.isNumber || "-_.=/@:".contains($0) }) && word.allSatisfy(\.isASCII) {
    return word
  }
  return "'" + word.replacing("'", with: "'\\''") + "'"
}

/// One row of the input: its cells by column, where it is, and what names it.
private struct Row {
  var line: Int
  var values: [String: String]
  /// A JSON row's values that are not text (numbers, booleans, arrays), as
  /// written, by column: an attr takes them with their type, where a CSV
  /// cell is always text.
  var typed: [String: JSONValue] = [:]
}

/// Appends the events of a file: read its rows into events, keep those new
/// to the log, check them all, and append them in one batch (or say what a
/// dry run would append).
private func runImport(_ args: ParsedArguments, _ context: Context) throws -> Int32 {
  let args = try withPreset(args)
  let path = args.positionals[0]
  let format = try importFormat(args, path: path)
  let mapping = try ImportMapping(maps: args.all("map"), sets: args.all("set"), kinds: args.all("kind"), skipEmpty: args.all("skip-empty"))
  let label = path == "-" ? "<stdin>" : path
  let progress = Progress("reading \(label)", counting: "rows")
  defer { progress.finish() }
  // A byte order mark (spreadsheets save CSV with one) is not part of the
  // first column's name or the first line's JSON: it is dropped.
  // Lines but in a JSON document, which may be minified onto one.
  let lines = format != "json"
  let bytes = withoutByteOrderMark(path == "-" ? try readStandardInput(lines: lines) : try PlainFile.read(path, lines: lines))
  var read = try readEvents(bytes, format: format, mapping: mapping, args, label: label, progress: progress)
  progress.finish()

  let table = try loadFactsIfAny(context, writingCache: !args.has("dry-run"))
  let new = try newEvents(&read, in: table, restamp: args.has("restamp"), context)
  if !read.problems.isEmpty {
    for note in read.skipped { context.console.note("timeline: \(note)") }
    throw batchError(read.problems, total: read.rowCount, what: "rows of \(label)", limit: Int.max)
  }
  let (batch, batchLabels) = inRecordedOrder(new.events, labels: new.labels)
  // In the order they are appended: a correction's target must come first
  // (or both keep the recorded times of the log they come from).
  try checkReferences(batch, labels: batchLabels, in: table, keepingRecorded: true, context)

  for note in read.skipped + read.notes { context.console.note("timeline: \(note)") }
  warnAboutNames(batch, labels: batchLabels, context)
  let summary = importSummary(read, new, label: label)
  /// An append's error, with import's own way out of recorded times out of order.
  func importing<T>(_ append: () throws -> T) throws -> T {
    do { return try append() } catch var error as LogError {
      if case .leaveRecordedOut? = error.nextStep { error.nextStep = .restampImport }
      throw error
    }
  }
  if args.has("dry-run") {
    // The lines as they would be written (stamped as now), as add --dry-run shows its event.
    let stamped = batch.isEmpty ? [] : try importing { try context.store.append(batch, now: context.now, dryRun: true, label: { batchLabels[$0] }) { _ in } }
    for event in stamped { context.console.line(String(decoding: EventCodec.encode(event), as: UTF8.self)) }
    context.console.line(summary + "; would append \(batch.count) (dry run: nothing was written)")
    return 0
  }
  if !batch.isEmpty {
    _ = try importing {
      try context.store.append(batch, now: context.now, label: { batchLabels[$0] }) { notice in
        context.console.repaired(notice, prefix: "note")
      } warning: { context.console.error("timeline: warning: \(appendWarningText($0))") }
    }
    context.console.committed = appendedText(batch, to: context.store.appendTarget)
  }
  context.console.line(summary + "; appended \(batch.count) to \(context.store.appendTarget)")
  return 0
}

/// The arguments with --preset's added: the user's lists after the preset's,
/// the user's single values instead of the preset's.
private func withPreset(_ args: ParsedArguments) throws -> ParsedArguments {
  guard let name = args.value("preset") else { return args }
  guard let preset = importPresets.first(where: { $0.name == name }) else {
    throw UsageError("--preset: unknown preset '\(name)'\(didYouMean(name, in: importPresets.map(\.name))); the presets are \(importPresets.map(\.name).joined(separator: ", "))", command: "import")
  }
  let given = try parse(preset.arguments, options: importCommand.options, positionals: [], command: "import")
  return merged(given, with: args)
}

/// What the rows of the input gave: the events, with the FILE:LINE each came
/// from, and what was wrong, said or skipped on the way.
private struct ReadEvents {
  var events: [Event] = []
  var labels: [String] = []
  /// FILE:LINE: reason, for each row that gave no event; any of them stops the import.
  var problems: [String] = []
  var notes: [String] = []
  /// The rows --skip-empty left out.
  var skipped: [String] = []
  var rowCount = 0

  mutating func add(_ event: Event, label: String) {
    events.append(event)
    labels.append(label)
  }
}

/// The events of the input, read one of three ways: jsonl lines as whole
/// events, the CSV `export` writes as it wrote it, or else rows of columns
/// put into fields by the mapping.
private func readEvents(
  _ bytes: [UInt8], format: String, mapping: ImportMapping, _ args: ParsedArguments, label: String, progress: Progress
) throws -> ReadEvents {
  let usesMapping = args.has("map") || args.has("set") || args.has("kind") || args.has("skip-empty")
  if format == "jsonl" && !usesMapping { return wholeEvents(bytes, label: label, progress: progress) }
  if format == "csv" && !usesMapping && hasExportHeader(bytes) { return try exportedRows(bytes, label: label, progress: progress) }
  let (columns, rows) = try readRows(bytes, format: format, label: label)
  // An empty file (not even a header) has nothing to map: 0 rows, as an empty jsonl file.
  let empty = columns.isEmpty && rows.isEmpty
  var effective = mapping
  var undoInert = false
  var ignored: [String] = []
  if !args.has("map") && !empty {
    effective.maps = try fieldColumns(columns, mapping: mapping, usesMapping: usesMapping, label: label)
    // Columns all of export's layout (some deleted or moved in a
    // spreadsheet): its cells were made inert by export, and are given back.
    undoInert = format == "csv" && columns.allSatisfy { csvColumns.contains($0) || CSVLayout.AttrColumn(header: $0) != nil }
    let read = Set(effective.columns)
    let given = Set(mapping.constants.map(\.target.field) + (mapping.kinds.isEmpty ? [] : ["kind"]))
    ignored = columns.filter { !read.contains($0) && !given.contains($0) }
  }
  for column in Set(effective.columns) where !columns.contains(column) && !empty {
    throw UsageError("\(label) has no column '\(column)'\(didYouMean(column, in: columns)); its columns are: \(columns.joined(separator: ", "))", command: "import")
  }
  var read = mappedRows(rows, mapping: effective, undoInert: undoInert, label: label, progress: progress)
  if !ignored.isEmpty {
    let named = ignored.map { "'\($0)'" + didYouMean($0, in: ImportMapping.fields) }.joined(separator: ", ")
    read.notes.insert("\(label): not read, as no column of that name is an event field: \(named); say which field each fills with --map COLUMN=FIELD (then only the mapped columns are read)", at: 0)
  }
  return read
}

/// Whole events, one a line, exactly as add --stdin reads them.
private func wholeEvents(_ bytes: [UInt8], label: String, progress: Progress) -> ReadEvents {
  var read = ReadEvents()
  var lineNumber = 0
  var start = 0
  while start < bytes.count {
    let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
    lineNumber += 1
    let line = Array(bytes[start..<end])
    start = end + 1
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
    read.rowCount += 1
    if read.rowCount & 1023 == 0 { progress.advance(by: 1024) }
    do {
      read.add(try decodeInputLine(line), label: "\(label):\(lineNumber)")
    } catch {
      read.problems.append("\(label):\(lineNumber): \(error.message)")
    }
  }
  return read
}

/// What export --format csv writes: read back exactly, attr columns typed.
private func exportedRows(_ bytes: [UInt8], label: String, progress: Progress) throws -> ReadEvents {
  var read = ReadEvents()
  let (_, rows) = try readRows(bytes, format: "csv", label: label)
  read.rowCount = rows.count
  for (index, row) in rows.enumerated() {
    if index & 1023 == 1023 { progress.advance(by: 1024) }
    do {
      read.add(try CSVLayout.event(row.values), label: "\(label):\(row.line)")
    } catch {
      read.problems.append("\(label):\(row.line): \(faultText(error, for: .importRow))")
    }
  }
  return read
}

/// Without --map: the columns named like fields fill them (the CSV timeline
/// writes), but for the fields --set and --kind give.
private func fieldColumns(_ columns: [String], mapping: ImportMapping, usesMapping: Bool, label: String) throws -> [ImportMapping.ColumnMap] {
  let given = Set(mapping.constants.map(\.target.field) + (mapping.kinds.isEmpty ? [] : ["kind"]))
  let known = columns.filter {
    (ImportMapping.fields.contains($0) || ($0.hasPrefix("attrs.") && $0.count > 6)) && !given.contains($0)
  }
  guard !known.isEmpty || usesMapping else {
    throw UsageError("\(label): no column is named like an event field (\(ImportMapping.fields.joined(separator: ", "))); say which column fills which field with --map COLUMN=FIELD, or use --preset", command: "import")
  }
  return known.map { ImportMapping.ColumnMap(column: $0, target: ImportMapping.Target(field: $0, kind: nil, transforms: [])) }
}

/// Rows of columns put into events by the mapping, each row giving one event
/// for each kind; the rows --skip-empty names are skipped and listed.
private func mappedRows(_ rows: [Row], mapping: ImportMapping, undoInert: Bool, label: String, progress: Progress) -> ReadEvents {
  var read = ReadEvents()
  read.rowCount = rows.count
  var converter = RowConverter(mapping: mapping, undoInert: undoInert, label: label)
  for (index, row) in rows.enumerated() {
    if index & 1023 == 1023 { progress.advance(by: 1024) }
    if let empty = mapping.skipEmpty.first(where: { (row.values[$0] ?? "").trimmed.isEmpty }) {
      read.skipped.append("\(label):\(row.line): skipped\(converter.name(of: row.values)): empty '\(empty)'")
      continue
    }
    do {
      for event in try converter.events(from: row.values, typed: row.typed, line: row.line) {
        read.add(event, label: "\(label):\(row.line)")
      }
    } catch {
      read.problems.append("\(label):\(row.line)\(converter.name(of: row.values)): \(error.message)")
    }
  }
  read.notes += converter.summaries()
  return read
}

/// The events of an import that the log does not hold yet, and how many it does.
private struct NewEvents {
  var events: [Event] = []
  var labels: [String] = []
  var alreadyInLog = 0
  var repeated = 0
}

/// Idempotence: the events whose content ids are already in the log, or
/// repeated in the file, are left out; an id given to different content is a
/// problem of `read`, and an event dated after today a note.
private func newEvents(_ read: inout ReadEvents, in table: FactTable, restamp: Bool, _ context: Context) throws -> NewEvents {
  // Only the events of the log whose ids the file also has are read whole
  // (the first line of each such id).
  let shared = table.firstFacts(withIDs: read.events.map(\.id))
  var existing: [String: [UInt8]] = [:]
  for event in try context.store.events(shared, in: table) { existing[event.id] = EventCodec.content(event) }
  var seen: [String: (content: [UInt8], label: String)] = [:]
  var new = NewEvents()
  /// The row's name, as other faults of a row give it: its subject.
  func named(_ event: Event) -> String { event.subject.map { " (\(oneLine(Markup.truncate($0, 60))))" } ?? "" }
  for (index, event) in read.events.enumerated() {
    let content = EventCodec.content(event)
    if let there = existing[event.id] {
      if there == content { new.alreadyInLog += 1 } else {
        read.problems.append("\(read.labels[index])\(named(event)): id \(event.id) is already in the log for another event; choose another id")
      }
      continue
    }
    if let earlier = seen[event.id] {
      if earlier.content == content { new.repeated += 1 } else {
        read.problems.append("\(read.labels[index]): id \(event.id) is also given to a different event at \(earlier.label)")
      }
      continue
    }
    seen[event.id] = (content, read.labels[index])
    // Kept, but said: a planned event is not yet a fact.
    if let note = plannedNote(event, today: context.today) { read.notes.append("\(read.labels[index]): \(note)") }
    new.events.append(restamp ? restamped(event) : event)
    new.labels.append(read.labels[index])
  }
  return new
}

/// Events that carry their recorded time go first, in that order, so the
/// file's times keep increasing; the others keep the order of the input.
private func inRecordedOrder(_ events: [Event], labels: [String]) -> ([Event], [String]) {
  let order = events.indices.sorted { a, b in
    switch (events[a].recorded, events[b].recorded) {
    case (let x?, let y?): return x != y ? x < y : a < b
    case (.some, nil): return true
    case (nil, .some): return false
    case (nil, nil): return a < b
    }
  }
  return (order.map { events[$0] }, order.map { labels[$0] })
}

/// `12 rows read from FILE, 1 skipped; 12 events, 2 already in the log`:
/// what the import found, before what it appended.
private func importSummary(_ read: ReadEvents, _ new: NewEvents, label: String) -> String {
  var summary = "\(plural(read.rowCount, "row")) read from \(label)"
  if !read.skipped.isEmpty { summary += ", \(read.skipped.count) skipped" }
  summary += "; \(plural(read.events.count, "event"))"
  if new.alreadyInLog > 0 { summary += ", \(new.alreadyInLog) already in the log" }
  if new.repeated > 0 { summary += ", \(new.repeated) repeated in the file" }
  return summary
}

/// The file name's extensions `import` reads a format from.
let importExtensions: [(suffix: String, format: String)] = [(".csv", "csv"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json")]

/// --format, or the format the file name says (.csv, .jsonl, .ndjson, .json).
/// Standard input has no name, so `-` needs --format.
func importFormat(_ args: ParsedArguments, path: String) throws(UsageError) -> String {
  if args.has("format") { return try choice(args, "format", in: importFormats, default: nil, command: "import") }
  if path == "-" {
    throw UsageError("reading standard input (-) needs --format csv, jsonl or json: a pipe has no file name to tell the format from", command: "import")
  }
  let name = path.lowercased()
  if let known = importExtensions.first(where: { name.hasSuffix($0.suffix) && name.count > $0.suffix.count }) { return known.format }
  throw UsageError("cannot tell the format of '\(path)' from its name: give --format csv, jsonl or json (the names import knows end in \(importExtensions.map(\.suffix).joined(separator: ", ")))", command: "import")
}

/// Whether a CSV file starts with the header `export --format csv` writes
/// (read from its first line alone, so that the file is parsed once).
private func hasExportHeader(_ bytes: [UInt8]) -> Bool {
  let end = bytes.firstIndex(of: 0x0a) ?? bytes.count
  guard let header = try? CSV.parse(Array(bytes[..<end])).first else { return false }
  return CSVLayout.isExportHeader(header.fields)
}

/// Input bytes without a UTF-8 byte order mark (EF BB BF) at the start, which
/// editors and spreadsheets write and which is no part of the text.
private func withoutByteOrderMark(_ bytes: [UInt8]) -> [UInt8] {
  bytes.starts(with: [0xef, 0xbb, 0xbf]) ? Array(bytes.dropFirst(3)) : bytes
}

private func restamped(_ event: Event) -> Event {
  var copy = event
  copy.recorded = nil
  return copy
}

/// A preset's arguments, with the user's added (lists) or preferred (single values).
private func merged(_ preset: ParsedArguments, with user: ParsedArguments) -> ParsedArguments {
  var result = ParsedArguments()
  result.positionals = user.positionals
  for option in importCommand.options {
    let mine = user.all(option.name)
    let theirs = preset.all(option.name)
    let values = option.repeatable ? theirs + mine : (mine.isEmpty ? theirs : mine)
    for value in values { result.record(option.name, value) }
  }
  return result
}

// MARK: - Reading rows

/// The rows of a CSV file (the first record is the header) or of a JSON
/// array or JSON-lines file of flat objects.
private func readRows(_ bytes: [UInt8], format: String, label: String) throws(LogError) -> ([String], [Row]) {
  switch format {
  case "csv":
    let records: [CSV.Record]
    do { records = try CSV.parse(bytes) } catch {
      throw LogError(.dataError, "\(label):\(error.line): \(error.message); nothing was appended")
    }
    guard let header = records.first else { return ([], []) }
    var problems: [String] = []
    var rows: [Row] = []
    for record in records.dropFirst() {
      if record.fields.count != header.fields.count {
        problems.append("\(label):\(record.line): \(record.fields.count) fields, but the header has \(header.fields.count)")
        continue
      }
      rows.append(Row(line: record.line, values: Dictionary(zip(header.fields, record.fields), uniquingKeysWith: { a, _ in a })))
    }
    if !problems.isEmpty { throw batchError(problems, total: records.count - 1, what: "rows of \(label)", limit: Int.max) }
    return (header.fields, rows)
  default:
    var columns: [String] = []
    var rows: [Row] = []
    var problems: [String] = []
    let items: [(line: Int, bytes: ArraySlice<UInt8>)]
    if format == "json" {
      do { items = try topLevelItems(bytes) } catch { throw LogError(.dataError, "\(label):\(error.line): \(error.message); nothing was appended") }
    } else {
      var list: [(Int, ArraySlice<UInt8>)] = []
      var lineNumber = 0
      var start = 0
      while start < bytes.count {
        let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
        lineNumber += 1
        if !bytes[start..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { list.append((lineNumber, bytes[start..<end])) }
        start = end + 1
      }
      items = list
    }
    for item in items {
      let value: JSONValue
      do { value = try JSONParser.parse(Array(item.bytes)) } catch {
        problems.append("\(label):\(item.line): \(error.description)")
        continue
      }
      guard case .object(let members) = value else {
        problems.append("\(label):\(item.line): not a JSON object")
        continue
      }
      var row = Row(line: item.line, values: [:])
      // A source given as an object is its source.* columns.
      var flat: [JSONMember] = []
      for member in members {
        if member.key == "source", case .object(let fields) = member.value {
          flat += fields.map { JSONMember("source." + $0.key, $0.value) }
        } else {
          flat.append(member)
        }
      }
      for member in flat {
        if !columns.contains(member.key) { columns.append(member.key) }
        row.values[member.key] = cellText(member.value)
        switch member.value {
        case .null, .string: break
        default: row.typed[member.key] = member.value
        }
      }
      rows.append(row)
    }
    if !problems.isEmpty { throw batchError(problems, total: items.count, what: "rows of \(label)", limit: Int.max) }
    return (columns, rows)
  }
}

/// A JSON value as the text of a cell: strings as they are, numbers as written, null empty.
private func cellText(_ value: JSONValue) -> String {
  switch value {
  case .null: return ""
  case .bool(let flag): return flag ? "true" : "false"
  case .number(let number): return number.literal
  case .string(let text): return text
  case .array, .object:
    var out: [UInt8] = []
    appendJSON(value, to: &out)
    return String(decoding: out, as: UTF8.self)
  }
}

/// Writes a parsed JSON value back as compact JSON, numbers as they were written.
private func appendJSON(_ value: JSONValue, to out: inout [UInt8]) {
  switch value {
  case .null: out.append(contentsOf: "null".utf8)
  case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
  case .number(let number): out.append(contentsOf: number.literal.utf8)
  case .string(let text): CanonicalJSON.appendString(text, to: &out)
  case .array(let items):
    out.append(UInt8(ascii: "["))
    for (index, item) in items.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      appendJSON(item, to: &out)
    }
    out.append(UInt8(ascii: "]"))
  case .object(let members):
    out.append(UInt8(ascii: "{"))
    for (index, member) in members.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      CanonicalJSON.appendString(member.key, to: &out)
      out.append(UInt8(ascii: ":"))
      appendJSON(member.value, to: &out)
    }
    out.append(UInt8(ascii: "}"))
  }
}

private struct LocatedError: Error {
  var line: Int
  var message: String
}

/// The byte ranges of the items of a top-level JSON array, with the line each starts on.
private func topLevelItems(_ bytes: [UInt8]) throws(LocatedError) -> [(line: Int, bytes: ArraySlice<UInt8>)] {
  var index = 0
  var line = 1
  func skipSpace() {
    while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) {
      if bytes[index] == 0x0a { line += 1 }
      index += 1
    }
  }
  skipSpace()
  guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else {
    throw LocatedError(line: line, message: "expected a JSON array of objects")
  }
  index += 1
  var items: [(line: Int, bytes: ArraySlice<UInt8>)] = []
  while true {
    skipSpace()
    guard index < bytes.count else { throw LocatedError(line: line, message: "the array is not closed") }
    if bytes[index] == UInt8(ascii: "]") && items.isEmpty { index += 1; break }
    let start = index
    let startLine = line
    var depth = 0
    var inString = false
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x0a { line += 1 }
      if inString {
        if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
      } else if byte == UInt8(ascii: "\"") {
        inString = true
      } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
        depth += 1
      } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
        if depth == 0 { break }
        depth -= 1
      } else if byte == UInt8(ascii: ","), depth == 0 {
        break
      }
      index += 1
    }
    items.append((startLine, bytes[start..<index]))
    skipSpace()
    guard index < bytes.count else { throw LocatedError(line: line, message: "the array is not closed") }
    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
    if bytes[index] == UInt8(ascii: "]") { index += 1; break }
    throw LocatedError(line: line, message: "expected , or ] between items")
  }
  skipSpace()
  guard index == bytes.count else { throw LocatedError(line: line, message: "text after the array") }
  return items
}

// MARK: - Rows to events

/// Turns rows into events through a mapping, counting what it had to interpret.
private struct RowConverter {
  var mapping: ImportMapping
  var undoInert: Bool
  var label: String
  /// Per transform, the rows it changed ("year-if-jan1" -> lines).
  var interpreted: [String: [Int]] = [:]
  var withoutSource: [Int] = []
  /// subject -> (the text it was made from, where), to catch two names made one slug.
  var subjects: [String: (raw: String, line: Int)] = [:]

  init(mapping: ImportMapping, undoInert: Bool, label: String) {
    self.mapping = mapping
    self.undoInert = undoInert
    self.label = label
  }

  /// " (NAME)" for messages: the cell mapped to subject, if any.
  func name(of values: [String: String]) -> String {
    guard let column = mapping.maps.first(where: { $0.target.field == "subject" })?.column,
      let value = values[column], !value.isEmpty
    else { return "" }
    return " (\(oneLine(Markup.truncate(value, 60))))"
  }

  mutating func events(from values: [String: String], typed: [String: JSONValue] = [:], line: Int) throws(ValueError) -> [Event] {
    let kinds: [String?] = mapping.kinds.isEmpty ? [nil] : mapping.kinds.map { $0 }
    var result: [Event] = []
    for kind in kinds {
      result.append(try event(from: values, typed: typed, kind: kind, line: line))
    }
    return result
  }

  private mutating func event(from values: [String: String], typed: [String: JSONValue], kind: String?, line: Int) throws(ValueError) -> Event {
    var fields: [String: String] = [:]
    /// A field's JSON value when its column gave one that is not text, untransformed.
    var typedFields: [String: JSONValue] = [:]
    var sourceColumn: [String: String] = [:]
    var noteParts: [(column: String, value: String)] = []
    var noteColumns = 0
    var rawSubject: String?
    for constant in mapping.constants where constant.target.kind == nil || constant.target.kind == kind {
      fields[constant.target.field] = constant.value
    }
    for map in mapping.maps where map.target.kind == nil || map.target.kind == kind {
      var value = values[map.column] ?? ""
      if undoInert { value = CSV.uncell(value) }
      if map.target.field == "note" {
        noteColumns += 1
        if !value.trimmed.isEmpty { noteParts.append((map.column, value)) }
        continue
      }
      if map.target.field == "subject" { rawSubject = value }
      if value.isEmpty {
        if fields[map.target.field] == nil { sourceColumn[map.target.field] = map.column }
        continue
      }
      for transform in map.target.transforms {
        let before = value
        do { value = try transform.apply(value, field: map.target.field) } catch {
          throw ValueError("'\(map.column)' (\(map.target.field)): \(error.message)")
        }
        if transform != .slug && transform != .trim && transform != .lower && value != before {
          interpreted["\(transform.rawValue) on '\(map.column)'", default: []].append(line)
        }
      }
      fields[map.target.field] = value
      sourceColumn[map.target.field] = map.column
      if map.target.transforms.isEmpty, let original = typed[map.column] { typedFields[map.target.field] = original }
    }
    if noteColumns == 1, let only = noteParts.first {
      fields["note"] = only.value
    } else if !noteParts.isEmpty {
      fields["note"] = noteParts.map { "\($0.column): \($0.value)" }.joined(separator: "\n")
    }
    if let kind { fields["kind"] = kind }

    func missing(_ field: String) -> String {
      if let column = sourceColumn[field] { return "empty '\(column)': an event needs a \(field)" }
      return "no \(field): map a column to it (--map COLUMN=\(field)) or give it (--set \(field)=...)"
    }
    // Every fault of the row is said at once, so that one round of fixes is enough.
    var faults: [String] = []
    let kindName = fields["kind"] ?? ""
    let eventKind = Kind(kindName)
    if kindName.isEmpty {
      faults.append(missing("kind"))
    } else if eventKind == nil {
      faults.append("unknown kind '\(kindName)'\(didYouMean(kindName, in: Kind.builtIn.map(\.description)))")
    }
    if fields["date"] == nil { faults.append(missing("date")) }
    let orgMissing = eventKind != .retract && fields["org"] == nil
    if orgMissing { faults.append(missing("org")) }
    guard let eventKind else { throw ValueError(faults.joined(separator: "; ")) }

    // Product kinds name ORG/slug: a bare slug is put under the event's org.
    if var subject = fields["subject"], !subject.contains("/"), let org = fields["org"] {
      switch EventSchema.subjectRule(of: eventKind) {
      case .product, .optionalProduct: subject = org + "/" + subject
      case .productOrOrg where subject != org: subject = org + "/" + subject
      default: break
      }
      fields["subject"] = subject
    }

    // Fields the decoder would stop at are checked here, and left out (a
    // stand-in date) so that it reads the rest.
    func drop(_ field: String, if fault: String?) {
      guard let fault else { return }
      faults.append(fault)
      fields[field] = field == "date" ? "2000" : nil
    }
    if let date = fields["date"] {
      var fault: String?
      do throws(ValueError) { _ = try EventDate.parse(date) } catch { fault = "\"date\": " + error.message }
      drop("date", if: fault)
    }
    if fields["date"] == nil { fields["date"] = "2000" }
    if let id = fields["id"], !EventSchema.isValidID(id) {
      drop("id", if: "\"id\": \"\(id)\" is not a valid id: use 1 to 64 of A-Z a-z 0-9 . _ -, or leave \"id\" out to get the content id")
    }
    if let confidence = fields["confidence"], Confidence(rawValue: confidence) == nil {
      drop("confidence", if: "\"confidence\": \"\(confidence)\" is not rumor, reported or confirmed\(didYouMean(confidence, in: Confidence.allCases.map(\.rawValue)))")
    }
    if let recorded = fields["recorded"] {
      var fault: String?
      do throws(ValueError) { _ = try Timestamp.parse(recorded) } catch { fault = "\"recorded\": " + error.message }
      drop("recorded", if: fault)
    }
    if let date = fields["source.date"] {
      var fault: String?
      do throws(ValueError) { _ = try EventDate.parse(date) } catch { fault = "\"source.date\": " + error.message }
      drop("source.date", if: fault)
    }

    var members: [JSONMember] = []
    for name in ["id", "date", "kind", "org", "subject", "confidence", "supersedes", "note", "recorded"] {
      if let value = fields[name] { members.append(JSONMember(name, .string(value))) }
    }
    // Export's typed attr columns (attrs.NAME:number, :bool, :list, :json),
    // in a file whose columns are all of export's layout (some deleted or
    // moved): read as export wrote them, under the attr's own name.
    if undoInert {
      for field in fields.keys.sorted() where field.hasPrefix("attrs.") {
        guard let column = CSVLayout.AttrColumn(header: field), let type = column.type, let text = fields[field] else { continue }
        fields[field] = nil
        let target = "attrs." + column.name
        guard fields[target] == nil else {
          faults.append("attr '\(column.name)' has a value in two columns; keep one")
          continue
        }
        do throws(ValueError) {
          typedFields[target] = try CSVLayout.cellValue(text, header: field, type: type)
          fields[target] = text
          sourceColumn[target] = field
        } catch {
          faults.append(error.message)
        }
      }
    }
    var attrs: [JSONMember] = []
    // Attrs whose cell could not be read, so that they are not also called missing.
    var unreadable: [String] = []
    if let text = fields["attrs"] {
      if case .object(let given)? = try? JSONParser.parse(Array(text.utf8)) {
        attrs = given
      } else {
        faults.append("'\(sourceColumn["attrs"] ?? "attrs")' (attrs) is not a JSON object: \(Markup.truncate(text, 60))")
      }
    }
    for (field, value) in fields.sorted(by: { $0.key < $1.key }) where field.hasPrefix("attrs.") {
      let name = String(field.dropFirst(6))
      attrs.removeAll { $0.key == name }
      switch EventSchema.attrType(name, of: eventKind) {
      case .number?:
        guard case .number(let number)? = try? JSONParser.parse(Array(value.trimmed.utf8)) else {
          faults.append("'\(sourceColumn[field] ?? field)' (\(field)): '\(value)' is not a number")
          unreadable.append("missing attr \"\(name)\"")
          continue
        }
        attrs.append(JSONMember(name, .number(number)))
      case .strings?:
        if let original = typedFields[field] {
          // A JSON array is the list itself (its items may hold ';').
          guard case .array(let items) = original, items.allSatisfy({ if case .string = $0 { true } else { false } }) else {
            faults.append("'\(sourceColumn[field] ?? field)' (\(field)): \(Markup.truncate(value, 60)) is not a list of strings")
            unreadable.append("missing attr \"\(name)\"")
            continue
          }
          attrs.append(JSONMember(name, original))
        } else {
          attrs.append(JSONMember(name, .array(listItems(value).map { .string($0) })))
        }
      case nil where typedFields[field] != nil:
        // An attr of free type (report, x- kinds) keeps the JSON type it was given.
        attrs.append(JSONMember(name, typedFields[field]!))
      default:
        attrs.append(JSONMember(name, .string(value)))
      }
    }
    if !attrs.isEmpty { members.append(JSONMember("attrs", .object(attrs))) }
    var source: [JSONMember] = []
    for name in ["title", "publisher", "url", "date"] {
      if let value = fields["source." + name] { source.append(JSONMember(name, .string(value))) }
    }
    // A source is meant when a source field is mapped or given; a row with
    // neither title nor URL (a publisher alone is no source, DESIGN.md) is
    // imported without one and listed, rather than refused or passed over.
    let sourceMeant = !source.isEmpty
      || mapping.maps.contains { $0.target.field.hasPrefix("source.") && ($0.target.kind == nil || $0.target.kind == kind) }
      || mapping.constants.contains { $0.target.field.hasPrefix("source.") && ($0.target.kind == nil || $0.target.kind == kind) }
    if fields["source.title"] == nil && fields["source.url"] == nil {
      if sourceMeant { withoutSource.append(line) }
    } else {
      members.append(JSONMember("source", .object(source)))
    }

    var event: Event
    do throws(ValueError) {
      event = try EventCodec.decode(JSONValue.object(members), stored: false, validating: false)
    } catch {
      faults.append(faultText(error, for: .importRow))
      throw ValueError(faults.joined(separator: "; "))
    }
    // A missing org is said once, naming its column.
    var probe = event
    if orgMissing, let subject = event.subject, let parts = EventSchema.productParts(subject) { probe.org = parts.org }
    faults += EventSchema.faults(probe).filter { fault in
      !(orgMissing && fault.message.hasPrefix("missing \"org\"")) && !unreadable.contains { fault.message.hasPrefix($0) }
    }.map { faultText($0, for: .importRow) }
    if faults.isEmpty {
      try assignID(&event)
    }
    if !faults.isEmpty { throw ValueError(faults.joined(separator: "; ")) }
    if eventKind.isProductKind, let subject = event.subject, let raw = rawSubject {
      if let earlier = subjects[subject], earlier.raw != raw {
        throw ValueError("'\(raw)' and '\(earlier.raw)' (\(label):\(earlier.line)) both become \(subject); map another column to subject or rename one")
      }
      subjects[subject] = (raw, line)
    }
    return event
  }

  /// What was interpreted, one line each, naming the lines.
  func summaries() -> [String] {
    var result: [String] = []
    func lines(_ list: [Int]) -> String {
      let unique = Array(Set(list)).sorted()
      let shown = unique.prefix(12).map(String.init).joined(separator: ", ")
      return unique.count > 12 ? "\(shown), ... (\(unique.count) rows)" : shown
    }
    for (what, list) in interpreted.sorted(by: { $0.key < $1.key }) {
      result.append("\(label): \(what) changed \(plural(Set(list).count, "row")) (lines \(lines(list)))")
    }
    if !withoutSource.isEmpty {
      let count = Set(withoutSource).count
      result.append("\(label): \(plural(count, "row")) had no source title or url and \(count == 1 ? "was" : "were") imported without a source (\(count == 1 ? "line" : "lines") \(lines(withoutSource)))")
    }
    return result
  }
}

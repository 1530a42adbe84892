import EventLog
import Projections

/// `--kind`, as log and export take it.
let kindOption = OptionSpec(name: "kind", value: "KIND", help: "only this kind")
/// `--subject`, as log and export take it.
let subjectOption = OptionSpec(name: "subject", value: "S", help: "only events about this subject (an org's own metrics and strategy shifts are about the org)")
let grepOption = OptionSpec(name: "grep", value: "TEXT", help: "only events whose org, subject, note, source (title, publisher, URL) or a string in attrs contains TEXT, ignoring case")

/// The selection a command's options describe: `--from`/`--to`/`-p`,
/// `--org`, `--kind`, `--subject`, `--min-confidence`, `--known-at`,
/// `--grep`, whichever the command takes.
func parseSelection(_ args: ParsedArguments, _ context: Context, command: String) throws(UsageError) -> Selection {
  let (from, to) = try dateWindow(args, context, command: command)
  var kind: Kind?
  if let name = args.value("kind") {
    guard let known = Kind(name) else {
      let kinds = Kind.builtIn.map(\.description)
      throw UsageError("--kind: unknown kind '\(name)'\(didYouMean(name, in: kinds)); use one of \(kinds.joined(separator: ", ")), or x-...")
    }
    kind = known
  }
  let least = try minConfidence(args, command: command)
  let known = try knownAt(args, context)
  let recorded = try recordWindow(args, context, command: command)
  // `log --since T --known-at T2` is a record-time window too.
  if let since = recorded.since, let known {
    try checkWindow(
      start: ("--since", args.value("since")!, since), end: ("--known-at", args.value("known-at")!, known),
      window: "record-time window", command: command)
  }
  return Selection(
    from: from, to: to, org: args.value("org"), kind: kind, subject: args.value("subject"), minConfidence: least,
    knownAt: known, text: args.value("grep"), recorded: recorded)
}

/// A query's selection and the log's facts, in one order for every command:
/// every option is read first (a usage error is 64 before the log is read),
/// then the log, then each name the selection asks about (65 when no line of
/// the log names it).
/// (`selectedReplay` and `selectedListing` keep the same order.)
func selectedFacts(_ args: ParsedArguments, _ context: Context, command: String) throws -> (Selection, FactTable) {
  let selection = try parseSelection(args, context, command: command)
  return (selection, try loadSelected(selection, context))
}

/// The log's facts for a selection already read, then each name it asks about checked.
func loadSelected(_ selection: Selection, _ context: Context) throws -> FactTable {
  let table = try loadFacts(context)
  try requireKnownNames(selection, in: table, context)
  return table
}

/// Refuses (65) a name that no line of the log names, as its org, its
/// subject or a string in its attrs, with the nearest known names as the
/// hint. `option` says where the name came from (`--org`, `MODEL`, `KEY`).
func requireKnownName(_ name: String, option: String, in table: FactTable, _ context: Context) throws {
  if KnownNames.isIndexed(name, in: table) { return }
  // The table does not index every string of every line: read the lines that may hold others.
  let others = KnownNames.linesWithOtherStrings(in: table, mayHold: name)
  // Only lines holding the name as a JSON string are decoded.
  var quoted: [UInt8] = []
  CanonicalJSON.appendString(name, to: &quoted)
  if !others.isEmpty,
    try context.store.events(
      try context.store.facts(others, in: table, mayHold: String(decoding: quoted, as: UTF8.self)), in: table).contains(where: { KnownNames.isNamed(name, by: $0) })
  {
    return
  }
  throw LogError(.dataError, unknownNameMessage(name, option: option, in: table, context))
}

/// `--org "xAI": no event in the log names it (did you mean "xai"?); ...`
func unknownNameMessage(_ name: String, option: String, in table: FactTable, _ context: Context) -> String {
  let near = KnownNames.nearest(to: name, in: table)
  let hint = near.isEmpty ? "" : " (did you mean \(near.map { "\"\($0)\"" }.joined(separator: " or "))?)"
  return "\(option) \"\(name)\": no event in the log \(context.store.path) names it\(hint); names are matched exactly, and `timeline log` lists what the log holds"
}

/// `requireKnownName` for each name a selection asks about.
func requireKnownNames(_ selection: Selection, in table: FactTable, _ context: Context) throws {
  for (option, name) in selection.names { try requireKnownName(name, option: option, in: table, context) }
}

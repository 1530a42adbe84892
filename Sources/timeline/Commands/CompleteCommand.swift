import EventLog
import Projections

/// What `timeline complete` lists, for the completion scripts.
let completeKinds = ["orgs", "subjects", "people", "roles", "ids", "set"]

let completeCommand = Command(
  name: "complete",
  summary: "print the log's orgs, subjects, people, roles or event ids that start with PREFIX, one a line (the completion scripts call it)",
  positionals: [
    PositionalSpec(name: "KIND", help: "orgs, subjects (what events name as their subject: products, people, and an org named as its own subject), people (the subjects of hires and departures), roles, ids, or set (KEY=PREFIX for add --set: role=, predecessor=, from=, focus=, deprioritize=)", choices: completeKinds),
    PositionalSpec(name: "PREFIX", help: "only the names that start with this (default: all)", optional: true),
  ],
  details: [
    "It never fails loudly: without a log, or with an unreadable one, or an unknown KIND, it prints nothing and exits 0, so that a completion never prints an error into the command line being typed. Names are sorted and each printed once; a name holding a control character is left out."
  ],
  examples: ["timeline complete orgs", "timeline complete subjects openai/", "timeline complete set role=C"],
  run: { args, context in
    let kind = args.positionals.first ?? ""
    let prefix = args.positionals.count > 1 ? args.positionals[1] : ""
    guard completeKinds.contains(kind), context.store.exists, let log = try? context.store.loadFacts() else { return 0 }
    let names = completionCandidates(kind, prefix: prefix, in: log.table)
    if !names.isEmpty { context.console.write(Array((names.joined(separator: "\n") + "\n").utf8)) }
    return 0
  })

/// The names of `kind` in the table that start with `prefix`, sorted, once each.
func completionCandidates(_ kind: String, prefix: String, in table: FactTable) -> [String] {
  if kind == "set" {
    // KEY=PREFIX: the values a key of add --set takes from the log, as KEY=VALUE.
    guard let equals = prefix.firstIndex(of: "=") else { return [] }
    let key = String(prefix[..<equals])
    let rest = String(prefix[prefix.index(after: equals)...])
    let source: String
    switch key {
    case "role": source = "roles"
    case "predecessor", "focus", "deprioritize": source = "subjects"
    case "from": source = "orgs"
    default: return []
    }
    return completionCandidates(source, prefix: rest, in: table).map { key + "=" + $0 }
  }
  guard let sort = KnownNames.NameSort(rawValue: kind) else { return [] }
  let names = KnownNames.names(sort, in: table)
  // A name holding a control character cannot be typed, and a newline in it would split it in two.
  return names.filter { $0.hasPrefix(prefix) && !$0.isEmpty && oneLine($0) == $0 }.sorted()
}

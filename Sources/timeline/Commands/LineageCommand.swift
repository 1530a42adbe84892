import EventLog
import Projections

let lineageCommand = Command(
  name: "lineage",
  summary: "show model family trees (who succeeded whom) with codenames",
  positionals: [PositionalSpec(name: "MODEL", help: "only the family of this model (ORG/slug), or of every model whose id starts with it (anthropic/claude)", optional: true)],
  options: [
    OptionSpec(name: "at", value: "DATE", help: "the date (default: today); a partial date means the end of its period"),
    OptionSpec(name: "org", value: "ORG", help: "only this organisation's models, with the links between them"),
    knownAtOption, minConfidenceOption, jsonOption,
  ],
  details: [
    "A model is a product launched with type=model, any product in a predecessor link, and any subject of a codename.",
    "MODEL limits the tree to the family of that model: every model linked to it through predecessors, either way. A MODEL that is not a model id is a family prefix: the models whose id starts with it, with their links. A name no line of the log names is an error (65) with the nearest names; a known one with no model by the date is an empty answer.",
    "A model carries the confidence of its product's state entry (null when it has none); text output marks a model or codename that rests on a rumor or a report with (rumor) or (reported).",
  ],
  examples: ["timeline lineage --at 2025-12-31", "timeline lineage openai/gpt-5.2 --json", "timeline lineage anthropic/claude", "timeline lineage --org google"],
  run: { args, context in
    let day = try dayOption(args, "at", context) ?? context.today
    let least = try minConfidence(args, command: "lineage")
    // Every option is read before the log (a usage error is 64 first), as in `selectedFacts`.
    let known = try knownAt(args, context)
    let table = try loadFacts(context)
    let org = args.value("org")
    if let org { try requireKnownName(org, option: "--org", in: table, context) }
    let model = args.positionals.first
    // An empty MODEL is a name no line holds (every id starts with it), as an empty KEY of why is.
    if let model, model.isEmpty || !KnownNames.hasName(withPrefix: model, in: table) {
      try requireKnownName(model, option: "MODEL", in: table, context)
    }
    let replay = replayForQuestion(Selection(org: org, minConfidence: least, knownAt: known), table, context)
    // With --org, only that org's events are folded (its models, their
    // links and codenames are all its own events), so the basis counts only them.
    let kept = replay.kept(at: day, org: org)
    var (lineage, basis) = concurrently({ replay.lineage(kept) }, { replay.basis(kept) })
    if let model { lineage = lineage.family(of: model, orPrefix: true) }
    if let org { lineage = lineage.only(org: org) }
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.member("at", day.description)
        w.key("models")
        w.object { for id in sortedKeys(lineage.models.keys) { $0.key(id); $0.model(lineage.models[id]!) } }
      }
      return 0
    }
    let console = context.console
    console.line(console.bold("Lineage at \(day)" + onlySurer(least)) + console.dim("  (\(plural(lineage.models.count, "model")); basis \(basis.digest.prefix(12)))"))
    if lineage.models.isEmpty {
      console.line("")
      console.line("No models are known by then.")
    }
    var visited = Set<String>()
    func show(_ id: String, prefix: String, branch: String) {
      guard let node = lineage.models[id] else { return }
      // A model drawn already (a second predecessor's link, or a ring) is
      // named again, so that no link of the JSON is missing from the tree.
      guard visited.insert(id).inserted else {
        console.line(prefix + branch + console.bold(oneLine(id)) + "  " + console.dim("(shown above)"))
        return
      }
      var facts = [node.status + (node.confidence.map { $0 == .confirmed ? "" : " (\($0))" } ?? "")]
      if let launched = node.launched { facts.append("launched \(launched)") }
      if !node.codenames.isEmpty {
        let marked = zip(node.codenames, node.codenameConfidences).map { $1 == .confirmed ? $0 : "\($0) (\($1))" }
        facts.append("codenames: " + marked.joined(separator: ", "))
      }
      console.line(prefix + branch + console.bold(oneLine(id)) + "  " + console.dim(oneLine(facts.joined(separator: "  "))))
      let childPrefix = prefix + (branch == "└── " ? "    " : branch == "├── " ? "│   " : "")
      for (index, successor) in node.successors.enumerated() {
        show(successor, prefix: childPrefix, branch: index == node.successors.count - 1 ? "└── " : "├── ")
      }
    }
    // Roots first; then anything left (a cycle has no root).
    for root in lineage.roots + sortedKeys(lineage.models.keys) where !visited.contains(root) {
      console.line("")
      show(root, prefix: "", branch: "")
    }
    return 0
  })

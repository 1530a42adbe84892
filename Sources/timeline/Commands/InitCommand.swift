import EventLog

let initCommand = Command(
  name: "init",
  summary: "create an empty folder log, with its cache folder ignored by git, and say what to do next",
  positionals: [PositionalSpec(name: "PATH", help: "the log folder to create (default: --log or $TIMELINE_LOG, else ./events)", optional: true)],
  options: [
    OptionSpec(name: "writer", value: "NAME", help: "keep NAME (a slug: a-z, 0-9, hyphens) as this clone's writer: add, retract and import append to PATH/NAME.jsonl; also for a log that exists (a fresh clone)"),
  ],
  details: [
    "Creates PATH and PATH/.timeline-cache/, whose .gitignore (*) keeps the caches out of git. Without --log or TIMELINE_LOG, every command then finds the log as git finds a repository: ./events, else the nearest events folder of a parent folder, up to the folder holding .git.",
    "When something is already at PATH, init says so and changes nothing (exit 0), except that --writer NAME is kept for a folder log.",
    "Sharing a folder log through git: each person runs `timeline init --writer NAME` once in their clone, with a name of their own. The name is kept in PATH/.timeline-cache/writer, which git ignores, so each clone keeps its own; each writer appends only to its own file, and `git pull` never has to merge one file. --writer and TIMELINE_WRITER on add, retract and import override it.",
  ],
  examples: ["timeline init", "timeline init team-events", "timeline init --writer alice"],
  run: { args, context in
    let path = args.positionals.first ?? (context.logNamed ? context.store.path : LogLocation.folderName)
    if path.hasSuffix(".jsonl") {
      throw UsageError("init creates a folder log, and \(path) names a file: give a folder, or create a .jsonl log with its first add (timeline --log \(path) add ...)", command: "init")
    }
    let writer = args.value("writer")
    if let writer, !LogStore.isValidWriter(writer) {
      throw UsageError("--writer '\(writer)' is not a writer name: use lowercase letters, digits and hyphens, starting with a letter or digit, at most 64 (like alice or news-bot)", command: "init")
    }
    guard try LogStore.createFolderLog(at: path) else {
      guard let writer else {
        context.console.note("timeline: \(path) already exists; nothing was changed")
        return 0
      }
      guard LogStore(path: path).isFolder else {
        throw UsageError("\(path) is not a folder log: a writer name is kept for a folder log (a file log has one file, and ignores it)", command: "init")
      }
      try LogStore(path: path).storeWriter(writer)
      context.console.note("timeline: \(path) already exists; this clone now appends to \(path)/\(writer).jsonl")
      return 0
    }
    context.console.note("timeline: created a new log at \(path)")
    if let writer {
      try LogStore(path: path).storeWriter(writer)
      context.console.note("timeline: this clone appends to \(path)/\(writer).jsonl")
    }
    // Without --log, commands run here find ./events; any other folder must be named.
    let log = path == LogLocation.folderName || path == "./" + LogLocation.folderName ? "" : "--log \(shellWord(path)) "
    let console = context.console
    console.line("Next, record an event and ask what is known:")
    console.line("  timeline \(log)add launch --date today --org acme --subject acme/rocket --set type=product --source-url https://acme.example/news")
    console.line("  timeline \(log)state")
    console.line("  timeline \(log)log")
    console.line("See 'timeline help' for every command.")
    return 0
  })

/// A path as one shell word: quoted when it has anything but plain characters.
private func shellWord(_ text: String) -> String {
  let plain = text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || "0123456789/._-+".unicodeScalars.contains($0) }
  return plain && !text.isEmpty ? text : "'" + text.replacing("'", with: "'\\''") + "'"
}

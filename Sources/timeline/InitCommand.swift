import EventLog

let initCommand = Command(
  name: "init", usage: "timeline init [PATH]",
  summary: "create an empty folder log, with its cache folder ignored by git, and say what to do next",
  positionals: [PositionalSpec(name: "PATH", help: "the log folder to create (default: --log or $TIMELINE_LOG, else ./events)", optional: true)],
  details: [
    "Creates PATH and PATH/.timeline-cache/, whose .gitignore (*) keeps the caches out of git. Without --log or TIMELINE_LOG, every command then finds the log as git finds a repository: ./events, else the nearest events folder of a parent folder, up to the folder holding .git.",
    "When something is already at PATH, init says so and changes nothing (exit 0).",
  ],
  examples: ["timeline init", "timeline init research/events"],
  run: { args, context in
    let path = args.positionals.first ?? (context.logNamed ? context.store.path : LogLocation.folderName)
    if path.hasSuffix(".jsonl") {
      throw UsageError("init creates a folder log, and \(path) names a file: give a folder, or create a .jsonl log with its first add (timeline --log \(path) add ...)", command: "init")
    }
    guard try LogStore.createFolderLog(at: path) else {
      context.console.error("timeline: \(path) already exists; nothing was changed")
      return 0
    }
    context.console.error("timeline: created a new log at \(path)")
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

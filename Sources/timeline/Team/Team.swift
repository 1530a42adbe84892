import EventLog

// Sharing a folder log through git: each clone appends to its own writer's
// file, and `check` warns when git's history shows a writer name shared.

let writerOption = OptionSpec(
  name: "writer", value: "NAME",
  help: "in a folder log, append to NAME.jsonl (a slug: a-z, 0-9, hyphens); default: $TIMELINE_WRITER, else the name `timeline init --writer` kept for this clone, else log")

/// The writer a command that appends uses: `--writer`, `TIMELINE_WRITER`, the
/// name kept for this clone by `init --writer`, else `log`. When the cache
/// folder that would keep the name is there but not used (a symbolic link,
/// another user's), whether it keeps one cannot be known: `note` says that
/// the command appends to `log.jsonl`, the file another clone may use too.
/// - Throws: 64 when the name found is not a slug, naming where it came from.
func writerName(
  _ args: ParsedArguments, environment: [String: String], log: String, note: (String) -> Void
) throws(UsageError) -> String {
  let found: (name: String, from: String)
  if let given = args.value("writer") {
    found = (given, "--writer")
  } else if let variable = environment["TIMELINE_WRITER"], !variable.isEmpty {
    found = (variable, "TIMELINE_WRITER")
  } else {
    switch LogStore(path: log).storedWriter() {
    case .name(let stored): found = (stored, "the writer name kept in \(log)/\(LogStore.cacheFolderName)/writer")
    case .none: return "log"
    case .unreadable:
      note("timeline: note: the writer name this clone keeps (timeline init --writer) is in \(log)/\(LogStore.cacheFolderName), which timeline does not use (a symbolic link, not a folder, or another user's), so this appends to log.jsonl, where another clone may append too; name the writer with --writer NAME or TIMELINE_WRITER, or make the folder one of your own again")
      return "log"
    }
  }
  guard LogStore.isValidWriter(found.name) else {
    let fix = found.from.hasPrefix("the writer") ? "; set it again with timeline init --writer NAME" : ""
    throw UsageError("\(found.from) '\(found.name)' is not a writer name: use lowercase letters, digits and hyphens, starting with a letter or digit, at most 64 (like alice or news-bot)\(fix)")
  }
  return found.name
}

/// Warnings for the writer files of a folder log tracked by git whose recent
/// commits have more than one author: two people (or one under two
/// addresses) share a writer name, and their next pulls may conflict.
/// Skipped, silently, when git is missing or the folder is not in a repository.
func sharedWriterWarnings(_ store: LogStore, files: [String]) -> [Finding] {
  guard !store.isSingleFile, let output = runGit(["-C", store.path, "log", "--relative", "--name-only", "--no-renames", "--format=%x00%ae", "--", "."]) else { return [] }
  // Per file, the authors of its last `recent` commits (git lists the newest
  // first), so that once two people have taken names of their own, the
  // warning goes away with the next few commits of the one who kept the name.
  let recent = 10
  var authors: [String: [String]] = [:]  // file name -> distinct authors, newest first
  var commits: [String: Int] = [:]
  for commit in output.split(separator: "\u{0}", omittingEmptySubsequences: true) {
    let lines = commit.split(separator: "\n", omittingEmptySubsequences: true)
    guard let author = lines.first.map(String.init) else { continue }
    for name in lines.dropFirst() where name.hasSuffix(".jsonl") && !name.contains("/") {
      let file = String(name)
      guard commits[file, default: 0] < recent else { continue }
      commits[file, default: 0] += 1
      if !(authors[file]?.contains(author) ?? false) { authors[file, default: []].append(author) }
    }
  }
  var findings: [Finding] = []
  for file in files {
    let name = String(file.split(separator: "/").last ?? "")
    guard let list = authors[name], list.count > 1 else { continue }
    let writer = name.dropLast(6)
    findings.append(Finding(
      file: file, line: 1,
      message: "changed in git by \(list.count) commit authors in its last \(recent) commits (\(list.joined(separator: ", "))): the writer name '\(writer)' is shared, so two clones append to one file and their pulls can conflict; each person but one should run `timeline init --writer NAME` with a name of their own (one person under two addresses can ignore this)"))
  }
  return findings
}

/// Runs git with `arguments`, its standard error discarded; its standard
/// output, or nil when git cannot be run or fails (not a repository).
func runGit(_ arguments: [String]) -> String? {
  guard let pipeEnds = Sys.pipe() else { return nil }
  let spawned = Sys.spawn(
    ["git"] + arguments, input: nil, output: pipeEnds.write, quiet: true, closing: [pipeEnds.read, pipeEnds.write])
  Sys.close(pipeEnds.write)
  defer { Sys.close(pipeEnds.read) }
  guard let pid = spawned else { return nil }
  // A read error ends the output there, as end of file does.
  let output = (try? FileDescriptor(rawValue: pipeEnds.read).readAll()) ?? []
  guard Sys.waitForExit(pid) else { return nil }
  return String(decoding: output, as: UTF8.self)
}

import Foundation
import Testing

// help, --help, --version, did-you-mean, missing logs, colour.

@Test func versionPrintsTheVersionAlone() throws {
  let result = try timeline(["--version"])
  #expect(result.status == 0)
  #expect(result.stdout.hasPrefix("timeline "))
  #expect(result.lines.count == 1)
  #expect(result.stderr.isEmpty)
}

@Test(arguments: [["help"], ["--help"], ["-h"]])
func mainHelpListsEveryCommand(arguments: [String]) throws {
  let result = try timeline(arguments)
  #expect(result.status == 0)
  #expect(result.stderr.isEmpty)
  #expect(result.stdout.contains("Usage: timeline [--log PATH] [--today DATE] <command> [options]"))
  for command in ["init", "add", "retract", "log", "state", "diff", "news", "why", "lineage", "strategy", "check", "help"] {
    #expect(result.stdout.contains("\n  \(command) "), "\(command)")
  }
}

@Test(arguments: ["add", "retract", "log", "state", "diff", "news", "why", "lineage", "strategy", "check", "help"])
func commandHelpShowsUsageAndOptions(command: String) throws {
  let viaFlag = try timeline([command, "--help"])
  let viaHelp = try timeline(["help", command])
  #expect(viaFlag.status == 0)
  #expect(viaFlag.stdout.hasPrefix("Usage: timeline \(command)"))
  #expect(viaFlag.stdout == viaHelp.stdout)
  #expect(viaFlag.stdout.contains("--log PATH"))
  #expect(try timeline(["--help", command]).stdout == viaFlag.stdout, "--help before the command")
}

@Test(arguments: [
  ("state", ["--at", "--known-at", "--org", "--min-confidence", "--json"]),
  ("add", ["--date", "--org", "--subject", "--set", "--confidence", "--source-title", "--source-url", "--source-publisher", "--source-date", "--note", "--supersedes", "--id", "--stdin", "--dry-run"]),
  ("log", ["--from", "--to", "--org", "--kind", "--subject", "--min-confidence", "--json"]),
  ("diff", ["--org", "--min-confidence", "--json"]),
  ("lineage", ["--at", "--min-confidence", "--json"]),
  ("strategy", ["--org", "--from", "--to", "--min-confidence", "--json"]),
  ("check", ["--repair", "--json"]),
  ("retract", ["--reason", "--date", "--confidence"]),
])
func helpListsEveryOptionOfDesign(command: String, options: [String]) throws {
  let help = try timeline([command, "--help"]).stdout
  for option in options { #expect(help.contains(option + " ") || help.contains(option + "\n"), "\(command) \(option)") }
}

@Test func noCommandPrintsHelpOnStandardErrorAndExits64() throws {
  let result = try timeline([])
  #expect(result.status == 64)
  #expect(result.stdout.isEmpty)
  #expect(result.stderr.contains("Usage: timeline"))
  #expect(result.stderr.hasSuffix("timeline: error: no command given; name one of the commands above, for example 'timeline state'\n"))
}

@Test(arguments: [
  (["stat"], "unknown command 'stat'", "did you mean \"state\""),
  (["lineag"], "unknown command 'lineag'", "did you mean \"lineage\""),
  (["chekc"], "unknown command 'chekc'", "did you mean \"check\""),
  (["state", "--att", "2025"], "unknown option --att", "did you mean \"--at\""),
  (["state", "--jsn"], "unknown option --jsn", "did you mean \"--json\""),
  (["add", "launch", "--subjet", "openai/x"], "unknown option --subjet", "did you mean \"--subject\""),
  (["log", "--kinds", "launch"], "unknown option --kinds", "did you mean \"--kind\""),
  (["--verison"], "unknown option --verison", "did you mean \"--version\""),
])
func mistypedCommandOrOptionGetsADidYouMean(arguments: [String], message: String, hint: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(log)
    let result = try timeline(["--log", log] + arguments)
    #expect(snapshot(log) == before)
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("timeline: error: "))
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.contains(hint), "\(result.stderr)")
  }
}

@Test(arguments: [["state"], ["diff", "2025-11", "2025-12"], ["lineage"], ["strategy"], ["log"], ["check"], ["retract", "abc", "--reason", "r"]])
func aQueryOnAMissingLogExits66(arguments: [String]) throws {
  try withTemporaryDirectory { dir throws in
    let missing = dir + "/no-such-log"
    let result = try timeline(["--log", missing] + arguments)
    #expect(result.status == 66)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("timeline: error: "))
    #expect(result.stderr.contains(missing))
    #expect(!FileManager.default.fileExists(atPath: missing), "a query creates nothing")
  }
}

/// Runs the binary under a pseudo-terminal (util-linux `script`), so that standard output is a terminal.
func onTerminal(_ arguments: [String], environment: [String: String]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
  let command = ([timelineBinary] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
  process.arguments = ["-qec", command, "/dev/null"]
  process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self)
}

@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
func colourOnlyOnATerminalWithoutNoColor() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let arguments = ["--log", log, "state", "--at", "2025-12"]
    let coloured = try onTerminal(arguments, environment: ["TERM": "xterm"])
    #expect(coloured.contains("\u{1B}["), "a terminal gets colour (the control case)")
    #expect(!(try onTerminal(arguments, environment: ["TERM": "xterm", "NO_COLOR": "1"])).contains("\u{1B}"), "NO_COLOR")
    #expect(!(try onTerminal(arguments, environment: ["TERM": "dumb"])).contains("\u{1B}"), "TERM=dumb")
    #expect(!(try onTerminal(arguments + ["--json"], environment: ["TERM": "xterm"])).contains("\u{1B}"), "JSON never")
  }
}

@Test func noEscapesWhenOutputIsAPipeEvenWithoutNoColor() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    for command in [["state", "--at", "2025-12"], ["log"], ["diff", "2025-11", "2025-12"], ["lineage"], ["strategy"], ["check"]] {
      let result = try timeline(["--log", log] + command, environment: ["NO_COLOR": "", "TERM": "xterm"])
      #expect(!result.stdout.contains("\u{1B}"), "\(command)")
      #expect(!result.stderr.contains("\u{1B}"), "\(command)")
    }
  }
}

@Test func mainHelpAlignsEveryOptionsDescription() throws {
  let lines = try timeline(["help"]).lines
  guard let start = lines.firstIndex(of: "Options for every command:") else { Issue.record("no options section"); return }
  // Each option's row (a wrapped description continues on lines of its own).
  let rows = lines[(start + 1)...].prefix { !$0.isEmpty }.filter { $0.hasPrefix("  -") }
  #expect(rows.count == 7, "--log, --today, --color, -q/--quiet, --no-pager, --help, --version")
  let columns = Set(rows.map { row in row.distance(from: row.startIndex, to: row.range(of: #"\S  +\S"#, options: .regularExpression)!.upperBound) })
  #expect(columns.count == 1, "\(Array(rows))")
}

/// The rows of a help section (`Options:`, `Arguments:`...), each cut to its
/// name column: `-o, --output FILE`.
private func helpSection(_ title: String, of lines: [String]) -> [String] {
  lines.drop { $0 != title }.dropFirst().prefix { !$0.isEmpty }.filter { !$0.hasPrefix("   ") }.map {
    let row = $0.dropFirst(2)
    return String(row[..<(row.range(of: "  ")?.lowerBound ?? row.endIndex)])
  }
}

/// `--name VALUE` or `--name`, for every long option a text names.
private func optionsNamed(in text: String) throws -> [String] {
  let option = try Regex(#"--[a-z][a-z-]*(?: [A-Z][A-Z=._-]*)?"#)
  return text.matches(of: option).map { String(text[$0.range]) }
}

// The usage line is built from the command's table, so it names every option the
// command takes, with the value the options table gives it, and no other option.
@Test func everyCommandsUsageNamesExactlyTheOptionsOfItsTable() throws {
  let wide = ["COLUMNS": "1000"]
  let main = try timeline(["help"], environment: wide).lines
  let names = helpSection("Commands:", of: main).map { String($0.prefix { $0 != " " }) }
  let global = Set(try helpSection("Options for every command:", of: main).flatMap(optionsNamed))
  #expect(names.count == 18)
  for name in names {
    let help = try timeline(["help", name], environment: wide).lines
    let usage = help.prefix { !$0.isEmpty }
    #expect(usage.first?.hasPrefix("Usage: timeline \(name)") == true, "\(name)")
    for line in usage.dropFirst() { #expect(line.hasPrefix("       timeline \(name) "), "\(name): \(line)") }
    let rows = try helpSection("Options:", of: help).compactMap { try optionsNamed(in: $0).first }
    #expect(Set(rows).count == rows.count, "\(name): an option listed twice in its table: \(rows)")
    let table = Set(rows).subtracting(global)
    let shown = try usage.flatMap(optionsNamed)
    #expect(Set(shown) == table, "\(name): usage \(Set(shown).subtracting(table).sorted()), table \(table.subtracting(shown).sorted())")
    for line in usage {
      #expect(line.filter { $0 == "[" }.count == line.filter { $0 == "]" }.count, "\(line)")
      // Each option once a line.
      let once = try optionsNamed(in: line)
      #expect(Set(once).count == once.count, "\(line)")
    }
    // The positionals come first, in the order of the Arguments table (an
    // alternative spelling of them follows a `|`, as diff's `FROM..TO`).
    let arguments = helpSection("Arguments:", of: help)
    let words = (usage.first ?? "").split(separator: " ").dropFirst(3).prefix { !$0.hasPrefix("-") && !$0.hasPrefix("[-") && $0 != "|" }
    #expect(words.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) } == arguments, "\(name)")
  }
}

/// Small edges of the command line: `--` before the command ends the global
/// options and names it; an empty MODEL is refused as an empty KEY is; a
/// lock timeout is a decimal number, not hex.
@Test func doubleDashEmptyModelAndHexTimeoutAreReadAsSaid() throws {
  try withTemporaryDirectory { dir in
    let log = try folderLog(dir)
    let plain = try timeline(["--log", log, "state", "--at", "2025-12-31"])
    let dashed = try timeline(["--log", log, "--", "state"], environment: ["TIMELINE_TODAY": "2025-12-31"])
    #expect(dashed.status == 0 && dashed.stdout == plain.stdout, "\(dashed.stderr)")
    let empty = try timeline(["--log", log, "lineage", ""])
    #expect(empty.status == 65 && empty.stderr.contains(#"MODEL "": no event in the log"#), "\(empty.stderr)")
    let hex = try timeline(["--log", log, "state"], environment: ["TIMELINE_LOCK_TIMEOUT": "0x10"])
    #expect(hex.status == 64 && hex.stderr.contains("TIMELINE_LOCK_TIMEOUT=0x10 is not a number of seconds"), "\(hex.stderr)")
  }
}

/// An option given twice is a usage error, a global one as a command's:
/// which value was meant is not guessed.
@Test(arguments: [
  (["--log", "{log}", "--log", "{log}", "state"], "option --log is given more than once"),
  (["--log={log}", "state", "--log", "{log}"], "option --log is given more than once"),
  (["--log", "{log}", "--today", "2025-01-01", "--today=2025-02-02", "state"], "option --today is given more than once"),
  (["--log", "{log}", "--color", "never", "--color=always", "state"], "option --color is given more than once"),
  (["--log", "{log}", "state", "--at", "2025", "--at", "2024"], "option --at is given more than once"),
] as [([String], String)])
func anOptionGivenTwiceIsAUsageError(arguments: [String], message: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let before = snapshot(dir)
    let result = try timeline(arguments.map { $0.replacingOccurrences(of: "{log}", with: log) })
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("timeline: error: \(message)"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(snapshot(dir) == before)
  }
}

/// import --help gives each preset's arguments as shell words that still
/// paste: broken between words with ` \`, never inside a quoted one.
@Test func importHelpGivesPresetArgumentsThatPaste() throws {
  let help = try timeline(["import", "--help"], environment: ["COLUMNS": "80"]).stdout
  let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let starts = lines.indices.filter { lines[$0].hasPrefix("  --format json --kind") || lines[$0].hasPrefix("  --format csv --kind") }
  #expect(starts.count == 2, "\(help)")
  for start in starts {
    var end = start
    while lines[end].hasSuffix(" \\") { end += 1 }
    #expect(end > start, "wrapped at 80 columns")
    for line in lines[start...end] {
      #expect(line.count <= 80, "\(line)")
      #expect(line.filter { $0 == "'" }.count % 2 == 0, "a quoted word split: \(line)")
    }
    let words = lines[start...end].map { $0.hasSuffix(" \\") ? String($0.dropLast(2)) : $0 }
      .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    #expect(words.hasPrefix("--format "), "\(words)")
  }
}

import Foundation
import Testing

// Issue 13, "Output that fits" and "A dry run is the real run": the pager,
// help wrapped to the width, log lines cut on a terminal, --color, -q,
// --no-pager, the add --stdin hint, and add --dry-run run as the real add.

private let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

/// A word for /bin/sh, in single quotes.
private func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// Runs the binary under a pseudo-terminal of `rows` x `columns` (util-linux
/// `script`, the size set with stty), standard input at its end. Returns what
/// the terminal showed (without `\r`) and the exit status.
private func onTerminal(
  _ arguments: [String], rows: Int, columns: Int, environment: [String: String] = [:]
) throws -> (shown: String, status: Int32) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
  let command = "stty rows \(rows) cols \(columns); exec " + ([timelineBinary] + arguments).map(shellQuoted).joined(separator: " ")
  process.arguments = ["-qec", command, "/dev/null"]
  process.environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm"].merging(environment) { $1 }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: ""), process.terminationStatus)
}

private func fileText(_ path: String) -> String? {
  FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

// MARK: - The pager

@Test(.enabled(if: hasScript))
func outputLongerThanTheTerminalGoesThroughThePager() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let paged = dir + "/paged"
    let run = try onTerminal(["--log", log, "log"], rows: 5, columns: 200, environment: ["TIMELINE_PAGER": "cat > \(paged)"])
    #expect(run.status == 0)
    let piped = try timeline(["--log", log, "log"])
    #expect(fileText(paged) == piped.stdout, "the pager got the whole output")
    #expect(!run.shown.contains("gpt51"), "and the terminal none of it: \(run.shown)")
  }
}

@Test(.enabled(if: hasScript))
func helpLongerThanTheTerminalGoesThroughThePagerToo() throws {
  try withTemporaryDirectory { dir throws in
    let paged = dir + "/paged"
    let run = try onTerminal(["add", "--help"], rows: 10, columns: 80, environment: ["TIMELINE_PAGER": "cat > \(paged)"])
    #expect(run.status == 0)
    #expect(fileText(paged)?.hasPrefix("Usage: timeline add") == true)
  }
}

@Test(.enabled(if: hasScript))
func outputThatFitsOrNoPagerOrAPipeIsPrintedDirectly() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let paged = dir + "/paged"
    let pager = ["TIMELINE_PAGER": "cat > \(paged)"]
    let fits = try onTerminal(["--log", log, "log"], rows: 50, columns: 200, environment: pager)
    #expect(fits.shown.contains("gpt51"))
    #expect(fileText(paged) == nil, "output that fits the terminal is not paged")
    for arguments in [["--no-pager", "--log", log, "log"], ["--log", log, "log", "--no-pager"]] {
      let off = try onTerminal(arguments, rows: 5, columns: 200, environment: pager)
      #expect(off.status == 0)
      #expect(off.shown.contains("gpt51"), "\(arguments)")
      #expect(fileText(paged) == nil, "--no-pager: \(arguments)")
    }
    let piped = try timeline(["--log", log, "log"], environment: pager)
    #expect(piped.stdout.contains("gpt51"))
    #expect(fileText(paged) == nil, "standard output that is not a terminal is never paged")
  }
}

@Test(.enabled(if: hasScript))
func theFirstPagerVariableSetIsUsedAndAnEmptyOneMeansNone() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let first = dir + "/first"
    let second = dir + "/second"
    _ = try onTerminal(["--log", log, "log"], rows: 5, columns: 200, environment: ["TIMELINE_PAGER": "cat > \(first)", "PAGER": "cat > \(second)"])
    #expect(fileText(first) != nil)
    #expect(fileText(second) == nil)
    try FileManager.default.removeItem(atPath: first)
    _ = try onTerminal(["--log", log, "log"], rows: 5, columns: 200, environment: ["PAGER": "cat > \(second)"])
    #expect(fileText(second) != nil, "PAGER when TIMELINE_PAGER is not set")
    try FileManager.default.removeItem(atPath: second)
    let none = try onTerminal(["--log", log, "log"], rows: 5, columns: 200, environment: ["TIMELINE_PAGER": "", "PAGER": "cat > \(second)"])
    #expect(fileText(second) == nil, "an empty TIMELINE_PAGER means no pager")
    #expect(none.shown.contains("gpt51"))
  }
}

@Test(.enabled(if: hasScript))
func aPagerThatCannotBeStartedLeavesTheOutputOnTheTerminal() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let run = try onTerminal(["--log", log, "log"], rows: 5, columns: 200, environment: ["TIMELINE_PAGER": dir + "/no-such-pager"])
    #expect(run.status == 0)
    #expect(run.shown.contains("gpt51"))
    #expect(run.shown.contains("11 events"))
    #expect(!run.shown.contains("error"), "\(run.shown)")
  }
}

@Test(.enabled(if: hasScript))
func quittingThePagerEarlyEndsQuietlyWithStatus0() throws {
  try withTemporaryDirectory { dir throws in
    // Far more than a pipe holds, so that timeline is still writing when the pager has gone.
    let lines = (0..<3000).map { #"{"date":"2025","kind":"report","org":"o\#($0)","note":"n\#($0)"}"# }
    let log = dir + "/big.jsonl"
    #expect(try timeline(["--log", log, "add", "--stdin"], stdin: lines.joined(separator: "\n") + "\n").status == 0)
    for pager in ["true", "head -1"] {
      let run = try onTerminal(["--log", log, "log"], rows: 5, columns: 100, environment: ["TIMELINE_PAGER": pager])
      #expect(run.status == 0, "\(pager)")
      #expect(!run.shown.contains("timeline:"), "no message: \(run.shown.prefix(300))")
      #expect(run.shown.split(separator: "\n").count <= 1, "\(pager)")
    }
  }
}

// MARK: - Help that fits

private let helpPages: [[String]] = [["help"]] + ["init", "add", "retract", "log", "state", "diff", "lineage", "strategy", "check", "render", "export", "import", "completion", "man", "help"].map { ["help", $0] }

@Test(arguments: [60, 80])
func everyLineOfHelpFitsTheWidthGivenByCOLUMNS(width: Int) throws {
  for page in helpPages {
    let result = try timeline(page, environment: ["COLUMNS": String(width)])
    #expect(result.status == 0)
    for line in result.lines {
      #expect(line.count <= width, "\(page) at \(width): \(line)")
    }
  }
}

@Test func helpIsWrappedTo80ColumnsWhenNotATerminal() throws {
  for page in helpPages {
    let lines = try timeline(page).lines
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(page)")
  }
  #expect(try timeline(["help", "add"]).lines.contains { $0.count > 60 }, "the width is 80, not less")
}

@Test(.enabled(if: hasScript), arguments: [60, 80])
func helpOnATerminalFitsItsWidth(width: Int) throws {
  for page in [["help"], ["help", "add"], ["help", "import"]] {
    let run = try onTerminal(["--no-pager"] + page, rows: 50, columns: width)
    #expect(run.status == 0)
    let lines = run.shown.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count > 10)
    for line in lines { #expect(line.count <= width, "\(page) at \(width): \(line)") }
  }
}

@Test func optionHelpContinuesUnderTheHelpColumn() throws {
  let lines = try timeline(["help", "add"], environment: ["COLUMNS": "60"]).lines
  guard let at = lines.firstIndex(where: { $0.hasPrefix("  --dry-run ") }) else {
    Issue.record("no --dry-run row")
    return
  }
  let row = lines[at]
  let column = row.distance(from: row.startIndex, to: row.range(of: #"--dry-run +"#, options: .regularExpression)!.upperBound)
  let next = lines[at + 1]
  #expect(next.prefix(column).allSatisfy { $0 == " " } && next.dropFirst(column).first != " ", "\(row)\n\(next)")
  // A usage synopsis wraps between bracketed arguments, never inside one.
  let usage = try timeline(["help", "import"], environment: ["COLUMNS": "60"]).lines.prefix { !$0.isEmpty }
  #expect(usage.count > 1)
  for line in usage {
    #expect(line.filter { $0 == "[" }.count == line.filter { $0 == "]" }.count, "\(line)")
  }
  // An example is wrapped with a backslash, so that it can still be pasted.
  let examples = try timeline(["help", "add"], environment: ["COLUMNS": "60"]).lines.drop { $0 != "Examples:" }
  #expect(examples.contains { $0.hasSuffix(" \\") })
}

@Test func helpAndTheManPageNameOnlyWhatAUserHas() throws {
  var texts = helpPages.map { try? timeline($0).stdout }.compactMap { $0 }
  texts.append(try timeline(["man"]).stdout)
  texts.append(contentsOf: ["bash", "zsh", "fish"].compactMap { try? timeline(["completion", $0]).stdout })
  if let page = fileText(checkoutRoot + "/docs/timeline.1") { texts.append(page) }
  for text in texts {
    #expect(!text.contains("DESIGN"), "\(text.prefix(80))")
    #expect(!text.contains("../shared"), "\(text.prefix(80))")
  }
  // Every README section help names is a heading of the README (help must not drift from it).
  let help = try timeline(["help"]).stdout.replacingOccurrences(of: "\n", with: " ")
  #expect(help.contains("\"Your first ten events\""), "help points to the README's sections")
  let readme = try String(contentsOfFile: checkoutRoot + "/README.md", encoding: .utf8)
  let named = help.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
  for section in named where !section.contains("/") {
    #expect(readme.contains("\n## \(section)\n"), "help names a README section that is not there: \(section)")
  }
}

// MARK: - log fits the width

@Test(.enabled(if: hasScript))
func logCutsTheNoteOnATerminalAndPrintsWholeLinesWhenPiped() throws {
  try withTemporaryDirectory { dir throws in
    let note = String(repeating: "a long note ", count: 20)
    let log = try folderLog(dir, industryLines + [#"{"id":"long","date":"2025-12-20","kind":"report","org":"openai","note":"\#(note)","recorded":"2025-12-20T00:00:00.000Z"}"#])
    let run = try onTerminal(["--no-pager", "--log", log, "log"], rows: 50, columns: 60)
    #expect(run.status == 0)
    let lines = run.shown.split(separator: "\n")
    // Twelve events, each with its source line below it, and the summary.
    #expect(lines.filter { !$0.hasPrefix("            source: ") }.count == 13)
    for line in lines { #expect(line.count <= 60, "\(line)") }
    let cut = lines.first { $0.contains("long") }
    #expect(cut?.hasSuffix("…") == true, "\(cut ?? "")")
    #expect(cut?.count == 60)
    let piped = try timeline(["--log", log, "log"])
    #expect(piped.lines.contains { $0.hasSuffix("\"\(note)\"") }, "piped, the whole note")
    #expect(!piped.stdout.contains("…"))
  }
}

// MARK: - --color, -q

@Test(.enabled(if: hasScript))
func colorAlwaysAndNeverOverrideTheTerminalAndNoColor() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let always = try timeline(["--color", "always", "--log", log, "state", "--at", "2025-12"], environment: ["NO_COLOR": "1"])
    #expect(always.status == 0)
    #expect(always.stdout.contains("\u{1B}["), "always: even piped and with NO_COLOR set")
    let after = try timeline(["--log", log, "state", "--at", "2025-12", "--color=always"])
    #expect(after.stdout.contains("\u{1B}["), "after the command too")
    let never = try onTerminal(["--no-pager", "--color", "never", "--log", log, "state", "--at", "2025-12"], rows: 50, columns: 100, environment: ["NO_COLOR": ""])
    #expect(never.status == 0)
    #expect(!never.shown.contains("\u{1B}["), "never: not even on a terminal")
    let auto = try onTerminal(["--no-pager", "--color", "auto", "--log", log, "state", "--at", "2025-12"], rows: 50, columns: 100, environment: ["NO_COLOR": ""])
    #expect(auto.shown.contains("\u{1B}["), "auto on a terminal (the control case)")
    let bad = try timeline(["--color", "sometimes", "state"])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("--color sometimes"), "\(bad.stderr)")
  }
}

@Test func quietDropsNotesAndSummariesButNotWarningsOrErrors() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/events"
    let loud = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "a"])
    #expect(loud.stderr.contains("created a new log"), "the control case")
    let other = dir + "/other"
    for flag in ["-q", "--quiet"] {
      let quiet = try timeline([flag, "--log", other + flag, "add", "report", "--date", "2025", "--org", "a"])
      #expect(quiet.status == 0)
      #expect(quiet.stderr.isEmpty, "\(flag): \(quiet.stderr)")
      #expect(quiet.lines.count == 1, "the id is still printed")
    }
    let empty = try timeline(["--log", log, "add", "--stdin", "-q"], stdin: "")
    #expect(empty.stderr.isEmpty, "no summary: \(empty.stderr)")
    let warned = try timeline(["-q", "--log", log, "add", "launch", "--date", "2025", "--subject", "a/x", "--set", "type=Model", "--source-title", "t"])
    #expect(warned.status == 0)
    #expect(warned.stderr.contains("timeline: warning: "), "warnings stay: \(warned.stderr)")
    let failed = try timeline(["-q", "--log", log, "add", "lunch", "--date", "2025", "--org", "a"])
    #expect(failed.status == 65)
    #expect(failed.stderr.hasPrefix("timeline: error: "), "errors stay")
    let rendered = try timeline(["-q", "--log", log, "render", "-o", dir + "/page.html"])
    #expect(rendered.status == 0)
    #expect(rendered.stderr.isEmpty, "no summary of what was written: \(rendered.stderr)")
  }
}

// MARK: - add --stdin on a terminal

@Test(.enabled(if: hasScript))
func addStdinOnATerminalSaysItIsReadingStandardInput() throws {
  try withTemporaryDirectory { dir throws in
    let run = try onTerminal(["--log", dir + "/events", "add", "--stdin"], rows: 50, columns: 100)
    #expect(run.status == 0)
    #expect(run.shown.contains("timeline: reading events from standard input; end with Ctrl-D"), "\(run.shown)")
    let quiet = try onTerminal(["-q", "--log", dir + "/events", "add", "--stdin"], rows: 50, columns: 100)
    #expect(!quiet.shown.contains("reading events"), "-q drops the hint")
    let piped = try timeline(["--log", dir + "/events", "add", "--stdin"], stdin: "")
    #expect(!piped.stderr.contains("reading events"), "not when standard input is a file or pipe")
  }
}

// MARK: - A dry run is the real run

/// Every `add` of the bad-input catalogue.
private let badAdds = catalogue.filter { $0.arguments.first == "add" }

@Test(arguments: badAdds)
func aDryRunRefusesWhatTheRealRunRefusesWithTheSameMessage(_ bad: BadInput) throws {
  try withTemporaryDirectory { dir throws in
    let log = try bad.makeLog(in: dir)
    let before = snapshot(dir)
    let real = try timeline(["--log", log] + bad.arguments, stdin: bad.stdin)
    #expect(snapshot(dir) == before)
    let dry = try timeline(["--log", log, "add", "--dry-run"] + bad.arguments.dropFirst(), stdin: bad.stdin)
    #expect(snapshot(dir) == before, "the dry run changes nothing either")
    #expect(real.status == bad.status, "the control case: \(real.stderr)")
    #expect(dry.status == real.status, "\(dry.stderr)")
    // The same message, but for the time of the run (a stamp of the clock, in a message about recorded times).
    let given = (bad.stdin ?? "") + bad.arguments.joined(separator: " ")
    #expect(withoutTheClock(dry.stderr, keeping: given) == withoutTheClock(real.stderr, keeping: given))
    #expect(dry.stdout.isEmpty)
  }
}

/// `text` with every RFC 3339 time that does not occur in `given` replaced by `<now>`.
private func withoutTheClock(_ text: String, keeping given: String) -> String {
  var result = text
  let pattern = try! NSRegularExpression(pattern: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#)
  let range = NSRange(text.startIndex..., in: text)
  for match in pattern.matches(in: text, range: range).reversed() {
    let time = (text as NSString).substring(with: match.range)
    if !given.contains(time) { result = (result as NSString).replacingCharacters(in: match.range, with: "<now>") }
  }
  return result
}

@Test func theCatalogueHasAddCasesOfBothKinds() {
  #expect(badAdds.count >= 20)
  #expect(badAdds.contains { $0.arguments.contains("--stdin") })
}

@Test func aDryRunOfABatchChecksRecordedAgainstTheFilesLast() throws {
  // The case of the issue: the dry run accepted a line the real run refuses.
  try withTemporaryDirectory { dir throws in
    let log = dir + "/story.jsonl"
    try writeLines(industryLines, to: log)
    let before = snapshot(dir)
    let line = #"{"date":"2025","kind":"report","org":"openai","recorded":"2025-12-13T08:00:00.000Z"}"# + "\n"
    let dry = try timeline(["--log", log, "add", "--stdin", "--dry-run"], stdin: line)
    #expect(dry.status == 65)
    #expect(dry.stderr.contains("<stdin>:1: recorded 2025-12-13T08:00:00.000Z is not after 2025-12-13T08:00:00.000Z, the latest recorded time in \(log)"), "\(dry.stderr)")
    #expect(snapshot(dir) == before)
  }
}

@Test func aDryRunShowsTheEventsStampedAsTheRealRunWouldWriteThem() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/story.jsonl"
    try writeLines(industryLines, to: log)
    let before = snapshot(dir)
    let line = #"{"date":"2025","kind":"report","org":"openai","recorded":"2099-01-01T00:00:00.000Z"}"# + "\n"
    let dry = try timeline(["--log", log, "add", "--stdin", "--dry-run"], stdin: line + line.replacingOccurrences(of: "\"recorded\":\"2099-01-01T00:00:00.000Z\"", with: "\"note\":\"n\""))
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(dry.lines.first?.contains(#""recorded":"2099-01-01T00:00:00.000Z""#) == true)
    #expect(dry.lines.dropFirst().first?.contains(#""recorded":"2099-01-01T00:00:00.001Z""#) == true, "stamped after the line before it: \(dry.stdout)")
    #expect(dry.stdout.contains("(dry run: nothing was written)"))
    #expect(snapshot(dir) == before)
  }
}

@Test(arguments: [false, true])
func aDryRunWaitsForTheLockLikeTheRealRun(stdin: Bool) throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/story.jsonl"
    try writeLines(industryLines, to: log)
    let before = snapshot(dir)
    let fd = open(log, O_RDONLY)
    #expect(fd >= 0)
    defer { close(fd) }
    #expect(flock(fd, LOCK_EX) == 0)
    let arguments = stdin ? ["add", "--stdin", "--dry-run"] : ["add", "report", "--date", "2025", "--org", "a", "--dry-run"]
    let dry = try timeline(["--log", log] + arguments, stdin: #"{"date":"2025","kind":"report","org":"a"}"# + "\n", environment: ["TIMELINE_LOCK_TIMEOUT": "0.2"])
    #expect(dry.status == 75, "\(dry.stderr)")
    #expect(dry.stderr.contains("is locked by another"))
    #expect(snapshot(dir) == before)
  }
}

@Test func aDryRunOnAMissingFolderInAMissingParentIsRefusedLikeTheRealRun() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/no/such/events"
    let real = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "a"])
    let dry = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "a", "--dry-run"])
    #expect(real.status == 73)
    #expect(dry.status == real.status)
    #expect(dry.stderr == real.stderr)
    #expect(!FileManager.default.fileExists(atPath: dir + "/no"))
  }
}

// MARK: - Columns measured in terminal columns

/// Text columns are as wide as their widest cell in terminal columns: an
/// East Asian wide character or an emoji takes two, an accented letter
/// one (two bytes, or a letter and a combining accent), ASCII one a byte
/// (measured without walking its characters). The column after a cell of
/// any of them starts at the same column on every row: here a metric's
/// unit, free text, before its date.
@Test func textColumnsLineUpWhateverTheScriptOfTheirCells() throws {
  try withTemporaryDirectory { dir throws in
    let units = ["USD", "円", "€", "😀😀", "e\\u0301", "long-ascii-unit", "漢字x"]
    let lines = units.enumerated().map { index, unit in
      #"{"id":"m\#(index)","date":"2025","kind":"metric","org":"a","attrs":{"name":"metric\#(index)","value":\#(index),"unit":"\#(unit)"},"confidence":"reported","recorded":"2025-01-01T00:00:0\#(index).000Z"}"#
    }
    let log = try folderLog(dir, lines)
    /// Terminal columns, the ranges `timeline` counts as two.
    func columns(_ text: Substring) -> Int {
      text.reduce(0) { width, character in
        let value = character.unicodeScalars.first!.value
        let wide = (0x1100...0x115f).contains(value) || (0x2e80...0xa4cf).contains(value) || (0xac00...0xd7a3).contains(value)
          || (0xf900...0xfaff).contains(value) || (0xfe30...0xfe4f).contains(value) || (0xff00...0xff60).contains(value)
          || (0xffe0...0xffe6).contains(value) || (0x1f300...0x1f64f).contains(value) || (0x1f900...0x1f9ff).contains(value)
          || (0x20000...0x3fffd).contains(value)
        return width + (wide ? 2 : 1)
      }
    }
    let rows = try timeline(["--log", log, "state", "--at", "2025-12-31"]).lines.filter { $0.contains("as of") }
    #expect(rows.count == units.count)
    let starts = rows.map { row in row.range(of: "as of").map { columns(row[..<$0.lowerBound]) } }
    #expect(Set(starts).count == 1, "\(rows)")
  }
}

/// Colour changes no column: a cell the console colours is measured without
/// its escape sequences, so `--color always`, its sequences taken out, is
/// `--color never` byte for byte (a focus list marks some of its items, and
/// the deprioritized row below it lines up with it).
@Test func colourChangesNoColumn() throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/log.jsonl"
    for (index, (list, item, confidence)) in [
      ("focus", "a/p", "rumor"), ("focus", "a/q", "confirmed"), ("deprioritize", "a/r", "reported"),
    ].enumerated() {
      let added = try timeline([
        "--log", log, "add", "strategy", "--date", "2025-0\(index + 1)", "--org", "a", "--set", "\(list)=\(item)",
        "--confidence", confidence,
      ])
      #expect(added.status == 0, "\(added.stderr)")
    }
    for question in [["state", "--at", "2025-12"], ["diff", "2024", "2025-12"], ["why", "a/p", "--at", "2025-12"]] {
      let plain = try timeline(["--log", log] + question + ["--color", "never"]).stdout
      let coloured = try timeline(["--log", log] + question + ["--color", "always"]).stdout
      #expect(coloured.contains("\u{1b}["), "\(question): coloured at all")
      let stripped = coloured.replacingOccurrences(of: "\u{1b}\\[[0-9;]*m", with: "", options: .regularExpression)
      #expect(stripped == plain, "\(question):\n\(plain)\n\(stripped)")
    }
  }
}

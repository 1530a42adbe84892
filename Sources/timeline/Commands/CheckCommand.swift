import EventLog
import Projections

let checkCommand = Command(
  name: "check",
  summary: "validate the whole log; --repair first rolls back an interrupted batch and repairs the end of each file",
  options: [
    OptionSpec(name: "repair", value: nil, help: "first roll back interrupted batches (setting aside a rollback record that does not match its file), add the missing newline after a whole final event, cut an incomplete final line (its bytes are printed on standard error) and remove blank lines at the end"),
    jsonOption,
  ],
  details: [
    "Each problem is printed as file:line: error: ... or file:line: warning: ..., then a summary. Errors exit 65; warnings do not fail.",
    "Among the warnings: a recorded time more than a day after this computer's clock (a clock ahead, or a bad import: later adds to that file are stamped after it); and, in a folder log tracked by git, a writer file whose last 10 commits have more than one author (two people share a writer name: each should take their own with `timeline init --writer NAME`). git is run only for that, and skipped when it is missing.",
  ],
  examples: ["timeline check", "timeline check --repair", "timeline check --json"],
  run: { args, context in
    let console = context.console
    if args.has("repair") {
      for done in try context.store.repair() { console.repaired(done, prefix: "repaired") }
    }
    var report = try Progress.around("checking the log") { _ throws(LogError) in try context.store.check(now: context.now) }
    if !context.store.isSingleFile {
      let files = (try? context.store.files()) ?? []
      report.addWarnings(sharedWriterWarnings(context.store, files: files), files: files)
    }
    if report.files == 0 && !context.store.isSingleFile { noteEmptyFolder(context) }
    if let note = report.cacheNote { console.note("timeline: note: \(note)") }
    if args.has("json") {
      func findings(_ list: [Finding], _ w: inout JSONWriter) {
        w.array { a in
          for finding in list {
            a.object { f in
              f.member("file", finding.file)
              f.member("line", number: Double(finding.line))
              f.member("message", findingText(finding))
            }
          }
        }
      }
      JSONWriter.write(to: console.write) { w in
        w.key("errors")
        findings(report.errors, &w)
        w.key("warnings")
        findings(report.warnings, &w)
        w.member("events", number: Double(report.events))
        w.member("files", number: Double(report.files))
      }
    } else {
      // Errors and warnings each come in the log's order; merge them (an error first on a tie).
      var all: [(Finding, Bool)] = []
      all.reserveCapacity(report.errors.count + report.warnings.count)
      var e = 0
      var w = 0
      while e < report.errors.count || w < report.warnings.count {
        let takeError: Bool
        if e == report.errors.count {
          takeError = false
        } else if w == report.warnings.count {
          takeError = true
        } else {
          let error = report.errors[e]
          let warning = report.warnings[w]
          takeError = (error.fileIndex, error.line) <= (warning.fileIndex, warning.line)
        }
        if takeError {
          all.append((report.errors[e], true))
          e += 1
        } else {
          all.append((report.warnings[w], false))
          w += 1
        }
      }
      // Written as bytes: a large log can have hundreds of thousands of findings.
      let labels = [Array(console.yellow("warning").utf8), Array(console.red("error").utf8)]
      var text: [UInt8] = []
      for (finding, isError) in all {
        text.append(contentsOf: finding.file.utf8)
        text.append(UInt8(ascii: ":"))
        text.append(contentsOf: String(finding.line).utf8)
        text.append(contentsOf: ": ".utf8)
        text.append(contentsOf: labels[isError ? 1 : 0])
        text.append(contentsOf: ": ".utf8)
        text.append(contentsOf: findingText(finding).utf8)
        text.append(0x0a)
        if text.count >= 1 << 16 {
          console.write(text)
          text.removeAll(keepingCapacity: true)
        }
      }
      console.write(text)
      let summary = "checked \(plural(report.events, "event")) in \(plural(report.files, "file")): "
        + (report.errors.isEmpty ? "no errors" : plural(report.errors.count, "error")) + ", "
        + (report.warnings.isEmpty ? "no warnings" : plural(report.warnings.count, "warning"))
      console.line(summary)
    }
    return report.errors.isEmpty ? 0 : LogError.Code.dataError.rawValue
  })

import EventLog
import Projections

let strategyCommand = Command(
  name: "strategy",
  summary: "list strategy shifts, each with the focus before and after",
  options: [
    orgOption,
    OptionSpec(name: "from", value: "DATE", help: "shifts whose period starts on or after this date (a partial date means its start)"),
    OptionSpec(name: "to", value: "DATE", help: "shifts whose period starts on or before this date (a partial date means its end)"),
    periodOption, knownAtOption, minConfidenceOption, jsonOption,
  ],
  details: [
    "Shifts are replayed as of today, so a shift dated only to a month or year counts once its period has ended.",
    "Each shift carries its event's confidence; text output marks a shift reported or rumored with (reported) or (rumor).",
  ],
  examples: ["timeline strategy --org openai", "timeline strategy --from 2025-12 --json"],
  run: { args, context in
    let (selection, table) = try selectedFacts(args, context, command: "strategy")
    let (org, least) = (selection.org, selection.minConfidence)
    let replay = replayForQuestion(selection, table, context)
    let kept = replay.kept(at: context.today, org: org)
    // Shifts are written as they are folded, never held whole (an org's
    // whole focus twice in each: 180 MB of JSON at 1M events).
    func eachShift(_ body: (StrategyShift) -> Void) {
      replay.forEachStrategyShift(kept) { shift in if selection.contains(firstDay: shift.date.firstDay) { body(shift) } }
    }
    let basis = replay.basis(kept)
    if args.has("json") {
      printJSON(basis: basis, context) { w in
        w.key("shifts")
        w.array { array in eachShift { array.shift($0) } }
      }
      return 0
    }
    let count = kept.count { index in
      let fact = table.facts[Int(index)]
      return isStrategyShift(fact) && selection.contains(firstDay: fact.date.firstDay)
    }
    let console = context.console
    console.line(console.bold("Strategy shifts" + onlySurer(least)) + console.dim("  (\(plural(count, "shift")); basis \(basis.digest.prefix(12)))"))
    if count == 0 {
      console.line("")
      console.line("No strategy shifts.")
    }
    eachShift { shift in
      console.line("")
      let mark = confidenceMark(shift.confidence, console)
      console.line(console.bold("\(shift.date)  \(console.cyan(oneLine(shift.org)))  \(shift.label.map { "\"\(oneLine($0))\"" } ?? "(no label)")") + console.dim("  \(shift.event)") + (mark.isEmpty ? "" : "  " + mark))
      var rows: [[String]] = []
      if !shift.added.isEmpty { rows.append(["focus on", oneLine(shift.added.joined(separator: ", "))]) }
      if !shift.removed.isEmpty { rows.append(["deprioritize", oneLine(shift.removed.joined(separator: ", "))]) }
      rows.append(["focus before", shift.focusBefore.isEmpty ? "(none)" : oneLine(shift.focusBefore.joined(separator: ", "))])
      rows.append(["focus after", shift.focusAfter.isEmpty ? "(none)" : oneLine(shift.focusAfter.joined(separator: ", "))])
      for line in alignedRows(rows, indent: 2) { console.line(line) }
    }
    return 0
  })

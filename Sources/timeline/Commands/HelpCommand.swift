import EventLog
import Projections

let helpCommand = Command(
  name: "help", summary: "show help for timeline or one command",
  positionals: [PositionalSpec(name: "COMMAND", help: "a command", optional: true)],
  run: { args, context in
    if let name = args.positionals.first {
      guard let command = commands.first(where: { $0.name == name }) else {
        throw UsageError("unknown command '\(name)'\(didYouMean(name, in: commands.map(\.name)))")
      }
      context.console.line(help(for: command, width: context.console.width))
    } else {
      context.console.line(mainHelp(width: context.console.width))
    }
    return 0
  })

func mainHelp(width: Int = 80) -> String {
  var lines = wrap("timeline: an event-sourced competitive-intelligence timeline", width: width) + [""]
  lines += wrapUsage("Usage: timeline [--log PATH] [--today DATE] <command> [options]", width: width)
  lines += ["", "Commands:"]
  lines += helpTable(commands.map { [$0.name, $0.summary] }, width: width)
  lines += [
    "",
    "Options for every command:",
  ]
  lines += helpTable(globalOptions.map { [$0.display, $0.help] } + [["--version", "print the version"]], width: width)
  for paragraph in [
    "Dates of events are YYYY, YYYY-MM or YYYY-MM-DD and keep their precision.",
    datesHelp,
    "Run 'timeline <command> --help' for a command's options and examples.",
    "Exit codes: 0 ok, 64 usage, 65 bad data, 66 no log, 73 cannot create, 74 I/O error, 75 lock busy.",
    readmeHelp,
  ] {
    lines += [""] + wrap(paragraph, width: width)
  }
  return lines.joined(separator: "\n")
}

/// Where to read more: what a user of the tool has, the README and docs/.
let readmeHelp = "More in the README: \"Your first ten events\", \"Commands\", \"JSON output\", \"Sharing a log with a team\", \"Feeding other systems\", \"The event format, in brief\", \"How answers are computed (the replay)\" and \"Exit codes\"; and in docs/walkthrough.md, docs/sharing.md, docs/team.md, docs/decisions.md, docs/guarantees.md and docs/performance.md."

func help(for command: Command, width: Int = 80) -> String {
  var lines = wrapUsage("Usage: \(command.usage)", width: width)
  lines += [""] + wrap(command.summary.prefix(1).uppercased() + command.summary.dropFirst() + ".", width: width)
  if !command.positionals.isEmpty {
    lines += ["", "Arguments:"]
    lines += helpTable(command.positionals.map { [$0.name, $0.help] }, width: width)
  }
  lines += ["", "Options:"]
  lines += helpTable((command.options + globalOptions).map { [$0.display, $0.help + ($0.repeatable ? " (repeatable)" : "")] }, width: width)
  for paragraph in command.details {
    lines.append("")
    // A line indented by two spaces is shell words (a preset's arguments): kept pasteable.
    for line in paragraph.split(separator: "\n") {
      lines += line.hasPrefix("  ") ? wrapCommand(String(line.dropFirst(2)), width: width, indent: 2) : wrap(String(line), width: width)
    }
  }
  if !command.examples.isEmpty {
    lines += ["", "Examples:"]
    lines += command.examples.flatMap { wrapCommand($0, width: width, indent: 2) }
  }
  return lines.joined(separator: "\n")
}


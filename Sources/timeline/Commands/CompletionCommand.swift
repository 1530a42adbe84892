import EventLog

let completionCommand = Command(
  name: "completion",
  summary: "print a shell completion script for bash, zsh or fish",
  positionals: [PositionalSpec(name: "SHELL", help: "bash, zsh or fish", choices: ["bash", "zsh", "fish"])],
  details: ["The script completes commands, their options, the words an option takes (--format's, add's kinds), file names where a file is wanted, and the log's own names where an option takes one: orgs for --org, subjects for --subject and lineage, event ids for --supersedes and retract, roles and products for add --set role= and predecessor=. It reads them with `timeline complete`, from the log --log names on the command line, else the one timeline finds."],
  examples: [
    "source <(timeline completion bash)",
    "timeline completion zsh > \"${fpath[1]}/_timeline\"",
    "timeline completion fish > ~/.config/fish/completions/timeline.fish",
  ],
  run: { args, context in
    let shell = args.positionals[0]
    switch shell {
    case "bash": context.console.write(Array(bashCompletion().utf8))
    case "zsh": context.console.write(Array(zshCompletion().utf8))
    case "fish": context.console.write(Array(fishCompletion().utf8))
    default:
      throw UsageError("unknown shell '\(shell)'\(didYouMean(shell, in: ["bash", "zsh", "fish"])): use bash, zsh or fish", command: "completion")
    }
    return 0
  })

/// Another way to call a command, shown on a usage line of its own: an option
/// given instead of the positionals, with the few options it still takes
/// (`timeline add --stdin [--dry-run] [--writer NAME]`, instead of KIND and
/// the fields of one event).
struct UsageForm: Sendable {
  /// The option that chooses this form; the main usage line leaves it out.
  var option: String
  /// The other options of the table this form takes.
  var takes: [String] = []
}

extension Command {
  /// The command's synopsis, built from its table, so that it names every
  /// option the command takes and nothing else: the positionals, then the
  /// options in table order, each once.
  ///
  /// - `NAME` is a required positional, `[NAME]` an optional one, unless the
  ///   positional says how it is shown.
  /// - `--name VALUE` is a required option, `[--name VALUE]` an optional one,
  ///   `[--name VALUE]...` one that may be repeated; the long name is shown
  ///   even where there is a short one, which the options table gives.
  /// - The value's placeholder stands for its choices too, which the options
  ///   table lists.
  /// - Options that exclude each other (`--period` and `--from`/`--to`,
  ///   `--follow` and `--output`) are each listed in brackets, as optional
  ///   ones; giving both is an error the command explains.
  /// - Each of `forms` is a line of its own, below the main one.
  var usage: String {
    usageLines.joined(separator: "\n       ")
  }

  /// `usage`, one line for each way to call the command.
  private var usageLines: [String] {
    let alternatives = Set(forms.map(\.option))
    assert(forms.allSatisfy { ([$0.option] + $0.takes).allSatisfy { name in options.contains { $0.name == name } } }, "a usage form names an option \(name) lacks")
    // The positionals are optional to the parser only where a form stands in
    // for them (add's KIND, for --stdin): the main line shows them required.
    let main = positionals.map { $0.usage ?? (forms.isEmpty && $0.optional ? "[\($0.name)]" : $0.name) }
      + uniqueOptions.filter { !alternatives.contains($0.name) }.map(\.usage)
    let others = forms.map { form in
      uniqueOptions.filter { $0.name == form.option }.map { $0.usage(required: true) }
        + uniqueOptions.filter { form.takes.contains($0.name) }.map(\.usage)
    }
    return ([main] + others).map { (["timeline", name] + $0).joined(separator: " ") }
  }

  /// The options of the table, each once (the first row of a name).
  private var uniqueOptions: [OptionSpec] {
    var seen: Set<String> = []
    return options.filter { seen.insert($0.name).inserted }
  }
}

extension OptionSpec {
  /// How a usage line shows the option: `--name VALUE`, in brackets unless it is
  /// required, followed by `...` when it may be repeated.
  var usage: String { usage(required: required) }

  func usage(required: Bool) -> String {
    let shown = "--" + name + (value.map { " " + $0 } ?? "")
    return (required ? shown : "[\(shown)]") + (repeatable ? "..." : "")
  }
}

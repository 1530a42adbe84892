import EventLog

/// An option a command accepts: the one table from which arguments are
/// parsed and help, completions and the man page are written.
struct OptionSpec: Sendable {
  var name: String
  /// A one-letter alias, like `o` for `-o`.
  var short: Character? = nil
  /// The value's placeholder (`DATE`); nil for a flag.
  var value: String?
  var help: String
  var repeatable = false
  /// The words the value may be (for help, completion and checking), if it is one of a few.
  var choices: [String] = []
  /// Whether the usage line shows it without brackets, as one the command
  /// needs (the command's run checks that it is given, with its own message).
  var required = false

  var display: String {
    let long = "--" + name + (value.map { " " + $0 } ?? "")
    return short.map { "-\($0), " + long } ?? long
  }
}

/// A positional argument.
struct PositionalSpec: Sendable {
  var name: String
  var help: String
  var optional = false
  /// The words it may be, for completion.
  var choices: [String] = []
  /// How the usage line shows it, where its name and brackets would not say
  /// enough (diff's TO, optional only because `FROM..TO` is one argument).
  var usage: String? = nil
}

/// What the user gave, checked against a command's table.
struct ParsedArguments {
  var positionals: [String] = []
  private(set) var values: [String: [String]] = [:]

  func has(_ name: String) -> Bool { values[name] != nil }
  func value(_ name: String) -> String? { values[name]?.last }
  func all(_ name: String) -> [String] { values[name] ?? [] }

  mutating func record(_ name: String, _ value: String) { values[name, default: []].append(value) }
}

/// A mistake in how the command was called (exit 64).
struct UsageError: Error {
  var message: String
  /// The command whose help would help, if any.
  var command: String?

  init(_ message: String, command: String? = nil) {
    self.message = message
    self.command = command
  }
}

/// Splits `arguments` (after the command name) against `options` and `positionals`.
/// `--name value`, `--name=value`, `-x value`, flags, and `--` before plain words all work.
func parse(_ arguments: [String], options: [OptionSpec], positionals: [PositionalSpec], command: String) throws(UsageError)
  -> ParsedArguments
{
  var parsed = ParsedArguments()
  var index = 0
  var onlyPositionals = false
  while index < arguments.count {
    let token = arguments[index]
    index += 1
    if onlyPositionals || token == "-" || !token.hasPrefix("-") {
      parsed.positionals.append(token)
      continue
    }
    if token == "--" {
      onlyPositionals = true
      continue
    }
    var name: String
    var inline: String?
    let spec: OptionSpec?
    if token.hasPrefix("--") {
      let body = token.dropFirst(2)
      if let equals = body.firstIndex(of: "=") {
        name = String(body[..<equals])
        inline = String(body[body.index(after: equals)...])
      } else {
        name = String(body)
      }
      spec = options.first { $0.name == name }
    } else {
      let letter = token.dropFirst()
      name = String(letter)
      spec = letter.count == 1 ? options.first { $0.short == letter.first } : nil
    }
    guard let spec else {
      let hint = optionHint(name.trimmingLeadingDashes, options)
      throw UsageError("unknown option \(token) for '\(command)'\(hint)", command: command)
    }
    name = spec.name
    if let placeholder = spec.value {
      let value: String
      if let inline {
        value = inline
      } else {
        guard index < arguments.count else {
          throw UsageError("option --\(name) needs a value (\(placeholder))", command: command)
        }
        value = arguments[index]
        index += 1
      }
      if parsed.has(name) && !spec.repeatable {
        throw UsageError("option --\(name) is given more than once", command: command)
      }
      parsed.record(name, value)
    } else {
      if inline != nil { throw UsageError("option --\(name) takes no value", command: command) }
      parsed.record(name, "")
    }
  }
  let required = positionals.filter { !$0.optional }.count
  if parsed.positionals.count < required {
    let missing = positionals[parsed.positionals.count]
    throw UsageError("missing \(missing.name): \(missing.help)", command: command)
  }
  if parsed.positionals.count > positionals.count {
    let extra = parsed.positionals[positionals.count]
    throw UsageError("unexpected argument '\(extra)'", command: command)
  }
  return parsed
}

/// ` (did you mean "--date"?)` for a mistyped option: the option whose name
/// the typed word begins (`-d`, `--dat`), the first in the table when several
/// do (the others named too);
/// else the nearest by edit distance; else nothing.
func optionHint(_ typed: String, _ options: [OptionSpec]) -> String {
  let begun = typed.isEmpty ? [] : options.filter { $0.name.hasPrefix(typed) }.map { "--" + $0.name }
  if begun.count == 1 { return " (did you mean \"\(begun[0])\"?)" }
  if begun.count > 1 { return " (did you mean \"\(begun[0])\"? also \(begun.dropFirst().joined(separator: ", ")))" }
  return didYouMean("--" + typed, in: options.map { "--" + $0.name })
}

extension String {
  var trimmingLeadingDashes: String { String(drop { $0 == "-" }) }
}

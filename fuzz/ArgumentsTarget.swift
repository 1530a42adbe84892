// libFuzzer target: the table-driven argument parser, with the real command tables.
// Built by fuzz/run.sh together with Sources/EventLog, Sources/Projections and
// Sources/timeline without main.swift (one module; their imports are stripped).

/// The input is a command line: the first byte picks a command of the table,
/// the rest are arguments separated by NUL bytes (as argv arrives, so they are
/// valid UTF-8 after main's check). Checks: `parse` answers without crashing,
/// and what it accepts is consistent with the table (only declared options,
/// no repeated single-valued option, flags without values, positionals within
/// their bounds).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let bytes = UnsafeBufferPointer(start: data, count: size)
  let command = commands[Int(bytes[0]) % commands.count]
  let arguments = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map {
    String(decoding: $0, as: UTF8.self)
  }
  guard let parsed = try? parse(arguments, options: command.options, positionals: command.positionals, command: command.name)
  else { return 0 }
  precondition(parsed.positionals.count <= command.positionals.count, "more positionals than the table allows")
  precondition(parsed.positionals.count >= command.positionals.filter { !$0.optional }.count, "a required positional is missing")
  let declared = Set(command.options.map(\.name))
  for name in parsed.values.keys { precondition(declared.contains(name), "undeclared option \(name) accepted") }
  for option in command.options {
    let values = parsed.all(option.name)
    if option.value == nil {
      precondition(values.allSatisfy(\.isEmpty), "flag --\(option.name) got a value")
    } else if !option.repeatable {
      precondition(values.count <= 1, "--\(option.name) accepted more than once")
    }
  }
  return 0
}

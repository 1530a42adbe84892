import EventLog

/// The one exit path: runs the command line and maps every error to its
/// message on standard error and its sysexits code; a failed write to
/// standard output (other than its reader going away) ends with 74.
func runTimeline(_ arguments: [String], environment: [String: String]) -> Int32 {
  let console = Console(environment: environment)
  let status = runCommandLine(arguments, environment: environment, console: console)
  console.finish()
  guard let failure = console.outputFailure else { return status }
  console.error("timeline: error: cannot write to standard output: \(failure)" + (console.committed.map { "; the log was changed all the same: \($0)" } ?? ""))
  return status == 0 ? LogError.Code.ioError.rawValue : status
}

/// Runs the command line, printing through `console`.
private func runCommandLine(_ arguments: [String], environment: [String: String], console: Console) -> Int32 {
  var commandName: String?
  do {
    // Global options may come before or after the command.
    var logPath = environment["TIMELINE_LOG"].flatMap { $0.isEmpty ? nil : $0 }
    var todayText = environment["TIMELINE_TODAY"].flatMap { $0.isEmpty ? nil : $0 }
    var todaySource = "TIMELINE_TODAY"
    var rest: [String] = []
    var index = 0
    var wantsHelp = false
    var colorText: String?
    var noPager = false
    // A global option given twice is refused, as a command's is: which one
    // was meant is not for the tool to guess.
    var given: Set<String> = []
    func once(_ option: String) throws(UsageError) {
      guard given.insert(option).inserted else { throw UsageError("option \(option) is given more than once") }
    }
    while index < arguments.count {
      let token = arguments[index]
      index += 1
      for option in ["--log", "--today", "--color"] where token == option || token.hasPrefix(option + "=") { try once(option) }
      if token == "--" {
        // The end of options: a command not yet named is the next word.
        if commandName == nil, index < arguments.count {
          commandName = arguments[index]
          index += 1
        }
        rest += ["--"] + arguments[index...]
        break
      }
      if token == "--log" {
        guard index < arguments.count else { throw UsageError("option --log needs a value (PATH)") }
        logPath = arguments[index]
        index += 1
      } else if token.hasPrefix("--log=") {
        logPath = String(token.dropFirst(6))
      } else if token == "--today" {
        guard index < arguments.count else { throw UsageError("option --today needs a value (DATE)") }
        todayText = arguments[index]
        todaySource = "--today"
        index += 1
      } else if token.hasPrefix("--today=") {
        todayText = String(token.dropFirst(8))
        todaySource = "--today"
      } else if token == "--color" {
        guard index < arguments.count else { throw UsageError("option --color needs a value (auto, always or never)") }
        colorText = arguments[index]
        index += 1
      } else if token.hasPrefix("--color=") {
        colorText = String(token.dropFirst(8))
      } else if token == "-q" || token == "--quiet" {
        console.quiet = true
        Progress.quiet = true
      } else if token == "--no-pager" {
        noPager = true
      } else if commandName == nil && (token == "--version" || token == "-V") {
        console.line(version)
        return 0
      } else if commandName == nil && (token == "--help" || token == "-h") {
        wantsHelp = true
      } else if commandName == nil && !token.hasPrefix("-") {
        commandName = token
      } else if commandName == nil {
        throw UsageError("unknown option \(token)\(didYouMean(token, in: ["--log", "--today", "--color", "--quiet", "--no-pager", "--help", "--version"])); options of a command go after its name")
      } else {
        rest.append(token)
      }
    }
    if let colorText {
      guard let mode = Console.ColorMode(rawValue: colorText) else {
        throw UsageError("--color \(colorText): use auto, always or never\(didYouMean(colorText, in: Console.ColorMode.allCases.map(\.rawValue)))")
      }
      console.setColor(mode)
    }
    if logPath?.isEmpty == true { throw UsageError("--log needs a path") }
    if !noPager && (commandName.map(pagedCommands.contains) ?? true) { console.page() }
    guard let name = commandName else {
      if wantsHelp {
        console.line(mainHelp(width: console.width))
        return 0
      }
      console.error(mainHelp(width: console.width))
      console.error("timeline: error: no command given; name one of the commands above, for example 'timeline state'")
      return LogError.Code.usage.rawValue
    }
    guard let command = commands.first(where: { $0.name == name }) else {
      throw UsageError("unknown command '\(name)'\(didYouMean(name, in: commands.map(\.name))); see 'timeline help'")
    }
    if wantsHelp || rest.contains("--help") || rest.contains("-h") {
      if !noPager { console.page() }
      console.line(help(for: command, width: console.width))
      return 0
    }
    let parsed = try parse(rest, options: command.options, positionals: command.positionals, command: name)
    let timeout = try lockTimeout(environment)
    let now = currentTime()
    let today = try todayText.map { text throws(UsageError) in try fixedToday(text, from: todaySource) } ?? Day(millisecondsSinceEpoch: now.milliseconds)
    var searched: String?
    let logNamed = logPath != nil
    if logPath == nil {
      switch LogLocation.find() {
      case .log(let path): logPath = path
      case .none(let places):
        logPath = LogLocation.folderName
        searched = places
      }
    }
    // Commands that append in a folder log write to their writer's own file.
    let writer = command.options.contains { $0.name == "writer" } && name != "init"
      ? try writerName(parsed, environment: environment, log: logPath!, note: console.note) : "log"
    var context = Context(
      store: LogStore(path: logPath!, lockTimeout: timeout, writer: writer), now: now, today: today, console: console)
    context.searched = searched
    context.logNamed = logNamed
    // Every command that creates the log says so (add, import; init says it itself).
    let existed = context.store.exists || name == "init"
    defer {
      if !existed && context.store.exists { console.note("timeline: created a new log at \(context.store.path)") }
    }
    // On a terminal the answer depends on its width and goes through the pager: it is not kept.
    guard answerIsKeepable(name, parsed), !console.isTerminal else { return try command.run(parsed, context) }
    // A large log's answer to the same query on the same log and day is printed again as kept.
    return try KeptAnswers(command: name, arguments: rest, context: context).run { () throws in
      try command.run(parsed, context)
    }
  } catch let error as UsageError {
    console.error("timeline: error: \(error.message)")
    if let name = error.command ?? commandName, name != "help", commands.contains(where: { $0.name == name }) {
      console.error("  see 'timeline \(name) --help'")
    }
    return LogError.Code.usage.rawValue
  } catch let error as LogError {
    console.error("timeline: error: \(errorText(error))")
    return error.code.rawValue
  } catch {
    console.error("timeline: error: \(error)")
    return LogError.Code.ioError.rawValue
  }
}

/// The commands whose standard output goes through the pager on a terminal
/// when it is longer than the screen (besides help): their output is for reading.
let pagedCommands: Set<String> = ["help", "state", "diff", "lineage", "strategy", "log", "check", "export", "man", "completion"]

/// `--today` or `TIMELINE_TODAY`: the day calendar dates count from, YYYY-MM-DD.
func fixedToday(_ text: String, from source: String) throws(UsageError) -> Day {
  guard let date = try? EventDate.parse(text), date.precision == .day else {
    throw UsageError("\(source) \(text) is not a day: give it as YYYY-MM-DD, like 2025-12-10")
  }
  return date.firstDay
}

/// `TIMELINE_LOCK_TIMEOUT`: seconds to wait for another process's lock (default 10).
/// - Throws: a usage error for anything but a finite number >= 0 (`nan` or
///   `inf` would wait forever, a typo would silently mean 10).
func lockTimeout(_ environment: [String: String]) throws(UsageError) -> Double {
  guard let text = environment["TIMELINE_LOCK_TIMEOUT"], !text.isEmpty else { return 10 }
  // Decimal only: Double also reads hex (0x10) and exponents.
  guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
    throw UsageError("TIMELINE_LOCK_TIMEOUT=\(text) is not a number of seconds (like 10 or 0.5); unset it to wait 10 s")
  }
  return seconds
}

/// The command-line arguments as UTF-8 text. `CommandLine.arguments` would
/// replace invalid UTF-8 with U+FFFD, so `add` would store a note, or open a
/// `--log` path, other than the one typed; such an argument is refused (65).
func utf8Arguments() throws(LogError) -> [String] {
  var arguments: [String] = []
  for index in 1..<Int(CommandLine.argc) {
    guard let pointer = CommandLine.unsafeArgv[index] else { continue }
    guard let text = String(validatingCString: pointer) else {
      let option = arguments.last.flatMap { $0.hasPrefix("--") ? ", the value of \($0)" : nil } ?? ""
      throw LogError(.dataError, "argument \(index)\(option) (\(String(cString: pointer).debugDescription), with U+FFFD for each bad byte) is not valid UTF-8; timeline reads and stores text as UTF-8 only")
    }
    arguments.append(text)
  }
  return arguments
}

func currentTime() -> Timestamp {
  Timestamp(milliseconds: Sys.clockMilliseconds())
}

/// The environment's UTF-8 entries; an entry that is not valid UTF-8 is left
/// out, except `TIMELINE_LOG`, which is refused as an argument would be.
func environmentVariables() throws(LogError) -> [String: String] {
  var result: [String: String] = [:]
  for entry in Sys.environmentEntries() {
    guard let text = String(validating: entry, as: UTF8.self) else {
      if entry.starts(with: "TIMELINE_LOG=".utf8) {
        throw LogError(.dataError, "TIMELINE_LOG (\(String(decoding: entry.dropFirst(13), as: UTF8.self).debugDescription), with U+FFFD for each bad byte) is not valid UTF-8; timeline reads paths as UTF-8 only")
      }
      continue
    }
    if let equals = text.firstIndex(of: "=") {
      result[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
  }
  return result
}

/// Opens /dev/null on any of standard input, output and error that is closed:
/// otherwise the log could be opened as descriptor 1 or 2, and a note printed
/// while appending (a torn tail cut) would be written into the log itself.
/// When /dev/null cannot be opened, stop rather than risk the log.
func reserveStandardDescriptors() {
  guard Sys.reserveStandardDescriptors() else { Sys.exit(LogError.Code.ioError.rawValue) }
}

reserveStandardDescriptors()
// A write past the file size limit must fail with EFBIG (and be undone), not kill the process.
Sys.ignoreFileSizeLimitSignal()
do throws(LogError) {
  let status = runTimeline(try utf8Arguments(), environment: try environmentVariables())
  LogStore.finishWriting()
  Sys.exit(status)
} catch {
  Console(environment: [:]).error("timeline: error: \(errorText(error))")
  Sys.exit(error.code.rawValue)
}

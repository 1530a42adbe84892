#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import EventLog

/// The one exit path: runs the command line and maps every error to its
/// message on standard error and its sysexits code.
func runTimeline(_ arguments: [String], environment: [String: String]) -> Int32 {
  let console = Console(environment: environment)
  defer { console.flush() }
  var commandName: String?
  do {
    // Global options may come before or after the command.
    var logPath = environment["TIMELINE_LOG"].flatMap { $0.isEmpty ? nil : $0 } ?? "events"
    var rest: [String] = []
    var index = 0
    var wantsHelp = false
    while index < arguments.count {
      let token = arguments[index]
      index += 1
      if token == "--" {
        rest += arguments[(index - 1)...]
        break
      }
      if token == "--log" {
        guard index < arguments.count else { throw UsageError("option --log needs a value (PATH)") }
        logPath = arguments[index]
        index += 1
      } else if token.hasPrefix("--log=") {
        logPath = String(token.dropFirst(6))
      } else if commandName == nil && (token == "--version" || token == "-V") {
        console.line(version)
        return 0
      } else if commandName == nil && (token == "--help" || token == "-h") {
        wantsHelp = true
      } else if commandName == nil && !token.hasPrefix("-") {
        commandName = token
      } else if commandName == nil {
        throw UsageError("unknown option \(token)\(didYouMean(token, in: ["--log", "--help", "--version"])); options of a command go after its name")
      } else {
        rest.append(token)
      }
    }
    if logPath.isEmpty { throw UsageError("--log needs a path") }
    guard let name = commandName else {
      if wantsHelp {
        console.line(mainHelp())
        return 0
      }
      console.error(mainHelp())
      return LogError.Code.usage.rawValue
    }
    guard let command = commands.first(where: { $0.name == name }) else {
      throw UsageError("unknown command '\(name)'\(didYouMean(name, in: commands.map(\.name))); see 'timeline help'")
    }
    if wantsHelp || rest.contains("--help") || rest.contains("-h") {
      console.line(help(for: command))
      return 0
    }
    let parsed = try parse(rest, options: command.options, positionals: command.positionals, command: name)
    let timeout = environment["TIMELINE_LOCK_TIMEOUT"].flatMap(Double.init) ?? 10
    let context = Context(
      store: LogStore(path: logPath, lockTimeout: timeout), now: currentTime(), console: console, environment: environment)
    guard answerCommands.contains(name) else { return try command.run(parsed, context) }
    // A large log's answer to the same query on the same log and day is printed again as kept.
    let query = ([name] + rest + [context.today.description, console.color ? "color" : "plain"]).joined(separator: "\u{0}")
    let memo = AnswerMemo(store: context.store)
    console.flush()
    if memo.printAnswer(for: query, store: context.store, to: 1) { return 0 }
    console.record()
    let status = try command.run(parsed, context)
    console.flush()
    if status == 0, context.reading.keepable, let version = context.reading.version, let output = console.recording {
      memo.remember(output, for: query, version: version)
    }
    return status
  } catch let error as UsageError {
    console.error("timeline: error: \(error.message)")
    if let name = error.command ?? commandName, name != "help", commands.contains(where: { $0.name == name }) {
      console.error("  see 'timeline \(name) --help'")
    }
    return LogError.Code.usage.rawValue
  } catch let error as LogError {
    console.error("timeline: error: \(error.message)")
    return error.code.rawValue
  } catch {
    console.error("timeline: error: \(error)")
    return LogError.Code.ioError.rawValue
  }
}

func currentTime() -> Timestamp {
  var spec = timespec()
  clock_gettime(CLOCK_REALTIME, &spec)
  return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
}

func environmentVariables() -> [String: String] {
  var result: [String: String] = [:]
  var pointer = environ
  while let entry = pointer.pointee {
    let text = String(cString: entry)
    if let equals = text.firstIndex(of: "=") {
      result[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    pointer += 1
  }
  return result
}

// A write past the file size limit must fail with EFBIG (and be undone), not kill the process.
signal(SIGXFSZ, SIG_IGN)
exit(runTimeline(Array(CommandLine.arguments.dropFirst()), environment: environmentVariables()))

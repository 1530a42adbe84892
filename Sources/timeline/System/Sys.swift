import EventLog
import Glibc

/// The CLI's edge to the operating system: every libc call of the `timeline`
/// target is made here (EventLog has its own, for the log and cache files).
/// Calls that a signal can interrupt retry on EINTR.
enum Sys {
  typealias ProcessID = pid_t

  // MARK: - Descriptors (reading and writing them whole is EventLog's FileDescriptor)

  static func close(_ fd: Int32) { _ = Glibc.close(fd) }

  /// A new pipe's two ends, or nil.
  static func pipe() -> (read: Int32, write: Int32)? {
    var ends: [Int32] = [0, 0]
    guard Glibc.pipe(&ends) == 0 else { return nil }
    return (ends[0], ends[1])
  }

  // MARK: - The terminal

  static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

  /// The size of the terminal on `fd`, or nil (not a terminal, or no width).
  static func terminalSize(_ fd: Int32) -> (rows: Int, columns: Int)? {
    var size = winsize()
    guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return (Int(size.ws_row), Int(size.ws_col))
  }

  // MARK: - The process

  /// An environment variable, read when needed (outside the command's own environment dictionary).
  static func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

  /// The process's environment, each `NAME=value` entry as bytes (not all are UTF-8).
  static func environmentEntries() -> [[UInt8]] {
    var entries: [[UInt8]] = []
    var pointer = environ
    while let entry = pointer.pointee {
      pointer += 1
      entries.append(Array(UnsafeRawBufferPointer(start: entry, count: strlen(entry))))
    }
    return entries
  }

  /// The wall clock, in milliseconds since 1970.
  static func clockMilliseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
  }

  /// Opens /dev/null on any of standard input, output and error that is closed.
  /// - Returns: false when /dev/null could not take the closed descriptor's number.
  static func reserveStandardDescriptors() -> Bool {
    for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
      // open() returns the lowest free descriptor, so this is `fd`, unless /dev/null cannot be opened.
      guard open("/dev/null", O_RDWR) == fd else { return false }
    }
    return true
  }

  /// A write past the file size limit then fails with EFBIG instead of killing the process.
  static func ignoreFileSizeLimitSignal() { signal(SIGXFSZ, SIG_IGN) }

  /// A write to a pipe whose reader went away then fails with EPIPE instead of killing the process.
  static func ignoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN) }

  static func exit(_ status: Int32) -> Never { Glibc.exit(status) }

  /// Whether `path` is a file this process may run.
  static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

  /// Starts a program (the pager, git): `arguments[0]` is looked up in PATH
  /// unless it holds a slash. Standard input and output are the descriptors
  /// given, or /dev/null; standard error is kept, or /dev/null when `quiet`.
  /// The descriptors in `closing` are closed in the child (a pipe's other
  /// end). `environment` nil: the process's own.
  /// - Returns: the child's pid, or nil when it could not be started.
  static func spawn(
    _ arguments: [String], environment: [String: String]? = nil, input: Int32?, output: Int32?, quiet: Bool,
    closing: [Int32]
  ) -> ProcessID? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let input { posix_spawn_file_actions_adddup2(&actions, input, 0) } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    if let output { posix_spawn_file_actions_adddup2(&actions, output, 1) } else {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    if quiet { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
    for fd in closing { posix_spawn_file_actions_addclose(&actions, fd) }
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    let variables: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer {
      for pointer in argv { free(pointer) }
      for pointer in variables ?? [] { free(pointer) }
    }
    var pid = pid_t()
    let spawned = variables.map { posix_spawnp(&pid, arguments[0], &actions, nil, argv, $0) }
      ?? posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
    return spawned == 0 ? pid : nil
  }

  /// Waits for a child to end.
  /// - Returns: whether it exited with status 0.
  @discardableResult
  static func waitForExit(_ pid: ProcessID) -> Bool {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // Exited (low 7 bits 0) with status 0.
    return status & 0x7f == 0 && (status >> 8) & 0xff == 0
  }
}

/// Reads all of standard input (for `add --stdin` and `import -`).
/// - Parameter lines: input of lines (every format but a JSON document, which may be minified on one).
func readStandardInput(lines: Bool = true) throws(LogError) -> [UInt8] {
  do { return try FileDescriptor.standardInput.readAll(longestLine: lines ? PlainFile.longestLine : nil) } catch {
    if error == .fileTooLarge { throw PlainFile.lineTooLong("standard input") }
    throw LogError(.ioError, "cannot read standard input: \(error)")
  }
}

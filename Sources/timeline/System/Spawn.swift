#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Starts a program for the CLI (the pager, git): `arguments[0]` is looked up
/// in PATH unless it holds a slash. Standard input and output are the
/// descriptors given, or /dev/null; standard error is kept, or /dev/null when
/// `quiet`. The descriptors in `closing` are closed in the child (a pipe's
/// other end). `environment` nil: the process's own.
/// - Returns: the child's pid, or nil when it could not be started.
func spawn(
  _ arguments: [String], environment: [String: String]? = nil, input: Int32?, output: Int32?, quiet: Bool,
  closing: [Int32]
) -> pid_t? {
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

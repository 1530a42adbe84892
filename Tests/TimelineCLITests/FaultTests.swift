import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

// Faults (issue 5): a write the file system refuses part-way, read-only files,
// folders and file systems, permission denied, a missing parent folder, a full
// disk, a lock held past the timeout. Each exits with its sysexits code and a
// clear message, and leaves every log byte as it was (no partial line, no
// rollback record).

/// What this machine lets a test do to provoke a fault.
enum Privileges {
  /// Root ignores file permissions, so permission tests run the binary as `nobody`.
  static let isRoot = geteuid() == 0
  /// `setpriv` can drop to uid/gid 65534 and run the binary there (only
  /// meaningful as root; the build folder must be reachable by nobody).
  static let canDropToNobody: Bool = {
    guard isRoot else { return false }
    return (try? shell("setpriv --reuid=65534 --regid=65534 --clear-groups \(timelineBinary) --version").status) == 0
  }()
  /// Permissions are enforced for the binary under test: as a normal user, or as root dropping to nobody.
  static let permissionsEnforced = !isRoot || canDropToNobody
  /// A private mount namespace with tmpfs and read-only bind mounts (root with CAP_SYS_ADMIN).
  static let canMount: Bool = {
    let probe = #"d=$(mktemp -d) && unshare -m sh -c "mount -t tmpfs -o size=16k tmpfs $d && mount --bind -o ro $d $d"; s=$?; rmdir $d; exit $s"#
    return (try? shell(probe).status) == 0
  }()
}

/// The command prefix that runs the binary with permissions enforced.
private var unprivileged: String { Privileges.isRoot ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "" }

/// A log file with two events, and a batch of `count` events (about 330 bytes each) for `add --stdin`.
private func seededLog(_ dir: String, name: String = "log.jsonl") throws -> String {
  let log = dir + "/" + name
  for org in ["acme", "globex"] {
    let result = try timeline(["--log", log, "add", "report", "--date", "2025-12-01", "--org", org, "--source-title", "t"])
    #expect(result.status == 0, "\(result.stderr)")
  }
  return log
}

private func batch(_ count: Int, tag: String = "b") -> String {
  (0..<count).map { #"{"date":"2025-12-02","kind":"report","org":"acme","attrs":{"i":\#($0)},"note":"\#(tag) \#(String(repeating: "x", count: 280))"}"# }
    .joined(separator: "\n") + "\n"
}

/// Writes `text` to a file and returns its path.
private func file(_ dir: String, _ name: String, _ text: String) throws -> String {
  let path = dir + "/" + name
  try text.write(toFile: path, atomically: false, encoding: .utf8)
  return path
}

@Test func fileSizeLimitMidBatchExits74AndUndoesThePartialWrite() throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    let input = try file(dir, "batch.in", batch(2000))  // ~660 KB, past a 64 KB limit part-way
    let before = snapshot(log)
    // sh's ulimit -f counts 512- or 1024-byte blocks: either way the log fits and the batch does not.
    let result = try shell("ulimit -f 128 && exec \(timelineBinary) --log \(log) add --stdin < \(input)")
    #expect(result.status == 74)
    #expect(result.stderr.contains("File too large"))
    #expect(result.stderr.contains("nothing was written"))
    #expect(result.stdout.isEmpty)
    #expect(snapshot(log) == before)
    #expect(!FileManager.default.fileExists(atPath: log + ".rollback"))
    #expect(try timeline(["--log", log, "check"]).status == 0)
  }
}

/// With no room for even the rollback record (ulimit -f 0), a batch fails
/// before it starts: 74, no record left behind, the log as it was.
@Test func noRoomForTheRollbackRecordExits74AndLeavesNoRecord() throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    let input = try file(dir, "batch.in", batch(3))
    let before = snapshot(dir)
    // Through a pipe: the limit would also stop the message written to a file.
    let result = try shell("(ulimit -f 0; \(timelineBinary) --log \(log) add --stdin < \(input); echo \"exit $?\") 2>&1 | cat")
    #expect(result.stdout.contains("exit 74"), "\(result.stdout)")
    #expect(result.stdout.contains("cannot write the rollback record"))
    #expect(result.stdout.contains("nothing was written"))
    #expect(snapshot(dir) == before)
  }
}

@Test func fileSizeLimitOnASingleAddExits74AndLeavesNoPartialLine() throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    let before = snapshot(log)
    let note = String(repeating: "n", count: 100_000)
    let result = try shell("ulimit -f 8 && exec \(timelineBinary) --log \(log) add report --date 2025 --org a --note \(note)")
    #expect(result.status == 74)
    #expect(result.stderr.contains("ulimit -f"))
    #expect(snapshot(log) == before)
  }
}

@Test(.enabled(if: Privileges.canMount, "needs unshare -m and mount (root with CAP_SYS_ADMIN)"))
func diskFullExits74AndLeavesTheLogAsItWas() throws {
  try withTemporaryDirectory { dir in
    let input = try file(dir, "batch.in", batch(400))  // ~130 KB on a 64 KB file system
    let mnt = dir + "/mnt"
    try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
    let result = try shell(#"""
      unshare -m sh -c '
        mount -t tmpfs -o size=64k tmpfs \#(mnt) || exit 99
        \#(timelineBinary) --log \#(mnt)/log.jsonl add report --date 2025 --org a --source-title t > /dev/null || exit 98
        before=$(sha256sum < \#(mnt)/log.jsonl)
        \#(timelineBinary) --log \#(mnt)/log.jsonl add --stdin < \#(input); status=$?
        after=$(sha256sum < \#(mnt)/log.jsonl)
        [ "$before" = "$after" ] || { echo "log changed" >&2; exit 97; }
        [ ! -e \#(mnt)/log.jsonl.rollback ] || { echo "rollback record left" >&2; exit 96; }
        \#(timelineBinary) --log \#(mnt)/log.jsonl check > /dev/null || exit 95
        exit $status'
      """#)
    #expect(result.status == 74, "\(result.stderr)")
    #expect(result.stderr.contains("No space left on device"))
    #expect(result.stderr.contains("nothing was written"))
  }
}

@Test(.enabled(if: Privileges.canMount, "needs unshare -m and mount (root with CAP_SYS_ADMIN)"))
func readOnlyFileSystemExits73AndChangesNothing() throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    let before = snapshot(dir)
    let result = try shell(#"""
      unshare -m sh -c '
        mount --bind -o ro \#(dir) \#(dir) || exit 99
        \#(timelineBinary) --log \#(log) add report --date 2025 --org a; echo "add $?" >&2
        printf "{\"date\":\"2025\",\"kind\":\"report\",\"org\":\"a\"}\n{\"date\":\"2025\",\"kind\":\"report\",\"org\":\"b\"}\n" | \#(timelineBinary) --log \#(log) add --stdin; echo "stdin $?" >&2
        \#(timelineBinary) --log \#(dir)/new add report --date 2025 --org a; echo "new $?" >&2
        \#(timelineBinary) --log \#(log) state --json > /dev/null; echo "state $?" >&2
        \#(timelineBinary) --log \#(log) check --repair > /dev/null; echo "clean repair $?" >&2
        printf "{\"id\":\"x\"" >> \#(log) 2>/dev/null; echo "still read-only $?" >&2'
      """#)
    #expect(result.stderr.contains("add 73"), "\(result.stderr)")
    #expect(result.stderr.contains("stdin 73"))
    #expect(result.stderr.contains("new 73"))
    #expect(result.stderr.contains("state 0"))
    // Nothing to repair: check --repair only checks, even on a read-only file system.
    #expect(result.stderr.contains("clean repair 0"))
    #expect(!result.stderr.contains("still read-only 0"))
    #expect(result.stderr.contains("Read-only file system"))
    #expect(snapshot(dir) == before)
  }
}

@Test(.enabled(if: Privileges.permissionsEnforced, "running as root, and setpriv cannot run the binary as nobody: permissions would not be enforced"))
func readOnlyFileExits73AndChangesNothing() throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    chmod(dir, 0o777)
    chmod(log, 0o444)
    let before = snapshot(dir)
    let result = try shell("\(unprivileged)\(timelineBinary) --log \(log) add report --date 2025 --org a")
    #expect(result.status == 73)
    #expect(result.stderr.contains("cannot open \(log) for appending: Permission denied"))
    #expect(result.stderr.contains("check the permissions"))
    #expect(snapshot(dir) == before)
    // Reading a read-only log works, and check --repair with nothing to repair only checks.
    #expect(try shell("\(unprivileged)\(timelineBinary) --log \(log) log --json").status == 0)
    #expect(try shell("\(unprivileged)\(timelineBinary) --log \(log) check --repair").status == 0)
    #expect(snapshot(dir) == before)
  }
}

@Test(.enabled(if: Privileges.permissionsEnforced, "running as root, and setpriv cannot run the binary as nobody: permissions would not be enforced"))
func readOnlyFolderExits73ForANewFileAndForABatchAndChangesNothing() throws {
  try withTemporaryDirectory { dir in
    // An empty read-only folder log: log.jsonl cannot be created.
    let empty = dir + "/empty"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
    chmod(empty, 0o555)
    // A read-only folder whose log.jsonl is writable: a single add fits in the
    // file, but a batch needs its rollback record beside it, so it is refused whole.
    let folder = dir + "/folder"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    let log = try seededLog(folder)
    chmod(log, 0o666)
    chmod(folder, 0o555)
    let input = try file(dir, "batch.in", batch(3))
    chmod(dir, 0o755)
    let before = snapshot(dir)
    let created = try shell("\(unprivileged)\(timelineBinary) --log \(empty) add report --date 2025 --org a")
    #expect(created.status == 73)
    #expect(created.stderr.contains("Permission denied"))
    let batched = try shell("\(unprivileged)\(timelineBinary) --log \(folder) add --stdin < \(input)")
    #expect(batched.status == 73)
    #expect(batched.stderr.contains("rollback record"))
    #expect(batched.stderr.contains("nothing was written"))
    #expect(snapshot(dir) == before)
  }
}

@Test(.enabled(if: Privileges.permissionsEnforced, "running as root, and setpriv cannot run the binary as nobody: permissions would not be enforced"))
func permissionDeniedOnReadingExits66AndOnWritingExits73() throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    chmod(dir, 0o755)
    chmod(log, 0o600)  // someone else's private log
    let before = snapshot(dir)
    let read = try shell("\(unprivileged)\(timelineBinary) --log \(log) state")
    #expect(read.status == 66)
    #expect(read.stderr.contains("Permission denied"))
    let write = try shell("\(unprivileged)\(timelineBinary) --log \(log) add report --date 2025 --org a")
    #expect(write.status == 73)
    #expect(write.stderr.contains("Permission denied"))
    // A torn tail to repair in a log we may read but not write: 73, nothing changed.
    chmod(log, 0o644)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"id":"torn"#.utf8))
    try handle.close()
    let torn = snapshot(dir)
    let repair = try shell("\(unprivileged)\(timelineBinary) --log \(log) check --repair")
    #expect(repair.status == 73)
    #expect(repair.stderr.contains("cannot open \(log) to repair it: Permission denied"))
    #expect(snapshot(dir) == torn)
  }
}

@Test(arguments: ["missing/log.jsonl", "missing/folder", "missing/deeper/log.jsonl"])
func missingParentFolderExits73AndCreatesNothing(path: String) throws {
  try withTemporaryDirectory { dir in
    let result = try timeline(["--log", dir + "/" + path, "add", "report", "--date", "2025", "--org", "a"])
    #expect(result.status == 73)
    #expect(result.stderr.contains("does not exist; create it first (mkdir -p"))
    #expect(snapshot(dir).isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }
}

/// A log named inside a file is not a missing folder to make: the message
/// says the parent is no folder (mkdir -p would fail), for add and init.
@Test(arguments: [["add", "report", "--date", "2025", "--org", "a"], ["init"]])
func aLogInsideAFileSaysItsParentIsNoFolder(command: [String]) throws {
  try withTemporaryDirectory { dir in
    try writeLines(["not a folder"], to: dir + "/base.jsonl")
    let before = snapshot(dir)
    let path = dir + "/base.jsonl/inner"
    let result = try timeline(command == ["init"] ? ["init", path] : ["--log", path] + command)
    #expect(result.status == 73, "\(result.stderr)")
    #expect(result.stderr.contains("\(dir)/base.jsonl is not a folder"), "\(result.stderr)")
    #expect(!result.stderr.contains("mkdir -p"), "\(result.stderr)")
    #expect(snapshot(dir) == before)
  }
}

@Test(arguments: [false, true])
func lockHeldPastTheTimeoutExits75AndChangesNothing(folder: Bool) throws {
  try withTemporaryDirectory { dir in
    let log = folder ? dir + "/folder" : dir + "/log.jsonl"
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "a"]).status == 0)
    let file = folder ? log + "/log.jsonl" : log
    let before = snapshot(dir)
    // Another process holds the exclusive lock (flock is per open file, so this test process will do).
    let fd = open(file, O_RDONLY)
    #expect(fd >= 0)
    defer { close(fd) }
    #expect(flock(fd, LOCK_EX) == 0)
    let started = Date()
    let add = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "a"], environment: ["TIMELINE_LOCK_TIMEOUT": "0.5"])
    let waited = Date().timeIntervalSince(started)
    #expect(add.status == 75)
    #expect(add.stderr.contains("is locked by another"))
    #expect(add.stderr.contains("waited 0.5 s"))
    #expect(waited >= 0.5 && waited < 5)
    let batch = try timeline(["--log", log, "add", "--stdin"], stdin: batch(2), environment: ["TIMELINE_LOCK_TIMEOUT": "0.2"])
    #expect(batch.status == 75)
    let query = try timeline(["--log", log, "state"], environment: ["TIMELINE_LOCK_TIMEOUT": "0.2"])
    #expect(query.status == 75)
    #expect(snapshot(dir) == before)
    // Once the lock is released, the same add succeeds.
    flock(fd, LOCK_UN)
    #expect(try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "a"]).status == 0)
  }
}

@Test(arguments: ["nan", "inf", "-1", "ten", "1e400"])
func lockTimeoutThatIsNotANumberOfSecondsIsAUsageError(value: String) throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    let before = snapshot(log)
    let result = try timeline(["--log", log, "state"], environment: ["TIMELINE_LOCK_TIMEOUT": value])
    #expect(snapshot(log) == before)
    #expect(result.status == 64)
    #expect(result.stderr.contains("TIMELINE_LOCK_TIMEOUT"))
  }
}

/// A FIFO would block a reader forever and /dev/zero would fill its memory:
/// a log must be a regular file or a folder. `timeout` turns a hang into 124.
@Test func aLogThatIsNotARegularFileIsRefusedWithoutHanging() throws {
  try withTemporaryDirectory { dir in
    #expect(mkfifo(dir + "/fifo.jsonl", 0o644) == 0)
    for log in [dir + "/fifo.jsonl", "/dev/zero"] {
      let query = try shell("timeout 20 \(timelineBinary) --log \(log) log")
      #expect(query.status == 66, "\(log): \(query.stderr)")
      #expect(query.stderr.contains("not a regular file or a folder"))
      let add = try shell("timeout 20 \(timelineBinary) --log \(log) add report --date 2025 --org a")
      #expect(add.status == 73, "\(log): \(add.stderr)")
      // Reading the log to find a target is reading: 66, not "no such event"
      // (65) as if the log were empty.
      let reading = try shell("timeout 20 \(timelineBinary) --log \(log) add report --date 2025 --org a --supersedes abc")
      #expect(reading.status == 66, "\(log): \(reading.stderr)")
      #expect(reading.stderr.contains("not a regular file or a folder"))
      // A dry run is the real run minus the write (issue 13): the same 73 and message.
      let dry = try shell("timeout 20 \(timelineBinary) --log \(log) add report --date 2025 --org a --dry-run")
      #expect(dry.status == add.status, "\(log): \(dry.stderr)")
      #expect(dry.stderr == add.stderr)
    }
    // In a folder, a FIFO named like a log file is not a log file.
    let folder = dir + "/folder"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    #expect(mkfifo(folder + "/other.jsonl", 0o644) == 0)
    #expect(try shell("timeout 20 \(timelineBinary) --log \(folder) add report --date 2025 --org a").status == 0)
    #expect(try shell("timeout 20 \(timelineBinary) --log \(folder) log").status == 0)
  }
}

/// With standard error closed (a daemon, cron, `2>&-`), the log could be opened
/// as descriptor 2 and the note "cut a torn final line" written into it,
/// making every later query fail. The same for a closed standard output.
@Test(arguments: ["2>&-", ">&-", "<&- >&- 2>&-"])
func closedStandardDescriptorsNeverReceiveTheLog(redirections: String) throws {
  try withTemporaryDirectory { dir in
    let log = try seededLog(dir)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"id":"torn"#.utf8))
    try handle.close()
    let added = try shell("\(timelineBinary) --log \(log) add report --date 2025 --org c --source-title t \(redirections)")
    #expect(added.status == 0)
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "\(check.stdout)")
    #expect(check.stdout.contains("checked 3 events in 1 file: no errors, no warnings"))
  }
}

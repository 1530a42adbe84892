#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The errno of a failed system call, described by `strerror`.
struct Errno: Error, CustomStringConvertible {
  var code: Int32

  static var current: Errno { Errno(code: errno) }

  var description: String { String(cString: strerror(code)) }
}

/// The only place where EventLog calls into libc. Every call retries on EINTR.
enum Sys {
  static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) throws(Errno) -> Int32 {
    while true {
      let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
      if fd >= 0 { return fd }
      if errno != EINTR { throw Errno.current }
    }
  }

  static func close(_ fd: Int32) {
    _ = Glibc.close(fd)
  }

  /// Reads up to `count` bytes; 0 at end of file.
  static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) throws(Errno) -> Int {
    while true {
      let n = Glibc.read(fd, buffer, count)
      if n >= 0 { return n }
      if errno != EINTR { throw Errno.current }
    }
  }

  /// Reads exactly `count` bytes at `offset`, or fewer at end of file.
  static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int64) throws(Errno) -> Int {
    var done = 0
    while done < count {
      let n = Glibc.pread(fd, buffer + done, count - done, off_t(offset) + off_t(done))
      if n == 0 { break }
      if n < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      done += n
    }
    return done
  }

  /// Writes the whole buffer, looping over partial writes.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
    var done = 0
    while done < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      done += n
    }
  }

  /// Writes the whole array.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
    let result: Result<Void, Errno> = bytes.withUnsafeBytes { raw in
      do throws(Errno) { try writeAll(fd, raw); return .success(()) } catch { return .failure(error) }
    }
    try result.get()
  }

  static func fsync(_ fd: Int32) throws(Errno) {
    while Glibc.fsync(fd) != 0 {
      if errno != EINTR { throw Errno.current }
    }
  }

  static func ftruncate(_ fd: Int32, _ length: Int64) throws(Errno) {
    while Glibc.ftruncate(fd, off_t(length)) != 0 {
      if errno != EINTR { throw Errno.current }
    }
  }

  static func size(_ fd: Int32) throws(Errno) -> Int64 {
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw Errno.current }
    return Int64(info.st_size)
  }

  /// What identifies a file's state: which file, its size, when it last changed.
  static func stamp(_ fd: Int32) throws(Errno) -> FileStamp {
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw Errno.current }
    return FileStamp(
      device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
      changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
  }

  enum FileType { case missing, file, directory, other }

  /// Whether anything, a dangling symlink included, has that name.
  static func nameExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Whether an open descriptor is a regular file.
  static func isRegularFile(_ fd: Int32) -> Bool {
    var info = stat()
    return fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
  }

  static func type(of path: String) -> FileType {
    var info = stat()
    guard stat(path, &info) == 0 else { return .missing }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .directory
    default: return .other
    }
  }

  /// Takes a `flock`, waiting up to `timeout` seconds.
  /// - Returns: false if another process held it for the whole time.
  static func lock(_ fd: Int32, exclusive: Bool, timeout: Double) throws(Errno) -> Bool {
    let operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
    var waited = 0.0
    var pause = 0.001
    while true {
      if flock(fd, operation) == 0 { return true }
      let error = errno
      if error == EINTR { continue }
      guard error == EWOULDBLOCK else { throw Errno(code: error) }
      if waited >= timeout { return false }
      usleep(useconds_t(pause * 1_000_000))
      waited += pause
      pause = min(pause * 2, 0.05)
    }
  }

  /// The absolute path with every symlink resolved, or nil (missing, or not UTF-8).
  static func realPath(_ path: String) -> String? {
    guard let resolved = Glibc.realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(validatingCString: resolved)
  }

  static func mkdir(_ path: String) throws(Errno) {
    guard Glibc.mkdir(path, 0o755) == 0 || errno == EEXIST else { throw Errno.current }
  }

  static func unlink(_ path: String) throws(Errno) {
    guard Glibc.unlink(path) == 0 || errno == ENOENT else { throw Errno.current }
  }

  /// Gives the file at `old` the name `new` too; EEXIST when `new` is taken.
  static func link(_ old: String, _ new: String) throws(Errno) {
    guard Glibc.link(old, new) == 0 else { throw Errno.current }
  }

  /// Renames `old` to `new`, replacing it.
  static func rename(_ old: String, _ new: String) throws(Errno) {
    guard Glibc.rename(old, new) == 0 else { throw Errno.current }
  }

  /// Makes a directory entry change (a created or removed file) durable.
  static func fsyncDirectory(_ path: String) {
    guard let fd = try? open(path, O_RDONLY | O_DIRECTORY) else { return }
    _ = Glibc.fsync(fd)
    close(fd)
  }

  /// The names in a directory, sorted.
  static func list(_ path: String) throws(Errno) -> [String] {
    guard let dir = opendir(path) else { throw Errno.current }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  // MARK: - Relative to a folder descriptor (the cache folder), never following a symlink

  /// The `stat` of an open descriptor.
  static func info(_ fd: Int32) throws(Errno) -> stat {
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw Errno.current }
    return info
  }

  /// The `lstat` of a name in a folder: a symlink is described, not followed.
  static func info(at dir: Int32, _ name: String) throws(Errno) -> stat {
    var info = stat()
    guard fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw Errno.current }
    return info
  }

  /// The `lstat` of a path.
  static func linkInfo(_ path: String) throws(Errno) -> stat {
    var info = stat()
    guard lstat(path, &info) == 0 else { throw Errno.current }
    return info
  }

  /// Opens a name inside the folder `dir`, never through a symlink
  /// (`O_NOFOLLOW`) and never blocking on a FIFO (`O_NONBLOCK`, cleared again).
  static func open(at dir: Int32, _ name: String, _ flags: Int32, _ mode: mode_t = 0o644) throws(Errno) -> Int32 {
    while true {
      let fd = Glibc.openat(dir, name, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, mode)
      if fd >= 0 {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
      }
      if errno != EINTR { throw Errno.current }
    }
  }

  static func mkdir(at dir: Int32, _ name: String) throws(Errno) {
    guard Glibc.mkdirat(dir, name, 0o755) == 0 || errno == EEXIST else { throw Errno.current }
  }

  /// Removes a name (a file, or a symlink itself) from the folder `dir`.
  static func unlink(at dir: Int32, _ name: String) throws(Errno) {
    guard Glibc.unlinkat(dir, name, 0) == 0 || errno == ENOENT else { throw Errno.current }
  }

  static func rename(at dir: Int32, _ from: String, _ to: String) throws(Errno) {
    guard Glibc.renameat(dir, from, dir, to) == 0 else { throw Errno.current }
  }

  /// The names in an open folder, sorted.
  static func list(_ dir: Int32) throws(Errno) -> [String] {
    let copy = dup(dir)
    guard copy >= 0 else { throw Errno.current }
    guard let stream = fdopendir(copy) else {
      let error = Errno.current
      Glibc.close(copy)
      throw error
    }
    defer { closedir(stream) }
    rewinddir(stream)
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  static var effectiveUser: uid_t { geteuid() }

  /// Reads a whole file in as few reads as its size allows.
  static func readFile(_ path: String) throws(Errno) -> [UInt8] {
    let fd = try open(path, O_RDONLY)
    defer { close(fd) }
    let size = Int(try self.size(fd))
    var failure: Errno?
    let result = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      count = 0
      guard let base = buffer.baseAddress else { return }
      do throws(Errno) { count = try pread(fd, base, size, 0) } catch { failure = error }
    }
    if let failure { throw failure }
    return result
  }

  /// Reads a whole small file.
  static func readSmallFile(_ path: String) throws(Errno) -> [UInt8] {
    let fd = try open(path, O_RDONLY)
    defer { close(fd) }
    return try readAll(fd)
  }

  /// Reads a descriptor to its end, whatever its size is known to be (a pipe).
  static func readAll(_ fd: Int32) throws(Errno) -> [UInt8] {
    var result: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let n = try read(fd, chunk.baseAddress!, chunk.count)
      if n == 0 { return result }
      result.append(contentsOf: chunk[..<n])
    }
  }
}

/// Reads all of standard input (for `add --stdin`).
public func readStandardInput() throws(LogError) -> [UInt8] {
  do { return try Sys.readAll(0) } catch { throw LogError(.ioError, "cannot read standard input: \(error)") }
}

/// A file's identity, size and change times (nanoseconds), as `fstat` gives them.
struct FileStamp: Hashable {
  var device: UInt64
  var inode: UInt64
  var size: Int64
  var modified: Int64
  var changed: Int64
}

// MARK: - Waiting for a log to change (export --follow)

/// Set by the handler of SIGINT, SIGTERM and SIGHUP while following a log.
nonisolated(unsafe) private var stopSignal: sig_atomic_t = 0

extension Sys {
  /// Makes SIGINT, SIGTERM and SIGHUP set a flag (read by `stopRequested`)
  /// instead of killing the process, and SIGPIPE be ignored (a write to a
  /// closed pipe then fails with EPIPE), so that a follower ends cleanly.
  static func catchStopSignals() {
    for number in [SIGINT, SIGTERM, SIGHUP] {
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in stopSignal = 1 }
      #else
        action.__sigaction_u.__sa_handler = { _ in stopSignal = 1 }
      #endif
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0  // no SA_RESTART: a wait returns at once
      sigaction(number, &action, nil)
    }
    signal(SIGPIPE, SIG_IGN)
    // A parent may have started this process with them blocked (they would then never arrive).
    var set = sigset_t()
    sigemptyset(&set)
    for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, number) }
    sigprocmask(SIG_UNBLOCK, &set, nil)
  }

  static var stopRequested: Bool { stopSignal != 0 }

  /// An inotify descriptor watching `folders` for files created, written,
  /// renamed in or out and removed, or nil where inotify is missing.
  static func watch(_ folders: [String]) -> Int32? {
    #if os(Linux)
      let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
      guard fd >= 0 else { return nil }
      let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
      for folder in folders where inotify_add_watch(fd, folder, mask) < 0 {
        Glibc.close(fd)
        return nil
      }
      return fd
    #else
      return nil
    #endif
  }

  /// Reads and discards what is queued on a non-blocking descriptor.
  static func drain(_ fd: Int32) {
    var buffer = [UInt8](repeating: 0, count: 8192)
    while buffer.withUnsafeMutableBytes({ Glibc.read(fd, $0.baseAddress!, $0.count) }) > 0 {}
  }

  /// What ended a wait.
  enum Wake { case ready, timeout, interrupted, outputClosed }

  /// Sleeps until `fd` (if any) is readable, `output` reports an error or
  /// hang-up (the reader of a pipe went away), a signal arrives, or `timeout`
  /// seconds pass. Costs nothing while it waits.
  static func wait(for fd: Int32?, output: Int32, timeout: Double) -> Wake {
    var fds = [pollfd(fd: output, events: 0, revents: 0)]
    if let fd { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
    let n = poll(&fds, nfds_t(fds.count), Int32(timeout * 1000))
    if n < 0 { return errno == EINTR ? .interrupted : .timeout }
    if n == 0 { return .timeout }
    if fds[0].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return .outputClosed }
    return .ready
  }

  /// Whether `fd` is a pipe or socket (whose reader can go away).
  static func isPipe(_ fd: Int32) -> Bool {
    guard let info = try? info(fd) else { return false }
    return info.st_mode & S_IFMT == S_IFIFO || info.st_mode & S_IFMT == S_IFSOCK
  }
}

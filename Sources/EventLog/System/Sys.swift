import Glibc
import Synchronization

/// EventLog's edge to the operating system: every libc call of the module is
/// made here (the types it passes, `FileDescriptor`, `Errno`, `FileInfo`, are
/// in FileDescriptor.swift), as swift-system's `Syscalls.swift` does. Calls
/// that can be interrupted by a signal (`open`, `read`, `pread`, `write`,
/// `fsync`, `ftruncate`, `flock`) retry on EINTR; the others either cannot
/// fail with it or report it like any other errno.
@usableFromInline
enum Sys {
  static func open(_ path: String, _ options: OpenOptions, _ mode: mode_t = 0o644) throws(Errno) -> FileDescriptor {
    while true {
      let fd = Glibc.open(path, options.rawValue | O_CLOEXEC, mode)
      if fd >= 0 { return FileDescriptor(rawValue: fd) }
      if errno != EINTR { throw Errno.current }
    }
  }

  static func close(_ fd: FileDescriptor) {
    _ = Glibc.close(fd.rawValue)
  }

  /// Reads up to `count` bytes; 0 at end of file.
  static func read(_ fd: FileDescriptor, _ buffer: UnsafeMutableRawPointer, _ count: Int) throws(Errno) -> Int {
    while true {
      let n = Glibc.read(fd.rawValue, buffer, count)
      if n >= 0 { return n }
      if errno != EINTR { throw Errno.current }
    }
  }

  /// Reads exactly `count` bytes at `offset`, or fewer at end of file.
  static func pread(_ fd: FileDescriptor, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int64) throws(Errno) -> Int {
    var done = 0
    while done < count {
      let n = Glibc.pread(fd.rawValue, buffer + done, count - done, off_t(offset) + off_t(done))
      if n == 0 { break }
      if n < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      done += n
    }
    return done
  }

  /// Writes the whole buffer: retries on EINTR, goes on after a short write,
  /// and throws any other error (the one write-all of the module).
  static func writeAll(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
    var done = 0
    while done < bytes.count {
      let n = Glibc.write(fd.rawValue, bytes.baseAddress! + done, bytes.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      done += n
    }
  }

  /// Writes the whole buffer at `offset`, as `writeAll` writes at the file's position (which it leaves as it was).
  static func pwriteAll(_ fd: FileDescriptor, _ bytes: [UInt8], at offset: Int64) throws(Errno) {
    let result: Result<Void, Errno> = bytes.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let n = Glibc.pwrite(fd.rawValue, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
        if n < 0 {
          if errno == EINTR { continue }
          return .failure(Errno.current)
        }
        done += n
      }
      return .success(())
    }
    try result.get()
  }

  /// Writes the whole array (see the other `writeAll`).
  static func writeAll(_ fd: FileDescriptor, _ bytes: [UInt8]) throws(Errno) { try writeAll(fd, contentsOf: bytes) }

  /// Writes the bytes of an array of plain values (bytes, facts, indices) whole.
  static func writeAll<T>(_ fd: FileDescriptor, contentsOf values: [T]) throws(Errno) {
    let result: Result<Void, Errno> = values.withUnsafeBytes { raw in
      do throws(Errno) { try writeAll(fd, raw); return .success(()) } catch { return .failure(error) }
    }
    try result.get()
  }

  static func fsync(_ fd: FileDescriptor) throws(Errno) {
    while Glibc.fsync(fd.rawValue) != 0 {
      if errno != EINTR { throw Errno.current }
    }
  }

  static func ftruncate(_ fd: FileDescriptor, _ length: Int64) throws(Errno) {
    while Glibc.ftruncate(fd.rawValue, off_t(length)) != 0 {
      if errno != EINTR { throw Errno.current }
    }
  }

  static func size(_ fd: FileDescriptor) throws(Errno) -> Int64 {
    try info(fd).size
  }

  /// What identifies a file's state: which file, its size, when it last changed.
  static func stamp(_ fd: FileDescriptor) throws(Errno) -> FileStamp {
    var info = stat()
    guard fstat(fd.rawValue, &info) == 0 else { throw Errno.current }
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

  /// A file's device and inode, through symlinks (nil: no such file).
  static func identity(of path: String) -> (UInt64, UInt64)? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return (UInt64(info.st_dev), UInt64(info.st_ino))
  }

  /// What a symbolic link points at (nil: not a link, or not UTF-8).
  static func linkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4097)
    let count = readlink(path, &buffer, 4096)
    guard count > 0 else { return nil }
    return String(validating: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Whether an open descriptor is a regular file.
  static func isRegularFile(_ fd: FileDescriptor) -> Bool {
    (try? info(fd))?.kind == .file
  }

  static func type(of path: String) -> FileType {
    var info = stat()
    guard stat(path, &info) == 0 else { return .missing }
    switch FileInfo(info).kind {
    case .file: return .file
    case .directory: return .directory
    default: return .other
    }
  }

  /// Takes a `flock`, waiting up to `timeout` seconds.
  /// - Returns: false if another process held it for the whole time.
  static func lock(_ fd: FileDescriptor, exclusive: Bool, timeout: Double) throws(Errno) -> Bool {
    let operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
    var waited = 0.0
    var pause = 0.001
    while true {
      if flock(fd.rawValue, operation) == 0 { return true }
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

  /// The absolute path of the current folder, or nil (removed, or not UTF-8).
  static func currentDirectory() -> String? {
    guard let path = getcwd(nil, 0) else { return nil }
    defer { free(path) }
    return String(validatingCString: path)
  }

  static func mkdir(_ path: String) throws(Errno) {
    guard Glibc.mkdir(path, 0o755) == 0 || errno == EEXIST else { throw Errno.current }
  }

  /// Removes an empty directory, if it is there and empty.
  static func removeDirectory(_ path: String) { _ = rmdir(path) }

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
    guard let fd = try? open(path, [.readOnly, .directory]) else { return }
    _ = Glibc.fsync(fd.rawValue)
    close(fd)
  }

  /// The names in a directory, sorted.
  static func list(_ path: String) throws(Errno) -> [String] {
    guard let dir = opendir(path) else { throw Errno.current }
    defer { closedir(dir) }
    return names(in: dir)
  }

  /// The names in a folder that end with `suffix`, sorted; a name is made a
  /// String only when it matches, so a folder of thousands costs little, and
  /// the folder is read again only when its modification or change time
  /// moved since this process last read it (an `add` asks several times).
  static func list(_ path: String, endingWith suffix: String) -> [String] {
    var info = stat()
    guard stat(path, &info) == 0 else { return [] }
    let times = [
      Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec), Int64(info.st_ctim.tv_sec), Int64(info.st_ctim.tv_nsec),
      Int64(bitPattern: UInt64(info.st_ino)),
    ]
    let key = path + "\u{0}" + suffix
    if let known = suffixListings.withLock({ $0[key] }), known.times == times { return known.names }
    let names = readNames(path, endingWith: suffix)
    suffixListings.withLock { $0[key] = (times, names) }
    return names
  }

  private static let suffixListings = Mutex<[String: (times: [Int64], names: [String])]>([:])

  private static func readNames(_ path: String, endingWith suffix: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    let tail = Array(suffix.utf8)
    var names: [String] = []
    while let entry = readdir(dir) {
      withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: UInt8.self, capacity: Int(NAME_MAX) + 1) { name in
          let count = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
          guard count >= tail.count, memcmp(name + count - tail.count, tail, tail.count) == 0 else { return }
          names.append(String(decoding: UnsafeBufferPointer(start: name, count: count), as: UTF8.self))
        }
      }
    }
    return names.sorted()
  }

  private static func names(in stream: OpaquePointer) -> [String] {
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// This process's id (temporary file names carry it).
  static var processID: Int32 { getpid() }

  static var effectiveUser: UInt32 { UInt32(geteuid()) }

  /// The running program's size and modification time in nanoseconds (from
  /// `/proc/self/exe`), or nil where it cannot be looked at.
  static func programFile() -> (size: Int64, modified: Int64)? {
    var info = stat()
    guard stat("/proc/self/exe", &info) == 0 else { return nil }
    return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
  }

  // MARK: - Relative to a folder descriptor (the cache folder), never following a symlink

  /// The `fstat` of an open descriptor.
  static func info(_ fd: FileDescriptor) throws(Errno) -> FileInfo {
    var info = stat()
    guard fstat(fd.rawValue, &info) == 0 else { throw Errno.current }
    return FileInfo(info)
  }

  /// The `lstat` of a name in a folder: a symlink is described, not followed.
  static func info(at dir: FileDescriptor, _ name: String) throws(Errno) -> FileInfo {
    var info = stat()
    guard fstatat(dir.rawValue, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw Errno.current }
    return FileInfo(info)
  }

  /// The `lstat` of a path.
  static func linkInfo(_ path: String) throws(Errno) -> FileInfo {
    var info = stat()
    guard lstat(path, &info) == 0 else { throw Errno.current }
    return FileInfo(info)
  }

  /// Opens a name inside the folder `dir`, never through a symlink
  /// (`O_NOFOLLOW`) and never blocking on a FIFO (`O_NONBLOCK`, cleared again).
  static func open(at dir: FileDescriptor, _ name: String, _ options: OpenOptions, _ mode: mode_t = 0o644) throws(Errno)
    -> FileDescriptor
  {
    while true {
      let fd = Glibc.openat(dir.rawValue, name, options.rawValue | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, mode)
      if fd >= 0 {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return FileDescriptor(rawValue: fd)
      }
      if errno != EINTR { throw Errno.current }
    }
  }

  static func mkdir(at dir: FileDescriptor, _ name: String) throws(Errno) {
    guard Glibc.mkdirat(dir.rawValue, name, 0o755) == 0 || errno == EEXIST else { throw Errno.current }
  }

  /// Removes a name (a file, or a symlink itself) from the folder `dir`.
  static func unlink(at dir: FileDescriptor, _ name: String) throws(Errno) {
    guard Glibc.unlinkat(dir.rawValue, name, 0) == 0 || errno == ENOENT else { throw Errno.current }
  }

  static func rename(at dir: FileDescriptor, _ from: String, _ to: String) throws(Errno) {
    guard Glibc.renameat(dir.rawValue, from, dir.rawValue, to) == 0 else { throw Errno.current }
  }

  /// The names in an open folder, sorted.
  static func list(_ dir: FileDescriptor) throws(Errno) -> [String] {
    let copy = dup(dir.rawValue)
    guard copy >= 0 else { throw Errno.current }
    guard let stream = fdopendir(copy) else {
      let error = Errno.current
      Glibc.close(copy)
      throw error
    }
    defer { closedir(stream) }
    rewinddir(stream)
    return names(in: stream)
  }

  // MARK: - Whole files

  /// Reads a whole small file of lines (see `readAll`'s `longestLine`).
  static func readSmallFile(_ path: String, longestLine: Int? = nil) throws(Errno) -> [UInt8] {
    let fd = try open(path, .readOnly)
    defer { close(fd) }
    return try readAll(fd, longestLine: longestLine)
  }

  /// Reads a descriptor to its end, whatever its size is known to be (a pipe).
  /// - Parameter longestLine: when given, a run of more bytes than this
  ///   without a newline stops the read with `Errno.fileTooLarge`: input of
  ///   lines that has none (`/dev/zero`, a binary file) is refused at once,
  ///   rather than filling memory until the process dies.
  static func readAll(_ fd: FileDescriptor, longestLine: Int? = nil) throws(Errno) -> [UInt8] {
    var result: [UInt8] = []
    var sinceNewline = 0
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let n = try read(fd, chunk.baseAddress!, chunk.count)
      if n == 0 { return result }
      if let longestLine {
        let read = UnsafeRawBufferPointer(rebasing: chunk[..<n])
        if let last = read.lastIndex(of: 0x0a) { sinceNewline = n - last - 1 } else { sinceNewline += n }
        if sinceNewline > longestLine { throw Errno.fileTooLarge }
      }
      result.append(contentsOf: chunk[..<n])
    }
  }

  /// Which step of `writeAtomically` failed.
  struct AtomicWriteError: Error {
    enum Step { case create, write, rename }
    var step: Step
    var errno: Errno
  }

  /// Writes the file `name` of the folder `dir` whole or not at all, the one
  /// way every whole file is written: a temporary file beside it,
  /// `NAME.PID.tmp` (with `hidden`, `.NAME.PID.tmp`), created exclusively
  /// and never through a symlink (one left by a dead process of the same pid
  /// is removed first), filled by `fill` (with `writeAll`), fsynced, renamed
  /// over `name` with `renameat`, and the folder fsynced. `sync` false skips
  /// both fsyncs, for a file whose reader checks its own hash. `replacing`
  /// false refuses a taken `name` (step `create`, `Errno.exists`): for a file
  /// whose writer holds a lock that keeps other writers of it out. On any
  /// failure the temporary file is removed and `name` is left as it was.
  static func writeAtomically(
    _ name: String, in dir: FileDescriptor, hidden: Bool = false, sync: Bool = true, replacing: Bool = true,
    _ fill: (FileDescriptor) throws(Errno) -> Void
  ) throws(AtomicWriteError) {
    let temporary = (hidden ? "." : "") + "\(name).\(processID).tmp"
    let options: OpenOptions = [.writeOnly, .create, .exclusive]
    var file: FileDescriptor
    do { file = try open(at: dir, temporary, options) } catch {
      guard error == .exists else { throw AtomicWriteError(step: .create, errno: error) }
      try? unlink(at: dir, temporary)
      do { file = try open(at: dir, temporary, options) } catch { throw AtomicWriteError(step: .create, errno: error) }
    }
    do throws(Errno) {
      defer { close(file) }
      try fill(file)
      if sync { try fsync(file) }
    } catch {
      try? unlink(at: dir, temporary)
      throw AtomicWriteError(step: .write, errno: error)
    }
    if !replacing, (try? info(at: dir, name)) != nil {
      try? unlink(at: dir, temporary)
      throw AtomicWriteError(step: .create, errno: .exists)
    }
    do { try rename(at: dir, temporary, name) } catch {
      try? unlink(at: dir, temporary)
      throw AtomicWriteError(step: .rename, errno: error)
    }
    if sync { _ = Glibc.fsync(dir.rawValue) }
  }

  // MARK: - Memory (the scanner's hot path: inlined, no call overhead over libc's)

  /// The first `byte` among `count` bytes at `base` (libc's `memchr`).
  @inline(__always)
  static func firstByte(_ byte: UInt8, in base: UnsafeRawPointer, count: Int) -> UnsafeRawPointer? {
    UnsafeRawPointer(memchr(base, Int32(byte), count))
  }

  /// The byte order of `count` bytes at `a` and at `b`: negative, zero or
  /// positive (libc's `memcmp`).
  @inlinable @inline(__always)
  static func compareBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Int32 {
    memcmp(a, b, count)
  }
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
      action.__sigaction_handler.sa_handler = { _ in stopSignal = 1 }
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
  static func watch(_ folders: [String]) -> FileDescriptor? {
    let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard fd >= 0 else { return nil }
    let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
    for folder in folders where inotify_add_watch(fd, folder, mask) < 0 {
      Glibc.close(fd)
      return nil
    }
    return FileDescriptor(rawValue: fd)
  }

  /// What a watch reported of an entry of its folder.
  enum WatchReport: Equatable { case written, created, movedIn }

  /// Reads what is queued on a watch (`watch`, non-blocking): the folder's
  /// entries written to (one report per write), created or moved in, by
  /// name, in the order the kernel reported them; nil when reports were lost
  /// (the queue overflowed). The kernel folds a report into an identical one
  /// just before it that is unread: the watch also asks for each close after
  /// writing, so that two appends to one file in a row stay two reports.
  static func watchReports(_ fd: FileDescriptor) -> [(name: String, report: WatchReport)]? {
    var reports: [(name: String, report: WatchReport)] = []
    var lost = false
    let header = MemoryLayout<inotify_event>.size  // wd, mask, cookie, len; then len bytes of name
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd.rawValue, $0.baseAddress!, $0.count) }
      if count <= 0 { break }
      buffer.withUnsafeBytes { bytes in
        var position = 0
        while position + header <= count {
          let mask = bytes.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self)
          let length = Int(bytes.loadUnaligned(fromByteOffset: position + 12, as: UInt32.self))
          let bytesOfName = bytes[(position + header)..<min(count, position + header + length)].prefix { $0 != 0 }
          let name = String(decoding: bytesOfName, as: UTF8.self)
          if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            lost = true
          } else if !name.isEmpty {
            if mask & UInt32(IN_MODIFY) != 0 { reports.append((name, .written)) }
            if mask & UInt32(IN_CREATE) != 0 { reports.append((name, .created)) }
            if mask & UInt32(IN_MOVED_TO) != 0 { reports.append((name, .movedIn)) }
          }
          position += header + length
        }
      }
    }
    return lost ? nil : reports
  }

  /// What ended a wait.
  enum Wake { case ready, timeout, interrupted, outputClosed }

  /// Sleeps until `fd` (if any) is readable, `output` reports an error or
  /// hang-up (the reader of a pipe went away), a signal arrives, or `timeout`
  /// seconds pass. Costs nothing while it waits.
  static func wait(for fd: FileDescriptor?, output: FileDescriptor, timeout: Double) -> Wake {
    var fds = [pollfd(fd: output.rawValue, events: 0, revents: 0)]
    if let fd { fds.append(pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)) }
    let n = poll(&fds, nfds_t(fds.count), Int32(timeout * 1000))
    if n < 0 { return errno == EINTR ? .interrupted : .timeout }
    if n == 0 { return .timeout }
    if fds[0].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return .outputClosed }
    return .ready
  }
}

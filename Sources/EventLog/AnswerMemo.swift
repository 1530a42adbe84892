#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The state of a log's files when they were read: which files, their
/// identity, size and change times. Two reads with equal versions read the
/// same bytes (short of a file rewritten within the same nanosecond).
public struct LogVersion: Sendable, Equatable {
  var files: [String]
  var stamps: [FileStamp]
}

/// Answers already printed for a large log, kept with the version of the log
/// they were computed from: the same query on the same log prints them again
/// without replaying. An answer is kept once its query has been asked twice. Part of the projection cache (`.timeline-cache/answers`),
/// dropped whenever the fact cache is rewritten, and never trusted unless
/// every file of the log is exactly as it was.
public struct AnswerMemo {
  let dir: String
  /// At most this many answers (and as many notes of queries asked) are kept.
  static let capacity = 16

  init(cache: FactCache) {
    dir = parent(of: cache.path) + "/answers"
  }

  public init(store: LogStore) {
    self.init(cache: FactCache(store: store))
  }

  private func file(for query: String) -> String {
    dir + "/" + String(hexString(SHA256.hash(Array(query.utf8))).prefix(24))
  }

  /// Copies the answer to `query` to `output` (a file descriptor), if one
  /// was kept for the log as it is now.
  /// - Returns: whether it did (false: compute the answer).
  public func printAnswer(for query: String, store: LogStore, to output: Int32) -> Bool {
    guard let fd = try? Sys.open(file(for: query), O_RDONLY) else { return false }
    defer { Sys.close(fd) }
    guard let version = try? store.currentVersion() else { return false }
    let header = AnswerMemo.header(query, version)
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1 << 20, header.count), alignment: 16)
    defer { chunk.deallocate() }
    guard let first = try? Sys.pread(fd, chunk.baseAddress!, header.count, 0), first == header.count,
      chunk[..<header.count].elementsEqual(header)
    else { return false }
    var offset = Int64(header.count)
    while true {
      guard let count = try? Sys.pread(fd, chunk.baseAddress!, chunk.count, offset) else { return offset > Int64(header.count) }
      if count == 0 { return true }
      do { try Sys.writeAll(output, UnsafeRawBufferPointer(rebasing: chunk[..<count])) } catch { return true }
      offset += Int64(count)
    }
  }

  /// Whether `query` was asked before (so its answer is worth keeping).
  public func wasAsked(_ query: String) -> Bool {
    Sys.type(of: file(for: query) + ".asked") == .file
  }

  /// Notes that `query` was asked: an answer is kept only when it is asked a
  /// second time, so that one-off queries leave no large files behind.
  public func noteAsked(_ query: String) {
    try? Sys.mkdir(parent(of: dir))
    try? Sys.mkdir(dir)
    if let fd = try? Sys.open(file(for: query) + ".asked", O_WRONLY | O_CREAT | O_TRUNC) { Sys.close(fd) }
  }

  /// Keeps the answer to `query`, computed from the log at `version`.
  public func remember(_ output: [UInt8], for query: String, version: LogVersion) {
    try? Sys.mkdir(parent(of: dir))
    try? Sys.mkdir(dir)
    if let names = try? Sys.list(dir), names.count >= AnswerMemo.capacity * 2 {
      for name in names { try? Sys.unlink(dir + "/" + name) }
    }
    let path = file(for: query)
    let temporary = path + ".\(getpid()).tmp"
    do throws(Errno) {
      let fd = try Sys.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
      defer { Sys.close(fd) }
      try Sys.writeAll(fd, AnswerMemo.header(query, version))
      try Sys.writeAll(fd, output)
    } catch {
      try? Sys.unlink(temporary)
      return
    }
    if rename(temporary, path) != 0 { try? Sys.unlink(temporary) }
  }

  /// Drops every kept answer.
  func forgetAll() {
    guard let names = try? Sys.list(dir) else { return }
    for name in names { try? Sys.unlink(dir + "/" + name) }
  }

  /// What an answer file starts with: the query and the log version, one line each.
  static func header(_ query: String, _ version: LogVersion) -> [UInt8] {
    var text = "timeline answer \(FactCache.version)\n" + query.replacingNewlines + "\n"
    for (file, stamp) in zip(version.files, version.stamps) {
      text += "\(file.replacingNewlines) \(stamp.device) \(stamp.inode) \(stamp.size) \(stamp.modified) \(stamp.changed)\n"
    }
    return Array((text + "\n").utf8)
  }
}

extension String {
  fileprivate var replacingNewlines: String { String(map { $0 == "\n" ? " " : $0 }) }
}

extension LogStore {
  /// The version of the log as it is now (each file looked at under a shared
  /// lock, so that no batch in flight is seen); nil-like failure when a file
  /// has an interrupted batch, whose answer must be computed afresh.
  func currentVersion() throws -> LogVersion {
    var stamps: [FileStamp] = []
    let paths = try files()
    for file in paths {
      let fd = try Sys.open(file, O_RDONLY)
      defer { Sys.close(fd) }
      try lockShared(fd, file: file)
      guard rollbackLength(for: file) == nil else { throw Errno(code: EAGAIN) }
      stamps.append(try Sys.stamp(fd))
    }
    return LogVersion(files: paths, stamps: stamps)
  }
}

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
/// without replaying. An answer is kept once its query has been asked twice.
/// Part of the projection cache (`.timeline-cache/answers`, reached only
/// through `CacheFolder`), dropped whenever the fact cache is rewritten, and
/// never trusted unless every file of the log is exactly as it was and the
/// answer's own FastHash checks out.
public struct AnswerMemo {
  let cache: FactCache
  /// At most this many answers (and as many notes of queries asked) are kept.
  static let capacity = 16
  /// The largest answer kept (the console stops recording past 64 MB).
  static let largest: Int64 = 65 << 20

  init(cache: FactCache) {
    self.cache = cache
  }

  public init(store: LogStore) {
    self.init(cache: FactCache(store: store))
  }

  private func name(for query: String) -> String {
    String(hexString(SHA256.hash(Array(query.utf8))).prefix(24))
  }

  /// The answers folder, if it is there and safe to use (or could be made).
  private func folder(create: Bool) -> CacheFolder? {
    guard case .folder(let top) = cache.folder(create: create),
      case .folder(let answers) = top.subfolder("answers", create: create)
    else { return nil }
    return answers
  }

  /// Why kept answers are not used, when the cache folder is fine but its
  /// `answers` folder is not (a symlink, another user's); for the command to
  /// print once. A refused cache folder is reported by the read instead.
  public var note: String? {
    guard case .folder(let top) = cache.folder(create: false),
      case .refused(let note) = top.subfolder("answers", create: false)
    else { return nil }
    return note
  }

  /// Copies the answer to `query` to `output` (a file descriptor), if one
  /// was kept for the log as it is now and is intact: it is read whole and
  /// its hash checked before a byte is written.
  /// - Returns: whether it did (false: compute the answer).
  public func printAnswer(for query: String, store: LogStore, to output: Int32) -> Bool {
    guard let folder = folder(create: false), let bytes = folder.read(name(for: query), limit: AnswerMemo.largest),
      let version = try? store.currentVersion()
    else { return false }
    let header = AnswerMemo.header(query, version)
    // The header, then "body " and the body's hash in 16 hex digits, then the body.
    let bodyStart = header.count + 22
    guard bytes.count >= bodyStart, bytes[..<header.count].elementsEqual(header),
      bytes[header.count..<header.count + 5].elementsEqual(Array("body ".utf8)), bytes[bodyStart - 1] == 0x0a,
      let sum = UInt64(String(decoding: bytes[(header.count + 5)..<(bodyStart - 1)], as: UTF8.self), radix: 16),
      bytes[bodyStart...].withUnsafeBytes({ FastHash.hash($0) }) == sum
    else { return false }
    bytes[bodyStart...].withUnsafeBytes { raw in
      try? Sys.writeAll(output, raw)  // a failure: the reader went away, nothing more to print
    }
    return true
  }

  /// Whether `query` was asked before (so its answer is worth keeping).
  public func wasAsked(_ query: String) -> Bool {
    folder(create: false)?.hasFile(name(for: query) + ".asked") ?? false
  }

  /// Notes that `query` was asked: an answer is kept only when it is asked a
  /// second time, so that one-off queries leave no large files behind.
  public func noteAsked(_ query: String) {
    folder(create: true)?.touch(name(for: query) + ".asked")
  }

  /// Keeps the answer to `query`, computed from the log at `version`.
  public func remember(_ output: [UInt8], for query: String, version: LogVersion) {
    guard let folder = folder(create: true) else { return }
    if folder.names().count >= AnswerMemo.capacity * 2 { AnswerMemo.forget(in: folder) }
    var head = AnswerMemo.header(query, version)
    let sum = String(FastHash.hash(output), radix: 16)
    head += Array(("body " + String(repeating: "0", count: 16 - sum.count) + sum + "\n").utf8)
    // Not synced: a kept answer torn by a crash fails its hash and is not printed.
    folder.replace(name(for: query), sync: false) { fd throws(Errno) in
      try Sys.writeAll(fd, head)
      try Sys.writeAll(fd, output)
    }
  }

  /// Drops every kept answer of the cache folder `folder` (files of the forms
  /// written here only; a symlinked `answers` folder is left alone).
  static func forgetAll(in folder: CacheFolder) {
    guard case .folder(let answers) = folder.subfolder("answers", create: false) else { return }
    forget(in: answers)
  }

  private static func forget(in answers: CacheFolder) {
    for name in answers.names() where CacheFolder.isOwnName(name) { answers.remove(name) }
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

/// The state of a log's files when they were read: which files, their
/// identity, size and change times. Two reads with equal versions read the
/// same bytes (short of a file rewritten within the same nanosecond).
public struct LogVersion: Sendable, Equatable {
  var files: [String]
  var stamps: [FileStamp]
}

/// Bytes kept in the cache folder (`.timeline-cache/answers`, reached only
/// through `CacheFolder`) under a key the caller gives, with the version of
/// the log they were made from: opaque to EventLog (the CLI keeps printed
/// answers here, see KeptAnswers.swift). Kept bytes are dropped whenever the
/// fact cache is rewritten, and never handed back unless every file of the
/// log is exactly as it was and their own FastHash checks out.
public struct KeptBlobs {
  let cache: FactCache
  /// At most this many blobs (and as many markers) are kept.
  static let capacity = 16
  /// The largest blob kept.
  static let largest: Int64 = 65 << 20

  init(cache: FactCache) {
    self.cache = cache
  }

  public init(store: LogStore) {
    self.init(cache: FactCache(store: store))
  }

  private func name(for key: String) -> String {
    String(hexString(SHA256.hash(Array(key.utf8))).prefix(24))
  }

  /// The blobs' folder, if it is there and safe to use (or could be made).
  private func folder(create: Bool) -> CacheFolder? {
    guard case .folder(let top) = cache.folder(create: create),
      case .folder(let kept) = top.subfolder(CacheFolder.keptFolderName, create: create)
    else { return nil }
    return kept
  }

  /// Why kept blobs are not used, when the cache folder is fine but its
  /// `answers` folder is not (a symlink, another user's); for the command to
  /// print once. A refused cache folder is reported by the read instead.
  public var note: String? {
    guard case .folder(let top) = cache.folder(create: false),
      case .refused(let note) = top.subfolder(CacheFolder.keptFolderName, create: false)
    else { return nil }
    return note
  }

  /// The bytes kept under `key`, if they were kept for the log as it is now
  /// and are intact: read whole and their hash checked.
  public func bytes(for key: String, store: LogStore) -> ArraySlice<UInt8>? {
    guard let folder = folder(create: false), let bytes = folder.read(name(for: key), limit: KeptBlobs.largest),
      let version = try? store.currentVersion()
    else { return nil }
    let header = KeptBlobs.header(key, version)
    // The header, then "body " and the body's hash in 16 hex digits, then the body.
    let bodyStart = header.count + 22
    guard bytes.count >= bodyStart, bytes[..<header.count].elementsEqual(header),
      bytes[header.count..<header.count + 5].elementsEqual(Array("body ".utf8)), bytes[bodyStart - 1] == 0x0a,
      let sum = UInt64(String(decoding: bytes[(header.count + 5)..<(bodyStart - 1)], as: UTF8.self), radix: 16),
      bytes[bodyStart...].withUnsafeBytes({ FastHash.hash($0) }) == sum
    else { return nil }
    return bytes[bodyStart...]
  }

  /// Whether a marker was left under `key` (an empty file `NAME.asked`).
  public func hasMarker(_ key: String) -> Bool {
    folder(create: false)?.hasFile(name(for: key) + ".asked") ?? false
  }

  /// Leaves a marker under `key`.
  public func putMarker(_ key: String) {
    folder(create: true)?.touch(name(for: key) + ".asked")
  }

  /// Keeps `bytes` under `key`, made from the log at `version`.
  public func keep(_ bytes: [UInt8], for key: String, version: LogVersion) {
    guard let folder = folder(create: true) else { return }
    if folder.names().count >= KeptBlobs.capacity * 2 { folder.removeOwnNames() }
    var head = KeptBlobs.header(key, version)
    let sum = String(FastHash.hash(bytes), radix: 16)
    head += Array(("body " + String(repeating: "0", count: 16 - sum.count) + sum + "\n").utf8)
    // Not synced: a blob torn by a crash fails its hash and is not used.
    folder.replace(name(for: key), sync: false) { fd throws(Errno) in
      try Sys.writeAll(fd, head)
      try Sys.writeAll(fd, bytes)
    }
  }

  /// What a blob file starts with: the key and the log version, one line each.
  static func header(_ key: String, _ version: LogVersion) -> [UInt8] {
    var text = "timeline answer \(FactCache.version)\n" + key.replacingNewlines + "\n"
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
      let fd = try Sys.open(file, .readOnly)
      defer { Sys.close(fd) }
      try lockShared(fd, file: file)
      guard rollbackLength(for: file) == nil else { throw Errno.tryAgain }
      stamps.append(try Sys.stamp(fd))
    }
    return LogVersion(files: paths, stamps: stamps)
  }
}

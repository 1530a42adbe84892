/// The cache folder (`.timeline-cache`) or its `answers` subfolder (kept blobs), opened
/// so that nothing outside it can be touched through it: the folder itself
/// is opened with `O_NOFOLLOW | O_DIRECTORY` and must be a real folder owned
/// by the user running `timeline`; every file in it is opened, created,
/// renamed and removed relative to that descriptor (`openat`, `renameat`,
/// `unlinkat`), never through a symlink; and only names of the forms
/// `timeline` writes itself are ever removed.
final class CacheFolder: @unchecked Sendable {
  /// The folder's path, for messages.
  let path: String
  private let fd: FileDescriptor

  private init(path: String, fd: FileDescriptor) {
    self.path = path
    self.fd = fd
  }

  deinit { Sys.close(fd) }

  /// What opening a cache folder found.
  enum Opened {
    case folder(CacheFolder)
    /// Nothing there (and it was not to be created, or could not be).
    case missing
    /// Something there that must not be used; the note says what, for the
    /// user (printed once by the command).
    case refused(note: String)
  }

  /// Opens the folder at `path`, creating it (with its `.gitignore`) when
  /// `create` is set and nothing is there.
  static func open(_ path: String, create: Bool) -> Opened {
    open(path, create: create, top: true) { flags in
      do throws(Errno) { return .success(try Sys.open(path, flags)) } catch { return .failure(error) }
    } make: {
      do throws(Errno) { try Sys.mkdir(path); return true } catch { return false }
    }
  }

  /// Opens the subfolder `name`, with the same checks.
  func subfolder(_ name: String, create: Bool) -> Opened {
    let dir = fd
    return CacheFolder.open(join(path, name), create: create, top: false) { flags in
      do throws(Errno) { return .success(try Sys.open(at: dir, name, flags)) } catch { return .failure(error) }
    } make: {
      do throws(Errno) { try Sys.mkdir(at: dir, name); return true } catch { return false }
    }
  }

  private static func open(
    _ path: String, create: Bool, top: Bool, opening: (OpenOptions) -> Result<FileDescriptor, Errno>, make: () -> Bool
  ) -> Opened {
    var created = false
    var descriptor: FileDescriptor
    switch opening([.readOnly, .directory, .noFollow]) {
    case .success(let fd): descriptor = fd
    case .failure(let error) where error == .noSuchFile:
      guard create, make() else { return .missing }
      created = true
      guard case .success(let fd) = opening([.readOnly, .directory, .noFollow]) else { return .missing }
      descriptor = fd
    case .failure(let error):
      // A symlink gives ELOOP (or ENOTDIR with O_DIRECTORY); a file ENOTDIR.
      if let info = try? Sys.linkInfo(path), info.kind == .symlink {
        return .refused(note: note(path, "it is a symbolic link"))
      }
      if error == .notDirectory || error == .tooManySymlinks { return .refused(note: note(path, "it is not a folder")) }
      return .refused(note: note(path, "cannot open it: \(error)"))
    }
    let folder = CacheFolder(path: path, fd: descriptor)
    guard let info = try? Sys.info(descriptor), info.kind == .directory else {
      return .refused(note: note(path, "it is not a folder"))
    }
    guard info.owner == Sys.effectiveUser else {
      return .refused(note: note(path, "it belongs to another user (uid \(info.owner))"))
    }
    if created { Sys.fsyncDirectory(parent(of: path)) }
    if top { folder.ensureGitignore() }
    return .folder(folder)
  }

  private static func note(_ path: String, _ reason: String) -> String {
    "not using the cache folder \(path): \(reason); the answer is read from the log (remove it, and timeline makes a new one)"
  }

  /// Git ignores the folder's contents (`*` matches the `.gitignore` too), so
  /// `git status` never offers to commit a cache.
  private func ensureGitignore() {
    guard (try? Sys.info(at: fd, ".gitignore")) == nil else { return }
    try? Sys.writeAtomically(".gitignore", in: fd) { file throws(Errno) in try Sys.writeAll(file, Array("*\n".utf8)) }
  }

  // MARK: - Files inside

  /// Opens a regular file for reading (a symlink, a FIFO or a folder is not opened).
  func openForReading(_ name: String) -> FileDescriptor? {
    guard let file = try? Sys.open(at: fd, name, .readOnly) else { return nil }
    guard let info = try? Sys.info(file), info.kind == .file else {
      Sys.close(file)
      return nil
    }
    return file
  }

  /// Reads a whole regular file of at most `limit` bytes.
  func read(_ name: String, limit: Int64) -> [UInt8]? {
    guard let file = openForReading(name) else { return nil }
    defer { Sys.close(file) }
    guard let size = try? Sys.size(file), size <= limit else { return nil }
    // Not zeroed first: every byte is read over, or the array is dropped.
    var complete = false
    let bytes = [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, initialized in
      let count = buffer.baseAddress.map { (try? Sys.pread(file, $0, buffer.count, 0)) ?? -1 } ?? 0
      complete = count == buffer.count
      initialized = complete ? count : 0
    }
    return complete ? bytes : nil
  }

  /// Whether a regular file by this name is here.
  func hasFile(_ name: String) -> Bool {
    guard let info = try? Sys.info(at: fd, name) else { return false }
    return info.kind == .file
  }

  /// Writes `name` whole or not at all (`Sys.writeAtomically`, relative to
  /// this folder's descriptor): `NAME.PID.tmp`, filled by `fill`, fsynced
  /// (unless `sync` is false: a file whose reader checks its own hash),
  /// renamed over `name`, and the folder fsynced.
  /// - Returns: whether the file was replaced.
  @discardableResult
  func replace(_ name: String, sync: Bool = true, _ fill: (FileDescriptor) throws(Errno) -> Void) -> Bool {
    guard CacheFolder.isOwnName(name) else { return false }
    do { try Sys.writeAtomically(name, in: fd, sync: sync, fill) } catch { return false }
    return true
  }

  /// Appends `bytes` to the regular file `name` (created if missing), unless
  /// it already holds `limit` bytes or more, or has another link. No fsync: what is appended here
  /// is a hint.
  func append(_ name: String, _ bytes: [UInt8], limit: Int64) {
    guard CacheFolder.isOwnName(name) else { return }
    guard let file = try? Sys.open(at: fd, name, [.writeOnly, .append, .create]) else { return }
    defer { Sys.close(file) }
    // A second link could be any file of the user's (the log itself): never append to one.
    guard let info = try? Sys.info(file), info.kind == .file, info.links == 1, info.size < limit
    else { return }
    try? Sys.writeAll(file, bytes)
  }

  /// Creates an empty file `name` if none is there.
  func touch(_ name: String) {
    guard CacheFolder.isOwnName(name) else { return }
    if let file = try? Sys.open(at: fd, name, [.writeOnly, .create]) { Sys.close(file) }
  }

  /// Removes `name`, if it is a name of a form `timeline` writes (anything
  /// else is left alone); a symlink by that name is removed itself.
  func remove(_ name: String) {
    guard CacheFolder.isOwnName(name) else { return }
    try? Sys.unlink(at: fd, name)
  }

  /// The names in the folder.
  func names() -> [String] { (try? Sys.list(fd)) ?? [] }

  /// Removes every file of a name `timeline` writes (`isOwnName`); anything else is left.
  func removeOwnNames() {
    for name in names() where CacheFolder.isOwnName(name) { remove(name) }
  }

  /// The subfolder of kept blobs (`KeptBlobs`).
  static let keptFolderName = "answers"

  /// Drops every kept blob (files of the forms written there only; a
  /// symlinked folder is left alone).
  func removeKeptBlobs() {
    guard case .folder(let kept) = subfolder(CacheFolder.keptFolderName, create: false) else { return }
    kept.removeOwnNames()
  }

  // MARK: - Names

  /// Whether `timeline` writes files by this name: a fact cache
  /// (`NAME.facts`), its chain of custody (`NAME.custody`), its replay
  /// index (`NAME.replay`), the mark of the
  /// last `news` (`NAME.news`), the clone's writer name (`writer`), a kept answer (24
  /// lowercase hex digits) and its note of being asked (`.asked`), or the
  /// temporary file of any of them (`.PID.tmp`). Nothing else in a cache
  /// folder is ever removed or replaced.
  static func isOwnName(_ name: String) -> Bool {
    var base = Substring(name)
    if base.hasSuffix(".tmp") {
      base = base.dropLast(4)
      guard let dot = base.lastIndex(of: "."), base.index(after: dot) < base.endIndex,
        base[base.index(after: dot)...].allSatisfy({ $0.isASCII && $0.isNumber })
      else { return false }
      base = base[..<dot]
    }
    guard !base.contains("/"), base != ".", base != ".." else { return false }
    if base == LogStore.writerNameFile { return true }
    for suffix in [".facts", ".custody", ".news", ".replay"] where base.hasSuffix(suffix) {
      return base.count > suffix.count
    }
    if base.hasSuffix(".asked") { base = base.dropLast(6) }
    return base.utf8.count == 24 && base.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }
}

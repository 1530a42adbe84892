/// The per-clone writer name that `timeline init --writer NAME` keeps in the
/// cache folder of a folder log (`.timeline-cache/writer`): git ignores the
/// cache folder, so every clone keeps its own.
extension LogStore {
  /// The name of the file in the cache folder.
  static let writerNameFile = "writer"

  /// Whether the log is a folder (that exists).
  public var isFolder: Bool { Sys.type(of: path) == .directory }

  /// What this clone keeps as its writer name.
  public enum StoredWriter: Equatable, Sendable {
    /// None kept: a file log, no cache folder, or no name in it.
    case none
    /// The name kept (not checked: the caller names the file when it is not a slug).
    case name(String)
    /// A cache folder that is there but not used (a symbolic link, another
    /// user's): whether it keeps a name cannot be known.
    case unreadable
  }

  /// The writer name stored for this clone.
  public func storedWriter() -> StoredWriter {
    guard Sys.type(of: path) == .directory else { return .none }
    let folder: CacheFolder
    switch CacheFolder.open(join(path, LogStore.cacheFolderName), create: false) {
    case .folder(let opened): folder = opened
    case .missing: return .none
    case .refused: return .unreadable
    }
    guard let bytes = folder.read(LogStore.writerNameFile, limit: 256) else { return .none }
    var text = String(decoding: bytes, as: UTF8.self)
    while text.last == "\n" || text.last == "\r" || text.last == " " { text.removeLast() }
    return text.isEmpty ? .none : .name(text)
  }

  /// Stores `name` as this clone's writer of the folder log, creating the cache folder if needed.
  /// - Throws: 73 when the cache folder cannot be made or written.
  public func storeWriter(_ name: String) throws(LogError) {
    let cache = join(path, LogStore.cacheFolderName)
    switch CacheFolder.open(cache, create: true) {
    case .folder(let folder):
      let written = folder.replace(LogStore.writerNameFile) { fd throws(Errno) in try Sys.writeAll(fd, Array((name + "\n").utf8)) }
      if !written { throw LogError(.cannotCreate, "cannot write the writer name to \(join(cache, LogStore.writerNameFile))") }
    case .missing:
      throw LogError(.cannotCreate, "cannot create the cache folder \(cache) to keep the writer name in")
    case .refused(let note):
      throw LogError(.cannotCreate, "cannot keep the writer name: \(note)")
    }
  }
}

extension CheckReport {
  /// Adds warnings found by the command outside the log's bytes (from git's
  /// history), in the log's order with the rest.
  public mutating func addWarnings(_ more: [Finding], files: [String]) {
    warnings = inPlaceOrder(warnings + more, files: files)
  }
}

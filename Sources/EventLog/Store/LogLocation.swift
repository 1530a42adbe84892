/// Where the log is when neither `--log` nor `TIMELINE_LOG` says, found the
/// way git finds its repository.
public enum LogLocation {
  /// The name of the log folder looked for.
  public static let folderName = "events"

  /// What the search found: the log's path, or where it looked in vain.
  public enum Found: Sendable, Equatable {
    /// `./events` (as the relative path `events`) or an `events` folder of a
    /// parent folder (as an absolute path).
    case log(String)
    /// No log: `searched` says which folders were looked in, for a message.
    case none(searched: String)
  }

  /// `./events` when it exists; else the nearest `events` folder of a parent
  /// folder, searching up to and including the first folder that holds `.git`
  /// (or to the root when none does).
  public static func find() -> Found {
    if Sys.type(of: folderName) != .missing { return .log(folderName) }
    guard let start = Sys.currentDirectory() else { return .none(searched: "the current folder") }
    var folder = start
    while true {
      if Sys.type(of: join(folder, ".git")) != .missing {
        return .none(searched: folder == start ? "this folder" : "this folder or a parent up to \(folder), which holds .git")
      }
      guard folder != "/" else { return .none(searched: "this folder or any parent") }
      folder = parent(of: folder)
      let candidate = join(folder, folderName)
      if Sys.type(of: candidate) == .directory { return .log(candidate) }
    }
  }
}

extension LogStore {
  /// The cache folder of a folder log, which git is told to ignore.
  public static let cacheFolderName = ".timeline-cache"

  /// Creates an empty folder log at `path`, with its cache folder holding a
  /// `.gitignore` of `*`.
  /// - Returns: false, changing nothing, when something is already at `path`.
  /// - Throws: 73 when it cannot be created (its parent folder missing, permissions).
  public static func createFolderLog(at path: String) throws(LogError) -> Bool {
    guard Sys.type(of: path) == .missing else { return false }
    let dir = parent(of: path)
    guard Sys.type(of: dir) == .directory else { throw LogStore.noFolderError(path) }
    do throws(Errno) { try Sys.mkdir(path) } catch {
      throw LogError(.cannotCreate, "cannot create the log folder \(path): \(error)")
    }
    // The cache folder with its .gitignore, made the one way every cache folder is.
    guard case .folder = CacheFolder.open(join(path, cacheFolderName), create: true) else {
      // Leave nothing half made: no log was there, and none is.
      let cache = join(path, cacheFolderName)
      try? Sys.unlink(join(cache, ".gitignore"))
      Sys.removeDirectory(cache)
      Sys.removeDirectory(path)
      throw LogError(.cannotCreate, "cannot create the cache folder of the log \(path)")
    }
    Sys.fsyncDirectory(path)
    Sys.fsyncDirectory(dir)
    return true
  }
}

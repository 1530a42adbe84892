/// Files that are not the log: an input read whole (`import FILE`) and an
/// output written atomically (`render -o`, `export -o`). Kept in EventLog so
/// that it stays the only module that touches files.
public enum PlainFile {
  /// Reads a whole file.
  /// - Throws: 66 when it does not exist or cannot be read, 74 on a read error.
  public static func read(_ path: String) throws(LogError) -> [UInt8] {
    switch Sys.type(of: path) {
    case .missing:
      throw LogError(.noInput, "no file at \(path)")
    case .directory:
      throw LogError(.noInput, "\(path) is a folder, not a file")
    default:
      break
    }
    do { return try Sys.readSmallFile(path) } catch {
      throw LogError(error == .permissionDenied ? .noInput : .ioError, "cannot read \(path): \(error)")
    }
  }

  /// Writes `bytes` to `path` so that a reader sees the old file or the whole
  /// new one, never a part (`Sys.writeAtomically`: a temporary file in the
  /// same folder, `fsync`, `rename` over the target, the folder fsynced).
  /// - Throws: 73 when the file cannot be created, 74 on a write error.
  public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(LogError) {
    let dir = parent(of: path)
    guard Sys.type(of: dir) == .directory else {
      throw LogError(.cannotCreate, "cannot write \(path): the folder \(dir) does not exist")
    }
    if Sys.type(of: path) == .directory {
      throw LogError(.cannotCreate, "cannot write \(path): it is a folder")
    }
    // The one atomic writer, relative to the folder: `.NAME.PID.tmp` beside the file.
    let folder: FileDescriptor
    do { folder = try Sys.open(dir, [.readOnly, .directory]) } catch {
      throw LogError(.cannotCreate, "cannot create \(path): \(error)")
    }
    defer { Sys.close(folder) }
    do { try Sys.writeAtomically(baseName(path), in: folder, hidden: true) { fd throws(Errno) in try Sys.writeAll(fd, bytes) } } catch {
      switch error.step {
      case .create: throw LogError(.cannotCreate, "cannot create \(path): \(error.errno)")
      case .write: throw LogError(.ioError, "cannot write \(path): \(error.errno); it was left as it was")
      case .rename: throw LogError(.cannotCreate, "cannot write \(path): \(error.errno)")
      }
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
      throw LogError(error.code == EACCES ? .noInput : .ioError, "cannot read \(path): \(error)")
    }
  }

  /// Writes `bytes` to `path` so that a reader sees the old file or the whole
  /// new one, never a part: a temporary file in the same folder, `fsync`,
  /// then `rename` over the target.
  /// - Throws: 73 when the file cannot be created, 74 on a write error.
  public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(LogError) {
    let dir = parent(of: path)
    guard Sys.type(of: dir) == .directory else {
      throw LogError(.cannotCreate, "cannot write \(path): the folder \(dir) does not exist")
    }
    if Sys.type(of: path) == .directory {
      throw LogError(.cannotCreate, "cannot write \(path): it is a folder")
    }
    let temporary = join(dir, ".\(baseName(path)).tmp-\(getpid())")
    let fd: Int32
    do { fd = try Sys.open(temporary, O_WRONLY | O_CREAT | O_TRUNC) } catch {
      throw LogError(.cannotCreate, "cannot create \(path): \(error)")
    }
    do throws(Errno) {
      defer { Sys.close(fd) }
      try Sys.writeAll(fd, bytes)
      try Sys.fsync(fd)
    } catch {
      try? Sys.unlink(temporary)
      throw LogError(.ioError, "cannot write \(path): \(error); it was left as it was")
    }
    guard Glibc.rename(temporary, path) == 0 else {
      let error = Errno.current
      try? Sys.unlink(temporary)
      throw LogError(.cannotCreate, "cannot write \(path): \(error)")
    }
    Sys.fsyncDirectory(dir)
  }
}

/// Files that are not the log: an input read whole (`import FILE`) and an
/// output written atomically (`render -o`, `export -o`). Kept in EventLog so
/// that it stays the only module that touches files.
public enum PlainFile {
  /// The longest line a file of events may hold (an event is a few KB):
  /// input with a longer run of bytes without a newline is refused at once.
  public static let longestLine = 64 << 20

  /// Reads a whole file; `lines`: a file of lines, none longer than `longestLine`.
  /// - Throws: 66 when it does not exist or cannot be read, 65 when a line
  ///   is too long, 74 on a read error.
  public static func read(_ path: String, lines: Bool) throws(LogError) -> [UInt8] {
    switch Sys.type(of: path) {
    case .missing:
      throw LogError(.noInput, "no file at \(path)")
    case .directory:
      throw LogError(.noInput, "\(path) is a folder, not a file")
    default:
      break
    }
    do { return try Sys.readSmallFile(path, longestLine: lines ? longestLine : nil) } catch {
      if error == .fileTooLarge { throw lineTooLong(path) }
      throw LogError(error == .permissionDenied ? .noInput : .ioError, "cannot read \(path): \(error)")
    }
  }

  /// The refusal of input with a line longer than `longestLine`.
  public static func lineTooLong(_ name: String) -> LogError {
    LogError(.dataError, "\(name) has more than \(longestLine >> 20) MB without a newline: no event is that long, so it is not a file of events (like /dev/zero, or a binary file); nothing was appended")
  }

  /// Writes `bytes` to `path` so that a reader sees the old file or the whole
  /// new one, never a part (`Sys.writeAtomically`: a temporary file in the
  /// same folder, `fsync`, `rename` over the target, the folder fsynced).
  /// - Throws: 73 when the file cannot be created, 74 on a write error.
  public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(LogError) {
    try writeAtomically(to: path) { (write) throws(LogError) in try write(bytes) }
  }

  /// `writeAtomically`, for bytes made as they are written (a long export,
  /// never held whole): `produce` gives them to `write` piece by piece. When
  /// it throws, the file is left as it was and its error is thrown.
  public static func writeAtomically(
    to path: String, _ produce: (_ write: ([UInt8]) throws(LogError) -> Void) throws(LogError) -> Void
  ) throws(LogError) {
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
    var failure: LogError?
    do throws(Sys.AtomicWriteError) {
      try Sys.writeAtomically(baseName(path), in: folder, hidden: true) { (fd) throws(Errno) in
        do throws(LogError) {
          try produce { (bytes) throws(LogError) in
            do { try Sys.writeAll(fd, bytes) } catch {
              throw LogError(.ioError, "cannot write \(path): \(error); it was left as it was")
            }
          }
        } catch {
          failure = error
          throw Errno(code: 5)  // EIO (only stops the write: `failure` is what is reported)
        }
      }
    } catch {
      if let failure { throw failure }
      switch error.step {
      case .create: throw LogError(.cannotCreate, "cannot create \(path): \(error.errno)")
      case .write: throw LogError(.ioError, "cannot write \(path): \(error.errno); it was left as it was")
      case .rename: throw LogError(.cannotCreate, "cannot write \(path): \(error.errno)")
      }
    }
  }
}

import Glibc

/// An open file descriptor: EventLog's file code passes these, never a bare
/// `Int32`, so that a descriptor cannot be mixed up with a count or a line number.
public struct FileDescriptor: Hashable, Sendable {
  public let rawValue: Int32

  public init(rawValue: Int32) { self.rawValue = rawValue }

  public static let standardInput = FileDescriptor(rawValue: 0)
  public static let standardOutput = FileDescriptor(rawValue: 1)
  public static let standardError = FileDescriptor(rawValue: 2)

  /// Writes every byte (the one write-all of the program, which the command
  /// line's output uses too): retries on EINTR, goes on after a short write,
  /// and throws any other error, EPIPE included (the caller decides).
  public func writeAll(_ bytes: [UInt8]) throws(Errno) { try Sys.writeAll(self, bytes) }

  /// Writes every byte of a slice, from its own memory (see the other `writeAll`).
  public func writeAll(_ bytes: ArraySlice<UInt8>) throws(Errno) {
    let result: Result<Void, Errno> = bytes.withUnsafeBytes { raw in
      do throws(Errno) { try Sys.writeAll(self, raw); return .success(()) } catch { return .failure(error) }
    }
    try result.get()
  }

  /// Reads to the end, whatever the size is known to be (a pipe, standard input).
  public func readAll(longestLine: Int? = nil) throws(Errno) -> [UInt8] { try Sys.readAll(self, longestLine: longestLine) }
}

/// How `Sys.open` opens a file (the `O_` flags; `O_CLOEXEC` is always added).
struct OpenOptions: OptionSet, Sendable {
  let rawValue: Int32

  init(rawValue: Int32) { self.rawValue = rawValue }

  static let readOnly = OpenOptions(rawValue: O_RDONLY)
  static let writeOnly = OpenOptions(rawValue: O_WRONLY)
  static let readWrite = OpenOptions(rawValue: O_RDWR)
  static let append = OpenOptions(rawValue: O_APPEND)
  static let create = OpenOptions(rawValue: O_CREAT)
  /// With `create`: fail with `Errno.exists` when the name is taken.
  static let exclusive = OpenOptions(rawValue: O_EXCL)
  static let truncate = OpenOptions(rawValue: O_TRUNC)
  /// Fail (ELOOP) rather than follow a symlink at the last component.
  static let noFollow = OpenOptions(rawValue: O_NOFOLLOW)
  /// Never block opening a FIFO.
  static let nonBlocking = OpenOptions(rawValue: O_NONBLOCK)
  static let directory = OpenOptions(rawValue: O_DIRECTORY)
}

/// The errno of a failed system call, described by `strerror`.
public struct Errno: Error, Equatable, CustomStringConvertible {
  public var code: Int32

  static var current: Errno { Errno(code: errno) }

  public var description: String { String(cString: strerror(code)) }

  /// The reader of a pipe went away (the user quit the pager, `| head` ended).
  public static let brokenPipe = Errno(code: EPIPE)

  static let noSuchFile = Errno(code: ENOENT)
  static let exists = Errno(code: EEXIST)
  static let permissionDenied = Errno(code: EACCES)
  static let notPermitted = Errno(code: EPERM)
  static let readOnlyFileSystem = Errno(code: EROFS)
  public static let fileTooLarge = Errno(code: EFBIG)
  static let noSpace = Errno(code: ENOSPC)
  static let quotaExceeded = Errno(code: EDQUOT)
  static let notDirectory = Errno(code: ENOTDIR)
  static let tooManySymlinks = Errno(code: ELOOP)
  static let tryAgain = Errno(code: EAGAIN)
}

/// What `fstat` or `lstat` says of a file, as much of it as EventLog uses.
struct FileInfo {
  enum Kind { case file, directory, symlink, pipe, socket, other }

  var kind: Kind
  /// The owner's user id.
  var owner: UInt32
  /// How many names (hard links) the file has.
  var links: UInt64
  var size: Int64

  init(_ info: stat) {
    switch info.st_mode & S_IFMT {
    case S_IFREG: kind = .file
    case S_IFDIR: kind = .directory
    case S_IFLNK: kind = .symlink
    case S_IFIFO: kind = .pipe
    case S_IFSOCK: kind = .socket
    default: kind = .other
    }
    owner = UInt32(info.st_uid)
    links = UInt64(info.st_nlink)
    size = Int64(info.st_size)
  }
}

/// A file's identity, size and change times (nanoseconds), as `fstat` gives them.
struct FileStamp: Hashable {
  var device: UInt64
  var inode: UInt64
  var size: Int64
  var modified: Int64
  var changed: Int64
}

/// The mark of the last `news` run on a log from this clone: how much of
/// each file it read, and proof of those bytes, so that the next `news`
/// counts as new exactly the lines after them (DESIGN.md, "What is new, and
/// why"). Kept in the cache folder; a hint, never a source of truth: a
/// missing, damaged or foreign mark means everything is new.
public struct NewsMark: Sendable, Equatable {
  /// What the mark knows of one file of the log.
  public struct File: Sendable, Equatable {
    /// The file's name in the log folder (or the log file's own name).
    public var name: String
    /// The file as `fstat` saw it when the mark was made.
    var stamp: FileStamp
    /// Bytes of whole lines read (the end of the last event's line).
    public var length: Int64
    /// `FastHash` of those bytes.
    var hash: UInt64
  }

  public var files: [File]
  /// When the run that made the mark ran.
  public var written: Timestamp

  static let header = "timeline news mark 1"
}

extension LogStore {
  /// The mark's name in the cache folder: `log.news` inside a folder log,
  /// `NAME.news` beside a file log (named like the fact cache, whose folder
  /// it shares).
  private var newsMarkName: String {
    String(FactCache(store: self).name.dropLast(".facts".count)) + ".news"
  }

  /// The mark of the last `news` run, or nil when there is none or it cannot
  /// be trusted (a cache folder that is refused, damaged bytes, another format).
  public func readNewsMark() -> NewsMark? {
    guard case .folder(let folder) = FactCache(store: self).folder(create: false),
      let bytes = folder.read(newsMarkName, limit: 64 << 20)
    else { return nil }
    return NewsMark.decode(bytes)
  }

  /// Writes the mark whole or not at all, through the cache folder (a
  /// temporary file, fsynced, renamed over it, the folder fsynced).
  /// - Returns: nil when written, else why not (for a note: the next `news`
  ///   will then count everything as new).
  @discardableResult
  public func writeNewsMark(_ mark: NewsMark) -> String? {
    switch FactCache(store: self).folder(create: true) {
    case .missing:
      return "cannot create the cache folder \(FactCache(store: self).folderPath)"
    case .refused(let note):
      return note
    case .folder(let folder):
      let bytes = mark.encoded()
      return folder.replace(newsMarkName) { fd throws(Errno) in try Sys.writeAll(fd, bytes) }
        ? nil : "cannot write \(join(folder.path, newsMarkName))"
    }
  }

  /// Compares the files a table was read from with a mark.
  /// - Parameters:
  ///   - table: the log as just read (`loadFacts`).
  ///   - mark: the previous mark, if any.
  ///   - now: the time of this run, kept in the new mark.
  /// - Returns: per file of the table, the offset at which its new lines
  ///   begin (0 when the mark does not know the file, or the bytes it marked
  ///   changed), and the mark of what the table holds.
  public func newsPositions(_ table: FactTable, since mark: NewsMark?, now: Timestamp) -> (starts: [Int64], next: NewsMark) {
    // The start of each file's last event line.
    var lastOffset = [Int64](repeating: -1, count: table.files.count)
    for fact in table.facts where Int(fact.file) < lastOffset.count {
      if fact.offset > lastOffset[Int(fact.file)] { lastOffset[Int(fact.file)] = fact.offset }
    }
    var marked: [String: NewsMark.File] = [:]
    for file in mark?.files ?? [] { marked[file.name] = file }
    var starts: [Int64] = []
    var next = NewsMark(files: [], written: now)
    for (index, path) in table.files.enumerated() {
      let name = baseName(path)
      let old = marked[name]
      var start: Int64 = 0
      defer { starts.append(start) }
      guard let fd = try? Sys.open(path, .readOnly) else { continue }
      defer { Sys.close(fd) }
      guard let stamp = try? Sys.stamp(fd) else { continue }
      var length: Int64 = 0
      if lastOffset[index] >= 0, let line = try? readLine(of: path, at: lastOffset[index]) {
        length = min(lastOffset[index] + Int64(line.count) + 1, stamp.size)
      }
      if let old, old.stamp == stamp, old.length == length {
        // Not touched since the mark: its bytes are the ones it proved.
        start = old.length
        next.files.append(old)
        continue
      }
      guard let (oldHash, newHash) = hashRegion(fd, upTo: length, checkpoint: old.map(\.length)) else { continue }
      if let old, let oldHash, oldHash == old.hash { start = old.length }
      next.files.append(NewsMark.File(name: name, stamp: stamp, length: length, hash: newHash))
    }
    return (starts, next)
  }

  /// The `FastHash` of a file's first `length` bytes, and of its first
  /// `checkpoint` bytes when that is within the file (nil otherwise), in one
  /// pass; nil when the file cannot be read.
  private func hashRegion(_ fd: FileDescriptor, upTo length: Int64, checkpoint: Int64?) -> (UInt64?, UInt64)? {
    guard let size = try? Sys.size(fd) else { return nil }
    let end = max(length, checkpoint.map { $0 <= size ? $0 : 0 } ?? 0)
    var hasher = FastHash()
    var atCheckpoint: UInt64? = checkpoint == 0 ? hasher.digest() : nil
    var atLength: UInt64? = length == 0 ? hasher.digest() : nil
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var position: Int64 = 0
    while position < end {
      // Stop at the checkpoint and at the length, to take their digests.
      var stop = end
      if let checkpoint, checkpoint > position, checkpoint < stop { stop = checkpoint }
      if length > position, length < stop { stop = length }
      let wanted = Int(min(Int64(buffer.count), stop - position))
      guard let count = try? Sys.pread(fd, buffer.baseAddress!, wanted, position), count == wanted else { return nil }
      hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
      position += Int64(count)
      if position == checkpoint { atCheckpoint = hasher.digest() }
      if position == length { atLength = hasher.digest() }
    }
    guard let atLength else { return nil }
    return (atCheckpoint, atLength)
  }
}

extension NewsMark {
  /// The mark as text: a header, when it was written, a line per file, and a
  /// checksum of everything before it.
  func encoded() -> [UInt8] {
    var out = Array("\(NewsMark.header)\nwritten \(written)\n".utf8)
    for file in files {
      let s = file.stamp
      out += Array("file \(s.device) \(s.inode) \(s.size) \(s.modified) \(s.changed) \(file.length) \(file.hash) ".utf8)
      CanonicalJSON.appendString(file.name, to: &out)
      out.append(0x0a)
    }
    out += Array("check \(FastHash.hash(out))\n".utf8)
    return out
  }

  /// Reads a mark written by `encoded`; nil for anything else.
  static func decode(_ bytes: [UInt8]) -> NewsMark? {
    guard bytes.last == 0x0a else { return nil }
    let lines = bytes.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false)
    guard lines.count >= 3, let checkLine = lines.last else { return nil }
    let check = String(decoding: checkLine, as: UTF8.self)
    let body = Array(bytes[..<(bytes.count - checkLine.count - 1)])
    guard check == "check \(FastHash.hash(body))", String(decoding: lines[0], as: UTF8.self) == header else { return nil }
    let writtenLine = String(decoding: lines[1], as: UTF8.self)
    guard writtenLine.hasPrefix("written "), let written = try? Timestamp.parse(String(writtenLine.dropFirst(8))) else {
      return nil
    }
    var files: [File] = []
    for line in lines[2..<(lines.count - 1)] {
      let parts = line.split(separator: 0x20, maxSplits: 8, omittingEmptySubsequences: false)
      guard parts.count == 9, String(decoding: parts[0], as: UTF8.self) == "file" else { return nil }
      let numbers = parts[1...7].map { String(decoding: $0, as: UTF8.self) }
      guard let device = UInt64(numbers[0]), let inode = UInt64(numbers[1]), let size = Int64(numbers[2]),
        let modified = Int64(numbers[3]), let changed = Int64(numbers[4]), let length = Int64(numbers[5]),
        let hash = UInt64(numbers[6]), length >= 0,
        case .string(let name)? = try? JSONParser.parse(Array(parts[8]))
      else { return nil }
      files.append(File(
        name: name, stamp: FileStamp(device: device, inode: inode, size: size, modified: modified, changed: changed),
        length: length, hash: hash))
    }
    return NewsMark(files: files, written: written)
  }
}

/// The chain of custody of a cached log: each `add`, under its exclusive
/// lock and after its write is synced, appends a record here (beside the
/// fact cache, `NAME.custody`) of the file as it found it and as it left it.
/// A query whose cache knew the file at stamp A, finding it at stamp B,
/// follows the records from A to B: an unbroken chain says that every change
/// since the cache was written was an append by `timeline`, so the cached
/// bytes are still there, unread. A record is a hint: torn, garbled or
/// missing records only break the chain (the cache is then checked by hash).
enum Custody {
  static let magic: [UInt8] = Array("TLC1".utf8)
  /// Past this size `add` stops recording (the chain breaks, the hash decides,
  /// and the cache written then starts a new file), so `add` stays O(1).
  static let limit: Int64 = 1 << 20

  /// One record: magic, the path's length and bytes, the stamp before and
  /// the stamp after (40 bytes each), then a FastHash of all of it.
  static func record(path: String, before: FileStamp, after: FileStamp) -> [UInt8] {
    var bytes = magic
    let name = Array(path.utf8.prefix(4096))
    append(UInt16(name.count), to: &bytes)
    bytes += name
    for stamp in [before, after] { encode(stamp, to: &bytes) }
    append(FastHash.hash(bytes), to: &bytes)
    return bytes
  }

  /// The links (stamp before -> stamp after) of every intact record.
  static func links(_ bytes: [UInt8]) -> [FileStamp: FileStamp] {
    var links: [FileStamp: FileStamp] = [:]
    var position = 0
    while position + magic.count <= bytes.count {
      guard bytes[position..<position + magic.count].elementsEqual(magic) else {
        position += 1
        continue
      }
      var reader = ByteReader(bytes: bytes, position: position + magic.count)
      if let length = reader.integer(UInt16.self), reader.bytes(Int(length)) != nil,
        let before = decode(&reader), let after = decode(&reader)
      {
        let end = reader.position
        let sum = bytes[position..<end].withUnsafeBytes { FastHash.hash($0) }
        if reader.integer(UInt64.self) == sum, before.device == after.device, before.inode == after.inode,
          after.size > before.size
        {
          links[before] = after
          position = reader.position
          continue
        }
      }
      position += 1  // torn or garbled: look for the next record
    }
    return links
  }

  /// Whether the records lead from `cached` to `current`.
  static func chain(_ links: [FileStamp: FileStamp], from cached: FileStamp, to current: FileStamp) -> Bool {
    var stamp = cached
    for _ in 0...links.count {
      if stamp == current { return true }
      guard let next = links[stamp] else { return false }
      stamp = next
    }
    return false
  }

  private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
  }

  static func encode(_ stamp: FileStamp, to out: inout [UInt8]) {
    append(stamp.device, to: &out)
    append(stamp.inode, to: &out)
    append(stamp.size, to: &out)
    append(stamp.modified, to: &out)
    append(stamp.changed, to: &out)
  }

  static func decode(_ reader: inout ByteReader) -> FileStamp? {
    guard let device = reader.integer(UInt64.self), let inode = reader.integer(UInt64.self),
      let size = reader.integer(Int64.self), let modified = reader.integer(Int64.self),
      let changed = reader.integer(Int64.self)
    else { return nil }
    return FileStamp(device: device, inode: inode, size: size, modified: modified, changed: changed)
  }
}

extension LogStore {
  /// Records in the cache folder, if there is one, that `add` took `file`
  /// from `before` to `after` (it holds the exclusive lock, and the write is
  /// synced). Nothing is created but the record file, nothing is synced.
  func recordCustody(of file: String, before: FileStamp, after: FileStamp) {
    let cache = FactCache(store: self)
    guard case .folder(let folder) = CacheFolder.open(cache.folderPath, create: false) else { return }
    folder.append(cache.custodyName, Custody.record(path: file, before: before, after: after), limit: Custody.limit)
  }
}

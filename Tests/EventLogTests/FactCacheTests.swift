import Foundation
import ReferenceModel
import Testing

@testable import EventLog

private func temporaryFolder() throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-cache-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

/// A small file that comes first in a large folder log is cached with the
/// hash of its bytes, so that when it grows the cache can be extended, not rebuilt.
@Test func everyFileOfACachedLogIsCachedWithTheHashOfItsBytes() throws {
  let dir = try temporaryFolder()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  var generator = LogGenerator(seed: 11)
  let lines = generator.log(count: FactCache.threshold + 500).map(\.line)
  try (lines.prefix(5).joined(separator: "\n") + "\n").write(toFile: dir + "/a.jsonl", atomically: false, encoding: .utf8)
  try (lines.dropFirst(5).joined(separator: "\n") + "\n").write(toFile: dir + "/b.jsonl", atomically: false, encoding: .utf8)

  let store = LogStore(path: dir)
  _ = try store.loadFacts()
  LogStore.finishWriting()
  let cache = FactCache(store: store)
  guard case .folder(let folder) = cache.folder(create: false) else {
    Issue.record("no cache folder")
    return
  }
  let (_, entries) = try #require(cache.read(in: folder))
  #expect(entries.map(\.path) == [dir + "/a.jsonl", dir + "/b.jsonl"])
  for entry in entries {
    let fd = try Sys.open(entry.path, .readOnly)
    defer { Sys.close(fd) }
    #expect(entry.hash.length == entry.extent)
    #expect(entry.hash == RegionHash.compute(fd, length: entry.extent), "\(entry.path)")
  }
}

/// The blocks hashed as the lines are read (`BlockHasher`, both halves of
/// a large file, then lines added by hand and proven by the hash) make
/// the same `RegionHash` as hashing the file whole: the cache is proven by
/// what the writer kept, not by what it did not read again.
@Test func blocksHashedAsTheyAreReadMakeTheHashOfTheWholeFile() throws {
  let dir = try temporaryFolder()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  var generator = LogGenerator(seed: 13)
  let lines = generator.log(count: 130_000).map(\.line)
  let file = dir + "/big.jsonl"
  func cachedEntry() throws -> FactCache.Entry {
    let cache = FactCache(store: LogStore(path: file))
    guard case .folder(let folder) = cache.folder(create: false) else { throw CancellationError() }
    return try #require(cache.read(in: folder)?.1.first)
  }
  func expectWholeHash(_ step: String) throws {
    let entry = try cachedEntry()
    let fd = try Sys.open(file, .readOnly)
    defer { Sys.close(fd) }
    #expect(entry.hash.length == entry.extent, "\(step)")
    #expect(entry.hash.blocks.count >= 3, "\(step): several whole blocks")
    #expect(entry.hash == RegionHash.compute(fd, length: entry.extent), "\(step)")
  }
  try (lines.prefix(100_000).joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
  let store = LogStore(path: file)
  let read = try store.loadFacts()
  LogStore.finishWriting()
  #expect(read.cacheUse == .none && read.table.count == 100_000)
  try expectWholeHash("read whole")

  // More than a block added by hand: no record of custody, so the hash
  // proves the old bytes and the cache is written again.
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
  try handle.seekToEnd()
  try handle.write(contentsOf: Data((lines[100_000...].joined(separator: "\n") + "\n").utf8))
  try handle.close()
  let grown = try store.loadFacts()
  LogStore.finishWriting()
  #expect(grown.cacheUse == .extended(.hash) && grown.table.count == 130_000)
  try expectWholeHash("grown")
  #expect(try store.loadFacts().cacheUse == .unchanged)
}

/// Any split of a range into reads gives each block that lies wholly in
/// the range the hash of its bytes, and no other block.
@Test func aBlockHasherHashesTheWholeBlocksOfItsRangeWhateverTheReads() {
  let size = Int(RegionHash.blockSize)
  var rng = SystemRandomNumberGenerator()
  var state = UInt64.random(in: 1...UInt64.max, using: &rng)
  var bytes = [UInt8](repeating: 0, count: size * 4 + 1234)
  for index in bytes.indices {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    bytes[index] = UInt8(truncatingIfNeeded: state)
  }
  for (from, to) in [(0, bytes.count), (size / 3, size * 3 + 17), (size, size * 3), (size + 1, size * 2 + 5), (7, size - 1)] {
    var hasher = BlockHasher(range: (Int64(from), Int64(to)))
    var at = from
    while at < to {
      let count = min(to - at, Int.random(in: 1...(size / 2), using: &rng))
      bytes.withUnsafeBytes { hasher.take(UnsafeRawBufferPointer(rebasing: $0[at..<(at + count)]), at: Int64(at)) }
      at += count
    }
    var expected: [Int: UInt64] = [:]
    for block in 0..<(bytes.count / size) where block * size >= from && (block + 1) * size <= to {
      expected[block] = bytes.withUnsafeBytes { FastHash.hash(UnsafeRawBufferPointer(rebasing: $0[(block * size)..<((block + 1) * size)])) }
    }
    #expect(hasher.digests == expected, "range \(from)..<\(to)")
  }
}

/// One add is proven by its record in the chain of custody (the cache is
/// extended, its old bytes not read); without the record, by the hash; an
/// edit before the add proves nothing, and the log is read whole.
@Test func anAddIsProvenByTheChainOfCustodyElseByTheHash() throws {
  let dir = try temporaryFolder()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  var generator = LogGenerator(seed: 12)
  let lines = generator.log(count: FactCache.threshold + 3).map(\.line)
  let file = dir + "/big.jsonl"
  try (lines.dropLast(3).joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
  let store = LogStore(path: file)
  func add(_ line: String) throws {
    let event = try EventCodec.decode(Array(line.utf8), stored: true)
    _ = try store.append([event], now: Timestamp(milliseconds: 0), label: { _ in "test" }, notice: { _ in })
  }
  let custody = dir + "/.timeline-cache/big.jsonl.custody"

  #expect(try store.loadFacts().cacheUse == .none)
  LogStore.finishWriting()
  #expect(try store.loadFacts().cacheUse == .unchanged)

  try add(lines[lines.count - 3])
  #expect(FileManager.default.fileExists(atPath: custody))
  let byCustody = try store.loadFacts()
  LogStore.finishWriting()
  #expect(byCustody.cacheUse == .extended(.custody))
  #expect(byCustody.table.count == FactCache.threshold + 1)
  // Extended by one line through the chain: the cache is not written again,
  // and the next read follows the same chain.
  #expect(try store.loadFacts().cacheUse == .extended(.custody))

  // A torn or garbled record is no proof: the hash decides.
  var record = try Data(contentsOf: URL(fileURLWithPath: custody))
  record[record.count - 1] ^= 1
  try record.write(to: URL(fileURLWithPath: custody))
  let byHash = try store.loadFacts()
  LogStore.finishWriting()
  #expect(byHash.cacheUse == .extended(.hash))
  #expect(byHash.table.count == FactCache.threshold + 1)
  #expect(!FileManager.default.fileExists(atPath: custody), "a new cache starts a new chain")
  #expect(try store.loadFacts().cacheUse == .unchanged)

  // An edit in place, then an add: neither the chain nor the hash holds.
  var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
  let found = try #require(bytes.range(of: Data("\"date\":\"20".utf8), in: bytes.count / 2..<bytes.count))
  bytes[found.upperBound] = bytes[found.upperBound] == UInt8(ascii: "1") ? UInt8(ascii: "0") : UInt8(ascii: "1")
  let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
  try handle.write(contentsOf: bytes)
  try handle.close()
  try add(lines[lines.count - 2])
  let rebuilt = try store.loadFacts()
  LogStore.finishWriting()
  #expect(rebuilt.cacheUse == .rebuilt)
  #expect(rebuilt.table.count == FactCache.threshold + 2)
}

/// A custody file of garbage, torn records and records of other files leads nowhere.
@Test func custodyRecordsThatAreTornOrGarbledAreIgnored() {
  let a = FileStamp(device: 1, inode: 2, size: 100, modified: 5, changed: 5)
  let b = FileStamp(device: 1, inode: 2, size: 150, modified: 6, changed: 6)
  let c = FileStamp(device: 1, inode: 2, size: 180, modified: 7, changed: 7)
  let first = Custody.record(path: "x.jsonl", before: a, after: b)
  let second = Custody.record(path: "x.jsonl", before: b, after: c)
  #expect(Custody.chain(Custody.links(first + second), from: a, to: c))
  #expect(Custody.chain(Custody.links(Array("junk".utf8) + first + [0, 1, 2] + second), from: a, to: c))
  #expect(!Custody.chain(Custody.links(first + second.dropLast()), from: a, to: c))
  var flipped = first
  flipped[30] ^= 0x10
  #expect(!Custody.chain(Custody.links(flipped + second), from: a, to: c))
  // A record that does not grow the file, or changes its identity, is no link.
  let shrink = Custody.record(path: "x.jsonl", before: b, after: a)
  #expect(Custody.links(shrink).isEmpty)
  let moved = Custody.record(path: "x.jsonl", before: a, after: FileStamp(device: 1, inode: 3, size: 150, modified: 6, changed: 6))
  #expect(Custody.links(moved).isEmpty)
}

/// Events are read again from the lines their facts came from: a file
/// changed in between (here two lines of one length swapped) is found out
/// by the ids, and the read stops with 75 rather than list other events.
@Test func aLineThatHoldsAnotherEventNowStopsTheReadWith75() throws {
  let dir = try temporaryFolder()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  let file = dir + "/log.jsonl"
  let first = #"{"id":"aaaaaaaaaaaa","date":"2025-01-01","kind":"launch","org":"acme","subject":"acme/x","confidence":"reported","recorded":"2025-01-01T00:00:00.000Z"}"#
  let second = #"{"id":"bbbbbbbbbbbb","date":"2025-01-02","kind":"launch","org":"acme","subject":"acme/y","confidence":"reported","recorded":"2025-01-02T00:00:00.000Z"}"#
  try (first + "\n" + second + "\n").write(toFile: file, atomically: false, encoding: .utf8)
  let store = LogStore(path: file)
  let table = try store.loadFacts().table
  #expect(try store.events([0, 1], in: table).map(\.id) == ["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
  try (second + "\n" + first + "\n").write(toFile: file, atomically: false, encoding: .utf8)
  var caught: LogError?
  do { _ = try store.events([0, 1], in: table) } catch { caught = error }
  #expect(caught?.code == .tempFail && caught?.message.contains("changed") == true, "\(String(describing: caught))")
}

/// A long read (two halves, one per core) gives each event back at its
/// place in the order asked, and a line changed in one half stops it with
/// 75 as a short read does.
@Test func aLongReadKeepsTheOrderAskedAndStopsWith75OnAChangedLine() throws {
  let dir = try temporaryFolder()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  let file = dir + "/log.jsonl"
  func line(_ n: Int) -> String {
    let id = String(format: "%012x", 0xa0000000 + n)
    let day = String(format: "2025-%02d-%02d", 1 + n % 12, 1 + n % 28)
    return #"{"id":"\#(id)","date":"\#(day)","kind":"launch","org":"acme","subject":"acme/p\#(n % 1000)","confidence":"reported","recorded":"2025-01-01T00:00:00.000Z"}"#
  }
  let count = 9000
  var lines = (0..<count).map(line)
  try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
  let store = LogStore(path: file)
  let table = try store.loadFacts().table
  // Asked in an order that is neither file order nor its reverse.
  let asked = (0..<Int32(count)).map { ($0 * 7919) % Int32(count) }
  let read = try store.events(asked, in: table)
  #expect(read.map(\.id) == asked.map { table.idString(table.facts[Int($0)].id) })
  #expect(try store.facts(asked, in: table, mayHold: "acme/p99") == asked.filter { lines[Int($0)].contains("acme/p99") })
  // Two lines of one length swapped late in the file: in the second half.
  lines.swapAt(8500, 8501)
  try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
  var caught: LogError?
  do { _ = try store.events(asked, in: table) } catch { caught = error }
  #expect(caught?.code == .tempFail && caught?.message.contains("line 8501") == true, "\(String(describing: caught))")
}

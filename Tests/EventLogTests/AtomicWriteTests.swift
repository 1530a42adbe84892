import Foundation
import Testing

@testable import EventLog

// The one atomic writer (`Sys.writeAtomically`): every whole file timeline
// writes (fact cache, kept answers, news mark, render -o, export -o, the cache
// folder's .gitignore) goes through it.

private func withFolder(_ body: (String, FileDescriptor) throws -> Void) throws {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-atomic-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: dir) }
  let fd = try Sys.open(dir, [.readOnly, .directory])
  defer { Sys.close(fd) }
  try body(dir, fd)
}

private func names(_ dir: String) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
}

@Test func anAtomicWriteReplacesTheFileWholeAndLeavesNoTemporaryFile() throws {
  try withFolder { dir, folder in
    try Data("old contents, longer than the new\n".utf8).write(to: URL(fileURLWithPath: dir + "/file"))
    // Held open, the old file keeps its bytes if the write went elsewhere (a rename), as it must.
    let old = try Sys.open(dir + "/file", .readOnly)
    defer { Sys.close(old) }
    for hidden in [false, true] {
      try Sys.writeAtomically("file", in: folder, hidden: hidden) { fd throws(Errno) in
        try Sys.writeAll(fd, Array("new\n".utf8))
        try Sys.writeAll(fd, Array("whole\n".utf8))
      }
      #expect(try String(contentsOfFile: dir + "/file", encoding: .utf8) == "new\nwhole\n")
      #expect(try names(dir) == ["file"], "the temporary file is gone")
    }
    #expect(try Sys.readAll(old) == Array("old contents, longer than the new\n".utf8), "renamed over the old file, not written into it")
  }
}

@Test func aFailedAtomicWriteLeavesTheFileAsItWasAndNoTemporaryFile() throws {
  try withFolder { dir, folder in
    try Data("kept\n".utf8).write(to: URL(fileURLWithPath: dir + "/file"))
    var step: Sys.AtomicWriteError.Step?
    do throws(Sys.AtomicWriteError) {
      try Sys.writeAtomically("file", in: folder) { fd throws(Errno) in
        try Sys.writeAll(fd, Array("half".utf8))
        throw Errno.noSpace
      }
    } catch {
      step = error.step
      #expect(error.errno == .noSpace)
    }
    #expect(step == .write)
    #expect(try String(contentsOfFile: dir + "/file", encoding: .utf8) == "kept\n")
    #expect(try names(dir) == ["file"])
  }
}

/// A temporary name already taken (by a dead process of the same pid, or a
/// planted symlink) is removed itself, never written through.
@Test func aTakenTemporaryNameIsRemovedNotFollowed() throws {
  try withFolder { dir, folder in
    let victim = dir + "/victim"
    try Data("not to be touched\n".utf8).write(to: URL(fileURLWithPath: victim))
    let temporary = dir + "/file.\(getpid()).tmp"
    try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: victim)
    try Sys.writeAtomically("file", in: folder) { fd throws(Errno) in try Sys.writeAll(fd, Array("new\n".utf8)) }
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "not to be touched\n")
    #expect(try String(contentsOfFile: dir + "/file", encoding: .utf8) == "new\n")
    #expect(try names(dir) == ["file", "victim"])
  }
}

@Test func writeAllWritesEveryByteAndReportsAnError() throws {
  try withFolder { dir, _ in
    let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let fd = try Sys.open(dir + "/big", [.writeOnly, .create])
    try Sys.writeAll(fd, bytes)
    Sys.close(fd)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/big"))) == bytes)
    let readOnly = try Sys.open(dir + "/big", .readOnly)
    defer { Sys.close(readOnly) }
    #expect(throws: Errno.self) { try Sys.writeAll(readOnly, [1, 2, 3]) }
  }
}

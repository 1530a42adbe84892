import Foundation
import Testing

// The README's "Code map" is the tree as it is: every folder of Sources has a
// row, every row names folders that exist, and every file the path of a query
// names is where the map says.

private func codeMap() throws -> String {
  let readme = try String(contentsOfFile: checkoutRoot + "/README.md", encoding: .utf8)
  let start = try #require(readme.range(of: "## Code map\n"))
  let rest = readme[start.upperBound...]
  return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
}

/// The folders a row of the map names: `Sources/timeline/Render`, `Interchange`
/// is Sources/timeline/Render and Sources/timeline/Interchange.
private func mappedFolders(_ map: String) -> [String] {
  var folders: [String] = []
  for line in map.split(separator: "\n") where line.hasPrefix("| `Sources") {
    let cell = line.dropFirst(2).prefix { $0 != "|" }
    let names = quoted(String(cell))
    guard let first = names.first else { continue }
    folders.append(first)
    let parent = parentFolder(first)
    for name in names.dropFirst() { folders.append(parent + "/" + name) }
  }
  return folders
}

/// The words between backquotes.
private func quoted(_ text: String) -> [String] {
  text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
}

private func parentFolder(_ path: String) -> String { String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }

@Test func theCodeMapHasARowForEveryFolderOfSourcesAndNoOther() throws {
  let mapped = mappedFolders(try codeMap())
  #expect(mapped.count >= 10)
  var onDisk: [String] = []
  let enumerator = try #require(FileManager.default.enumerator(atPath: checkoutRoot + "/Sources"))
  while let path = enumerator.nextObject() as? String {
    var isFolder: ObjCBool = false
    FileManager.default.fileExists(atPath: checkoutRoot + "/Sources/" + path, isDirectory: &isFolder)
    guard isFolder.boolValue else { continue }
    let full = "Sources/" + path
    let holdsSwift = (try FileManager.default.contentsOfDirectory(atPath: checkoutRoot + "/" + full)).contains { $0.hasSuffix(".swift") }
    if holdsSwift { onDisk.append(full) }
  }
  // A target folder that holds only main.swift beside its folders is the target itself.
  let folders = Set(onDisk).subtracting(["Sources/timeline"])
  #expect(Set(mapped) == folders, "mapped but missing: \(Set(mapped).subtracting(folders).sorted()); not mapped: \(folders.subtracting(mapped).sorted())")
}

@Test func everyFileTheCodeMapNamesExists() throws {
  let map = try codeMap()
  let folders = mappedFolders(map)
  let named = quoted(map).filter { $0.hasSuffix(".swift") }
  #expect(named.count >= 10)
  for name in named {
    let candidates = name.contains("/")
      ? folders.map { parentFolder($0) + "/" + name } + ["Sources/" + name, "Sources/timeline/" + name]
      : folders.map { $0 + "/" + name } + ["Sources/timeline/" + name, name]
    #expect(candidates.contains { FileManager.default.fileExists(atPath: checkoutRoot + "/" + $0) }, "\(name) is named by the code map but is not in its folder")
  }
}

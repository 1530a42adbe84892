import Foundation
import ReferenceModel
import Testing

/// Starts `script` under /bin/sh with standard output to `output`; returns the running process.
func startShell(_ script: String, output: String) throws -> Process {
  FileManager.default.createFile(atPath: output, contents: nil)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  process.arguments = ["-c", script]
  process.environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TIMELINE_LOCK_TIMEOUT": "60"]
  process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
  process.standardError = FileHandle.nullDevice
  try process.run()
  return process
}

/// Every line of every `*.jsonl` file of the log, parsed.
func storedEvents(_ log: String) throws -> [J] {
  var isDirectory: ObjCBool = false
  FileManager.default.fileExists(atPath: log, isDirectory: &isDirectory)
  let files = isDirectory.boolValue
    ? try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".jsonl") }.map { log + "/" + $0 } : [log]
  var events: [J] = []
  for file in files {
    let data = FileManager.default.contents(atPath: file) ?? Data()
    #expect(data.last == 0x0a, "\(file) ends with a whole line")
    for line in fileLines(file) { events.append(try J.parse(line)) }
  }
  return events
}

@Test(.timeLimit(.minutes(15)), arguments: ["file.jsonl", "folder"])
func concurrentAddsLoseNothing(layout: String) throws {
  try withTemporaryDirectory { dir throws in
    let log = dir + "/" + layout
    let writers = 4
    let perWriter = 25
    var processes: [Process] = []
    for writer in 0..<writers {
      let script: String
      if writer < 2 {
        // single adds
        script = "i=0; while [ $i -lt \(perWriter) ]; do i=$((i+1)); '\(timelineBinary)' --log '\(log)' add report --date 2025-12 --org w\(writer) --set n=$i --source-title t || echo FAILED; done"
      } else {
        // batches of five through --stdin, all or nothing
        script = "b=0; while [ $b -lt \(perWriter / 5) ]; do b=$((b+1)); "
          + "printf '" + (1...5).map { "{\"date\":\"2025-12\",\"kind\":\"report\",\"org\":\"w\(writer)\",\"attrs\":{\"batch\":\"%s\",\"n\":\"\($0)\"},\"source\":{\"title\":\"t\"}}\\n" }.joined()
          + "' $b $b $b $b $b | '\(timelineBinary)' --log '\(log)' add --stdin || echo FAILED; done"
      }
      processes.append(try startShell(script, output: dir + "/ids-\(writer)"))
    }
    for process in processes { process.waitUntilExit() }
    var printed: [String] = []
    for writer in 0..<writers { printed += fileLines(dir + "/ids-\(writer)") }
    #expect(!printed.contains("FAILED"))
    #expect(printed.count == writers * perWriter, "every add printed its id")
    #expect(Set(printed).count == writers * perWriter)

    let stored = try storedEvents(log)
    #expect(stored.count == writers * perWriter, "no line lost, none doubled")
    let storedIDs = Set(stored.compactMap { event -> String? in
      if case .string(let id)? = event["id"] { return id }
      return nil
    })
    #expect(storedIDs == Set(printed), "every acknowledged id is in the log")
    let listed = try json(["log"], log: log)
    #expect(listed["events"]?.arrayValue.count == writers * perWriter)

    // Each batch is contiguous in the file: no reader or writer saw part of it.
    let file = layout == "folder" ? log + "/log.jsonl" : log
    let lines = fileLines(file)
    for writer in 2..<writers {
      for batch in 1...(perWriter / 5) {
        let positions = lines.indices.filter { lines[$0].contains(#""org":"w\#(writer)""#) && lines[$0].contains(#""batch":"\#(batch)""#) }
        #expect(positions.count == 5)
        #expect(positions.last.map { $0 - positions[0] } == 4, "writer \(writer) batch \(batch) is contiguous: \(positions)")
      }
    }
    let check = try timeline(["--log", log, "check"])
    #expect(check.status == 0, "\(check.stdout)")
    #expect(check.lines.last == "checked \(writers * perWriter) events in 1 file: no errors, no warnings", "recorded increases in the file")
  }
}

@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
func aLogLockedPastTheTimeoutExits75AndWritesNothing() throws {
  try withTemporaryDirectory { dir throws in
    let log = try folderLog(dir)
    let file = log + "/log.jsonl"
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    holder.arguments = ["--no-fork", "-x", file, "sleep", "30"]
    try holder.run()
    defer {
      // SIGKILL: the child may have SIGTERM blocked (inherited signal mask).
      kill(holder.processIdentifier, SIGKILL)
      holder.waitUntilExit()
    }
    // Wait until the lock is held.
    for _ in 0..<100 {
      let probe = Process()
      probe.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
      probe.arguments = ["-n", file, "true"]
      try probe.run()
      probe.waitUntilExit()
      if probe.terminationStatus != 0 { break }
      usleep(20_000)
    }
    let before = snapshot(dir)
    let environment = ["TIMELINE_LOCK_TIMEOUT": "0.3"]
    let add = try timeline(["--log", log, "add", "report", "--date", "2025", "--org", "o"], environment: environment)
    #expect(add.status == 75)
    #expect(add.stderr.hasPrefix("timeline: error: "))
    #expect(add.stderr.contains(file), "\(add.stderr)")
    #expect(add.stdout.isEmpty)
    let query = try timeline(["--log", log, "state"], environment: environment)
    #expect(query.status == 75, "readers wait for a writer's exclusive lock")
    #expect(snapshot(dir) == before)
  }
}

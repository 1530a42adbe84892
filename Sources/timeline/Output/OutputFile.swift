import EventLog

/// Writes a command's output to `-o FILE` atomically, or to standard output.
func emit(_ bytes: [UInt8], _ args: ParsedArguments, _ context: Context) throws(LogError) {
  if let path = args.value("output"), path != "-" {
    if context.store.isLogFile(path) {
      throw LogError(.usage, "-o \(path) is a file of the log \(context.store.path), which is only ever appended to; write the output elsewhere")
    }
    try PlainFile.writeAtomically(bytes, to: path)
    context.console.note("timeline: wrote \(path) (\(bytes.count) bytes)")
  } else {
    context.console.write(bytes)
  }
}

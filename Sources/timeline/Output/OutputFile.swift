import EventLog

/// Writes a command's output to `-o FILE` atomically, or to standard output.
func emit(_ bytes: [UInt8], _ args: ParsedArguments, _ context: Context) throws(LogError) {
  try emit(args, context) { (write) throws(LogError) in try write(bytes) }
}

/// `emit`, for output made as it is written (`produce` gives it to `write`
/// piece by piece): a file with `-o` is still whole or as it was.
func emit(
  _ args: ParsedArguments, _ context: Context, _ produce: (_ write: ([UInt8]) throws(LogError) -> Void) throws(LogError) -> Void
) throws(LogError) {
  guard let path = args.value("output"), path != "-" else {
    return try produce { context.console.write($0) }
  }
  if context.store.isLogFile(path) {
    throw LogError(.usage, "-o \(path) is a file of the log \(context.store.path), which is only ever appended to; write the output elsewhere")
  }
  var written = 0
  try PlainFile.writeAtomically(to: path) { (write) throws(LogError) in
    try withoutActuallyEscaping(write) { (write) throws(LogError) in
      try produce { (bytes) throws(LogError) in
        written += bytes.count
        try write(bytes)
      }
    }
  }
  context.console.note("timeline: wrote \(path) (\(written) bytes)")
}

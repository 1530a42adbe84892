import EventLog

/// Answers already printed for a large log, kept with the version of the log
/// they were computed from: the same query on the same log prints them again
/// without replaying. An answer is kept once its query has been asked twice
/// (so that one-off queries leave no large files behind), and only when
/// standard output is not a terminal (there the answer depends on its width
/// and goes through the pager). EventLog stores the bytes (`KeptBlobs`, in
/// the cache folder, checked against the log's files and their own hash);
/// what a query is and what is printed are decided here.
struct KeptAnswers {
  /// The query: the command, its arguments, the day dates count from, and
  /// whether colour is on (everything the printed bytes depend on).
  let query: String
  let store: LogStore
  let console: Console
  let reading: Reading

  init(command: String, arguments: [String], context: Context) {
    let color = context.console.color ? "color" : "plain"
    query = ([command] + arguments + [context.today.description, color]).joined(separator: "\u{0}")
    store = context.store
    console = context.console
    reading = context.reading
  }

  /// Prints the kept answer if there is one; otherwise runs the command
  /// (`run`), keeping what it printed when the query was asked before.
  /// - Returns: the command's exit status (0 for a kept answer).
  func run(_ command: () throws -> Int32) throws -> Int32 {
    let kept = KeptBlobs(store: store)
    console.flush()
    if let answer = kept.bytes(for: query, store: store) {
      console.write(answer)
      return 0
    }
    if let note = kept.note { console.note("timeline: note: \(note)") }
    let askedBefore = kept.hasMarker(query)
    if askedBefore { console.record() }
    let status = try command()
    console.flush()
    if status == 0, reading.keepable {
      if askedBefore, let version = reading.version, let output = console.recording {
        kept.keep(output, for: query, version: version)
      } else {
        kept.putMarker(query)
      }
    }
    return status
  }
}

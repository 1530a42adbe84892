import EventLog
import Projections

// Reading the log for a command.

/// Loads the log as facts, printing what the reader left out as warnings.
/// - Parameter writingCache: false for a dry run (it writes nothing, no cache either).
func loadFacts(_ context: Context, writingCache: Bool = true) throws(LogError) -> FactTable {
  if let searched = context.searched, !context.store.exists {
    throw LogError(.noInput, "no log found: no events folder in \(searched); run `timeline init` to start one here, add an event to create ./events, or point --log or TIMELINE_LOG at a log")
  }
  let log = try Progress.around("reading the log") { _ throws(LogError) in try context.store.loadFacts(writingCache: writingCache) }
  if log.table.files.isEmpty { noteEmptyFolder(context) }
  report(log, context)
  return log.table
}

/// Prints what the reader left out, and keeps what later steps need to know of the read.
private func report(_ log: LoadedFacts, _ context: Context) {
  for notice in log.notices { context.console.error("timeline: warning: \(noticeText(notice))") }
  if let note = log.cacheNote { context.console.note("timeline: note: \(note)") }
  context.reading.version = log.version
  context.reading.keepable = log.notices.isEmpty && log.isLarge
  context.reading.cacheIdentity = log.cacheIdentity
  context.reading.pendingIndex = log.pendingIndex
}

/// One org's facts, for a question that only that org's events answer
/// (`state`, `diff`, `log` with `--org` on the default replay), read from
/// the replay index without the rest of the cache, and the indexed replay
/// over them: the only replay such a table may be asked about, so the two
/// travel together. Nil when that cannot be done (no index, a name the
/// selection asks about that the table alone cannot vouch for, lines added
/// since that are not plain): the caller reads the whole log.
func loadOrgFacts(_ selection: Selection, _ context: Context) throws(LogError) -> (FactTable, IndexedReplay)? {
  // (An empty --org is refused by the name check of the whole read.)
  guard let org = selection.org, !org.isEmpty, selection.usesDefaultReplay,
    context.store.exists,
    let log = try context.store.loadOrgFacts(org, largestAddition: IndexedReplay.largestAddition),
    let index = log.orgPart?.index,
    let replay = IndexedReplay(table: log.table, index: index),
    selection.names.allSatisfy({ KnownNames.isIndexed($0.name, in: log.table) })
  else { return nil }
  report(log, context)
  return (log.table, replay)
}

/// Says that the log folder has no `.jsonl` file, so that a mistyped `--log`
/// (or `TIMELINE_LOG=/`) is not taken for an empty log.
func noteEmptyFolder(_ context: Context) {
  let path = context.store.path
  context.console.note("timeline: note: the log folder \(path) holds no .jsonl file, so it reads as an empty log; is --log (or TIMELINE_LOG) the folder you meant?")
}

/// The log's facts, or none when there is no log yet (add and import create
/// it); any other failure to read the log is an error, with its own code.
func loadFactsIfAny(_ context: Context, writingCache: Bool = true) throws(LogError) -> FactTable {
  context.store.exists ? try loadFacts(context, writingCache: writingCache) : FactTable()
}

import EventLog
import Projections

/// A `state` or `diff` question's selection, the log's facts and the replay
/// that answers it, in `selectedFacts`' order: one org's facts and their
/// indexed replay for an `--org` question when the index has them
/// (`loadOrgFacts`), else the whole log and `replayForQuestion`.
func selectedReplay(
  _ args: ParsedArguments, _ context: Context, command: String
) throws -> (Selection, FactTable, any ReplayAnswers) {
  let selection = try parseSelection(args, context, command: command)
  if let (table, replay) = try loadOrgFacts(selection, context) { return (selection, table, replay) }
  let table = try loadSelected(selection, context)
  return (selection, table, replayForQuestion(selection, table, context))
}

/// `log`'s selection, the log's facts, what it lists (the selection's known
/// events chosen on the fact table, in replay order) and the replay that
/// marks them, as `selectedReplay` reads them.
func selectedListing(_ args: ParsedArguments, _ context: Context) throws -> (Selection, FactTable, [Int32], any ReplayAnswers) {
  let selection = try parseSelection(args, context, command: "log")
  if let org = selection.org, let (table, replay) = try loadOrgFacts(selection, context) {
    return (selection, table, selection.facts(among: replay.known(org: org), in: table), replay)
  }
  let table = try loadSelected(selection, context)
  let (listed, replay) = replayForLog(selection, table, context)
  return (selection, table, listed, replay)
}

/// The replay a `state`, `diff`, `lineage` or `strategy` question rests on.
/// The default replay (no `--known-at`, no `--min-confidence`) of a table
/// read from the fact cache comes from the replay index kept beside it, when
/// that index is intact and fits (see `IndexedReplay`); otherwise the table
/// is replayed in full, and when the index is missing or damaged it is built
/// from that replay and written in the background, for the next question.
func replayForQuestion(_ selection: Selection, _ table: FactTable, _ context: Context) -> any ReplayAnswers {
  guard selection.usesDefaultReplay else { return selection.replay(table) }
  let (indexed, keep) = readReplayIndex(table, parts: selection.org == nil ? .order : .orgs, context)
  if let indexed { return indexed }
  let replay = selection.replay(table)
  keep(replay)
  return replay
}

/// The indexed default replay of `table` for `news`, whose other replay is
/// derived from it: with its order, its orgs for an `--org` question, and
/// everything for a window of every fact (its known events); nil when the index is
/// missing, damaged or does not fit (news then replays both in full), with
/// what to do with that full default replay (write the index from it when
/// it is missing, as `replayForQuestion`).
func indexedReplay(_ table: FactTable, start: NewsStart, org: String?, _ context: Context) -> (IndexedReplay?, (Replay) -> Void) {
  readReplayIndex(table, parts: org == nil && start.holdsEverything(table) ? .all : org == nil ? .order : [.order, .orgs], context)
}

/// The replay `why` reads: the indexed default replay of `table` with its
/// known events when the index is there, intact and fits; else a full
/// replay, which writes the index when it is missing, as `replayForQuestion`
/// (so that the next `why` answers from it).
func whyReplay(_ selection: Selection, _ table: FactTable, _ context: Context) -> any WhyReplay {
  guard selection.usesDefaultReplay else { return selection.replay(table) }
  let (indexed, keep) = readReplayIndex(table, parts: .all, context)
  if let known = indexed?.withKnown() { return known }
  let replay = selection.replay(table)
  keep(replay)
  return replay
}

/// What `log` lists (the selection's known events, chosen on the fact
/// table, in replay order) and the replay that marks them: from the replay
/// index for an `--org` selection on the default replay, else from a full replay.
private func replayForLog(_ selection: Selection, _ table: FactTable, _ context: Context) -> ([Int32], any ReplayAnswers) {
  var keep: (Replay) -> Void = { _ in }
  if let org = selection.org, selection.usesDefaultReplay {
    let (indexed, write) = readReplayIndex(table, parts: .orgs, context)
    if let indexed { return (selection.facts(among: indexed.known(org: org), in: table), indexed) }
    keep = write
  }
  let replay = selection.replay(table)
  keep(replay)
  return (selection.facts(in: replay), replay)
}

/// The indexed replay of `table`, if its index is there, intact and fits;
/// and what to do with a full default replay when it is not: when this
/// query is writing the fact cache, offer the index built from it to go
/// with the new cache; else write it (in the background) when the index is
/// missing or damaged and the table is exactly the cached one; else nothing.
private func readReplayIndex(
  _ table: FactTable, parts: ReplayIndex.Parts, _ context: Context
) -> (IndexedReplay?, (Replay) -> Void) {
  let pending = context.reading.pendingIndex
  let offer: (Replay) -> Void = { replay in pending?.offer { replay.index() } }
  guard let identity = context.reading.cacheIdentity else { return (nil, offer) }
  let store = ReplayIndexStore(store: context.store)
  var parts = parts
  if table.count > identity.facts { parts.insert(.keys) }
  let index = store.read(identity: identity, table: table, parts: parts)
  if let index, let indexed = IndexedReplay(table: table, index: index) { return (indexed, { _ in }) }
  if pending != nil { return (nil, offer) }
  guard index == nil && table.count == identity.facts else { return (nil, { _ in }) }
  return (nil, { replay in store.writeInBackground(identity: identity) { replay.index() } })
}

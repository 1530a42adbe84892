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
/// from that replay and written in the background, for the next question
/// (`indexedOrReplayed`).
func replayForQuestion(_ selection: Selection, _ table: FactTable, _ context: Context) -> any ReplayAnswers {
  indexedOrReplayed(selection, table, parts: selection.org == nil ? .order : .orgs, context, indexed: { $0 }, replayed: { $0 })
}

/// The indexed default replay of `table` for `news`, whose other replay is
/// derived from it: with its order, and its orgs for an `--org` question or
/// a window of every fact (whose new events are the known ones); nil when
/// the index is missing, damaged or does not fit (news then replays both in
/// full), with what to do with that full default replay (write the index
/// from it when it is missing, as `replayForQuestion`).
func indexedReplay(_ table: FactTable, start: NewsStart, org: String?, _ context: Context) -> (IndexedReplay?, (Replay) -> Void) {
  readReplayIndex(table, parts: org == nil && !start.holdsEverything(table) ? .order : [.order, .orgs], context)
}

/// The replay `why` reads: the indexed default replay of `table` with its
/// known events, or a full replay (`indexedOrReplayed`).
func whyReplay(_ selection: Selection, _ table: FactTable, _ context: Context) -> any WhyReplay {
  indexedOrReplayed(selection, table, parts: [.order, .orgs], context, indexed: { $0.withKnown() }, replayed: { $0 })
}

/// What `log` lists (the selection's known events, chosen on the fact
/// table, in replay order) and the replay that marks them: from the replay
/// index for an `--org` selection on the default replay, else from a full replay.
private func replayForLog(_ selection: Selection, _ table: FactTable, _ context: Context) -> ([Int32], any ReplayAnswers) {
  guard let org = selection.org else {
    let replay = selection.replay(table)
    return (selection.facts(in: replay), replay)
  }
  return indexedOrReplayed(
    selection, table, parts: .orgs, context, indexed: { (selection.facts(among: $0.known(org: org), in: table), $0) },
    replayed: { (selection.facts(in: $0), $0) })
}

/// What a question asks of its replay: of the indexed default replay when
/// the selection uses the default replay and the index is there, intact,
/// fits and gives it (`indexed` is not nil); else of a full replay, which
/// writes the index when it is missing (`readReplayIndex`), so that the
/// next question answers from it.
private func indexedOrReplayed<Answer>(
  _ selection: Selection, _ table: FactTable, parts: ReplayIndex.Parts, _ context: Context,
  indexed: (IndexedReplay) -> Answer?, replayed: (Replay) -> Answer
) -> Answer {
  guard selection.usesDefaultReplay else { return replayed(selection.replay(table)) }
  let (index, keep) = readReplayIndex(table, parts: parts, context)
  if let index, let answer = indexed(index) { return answer }
  let replay = selection.replay(table)
  keep(replay)
  return replayed(replay)
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

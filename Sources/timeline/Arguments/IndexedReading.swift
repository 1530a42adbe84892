import EventLog
import Projections

/// The replay a `state` or `diff` question rests on. The default replay (no
/// `--known-at`, no `--min-confidence`) of a table read from the fact cache
/// comes from the replay index kept beside it, when that index is intact and
/// fits (see `IndexedReplay`); otherwise the table is replayed in full, and
/// when the index is missing or damaged it is built from that replay and
/// written in the background, for the next question.
func replayForQuestion(_ selection: Selection, _ table: FactTable, _ context: Context) -> any ReplayAnswers {
  if let orgReplay = context.reading.orgReplay { return orgReplay }
  guard selection.knownAt == nil, selection.minConfidence == .rumor else { return selection.replay(table) }
  let (indexed, keep) = readReplayIndex(table, parts: selection.org == nil ? .order : .orgs, context)
  if let indexed { return indexed }
  let replay = selection.replay(table)
  keep(replay)
  return replay
}

/// What `log` lists (the selection's known events, chosen on the fact
/// table, in replay order) and the replay that marks them: from the replay
/// index for an `--org` selection on the default replay, else from a full replay.
func replayForLog(_ selection: Selection, _ table: FactTable, _ context: Context) -> ([Int32], any ReplayAnswers) {
  var keep: (Replay) -> Void = { _ in }
  // (Retractions have no org: an empty --org would list them, and the index leaves them out.)
  if let org = selection.org, let orgReplay = context.reading.orgReplay {
    return (selection.facts(among: orgReplay.known(org: org), in: table), orgReplay)
  }
  if let org = selection.org, !org.isEmpty, selection.knownAt == nil, selection.minConfidence == .rumor {
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

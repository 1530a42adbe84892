/// The candidate closest to `word` by edit distance, if it is close enough to
/// be what was meant ("did you mean ...?").
public func nearest(_ word: String, in candidates: [String]) -> String? {
  let target = Array(word.lowercased().unicodeScalars)
  var best: (name: String, distance: Int)?
  for candidate in candidates {
    let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars))
    if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
  }
  guard let best else { return nil }
  let allowed = max(1, min(3, (target.count + 1) / 3))
  return best.distance <= allowed ? best.name : nil
}

/// Levenshtein distance, with a swap of two neighbours counting as one edit.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous2 = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        current[j] = min(current[j], previous2[j - 2] + 1)
      }
    }
    (previous2, previous, current) = (previous, current, previous2)
  }
  return previous[b.count]
}

/// ` (did you mean "x"?)` or nothing.
public func didYouMean(_ word: String, in candidates: [String]) -> String {
  nearest(word, in: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
}

/// Up to `limit` candidates close enough to `word` to be what was meant,
/// nearest first (ties in code-point order).
public func nearest(_ word: String, in candidates: [String], limit: Int) -> [String] {
  let target = Array(word.lowercased().unicodeScalars)
  let allowed = max(1, min(3, (target.count + 1) / 3))
  var close: [(name: String, distance: Int)] = []
  for candidate in candidates {
    // The distance is at least the difference in length: most names are ruled out without computing it.
    let scalars = Array(candidate.lowercased().unicodeScalars)
    guard abs(scalars.count - target.count) <= allowed else { continue }
    let distance = editDistance(target, scalars)
    if distance <= allowed { close.append((candidate, distance)) }
  }
  close.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name.unicodeScalars.lexicographicallyPrecedes($1.name.unicodeScalars) }
  return close.prefix(limit).map(\.name)
}

/// What is wrong with a slug, said plainly, and the slug most likely meant:
/// `Grok-4` has capitals, write `grok-4`.
extension EventSchema {
  /// The faults of `text` as a slug (`org`: an org slug, which has no dots),
  /// each named once in the order first met, and the slug to write instead;
  /// nil when `text` is a slug.
  public static func slugProblem(_ text: String, org: Bool) -> (faults: String, fix: String?)? {
    if org ? isOrgSlug(text) : isSlug(text) { return nil }
    guard !text.isEmpty else { return ("a slug cannot be empty", nil) }
    var faults: [String] = []
    func note(_ fault: String) { if !faults.contains(fault) { faults.append(fault) } }
    var fix = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "a"..."z", "0"..."9", "-":
        fix.unicodeScalars.append(scalar)
      case "A"..."Z":
        note("capitals")
        fix += String(scalar).lowercased()
      case ".":
        if org { note("dots"); fix += "-" } else { fix += "." }
      case " ":
        note("spaces")
        fix += "-"
      case "_":
        note("underscores")
        fix += "-"
      case "/":
        note("a slash")
      default:
        note(scalar.properties.isWhitespace || scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
          ? Names.escaped(String(scalar)) : "'\(scalar)'")
      }
    }
    while let first = fix.first, first == "-" || first == "." { fix.removeFirst() }
    if faults.isEmpty, let first = text.first, first == "-" || first == "." {
      return ("a slug starts with a letter or a digit, not '\(first)'", fix.isEmpty ? nil : fix)
    }
    let list = faults.count == 1 ? faults[0] : faults.dropLast().joined(separator: ", ") + " and " + faults.last!
    return ("\(list) \(faults.count == 1 && !faults[0].hasSuffix("s") && !faults[0].hasSuffix(")") ? "is" : "are") not allowed in \(org ? "an org slug" : "a slug")", fix.isEmpty ? nil : fix)
  }

  /// The faults of `text` as a product id `ORG/slug`, and the id to write
  /// instead; nil when it is one.
  public static func productIDProblem(_ text: String) -> (faults: String, fix: String?)? {
    guard productParts(text) == nil else { return nil }
    guard let slash = text.firstIndex(of: "/") else {
      return ("a product id is ORG/slug, with its org and a slash", nil)
    }
    let orgPart = String(text[..<slash])
    let slugPart = String(text[text.index(after: slash)...])
    let orgProblem = slugProblem(orgPart, org: true)
    let slugProblem = slugProblem(slugPart, org: false)
    let faults = [orgProblem.map { "the org: \($0.faults)" }, slugProblem.map { orgProblem == nil ? $0.faults : "the slug: \($0.faults)" }]
      .compactMap { $0 }.joined(separator: "; ")
    let fixedOrg = orgProblem == nil ? orgPart : orgProblem?.fix
    let fixedSlug = slugProblem == nil ? slugPart : slugProblem?.fix
    let fix = fixedOrg.flatMap { org in fixedSlug.map { org + "/" + $0 } }
    return (faults, fix.flatMap { productParts($0) == nil ? nil : $0 })
  }

  /// `: capitals are not allowed in a slug ...; write xai/grok-4`, or a general `hint`.
  static func slugAdvice(_ problem: (faults: String, fix: String?)?, otherwise hint: String) -> String {
    guard let problem else { return hint }
    return problem.faults + (problem.fix.map { ": write \($0)" } ?? "")
  }
}

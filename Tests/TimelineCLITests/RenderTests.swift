import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Every tag the renderer writes; any other tag in a page would have come from the log.
private let rendererTags: Set<String> = [
  "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "code", "figure", "svg", "defs",
  "marker", "path", "pattern", "rect", "g", "text", "line", "circle", "polygon", "a", "section", "table", "thead", "tbody",
  "tr", "th", "td", "span", "br", "ul", "li", "footer", "figcaption", "?xml",
]

/// The tags opened in a page, and the names of their attributes.
private func tags(_ markup: String) -> [(name: String, attributes: [String])] {
  var result: [(String, [String])] = []
  var rest = markup[...]
  while let open = rest.firstIndex(of: "<") {
    rest = rest[rest.index(after: open)...]
    guard let close = rest.firstIndex(of: ">") else { break }
    let inside = rest[..<close]
    rest = rest[rest.index(after: close)...]
    if inside.hasPrefix("/") { continue }
    let name = String(inside.prefix { !$0.isWhitespace && $0 != "/" })
    // Attribute names: a word followed by '=' outside quotes.
    var attributes: [String] = []
    var quote: Character?
    var word = ""
    for character in inside.dropFirst(name.count) {
      if let q = quote {
        if character == q { quote = nil }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "=" {
        attributes.append(word)
        word = ""
      } else if character.isWhitespace {
        word = ""
      } else {
        word.append(character)
      }
    }
    result.append((name, attributes))
  }
  return result
}

private let hostileTexts = [
  "&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;note&#39;)&lt;/script&gt;",
  "&quot;&gt;&lt;img src=x onerror=&quot;document.body.setAttribute(&#39;data-pwned&#39;,&#39;img&#39;)&quot;&gt;",
]

@Test func htmlOfAHostileLogHoldsItsTextOnlyAsText() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("hostile.jsonl", in: dir)
    let result = try timeline(["--log", log, "render"])
    #expect(result.status == 0, "\(result.stderr)")
    let page = result.stdout
    let found = tags(page)
    let stray = Set(found.map(\.name)).subtracting(rendererTags)
    #expect(stray.isEmpty, "tags from the log: \(stray)")
    let handlers = found.flatMap(\.attributes).filter { $0.lowercased().hasPrefix("on") }
    #expect(handlers.isEmpty, "event handler attributes: \(handlers)")
    #expect(!page.lowercased().contains("<script"))
    #expect(!page.contains("href=\"javascript:"), "a javascript: link")
    #expect(!page.contains("href=\"data:"), "a data: link")
    for text in hostileTexts { #expect(page.contains(text), "missing escaped text \(text)") }
    // Only http(s) links, and the upper-case one is kept.
    let hrefs = page.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
    #expect(hrefs.allSatisfy { $0.lowercased().hasPrefix("http://") || $0.lowercased().hasPrefix("https://") })
    #expect(hrefs.contains("HTTPS://EXAMPLE.COM/UPPER"))
    // Control and bidi characters are replaced, so the page is valid and reads in order.
    #expect(!page.contains("\u{7}") && !page.contains("\u{202e}") && !page.contains("\u{fffe}"))
    #expect(page.contains("default-src 'none'"), "the page forbids scripts")
  }
}

@Test func svgOfAHostileLogIsWellFormedXMLWithTheTextAsText() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("hostile.jsonl", in: dir)
    let result = try timeline(["--log", log, "render", "--format", "svg"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("<?xml"))
    let stray = Set(tags(result.stdout).map(\.name)).subtracting(rendererTags)
    #expect(stray.isEmpty, "tags from the log: \(stray)")

    final class Collector: NSObject, XMLParserDelegate {
      var text = ""
      var elements: [String] = []
      func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(name)
      }
      func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }
    let parser = XMLParser(data: Data(result.stdout.utf8))
    let collector = Collector()
    parser.delegate = collector
    #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
    #expect(collector.text.contains("<script>document.body.setAttribute('data-pwned','note')</script>"))
    #expect(collector.text.contains("]]><!-- --><script>"))
    #expect(!collector.elements.contains("script") && !collector.elements.contains("img"))
  }
}

@Test func mermaidOfAHostileLogHasOnlyTaskLinesMermaidReadsAsText() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("hostile.jsonl", in: dir)
    let result = try timeline(["--log", log, "render", "--format", "mermaid"])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    #expect(lines.first == "```mermaid" && lines.last == "```")
    #expect(lines[1] == "gantt")
    for line in lines.dropFirst(2).dropLast() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("    ") {
        // NAME :TAGS, START, END: one colon, then only tags and dates.
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        #expect(parts.count == 2, "task line with \(parts.count - 1) colons: \(line)")
        let name = parts[0]
        #expect(!name.contains { "#;%<>`\"[]{}|\\".contains($0) }, "unsafe character in \(line)")
        #expect(parts[1].wholeMatch(of: /(milestone|active|crit|done|crit, active), \d{4}-\d{2}-\d{2}, (\d{4}-\d{2}-\d{2}|0d)/) != nil, "\(line)")
      } else {
        #expect(trimmed.wholeMatch(of: /(title [^:#;%<>`]*|dateFormat YYYY-MM-DD|axisFormat %Y-%m-%d|section [a-z0-9-]+)/) != nil, "\(line)")
      }
    }
    #expect(!result.stdout.contains("section pwned"))
    let bare = try timeline(["--log", log, "render", "--format", "mermaid", "--bare"])
    #expect(bare.stdout.hasPrefix("gantt\n"))
  }
}

@Test func pageShowsLanesBandsMarkersLineageAndShifts() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("sample.jsonl", in: dir)
    let whole = try timeline(["--log", log, "render"]).stdout
    // The whole record, then a close-up of its busiest 60 days (most of the sample is in Nov-Dec 2025).
    let parts = whole.components(separatedBy: "<svg ")
    #expect(parts.count == 3 && parts[2].hasPrefix("xmlns=\"http://www.w3.org/2000/svg\"") && parts[2].contains("id=\"detail\""))
    #expect(whole.contains("Close-up of the busiest stretch, 2025-10-20 to 2025-12-18 (13 events of 19)"))
    let page = parts[1]
    #expect(page.components(separatedBy: "<g class=\"lane\"").count - 1 == 2)
    #expect(page.contains("data-org=\"google\"") && page.contains("data-org=\"openai\""))
    #expect(page.components(separatedBy: "<g class=\"event ").count - 1 == 19)
    #expect(page.contains("class=\"band status-paused\""))
    #expect(page.contains("class=\"band status-throttled\""))
    #expect(page.components(separatedBy: "class=\"lineage-arrow\"").count - 1 == 3)
    #expect(page.contains("⚑ code red"))
    // Hover text: date, kind, subject, confidence, note and source.
    #expect(page.contains("<title>2025-12-04 · codename · openai/gpt-5.2\nconfidence: rumor\nnote: suspected GPT-5.2 build seen in blind tests"))
    #expect(page.contains("<a href=\"https://openai.com/index/chatgpt/\""))
    // With a window, no close-up.
    let windowed = try timeline(["--log", log, "render", "--from", "2025"]).stdout
    #expect(windowed.components(separatedBy: "<svg ").count == 2)
  }
}

@Test func renderHonoursTheWindowAndTheOrg() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("sample.jsonl", in: dir)
    let svg = try timeline(["--log", log, "render", "--format", "svg", "--org", "google", "--from", "2025-11", "--to", "2025-12"]).stdout
    #expect(svg.contains("2025-11-01 to 2025-12-31"))
    #expect(svg.contains("data-org=\"google\"") && !svg.contains("data-org=\"openai\""))
    #expect(svg.components(separatedBy: "<g class=\"event ").count - 1 == 3)
    // A known org with nothing in the window draws an empty picture; an org no event names is bad data (issue 12).
    let empty = try timeline(["--log", log, "render", "--format", "svg", "--org", "google", "--from", "2020", "--to", "2020"])
    #expect(empty.status == 0 && empty.stdout.contains("No events in this window."))
    #expect(try timeline(["--log", log, "render", "--format", "svg", "--org", "nobody"]).status == 65)
    let before = snapshot(dir)
    let backwards = try timeline(["--log", log, "render", "--from", "2025-12", "--to", "2025-11"])
    #expect(backwards.status == 64)
    let badFormat = try timeline(["--log", log, "render", "--format", "png"])
    #expect(badFormat.status == 64 && badFormat.stderr.contains("html, svg, mermaid"))
    #expect(snapshot(dir) == before)
  }
}

@Test func renderWritesTheOutputFileWholeAndIsDeterministic() throws {
  try withTemporaryDirectory { dir in
    let log = try logFrom("sample.jsonl", in: dir)
    let first = try timeline(["--log", log, "render"]).stdout
    let written = try timeline(["--log", log, "render", "-o", dir + "/page.html"])
    #expect(written.status == 0 && written.stdout.isEmpty)
    #expect(try contents(dir + "/page.html") == first)
    #expect(try timeline(["--log", log, "render"]).stdout == first)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp") }
    #expect(leftovers.isEmpty)
    let before = snapshot(dir)
    let missingFolder = try timeline(["--log", log, "render", "-o", dir + "/no/such/page.html"])
    #expect(missingFolder.status == 73)
    #expect(snapshot(dir) == before, "nothing is created or changed")
  }
}

@Test func renderOfAMissingLogExits66() throws {
  try withTemporaryDirectory { dir in
    let result = try timeline(["--log", dir + "/none", "render"])
    #expect(result.status == 66)
    #expect(!FileManager.default.fileExists(atPath: dir + "/none"))
  }
}

@Test func aWindowKeepsTheFocusSetBeforeItAndNeverShowsEventsOutsideIt() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/log"
    for arguments in [
      ["add", "strategy", "--date", "2025-11-01", "--org", "acme", "--set", "focus=acme/a", "--source-title", "t"],
      ["add", "strategy", "--date", "2025-12-05", "--org", "acme", "--set", "focus=acme/b", "--source-title", "t"],
    ] {
      #expect(try timeline(["--log", log] + arguments).status == 0)
    }
    let page = try timeline(["--log", log, "render", "--from", "2025-12"]).stdout
    #expect(page.contains("focus before: acme/a"), "a shift in the window knows the focus set before it")
    #expect(page.contains("focus after: acme/a, acme/b"))
    // One end given beyond every event: nothing from the other side of it.
    let late = try timeline(["--log", log, "render", "--format", "svg", "--from", "2026-03"])
    #expect(late.status == 0)
    #expect(!late.stdout.contains("class=\"event "), "no event before --from is drawn")
    let early = try timeline(["--log", log, "render", "--format", "svg", "--to", "2020"])
    #expect(!early.stdout.contains("class=\"event "), "no event after --to is drawn")
    #expect(early.stdout.contains("2020-12-31 to 2020-12-31"))
  }
}

/// An empty log has no window to show: the headings say there are no
/// events rather than make up a day (it was 2000-01-01).
@Test func anEmptyLogRendersNoMadeUpWindow() throws {
  try withTemporaryDirectory { dir in
    let log = dir + "/empty.jsonl"
    try writeLines([], to: log)
    for format in ["html", "svg", "mermaid"] {
      let result = try timeline(["--log", log, "render", "--format", format])
      #expect(result.status == 0, "\(format): \(result.stderr)")
      #expect(!result.stdout.contains("2000-01-01"), "\(format): \(result.stdout)")
      #expect(result.stdout.contains("no events") || result.stdout.contains("0 events"), "\(format): \(result.stdout)")
    }
    let mermaid = try timeline(["--log", log, "render", "--format", "mermaid"])
    #expect(mermaid.stdout.contains("title Timeline (no events)"), "\(mermaid.stdout)")
  }
}

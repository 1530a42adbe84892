import EventLog

let manCommand = Command(
  name: "man",
  summary: "print the manual page (roff), generated from the same table as --help",
  examples: ["timeline man | man -l -", "timeline man > docs/timeline.1"],
  run: { _, context in
    context.console.write(Array(manPage().utf8))
    return 0
  })

/// Every option of a command as the parser sees it, the global ones included.

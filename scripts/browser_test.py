#!/usr/bin/env python3
"""End-to-end checks of timeline's shareable outputs with real consumers.

1. Headless Chromium loads the page `timeline render` writes from the shipped
   log: the lanes, bands and markers must be in the DOM (one lane per org, one
   marker per standing event), and a screenshot at 1280 px and a PDF print are taken.
2. It loads the page rendered from a hostile log (notes holding <script>,
   "><img onerror=...>, javascript: links, ...), with and without the page's
   Content-Security-Policy: no script from the log may run, no element or
   attribute from the log may appear, and the hostile text must show as text.
   A control page with a real script proves that the detector sees scripts run.
3. The official CloudEvents Python SDK parses every line of
   `timeline export --format cloudevents`, and each event's data is the
   canonical event.

Prints one line per check and ends with "N passed, M failed"; exits 1 on any failure.
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "TimelineCLITests", "Fixtures")
# Every tag the renderer writes; anything else in a page came from the log.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "code", "figure", "svg", "defs",
    "marker", "path", "pattern", "rect", "g", "text", "line", "circle", "polygon", "a", "section", "table", "thead",
    "tbody", "tr", "th", "td", "span", "br", "ul", "li", "footer", "figcaption",
}

from checks import check, summary

class DOM(HTMLParser):
    """The elements (tag, attributes) and text of a page, as the browser serialised it."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []
        self.stack = []
        self.svg = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svg = dict(attrs).get("id")
        element = {"tag": tag, "attrs": dict(attrs), "parents": list(self.stack), "svg": self.svg}
        self.elements.append(element)
        if tag not in ("meta", "br", "rect", "circle", "line", "path", "polygon"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "parents": list(self.stack), "svg": self.svg})

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag=None, cls=None, svg=None):
        result = []
        for element in self.elements:
            if svg and element["svg"] != svg:
                continue
            if tag and element["tag"] != tag:
                continue
            if cls and cls not in element["attrs"].get("class", "").split():
                continue
            result.append(element)
        return result

    def full_text(self):
        return "".join(self.text)


def timeline(args, binary, log, stdin=None):
    result = subprocess.run([binary, "--log", log] + args, input=stdin, capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"})
    if result.returncode != 0:
        raise RuntimeError(f"timeline {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def chromium(browser, profile, *args):
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited {result.returncode}: {result.stderr[-2000:]}")
    return result.stdout


def dump_dom(browser, profile, path):
    # The virtual time budget lets any script and load handler run before the DOM is written out.
    return chromium(browser, profile, "--virtual-time-budget=3000", "--dump-dom", "file://" + path)


def png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", header[16:24])


def standing_events(lines):
    """The events a replay keeps (retractions applied, superseded dropped), as the picture shows them."""
    events = [json.loads(line) for line in lines if line.strip()]
    kinds = {e["id"]: e["kind"] for e in events}
    retracted = {e["attrs"]["target"] for e in events if e["kind"] == "retract" and kinds.get(e["attrs"]["target"], "retract") != "retract"}
    surviving = [e for e in events if e["kind"] != "retract" and e["id"] not in retracted]
    superseded = {e["supersedes"] for e in surviving if e.get("supersedes") and kinds.get(e["supersedes"], "retract") != "retract"}
    return [e for e in surviving if e["id"] not in superseded]


def safety_checks(label, dom, hostile_texts):
    body = dom.all("body")
    check(f"{label}: no script from the log ran (body has no data-pwned)",
          bool(body) and "data-pwned" not in body[0]["attrs"], str(body[0]["attrs"] if body else "no body"))
    stray = sorted({e["tag"] for e in dom.elements} - ALLOWED_TAGS)
    check(f"{label}: only the renderer's own elements are in the DOM", not stray, f"unexpected elements {stray}")
    handlers = [(e["tag"], k) for e in dom.elements for k in e["attrs"] if k.lower().startswith("on")]
    check(f"{label}: no element has an event-handler attribute", not handlers, str(handlers[:5]))
    links = [e["attrs"].get("href", "") for e in dom.all("a")]
    bad = [h for h in links if not re.match(r"(?i)^https?://", h)]
    check(f"{label}: every link is http or https", not bad, str(bad[:5]))
    text = dom.full_text()
    missing = [t for t in hostile_texts if t not in text]
    check(f"{label}: the hostile text shows as text", not missing, f"not found as text: {missing[:3]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="the timeline binary")
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--out", help="keep pages and screenshots in this folder")
    parser.add_argument("--log", help="the shipped log (default: events/ at the repository root)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="timeline-browser-")
    out = os.path.abspath(args.out) if args.out else work
    os.makedirs(out, exist_ok=True)
    profile = os.path.join(work, "profile")
    binary = os.path.abspath(args.bin)

    # 0. The detector sees a script that does run.
    control = os.path.join(work, "control.html")
    with open(control, "w") as f:
        f.write("<!DOCTYPE html><html><body><p>control</p>"
                "<script>document.body.setAttribute('data-pwned','control')</script></body></html>")
    control_dom = DOM(dump_dom(args.chromium, profile, control))
    check("control: a page's own script runs and is seen", control_dom.all("body")[0]["attrs"].get("data-pwned") == "control")

    # 1. The page of the shipped log.
    shipped = args.log or os.path.join(ROOT, "events")
    if not os.path.exists(shipped) or not any(n.endswith(".jsonl") and os.path.getsize(os.path.join(shipped, n)) > 0
                                               for n in (os.listdir(shipped) if os.path.isdir(shipped) else [os.path.basename(shipped)])):
        print(f"note: no shipped log at {shipped}; using the test fixture sample.jsonl instead")
        shipped = os.path.join(work, "sample-log")
        with open(os.path.join(FIXTURES, "sample.jsonl")) as f:
            timeline(["add", "--stdin"], binary, shipped, stdin=f.read())
    page = os.path.join(out, "shipped.html")
    timeline(["render", "-o", page], binary, shipped)
    lines = timeline(["export", "--format", "jsonl"], binary, shipped).splitlines()
    standing = standing_events(lines)
    orgs = sorted({e["org"] for e in standing})
    dom = DOM(dump_dom(args.chromium, profile, page))
    # The picture of the whole record (a close-up of the busiest stretch may follow it).
    lanes = dom.all("g", "lane", svg="overview")
    check("shipped: one lane per org", sorted(e["attrs"].get("data-org") for e in lanes) == orgs,
          f"lanes {[e['attrs'].get('data-org') for e in lanes]} vs orgs {orgs}")
    markers = dom.all("g", "event", svg="overview")
    check("shipped: one marker per standing event", len(markers) == len(standing), f"{len(markers)} markers, {len(standing)} events")
    check("shipped: every marker is an event of the log",
          {m["attrs"].get("data-event") for m in markers} == {e["id"] for e in standing})
    titles = [e for e in dom.all("title", svg="overview") if "g" in e["parents"]]
    check("shipped: markers carry hover text", len(titles) >= len(markers))
    products = {e["subject"] for e in standing if e["kind"] in ("launch", "pause", "resume", "retire", "throttle", "unthrottle")}
    bands = dom.all("rect", "band", svg="overview")
    check("shipped: a status band for every product", len(bands) >= len(products) - sum(1 for e in standing if e["kind"] == "retire"),
          f"{len(bands)} bands, {len(products)} products")
    if any(e["kind"] == "strategy" for e in standing):
        check("shipped: strategy shifts are marked", len(dom.all("g", "strategy-shift", svg="overview")) == sum(1 for e in standing if e["kind"] == "strategy"))
    if any("predecessor" in e.get("attrs", {}) for e in standing):
        check("shipped: lineage arrows are drawn", len(dom.all("path", "lineage-arrow", svg="overview")) > 0)
    detail = dom.all("svg", svg="detail")
    if detail:
        check("shipped: the close-up shows markers too", len(dom.all("g", "event", svg="detail")) > 0)
    safety_checks("shipped", dom, [])
    shot = os.path.join(out, "shipped.png")
    chromium(args.chromium, profile, "--hide-scrollbars", "--window-size=1280,1000", f"--screenshot={shot}", "file://" + page)
    size = png_size(shot)
    check("shipped: screenshot at 1280 px", size is not None and size[0] == 1280 and os.path.getsize(shot) > 20000, str(size))
    pdf = os.path.join(out, "shipped.pdf")
    chromium(args.chromium, profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", "file://" + page)
    with open(pdf, "rb") as f:
        head = f.read(5)
    check("shipped: prints to PDF", head == b"%PDF-" and os.path.getsize(pdf) > 10000)

    # 2. The page of a hostile log, with and without its Content-Security-Policy.
    hostile_log = os.path.join(work, "hostile-log")
    with open(os.path.join(FIXTURES, "hostile.jsonl")) as f:
        hostile_lines = f.read()
    timeline(["add", "--stdin"], binary, hostile_log, stdin=hostile_lines)
    hostile_texts = ["<script>document.body.setAttribute('data-pwned','note')</script>",
                     "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">",
                     "'><svg onload=document.body.setAttribute('data-pwned','svg')>"]
    hostile_page = os.path.join(out, "hostile.html")
    timeline(["render", "-o", hostile_page], binary, hostile_log)
    with open(hostile_page) as f:
        html = f.read()
    check("hostile: the page forbids scripts (CSP default-src 'none')", "default-src 'none'" in html)
    safety_checks("hostile", DOM(dump_dom(args.chromium, profile, hostile_page)), hostile_texts)
    no_csp = os.path.join(out, "hostile-no-csp.html")
    with open(no_csp, "w") as f:
        f.write(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html))
    safety_checks("hostile without CSP", DOM(dump_dom(args.chromium, profile, no_csp)), hostile_texts)
    svg = os.path.join(out, "hostile.svg")
    timeline(["render", "--format", "svg", "-o", svg], binary, hostile_log)
    svg_dom = dump_dom(args.chromium, profile, svg)
    check("hostile svg: loads as an SVG document with its lanes", 'class="lane"' in svg_dom and "<parsererror" not in svg_dom)
    check("hostile svg: no script element", "<script" not in svg_dom.lower())
    shot = os.path.join(out, "hostile.png")
    chromium(args.chromium, profile, "--hide-scrollbars", "--window-size=1280,900", f"--screenshot={shot}", "file://" + no_csp)
    check("hostile: screenshot taken", png_size(shot) is not None)

    # 3. CloudEvents through the official SDK.
    try:
        from cloudevents.core.formats.json import JSONFormat
    except ImportError as error:
        check("cloudevents: the official SDK is installed (pip install cloudevents)", False, str(error))
        JSONFormat = None
    if JSONFormat:
        for label, log in (("shipped", shipped), ("hostile", hostile_log)):
            exported = timeline(["export", "--format", "cloudevents"], binary, log).splitlines()
            canonical = {json.loads(l)["id"]: json.loads(l) for l in timeline(["export", "--format", "jsonl"], binary, log).splitlines()}
            problems = []
            for number, line in enumerate(exported, 1):
                try:
                    event = JSONFormat().read(None, line)
                except Exception as error:  # the SDK's validation error names the attribute
                    problems.append(f"line {number}: {error}")
                    continue
                data = event.get_data()
                expected = canonical.get(event.get_id())
                if event.get_specversion() != "1.0" or not event.get_type().startswith("timeline."):
                    problems.append(f"line {number}: specversion/type {event.get_specversion()} {event.get_type()}")
                if data != expected:
                    problems.append(f"line {number}: data is not the canonical event")
                precision = {4: "year", 7: "month", 10: "day"}[len(expected["date"])]
                if event.get_extension("dateprecision") != precision or event.get_extension("eventdate") != expected["date"]:
                    problems.append(f"line {number}: date precision lost")
                if event.get_extension("confidence") != expected["confidence"]:
                    problems.append(f"line {number}: confidence lost")
                if event.get_time() is None or event.get_time().date().isoformat()[:len(expected["date"])] != expected["date"]:
                    problems.append(f"line {number}: time {event.get_time()} does not start the date {expected['date']}")
                if event.get_datacontenttype() != "application/json" or not event.get_source():
                    problems.append(f"line {number}: datacontenttype or source")
                for name in event.get_attributes():
                    if not re.fullmatch(r"[a-z0-9]+", name):
                        problems.append(f"line {number}: attribute name {name!r}")
            check(f"cloudevents ({label}): the SDK reads all {len(exported)} events with their fields", not problems and len(exported) == len(canonical),
                  "; ".join(problems[:5]))

    print(f"pages and screenshots in {out}")
    if not args.out:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())

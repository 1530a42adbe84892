#!/usr/bin/env python3
"""Deterministic generator of realistic timeline logs for the benchmark (issue 4).

    python3 bench/generate.py --events N --out PATH [--seed S]

writes PATH (one `.jsonl` file, every line a canonical event of DESIGN.md) and
PATH.meta.json (counts, the busiest org, suggested query dates) for bench/run.py.
The same N and seed always give the same bytes (Python's `random.Random` with a
fixed seed; no set or hash order is ever used).

What the log looks like, at 1M events:

* 500 orgs, 20,000 products, 5,000 people (the three counts shrink in
  proportion below 1M events, so a small log is not mostly empty products;
  --orgs/--products/--people override). Org sizes follow a Zipf-like law.
* every kind: launch, pause, resume, retire, throttle, unthrottle, hire,
  depart, codename, strategy, metric, report, retract, and x-funding,
  x-benchmark, x-partnership, x-lawsuit.
* a news pipeline: `recorded` (strictly increasing, 1 ms apart at least) runs
  from 2000 to late 2026, busier in later years; each event's date lags its
  recording by hours to weeks, and 15% are backfills up to 20 years old, so
  lines are appended far out of date order. 8% of dates are `YYYY-MM`, 3% `YYYY`.
* products are launched (about 97% of them) before most events about them;
  pause/resume/retire/throttle/unthrottle follow each product's own state, so
  the state is a plausible mix; some events name a product never launched yet.
* about 3% retractions (of recent events mostly, some old), 1.5% corrections
  that `supersedes` an earlier event (a refined date, a corrected value, a
  firmer confidence), 0.5% exact re-appends of a fact (same content id, to be
  collapsed by replay rule 2), 0.1% user-chosen ids.
* confidences, sources (title/publisher/url/date, some non-ASCII), notes (some
  with tabs, newlines, quotes and a control character), metric values from
  cents to 1e+21.

The log is valid for `check` (errors: none; warnings: events without a source,
events about products never launched).
"""

import argparse
import bisect
import datetime
import hashlib
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canonical import encode_object, encode_string  # noqa: E402

# --------------------------------------------------------------------------
# Word lists (kept small and inline so the generator needs nothing else)

ORG_REAL = ["openai", "google", "anthropic", "meta", "mistral", "xai", "deepseek",
            "alibaba", "baidu", "bytedance", "microsoft", "amazon", "apple", "nvidia",
            "cohere", "ai21", "stability", "midjourney", "runway", "perplexity",
            "moonshot", "zhipu", "minimax", "tencent", "samsung", "ibm", "adobe",
            "inflection", "character", "reka"]
ORG_PRE = ["neo", "deep", "open", "quant", "hyper", "mist", "aleph", "blue", "red", "iron",
           "nova", "zen", "flux", "echo", "lumi", "orbi", "sola", "terra", "vox", "kai",
           "sky", "arc", "core", "data", "syn", "tensor", "vector", "cog", "cere", "astra",
           "helio", "lyra", "omni", "pixel", "prism", "qubit", "sage", "silico", "spark",
           "strato", "vertex", "wave", "xeno", "yotta", "zeta", "cobalt", "amber", "jade"]
ORG_SUF = ["ai", "labs", "mind", "works", "tech", "systems", "logic", "scale", "verse",
           "cloud", "ware", "bit", "net", "gen", "ics", "forge", "minds", "research", "io"]

PRODUCT_BASE = ["chat", "gpt", "gem", "claude", "llama", "sora", "nano", "vision", "coder",
                "pilot", "muse", "atlas", "echo", "orion", "nova", "sage", "spark", "lens",
                "scribe", "voice", "canvas", "studio", "agent", "search", "lyra", "titan",
                "phoenix", "quill", "beacon", "comet", "delta", "ember", "falcon", "glide",
                "harbor", "iris", "jet", "koala", "lumen", "mosaic", "nimbus", "onyx",
                "pulse", "quasar", "raven", "sonic", "tempo", "umbra", "vega", "wren"]
PRODUCT_VARIANT = ["pro", "mini", "flash", "nano", "ultra", "lite", "turbo", "max", "vision",
                   "code", "voice", "image", "video", "edge", "plus", "air", "instruct", "r1"]
PRODUCT_TYPES = ["model"] * 45 + ["product"] * 25 + ["feature"] * 15 + ["api"] * 8 + ["app"] * 5 + [None] * 2

FIRST = ["sam", "denise", "jakub", "ilya", "mira", "emmett", "greg", "dario", "daniela",
         "demis", "sundar", "satya", "mustafa", "yann", "fei-fei", "andrej", "noam", "aidan",
         "arthur", "guillaume", "liang", "robin", "kai-fu", "jensen", "lisa", "sheryl", "kevin",
         "jan", "john", "jane", "maria", "ana", "li", "wei", "yuki", "hiro", "priya", "ravi",
         "amir", "sara", "tom", "anna", "lukas", "elena", "omar", "fatima", "chen", "min",
         "jin", "sofia", "mateo", "lucia", "pablo", "nora", "emil", "ida", "oskar", "freya",
         "olu", "amara", "kwame", "zara", "ivan", "olga", "dmitri", "katya", "raj", "anya",
         "leo", "mia", "noah", "ella", "ethan", "chloe", "lucas", "zoe", "max", "lena"]
LAST = ["altman", "dresser", "pachocki", "sutskever", "murati", "shear", "brockman", "amodei",
        "hassabis", "pichai", "nadella", "suleyman", "lecun", "li", "karpathy", "shazeer",
        "gomez", "mensch", "lample", "wenfeng", "li-yanhong", "lee", "huang", "su", "sandberg",
        "scott", "leike", "schulman", "smith", "garcia", "muller", "rossi", "tanaka", "sato",
        "kim", "park", "chen", "wang", "zhang", "liu", "patel", "sharma", "khan", "ali",
        "novak", "kowalski", "ivanov", "petrov", "jensen", "hansen", "nilsen", "berg", "costa",
        "silva", "santos", "okafor", "mensah", "diallo", "ndiaye", "cohen", "levi", "murphy",
        "kelly", "byrne", "dubois", "martin", "bernard", "schmidt", "weber", "fischer"]
ROLES = ["ceo", "cto", "cfo", "coo", "cro", "cpo", "cmo", "chief-scientist", "head-of-research",
         "head-of-product", "vp-engineering", "general-counsel", "head-of-safety",
         "chief-architect", "head-of-policy", "head-of-sales"]

CODE_WORDS = ["olive", "oil", "cake", "chestnut", "hazelnut", "walnut", "almond", "maple",
              "honey", "ginger", "pepper", "saffron", "vanilla", "mango", "papaya", "kiwi",
              "lemon", "lime", "cherry", "plum", "fig", "date", "berry", "cocoa", "mocha",
              "toffee", "nougat", "praline", "sorbet", "gelato", "tiramisu", "strudel",
              "bagel", "pretzel", "waffle", "crepe", "scone", "muffin", "biscuit", "brioche",
              "orca", "otter", "lynx", "heron", "ibis", "gecko", "bison", "yak", "panda",
              "quokka", "falcon", "kestrel", "marlin", "narwhal", "pelican", "puffin"]

STRATEGY_LABELS = ["code red", "enterprise push", "open weights", "consumer first", "cost cutting",
                   "safety first", "agents everywhere", "multimodal bet", "api first",
                   "vertical integration", "back to research", "growth at all costs",
                   "hardware play", "sovereign ai", "developer love", "platform consolidation"]

PUBLISHERS = ["Reuters", "Bloomberg", "The Verge", "TechCrunch", "InfoQ", "IT之家",
              "电子工程专辑", "PYMNTS.com", "The Information", "Financial Times", "Wired",
              "Ars Technica", "VentureBeat", "Heise", "Le Monde", "Nikkei", "36氪", "机器之心",
              "Les Echos", "Handelsblatt", "The Register", "ZDNet", "CNBC", "Axios",
              "Semafor", "Platformer", "Stratechery", "MIT Technology Review", "Süddeutsche Zeitung",
              "El País", "日本経済新聞", "조선일보", "company blog", "press release", "X post"]
DOMAINS = ["www.reuters.com", "www.bloomberg.com", "www.theverge.com", "techcrunch.com",
           "www.infoq.cn", "www.ithome.com", "www.eet-china.com", "www.pymnts.com",
           "www.theinformation.com", "www.ft.com", "www.wired.com", "arstechnica.com",
           "venturebeat.com", "www.heise.de", "www.lemonde.fr", "asia.nikkei.com",
           "36kr.com", "www.jiqizhixin.com", "www.theregister.com", "www.cnbc.com",
           "www.axios.com", "www.semafor.com", "www.technologyreview.com", "x.com"]

TITLE_TEMPLATES = {
    "launch": ["{Org} launches {Prod}", "Introducing {Prod}", "{Org} unveils {Prod}, its newest {type}",
               "{Prod} is now generally available", "{Org} 发布 {Prod}", "{Org} stellt {Prod} vor"],
    "pause": ["{Org} pauses {Prod}", "{Org} puts {Prod} on hold amid compute crunch",
              "{Org} 暂停 {Prod}", "{Prod} sign-ups suspended"],
    "resume": ["{Org} resumes {Prod}", "{Prod} is back", "{Org} reopens {Prod} to all users"],
    "retire": ["{Org} shuts down {Prod}", "{Org} to retire {Prod} next quarter",
               "Farewell, {Prod}", "{Org} 下线 {Prod}"],
    "throttle": ["{Org} limits {Prod} usage as GPUs melt", "{Prod} rate limits tightened",
                 "{Org}、{Org} 对 {Prod} 采取限流措施", "{Org} caps free {Prod} requests"],
    "unthrottle": ["{Org} lifts {Prod} limits", "{Prod} rate limits eased"],
    "hire": ["{Org} appoints {Person} as {role}", "{Person} joins {Org} as {role}",
             "{Org} names new {role}"],
    "depart": ["{Person} leaves {Org}", "{Org}'s {role} steps down", "{Person} departs {Org}"],
    "codename": ["{Org} testing model codenamed \u201c{code}\u201d", "Mystery model \u201c{code}\u201d spotted in the arena",
                 "盲测新模型 {code} 曝光"],
    "strategy": ["{Org} declares \u201c{label}\u201d", "Inside {Org}'s {label} memo",
                 "{Org} shifts strategy: {label}"],
    "metric": ["{Org} {name} reaches {value}", "{Org} by the numbers", "{Org}'s {name}, explained"],
    "report": ["Blind test: {Prod} vs rivals", "{Org} refused request for more time, insiders say",
               "Hands-on with {Prod}", "What we know about {Org}'s plans", "{Prod} review",
               "OpenAI 盲测新模型不如 Nano Banana Pro?"],
    "retract": ["Correction: earlier report on {Org} withdrawn", "Editor's note: story retracted"],
    "x": ["{Org} raises new round", "{Org} partners with {Org2}", "{Org} sued over {Prod}",
          "{Prod} tops benchmark"],
}
NOTES = ["about $500 billion", "insiders say", "reported by several outlets",
         "unconfirmed; single anonymous source", "seen in a blind test on the arena",
         "date approximate", "the article hedges: \"suspected\"", "from the earnings call",
         "leaked internal memo", "as stated in the company's blog post",
         "tab\there\nnewline \"q\" \u0007 ü", "per a screenshot shared on social media",
         "limits: 50 requests/day for free users", "retention 10% on day 1, 1% on day 30",
         "announced at the developer conference", "first noticed by users on Reddit",
         "quote: \u201cthe pure research era is over\u201d", "multiline\nnote\nwith three lines",
         "C:\\path\\with\\backslashes", "据知情人士透露", "laut Insidern", "selon des sources internes"]
PAUSE_REASONS = ["compute shortage", "focus on core products", "safety review", "legal review",
                 "low retention", "code red", "regulatory pressure", "quality issues"]
RETIRE_REASONS = ["superseded by successor", "low usage", "strategy change", "end of life",
                  "merged into main product", "cost"]
THROTTLE_LIMITS = ["50 requests/day", "GPU capacity", "free tier capped at 3 images/day",
                   "waitlist only", "10 messages per 3 hours", "reduced context window",
                   "no new sign-ups"]
RETRACT_REASONS = ["source withdrew the story", "wrong org", "duplicate of another event",
                   "misread date", "hoax", "entered by mistake", "denied by the company"]
METRICS_ORG = [("valuation", "USD", 1e7, 1e12), ("revenue", "USD", 1e5, 1e11),
               ("funding", "USD", 1e6, 5e10), ("headcount", None, 5, 200000),
               ("arr", "USD", 1e5, 2e10), ("gpus", "H100-equivalents", 100, 1e6)]
METRICS_PRODUCT = [("mau", "users", 1e3, 1e9), ("elo", "points", 900, 1500),
                   ("mmlu", "percent", 25, 95), ("price-input", "USD/Mtok", 0.01, 75),
                   ("latency", "ms", 20, 5000), ("retention-d1", "percent", 1, 80),
                   ("context-window", "tokens", 2048, 2e6), ("params", None, 1e8, 2e12)]
X_KINDS = ["x-funding", "x-benchmark", "x-partnership", "x-lawsuit"]

PRODUCT_KINDS = ("launch", "pause", "resume", "retire", "throttle", "unthrottle")

# The next event about a product, given its state (0 never launched, 1 active,
# 2 paused, 3 retired) and whether it is throttled: throttling comes in short
# episodes, pauses mostly end, retirement mostly sticks. A few events repeat
# the current state (a pause reported again): they change nothing.
PRODUCT_NEXT = {}
for _st in (0, 1):
    PRODUCT_NEXT[(_st, False)] = [("throttle", 20), ("pause", 30), ("retire", 3), ("resume", 5), ("unthrottle", 4)]
    PRODUCT_NEXT[(_st, True)] = [("unthrottle", 70), ("throttle", 6), ("pause", 12), ("retire", 2), ("resume", 5)]
PRODUCT_NEXT[(2, False)] = [("resume", 60), ("retire", 5), ("pause", 8), ("throttle", 10), ("unthrottle", 5)]
PRODUCT_NEXT[(2, True)] = [("resume", 30), ("unthrottle", 50), ("retire", 4), ("pause", 6), ("throttle", 4)]
PRODUCT_NEXT[(3, False)] = [("resume", 30), ("retire", 20), ("unthrottle", 40), ("throttle", 10)]
PRODUCT_NEXT[(3, True)] = [("unthrottle", 70), ("resume", 20), ("retire", 5), ("throttle", 5)]

def _pick_weighted(pairs, u):
    x = u * sum(w for _, w in pairs)
    for k, w in pairs:
        x -= w
        if x < 0:
            return k
    return pairs[-1][0]

# Share of each slot type, in percent (launch share is computed from the
# number of products; "product" covers pause..unthrottle, chosen by state).
MIX = [("product", 28.0), ("hire", 5.5), ("depart", 3.5), ("codename", 3.0),
       ("strategy", 3.5), ("metric", 22.0), ("report", 22.0), ("x", 3.0),
       ("retract", 3.0), ("supersede", 1.5), ("duplicate", 0.5)]

START = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2026, 10, 31, tzinfo=datetime.timezone.utc)
START_MS = int(START.timestamp() * 1000)
SPAN_MS = int(END.timestamp() * 1000) - START_MS
FIRST_DAY = datetime.date(2000, 1, 1).toordinal()
MS_DAY = 86400000
EPOCH_ORD = datetime.date(1970, 1, 1).toordinal()


_TITLE_CACHE = {}
_URL_JUNK = re.compile(r"[^a-z0-9]+")


def title_case(slug):
    t = _TITLE_CACHE.get(slug)
    if t is None:
        t = _TITLE_CACHE[slug] = "-".join(p[:1].upper() + p[1:] for p in slug.split("-"))
    return t


class Generator:
    def __init__(self, n, seed, n_orgs, n_products, n_people):
        self.n = n
        self.r = random.Random(seed)
        rnd = self.r.random
        # random.choice is 10x slower than this, and it runs millions of times.
        self.pick = lambda seq: seq[int(rnd() * len(seq))]
        self.seed = seed
        self.day_str = {}
        r = self.r

        # Orgs: the real names first, then invented ones, all unique.
        orgs = list(ORG_REAL[:n_orgs])
        seen = set(orgs)
        while len(orgs) < n_orgs:
            s = self.pick(ORG_PRE) + self.pick(["", "", "-"]) + self.pick(ORG_SUF)
            if len(orgs) > 300 and r.random() < 0.5:
                s += "-" + str(r.randint(2, 99))
            if s not in seen:
                seen.add(s)
                orgs.append(s)
        self.orgs = orgs
        self.org_weights = [1.0 / (i + 1) ** 0.8 for i in range(n_orgs)]
        self.org_cum = list(_accumulate(self.org_weights))

        # Products: every org gets one, the rest by weight; slugs unique per org.
        products = []
        product_org = []
        taken = set()
        for j in range(n_products):
            oi = j if j < n_orgs else self.pick_org_index()
            for _ in range(1000):
                base = self.pick(PRODUCT_BASE)
                u = r.random()
                if u < 0.45:
                    slug = "%s-%d.%d" % (base, r.randint(1, 9), r.randint(0, 9))
                elif u < 0.75:
                    slug = "%s-%s" % (base, self.pick(PRODUCT_VARIANT))
                elif u < 0.9:
                    slug = "%s-%d-%s" % (base, r.randint(1, 12), self.pick(PRODUCT_VARIANT))
                else:
                    slug = "%s-%s-%d" % (base, self.pick(CODE_WORDS), r.randint(1, 999))
                pid = orgs[oi] + "/" + slug
                if pid not in taken:
                    break
            taken.add(pid)
            products.append(pid)
            product_org.append(oi)
        self.products = products
        self.product_org = product_org
        self.org_products = [[] for _ in orgs]
        for j, oi in enumerate(product_org):
            self.org_products[oi].append(j)
        self.product_type = [self.pick(PRODUCT_TYPES) for _ in products]
        # Generation-side state of each product: 0 never launched, 1 active,
        # 2 paused, 3 retired; throttled flag; launch day ordinal.
        self.pstate = [0] * n_products
        self.pthrottled = [False] * n_products
        self.launch_order = list(range(n_products))
        r.shuffle(self.launch_order)
        self.next_launch = 0
        self.launched_days = []   # sorted launch day ordinals
        self.launched_prods = []  # product index, parallel to launched_days
        self.org_launched = [[] for _ in orgs]  # per org: (day, product) in launch order

        people = []
        seen = set()
        while len(people) < n_people:
            s = self.pick(FIRST) + "-" + self.pick(LAST)
            if s in seen:
                s += "-" + str(r.randint(2, 99))
            if s not in seen:
                seen.add(s)
                people.append(s)
        self.people = people
        self.org_hires = [[] for _ in orgs]      # recent (person, role) per org
        self.org_codenames = [[] for _ in orgs]  # codenames seen without a model

        self.recent = []        # ring of recent non-retract events (dicts)
        self.all_ids = []       # every non-retract id so far
        self.user_ids = 0

        launch_share = min(0.95 * n_products / max(n, 1), 0.3) * 100
        mix = [("launch", launch_share)] + MIX
        self.mix_names = [m for m, _ in mix]
        self.mix_cum = list(_accumulate([w for _, w in mix]))

    # -------------------------------------------------------------- helpers
    def pick_org_index(self):
        return bisect.bisect_left(self.org_cum, self.r.random() * self.org_cum[-1])

    def date_string(self, day):
        s = self.day_str.get(day)
        if s is None:
            s = self.day_str[day] = datetime.date.fromordinal(day).isoformat()
        return s

    def event_date(self, day):
        u = self.r.random()
        s = self.date_string(day)
        if u < 0.08:
            return s[:7]
        if u < 0.11:
            return s[:4]
        return s

    def confidence(self, rumor=0.1, confirmed=0.25):
        u = self.r.random()
        if u < rumor:
            return "rumor"
        if u < rumor + confirmed:
            return "confirmed"
        return "reported"

    def source(self, kind, fill, rec_day):
        r = self.r
        if r.random() < 0.15:
            return None
        templates = TITLE_TEMPLATES.get(kind) or TITLE_TEMPLATES["x"]
        src = {}
        u = r.random()
        has_title = u < 0.9
        has_url = u >= 0.7 or not has_title
        title = None
        if has_title or has_url:
            title = self.pick(templates).format(**fill)
        if has_title:
            src["title"] = title
        if r.random() < 0.8:
            src["publisher"] = self.pick(PUBLISHERS)
        if has_url:
            d = self.date_string(rec_day)
            slug = _URL_JUNK.sub("-", title.lower()).strip("-")
            src["url"] = "https://%s/%s/%s/%s-%d" % (
                self.pick(DOMAINS), d[:4], d[5:7], slug[:60] or "article", r.randint(1000, 99999999))
        if r.random() < 0.6:
            src["date"] = self.date_string(rec_day)
        return src

    def note(self, p):
        if self.r.random() < p:
            return self.pick(NOTES)
        return None

    def fill(self, org, prod=None, person=None, **extra):
        r = self.r
        f = {"Org": title_case(org), "Org2": title_case(self.pick(self.orgs)),
             "Prod": title_case(prod.split("/", 1)[1]) if prod else "its new model",
             "Person": title_case(person) if person else "a new executive",
             "type": "model", "role": "executive", "code": "unknown", "label": "a new plan",
             "name": "valuation", "value": "a record"}
        f.update(extra)
        return f

    def launched_by(self, day):
        """A product launched on or before `day`, biased to recent launches."""
        k = bisect.bisect_right(self.launched_days, day)
        if k == 0:
            return None
        r = self.r
        if r.random() < 0.5:
            i = k - 1 - int(r.random() * max(1, k // 10))
        else:
            i = int(r.random() * k)
        return self.launched_prods[i]

    def org_product_by(self, oi, day):
        lst = self.org_launched[oi]
        if lst and lst[0][0] <= day:
            k = bisect.bisect_right(lst, (day, len(self.products)))
            j = k - 1 - int(self.r.random() * min(k, 8))
            return lst[j][1]
        return None

    # -------------------------------------------------------------- event kinds
    def gen_launch(self, day, rec_day):
        r = self.r
        if self.next_launch < len(self.launch_order):
            p = self.launch_order[self.next_launch]
            self.next_launch += 1
            first = True
        else:  # every product launched: a relaunch
            p = self.launched_by(day)
            if p is None:
                p = r.randrange(len(self.products))
            first = False
        oi = self.product_org[p]
        org = self.orgs[oi]
        pid = self.products[p]
        attrs = {}
        t = self.product_type[p]
        if t is not None:
            attrs["type"] = t
        if r.random() < 0.4:
            pred = self.org_product_by(oi, day)
            if pred is not None and pred != p:
                attrs["predecessor"] = self.products[pred]
        if r.random() < 0.15:
            cns = self.org_codenames[oi]
            if cns and r.random() < 0.5:
                attrs["codename"] = cns.pop(r.randrange(len(cns)))
            else:
                attrs["codename"] = self.codename_word()
        if first:
            bisect.insort(self.org_launched[oi], (day, p))
            i = bisect.bisect_right(self.launched_days, day)
            self.launched_days.insert(i, day)
            self.launched_prods.insert(i, p)
        self.pstate[p] = 1
        return {"date": self.event_date(day), "kind": "launch", "org": org, "subject": pid,
                "attrs": attrs, "confidence": self.confidence(0.05, 0.45),
                "source": self.source("launch", self.fill(org, pid, type=t or "product"), rec_day),
                "note": self.note(0.15)}

    def gen_product(self, day, rec_day):
        r = self.r
        p = None
        for _ in range(4):
            if r.random() < 0.04:
                p = r.randrange(len(self.products))  # maybe never launched: creates it
            else:
                p = self.launched_by(day)
                if p is None:
                    p = r.randrange(len(self.products))
            if self.pstate[p] != 3 or r.random() < 0.1:
                break
        kind = _pick_weighted(PRODUCT_NEXT[(self.pstate[p], self.pthrottled[p])], r.random())
        if kind == "throttle":
            self.pthrottled[p] = True
        elif kind == "unthrottle":
            self.pthrottled[p] = False
        elif kind == "pause":
            self.pstate[p] = 2
        elif kind == "resume":
            self.pstate[p] = 1
        elif kind == "retire":
            self.pstate[p] = 3
        attrs = {}
        if kind == "pause" and r.random() < 0.6:
            attrs["reason"] = self.pick(PAUSE_REASONS)
        elif kind == "retire" and r.random() < 0.6:
            attrs["reason"] = self.pick(RETIRE_REASONS)
        elif kind == "throttle" and r.random() < 0.8:
            attrs["limit"] = self.pick(THROTTLE_LIMITS)
        pid = self.products[p]
        org = self.orgs[self.product_org[p]]
        return {"date": self.event_date(day), "kind": kind, "org": org, "subject": pid,
                "attrs": attrs, "confidence": self.confidence(),
                "source": self.source(kind, self.fill(org, pid), rec_day), "note": self.note(0.25)}

    def gen_hire(self, day, rec_day):
        r = self.r
        oi = self.pick_org_index()
        org = self.orgs[oi]
        person = self.pick(self.people)
        role = self.pick(ROLES)
        attrs = {"role": role}
        if r.random() < 0.3:
            attrs["from"] = self.pick(self.orgs)
        hires = self.org_hires[oi]
        hires.append((person, role))
        if len(hires) > 40:
            del hires[0]
        return {"date": self.event_date(day), "kind": "hire", "org": org, "subject": person,
                "attrs": attrs, "confidence": self.confidence(0.08, 0.5),
                "source": self.source("hire", self.fill(org, person=person, role=role), rec_day),
                "note": self.note(0.2)}

    def gen_depart(self, day, rec_day):
        r = self.r
        oi = self.pick_org_index()
        org = self.orgs[oi]
        hires = self.org_hires[oi]
        attrs = {}
        if hires and r.random() < 0.85:
            person, role = hires.pop(r.randrange(len(hires)))
            if r.random() < 0.6:
                attrs["role"] = role
        else:
            person, role = self.pick(self.people), self.pick(ROLES)
        return {"date": self.event_date(day), "kind": "depart", "org": org, "subject": person,
                "attrs": attrs, "confidence": self.confidence(0.15, 0.4),
                "source": self.source("depart", self.fill(org, person=person, role=role), rec_day),
                "note": self.note(0.3)}

    def codename_word(self):
        r = self.r
        u = r.random()
        if u < 0.4:
            return self.pick(CODE_WORDS)
        if u < 0.85:
            return self.pick(CODE_WORDS) + "-" + self.pick(CODE_WORDS)
        return "%s-%s-%s" % (self.pick(CODE_WORDS), self.pick(CODE_WORDS), self.pick(CODE_WORDS))

    def gen_codename(self, day, rec_day):
        r = self.r
        oi = self.pick_org_index()
        org = self.orgs[oi]
        code = self.codename_word()
        ev = {"date": self.event_date(day), "kind": "codename", "org": org,
              "attrs": {"codename": code}, "confidence": self.confidence(0.45, 0.1),
              "note": self.note(0.35)}
        p = self.org_product_by(oi, day) if r.random() < 0.6 else None
        if p is not None:
            ev["subject"] = self.products[p]
        else:
            cns = self.org_codenames[oi]
            cns.append(code)
            if len(cns) > 20:
                del cns[0]
        ev["source"] = self.source("codename", self.fill(org, ev.get("subject"), code=code), rec_day)
        return ev

    def gen_strategy(self, day, rec_day):
        r = self.r
        oi = self.pick_org_index()
        org = self.orgs[oi]
        pool = [pi for d, pi in self.org_launched[oi] if d <= day]
        if len(pool) < 2:
            pool = self.org_products[oi][:6] or pool
        pool = pool[-12:]
        nf = min(len(pool), r.randint(1, 3))
        focus = r.sample(pool, nf)
        rest = [x for x in pool if x not in focus]
        nd = min(len(rest), self.pick([0, 0, 1, 1, 2]))
        dep = r.sample(rest, nd)
        label = self.pick(STRATEGY_LABELS)
        attrs = {"label": label, "focus": sorted(self.products[x] for x in focus)}
        if dep:
            attrs["deprioritize"] = sorted(self.products[x] for x in dep)
        ev = {"date": self.event_date(day), "kind": "strategy", "org": org, "attrs": attrs,
              "confidence": self.confidence(0.2, 0.2),
              "source": self.source("strategy", self.fill(org, label=label), rec_day),
              "note": self.note(0.4)}
        if r.random() < 0.3:
            ev["subject"] = org
        return ev

    def metric_value(self, lo, hi, name):
        r = self.r
        u = r.random()
        if u < 0.003:
            return self.pick([1e21, 2.5e21, 1.5e-7, 3e-9, 123456789012345680000])
        x = lo * (hi / lo) ** r.random()
        if name in ("elo", "mmlu", "retention-d1"):
            return round(x, self.pick([0, 1, 2]))
        if name == "price-input":
            return round(x, 2) or 0.01
        if x > 1e6:
            return int(round(x, -int(len(str(int(x))) - 3)))  # three significant digits
        return int(x) if name != "amount" or r.random() < 0.7 else round(x, 3)

    def gen_metric(self, day, rec_day):
        r = self.r
        oi = self.pick_org_index()
        org = self.orgs[oi]
        ev = {"date": self.event_date(day), "kind": "metric", "org": org,
              "confidence": self.confidence(0.1, 0.3), "note": self.note(0.2)}
        p = self.org_product_by(oi, day) if r.random() < 0.5 else None
        if p is not None:
            ev["subject"] = self.products[p]
            name, unit, lo, hi = self.pick(METRICS_PRODUCT)
        else:
            if r.random() < 0.3:
                ev["subject"] = org
            name, unit, lo, hi = self.pick(METRICS_ORG)
        value = self.metric_value(lo, hi, name)
        attrs = {"name": name, "value": value}
        if unit is not None:
            attrs["unit"] = unit
        ev["attrs"] = attrs
        ev["source"] = self.source("metric", self.fill(org, name=name, value=str(value)), rec_day)
        return ev

    def gen_report(self, day, rec_day):
        r = self.r
        u = r.random()
        p = self.launched_by(day)
        if p is not None and u < 0.55:
            org = self.orgs[self.product_org[p]]
            subject = self.products[p]
        else:
            org = self.orgs[self.pick_org_index()]
            subject = (self.pick(self.people) if u < 0.7 else org if u < 0.8 else None)
        ev = {"date": self.event_date(day), "kind": "report", "org": org,
              "confidence": self.confidence(0.25, 0.15),
              "source": self.source("report", self.fill(org, subject if subject and "/" in subject else None), rec_day),
              "note": self.note(0.8)}
        if subject is not None:
            ev["subject"] = subject
        return ev

    def gen_x(self, day, rec_day):
        r = self.r
        kind = self.pick(X_KINDS)
        oi = self.pick_org_index()
        org = self.orgs[oi]
        p = self.org_product_by(oi, day)
        if kind == "x-funding":
            attrs = {"amount": self.metric_value(1e6, 4e10, "amount"), "currency": "USD",
                     "round": self.pick(["seed", "series-a", "series-b", "series-c", "strategic"]),
                     "investors": sorted(set(r.sample(self.orgs, r.randint(1, 4))))}
        elif kind == "x-benchmark":
            attrs = {"suite": self.pick(["mmlu", "swe-bench", "arena", "gpqa", "humaneval"]),
                     "score": round(r.uniform(10, 99), 1), "sota": r.random() < 0.2}
        elif kind == "x-partnership":
            attrs = {"partner": self.pick(self.orgs), "exclusive": r.random() < 0.3}
        else:
            attrs = {"court": self.pick(["N.D. Cal.", "S.D.N.Y.", "High Court", "EU Commission"]),
                     "claims": r.sample(["copyright", "privacy", "antitrust", "trademark"], r.randint(1, 2))}
        ev = {"date": self.event_date(day), "kind": kind, "org": org, "attrs": attrs,
              "confidence": self.confidence(),
              "source": self.source("x", self.fill(org, self.products[p] if p is not None else None), rec_day),
              "note": self.note(0.3)}
        if p is not None and r.random() < 0.5:
            ev["subject"] = self.products[p]
        return ev

    def gen_retract(self, day, rec_day):
        r = self.r
        if not self.all_ids:
            return None
        if r.random() < 0.8 and self.recent:
            target = self.pick(self.recent)["id"]
        else:
            target = self.pick(self.all_ids)
        ds = self.date_string(rec_day)
        return {"date": ds, "kind": "retract",
                "attrs": {"target": target, "reason": self.pick(RETRACT_REASONS)},
                "confidence": "confirmed",
                "source": self.source("retract", self.fill(self.pick(self.orgs)), rec_day) if r.random() < 0.5 else None,
                "note": self.note(0.2)}

    def gen_supersede(self, day, rec_day):
        """A correction: a copy of a recent event with one thing fixed."""
        r = self.r
        if not self.recent:
            return None
        old = self.pick(self.recent)
        ev = {k: v for k, v in old.items() if k not in ("id", "recorded")}
        ev["supersedes"] = old["id"]
        u = r.random()
        d = ev["date"]
        if ev["kind"] == "metric" and u < 0.6:
            a = dict(ev["attrs"])
            v = a["value"]
            a["value"] = v * 2 if isinstance(v, int) and r.random() < 0.5 else round(v * r.uniform(0.8, 1.2), 2) if isinstance(v, float) else v + 1
            ev["attrs"] = a
            ev["note"] = "corrected value"
        elif len(d) < 10 and u < 0.8:
            # Refine a partial date to a day inside its period.
            if len(d) == 4:
                ev["date"] = "%s-%02d-%02d" % (d, r.randint(1, 12), r.randint(1, 28))
            else:
                ev["date"] = "%s-%02d" % (d, r.randint(1, 28))
            ev["note"] = "exact date now known"
        elif u < 0.5:
            od = datetime.date.fromisoformat(d).toordinal() if len(d) == 10 else day
            ev["date"] = self.date_string(max(FIRST_DAY, od + r.randint(-20, 20)))
            ev["note"] = "date corrected"
        else:
            ev["confidence"] = "confirmed" if ev.get("confidence") != "confirmed" else "reported"
            ev["note"] = "confidence revised"
        return ev

    # -------------------------------------------------------------- main loop
    def run(self, out):
        r = self.r
        n = self.n
        names = self.mix_names
        cum = self.mix_cum
        total = cum[-1]
        gens = {"launch": self.gen_launch, "product": self.gen_product, "hire": self.gen_hire,
                "depart": self.gen_depart, "codename": self.gen_codename,
                "strategy": self.gen_strategy, "metric": self.gen_metric,
                "report": self.gen_report, "x": self.gen_x, "retract": self.gen_retract,
                "supersede": self.gen_supersede}
        sha = hashlib.sha256
        prev_ms = START_MS - 1
        buf = []
        counts = {}
        org_events = {}
        nbytes = 0
        rec_cache_day = -1
        rec_prefix = ""
        for i in range(n):
            # Transaction time: busier in later years (density grows linearly).
            x = (i + r.random()) / n
            ms = START_MS + int(SPAN_MS * x ** 0.5)
            if ms <= prev_ms:
                ms = prev_ms + 1
            prev_ms = ms
            rec_day = ms // MS_DAY + EPOCH_ORD
            # Valid time: lags the recording, sometimes by years (backfills).
            u = r.random()
            if u < 0.6:
                lag = int(r.random() * 3)
            elif u < 0.85:
                lag = int(r.random() * 90)
            else:
                lag = int(r.random() * 7300)
            day = max(FIRST_DAY, rec_day - lag)

            slot = names[bisect.bisect_left(cum, r.random() * total)]
            if slot == "duplicate":
                ev = self.pick(self.recent) if self.recent else None
                if ev is not None:
                    ev = dict(ev)  # same content, same id: a re-appended fact
            else:
                ev = gens[slot](day, rec_day)
                if ev is None:  # nothing to retract or correct yet
                    ev = self.gen_report(day, rec_day)
                body = canonical_body(ev)
                if r.random() < 0.001:
                    self.user_ids += 1
                    ev["id"] = "imp-%d-%06d" % (self.seed, self.user_ids)
                else:
                    ev["id"] = sha(("{" + body + "}").encode("utf-8")).hexdigest()[:12]
                ev["_body"] = body
                if ev["kind"] != "retract":
                    self.all_ids.append(ev["id"])
                    self.recent.append(ev)
                    if len(self.recent) > 5000:
                        del self.recent[:1000]
            if ev is None:
                ev = self.gen_report(day, rec_day)
                body = canonical_body(ev)
                ev["id"] = sha(("{" + body + "}").encode("utf-8")).hexdigest()[:12]
                ev["_body"] = body
            if rec_day != rec_cache_day:
                rec_cache_day = rec_day
                rec_prefix = self.date_string(rec_day) + "T"
            msd = ms % MS_DAY
            recorded = "%s%02d:%02d:%02d.%03dZ" % (rec_prefix, msd // 3600000, msd // 60000 % 60,
                                                  msd // 1000 % 60, msd % 1000)
            line = '{"id":"%s",%s,"recorded":"%s"}\n' % (ev["id"], ev["_body"], recorded)
            buf.append(line)
            k = ev["kind"]
            counts[k] = counts.get(k, 0) + 1
            o = ev.get("org")
            if o is not None:
                org_events[o] = org_events.get(o, 0) + 1
            if len(buf) >= 20000:
                chunk = "".join(buf)
                nbytes += len(chunk.encode("utf-8"))
                out.write(chunk)
                buf = []
        if buf:
            chunk = "".join(buf)
            nbytes += len(chunk.encode("utf-8"))
            out.write(chunk)
        return counts, org_events, nbytes


def canonical_body(ev):
    """The canonical line of ev without id and recorded, minus the braces.

    The same text as canonical.canonical_line(ev, with_id=False)[1:-1], written
    out field by field because it runs a million times (checked in --check).
    """
    parts = ['"date":"' + ev["date"] + '","kind":"' + ev["kind"] + '"']
    org = ev.get("org")
    if org is not None:
        parts.append('"org":"' + org + '"')
    subject = ev.get("subject")
    if subject is not None:
        parts.append('"subject":' + encode_string(subject))
    attrs = ev.get("attrs")
    if attrs:
        parts.append('"attrs":' + encode_object(attrs))
    parts.append('"confidence":"' + (ev.get("confidence") or "reported") + '"')
    source = ev.get("source")
    if source:
        parts.append('"source":' + encode_source(source))
    sup = ev.get("supersedes")
    if sup is not None:
        parts.append('"supersedes":"' + sup + '"')
    note = ev.get("note")
    if note is not None:
        parts.append('"note":' + encode_string(note))
    return ",".join(parts)


def encode_source(src):
    """encode_object for a source: its keys sorted are date, publisher, title, url."""
    parts = []
    for key in ("date", "publisher", "title", "url"):
        v = src.get(key)
        if v is not None:
            parts.append('"' + key + '":' + encode_string(v))
    return "{" + ",".join(parts) + "}"


def _accumulate(ws):
    t = 0.0
    for w in ws:
        t += w
        yield t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, required=True, help="number of lines to write")
    ap.add_argument("--out", required=True, help="output .jsonl file")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--orgs", type=int)
    ap.add_argument("--products", type=int)
    ap.add_argument("--people", type=int)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    n = a.events
    scale = min(1.0, n / 1_000_000)
    n_products = a.products or max(100, round(20000 * scale))
    n_people = a.people or max(50, round(5000 * scale))
    n_orgs = a.orgs or min(500, max(20, n_products // 4))
    if n_orgs > n_products:
        ap.error("--orgs must not exceed --products")
    t0 = time.time()
    g = Generator(n, a.seed, n_orgs, n_products, n_people)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        counts, org_events, nbytes = g.run(f)
    os.replace(tmp, a.out)
    secs = time.time() - t0
    top_org = max(sorted(org_events), key=lambda o: org_events[o])
    meta = {
        "events": n, "seed": a.seed, "bytes": nbytes, "bytes_per_line": round(nbytes / max(n, 1), 1),
        "orgs": n_orgs, "products": n_products, "people": n_people,
        "products_launched": min(g.next_launch, n_products),
        "kinds": dict(sorted(counts.items())),
        "top_org": top_org, "top_org_events": org_events[top_org],
        # Dates worth querying: a busy recent day, a year end, an early date.
        "at": ["2025-12-10", "2024-12", "2012"], "diff": ["2024-12-31", "2025-12-31"],
        "generator_seconds": round(secs, 2),
    }
    with open(a.out + ".meta.json", "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    if not a.quiet:
        print("%s: %d events, %d bytes (%.1f bytes/line) in %.1f s" % (
            a.out, n, nbytes, nbytes / max(n, 1), secs), file=sys.stderr)


if __name__ == "__main__":
    main()

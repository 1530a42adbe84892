"""Canonical encoding of timeline events, as DESIGN.md ("The event record") defines it.

Importable by the generator and the peers, and runnable as a self-test:

    python3 bench/canonical.py        # checks the three DESIGN.md test vectors

The canonical line is what `add` writes and what content ids hash:

* top-level keys in the order of FIELDS; absent and null fields and an empty
  `attrs` omitted; `confidence` always written ("reported" when absent);
* keys inside `attrs` and `source` sorted by code point;
* strings as UTF-8 with only `"`, `\\` and U+0000..U+001F escaped
  (`\\n`, `\\r`, `\\t`, the rest as `\\u00xx` in lowercase hex);
* numbers as RFC 8785 writes them (ECMAScript Number::toString of the double);
* no whitespace.

The content id is the first 12 hex digits of the SHA-256 of the canonical
line without `id` and `recorded`.
"""

import hashlib
import math
import re

FIELDS = ("id", "date", "kind", "org", "subject", "attrs", "confidence",
          "source", "supersedes", "note", "recorded")
DEFAULT_CONFIDENCE = "reported"

# Characters that must be escaped; everything else (including non-ASCII, DEL,
# U+2028) is written as is.
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
for _c in range(0x20):
    _ESCAPES.setdefault(chr(_c), "\\u%04x" % _c)


def _escape_char(m):
    return _ESCAPES[m.group(0)]


def encode_string(s):
    """A JSON string literal with the canonical (minimal) escaping."""
    if _NEEDS_ESCAPE.search(s) is None:
        return '"' + s + '"'
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, s) + '"'


def encode_number(x):
    """ECMAScript Number::toString of the double nearest to x (RFC 8785 section 3.2.2.3).

    Integers are taken as doubles too, as every JSON reader that follows
    RFC 8785 does (so 2**53 + 1 is written as 9007199254740992).
    """
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    f = float(x)
    if math.isnan(f) or math.isinf(f):
        raise ValueError("NaN and infinities have no JSON form")
    if f == 0:
        return "0"  # also -0
    sign = "-" if f < 0 else ""
    # repr gives the shortest round-trip digits; take them apart.
    r = repr(abs(f))
    if "e" in r:
        mant, exp = r.split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    if fp == "0":
        fp = ""
    digits = (ip + fp).lstrip("0")
    # value = 0.digits * 10**n  (ECMAScript's n: position of the decimal point)
    n = len(ip) + exp if ip != "0" else exp - (len(fp) - len(fp.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    es = ("+" if e >= 0 else "-") + str(abs(e))
    if k == 1:
        return sign + digits + "e" + es
    return sign + digits[0] + "." + digits[1:] + "e" + es


def encode_value(v):
    """An attrs/source value: string, number, bool, or array of such."""
    if isinstance(v, str):
        return encode_string(v)
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return encode_number(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(encode_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return encode_object(v)
    raise TypeError("cannot encode %r" % (v,))


def encode_object(d):
    """An object with keys sorted by code point and null members dropped."""
    parts = []
    for k in sorted(d):
        v = d[k]
        if v is None:
            continue
        parts.append(encode_string(k) + ":" + (encode_string(v) if type(v) is str else encode_value(v)))
    return "{" + ",".join(parts) + "}"


def canonical_line(event, with_id=True):
    """The canonical JSON text of `event` (a dict), without the trailing newline.

    with_id=False leaves out `id` and `recorded`: the text that content ids hash.
    """
    parts = []
    for key in FIELDS:
        if not with_id and key in ("id", "recorded"):
            continue
        v = event.get(key)
        if key == "confidence" and v is None:
            v = DEFAULT_CONFIDENCE
        if v is None:
            continue
        if key in ("attrs", "source"):
            if not v:
                continue
            parts.append('"' + key + '":' + encode_object(v))
        else:
            parts.append('"' + key + '":' + encode_string(v))
    return "{" + ",".join(parts) + "}"


def id_of_text(text):
    """Content id of an already canonical text (without id and recorded)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def content_id(event):
    """The content id of `event`: first 12 hex of SHA-256 of its canonical text."""
    return id_of_text(canonical_line(event, with_id=False))


# The three test vectors of DESIGN.md: (canonical text, id).
TEST_VECTORS = [
    ('{"date":"2025-12-11","kind":"launch","org":"openai","subject":"openai/gpt-5.2",'
     '"attrs":{"codename":"olive-oil-cake","predecessor":"openai/gpt-5.1","type":"model"},'
     '"confidence":"confirmed","source":{"publisher":"OpenAI","title":"Introducing GPT-5.2"}}',
     "d16757df582e"),
    ('{"date":"2025-12","kind":"metric","org":"openai","attrs":{"name":"valuation",'
     '"unit":"USD","value":500000000000},"confidence":"reported","note":"about $500 billion"}',
     "5aea54fd60ad"),
    ('{"date":"2025-12-10","kind":"strategy","org":"openai","attrs":{"deprioritize":["openai/sora"],'
     '"focus":["openai/chatgpt","openai/gpt-5.2"],"label":"code red"},"confidence":"reported",'
     '"source":{"date":"2025-12-10","publisher":"InfoQ","title":"OpenAI 盲测新模型不如 Nano Banana Pro?"},'
     '"note":"tab\\there\\nnewline \\"q\\" \\u0007 ü"}',
     "2a071141b346"),
]

# (double, ECMAScript text) pairs, from RFC 8785 appendix B and ECMA-262.
NUMBER_VECTORS = [
    (0.0, "0"), (-0.0, "0"), (1, "1"), (-1, "-1"), (0.1, "0.1"), (500000000000, "500000000000"),
    (1e21, "1e+21"), (1e20, "100000000000000000000"), (123e18, "123000000000000000000"),
    (1e-6, "0.000001"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (4.5, "4.5"), (2e-3, "0.002"),
    (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    (9007199254740992, "9007199254740992"), (9007199254740993, "9007199254740992"),
    (295147905179352830000, "295147905179352830000"), (-1.2345e-10, "-1.2345e-10"),
    (333333333.3333332, "333333333.3333332"), (1e23, "1e+23"), (12.5, "12.5"),
    (0.000001234, "0.000001234"), (123456789012345680000, "123456789012345680000"),
]


def self_test():
    import json
    for text, want in TEST_VECTORS:
        ev = json.loads(text)
        got_text = canonical_line(ev, with_id=False)
        assert got_text == text, (got_text, text)
        got = content_id(ev)
        assert got == want, (got, want)
        print(want, "ok")
    for x, want in NUMBER_VECTORS:
        got = encode_number(x)
        assert got == want, (x, got, want)
    print(len(NUMBER_VECTORS), "number vectors ok")
    # \b and \f are not short escapes here (json.dumps would write them so).
    assert encode_string("\b\f\x7f\u2028") == '"\\u0008\\u000c\x7f\u2028"'
    print("string escapes ok")


if __name__ == "__main__":
    self_test()

"""The tally both real-component checks keep (scripts/browser_test.py and
scripts/broker_test.py): one line per check, then "N passed, M failed"."""

passed = 0
failed = 0


def check(name, ok, detail=""):
    """Prints `ok: NAME` or `FAIL: NAME: DETAIL` and counts it."""
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAIL: {name}" + (f": {detail}" if detail else ""))


def summary():
    """Prints the tally; returns the exit status (1 on any failure)."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

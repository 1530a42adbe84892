#!/usr/bin/env python3
"""The as-of fold in Python with the json loader: bench/peers/fold.py --loader json.

    python3 bench/peers/fold_json.py LOG AT [--known-at T] [--org O] [--state]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fold import main  # noqa: E402

if __name__ == "__main__":
    main(loader="json")

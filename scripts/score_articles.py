#!/usr/bin/env python3
"""Print the compiler's score on the real-article corpus (tests/data/articles).

    .venv/bin/python scripts/score_articles.py [-v]

Per case: exercises right / expected, phantoms; then the totals. With -v,
what was found and what was expected for every case that is not fully right.
"""

import sys
from pathlib import Path

from coach.read.score import score_case

ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "articles"


def main() -> None:
    verbose = "-v" in sys.argv
    scores = [score_case(e) for e in sorted(ARTICLES.glob("*.expect.json"))]
    for s in scores:
        mark = "ok " if s.fully_right else "BAD"
        print(f"{mark} {s.name:45} {s.right}/{s.expected} right, {s.phantoms} phantom(s)"
              + (f"  [{s.error}]" if s.error else ""))
        if verbose and not s.fully_right:
            print(f"      got:  {s.got}\n      want: {s.want}")
    right = sum(s.right for s in scores)
    total = sum(s.expected for s in scores)
    print(f"\nexercises right: {right}/{total} ({100 * right / max(total, 1):.0f}%); "
          f"articles fully right: {sum(s.fully_right for s in scores)}/{len(scores)}; "
          f"phantom exercises: {sum(s.phantoms for s in scores)}")


if __name__ == "__main__":
    main()

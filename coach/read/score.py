"""Score the compiler against the real-article corpus (tests/data/articles):
per case, the exercises found at level ``full`` against a careful reading.

An exercise is right when its repetitions and the holds of one repetition
(seconds and sides, in order) match the expectation at the same place in the
list; names are the reader's own and not compared. Exercises found beyond the
expected count are phantoms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError
from coach.script.load import load_program


@dataclass
class Score:
    name: str
    expected: int
    right: int
    phantoms: int
    error: str | None = None
    got: list | None = None
    want: list | None = None

    @property
    def fully_right(self) -> bool:
        return self.right == self.expected and not self.phantoms and self.error is None


def shape_of(program) -> list:
    return [(b.reps, [(h.seconds, h.side) for h in b.holds]) for b in program.exercises]


def expected_shape(expect: Path) -> list:
    return [(e["reps"], [(h["seconds"], h["side"]) for h in e["holds"]])
            for e in json.loads(expect.read_text())["exercises"]]


def source_of(expect: Path) -> Path:
    stem = expect.name.split(".")[0]
    return next(p for p in sorted(expect.parent.glob(stem + ".*"))
                if not p.name.endswith(".json"))


def score_case(expect: Path, source: Path | None = None) -> Score:
    want = expected_shape(expect)
    source = source or source_of(expect)
    try:
        got = shape_of(load_program(str(source), "full"))
    except CoachError as exc:
        return Score(source.name, len(want), 0, 0, str(exc), [], want)
    right = sum(g == w for g, w in zip(got, want))
    return Score(source.name, len(want), right, max(0, len(got) - len(want)), None, got, want)

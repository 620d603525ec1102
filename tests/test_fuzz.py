"""Arbitrary text either compiles or raises coach's own error, quickly."""

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.errors import RoutineError
from coach.levels import get_level
from coach.script.compile import compile_text

WORDS = st.sampled_from([
    "Hold", "for", "20-30", "seconds", "Repeat", "9", "times", "on", "each", "side", "left",
    "right", "the", "other", "Lie", "on your back", "twenty", "minutes", "breaths", "a count of",
    "0", "-3", "hours", "switch legs", "and", "then", ".", ",", "\n", "\n\n", "## ", "# ", "- ",
    "• ", "1. ", "Step 2: ", "up to", "about", "alternating", "sets of", "–", "rounds",
])
PROSE = st.lists(WORDS, max_size=80).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400), PROSE))
def test_any_text_compiles_or_raises_routine_error(text):
    for level in ("beginner", "full"):
        try:
            program = compile_text(text, get_level(level), file="x.md")
        except RoutineError as exc:
            assert str(exc).startswith("x.md")
        else:
            assert program.exercises


def test_a_large_article_compiles_fast():
    block = "## Knee hug {i}\n\n- Lie on your back.\n- Hug your knees to your chest.\n- Hold for 20 seconds.\n- Repeat 3 times.\n\n"
    text = "".join(block.format(i=i) for i in range(400))  # ~40 kB, 400 exercises
    start = time.perf_counter()
    program = compile_text(text, get_level("full"))
    assert len(program.exercises) == 400
    assert time.perf_counter() - start < 30  # generous: a guard against quadratic blow-ups

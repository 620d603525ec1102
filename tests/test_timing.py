"""The timing language of real instructions, phrase by phrase."""

import pytest

from coach.script.timing import Span, read_timing

HOLDS = [
    ("Hold on for 15 seconds.", 15, 15),
    ("Hold for 20-30 seconds or even longer.", 20, 30),
    ("Grab your heels and stay still for 15-20 seconds.", 15, 20),
    ("Hold this stretch three seconds.", 3, 3),
    ("Hold for a count of 5.", 5, 5),
    ("Hold the stretch for one deep breath.", 5, 5),
    ("Hold for 1 minute.", 60, 60),
    ("Hold for up to 10 seconds.", 5, 10),
    ("Hold about 30 seconds.", 30, 30),
    ("Hold for 20–30 seconds.", 20, 30),
    ("Hold for twenty to thirty seconds.", 20, 30),
    ("Hold for twenty-five seconds.", 25, 25),
    ("Stay for a minute and a half.", 90, 90),
    ("Hold for 30 seconds to 1 minute.", 30, 60),
    ("Keep it there for 30s.", 30, 30),
    ("Hold for half a minute.", 30, 30),
    ("Hold for between 20 and 30 seconds.", 20, 30),
    ("Stay here for 3 to 5 breaths.", 15, 25),
    ("Rest here for 3 deep breaths.", 15, 15),
    ("Slowly count to 10.", 10, 10),
    ("Hold for 5 to 7 long and even breaths.", 25, 35),
    ("Hold for 5 slow, deep breaths.", 25, 25),
]


@pytest.mark.parametrize("text,low,high", HOLDS)
def test_holds(text, low, high):
    assert read_timing(text).hold == Span(low, high)


REPS = [
    ("Repeat 9 times.", 9, 9),
    ("Perform 2-3 repetitions.", 2, 3),
    ("Repeat 8 to 10 times.", 8, 10),
    ("Do it five to 10 times on each side.", 5, 10),
    ("Do this 2-3 times per leg.", 2, 3),
    ("Repeat twice.", 2, 2),
    ("Do 2 sets of 10 reps.", 20, 20),
    ("Release, and do it three more times.", 4, 4),
    ("Move through 6 rounds.", 6, 6),
    ("Do 10 slides with each leg.", 10, 10),
    ("Do this two or three times.", 2, 3),
]


@pytest.mark.parametrize("text,low,high", REPS)
def test_reps(text, low, high):
    assert read_timing(text).reps == Span(low, high)


@pytest.mark.parametrize("text", [
    "Repeat on the other side.", "Switch legs and repeat.", "Repeat with the other leg.",
    "Then switch sides.", "Stay, then step back and practice on the left side.",
    "Now the other side.",
])
def test_other_side(text):
    assert read_timing(text).other_side


@pytest.mark.parametrize("text", [
    "Set that foot outside your opposite knee.", "Your feet should be on either side of you.",
    "Take both knees to one side.",
])
def test_not_other_side(text):
    assert not read_timing(text).other_side


@pytest.mark.parametrize("text", [
    "Repeat 5 times on each side.", "2-3 times per leg.", "Keep alternating sides.",
])
def test_per_side(text):
    assert read_timing(text).per_side


@pytest.mark.parametrize("text,side", [
    ("Twist your hips to the left, lowering your legs.", "left"),
    ("Tilt your body to the right while raising your left arm.", "right"),
    ("Take both knees to one side.", "one"),
    ("It's okay if they don't fit right on top of each other.", None),
])
def test_side(text, side):
    assert read_timing(text).side == side


@pytest.mark.parametrize("text", [
    "Hold your ankles.", "Hold on to the wall for balance.", "Do this 3 times a day.",
    "Take a deep breath.", "Sit about 12 inches from the wall.",
])
def test_not_timing(text):
    t = read_timing(text)
    assert not (t.hold or t.reps or t.bare_hold or t.unclear), t


def test_rest_is_not_a_hold():
    t = read_timing("Rest for 30 seconds between sets.")
    assert t.rest == Span(30, 30) and t.hold is None


def test_advice_for_every_pose_is_general():
    assert read_timing("Try to hold each pose for at least 10 seconds.").general


@pytest.mark.parametrize("text", ["Hold as long as it feels good.", "Hold the stretch."])
def test_bare_hold(text):
    assert read_timing(text).bare_hold


@pytest.mark.parametrize("text,message", [
    ("Hold for 0 seconds.", "a hold must last at least one second"),
    ("Hold for -5 seconds.", "a hold must last at least one second"),
    ("Hold for 3 hours.", "a hold of 3 hours is longer than 10 minutes; is that a typo?"),
    ("Repeat 0 times.", "a repetition count must be at least 1"),
    ("Repeat 500 times.", "500 repetitions is more than 100; is that a typo?"),
])
def test_nonsense(text, message):
    assert read_timing(text).problem == message


def test_unclear_timing_is_flagged():
    assert read_timing("Repeat as needed.").unclear


@pytest.mark.parametrize("sentence", [
    "Hold for 1e400 seconds.", "Repeat 10^9 times.", "Hold for 2/3 minutes.",
])
def test_numbers_that_are_not_plain_amounts_are_not_read(sentence):
    timing = read_timing(sentence)
    assert timing.hold is None and timing.reps is None
    assert timing.unclear  # a warning with its line, never a silent misreading


def test_not_plain_amounts_are_warnings_with_their_line():
    from coach.levels import get_level
    from coach.script.compile import compile_text

    text = "## Knee hug\n\nLie on your back. Hug your knees.\nHold for 1e400 seconds.\nRepeat 10^9 times.\n"
    program = compile_text(text, get_level("full"))
    warnings = program.exercises[0].warnings
    assert any(w.startswith("line 4:") for w in warnings)
    assert any(w.startswith("line 5:") for w in warnings)
    assert program.exercises[0].reps == 1


@pytest.mark.parametrize("sentence,reps", [
    ("Reps: 15 Tempo: 321 Rest: 60 Seconds", 15),
    ("Reps: 5x", 5),
    ("Repetitions: 8-12", 12),
    ("Complete three sets.", 3),
    ("Switch legs and repeat, doing four sets per leg.", 4),
])
def test_counts_in_field_lines_and_sets(sentence, reps):
    assert read_timing(sentence).reps.high == reps


def test_a_field_of_seconds_is_not_a_count():
    timing = read_timing("Repetition: 10-15 second hold, 2-3 times on each side")
    assert timing.hold == Span(10, 15) and timing.reps == Span(2, 3) and timing.per_side
    assert read_timing("Reps: 15 Tempo: 321 Rest: 60 Seconds").rest == Span(60, 60)


@pytest.mark.parametrize("sentence", [
    "Warm up with a five-minute walk.", "Take a 5-minute walk first.", "Walk for 10 minutes after.",
    "Build up to 10 seconds.", "Gradually increase to 30 seconds over the weeks.",
    "Get up every 30 minutes at work.", "Runners have a set time for a session, be it 60 min or more.",
])
def test_time_that_is_not_a_hold(sentence):
    timing = read_timing(sentence)
    assert timing.hold is None and not timing.unclear


def test_a_progression_adds_no_second_hold():
    timing = read_timing("Hold 10 seconds, and build up to 30 seconds.")
    assert timing.hold == Span(10, 10) and len(timing.hold_ends) == 1


def test_a_minute_or_two():
    assert read_timing("Hold for a minute or two.").hold == Span(60, 120)
    assert read_timing("Hold the stretch for 30 seconds while you walk your hands forward.").hold == Span(30, 30)

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


# ------------------------------------------- counts and sides, whole exercises
# Sentences as real articles write them; expected values from reading them.

def plan(*sentences: str):
    from coach.model import Exercise, Step
    from coach.script.plan import plan_exercise

    steps = tuple(Step(s, i + 2) for i, s in enumerate(sentences))
    p = plan_exercise(Exercise("Stretch", 1, steps))
    return p.reps.high, [(h.seconds.high if h.seconds else None, h.side) for h in p.holds]


@pytest.mark.parametrize("sentences,want", [
    # sets x repetitions = all repetitions (the corpus convention: reps = total)
    (["Lie on your stomach and lift your arms and legs.", "Hold for two to five seconds.",
      "Do three sets of 12."], (36, [(5, None)])),
    (["2 sets", "30 seconds", "Lie on your back and lift one knee.", "Repeat on the other side."],
     (2, [(30, "one"), (30, "other")])),
    (["3 sets of 10 reps 5 seconds", "Lie on your back.", "Draw your chin down.",
      "Hold this position for 5 seconds.", "Repeat 10 times."], (30, [(5, None)])),
    (["Repeat 10 times.", "Complete three sets."], (30, [])),
    (["Lift your hips.", "Repeat 10 times.", "Rest.", "Do another 10; then switch legs."], (20, [])),
    (["Reps: 15 Tempo: 321 Rest: 60 Seconds", "Raise your hips.", "That's one rep.",
      "Complete all your reps on that side, and then switch legs and repeat."], (15, [])),
    # a bare "repeat" is once more; "several times" is no number
    (["Fold forward.", "Hold the stretch for 15 to 30 seconds; release and repeat."], (2, [(30, None)])),
    (["Walk your fingers up the wall.", "Rest and repeat several times."], (1, [])),
    (["Stand with one foot forward.", "Repeat at least ten times with each leg."], (10, [])),
    # other-side phrasings
    (["Draw one elbow across your chest.", "Hold the stretch for five to 10 seconds.",
      "Relax and repeat with your other arm."], (1, [(10, "one"), (10, "other")])),
    (["Rest one foot on the seat.", "Hold for eight seconds and then relax for eight seconds.",
      "Then stretch the other side."], (1, [(8, "one"), (8, "other")])),
    (["Bend your right knee.", "Hold the pose for 3 deep breaths.",
      "Return to starting position and repeat on opposite side."], (1, [(15, "right"), (15, "left")])),
    (["Lie on your back and hug one knee; hold for 30–60 seconds before switching sides."],
     (1, [(60, "one"), (60, "other")])),
    (["Point your left arm forward as you straighten the right leg behind you.",
      "Hold for eight seconds and then switch."], (1, [(8, "left"), (8, "right")])),
    # the first side is the limb moved, not a helping hand or a leg left still
    (["Leave your left knee bent.", "Draw your right knee into your chest.",
      "Hold this pose for 30 seconds to 1 minute.", "Repeat with the other leg."],
     (1, [(60, "right"), (60, "left")])),
    (["Bend your left knee a little.", "Use your left hand to take hold of your right foot.",
      "Hold for 10-20 seconds.", "Repeat this process for the opposite side."],
     (1, [(20, "right"), (20, "left")])),
    (["Sit on a chair with your heels right under your knees.", "Take three to five slow breaths.",
      "Repeat to the opposite side."], (1, [(25, "one"), (25, "other")])),
    # one side named but never changed: no side
    (["Sit side-on to a wall with one hip touching it.", "Stay for 5-10 minutes."], (1, [(600, None)])),
    (["Kneel.", "Reach back to take your right ankle, then reach back for your left ankle.",
      "Hold for 30 seconds."], (1, [(30, None)])),
    (["Lift one leg and hold it, then lift and hold the other leg.",
      "Draw both knees closer to your chest, hold for a count of 5."], (1, [(5, None)])),
    # holds restated for the other side, options and warnings are not more holds
    (["Rest one leg on the chair.", "Hold stretch for 30 seconds.", "Lean forward.",
      "Hold the deeper stretch for only 10 seconds then swap sides doing the light stretch first "
      "for 30 seconds and then leaning forward for a deeper stretch for 10."],
     (1, [(30, "one"), (10, "one"), (30, "other"), (10, "other")])),
    (["Lift one leg and draw the knee in.", "Hold position for about 15-30 seconds then release.",
      "Repeat on the other leg.", "Modified Version From the starting position, draw both knees in.",
      "Hold for about 15-30 seconds."], (1, [(30, "one"), (30, "other")])),
    (["Swing both legs up the wall.", "Stay for 5-10 minutes.",
      "AVOID IF: you feel discomfort that lasts longer than 10 seconds."], (1, [(600, None)])),
    (["Breathe in and out three times (about 20 to 30 seconds total)."], (1, [(30, None)])),
])
def test_counts_and_sides_of_whole_exercises(sentences, want):
    assert plan(*sentences) == want


@pytest.mark.parametrize("sentence", [
    "Do not sit for more than 15 minutes.", "Pain that lasts longer than 10 seconds.",
])
def test_a_warning_about_time_is_not_a_hold(sentence):
    assert read_timing(sentence).hold is None


def test_sets_for_each_side_are_the_sides():
    timing = read_timing("Sets: 2 sets (one set for each side)")
    assert timing.reps is None and timing.per_side and not timing.unclear


def test_a_frequency_after_a_slash_is_not_a_count():
    assert read_timing("3-4x/daily + increase frequency when at work").reps is None


@pytest.mark.parametrize("sentences,want", [
    # "each stretch" inside the exercise: every movement before a change of side, and the last
    (["Lie on your back and take one knee towards your chest.", "Switch to the other leg and repeat.",
      "Then, pull both knees to the chest at the same time.",
      "Hold each stretch for 20-30 seconds, 2-3 times."], (3, [(30, "one"), (30, "other"), (30, None)])),
    # the same hold said again by a goal or a field line is not a second hold
    (["Once your hips are level, stop and hold this position for 3 seconds.",
      "Your goal should be 12-15 reps for 3 sets with a 3 second hold at the top."], (45, [(3, None)])),
    (["Lunge forward.", "Hold this position for 15 seconds.", "Then, switch legs.",
      "Repetition: 3 x 15 seconds per leg"], (3, [(15, "one"), (15, "other")])),
    (["Bring right knee toward chest, hold for 10 seconds, return to starting position.",
      "Repeat with the left knee.", "Repeat same action with both knees together if you can.",
      "Repeat above steps until low back feels loose, about 5-10 times."],
     (10, [(10, "right"), (10, "left"), (10, None)])),
    # the side a change goes to names the first side too
    (["Flex your left leg, bend your right knee and bring it toward your chest.",
      "Hold for 15-20 seconds.", "Repeat on your left side."], (1, [(20, "right"), (20, "left")])),
    (["Hold for 20 seconds.", "Repeat once more."], (2, [(20, None)])),
])
def test_more_counts_of_whole_exercises(sentences, want):
    assert plan(*sentences) == want


def test_time_spent_on_something_else_is_no_hold_and_no_error():
    timing = read_timing("Runners would keep body and mind in balance with an hour of restorative yoga "
                         "twice a week.")
    assert timing.hold is None and timing.problem is None


def test_a_page_wide_count_is_for_exercises_without_their_own():
    from coach.levels import get_level
    from coach.script.compile import compile_text

    text = ("# Back\n\nIf you are not sure, try each one 5–10 times to start with.\n\n"
            "## Knee hug\n\nHug your knees, hold for a count of 5.\n\n"
            "## Bridge\n\nLift your hips. Hold for 5 seconds. Repeat 3 times.\n")
    program = compile_text(text, get_level("full"))
    assert [e.reps for e in program.exercises] == [10, 3]


def test_hold_each_position_holds_every_numbered_position_on_each_side():
    from coach.model import Exercise, Step, StepKind
    from coach.script.plan import plan_exercise

    steps = (Step("Lie on your back.", 2), Step("Bring your left leg up toward your body.", 3, StepKind.NUMBERED),
             Step("Then bring that leg across the body.", 4, StepKind.NUMBERED),
             Step("Then take that same leg out to the side.", 5, StepKind.NUMBERED),
             Step("Switch sides and repeat.", 6),
             Step("Hold each position for 30 seconds, then build up to a minute.", 6),
             Step("Put ice on your lower back afterwards.", 7))
    p = plan_exercise(Exercise("Leg stretch", 1, steps))
    assert [(h.seconds.high, h.side) for h in p.holds] == [(30, "left")] * 3 + [(30, "right")] * 3


def test_a_page_wide_hold_is_for_exercises_without_timing_of_their_own():
    from coach.levels import get_level
    from coach.script.compile import compile_text

    text = ("# Morning\n\nHold each position for five breaths, and do one to two sets.\n\n"
            "## Knee to chest\n\nDraw one knee in to your chest. Repeat on opposite side.\n\n"
            "## Knee rocks\n\nRock your knees from side to side. Repeat 10 times.\n")
    program = compile_text(text, get_level("full"))
    assert [(e.reps, [(h.seconds, h.side) for h in e.holds]) for e in program.exercises] == [
        (2, [(25, "one"), (25, "other")]), (10, [])]


@pytest.mark.parametrize("sentence,attr", [
    ("Repeat this 3 to 4 times before swopping legs.", "other_side"),
    ("Release and lower your leg, then repeat on the left.", "other_side"),
    ("Roll your head to the right, hold, then roll it to the left and hold.", "bare_hold"),
])
def test_more_phrasings(sentence, attr):
    assert getattr(read_timing(sentence), attr)


@pytest.mark.parametrize("sentence", [
    "Put a hand on each knee and lift the legs.", "Tip your head to the opposite side while tucking the chin.",
])
def test_a_place_or_a_direction_is_not_a_change_of_side(sentence):
    timing = read_timing(sentence)
    assert not timing.per_side and not timing.other_side


def test_several_breaths_give_no_length():
    assert read_timing("Take several deep breaths and feel the back expand.").hold is None


@pytest.mark.parametrize("sentences,want", [
    (["Turn your head to one side, and hold for about 10 seconds.",
      "Slowly roll the head round to face the other way. Hold this for another 10 seconds.",
      "Repeat this rotation 3 to 5 times."], (5, [(10, "one"), (10, "other")])),
    (["If the sciatica is on your right, turn both legs to the left; if it is on your left, turn both to "
      "the right.", "Hold 3-5 sec; repeat 5-8 times; perform at least once per day."], (8, [(5, None)])),
    (["Rolling your knees from left to right is one repetition.", "Roll your knees to the right and hold "
      "for 2 seconds.", "Roll your knees to the left and hold for 2 seconds."], (1, [(2, "right"), (2, "left")])),
    (["Gaze over your right shoulder while holding this position for three complete breaths.",
      "Return to the center and repeat on the other side."], (1, [(15, "right"), (15, "left")])),
    (["Target Repetitions = 5"], (5, [])),
    (["Step your left foot back.", "To make it easier, bend the front knee a little.",
      "Fold over your right leg. Hold for 30 seconds and repeat on second side."], (1, [(30, "right"), (30, "left")])),
])
def test_counts_and_sides_found_with_whole_articles(sentences, want):
    assert plan(*sentences) == want


@pytest.mark.parametrize("sentences,want", [
    (["Inhale, shift your weight to your left leg and place your right foot flat on the seat.",
      "Hold for 15 seconds and repeat on the other side."], (1, [(15, "right"), (15, "left")])),
    (["Standing Back Extension (above left) – lean back gently.", "Hold only for three seconds.",
      "Repeat five times."], (5, [(3, None)])),
    (["Glide your head back. (If it feels like a double chin, you have it right.)",
      "Hold for 20 counts and repeat five to 10 times."], (10, [(20, None)])),
    (["Tip the ear toward the opposite shoulder.", "With the opposite hand, shrug and hold for 15 seconds.",
      "Do the exact same neck exercise on the opposite side.",
      "It's best to do 2 sets of 15 seconds each side at least twice each day."],
     (2, [(15, "one"), (15, "other")])),
    (["Single leg to chest R&L: 5 breaths each side"], (1, [(25, "right"), (25, "left")])),
])
def test_sides_and_sets_in_more_real_phrasings(sentences, want):
    assert plan(*sentences) == want


@pytest.mark.parametrize("sentences,want", [
    (["Instead of 5 reps on each leg, do 10.", "Instead of holding this position for 2 seconds, hold it for 4."],
     (10, [(4, "one"), (4, "other")])),
    (["Bend and stretch your legs 5–10 times and then be still.", "Hold for 5–10 deep breaths."],
     (1, [(50, None)])),
])
def test_progressions_and_lead_in_movements(sentences, want):
    assert plan(*sentences) == want


def test_a_count_alone_in_the_notes_is_page_wide():
    from coach.script.plan import page_wide

    assert page_wide(["The Flow", "Repeat 2x", "Each move: 60 seconds"]) == (Span(2, 2), Span(60, 60))
    assert page_wide(["Do this 3 times a day.", "Walk for 10 minutes first."]) == (None, None)


@pytest.mark.parametrize("sentences,want", [
    (["Lie on your back.", "Pull first 1 knee up against your chest and hold for 20 to 30 seconds, repeat this "
      "with the other knee, and then both knees."], (1, [(30, "one"), (30, "other"), (30, None)])),
    (["Raise your hips; hold for 10 seconds, repeat 5 to10 times"], (10, [(10, None)])),
    (["Gently nod the chin towards the chest", "hold :10", "rest :10", "Repeat 8-10 times",
      "Once this becomes easier…", "Hold 5-10 sec", "Rest 10 sec", "Perform 6-10 cycles"], (10, [(10, None)])),
])
def test_stopwatch_fields_later_stages_and_both_knees(sentences, want):
    assert plan(*sentences) == want


def test_a_hold_with_no_length_anywhere_is_the_movement_it_ends():
    from coach.levels import get_level
    from coach.script.compile import compile_text

    text = "## Neck release\n\nTuck your chin gently.\nHold the position until you feel the tension ease.\n"
    program = compile_text(text, get_level("full"))
    assert program.exercises[0].holds == ()
    assert any("no length given" in w for w in program.exercises[0].warnings)
    said = " ".join(a.text for b in program.blocks for a in b.actions if hasattr(a, "text"))
    assert "Tuck your chin gently" in said


@pytest.mark.parametrize("sentences,want", [
    (["Knee fold one leg, breathe out to draw the abdominals in and press the knee into the hand – 3 rep’s "
      "on each leg – then do another 3 rep’s with legs in a double knee fold"], (6, [])),
    (["Step out onto one leg and sink until the front thigh is level.", "After a couple seconds, switch."],
     (1, [(2, "one"), (2, "other")])),
])
def test_breath_words_far_from_a_count_and_a_bare_switch(sentences, want):
    assert plan(*sentences) == want


def test_page_wide_phrasings():
    from coach.script.plan import page_wide

    assert page_wide(["Aim for slow stretches over ten seconds, breathing deeply.",
                      "Start with ten of each then try more."]) == (Span(10, 10), Span(10, 10))
    assert not read_timing("Do 10 of each side.").general


def test_breathing_pace_is_not_a_hold_and_a_hundred_is_a_number():
    timing = read_timing("Beat the arms and breathe in for 5 counts then out for 5 counts up to one hundred counts.")
    assert timing.hold == Span(100, 100) and len(timing.hold_ends) == 1
    assert read_timing("Breathe in for 4 counts, hold for 7 counts, out for 8 counts.").hold == Span(7, 7)


def test_one_movement_both_ways_under_a_page_rule():
    from coach.levels import get_level
    from coach.script.compile import compile_text

    text = ("# Desk\n\nAim for slow stretches over ten seconds. Start with ten of each.\n\n"
            "## Sitting twist\n\nSit on a chair. Breathing out, turn your upper body to the right, breathe in "
            "to return, and then breathe out as you turn your upper body to the left.\n")
    program = compile_text(text, get_level("full"))
    assert [(e.reps, [(h.seconds, h.side) for h in e.holds]) for e in program.exercises] == [
        (10, [(10, "right"), (10, "left")])]


def test_the_issues_phrasings_in_whole_exercises():
    assert plan("Lie on your left side.", "Lift your top leg slowly, then lower it.", "Repeat 10 times.",
                "Rest.", "Do another 10; then switch legs.") == (20, [])
    assert plan("Warm up with a five-minute walk.", "Sit down and take hold of your right foot.",
                "Hold for 30–60 seconds before switching sides.", "Build up to 90 seconds over time.",
                "Complete three sets.") == (3, [(60, "right"), (60, "left")])
    assert plan("Lie on your back and hug your knees.", "Hold for 20 seconds.",
                "Repeat at least 2 times per day.") == (1, [(20, None)])


@pytest.mark.parametrize("sentence", [
    "That's one rep.", "Rolling your knees from left to right is one repetition.", "Repetitions: 2x daily",
    "Every second day", "Reps:", "Repeat it on both sides.",
    "For the second part of the stretch, let your back sink into a reversed arch.",
])
def test_understood_lines_are_not_warned_about(sentence):
    assert not read_timing(sentence).unclear


@pytest.mark.parametrize("sentences,want", [
    (["Set one knee a little ahead of the other.", "Sink into a good stretch, hold for twenty seconds then take "
      "a break, and repeat three times.", "Once completed, repeat the stretch on the other leg."],
     (3, [(20, "one"), (20, "other")])),
    (["Hug your knees; hold the pose for 30 seconds to one minute.",
      "After one minute, gently exhale and return your body to its original position.", "Repeat five times."],
     (5, [(60, None)])),
    (["Hold 30 seconds.", "Drop head and hold 30 seconds.", "Look up again and hold 30 seconds."],
     (1, [(30, None), (30, None), (30, None)])),
    (["Hold for 20 seconds.", "Repeat 2 times.", "An additional way to improve motion is to lie on your back.",
      "Push down for 5 seconds, relax 5 seconds.", "Repeat 3 to 5 times."], (2, [(20, None)])),
])
def test_restated_holds_other_versions_and_lead_sentences_that_switch(sentences, want):
    assert plan(*sentences) == want


def test_left_and_right_is_both_sides_and_a_break_is_a_rest():
    timing = read_timing("Left and Right (3X) Hold 5 seconds")
    assert timing.per_side and timing.reps == Span(3, 3) and timing.hold == Span(5, 5)
    assert plan("Tilt your head gently.", "Left and Right (3X) Hold 5 seconds") == (3, [(5, "left"), (5, "right")])
    assert not read_timing("Place your left and right hands on the floor.").per_side
    breaks = read_timing("These short breaks are approximately 2 minutes in length.")
    assert breaks.hold is None and breaks.rest == Span(120, 120)


def test_a_total_for_each_side_is_shared_between_the_sides():
    assert read_timing("Each Side – 60 sec total").hold == Span(30, 30)
    assert read_timing("Hold for 60 seconds on each side.").hold == Span(60, 60)


def test_one_side_only_is_not_mirrored():
    assert plan("Let your legs roll gently to one side, then repeat the movement to the opposite side.",
                "As above, roll to only one side, away from the painful side.",
                "Hold for at least 30 seconds.") == (1, [(30, None)])


@pytest.mark.parametrize("sentences,want", [
    (["Lie on your back and raise your hips and hold.", "Hold for 5 seconds.", "Repeat 10 times."],
     (10, [(5, None)])),
    (["Twist to the right and hold for 10 seconds.", "Then twist to the left and hold."],
     (1, [(10, "right"), (10, "left")])),
])
def test_a_hold_without_length_takes_the_length_the_exercise_gives(sentences, want):
    assert plan(*sentences) == want


@pytest.mark.parametrize("sentence,reps", [
    ("3 x 10", 30), ("3 x 10 reps", 30), ("Hold 20-30 sec each side x 3.", 3),
    ("Repetition: 3 x 15 seconds per leg", 3), ("Sit in a 90 x 90 position.", None),
])
def test_multiplication_signs(sentence, reps):
    timing = read_timing(sentence)
    assert (timing.reps.high if timing.reps else None) == reps and timing.problem is None


def test_left_and_right_of_one_body_part_is_not_both_sides():
    assert not read_timing("Keep your left and right hips level.").per_side


@pytest.mark.parametrize("sentence,reps,sets", [
    ("Perform 10-15 repetitions per side, 2-3 sets.", 45, 3), ("Do 3 sets, 10 reps each.", 30, 3),
    ("Sets: 2 Reps: 10", 20, 2), ("Sets: 2 sets (one set for each side) Reps: 5x", 5, None),
])
def test_sets_and_repetitions_in_one_sentence_multiply(sentence, reps, sets):
    timing = read_timing(sentence)
    assert timing.reps.high == reps and (timing.sets.high if timing.sets else None) == sets


def test_a_breath_in_each_position_holds_each_position():
    assert plan("Come onto your hands and knees.",
                "As you inhale, drop your belly (cow); as you exhale, round your spine (cat).",
                "Hold the stretch for one deep breath in each position.", "Move through 6 rounds.") == (
        6, [(5, None), (5, None)])

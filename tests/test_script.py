"""The spoken script, checked mechanically the way a listener would notice:
sides mirrored, time to change position, clean words, the right closing,
the beginner dose; and golden scripts read line by line.

Routines under data/script are our own, written for these tests: a
side-lying, crossed-leg, seated and standing hip routine, a chair routine
that ends standing, and a floor routine with breath-paced movements.
"""

import os
import re
from pathlib import Path

import pytest

from coach.cli import summary
from coach.levels import get_level
from coach.script.compile import compile_text
from coach.script.load import load_program
from coach.timeline import estimate

DATA = Path(__file__).parent / "data" / "script"
OWN = sorted(DATA.glob("*.md"))
FLOOR = {"back", "stomach", "side", "hands-knees", "kneeling", "seated"}


def contract(program):
    return summary(program, estimate(program))


def own(path, level):
    return compile_text(path.read_text(), get_level(level), name=path.stem)


def programs(seed_path):
    """Every routine the checks run over, at both levels."""
    found = []
    for level in ("beginner", "full"):
        found.append((f"back-{level}", load_program(level)))
        found.append((f"seed-{level}", load_program(str(seed_path), level)))
        found += [(f"{p.stem}-{level}", own(p, level)) for p in OWN]
    return found


SEED = Path(os.environ.get("COACH_SEED") or Path(__file__).resolve().parents[2] / "shared" / "seed" / "back-stretches.txt")


@pytest.fixture(scope="module")
def every():
    if not SEED.exists():
        pytest.fail("the seed article is missing: set COACH_SEED or put shared/ beside the checkout")
    return [(name, contract(program)) for name, program in programs(SEED)]


def swap_sides(text):
    """Left <-> right and one side <-> the other side, written here
    independently of the compiler's own mirroring."""
    table = {"left": "right", "right": "left", "one side": "the other side", "the other side": "one side"}
    return re.sub(r"\b(left|right|one side|the other side)\b",
                  lambda m: (lambda w: w[0].upper() + w[1:] if m.group(0)[0].isupper() else w)(table[m.group(0).lower()]),
                  text, flags=re.IGNORECASE)


def test_own_routines_are_there():
    assert len(OWN) == 3


def test_every_side_specific_instruction_is_mirrored(every):
    for name, data in every:
        for index, exercise in enumerate(data["exercises"]):
            said = {c["text"] for c in data["script"] if c["exercise"] == index and c["kind"] == "say"
                    and c["phase"] in ("setup", "move", "release")}
            for text in said:
                if re.search(r"\b(?:left|right|one side)\b", text, re.I) and not text.startswith("Now the"):
                    assert swap_sides(text) in said, (name, exercise["name"], text)


def test_position_changes_get_a_transition_and_time(every):
    for name, data in every:
        script, exercises = data["script"], data["exercises"]
        for index in range(1, len(exercises)):
            before, after = exercises[index - 1]["position"], exercises[index]["position"]
            if before == after or after is None:
                continue
            cues = [c for c in script if c["exercise"] == index]
            assert cues[0]["phase"] == "transition", (name, exercises[index]["name"])
            first_hold = next((c["t"] for c in cues if c["text"] == "hold_start"), None)
            if first_hold is None:  # a movement with the breath: time to its first breath
                first_hold = next(c["t"] for c in cues if c["text"].startswith("Breathe"))
            needed = 15 if before in FLOOR and after == "standing" else 12
            assert first_hold - cues[0]["t"] >= needed, (name, exercises[index]["name"])


def test_spoken_lines_are_clean(every):
    for name, data in every:
        for cue in data["script"]:
            if cue["kind"] == "beep":
                continue
            text = cue["text"]
            assert not re.search(r"\d|[()\[\]{}|*#_<>]|\s{2}|\s[.,;:!?]|[.,;:]{2}|^\s|\s$", text), (name, text)
            assert text[0].isupper() and text[-1] in ".!?" or cue["kind"] == "count", (name, text)


def test_title_is_the_routines_own(every):
    titles = {name: data["title"] for name, data in every}
    assert titles["hips-and-thighs-full"] == "Hips and thighs, gently"
    assert titles["seed-full"] == "Relieve Pain and Improve Flexibility: 12 Back Stretches"
    for name, data in every:
        first = data["script"][0]["text"]
        assert first.startswith("Welcome to ") and "-" not in first.split(",")[0], (name, first)


BACK_POSITIONS = ["back"] * 6 + ["stomach", "hands-knees", "hands-knees", "seated", "seated", "standing"]
SEED_POSITIONS = ["back", "back", "back", "stomach", "back", "hands-knees", "seated", "hands-knees",
                  "back", "back", "seated", "standing"]
OWN_POSITIONS = {
    "hips-and-thighs": ["side", "back", "seated", "standing"],
    "desk-break": ["chair", "chair", "chair", "standing"],
    "low-back-start": ["back", "hands-knees", "kneeling"],
}


def test_positions_of_the_builtin_seed_and_own_routines(every):
    found = {name: [e["position"] for e in data["exercises"]] for name, data in every}
    assert found["back-full"] == BACK_POSITIONS
    assert found["seed-full"] == SEED_POSITIONS
    for stem, positions in OWN_POSITIONS.items():
        assert found[f"{stem}-full"] == positions


def test_closing_fits_where_the_listener_is(every):
    for name, data in every:
        closing = " ".join(c["text"] for c in data["script"] if c["phase"] == "closing")
        final = data["exercises"][-1]["position"]
        if final in ("standing", "seated", "chair", "hands-knees", "kneeling"):
            assert not re.search(r"\blie\b|roll onto your side", closing, re.I), (name, closing)
        if final in ("back", "stomach", "side"):
            assert "roll onto your side" in closing, (name, closing)


def test_walk_only_where_the_text_suggests_it(every):
    walks = {name: "walk" in " ".join(c["text"] for c in data["script"] if c["phase"] == "closing")
             for name, data in every}
    assert walks["back-full"] and walks["seed-full"] and walks["low-back-start-full"]
    assert not walks["desk-break-full"] and not walks["hips-and-thighs-full"]


def test_back_warning_only_for_back_routines(every):
    for name, data in every:
        opening = " ".join(c["text"] for c in data["script"] if c["phase"] == "intro")
        about_back = name.startswith(("back", "seed", "low-back"))
        assert ("two weeks" in opening) == about_back, name


def test_the_texts_own_warnings_and_equipment_are_in_the_opening(every):
    opening = {name: " ".join(c["text"] for c in data["script"] if c["phase"] == "intro") for name, data in every}
    assert "Never bounce in a stretch." in opening["hips-and-thighs-full"]
    assert "hip replacement" in opening["hips-and-thighs-full"]
    assert "You'll need a chair." in opening["desk-break-beginner"]
    assert "chair" not in opening["back-full"]


def test_every_tone_heard_is_explained(every):
    for name, data in every:
        tones = {c["text"] for c in data["script"] if c["kind"] == "beep"}
        assert tones <= {"hold_start", "hold_end"}, name
        opening = " ".join(c["text"] for c in data["script"] if c["phase"] == "intro")
        assert bool(tones) == ("rising tone starts each hold" in opening), name


def test_beginner_dose(every):
    full = {name[: -len("-full")]: data for name, data in every if name.endswith("-full")}
    for name, data in every:
        if not name.endswith("-beginner"):
            continue
        assert data["duration_s"] <= 15 * 60, name
        written = {e["name"]: e["reps"] for e in full[name[: -len("-beginner")]]["exercises"]}
        for exercise in data["exercises"]:
            assert all(h["seconds"] >= 10 for h in exercise["holds"]), (name, exercise["name"])
            assert exercise["reps"] >= min(2, written[exercise["name"]]), (name, exercise["name"])
        starts = [c["t"] for c in data["script"] if c["text"] == "hold_start"]
        ends = [c["t"] for c in data["script"] if c["text"] == "hold_end"]
        assert all(b - a >= 10 for a, b in zip(starts, ends)), name


def test_hold_cues_are_said_inside_the_hold():
    data = contract(load_program("full"))
    rock = next(c for c in data["script"] if c["text"] == "You may rock gently from side to side.")
    assert (rock["kind"], rock["phase"]) == ("count", "hold")
    before = [c for c in data["script"] if c["t"] < rock["t"] and c["kind"] == "beep"]
    assert before[-1]["text"] == "hold_start"


def test_breaths_are_counted_with_the_breath():
    data = contract(own(DATA / "desk-break.md", "full"))
    said = [c["text"] for c in data["script"]]
    assert "Hold for five breaths." in said
    hold = said.index("Hold for five breaths.")
    counts = said[hold + 2: hold + 12]
    assert counts[:2] == ["Breathe in.", "And out."] and "Last breath in." in counts


def test_the_second_side_gets_its_own_setup():
    data = contract(own(DATA / "hips-and-thighs.md", "full"))
    clam = [c["text"] for c in data["script"] if c["exercise"] == 0 and c["kind"] == "say"]
    switch = clam.index("Now the right side.")
    assert clam[switch + 1: switch + 3] == [
        "Roll over slowly to face the other way.",
        "Lie on your right side with your hips and knees bent and your feet together."]
    # Every repetition on the left side before rolling over once.
    assert clam.count("Now the right side.") == 1 and clam.count("Now the left side.") == 0


def test_later_repetitions_start_from_the_starting_position():
    data = contract(load_program("full"))
    stomach = [c["text"] for c in data["script"] if c["exercise"] == 6 and c["kind"] == "say"]
    assert stomach.count("Come up onto your elbows.") == 9
    assert stomach.count("Lie on your stomach.") == 1


def test_a_second_movement_of_a_side_is_done_on_each_side():
    data = contract(load_program("full"))
    leg = [c for c in data["script"] if c["exercise"] == 5 and c["kind"] == "say"]
    right = next(c for c in leg if c["text"].startswith("Lower your right leg out to the right side"))
    left = next(c for c in leg if c["text"].startswith("Lower your left leg out to the left side"))
    assert right["t"] < left["t"] and (right["side"], left["side"]) == ("right", "left")


def test_breath_paced_movement_without_holds():
    data = contract(own(DATA / "low-back-start.md", "full"))
    tilt = [c for c in data["script"] if c["exercise"] == 0]
    assert not any(c["kind"] == "beep" for c in tilt)
    said = [c["text"] for c in tilt]
    assert said.count("Breathe out, tighten your stomach muscles and press your lower back into the floor.") == 10
    assert said.count("Breathe in, let your back relax again.") == 10


def test_progress_and_varied_praise():
    data = contract(load_program("full"))
    said = [c["text"] for c in data["script"] if c["phase"] == "rest" and c["text"] != "Rest."]
    assert len(said) > 10 and all(a != b for a, b in zip(said, said[1:]))
    # back.md repeats seven of its twelve exercises nine times: one "Last one." each.
    assert [c["text"] for c in data["script"]].count("Last one.") == 7


def test_show_and_compile_say_what_a_level_changed():
    program = load_program("beginner")
    assert program.left_out
    changes = {b.name: b.changes for b in program.exercises}
    assert changes["Knees to chest"] == ("2 repetitions instead of the 9 written",)
    assert "holds of 5 s done as a movement with the breath" in changes["Cat and cow"]


def test_minutes_fits_any_level_or_says_it_cannot():
    from coach.errors import ConfigError

    program = load_program("full", minutes=10)
    assert estimate(program).length / 22050 <= 600
    assert all(left.endswith("(to fit 10 minutes)") for left in program.left_out)
    with pytest.raises(ConfigError, match="cannot fit in 1 minute at the full level"):
        load_program("full", minutes=1)


@pytest.mark.parametrize("stem,level", [("back", "beginner"), ("hips-and-thighs", "beginner"),
                                        ("desk-break", "full"), ("low-back-start", "beginner")])
def test_golden_scripts(stem, level):
    """Every line of these scripts was read by a person before it was saved."""
    program = load_program(level) if stem == "back" else own(DATA / f"{stem}.md", level)
    said = [c["text"] for c in contract(program)["script"] if c["kind"] == "say"]
    golden = (DATA / f"{stem}.{level}.golden.txt").read_text().splitlines()
    assert said == golden


def script_of(text, level="full"):
    program = compile_text(text, get_level(level), name="my-file")
    return contract(program)


def test_names_numbers_and_asides_are_said_for_the_ear():
    text = ("# Evening unwind\n\n"
            "## Hamstring stretch (supine) | 30 sec per side\n\n"
            "- Lie on your back with both legs straight.\n"
            "- Loop a towel around your right foot and raise the leg.\n"
            "- Hold for 90 seconds.\n"
            "- It's okay if your knee bends a little.\n"
            "- Lower the leg.\n"
            "- Repeat on the other side.\n\n"
            "## Long rest\n\n"
            "- Lie on your back with your arms by your sides.\n"
            "- Photo credit: a stock library.\n"
            "- Hold for 3 minutes, breathing slowly.\n")
    data = script_of(text)
    said = [c["text"] for c in data["script"] if c["kind"] == "say"]
    counts = [c["text"] for c in data["script"] if c["kind"] == "count"]
    assert "Exercise one of two: Hamstring stretch." in said
    assert "Hold for a minute and a half." in said and "Hold for three minutes." in said
    assert not any("okay" in t or "Photo" in t or "my-file" in t or "my file" in t for t in said + counts)
    assert said[0].startswith("Welcome to Evening unwind, at the full level")
    assert "Breathing slowly." in counts  # the text's cue, said inside the hold
    assert "You'll need a towel." in said


def test_one_minute_and_other_lengths():
    from coach.script.words import say_duration

    assert [say_duration(s) for s in (1, 45, 60, 75, 90, 120, 150, 180)] == [
        "one second", "forty-five seconds", "one minute", "one minute and fifteen seconds",
        "a minute and a half", "two minutes", "two and a half minutes", "three minutes"]


def test_no_now_after_now():
    for name, program in (("back", load_program("full")), ("seed", load_program(str(SEED), "full"))):
        said = [c["text"] for c in contract(program)["script"] if c["kind"] == "say"]
        for a, b in zip(said, said[1:]):
            assert not (a.startswith("Now ") and b.startswith(("Now ", "Then "))), (name, a, b)


def test_seed_hold_cues_and_asides():
    data = contract(load_program(str(SEED), "full"))
    counts = {c["text"]: c for c in data["script"] if c["kind"] == "count"}
    said = [c["text"] for c in data["script"] if c["kind"] == "say"]
    assert counts["If it feels good, you can stay a little longer."]["exercise"] == 7  # child's pose
    assert counts["You can rock slightly from side to side to massage your lower back."]["exercise"] == 8
    assert not any("okay if they don't fit" in t or "simply must" in t or "Gomukhasana" in t for t in said)
    big_toe = [c["text"] for c in data["script"] if c["exercise"] == 9 and c["kind"] == "say"]
    assert "Lie on your back and lift your left leg towards your face." in big_toe
    assert "Now lower your left leg to the left as far as you can without lifting the opposite thigh up." in big_toe


def test_a_movement_done_on_each_side_rolls_over_once():
    text = ("# Side work\n\n## Side leg lift\n\n"
            "- Lie on your left side with your legs straight, one on top of the other.\n"
            "- Lift your top leg slowly, then lower it.\n"
            "- Do 10 lifts, then turn over and repeat on the other side.\n\n"
            "## Knee circles\n\n- Stand tall with your hands on your knees.\n"
            "- Circle your knees to the right five times.\n- Then circle them to the left.\n")
    said = [c["text"] for c in script_of(text)["script"] if c["kind"] == "say"]
    assert "We'll do this ten times on each side." in said
    switch = said.index("Now the right side.")
    assert said[switch + 1: switch + 3] == ["Roll over slowly to face the other way.",
                                             "Lie on your right side with your legs straight, one on top of the other."]
    assert said.count("Breathe out, lift your top leg slowly, then lower it.") == 20
    assert "Circle your knees to the right." in said  # the movement of a sentence that also counts


def coach(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", "from coach.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


def test_minutes_on_the_command_line(tmp_path):
    import json

    result = coach("compile", "full", "--minutes", "10", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["duration_s"] <= 600 and data["left_out"]
    shown = coach("show", "full", "--minutes", "10")
    assert shown.returncode == 0 and "left out: " in shown.stdout
    too_short = coach("compile", "full", "--minutes", "1")
    assert too_short.returncode == 2
    assert too_short.stderr.strip().splitlines() == [
        "this routine cannot fit in 1 minute at the full level; its shortest session takes about 2 minutes"]
    text = coach("compile", "beginner")
    assert "changed: Knees to chest: 2 repetitions instead of the 9 written" in text.stderr.splitlines()


def test_a_file_without_a_title_is_not_called_by_its_name(tmp_path):
    path = tmp_path / "my-knees.txt"
    path.write_text("- Lie on your back.\n- Hug your knees to your chest.\n- Hold for 20 seconds.\n")
    data = contract(load_program(str(path), "full"))
    said = [c["text"] for c in data["script"] if c["kind"] == "say"]
    assert said[0].startswith("Welcome to your routine, at the full level: one exercise")
    assert not any("My knees" in t for t in said)


def test_one_at_a_time_is_not_a_count_and_effort_goes_with_the_out_breath():
    text = ("# Morning\n\n## Roll-down\n\n- Stand tall with your knees soft.\n"
            "- Tuck your chin and roll down slowly, one vertebra at a time.\n"
            "- Roll back up just as slowly.\n- Repeat four times.\n\n"
            "## Cat and cow\n\n- Come onto your hands and knees.\n"
            "- Let your belly sink and lift your head.\n- Hold for 5 seconds.\n"
            "- Round your back up toward the ceiling.\n- Hold for 5 seconds.\n- Repeat 6 times.\n")
    data = script_of(text, "beginner")
    said = [c["text"] for c in data["script"] if c["kind"] == "say"]
    assert data["exercises"][0]["reps"] == 3
    assert "Breathe out, tuck your chin and roll down slowly, one vertebra at a time." in said
    assert "Breathe in, roll back up just as slowly." in said
    assert "Breathe in, let your belly sink and lift your head." in said
    assert "Breathe out, round your back up toward the ceiling." in said


POSITIONS = [
    ("Lie on your back with your knees bent.", "back"),
    ("Lie down on your back on the floor.", "back"),
    ("Lying flat, bring one knee up.", "back"),
    ("Lie supine with your arms by your sides.", "back"),
    ("Lie face down with your forehead on your hands.", "stomach"),
    ("Lie on your front.", "stomach"),
    ("Lie on your left side with your knees bent.", "side"),
    ("Get down on all fours.", "hands-knees"),
    ("Start in a tabletop position.", "hands-knees"),
    ("Kneel on a soft mat.", "kneeling"),
    ("Sit on the floor with your legs out in front.", "seated"),
    ("Sit cross-legged.", "seated"),
    ("Come to a seated position.", "seated"),
    ("Sit upright in a sturdy chair.", "chair"),
    ("Sit on a chair with your feet flat.", "chair"),
    ("Stand behind a chair and hold its back.", "standing"),
    ("Begin in a standing position.", "standing"),
    ("Stand tall with your feet apart.", "standing"),
    ("From standing, reach up.", "standing"),
]


@pytest.mark.parametrize("sentence,position", POSITIONS)
def test_starting_positions_from_real_phrasing(sentence, position):
    from coach.script.exercise import position_of

    assert position_of([sentence]).value == position


def test_hold_phase_is_inside_the_hold(every):
    """Cues marked 'hold' are the tones and what is said between them."""
    for name, data in every:
        inside = False
        for cue in data["script"]:
            if cue["text"] == "hold_start":
                inside = True
            assert (cue["phase"] == "hold") == inside, (name, cue)
            if cue["text"] == "hold_end":
                inside = False
